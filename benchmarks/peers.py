"""The tools compared: how each is found, how it builds a workload, how its results come back.

Every peer is optional except NumPy and jitflow: a peer whose package is missing is skipped
with a note. The library never imports them; only this suite does, lazily.

Every timed call is "NumPy in, NumPy out": the workload's NumPy arrays go in as they are
(each tool transfers or wraps them itself, as a user's call would) and the results are
turned into NumPy arrays inside the timed call (``np.asarray`` of a ``jax.Array``,
``.numpy()`` of a ``tf.Tensor``).
"""

from __future__ import annotations

import dataclasses
import importlib.util
from typing import Any, Callable

import numpy as np

from benchmarks.workload import Workload

# Peer names, in the order of the report's columns.
NUMPY, JITFLOW, JAX, NUMBA, TF = "NumPy", "jitflow", "jax.jit", "numba", "tf.function"


@dataclasses.dataclass
class Peer:
    """One tool: ``build(workload)`` gives its callable (None: not written for it)."""

    name: str
    module: str  # the package that must be importable
    build: Callable[[Workload], Callable | None]
    to_numpy: Callable[[Any], Any]
    missing: str | None = None  # why it is skipped, when it is

    def version(self) -> str:
        if self.missing:
            return "not installed"
        mod = importlib.import_module(self.module)
        return getattr(mod, "__version__", "?")


def _identity(out):
    return out


def _jax_to_numpy(out):
    if isinstance(out, (tuple, list)):
        return tuple(np.asarray(o) for o in out)
    return np.asarray(out)


def _tf_to_numpy(out):
    if isinstance(out, (tuple, list)):
        return tuple(o.numpy() for o in out)
    return out.numpy()


def _build_jitflow(w: Workload):
    import jitflow

    return jitflow.function(w.numpy)


def _builder(field: str):
    def build(w: Workload):
        make = getattr(w, field)
        return make() if make is not None else None

    return build


def all_peers() -> list[Peer]:
    """Every peer, each marked ``missing`` when its package cannot be imported."""
    peers = [
        Peer(NUMPY, "numpy", lambda w: w.numpy, _identity),
        Peer(JITFLOW, "jitflow", _build_jitflow, _identity),
        Peer(JAX, "jax", _builder("jax"), _jax_to_numpy),
        Peer(NUMBA, "numba", _builder("numba"), _identity),
        Peer(TF, "tensorflow", _builder("tf"), _tf_to_numpy),
    ]
    for p in peers:
        if importlib.util.find_spec(p.module) is None:
            p.missing = f"{p.module} is not installed (pip install -e '.[bench]')"
    return peers


def setup_jax() -> None:
    """float64 for the jax.jit peer, as in NumPy (jitflow switches it per call itself)."""
    import jax

    jax.config.update("jax_enable_x64", True)


def setup_tf(device: str) -> None:
    """Quiet TensorFlow's logs; keep it off the GPU on a CPU run (and JAX's memory on GPU)."""
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    gpus = tf.config.list_physical_devices("GPU")
    if device == "cpu" and gpus:
        tf.config.set_visible_devices([], "GPU")
    for g in gpus if device == "gpu" else ():
        tf.config.experimental.set_memory_growth(g, True)
