"""Expressions of generated programs, built bottom-up and evaluated by NumPy as they grow.

Every node is evaluated on the program's current state (the values of its variables after
the statements so far, views aliasing as in NumPy), so the generator knows each operand's
shape and dtype and keeps the nodes NumPy accepts. A node is "exact" when NumPy and XLA
must agree on it to the bit: the inputs are small dyadic numbers, so +, -, *, sums, max and
friends stay exact, while /, mean, sqrt, exp... may differ in the last place. Operations
whose result jumps with a float operand (comparisons, floor, //, %, casts to int, argmax)
are only applied to exact operands, so one ulp never becomes a different integer.
"""

from __future__ import annotations

import dataclasses
import random
import warnings

import numpy as np

from .program import OUT_OF_RANGE_CASTS, has_cast_warning
from .values import ARRAY_DTYPES, fmt_float

KEEP, INEXACT, DISCRETE = "keep", "inexact", "discrete"


@dataclasses.dataclass
class Expr:
    src: str
    val: object
    exact: bool
    atom: bool = False  # needs no parentheses as an operand

    def operand(self) -> str:
        return self.src if self.atom else f"({self.src})"


def kind(v) -> str:
    """NumPy dtype kind of a value (Python scalars too): b, i, u, f or c."""
    return np.asarray(v).dtype.kind


def is_array(v) -> bool:
    return isinstance(v, np.ndarray)


def tame(v) -> bool:
    """Floats that cannot overflow, underflow to subnormals or lose exactness later."""
    if not isinstance(v, (np.ndarray, np.generic, float, complex)):
        return True
    a = np.asarray(v)
    if a.dtype.kind not in "fc":
        return True
    parts = (a.real, a.imag) if a.dtype.kind == "c" else (a.astype(np.float64),)
    for p in parts:
        m = np.abs(p[np.isfinite(p)])
        if m.size and (m.max() > 1e6 or ((m > 0) & (m < 1e-6)).any()):
            return False
    return True


UNARY = [  # template, operand kinds, mode
    ("-{0}", "iufc", KEEP), ("np.abs({0})", "biuf", KEEP), ("np.abs({0})", "c", INEXACT),
    ("np.square({0})", "iufc", KEEP), ("np.sqrt({0})", "iufc", INEXACT),
    ("np.exp({0})", "bif", INEXACT), ("np.log({0})", "iufc", INEXACT),
    ("np.sin({0})", "iufc", INEXACT), ("np.cos({0})", "iuf", INEXACT),
    ("np.tanh({0})", "f", INEXACT), ("np.arctan({0})", "if", INEXACT),
    ("np.log1p({0})", "uf", INEXACT), ("np.expm1({0})", "f", INEXACT),
    ("np.floor({0})", "iuf", DISCRETE), ("np.ceil({0})", "f", DISCRETE),
    ("np.rint({0})", "f", DISCRETE), ("np.trunc({0})", "f", DISCRETE),
    ("np.sign({0})", "iuf", DISCRETE), ("~{0}", "biu", KEEP),
    ("np.logical_not({0})", "biufc", DISCRETE), ("np.isnan({0})", "fc", DISCRETE),
    ("np.isfinite({0})", "f", DISCRETE), ("np.conj({0})", "biufc", KEEP),
    ("np.real({0})", "fc", KEEP), ("np.imag({0})", "c", KEEP),
    ("np.positive({0})", "iuf", KEEP),
]
BINARY = [
    ("{0} + {1}", KEEP), ("{0} - {1}", KEEP), ("{0} * {1}", KEEP), ("{0} / {1}", INEXACT),
    ("{0} // {1}", DISCRETE), ("{0} % {1}", DISCRETE), ("{0} ** {1}", "pow"),
    ("{0} < {1}", DISCRETE), ("{0} <= {1}", DISCRETE), ("{0} > {1}", DISCRETE),
    ("{0} >= {1}", DISCRETE), ("{0} == {1}", DISCRETE), ("{0} != {1}", DISCRETE),
    ("np.maximum({0}, {1})", KEEP), ("np.minimum({0}, {1})", KEEP),
    ("{0} & {1}", KEEP), ("{0} | {1}", KEEP), ("{0} ^ {1}", KEEP),
    ("np.logical_and({0}, {1})", DISCRETE), ("np.logical_or({0}, {1})", DISCRETE),
    ("np.arctan2({0}, {1})", INEXACT), ("np.hypot({0}, {1})", INEXACT),
    ("np.fmax({0}, {1})", KEEP), ("np.true_divide({0}, {1})", INEXACT),
    ("np.floor_divide({0}, {1})", DISCRETE), ("np.remainder({0}, {1})", DISCRETE),
    ("np.fmod({0}, {1})", DISCRETE), ("np.power({0}, {1})", "pow"),
]
REDUCTIONS = {  # name -> (mode, axis may be a tuple, takes keepdims)
    "sum": (KEEP, True, True), "mean": (INEXACT, True, True), "max": (KEEP, True, True),
    "min": (KEEP, True, True), "prod": (KEEP, True, True), "any": (DISCRETE, True, True),
    "all": (DISCRETE, True, True), "argmax": (DISCRETE, False, True),
    "argmin": (DISCRETE, False, True), "cumsum": (KEEP, False, False),
}


