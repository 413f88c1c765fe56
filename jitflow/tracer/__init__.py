"""The IR (graphs of statically shaped SSA values), the tracer array and trace contexts.

This stage knows nothing of MLIR, XLA or Python source rewriting: it records what NumPy
code does to arrays as a :class:`~jitflow.tracer.ir.Graph`.
"""
