#!/usr/bin/env bash
#===- scripts/check-python.sh - The weft Python package's tests -----------===#
#
# pytest over test/python (Debian's python3-pytest, the package from
# build/python), then the package installed into a fresh venv with
# `pip install --no-build-isolation ./python` (no PyPI) and imported there.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
build="${1:-build}"
root="$(cd "$(dirname "$0")/.." && pwd)"
WEFT_BUILD="$root/$build" /usr/bin/python3 -m pytest -q -p no:cacheprovider \
  "$root/test/python"
venv="$(mktemp -d)"
trap 'rm -rf "$venv" "$root/python/build" "$root"/python/*.egg-info' EXIT
/usr/bin/python3 -m venv --system-site-packages "$venv"
WEFT_BUILD_DIR="$root/$build" "$venv/bin/pip" install -q --no-index \
  --disable-pip-version-check --no-build-isolation "$root/python"
(cd "$venv" && "$venv/bin/python" -c "
import numpy as np, weft
sess = weft.InferenceSession('$root/examples/models/mlp.onnx')
(y,) = sess.run(None, {'input': np.ones((2, 4, 16), np.float32)})
assert y.shape == (2, 10), y.shape
print('pip-installed weft runs:', weft.__file__)")