# jitflow refuses to order complex numbers (XLA has no order for them): a documented
# refusal, so complex operands never meet these.
ORDERING = ("max", "min", "argmax", "argmin", "<", ">", "np.fmax")


class ExprBuilder:
    """Random expressions over the variables of ``env`` (name -> current NumPy value).

    ``exact`` maps a variable to whether its float values are exact (see the module doc);
    ``loose`` lets nodes through that NumPy refuses (for programs that must raise).
    """

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.env: dict = {}
        self.visible: list[str] = []
        self.exact: dict[str, bool] = {}
        self.loose = False
        self.loop_vars: list[tuple[str, int]] = []  # (name, trip count) of enclosing loops

    # -- leaves ----------------------------------------------------------------------------

    def names(self, pred=lambda v: True, exact: bool = False) -> list[str]:
        return [n for n in self.visible if n in self.env and pred(self.env[n])
                and (not exact or self.is_exact(n))]

    def is_exact(self, name: str) -> bool:
        return self.exact.get(name, True) or kind(self.env[name]) not in "fc"

    def var(self, pred=lambda v: True, exact: bool = False) -> Expr | None:
        names = self.names(pred, exact)
        if not names:
            return None
        name = self.rng.choice(names)
        return Expr(name, self.env[name], self.is_exact(name), atom=True)

    def literal(self, kinds: str = "biufc") -> Expr:
        rng = self.rng
        k = rng.choice(kinds)
        if rng.random() < 0.2:  # a NumPy scalar
            dtype = rng.choice([d for d in ARRAY_DTYPES if np.dtype(d).kind == k])
            value = {"b": "True", "i": str(rng.randint(-3, 4)), "u": str(rng.randint(0, 5)),
                     "f": fmt_float(rng.randint(-8, 8) / 4),
                     "c": repr(complex(rng.randint(-3, 3), rng.randint(-3, 3)))}[k]
            src = f"np.{dtype}({value})"
            return Expr(src, eval(src, {"np": np}), True, atom=True)
        value = {"b": rng.random() < 0.5, "i": rng.randint(-3, 4), "u": rng.randint(0, 5),
                 "f": rng.randint(-8, 8) / 4,
                 "c": complex(rng.randint(-3, 3) / 2, rng.randint(-3, 3) / 2)}[k]
        src = repr(value)
        return Expr(src, value, True, atom=not src.startswith("-") and k != "c")

    def leaf(self) -> Expr:
        if self.rng.random() < 0.8:
            e = self.var()
            if e is not None:
                return e
        return self.literal()

    # -- nodes -----------------------------------------------------------------------------

    def evaluate(self, src: str):
        with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
            warnings.simplefilter("always")
            value = eval(src, {"np": np}, dict(self.env))
        if has_cast_warning([str(w.message) for w in caught]):
            raise ValueError("undefined cast")
        return value

    def node(self, src: str, exact: bool, atom: bool = False) -> Expr | None:
        try:
            value = self.evaluate(src)
        except Exception:  # noqa: BLE001 - NumPy refuses the node
            if self.loose and self.rng.random() < 0.3:
                return Expr(src, None, exact, atom)
            return None
        if not tame(value):
            return None
        return Expr(src, value, exact, atom)

    def expr(self, depth: int) -> Expr:
        for _ in range(10):
            if depth <= 0 or self.rng.random() < 0.25:
                return self.leaf()
            build = self.rng.choices(
                [self.unary, self.binary, self.reduction, self.index_read, self.where,
                 self.clip, self.astype, self.view_expr],
                [3, 6, 3, 2, 1, 1, 1.5, 1])[0]
            e = build(depth)
            if e is not None and e.val is not None:
                return e
        return self.leaf()

    def unary(self, depth: int) -> Expr | None:
        a = self.expr(depth - 1)
        options = [(t, m) for t, ks, m in UNARY if kind(a.val) in ks]
        if self.loose:
            options += [(t, m) for t, _, m in UNARY]
        template, mode = self.rng.choice(options)
        if mode == DISCRETE and not a.exact:
            return None
        exact = a.exact and mode != INEXACT
        return self.node(template.format(a.operand()), exact, atom=template[0] != "-")

    def partner(self, depth: int, a: Expr) -> Expr:
        """A second operand whose shape broadcasts with ``a`` (mostly)."""
        shape = np.shape(a.val)
        for _ in range(4):
            b = self.expr(depth - 1) if self.rng.random() < 0.6 else self.literal()
            try:
                np.broadcast_shapes(shape, np.shape(b.val))
                return b
            except ValueError:
                if self.loose:
                    return b
        return self.literal()

    def binary(self, depth: int) -> Expr | None:
        a = self.expr(depth - 1)
        b = self.partner(depth, a)
        if self.rng.random() < 0.3:
            a, b = b, a
        template, mode = self.rng.choice(BINARY)
        if mode == "pow":
            if self.rng.random() < 0.7:
                b = self.literal("iu") if self.rng.random() < 0.8 else self.literal("f")
            ints = kind(a.val) in "biu" and kind(b.val) in "biu"
            mode = KEEP if ints else INEXACT
        if mode == DISCRETE and not (a.exact and b.exact):
            return None
        if "c" in kind(a.val) + kind(b.val) and any(o in template for o in ORDERING):
            return None
        exact = a.exact and b.exact and mode != INEXACT
        return self.node(template.format(a.operand(), b.operand()), exact,
                         atom=template.startswith("np."))

    def axis(self, ndim: int, tuples: bool) -> str | None:
        r = self.rng.random()
        if ndim == 0 or r < 0.3:
            return None
        if tuples and ndim > 1 and r < 0.5:
            axes = self.rng.sample(range(ndim), self.rng.randint(1, ndim))
            return repr(tuple(axes))
        return str(self.rng.randint(-ndim, ndim - 1))

    def reduction(self, depth: int) -> Expr | None:
        a = self.expr(depth - 1) if self.rng.random() < 0.4 else self.var(is_array)
        if a is None or not is_array(a.val):
            return None
        name = self.rng.choice(list(REDUCTIONS))
        mode, tuples, keepdims = REDUCTIONS[name]
        if name in ORDERING and kind(a.val) == "c":  # a documented refusal (no order in XLA)
            return None
        if mode == DISCRETE and not a.exact:
            return None
        args = []
        axis = self.axis(a.val.ndim, tuples)
        if axis is not None:
            args.append(f"axis={axis}")
        if keepdims and self.rng.random() < 0.3:
            args.append("keepdims=True")
        if self.rng.random() < 0.5:
            src = f"{a.operand()}.{name}({', '.join(args)})"
        else:
            src = f"np.{name}({', '.join([a.src] + args)})"
        return self.node(src, a.exact and mode != INEXACT, atom=True)

    def basic_index(self, shape: tuple) -> str:
        rng = self.rng
        parts = []
        for d, n in enumerate(shape[: rng.randint(1, max(1, len(shape)))]):
            if n == 0:
                parts.append(":")
                continue
            loop = [v for v, trips in self.loop_vars if trips <= n]
            r = rng.random()
            if d == 0 and loop and r < 0.4:
                v = rng.choice(loop)
                parts.append(rng.choice([v, f"-1 - {v}"]))
            elif r < 0.3:
                lo = -n - 1 if self.loose else -n
                parts.append(str(rng.randint(lo, n - 1 if not self.loose else n)))
            else:
                parts.append(rng.choice([":", "1:", ":-1", "::2", "::-1", "1::2", "-2:", ":2",
                                         "::-2", "None"]))
        if shape and rng.random() < 0.15:
            parts.insert(rng.randint(0, len(parts)), "...")
        return ", ".join(parts) if parts else "..."

    def int_index(self, shape: tuple) -> str:
        n = max(shape[0], 1)
        lo, hi = (-n - 1, n) if self.loose else (-n, n - 1)
        idx = [self.rng.randint(lo, hi) for _ in range(self.rng.randint(1, 4))]
        ints = self.names(lambda v: is_array(v) and v.ndim == 1 and kind(v) in "iu")
        if ints and self.rng.random() < 0.3:
            return self.rng.choice(ints)
        if self.rng.random() < 0.5:
            return f"np.array({idx})"
        return repr(idx)

    def index_read(self, depth: int) -> Expr | None:
        a = self.var(lambda v: is_array(v) and v.ndim >= 1)
        if a is None:
            return None
        shape = a.val.shape
        if self.rng.random() < 0.7:
            index = self.basic_index(shape)
        else:
            index = self.int_index(shape)
            if len(shape) > 1 and self.rng.random() < 0.4:
                index = f":, {self.int_index(shape[1:])}"
        return self.node(f"{a.src}[{index}]", a.exact, atom=True)

    def condition_expr(self, depth: int) -> Expr | None:
        a = self.expr(depth - 1)
        b = self.partner(depth, a)
        op = self.rng.choice(["<", ">", "<=", ">=", "==", "!="])
        if not (a.exact and b.exact):
            return None
        return self.node(f"{a.operand()} {op} {b.operand()}", True)

    def where(self, depth: int) -> Expr | None:
        c = self.condition_expr(depth)
        if c is None:
            return None
        x, y = self.expr(depth - 1), self.partner(depth, c)
        return self.node(f"np.where({c.src}, {x.src}, {y.src})", x.exact and y.exact, True)

    def clip(self, depth: int) -> Expr | None:
        a = self.expr(depth - 1)
        if kind(a.val) == "c":
            return None
        lo = self.rng.randint(-3, 1)
        hi = lo + self.rng.randint(0, 4)
        if kind(a.val) == "f" and self.rng.random() < 0.5:
            lo, hi = lo / 2, hi / 2
        return self.node(f"np.clip({a.src}, {lo}, {hi})", a.exact, atom=True)

    def astype(self, depth: int) -> Expr | None:
        a = self.expr(depth - 1)
        if not isinstance(a.val, (np.ndarray, np.generic)):
            return None
        target = self.rng.choice(ARRAY_DTYPES)
        src_kind, dst_kind = kind(a.val), np.dtype(target).kind
        jumps = src_kind in "fc" and dst_kind in "biu"
        if jumps and not a.exact:
            return None
        if jumps and not OUT_OF_RANGE_CASTS:
            info = np.iinfo(target) if dst_kind != "b" else None
            re = np.real(np.asarray(a.val))
            if not np.isfinite(re).all() or (info and (re.min(initial=0) < info.min
                                                       or re.max(initial=0) > info.max)):
                return None
        return self.node(f"{a.operand()}.astype(np.{target})", a.exact, atom=True)

    def view_src(self, a: Expr) -> str:
        """A view of array ``a``: slices, .T, reshape, ravel, .real, or ``a`` itself."""
        shape = a.val.shape
        size = a.val.size
        options = [f"{a.src}[{self.basic_index(shape)}]" if shape else f"{a.src}[...]",
                   f"{a.src}.T", f"{a.src}.ravel()", f"{a.src}.reshape(-1)",
                   f"{a.src}[None]", a.src]
        if len(shape) >= 2 and shape[-1]:
            options.append(f"{a.src}.reshape({size // shape[-1]}, {shape[-1]})")
            options.append(f"{a.src}.reshape({tuple(reversed(shape))})")
        elif size % 2 == 0 and size:
            options.append(f"{a.src}.reshape(2, {size // 2})")
        if kind(a.val) == "c":
            options += [f"{a.src}.real", f"{a.src}.imag"]
        return self.rng.choice(options)

    def view_expr(self, depth: int) -> Expr | None:
        a = self.var(is_array)
        if a is None:
            return None
        return self.node(self.view_src(a), a.exact, atom=True)
