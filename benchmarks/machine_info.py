"""What the benchmark scripts say about the machine they ran on."""

from __future__ import annotations

import os
import pathlib
import platform

import jax
import numpy as np

import jitflow


def cpu_model() -> str:
    """The CPU's model name (from /proc/cpuinfo on Linux)."""
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> str:
    """CPU model, core count, JAX device and library versions, on one line."""
    cpu = cpu_model()
    return (
        f"{cpu}, {os.cpu_count()} cores; {jax.devices()[0].platform.upper()} device; "
        f"Python {platform.python_version()}, NumPy {np.__version__}, jax {jax.__version__}, "
        f"jitflow {jitflow.__version__}"
    )
