"""Matrix factorizations: primitives lowered to the LAPACK kernels that ship with jaxlib.

XLA has no LU, eigen or singular value decomposition op. JAX computes them on the CPU by
calling LAPACK through XLA's typed foreign-function interface (targets such as
``lapack_dgetrf_ffi``, registered with XLA when ``jax`` is imported); jitflow emits the
same ``stablehlo.custom_call``s, so it runs the same LAPACK code as NumPy and JAX (and
gets NumPy's accuracy) instead of re-deriving factorizations from scalar loops.

Each primitive is one LAPACK routine, batched over leading dimensions:

==================  =========================  ===========================================
primitive           LAPACK                     results
==================  =========================  ===========================================
``lu``              ``getrf``                  LU factors, pivots (0-based, int32), info
``cholesky``        ``potrf`` (lower)          factor (upper triangle: the input's), info
``eigh``            ``syevd`` / ``heevd``      eigenvalues (ascending), eigenvectors, info
``svd``             ``gesdd``                  singular values (descending), U, Vh, info
``geqrf``           ``geqrf``                  Householder reflectors and their scales
``householder``     ``orgqr`` / ``ungqr``      Q, from ``geqrf``'s results
``triangular_solve`` ``trsm``                  ``x`` with ``a @ x = b``, ``a`` triangular
==================  =========================  ===========================================

``info`` is LAPACK's status per matrix (0: success); the NumPy layer
(:mod:`jitflow.ops.linalg_functions`) turns a failure into NumPy's ``LinAlgError`` through a
run-time check. LAPACK works on column-major matrices: the custom calls carry XLA layouts
that say so, and XLA transposes around them where needed.

The kernels exist for XLA's CPU backend only: on another backend the factorizations are
refused while tracing, with a clear error (JAX's GPU kernels, cuSOLVER's, take other
arguments; not done yet), and ``triangular_solve`` lowers to XLA's own op.
"""

from __future__ import annotations

import numpy as np
from jax.extend.mlir import ir
from jax.extend.mlir.dialects import stablehlo as hlo

from jitflow import errors
from jitflow.ops import mlir
from jitflow.tracer.avals import AbstractArray
from jitflow.tracer.ir import primitive

_LAPACK_DTYPES = {
    np.dtype(np.float32): "s",
    np.dtype(np.float64): "d",
    np.dtype(np.complex64): "c",
    np.dtype(np.complex128): "z",
}
_INT32 = np.dtype(np.int32)


# -- emitting a LAPACK call ------------------------------------------------------------------


def _target(routine: str, dtype) -> str:
    """The FFI target of ``routine`` for ``dtype`` (``getrf``, float64: ``lapack_dgetrf_ffi``),
    after making sure jaxlib's LAPACK kernels are loaded."""
    try:
        from jaxlib import lapack  # jaxlib's own loader of its LAPACK kernels

        lapack._lapack.initialize()
    except (ImportError, AttributeError) as e:
        import jax

        raise errors.UnsupportedError(
            f"jitflow cannot load jaxlib's LAPACK kernels ({e}) in jax {jax.__version__}; "
            "compute this step outside the decorated function, and please report this."
        ) from None
    return f"lapack_{_LAPACK_DTYPES[np.dtype(dtype)]}{routine}_ffi"


def _layout(ndim: int, matrix: bool) -> tuple[int, ...]:
    """XLA's minor-to-major layout: column-major in the last two dimensions for matrices
    (what LAPACK reads and writes), row-major otherwise."""
    if matrix:
        return (ndim - 2, ndim - 1) + tuple(range(ndim - 3, -1, -1))
    return tuple(range(ndim - 1, -1, -1))


def _index_tensor(layout) -> ir.Attribute:
    return ir.DenseIntElementsAttr.get(np.asarray(layout, np.int64), type=ir.IndexType.get())


def _u8(char: str) -> ir.Attribute:
    return ir.IntegerAttr.get(ir.IntegerType.get_unsigned(8), ord(char))


