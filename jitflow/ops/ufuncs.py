"""NumPy's ufuncs on traced arrays: promotion, broadcasting, ``out=``, ``where=``, ``dtype=``.

Each ufunc's dtype rule is NumPy's own: ``ufunc.resolve_dtypes`` picks the loop NumPy
would run (NEP 50 weak Python scalars, ``dtype=``, ``signature=`` and ``casting=``
included), the operands are converted to that loop's input dtypes and broadcast together,
and an implementation composed of elementwise primitives computes the result, which is
then converted to the loop's output dtype. So ``np.sin`` of int16 gives float32 and
``int8 + 1`` stays int8, exactly as NumPy.

The implementations live by family in :mod:`jitflow.ops.ufunc_arith` (arithmetic,
comparison, logical, bitwise) and :mod:`jitflow.ops.ufunc_math` (exponents, logarithms,
trigonometry, rounding, float bits); NumPy functions built on ufuncs (``np.where``,
``np.clip``, ``np.round``, ``np.real``, ...) in :mod:`jitflow.ops.ufunc_functions`.
"""

from __future__ import annotations

import functools

import numpy as np

from jitflow import errors
from jitflow.ops import elementwise as ew
from jitflow.ops import shape as sh
from jitflow.ops.constants import constant, constant_p, to_value, wrap
from jitflow.tracer.array import Tracer, immutable_scalar
from jitflow.tracer.avals import check_dtype
from jitflow.tracer.context import record_write
from jitflow.tracer.ir import Value
from jitflow.tracer.numpy_api import implements
from jitflow.tracer.source import at_inplace_operator, at_user_line

COMPARISONS = frozenset(
    (np.equal, np.not_equal, np.less, np.less_equal, np.greater, np.greater_equal)
)


@functools.lru_cache(maxsize=4096)
def _resolve(ufunc: np.ufunc, in_types: tuple, signature, casting) -> tuple[np.dtype, ...]:
    dtypes = in_types + (None,) * ufunc.nout
    if signature is None:  # NumPy refuses signature=None here
        return ufunc.resolve_dtypes(dtypes, casting=casting)
    return ufunc.resolve_dtypes(dtypes, signature=signature, casting=casting)


def resolve(ufunc: np.ufunc, values: list[Value], signature=None, casting=None):
    """The loop dtypes (inputs then outputs) NumPy would use for these operands."""
    if all(v.aval.weak for v in values):
        # Only Python numbers (or values derived from them): compute as Python would with
        # NumPy's defaults (int64, float64); NumPy itself would pick an object loop.
        types = tuple(v.aval.dtype for v in values)
    else:
        types = tuple(v.aval.promotion_type() for v in values)
    try:
        loop = _resolve(ufunc, types, signature, casting)
        for d in loop:
            check_dtype(d, f"np.{ufunc.__name__}'s loop")
        return loop
    except errors.DTypeError as e:
        raise errors.DTypeError(at_user_line(str(e))) from None
    except TypeError as e:  # NumPy's own UFuncTypeError / no-loop / casting errors
        shown = ", ".join(str(v.aval) for v in values)
        raise errors.DTypeError(
            at_user_line(
                f"np.{ufunc.__name__} is not defined for operands ({shown}), as in NumPy: "
                f"{e}. Convert the operands with astype first if you meant another dtype."
            )
        ) from None


def broadcast_shapes(*shapes) -> tuple[int, ...]:
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        raise errors.ShapeError(
            at_user_line(
                "operands could not be broadcast together with shapes "
                + " ".join(str(tuple(s)) for s in shapes)
            )
        ) from None


def prepare(values: list[Value], dtypes, shape=None) -> list[Value]:
    """Convert operands to ``dtypes`` and broadcast them to their common shape."""
    shape = broadcast_shapes(*(v.shape for v in values)) if shape is None else shape
    weak = all(v.aval.weak for v in values)
    return [sh.broadcast_to(ew.convert(v, d, weak), shape) for v, d in zip(values, dtypes)]


def python_int(v: Value) -> int | None:
    """The value of a weakly typed integer constant (a Python int in the user's code)."""
    if v.aval.weak and v.dtype.kind in "iu" and v.op is not None and v.op.prim is constant_p:
        return int(v.op.params["value"].array)
    return None


def out_of_range(v: Value, dtype: np.dtype) -> int:
    """+1 or -1 if ``v`` is a Python int above or below ``dtype``'s range, else 0."""
    x = python_int(v)
    if x is None or np.dtype(dtype).kind not in "iu":
        return 0
    info = np.iinfo(dtype)
    return 1 if x > info.max else -1 if x < info.min else 0


