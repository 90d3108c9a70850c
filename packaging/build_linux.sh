#!/usr/bin/env bash
# Build the Linux one-folder app: dist/commonplace/ (run from anywhere; uses the repo's .venv).
# Needs `make` to have installed the venv; PyInstaller is installed into it for the build
# only (the `package` extra).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PY="${PY:-$ROOT/.venv/bin/python}"
"$PY" -c "import PyInstaller" 2>/dev/null || "$PY" -m pip install -q "pyinstaller>=6.10,<7"
start=$(date +%s)
"$PY" packaging/make_icon.py build/icons
"$PY" -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
    packaging/commonplace.spec
# Smoke: the frozen binary starts and reports its version.
dist/commonplace/commonplace --version
echo "built dist/commonplace in $(( $(date +%s) - start )) s, $(du -sh dist/commonplace | cut -f1)"
