#!/usr/bin/env bash
# Installs what the tests need from Debian's packages, when it is missing:
# PostgreSQL 15 (contract suite), Chromium (browser tests), CJK fonts (screenshots, PDFs).
# Needs root (or sudo). Safe to run again: it installs nothing that is already there.
set -euo pipefail

need=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql-15)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -d /usr/share/fonts/opentype/noto ] || need+=(fonts-noto-cjk)
[ -x /usr/bin/pdftoppm ] || need+=(poppler-utils)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "缺少软件包：${need[*]}；请以 root 身份安装（apt-get install ${need[*]}）" >&2
    exit 1
  fi
fi
echo "==> apt-get install ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
