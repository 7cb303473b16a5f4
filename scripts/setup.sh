#!/usr/bin/env bash
# Set up distill in .venv from the lock file (uv.lock). `--test` also installs what the test suite
# needs: Debian packages, the postgres and llamacpp extras, and the dev dependency group.
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-}"
UV_VERSION="0.13.9"
python="${PYTHON:-python3}"
export PIP_DISABLE_PIP_VERSION_CHECK=1
# llama-cpp-python builds from source; the native CPU build crashes on some CPUs, so pin the features.
export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_BF16=OFF}"

if [ "$mode" = "--test" ]; then
  missing=()
  for pkg in postgresql chromium espeak-ng ffmpeg sox fonts-dejavu-core fonts-noto-color-emoji; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "setup: installing Debian packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
fi

# uv installs exactly what uv.lock says; it is itself installed once, at a pinned version.
uv="$(command -v uv || true)"
if [ -z "$uv" ] || [ "$("$uv" --version | cut -d' ' -f2)" != "$UV_VERSION" ]; then
  uv="$HOME/.local/bin/uv"
  if [ ! -x "$uv" ] || [ "$("$uv" --version | cut -d' ' -f2)" != "$UV_VERSION" ]; then
    echo "setup: installing uv $UV_VERSION"
    "$python" -m pip install -q --user "uv==$UV_VERSION"
  fi
fi
export UV_PYTHON="${UV_PYTHON:-$("$python" -c 'import sys; print(sys.executable)')}"

if [ "$mode" = "--test" ]; then
  echo "setup: installing distill with its test dependencies into .venv (llama-cpp-python builds once, ~5 min, then comes from uv's cache)"
  "$uv" sync --frozen --all-extras --quiet
else
  "$uv" sync --frozen --no-dev --quiet
fi
