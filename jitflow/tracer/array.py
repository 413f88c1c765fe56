"""The tracer array: what a decorated function's array arguments become during tracing.

A :class:`Tracer` looks like an ``np.ndarray`` to user code: it has ``shape``/``dtype``, the
Python operators, the ndarray methods users call, and the NumPy protocols
(``__array_ufunc__``, ``__array_function__``), so ``np.sin(t)`` and ``t.sum()`` both work.

It is a *mutable handle on an immutable SSA value* (DESIGN decision 4): ``t[i] = v``,
``t += v`` and ``out=t`` compute a new value and rebind the handle. A view (``t[1:-1]``,
``t.T``) is a handle whose value is derived from a parent through a *lens* (``get`` reads
the view out of the parent's value, ``put`` writes a new view value back into it), so
writing through a view updates its base and reading a view sees later writes to the base,
as in NumPy.

Every NumPy-level operation is forwarded to :mod:`jitflow.tracer.numpy_api`; the op
families implement them.
"""

from __future__ import annotations

import operator

import numpy as np

from jitflow import errors
from jitflow.tracer.avals import AbstractArray
from jitflow.tracer.context import record_mutation, record_view_read
from jitflow.tracer.flat import FlatIter
from jitflow.tracer.ir import Value
from jitflow.tracer.numpy_api import call, lookup
from jitflow.tracer.source import at_user_line