def lapack_call(ctx, routine: str, operands, alias: int = 0, **attrs) -> list:
    """One ``stablehlo.custom_call`` of a typed-FFI LAPACK kernel.

    ``ctx.out_avals`` are the kernel's results in its order. Operand ``alias``'s buffer is
    reused for the first result (LAPACK works in place). Operands and results with as many
    dimensions as the largest operand are matrices (column-major); the rest (pivots,
    scales, info) are row-major.
    """
    rank = max(a.ndim for a in ctx.in_avals)
    attributes = {
        "call_target_name": ir.StringAttr.get(_target(routine, ctx.in_avals[0].dtype)),
        "has_side_effect": ir.BoolAttr.get(False),
        "backend_config": ir.StringAttr.get(""),
        "api_version": ir.IntegerAttr.get(ir.IntegerType.get_signless(32), 1),
        "called_computations": ir.ArrayAttr.get([]),
        "operand_layouts": ir.ArrayAttr.get(
            [_index_tensor(_layout(a.ndim, a.ndim == rank)) for a in ctx.in_avals]
        ),
        "result_layouts": ir.ArrayAttr.get(
            [_index_tensor(_layout(a.ndim, a.ndim == rank)) for a in ctx.out_avals]
        ),
        "output_operand_aliases": ir.ArrayAttr.get([
            hlo.OutputOperandAlias.get(
                output_tuple_indices=[0] if len(ctx.out_avals) > 1 else [],
                operand_index=alias,
                operand_tuple_indices=[],
            )
        ]),
    }
    op = hlo.CustomCallOp.build_generic(
        results=[mlir.tensor_type(a) for a in ctx.out_avals],
        operands=list(operands),
        attributes=attributes,
    )
    # Typed-FFI attributes travel in mhlo.backend_config (as JAX emits them).
    op.operation.attributes["mhlo.backend_config"] = ir.DictAttr.get(
        {name: _u8(value) for name, value in attrs.items()}
    )
    return list(op.results)


# -- shape rules ------------------------------------------------------------------------------


def _matrix(name: str, a: AbstractArray, square: bool = False) -> tuple[tuple, int, int]:
    import jax

    if jax.default_backend() != "cpu":
        raise errors.UnsupportedError(
            f"np.linalg's factorizations run LAPACK kernels, which jitflow calls on the CPU "
            f"only (this program is compiled for {jax.default_backend()}). Run it on the CPU "
            "(JAX_PLATFORMS=cpu), or compute this step outside the decorated function."
        )
    if a.ndim < 2 or np.dtype(a.dtype) not in _LAPACK_DTYPES:
        raise errors.ShapeError(f"{name}: needs a float32/64 or complex64/128 matrix, got {a}")
    *batch, m, n = a.shape
    if square and m != n:
        raise errors.ShapeError(f"{name}: needs square matrices, got {a}")
    if m == 0 or n == 0:
        raise errors.ShapeError(f"{name}: LAPACK is not called on empty matrices ({a})")
    return tuple(batch), m, n


def _real(dtype) -> np.dtype:
    return np.dtype(dtype).type(0).real.dtype


def _info(batch) -> AbstractArray:
    return AbstractArray(batch, _INT32)


# -- lu -------------------------------------------------------------------------------------


def _lu_eval(a):
    batch, m, n = _matrix("lu", a)
    return a, AbstractArray(batch + (min(m, n),), _INT32), _info(batch)


def _lu_lower(ctx, a):
    lu, pivots, info = lapack_call(ctx, "getrf", [a])
    one = mlir.constant(np.ones(ctx.out_avals[1].shape, np.int32))
    return [lu, hlo.subtract(pivots, one), info]  # LAPACK counts rows from 1


lu_p = primitive("lu", _lu_eval, _lu_lower, multiple_results=True)


# -- cholesky --------------------------------------------------------------------------------


def _cholesky_eval(a):
    batch, _, _ = _matrix("cholesky", a, square=True)
    return a, _info(batch)


def _cholesky_lower(ctx, a):
    return lapack_call(ctx, "potrf", [a], uplo="L")


cholesky_p = primitive("cholesky", _cholesky_eval, _cholesky_lower, multiple_results=True)


# -- eigh -----------------------------------------------------------------------------------


def _eigh_eval(a, *, lower: bool):
    batch, n, _ = _matrix("eigh", a, square=True)
    return AbstractArray(batch + (n,), _real(a.dtype)), a, _info(batch)


