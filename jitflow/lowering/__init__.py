"""From IR to running code: StableHLO module building, XLA compilation, execution.

:mod:`.module` walks a graph and calls each op's lowering rule; :mod:`.export` wraps the
module as a ``jax.export.Exported`` so that XLA compilation, the executable cache and the
per-call dispatch run on JAX's C++ fast path (see docs/design-notes.md).
"""