class Tracer:
    """A traced array (see the module docstring)."""

    __slots__ = ("_value", "_parent", "_lens", "_seen", "_scalar", "_array", "__weakref__")
    __array_priority__ = 1000  # NumPy defers binary operators to us.

    def __init__(
        self, value: Value, parent: Tracer | None = None, lens=None, scalar=False, array=False
    ):
        self._value = value
        # A NumPy scalar (``a[0, 0]``), immutable: in-place operators rebind, as in NumPy.
        self._scalar = scalar
        # True: an ndarray even when 0-d (a view, a copy, np.where...), returned as a 0-d
        # array, not as the NumPy scalar other 0-d results are (ufuncs, reductions, x[i]).
        # ("leaf", i): whatever argument leaf i is (``return x``, ``x.astype(...)``).
        self._array = True if parent is not None else array
        self._parent = parent
        self._lens = lens
        self._seen = parent.value if parent is not None else None

    # -- the handle -------------------------------------------------------------------

    @property
    def value(self) -> Value:
        """The current SSA value (re-read from the base for views)."""
        parent = self._parent
        if parent is not None:
            base = parent.value
            if base is not self._seen:
                self._value = self._lens.get(base)
                self._seen = base
                record_view_read(self)
        return self._value

    def assign(self, new: Value) -> None:
        """Rebind the handle to ``new`` (same shape and dtype), writing through views."""
        parent = self._parent
        if parent is not None:
            parent.assign(self._lens.put(parent.value, new))
            self._seen = parent.value
        else:
            record_mutation(self, self._value)
        self._value = new

    def make_view(self, lens) -> Tracer:
        """A view of this array through ``lens`` (an object with get/put). A NumPy scalar
        has no memory to share: its "views" (``s.T``, ``s.real``, ``s.reshape(1)``) are
        new values, NumPy scalars again when 0-d, as NumPy's scalar methods return."""
        if self._scalar:
            value = lens.get(self.value)
            return Tracer(value, scalar=not value.shape, array=bool(value.shape))
        return Tracer(lens.get(self.value), parent=self, lens=lens)

    @property
    def is_view(self) -> bool:
        return self._parent is not None

    # -- ndarray attributes -------------------------------------------------------------

    @property
    def aval(self) -> AbstractArray:
        return self.value.aval

    @property
    def shape(self) -> tuple[int, ...]:
        return self.value.aval.shape

    @property
    def dtype(self) -> np.dtype:
        return self.value.aval.dtype

    @property
    def ndim(self) -> int:
        return len(self.value.aval.shape)

    @property
    def size(self) -> int:
        return self.value.aval.size

    @property
    def itemsize(self) -> int:
        return self.dtype.itemsize

    @property
    def nbytes(self) -> int:
        return self.size * self.dtype.itemsize

    @property
    def T(self) -> Tracer:
        return call(np.transpose, self)

    @property
    def mT(self) -> Tracer:
        return call(np.matrix_transpose, self)

    @property
    def real(self) -> Tracer:
        return call(np.real, self)

    @property
    def imag(self) -> Tracer:
        return call(np.imag, self)

    @property
    def flat(self) -> FlatIter:
        """NumPy's flat iterator: ``a.flat[i]`` reads, ``a.flat[i] = v`` writes into ``a``."""
        return FlatIter(self)

    @flat.setter
    def flat(self, value) -> None:
        FlatIter(self)[...] = value  # ``a.flat = v``: every element, v repeated to fill

    def __repr__(self) -> str:
        return f"Tracer({self.aval!r})"

    # -- NumPy protocols ----------------------------------------------------------------

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method == "__call__":
            return _strong(call(ufunc, *inputs, **kwargs))
        key = (ufunc, method)
        if key not in _UFUNC_METHODS:
            _no_method(ufunc, method)
        return _strong(lookup(key)(*inputs, **kwargs))

    def __array_function__(self, func, types, args, kwargs):
        result = call(func, *args, **kwargs)
        # np.real/np.imag read the ``.real``/``.imag`` attribute: a Python number's is one.
        return result if func in (np.real, np.imag) else _strong(result)

    def __array__(self, dtype=None, copy=None):
        raise errors.TracerConversionError(
            at_user_line(
                f"A traced array ({self.aval!r}) was converted to a NumPy array "
                "(np.asarray, np.array, assignment into a NumPy array, or a library that "
                "needs concrete data). Its value is only known when the compiled function "
                "runs. Use NumPy functions on it inside the function (np.stack instead of "
                "np.array([...])); to fill an array made in the function, make it from a "
                "traced one (np.zeros_like(x, shape=...)); or move this code out of the "
                "decorated function."
            )
        )

    # -- conversions to Python values -------------------------------------------------------

    def _concrete(self, what: str, hint: str):
        raise errors.TracerConversionError(
            at_user_line(
                f"A traced array ({self.aval!r}) was used as a Python {what}. Its value is "
                f"only known when the compiled function runs, not while it is traced. {hint}"
            )
        )

    def __bool__(self):
        self._concrete(
            "bool (an if/while condition, and/or, or bool())",
            "Use np.where(cond, a, b) to choose between arrays, or pass the value as a "
            "static argument (static_argnames=...).",
        )

    def __int__(self):
        self._concrete("int", "Pass it as a static argument if it decides a shape or a count.")

    def __float__(self):
        self._concrete("float", "Keep it as an array (x.astype(np.float64)).")

    def __complex__(self):
        self._concrete("complex", "Keep it as an array.")

    def __index__(self):
        self._concrete(
            "index (range(), a list index or a shape)",
            "Pass it as a static argument (static_argnames=...) if it decides a shape.",
        )

    def item(self, *args):
        self._concrete("scalar (.item())", "Return the array and call .item() on the result.")

    def tolist(self):
        self._concrete("list (.tolist())", "Return the array and call .tolist() on the result.")

    def __hash__(self):
        raise TypeError(f"unhashable type: traced array {self.aval!r}")

    # -- sequence protocol -------------------------------------------------------------

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of unsized object")
        return self.shape[0]

    def __iter__(self):
        if not self.shape:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(self.shape[0]))

    def __getitem__(self, index):
        return call(operator.getitem, self, index)

    def __setitem__(self, index, value):
        if self._scalar or (self.value.aval.weak and not self.shape):
            raise immutable_scalar(self, "does not support item assignment")
        call(operator.setitem, self, index, value)

    # -- ndarray methods ----------------------------------------------------------------

    def astype(self, dtype, order="K", casting="unsafe", subok=True, copy=True):
        return call(np.ndarray.astype, self, dtype, order, casting, subok, copy)

    def reshape(self, *shape, order="C", copy=None):
        shape = shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape
        return call(np.reshape, self, shape, order=order, copy=copy)

    def transpose(self, *axes):
        axes = axes[0] if len(axes) == 1 and not isinstance(axes[0], int) else axes
        return call(np.transpose, self, axes or None)

    def swapaxes(self, a, b):
        return call(np.swapaxes, self, a, b)

    def squeeze(self, axis=None):
        return call(np.squeeze, self, axis)

    def ravel(self, order="C"):
        return call(np.ravel, self, order)

    def flatten(self, order="C"):
        return call(np.ravel, self, order).copy()

    def view(self, dtype=None, type=None):
        """``ndarray.view()``: a new view of the same data (reinterpreting bytes as another
        dtype is not supported)."""
        if type is not None or (dtype is not None and np.dtype(dtype) != self.dtype):
            raise errors.UnsupportedError(
                at_user_line(
                    "x.view(dtype) reinterprets memory, which traced arrays do not have. "
                    "Use x.astype(dtype) to convert values."
                )
            )
        return self[...]

    def copy(self, order="C"):
        result = call(np.copy, self)
        result._array, result._scalar = self._array, self._scalar  # a scalar's is a scalar
        return result

    def dot(self, other):
        return call(np.dot, self, other)

    def clip(self, min=None, max=None, **kw):
        return call(np.clip, self, min, max, **kw)

    def fill(self, value):
        if not (self._scalar or self.value.aval.weak):  # NumPy fills a scalar's copy
            self[...] = value

    def conj(self):
        """The array itself unless complex, as ``ndarray.conj`` (same object: writes through
        the result change it; bool stays bool). ``np.conj(a)``, a ufunc, copies."""
        if self.dtype.kind != "c":
            return self
        return call(np.conjugate, self)

    conjugate = conj

    def round(self, decimals=0):
        return call(np.round, self, decimals)

    def repeat(self, repeats, axis=None):
        return call(np.repeat, self, repeats, axis)

    def sum(self, *a, **k):
        return call(np.sum, self, *a, **k)

    def prod(self, *a, **k):
        return call(np.prod, self, *a, **k)

    def mean(self, *a, **k):
        return call(np.mean, self, *a, **k)

    def var(self, *a, **k):
        return call(np.var, self, *a, **k)

    def std(self, *a, **k):
        return call(np.std, self, *a, **k)

    def max(self, *a, **k):
        return call(np.max, self, *a, **k)

    def min(self, *a, **k):
        return call(np.min, self, *a, **k)

    def any(self, *a, **k):
        return call(np.any, self, *a, **k)

    def all(self, *a, **k):
        return call(np.all, self, *a, **k)

    def argmax(self, *a, **k):
        return call(np.argmax, self, *a, **k)

    def argmin(self, *a, **k):
        return call(np.argmin, self, *a, **k)

    def argsort(self, *a, **k):
        return call(np.argsort, self, *a, **k)

    def diagonal(self, offset=0, axis1=0, axis2=1):
        return call(np.diagonal, self, offset, axis1, axis2)

    def trace(self, offset=0, axis1=0, axis2=1, dtype=None, out=None):
        return call(np.trace, self, offset, axis1, axis2, dtype, out)

    def sort(self, axis=-1, kind=None, order=None, *, stable=None):
        """In place, as NumPy's: the sorted values are written into this array (and
        through a view into its base)."""
        self[...] = call(np.sort, self, axis, kind, order, stable=stable)

    def cumsum(self, *a, **k):
        return call(np.cumsum, self, *a, **k)

    def cumprod(self, *a, **k):
        return call(np.cumprod, self, *a, **k)

    def nonzero(self):
        return call(np.nonzero, self)


