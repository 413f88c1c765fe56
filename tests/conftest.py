import os
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))

# The suite runs in parallel processes (pytest-xdist, ``-n auto`` in pyproject.toml). On a
# GPU machine each would otherwise reserve most of the GPU's memory when JAX starts.
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")
