#!/usr/bin/env bash
# Runs every test: formatting and lints, Rust unit + contract (SQLite AND PostgreSQL) + API tests,
# front-end type check and unit tests, and the browser tests in Debian's Chromium.
# Usage: bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bash scripts/install-deps.sh

echo "==> web: npm ci, type check, unit tests, build"
(cd web && npm ci --no-audit --no-fund --loglevel=error && npm run typecheck && npm test && npm run build)

echo "==> rust: fmt, clippy"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --quiet -- -D warnings

echo "==> postgres: starting a throw-away server on 127.0.0.1"
eval "$(bash scripts/pg.sh start)"
trap 'bash "$root/scripts/pg.sh" stop "$JIBAN_PG_DIR"' EXIT
export JIBAN_REQUIRE_PG=1

echo "==> rust: tests (contract suite on SQLite and PostgreSQL)"
cargo test --workspace

echo "==> browser: Playwright in /usr/bin/chromium"
cargo build -p jiban --quiet
(cd web && npm run e2e)
echo "all tests passed"