_UFUNC_METHODS = set()  # (ufunc, "reduce"/"accumulate"/...) keys present in the table


def immutable_scalar(t: Tracer, what: str) -> errors.InvalidOperandError:
    """The TypeError NumPy (or Python) raises for a write into a NumPy scalar (an
    argument like ``np.float64(2.0)``, ``a[0, 0]``, ``a.sum()``) or a Python number: both
    are immutable."""
    if t.value.aval.weak:
        kind = {"b": "bool", "i": "int", "u": "int", "f": "float", "c": "complex"}
        name = kind[t.dtype.kind]
    else:
        name = f"numpy.{t.dtype.type.__name__}"
    return errors.InvalidOperandError(
        at_user_line(
            f"'{name}' object {what} (as in NumPy): a Python number or a NumPy scalar (a "
            "scalar argument, a[i, j] of an array, a reduction like a.sum()) is immutable. "
            "Rebind the name (s = s + 1), or make it an array first (s = np.array(s))."
        )
    )

# The implementation (in jitflow.ops.constants) that makes a weakly typed tracer strong.
STRONG = "jitflow.strong"


def _strong(result):
    """A NumPy function's result is a NumPy object, strongly typed even when every input
    was a Python number (NEP 50: ``np.sqrt(2.0)`` is an ``np.float64``, so
    ``float32_array * np.sqrt(s)`` is float64). Python operators on Python numbers
    (``s * 2.0``) stay weak: they do not come through the NumPy protocols."""
    if isinstance(result, Tracer):
        return call(STRONG, result) if result.value.aval.weak else result
    if isinstance(result, (tuple, list)):
        items = [_strong(r) for r in result]
        if all(a is b for a, b in zip(items, result)):
            return result  # (np.linalg.qr's QRResult and other named tuples as they are)
        return type(result)._make(items) if hasattr(result, "_make") else type(result)(items)
    return result