def _eigh_lower(ctx, a, *, lower):
    w_aval, v_aval, info_aval = ctx.out_avals
    routine = "heevd" if np.dtype(v_aval.dtype).kind == "c" else "syevd"
    kernel_ctx = mlir.LoweringContext(ctx.in_avals, (v_aval, w_aval, info_aval))
    v, w, info = lapack_call(kernel_ctx, routine, [a], mode="V", uplo="L" if lower else "U")
    return [w, v, info]


eigh_p = primitive("eigh", _eigh_eval, _eigh_lower, multiple_results=True)


# -- svd ------------------------------------------------------------------------------------


def _svd_eval(a, *, full_matrices: bool, compute_uv: bool):
    batch, m, n = _matrix("svd", a)
    k = min(m, n)
    full = full_matrices and compute_uv
    u = AbstractArray(batch + (m, m if full else k), a.dtype)
    vh = AbstractArray(batch + (n if full else k, n), a.dtype)
    return AbstractArray(batch + (k,), _real(a.dtype)), u, vh, _info(batch)


def _svd_lower(ctx, a, *, full_matrices, compute_uv):
    s_aval, u_aval, vh_aval, info_aval = ctx.out_avals
    mode = "N" if not compute_uv else ("A" if full_matrices else "S")
    kernel_ctx = mlir.LoweringContext(
        ctx.in_avals, (ctx.in_avals[0], s_aval, u_aval, vh_aval, info_aval)
    )
    _, s, u, vh, info = lapack_call(kernel_ctx, "gesdd", [a], mode=mode)
    return [s, u, vh, info]


svd_p = primitive("svd", _svd_eval, _svd_lower, multiple_results=True)


# -- qr -------------------------------------------------------------------------------------


def _geqrf_eval(a):
    batch, m, n = _matrix("geqrf", a)
    return a, AbstractArray(batch + (min(m, n),), a.dtype)


def _geqrf_lower(ctx, a):
    return lapack_call(ctx, "geqrf", [a])


geqrf_p = primitive("geqrf", _geqrf_eval, _geqrf_lower, multiple_results=True)


def _householder_eval(a, tau):
    batch, m, n = _matrix("householder", a)
    if m < n or tau.shape != batch + (min(m, n),) or tau.dtype != a.dtype:
        raise errors.ShapeError(f"householder: reflectors {a} do not fit scales {tau}")
    return a


def _householder_lower(ctx, a, tau):
    routine = "ungqr" if np.dtype(ctx.in_avals[0].dtype).kind == "c" else "orgqr"
    return lapack_call(ctx, routine, [a, tau])


householder_p = primitive("householder", _householder_eval, _householder_lower)


# -- triangular_solve (XLA's own op, on every backend) ---------------------------------------


def _triangular_solve_eval(a, b, *, lower: bool, unit_diagonal: bool):
    if a.ndim < 2 or a.shape[-1] != a.shape[-2] or b.ndim != a.ndim:
        raise errors.ShapeError(f"triangular_solve: {a} is not a stack of square matrices "
                                f"matching {b}")
    if b.shape[:-1] != a.shape[:-1] or a.dtype != b.dtype:
        raise errors.ShapeError(f"triangular_solve: {a} does not fit {b}")
    return b


def _triangular_solve_lower(ctx, a, b, *, lower, unit_diagonal):
    """Solves ``a @ x = b`` for ``x``, ``a`` lower or upper triangular (the other triangle
    is not read). On the CPU, LAPACK's ``trsm`` (XLA's own expansion of the op is about 2x
    slower there for 1000x1000); elsewhere XLA's op."""
    import jax

    if jax.default_backend() == "cpu":
        return lapack_call(ctx, "trsm", [a, b], alias=1, side="L", uplo="L" if lower else "U",
                           trans_x="N", diag="U" if unit_diagonal else "N")
    op = hlo.TriangularSolveOp(
        a, b,
        left_side=ir.BoolAttr.get(True),
        lower=ir.BoolAttr.get(lower),
        unit_diagonal=ir.BoolAttr.get(unit_diagonal),
        transpose_a=hlo.TransposeAttr.get("NO_TRANSPOSE"),
    )
    return [op.result]


triangular_solve_p = primitive("triangular_solve", _triangular_solve_eval,
                               _triangular_solve_lower)