def constant_value(v: Value) -> np.ndarray | None:
    """The array a value holds if it is a (broadcast) constant known at trace time."""
    while v.op is not None and v.op.prim is sh.broadcast_in_dim_p:
        v = v.op.inputs[0]
    if v.op is not None and v.op.prim is constant_p:
        return v.op.params["value"].array
    return None


def check_python_ints(name: str, values, dtypes) -> None:
    """NEP 50: a Python int that does not fit the dtype it meets is an error, not a wrap."""
    for v, d in zip(values, dtypes):
        if out_of_range(v, d):
            raise errors.IntegerOverflowError(
                at_user_line(
                    f"{name}: Python integer {python_int(v)} is out of bounds for {d} (NumPy "
                    "raises OverflowError). Convert the array to a wider dtype first."
                )
            )


# ufunc -> implementation on prepared Values: (*values) -> Value | tuple of Values.
_IMPLS: dict[np.ufunc, callable] = {}


def register(*ufuncs):
    """Register the decorated function as the implementation of ``ufuncs``."""

    def decorate(fn):
        for u in ufuncs:
            if u not in _IMPLS:  # aliases (np.abs, np.mod, ...) are the same objects
                implements(u)(functools.partial(call_ufunc, u))
            _IMPLS[u] = fn
        return fn

    return decorate


def call_ufunc(ufunc: np.ufunc, *args, out=None, where=True, dtype=None, signature=None,
               casting="same_kind", order="K", subok=True, **unsupported):
    """``ufunc(*args, out=..., where=..., dtype=...)`` on traced operands, as NumPy does it."""
    name = f"np.{ufunc.__name__}"
    if unsupported:
        raise errors.UnsupportedError(
            at_user_line(f"{name}: arguments {sorted(unsupported)} are not supported.")
        )
    args, outs = _split_out(ufunc, args, out)
    if order not in ("K", "A", "C", "F"):  # the layout of a result is XLA's business
        raise errors.InvalidArgumentError(at_user_line(f"{name}: order={order!r} is invalid"))
    values = [to_value(a) for a in args]
    loop = resolve(ufunc, values, _signature(ufunc, dtype, signature), casting)
    in_dtypes, out_dtypes = loop[: ufunc.nin], loop[ufunc.nin :]
    mask = None if where is True else _where_mask(name, where)
    if outs is None and mask is not None:
        raise errors.UnsupportedError(
            at_user_line(
                f"{name}(where=...) without out= leaves the masked-out elements "
                "uninitialized in NumPy. Pass out=, or use np.where(mask, result, other)."
            )
        )
    shape = broadcast_shapes(*(v.shape for v in values), *(() if mask is None else [mask.shape]))
    if ufunc in COMPARISONS and any(out_of_range(v, d) for v, d in zip(values, in_dtypes)):
        results = (_compare_python_int(ufunc, values, in_dtypes, shape),)
    else:
        check_python_ints(name, values, in_dtypes)
        result = _IMPLS[ufunc](*prepare(values, in_dtypes, shape))
        results = result if isinstance(result, tuple) else (result,)
    weak = all(v.aval.weak for v in values)
    results = [ew.convert(r, d, weak) for r, d in zip(results, out_dtypes)]
    targets = outs or (None,) * ufunc.nout
    returned = tuple(
        wrap(r) if t is None else write_out(name, t, r, mask, casting)
        for r, t in zip(results, targets)
    )
    return returned if ufunc.nout > 1 else returned[0]


def _split_out(ufunc, args, out):
    """The inputs, and the outputs (a tuple of length nout, or None) from args or ``out=``."""
    nin, nout = ufunc.nin, ufunc.nout
    if len(args) not in (nin, nin + nout):
        raise errors.InvalidArgumentError(
            at_user_line(f"np.{ufunc.__name__} takes {nin} inputs, got {len(args)} arguments")
        )
    if len(args) > nin:
        if out is not None:
            raise errors.InvalidArgumentError(
                at_user_line(f"np.{ufunc.__name__}: 'out' given both by position and keyword")
            )
        out = tuple(args[nin:])
    if out is None:
        return args[:nin], None
    out = out if isinstance(out, tuple) else (out,)
    if len(out) != nout:
        raise errors.InvalidArgumentError(
            at_user_line(f"np.{ufunc.__name__}: out= needs {nout} arrays, got {len(out)}")
        )
    return args[:nin], (None if all(o is None for o in out) else out)


def _where_mask(name, where) -> Value:
    mask = to_value(where)
    if mask.dtype != np.bool_:  # NumPy casts where= to bool with the 'safe' rule
        raise errors.DTypeError(
            at_user_line(f"{name}: where= must be a boolean array, not {mask.dtype}")
        )
    return mask