def _no_method(ufunc, method):
    raise errors.UnsupportedError(
        at_user_line(
            f"np.{ufunc.__name__}.{method} is not supported by jitflow on traced arrays. "
            "Use the equivalent NumPy function (np.sum for np.add.reduce, np.cumsum for "
            "np.add.accumulate, ...)."
        )
    )


def register_ufunc_method(ufunc, method, impl) -> None:
    """Let ``ufunc.method`` (e.g. np.add.reduce) on tracers reach ``impl``."""
    from jitflow.tracer.numpy_api import IMPLEMENTATIONS

    IMPLEMENTATIONS[(ufunc, method)] = impl
    _UFUNC_METHODS.add((ufunc, method))


# -- Python operators, all forwarded to the NumPy functions they mean --------------------


def _immutable(x: Tracer) -> bool:
    """A Python number (weak 0-d) or a NumPy scalar: ``x op= v`` rebinds the name."""
    return not x.value.aval.shape and (x.value.aval.weak or x._scalar)


def _binary(ufunc):
    def op(self, other):
        return call(ufunc, self, other)

    def rop(self, other):
        return call(ufunc, other, self)

    def iop(self, other):
        if _immutable(self):
            # A Python number (a float argument, a loop counter) or a NumPy scalar read
            # out of an array (``a[0, 0] += v``): both are immutable, so Python rebinds the
            # name to ``x + v`` (then stores it back with ``a[0, 0] = ...``), with NumPy's
            # promotion instead of the in-place casting rule.
            return call(ufunc, self, other)
        return call(ufunc, self, other, out=self)

    return op, rop, iop


for _name, _ufunc in [
    ("add", np.add), ("sub", np.subtract), ("mul", np.multiply), ("truediv", np.true_divide),
    ("floordiv", np.floor_divide), ("mod", np.remainder), ("pow", np.power),
    ("matmul", np.matmul), ("and", np.bitwise_and), ("or", np.bitwise_or),
    ("xor", np.bitwise_xor), ("lshift", np.left_shift), ("rshift", np.right_shift),
]:
    _op, _rop, _iop = _binary(_ufunc)
    setattr(Tracer, f"__{_name}__", _op)
    setattr(Tracer, f"__r{_name}__", _rop)
    setattr(Tracer, f"__i{_name}__", _iop)

for _name, _ufunc in [
    ("eq", np.equal), ("ne", np.not_equal), ("lt", np.less), ("le", np.less_equal),
    ("gt", np.greater), ("ge", np.greater_equal),
]:
    setattr(Tracer, f"__{_name}__", _binary(_ufunc)[0])

for _name, _ufunc in [
    ("neg", np.negative), ("pos", np.positive), ("abs", np.absolute), ("invert", np.invert),
]:
    setattr(Tracer, f"__{_name}__", lambda self, _u=_ufunc: call(_u, self))

# ndarray.__pow__ is not quite np.power (`bool_array ** 2` is np.square, int8): the ufunc
# family implements operator.pow/ipow as NumPy's array_power does.
Tracer.__pow__ = lambda self, other, mod=None: call(operator.pow, self, other)
Tracer.__ipow__ = lambda self, other: call(
    operator.pow if _immutable(self) else operator.ipow, self, other)
Tracer.__divmod__ = lambda self, other: call(np.divmod, self, other)
Tracer.__rdivmod__ = lambda self, other: call(np.divmod, other, self)
