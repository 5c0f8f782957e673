#!/usr/bin/env bash
# Installs everything budgetwatch needs on a fresh Debian machine: the browser for tests and
# chart images, CJK fonts, and the Python package with its test extras. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null; then SUDO="sudo"; fi
DEBS="chromium chromium-driver fonts-noto-cjk poppler-utils"
missing=""
for p in $DEBS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ] && command -v apt-get >/dev/null; then
  echo "installing Debian packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y -q $missing >/dev/null 2>&1 || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q $missing >/dev/null; }
fi
python3 -m pip install -q --disable-pip-version-check -e ".[test]"