def _signature(ufunc, dtype, signature):
    """``dtype=`` means the output dtype, as ``signature=(None, ..., dtype)`` does."""
    if dtype is not None and signature is not None:
        raise errors.InvalidArgumentError(
            at_user_line(f"np.{ufunc.__name__}: cannot specify both 'signature' and 'dtype'")
        )
    if dtype is not None:
        return (None,) * ufunc.nin + (np.dtype(dtype),) * ufunc.nout
    if signature is None:
        return None
    if isinstance(signature, str) or len(signature) != ufunc.nin + ufunc.nout:
        raise errors.UnsupportedError(
            at_user_line(
                f"np.{ufunc.__name__}: signature={signature!r} is not supported; give a "
                "tuple of dtypes (or None) for every input and output, or use dtype=."
            )
        )
    return tuple(None if t is None else np.dtype(t) for t in signature)


def _compare_python_int(ufunc, values, in_dtypes, shape) -> Value:
    """A comparison with a Python int outside the array's range has a known answer.

    NumPy 2 compares such ints exactly (``int8_array < 1000`` is all True): every array
    element then compares to the int as 0 compares to its sign.
    """
    signs = [out_of_range(v, d) for v, d in zip(values, in_dtypes)]
    answer = bool(ufunc(*signs))
    return sh.broadcast_to(ew.convert(to_value(answer), np.bool_), shape)


def write_out(name: str, target, r: Value, mask: Value | None, casting: str):
    """``out=`` and in-place operators: cast as NumPy would and rebind the target."""
    if isinstance(target, np.ndarray) and at_inplace_operator():
        # ``total = np.zeros(3); total += t``: Python rebinds ``total`` to what we return,
        # so a traced copy of the NumPy array, updated, is NumPy's result.
        target = wrap(constant(target), array=True)
    if not isinstance(target, Tracer):
        raise errors.UnsupportedError(
            at_user_line(
                f"{name}(out=...) needs the output to be a traced array, not a "
                f"{type(target).__name__}: a NumPy array created inside the function cannot "
                "receive traced values. Create it with np.zeros_like of a traced array, or "
                "assign the result instead."
            )
        )
    _check_array_out(target)
    if not np.can_cast(r.aval.dtype, target.dtype, casting=casting):
        raise errors.DTypeError(
            at_user_line(
                f"Cannot cast {name} output from {r.aval.dtype} to {target.dtype} with "
                f"casting rule '{casting}' (as NumPy refuses too). Use an explicit astype, "
                "or write to an array of the result's dtype."
            )
        )
    shape = target.shape
    if broadcast_shapes(r.shape, shape) != shape:
        raise errors.ShapeError(
            at_user_line(
                f"{name}: non-broadcastable output operand with shape {shape} does not match "
                f"the broadcast shape {r.shape} of the inputs (as in NumPy)."
            )
        )
    new = sh.broadcast_to(ew.convert(r, target.dtype), shape)
    if mask is not None:  # where=False keeps what the output held
        new = ew.select(sh.broadcast_to(mask, shape), new, target.value)
    record_write(target)
    target.assign(new)
    return target


def _check_array_out(target: Tracer) -> None:
    """``out=`` a NumPy scalar or a Python number: NumPy's TypeError (they are immutable;
    in-place operators on them rebind instead and never get here)."""
    if not target.shape and (target._scalar or target.value.aval.weak):
        raise immutable_scalar(target, "cannot be an out= argument (return arrays must "
                                       "be of ArrayType)")


def write_out_exact(name: str, out, r: Value, casting: str):
    """``out=`` for functions whose output must have the result's exact shape (matmul,
    ``a @= b``, concatenate): cast as NumPy would and rebind the traced target."""
    target = out[0] if isinstance(out, tuple) and len(out) == 1 else out
    if not isinstance(target, Tracer):
        raise errors.UnsupportedError(
            at_user_line(
                f"np.{name}(out=...) needs the output to be a traced array, not a "
                f"{type(target).__name__}. Assign the result instead."
            )
        )
    _check_array_out(target)
    if target.shape != r.shape:
        raise errors.ShapeError(
            at_user_line(
                f"np.{name}: the result has shape {r.shape} but out= has shape "
                f"{target.shape} (NumPy refuses this too)."
            )
        )
    if not np.can_cast(r.dtype, target.dtype, casting=casting):
        raise errors.DTypeError(
            at_user_line(
                f"Cannot cast np.{name} output from {r.dtype} to {target.dtype} with "
                f"casting rule '{casting}'. Use astype, or write to an array of dtype {r.dtype}."
            )
        )
    record_write(target)
    target.assign(ew.convert(r, target.dtype))
    return target


# The implementations register themselves when imported.
from jitflow.ops import ufunc_arith, ufunc_functions, ufunc_math  # noqa: E402, F401
