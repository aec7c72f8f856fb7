#!/usr/bin/env bash
# Static checks of the runtime templates: black --check, and mypy --strict on a package built from
# them exactly as the tests build it (templates/runtime/*.py -> <tmp>/rtpkg/_core/), together with
# rt_support.py, which uses the runtime the way generated code does (so the contract type-checks).
# Usage: tests/runtime/check_static.sh   (needs python with httpx, pydantic, mypy, black on PATH,
# or PYTHON=/path/to/python)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
py="${PYTHON:-python3}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$py" -m black --check --quiet "$repo/templates/runtime" "$here"
mkdir -p "$tmp/rtpkg/_core"
touch "$tmp/rtpkg/__init__.py" "$tmp/rtpkg/py.typed" "$tmp/rtpkg/_core/__init__.py"
cp "$repo"/templates/runtime/*.py "$tmp/rtpkg/_core/"
cp "$here/rt_support.py" "$tmp/"
cd "$tmp"
"$py" -m mypy --strict --no-incremental --python-version 3.10 rtpkg rt_support.py
"$py" -m mypy --strict --no-incremental rtpkg rt_support.py
