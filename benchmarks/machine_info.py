"""What both benchmark scripts print about the machine they ran on."""

from __future__ import annotations

import os
import pathlib
import platform

import jax
import numpy as np

import jitflow


def machine() -> str:
    """CPU model, core count, JAX device and library versions, on one line."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores; {jax.devices()[0].platform.upper()} device; "
        f"Python {platform.python_version()}, NumPy {np.__version__}, jax {jax.__version__}, "
        f"jitflow {jitflow.__version__}"
    )
