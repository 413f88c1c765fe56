"""The namespace converted code calls as ``ag__``.

Everything public in :mod:`jitflow.autograph.operators` (``if_stmt``, ``while_stmt``,
``for_stmt``, ``and_``, ``ld``, ``Undefined``, ...) is available here, plus what the
converter itself relies on: :func:`converted_call`, :func:`chained_compare`,
:class:`UndefinedReturnValue` and :func:`retval`.
"""

from __future__ import annotations

import builtins
import functools
import operator
import types

import numpy as np

from jitflow import captures, errors
from jitflow.autograph import converter
from jitflow.autograph import operators as _operators
from jitflow.autograph.item_assignment import (  # noqa: F401
    _IN_PLACE, make_slice, setitem, setitem_aug, ufunc_at,
)
from jitflow.autograph.operators import Undefined
from jitflow.autograph.raising import check_recursion, raise_value  # noqa: F401
from jitflow.tracer.context import is_tracing
from jitflow.tracer.source import at_user_line

for _name in dir(_operators):
    _value = getattr(_operators, _name)
    if not _name.startswith("_") and not isinstance(_value, types.ModuleType):
        globals().setdefault(_name, _value)


def __getattr__(name: str):
    """Operators added to :mod:`.operators` after this module was imported."""
    if name.startswith("_"):
        raise AttributeError(name)
    return getattr(_operators, name)


# -- calls ----------------------------------------------------------------------------------

# A builtin ``name`` whose operator ``name_`` exists runs as the operator (print -> print_,
# range -> range_, ...): those need to see traced arguments.
_BUILTIN_OPERATORS = {
    getattr(builtins, n): getattr(_operators, n + "_")
    for n in dir(builtins)
    if not n.startswith("_") and callable(getattr(_operators, n + "_", None))
}


def converted(f):
    """What to call for ``f`` in converted code: ``ag__.converted(f)(*args, **kwargs)``.

    User functions, methods (bound: the function is converted and bound again), lambdas,
    closures, nested functions, ``functools.partial`` of those and instances with a
    user-defined ``__call__`` are converted (once each, cached); builtins with an
    operator (``print``, ``range``, ...) run as that operator; everything else (NumPy,
    JAX, the standard library, jitflow, classes, ``do_not_convert`` functions,
    generators) is called as it is. NumPy's random functions are refused while tracing:
    their numbers would be frozen into the compiled program.
    """
    if is_tracing() and _is_numpy_random(f):
        raise errors.UnsupportedError(
            at_user_line(
                "NumPy random numbers drawn inside a compiled function would be drawn once, "
                "while tracing, and then frozen into the program: every call would return "
                "the same numbers. Draw them outside and pass them in as an argument."
            )
        )
    kind = type(f)
    if kind is types.FunctionType:
        new = converter.convert_for_call(f)
        check_recursion(new)
        return new
    if kind is types.MethodType:
        func = f.__func__
        if type(func) is types.FunctionType:
            new = converter.convert_for_call(func)
            if new is not func:
                return types.MethodType(new, f.__self__)
        return f
    if kind is types.BuiltinMethodType and type(f.__self__) is list and f.__name__ == "append":
        return functools.partial(_operators.list_append, f.__self__)  # staged loops see it
    if kind is types.BuiltinFunctionType or isinstance(f, type):
        try:
            return _BUILTIN_OPERATORS.get(f, f)
        except TypeError:  # an unhashable class object
            return f
    if is_tracing():
        inlined = _inlined(f)
        if inlined is not None:
            return inlined
    if kind is functools.partial:
        inner = converted(f.func)
        return f if inner is f.func else functools.partial(inner, *f.args, **f.keywords)
    call = getattr(kind, "__call__", None)
    if type(call) is types.FunctionType:
        new = converter.convert_for_call(call)
        if new is not call:
            return types.MethodType(new, f)
    return f


def _inlined(f):
    """A ``jitflow.function`` called while another is traced runs inline, as its Python
    function (converted unless it was made with ``autograph=False``), traced into the
    caller's graph: nested jitflow functions inline as nested ``tf.function``s do (DESIGN
    decision 15). Its static arguments are Python values here anyway."""
    from jitflow.function import Function, _BoundFunction

    owner = None
    if isinstance(f, _BoundFunction):
        f, owner = f._function, f._instance.value
    if not isinstance(f, Function):
        return None
    fn = f.python_function
    if f._autograph:
        fn = converted(fn)
    return fn if owner is None else types.MethodType(fn, owner)


def converted_call(f, args, kwargs=None):
    """``f(*args, **kwargs)`` with ``f`` converted if it is user code (see :func:`converted`)."""
    return converted(f)(*args, **(kwargs or {}))


def _is_numpy_random(f) -> bool:
    owner = getattr(f, "__self__", None)
    if isinstance(owner, (np.random.Generator, np.random.RandomState, np.random.BitGenerator)):
        return True
    return (getattr(f, "__module__", None) or "").startswith("numpy.random")


# -- state outside the function (jitflow.captures) -------------------------------------------

ld_name = captures.load
ld_attr = captures.load_attr
st_attr = captures.store_attr
st_name = captures.store_name


def aug_attr(obj, attr: str, op: str, value) -> None:
    """``obj.attr op= value``."""
    captures.aug_attr(obj, attr, _IN_PLACE[op], value)


def aug_op(current, op: str, value):
    """``current op= value``'s result, for a global or nonlocal name."""
    return _IN_PLACE[op](current, value)


# -- comparisons ------------------------------------------------------------------------------

_COMPARISONS = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
    ">": operator.gt, ">=": operator.ge, "is": operator.is_, "is not": operator.is_not,
    "in": lambda a, b: a in b, "not in": lambda a, b: a not in b,
}


def chained_compare(operands, ops):
    """``a op1 b op2 c ...``: ``and_`` of the comparisons, each operand evaluated at most
    once and only when Python would evaluate it (``operands`` are zero-arg functions)."""
    values = {}

    def value(i):
        if i not in values:
            values[i] = operands[i]()
        return values[i]

    def comparison(i):
        compare = _COMPARISONS[ops[i]]
        return lambda: compare(value(i), value(i + 1))

    return _operators.and_(*[comparison(i) for i in range(len(ops))])


# -- return values ----------------------------------------------------------------------------


class UndefinedReturnValue(Undefined):
    """The return value of a converted function before any ``return`` ran.

    The converter assigns the return value on every path that reaches the end of the
    function (an explicit ``return None`` included), so this value is never returned:
    staged control flow may stand zeros of the other path's type in for it
    (``zeros_ok``), e.g. in a loop that returns on some iteration.
    """

    __slots__ = ()
    zeros_ok = True  # the do-return flag guards every read (see Undefined.zeros_ok)

    def __init__(self):
        super().__init__("<return value>")


def retval(value):
    """The value a converted function returns.

    None if no ``return`` ran (as in Python; the converter makes that path explicit, so
    this is a safety net). A variable that is not defined on every path (``Undefined``,
    also inside a returned tuple, list or dict) is an error naming it, where Python would
    raise ``UnboundLocalError``.
    """
    if isinstance(value, UndefinedReturnValue):
        return None
    items = value.values() if type(value) is dict else value
    for item in items if type(value) in (tuple, list, dict) else (value,):
        if isinstance(item, Undefined):
            if item.name.startswith("retval__"):
                raise errors.UnsupportedError(
                    at_user_line(
                        "The function returns a value on some paths of a condition or loop "
                        "on a traced value but not on others; a compiled function must "
                        "return the same kind of value on every path. Add a return (or a "
                        "final return) that covers every path."
                    )
                )
            item._fail()
    return value
