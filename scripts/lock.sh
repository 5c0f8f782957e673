#!/usr/bin/env bash
# Refreshes constraints.txt, the exact versions the suite passes on (scripts/setup.sh and so
# CI install exactly these). Resolves pyproject.toml's ranges afresh in an empty virtual
# environment and freezes the result. Run the whole suite on it before committing:
#   bash scripts/lock.sh && bash scripts/setup.sh && python3 -m pytest -q
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install -q --disable-pip-version-check ".[test]" 2>&1 | grep -v "is ignored: it is neither" || true
"$tmp/venv/bin/python" -c "import budgetwatch.dashboard.app"
{
  echo "# The exact versions budgetwatch's suite passes on (Python $(python3 -c 'import sys; print(*sys.version_info[:2], sep=".")'))."
  echo "# Used as pip constraints by scripts/setup.sh; refresh with: bash scripts/lock.sh"
  "$tmp/venv/bin/pip" freeze --exclude budgetwatch --disable-pip-version-check
} > constraints.txt
echo "constraints.txt: $(grep -vc '^#' constraints.txt) packages pinned"
