#!/usr/bin/env bash
# Builds the web app and the binary, then starts jiban on SQLite at http://127.0.0.1:8080,
# loading the demo zone into ./data/jiban.db the first time.
# Usage: bash scripts/run.sh      (JIBAN_* variables and ./jiban.toml are honoured)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d web/node_modules ]; then
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
fi
(cd web && npm run build --silent)
cargo build --release -p jiban
exec ./target/release/jiban serve --demo "$@"
