"""Wrap a lowered module as a ``jax.export.Exported``, JAX's public container for StableHLO.

Why: ``jax.jit(exported.call)`` gives jitflow JAX's C++ dispatch path (argument
signature check, host-to-device transfer, execute) and its executable cache, measured at
the cost of ``jax.jit`` itself, while building our own Python dispatch measured 50% slower
(docs/design-notes.md). It also makes jitflow programs callable from JAX code.
"""

from __future__ import annotations

import dataclasses
import functools

import jax
import jax.tree_util as tree_util
from jax import export as jax_export
from jax.extend import mlir as jax_mlir
from jax.extend.mlir.dialects import stablehlo as hlo

from jitflow.lowering.module import mlir_context
from jitflow.tracer.avals import AbstractArray

# The calling convention jitflow's modules follow (no effects, no platform index argument,
# no shape polymorphism): the same in every convention version JAX 0.10/0.11 accept.
_CALLING_CONVENTION = min(10, jax_export.maximum_supported_calling_convention_version)


def shaped_array(aval: AbstractArray) -> jax.core.ShapedArray:
    return jax.core.ShapedArray(aval.shape, aval.dtype, weak_type=aval.weak)


@functools.lru_cache(maxsize=1)
def _target_version() -> str:
    return hlo.get_version_from_compatibility_requirement(
        hlo.StablehloCompatibilityRequirement.WEEK_4
    )


def serialize(module) -> bytes:
    """Portable (versioned VHLO) bytecode of a StableHLO module, as JAX's export writes it."""
    # jax.extend's serializer legalizes CHLO ops (chlo.asin, ...) as JAX's own export
    # does, and works on bytecode: the module object, kept for ``f.lower(...).as_text()``,
    # is not converted to VHLO in place.
    with mlir_context():
        return jax_mlir.serialize_portable_artifact(
            module.operation.get_asm(binary=True), _target_version()
        )


def make_exported(name, module, in_avals, out_avals) -> jax_export.Exported:
    """An ``Exported`` whose flat inputs and outputs are ``in_avals``/``out_avals``."""
    n_in, n_out = len(in_avals), len(out_avals)
    fields = dict(
        fun_name=name,
        in_tree=tree_util.tree_structure(((0,) * n_in, {})),
        in_avals=tuple(shaped_array(a) for a in in_avals),
        out_tree=tree_util.tree_structure((0,) * n_out),
        out_avals=tuple(shaped_array(a) for a in out_avals),
        in_shardings_hlo=(None,) * n_in,
        out_shardings_hlo=(None,) * n_out,
        nr_devices=1,
        platforms=(jax_export.default_export_platform(),),
        ordered_effects=(),
        unordered_effects=(),
        disabled_safety_checks=(),
        mlir_module_serialized=serialize(module),
        calling_convention_version=_CALLING_CONVENTION,
        module_kept_var_idx=tuple(range(n_in)),
        uses_global_constants=False,
        _get_vjp=None,
        # Fields private to JAX versions that have them (0.10+): no named shardings.
        _has_named_shardings=False,
        _in_named_shardings=(None,) * n_in,
        _out_named_shardings=(None,) * n_out,
    )
    known = {f.name for f in dataclasses.fields(jax_export.Exported)}
    missing = known - fields.keys()
    if missing:
        raise RuntimeError(
            f"jitflow does not know how to fill jax.export.Exported fields {sorted(missing)} "
            f"of jax {jax.__version__}; please report this."
        )
    return jax_export.Exported(**{k: v for k, v in fields.items() if k in known})
