"""The seeded program generator: ``generate(seed)`` is the same program on every machine.

Statements are drawn one at a time; each candidate is checked by running the whole program
so far with NumPy on fresh inputs (so aliasing through views is NumPy's own). A candidate
NumPy refuses is dropped, except in the programs drawn to end in an error (about one in
eight), where the first refused statement ends the program: the runner then checks that
jitflow raises the same kind of exception and leaves the arguments untouched.

Compound statements (if/else on a traced condition, for over range or over an array's
rows, a while with a counter bound) have bodies of one or two statements. Both branches
of an ``if`` are checked as if taken (jitflow traces both), and every variable that lives
on after the block must keep its Python type, dtype and shape on every path, as staged
control flow requires; names first bound inside a block are not used after it.
"""

from __future__ import annotations

import random
import warnings

import numpy as np

from .exprs import DISCRETE, INEXACT, Expr, ExprBuilder, is_array, kind, tame
from .program import INDENT, OUT_OF_RANGE_CASTS, Program, has_cast_warning, load_source
from .values import make_inputs

INPLACE = ["+=", "-=", "*=", "/=", "//=", "%=", "**=", "&=", "|=", "^="]
INPLACE_MODE = {"/=": INEXACT, "//=": DISCRETE, "%=": DISCRETE, "**=": "pow"}


def signature(v) -> tuple:
    """What staged control flow keeps fixed for a variable: type, dtype, shape."""
    if isinstance(v, (np.ndarray, np.generic)):
        return (type(v), v.dtype, v.shape)
    return (type(v),)


def indent(lines: list[str]) -> str:
    return "\n".join(INDENT + line for stmt in lines for line in stmt.split("\n"))


