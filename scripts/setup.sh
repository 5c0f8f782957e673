#!/usr/bin/env bash
# Installs everything budgetwatch needs on a fresh Debian machine: the browser for tests and
# chart images, CJK fonts, PDF tools, Java 17 for Spark (the rules on a cluster), and the Python package with its test extras at exactly
# the versions in constraints.txt (refresh them with scripts/lock.sh). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null; then SUDO="sudo"; fi
DEBS="chromium chromium-driver fonts-noto-cjk poppler-utils openjdk-17-jre-headless"

# apt refuses at once while another process (unattended-upgrades on a fresh machine, a
# second set-up) holds dpkg's lock; wait for it instead, saying so, for up to 10 minutes.
wait_for_dpkg() {
  local waited=0
  command -v fuser >/dev/null || return 0   # apt itself then waits (DPkg::Lock::Timeout)
  while fuser /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock >/dev/null 2>&1; do
    if [ $((waited % 15)) -eq 0 ]; then echo "  waiting for another package manager to finish (${waited}s)…"; fi
    if [ "$waited" -ge 600 ]; then echo "  dpkg is still locked after 600s; try again when it is free" >&2; return 1; fi
    sleep 1; waited=$((waited + 1))
  done
}

missing=""
for p in $DEBS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ] && command -v apt-get >/dev/null; then
  echo "installing Debian packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  APT_OPTS="-y -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=600"
  # One line per package unpacked/set up, so a minute of apt is not a minute of silence.
  progress() { grep --line-buffered -E '^(Get:|Unpacking|Setting up)' | sed -u 's/^/  /' || true; }
  wait_for_dpkg
  if ! $SUDO apt-get install $APT_OPTS $missing 2>&1 | progress || ! dpkg -s $missing >/dev/null 2>&1; then
    echo "  refreshing the package lists"
    wait_for_dpkg
    $SUDO apt-get update -q -o DPkg::Lock::Timeout=600 2>&1 | progress
    $SUDO apt-get install $APT_OPTS $missing 2>&1 | progress
    dpkg -s $missing >/dev/null 2>&1 || { echo "could not install:$missing" >&2; exit 1; }
  fi
fi
echo "installing the Python package and its test extras (constraints.txt)"
python3 -m pip install -q --disable-pip-version-check -c constraints.txt -e ".[test]" 2>&1 | grep -v "is ignored: it is neither" || true
python3 -c "import budgetwatch.dashboard.app" || { echo "the package did not install" >&2; exit 1; }
