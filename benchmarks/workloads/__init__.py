"""The suite's workloads, one module per group; importing this registers them all."""

from benchmarks.workloads import elementwise, linalg, loops, program, reductions  # noqa: F401