class Generator(ExprBuilder):
    """Builds one program; ``self.env`` is NumPy's state after the statements so far."""

    def __init__(self, seed: int):
        super().__init__(random.Random(seed))
        self.seed = seed
        self.params, self.input_lines, _ = make_inputs(self.rng)
        self.visible = list(self.params)
        self.counter = 0
        self.in_block = False
        self.depth = 0  # nesting of the block being generated
        self.loop_names: set[str] = set()  # loop variables: not rebound in the body
        self.want_error = self.rng.random() < 0.12
        self.env = self.run([])

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def run(self, body: list[str]) -> dict:
        """NumPy's locals after ``body``; raises what NumPy raises (or on an undefined cast)."""
        prog = Program(self.seed, self.params, self.input_lines, body, "locals()")
        ns = load_source(prog.source(), "<fuzz generator>")
        with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
            warnings.simplefilter("always")
            env = ns.program(*ns.inputs())
        if has_cast_warning([str(w.message) for w in caught]):
            raise ValueError("undefined cast")
        return env

    # -- simple statements -----------------------------------------------------------------

    def assign(self) -> tuple[str, dict] | None:
        """``t = expr`` (a new name) or ``x = expr`` (rebinding one, same type in blocks)."""
        e = self.expr(self.rng.randint(1, 3))
        targets = [n for n in self.visible if n not in self.loop_names]
        if self.rng.random() < 0.25 and targets:
            name = self.rng.choice(targets)
            if self.in_block:  # keep the signature: x = x op literal
                cur = self.env[name]
                op = self.rng.choice(["+", "-", "*", "//", "/", "%"])
                e = self.node(f"{name} {op} {self.literal(kind(cur)).operand()}",
                              self.is_exact(name) and op != "/")
                if e is None or op in ("//", "%") and not self.is_exact(name):
                    return None
        else:
            name = self.fresh("t")
        return f"{name} = {e.src}", {name: e.exact}

    def view(self) -> tuple[str, dict] | None:
        a = self.var(is_array)
        if a is None:
            return None
        name = self.fresh("v")
        return f"{name} = {self.view_src(a)}", {name: a.exact}

    def inplace(self) -> tuple[str, dict] | None:
        """``x op= expr``: in place for arrays, a rebinding for scalars."""
        target = self.var(lambda v: is_array(v))
        if target is None or self.rng.random() < 0.3:
            target = self.var()
        if target is None or target.src in self.loop_names and not is_array(target.val):
            return None
        op = self.rng.choice(INPLACE)
        e = self.expr(self.rng.randint(0, 2)) if self.rng.random() < 0.6 else self.literal()
        mode = INPLACE_MODE.get(op)
        if mode == "pow":
            e = self.literal("iu") if self.rng.random() < 0.8 else e
            mode = None if kind(target.val) in "biu" and kind(e.val) in "biu" else INEXACT
        if mode == DISCRETE and not (target.exact and e.exact):
            return None
        exact = target.exact and e.exact and mode != INEXACT
        return f"{target.src} {op} {e.src}", {target.src: exact}

    def setitem(self) -> tuple[str, dict] | None:
        """``x[index] = value`` with a basic, integer-array or boolean-mask index."""
        a = self.var(lambda v: is_array(v) and v.ndim >= 1)
        if a is None:
            return None
        r = self.rng.random()
        scalar_only = False
        if r < 0.5:
            index = self.basic_index(a.val.shape)
        elif r < 0.7:
            index = self.int_index(a.val.shape)
        else:
            masks = self.names(lambda v: is_array(v) and v.dtype == bool
                               and v.shape == a.val.shape)
            if masks and self.rng.random() < 0.4:
                index = self.rng.choice(masks)
            else:
                if not a.exact:
                    return None
                op = self.rng.choice(["<", ">", "==", "!="] if kind(a.val) != "c" else ["=="])
                index = f"{a.src} {op} {self.literal('if' if kind(a.val) != 'c' else 'c').src}"
            scalar_only = True
        e = self.literal() if scalar_only or self.rng.random() < 0.4 else self.expr(2)
        if scalar_only and is_array(e.val) and e.val.ndim and not self.loose:
            return None
        if kind(a.val) in "iu" and kind(e.val) in "fc" and not self.castable(e, a.val.dtype):
            return None  # float -> int casts of inexact or out-of-range values: undefined
        return f"{a.src}[{index}] = {e.src}", {a.src: a.exact and e.exact}

    def castable(self, e: Expr, dtype: np.dtype) -> bool:
        if not e.exact or e.val is None:
            return False
        if OUT_OF_RANGE_CASTS:
            return True
        re = np.real(np.asarray(e.val))
        info = np.iinfo(dtype)
        return bool(np.isfinite(re).all() and re.min(initial=0) >= info.min
                    and re.max(initial=0) <= info.max)

    # -- compound statements ---------------------------------------------------------------

    def condition(self) -> str | None:
        py = self.names(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool))
        if py and self.rng.random() < 0.15:  # a Python-valued condition: not staged
            return f"{self.rng.choice(py)} > {self.rng.randint(-1, 2)}"
        a = self.var(is_array, exact=True)
        if a is None:
            return None
        c = self.literal("if" if kind(a.val) in "biuf" else "i").src
        x = a.src
        if kind(a.val) == "c":
            x = f"{x}.real"
        form = self.rng.choice([f"{x}.sum() > {c}", f"np.any({x} > {c})", f"{x}.max() >= {c}",
                                f"np.all({x} != {c})", f"({x} != 0).sum() > {c}",
                                f"{x}[{', '.join(['-1'] * a.val.ndim)}] < {c}"])
        try:
            bool(self.evaluate(form))
        except Exception:  # noqa: BLE001
            return None
        return form

    def block(self, prefix: list[str], setup: list[str], extra: list[str]) -> list[str] | None:
        """One or two statements as if run once after ``prefix + setup``."""
        saved = (self.env, list(self.visible), self.in_block)
        self.in_block = True
        self.depth += 1
        self.visible += extra
        self.loop_names.update(extra)
        body: list[str] = []
        try:
            try:
                self.env = self.run(prefix + setup)
            except Exception:  # noqa: BLE001 - e.g. a row of an empty array
                return None
            for _ in range(12):
                if len(body) >= self.rng.randint(1, 2):
                    break
                if self.depth < 2 and self.rng.random() < 0.15:  # nested control flow
                    stmt = self.compound(prefix + setup + body)
                else:
                    stmt = self.simple_statement()
                if stmt is None:
                    continue
                try:
                    self.env = self.run(prefix + setup + body + [stmt[0]])
                except Exception:  # noqa: BLE001, S112 - NumPy refuses: draw another
                    continue
                body.append(stmt[0])
                self.apply(stmt[1])
            return body or None
        finally:
            self.env, self.visible, self.in_block = saved
            self.loop_names.difference_update(extra)
            self.depth -= 1

    def if_statement(self, prefix: list[str]) -> str | None:
        cond = self.condition()
        if cond is None:
            return None
        then = self.block(prefix, [], [])
        other = self.block(prefix, [], []) if self.rng.random() < 0.6 else None
        if then is None:
            return None
        stmt = f"if {cond}:\n{indent(then)}"
        if other:
            stmt += f"\nelse:\n{indent(other)}"
        return self.check_paths(prefix, [stmt, stmt.replace(cond, "True", 1),
                                         stmt.replace(cond, "False", 1)])

    def for_statement(self, prefix: list[str]) -> str | None:
        trips = self.rng.randint(1, 3)
        rows = self.var(lambda v: is_array(v) and v.ndim >= 1 and 1 <= v.shape[0] <= 4)
        if rows is not None and self.rng.random() < 0.35:
            var = self.fresh("row")
            header, setup = f"for {var} in {rows.src}:", [f"{var} = {rows.src}[0]"]
            self.exact[var] = rows.exact
        else:
            var = self.fresh("i")
            header, setup = f"for {var} in range({trips}):", [f"{var} = 0"]
            self.loop_vars.append((var, trips))
        body = self.block(prefix, setup, [var])
        self.loop_vars = [lv for lv in self.loop_vars if lv[0] != var]
        if body is None:
            return None
        # The loop variable after the loop: jitflow refuses it (finding F-refuse-loopvar).
        keep = [var] if self.rng.random() < 0.05 else []
        return self.check_paths(prefix, [f"{header}\n{indent(body)}"], keep=keep)

    def while_statement(self, prefix: list[str]) -> str | None:
        cond = self.condition()
        if cond is None:
            return None
        k = self.fresh("k")
        body = self.block(prefix, [f"{k} = 0"], [k])
        if body is None:
            return None
        bound = self.rng.randint(1, 3)
        head = f"{k} = 0\nwhile {cond} and {k} < {bound}:"
        stmt = f"{head}\n{indent(body + [f'{k} += 1'])}"
        # jitflow traces the body even when NumPy never runs it: check it as if it ran.
        return self.check_paths(prefix, [stmt, stmt.replace(cond, "True", 1)], keep=[k])

    def check_paths(self, prefix: list[str], variants: list[str], keep=()) -> str | None:
        """The compound statement if every path runs and keeps each variable's signature."""
        before = {n: signature(self.env[n]) for n in self.visible}
        new: dict[str, set] = {k: set() for k in keep}
        for stmt in variants:
            try:
                env = self.run(prefix + [stmt])
            except Exception:  # noqa: BLE001
                return None
            if any(signature(env[n]) != sig for n, sig in before.items()):
                return None
            for k in keep:
                new[k].add(signature(env[k]))
            if not all(tame(v) for v in env.values()):
                return None
        if any(len(sigs) > 1 for sigs in new.values()):
            return None
        self.visible += [k for k in keep if k not in self.visible]
        return variants[0]

    def ternary(self, prefix: list[str]) -> tuple[str, dict] | None:
        """``v = x if cond else y``: both sides alike (often views of one array)."""
        a = self.var(is_array)
        cond = self.condition()
        if a is None or cond is None:
            return None
        x = a.src
        others = [f"{x}.copy()", f"{x} * 2", f"-{x}" if kind(a.val) != "b" else f"~{x}"]
        if a.val.ndim:
            others += [f"{x}[::-1]", f"{x}[::-1]"]
        others += [n for n in self.names(lambda v: signature(v) == signature(a.val)) if n != x]
        y = self.rng.choice(others)
        if self.rng.random() < 0.5:
            x, y = y, x
        name = self.fresh("v")
        stmt = f"{name} = {x} if {cond} else {y}"
        variants = [stmt, f"{name} = {x} if True else {y}", f"{name} = {x} if False else {y}"]
        exact = a.exact and all(self.exact.get(n, True) for n in (x, y))
        if self.check_paths(prefix, variants, keep=[name]) is None:
            return None
        return stmt, {name: exact}

    # -- programs --------------------------------------------------------------------------

    def simple_statement(self) -> tuple[str, dict] | None:
        build = self.rng.choices([self.assign, self.view, self.inplace, self.setitem],
                                 [3, 1.5, 3, 3])[0]
        return build()

    def apply(self, exact: dict[str, bool]) -> None:
        """Record the names a statement bound and which values may now be inexact."""
        for name, ok in exact.items():
            base = name.split("[")[0]
            if self.in_block or base != name:
                ok = ok and self.exact.get(base, True)
            self.exact[base] = ok
            if base not in self.visible:
                self.visible.append(base)
            if not ok and is_array(self.env.get(base)):  # views of it are inexact too
                for other in self.visible:
                    v = self.env.get(other)
                    if is_array(v) and np.shares_memory(v, self.env[base]):
                        self.exact[other] = False

    def compound(self, prefix: list[str]) -> tuple[str, dict] | None:
        """An if, for, while or ternary nested in a block."""
        build = self.rng.choice([self.if_statement, self.for_statement, self.while_statement])
        if self.rng.random() < 0.25:
            return self.ternary(prefix)
        stmt = build(prefix)
        return None if stmt is None else (stmt, {})

    def statement(self, body: list[str]) -> tuple[str, dict] | None:
        r = self.rng.random()
        if r < 0.12:
            stmt = self.if_statement(body)
        elif r < 0.2:
            stmt = self.for_statement(body)
        elif r < 0.26:
            stmt = self.while_statement(body)
        elif r < 0.31:
            return self.ternary(body)
        else:
            return self.simple_statement()
        return None if stmt is None else (stmt, {})

    def generate(self) -> Program:
        body: list[str] = []
        target = self.rng.randint(3, 8)
        for _ in range(60):
            if len(body) >= target:
                break
            self.loose = self.want_error and len(body) >= 1 and self.rng.random() < 0.5
            stmt = self.statement(body)
            if stmt is None:
                continue
            try:
                env = self.run(body + [stmt[0]])
            except Exception:  # noqa: BLE001
                if self.want_error and body and "\n" not in stmt[0]:
                    body.append(stmt[0])
                    return Program(self.seed, self.params, self.input_lines, body,
                                   self.params[0])
                continue
            if not all(tame(v) for v in env.values()):
                continue
            body.append(stmt[0])
            self.env = env
            self.apply(stmt[1])
        self.loose = False
        return Program(self.seed, self.params, self.input_lines, body, self.result(body))

    def result(self, body: list[str]) -> str:
        for _ in range(20):
            parts = [self.expr(self.rng.randint(0, 2)) for _ in range(self.rng.choice([1, 1, 2]))]
            if self.rng.random() < 0.4 and len(self.visible) > len(self.params):
                name = self.visible[-1]
                parts[0] = Expr(name, self.env[name], self.is_exact(name), atom=True)
            src = ", ".join(p.src for p in parts)
            try:
                self.run(body + [f"_r = ({src},)"])
                return src
            except Exception:  # noqa: BLE001, S112 - NumPy refuses: draw another
                continue
        return self.params[0]


def generate(seed: int) -> Program:
    """The program of ``seed``: deterministic across runs and machines."""
    return Generator(seed).generate()
