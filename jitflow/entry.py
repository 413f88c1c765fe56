"""One compiled signature (:class:`Entry`) and how its results reach the caller.

An entry holds the traced function, its StableHLO module and what JAX runs: a
``jax.export.Exported`` or, for a program with host callbacks, a
:class:`~jitflow.lowering.host_call.Program`. Its ``finish`` turns JAX's result arrays
into what the undecorated function would return: NumPy arrays for NumPy callers (writable;
large ones without a copy), the caller's argument arrays written back, prints and asserts
run.
"""

from __future__ import annotations

import jax
import jax.tree_util as tree_util
import numpy as np

from jitflow import errors
from jitflow.autograph import effects as run_time_effects
from jitflow.lowering.export import make_exported
from jitflow.lowering.host_call import Program, call_program
from jitflow.lowering.module import lower_graph, used_inputs
from jitflow.ops import checks, host
from jitflow.returned import caller_array
from jitflow.tracer.trace import DYNAMIC, TracedFunction
from jitflow.writeback import plan as writeback_plan
from jitflow.writeback import write as write_back


def compile_entry(name: str, traced: TracedFunction, avals) -> "Entry":
    """Lower ``traced`` and wrap it for ``jax.jit``: an ``Exported`` unless it needs host
    callbacks, which an ``Exported`` cannot carry (JAX then lowers it itself)."""
    if _has_host_records(traced.graph):
        module = lower_graph(traced.graph)
        runnable = Program(traced.graph)
    else:
        # Only the arguments the program reads go in: jax.jit drops the others from its
        # executable, so one used only for its shape is not transferred to the device.
        kept = used_inputs(traced.graph)
        module = lower_graph(traced.graph, kept)
        out_avals = [v.aval for v in traced.graph.outputs]
        runnable = make_exported(name, module, [avals[i] for i in kept], out_avals)
        return Entry(traced, module, runnable, kept)
    return Entry(traced, module, runnable)


class Entry:
    """One compiled signature: the traced function, its module and what JAX runs."""

    def __init__(self, traced: TracedFunction, module, runnable, kept=None):
        self.traced = traced
        self.module = module
        self.runnable = runnable  # a jax.export.Exported, or a Program
        self.kept = kept  # the positions of the arguments the Exported takes (None: all)
        self.writeback = traced.writeback
        self.out_tree = traced.out_tree
        self.out_static = traced.out_static
        self.n_results = traced.n_results
        # Large results are handed to NumPy callers without a copy (see _writable_view).
        self.big = tuple(
            v.aval.size * v.aval.dtype.itemsize >= _ZERO_COPY_BYTES
            for v in traced.graph.outputs[: traced.n_results]
        )
        # One traced array returned as is: JAX hands back the array itself, no structure.
        self.bare = (
            traced.out_tree.num_nodes == 1 and len(traced.out_static) == 1
            and traced.out_static[0] is DYNAMIC
            and not traced.writeback and not traced.effects and not any(self.big)
            and traced.check is None and not isinstance(runnable, Program)
            and not traced.result_args
            and traced.result_kinds[:1] in (("array",), ("scalar",))
            and not (traced.captured and (traced.captured.rebinds or traced.captured.containers))
        )

        self.finish = self._finisher()
        if isinstance(runnable, Program):  # its last output is the call id
            self.finish = _taking_call_rows(self.finish)

    def call(self, *args):
        """Inside ``jax.jit``: the program's output arrays for ``args``."""
        if isinstance(self.runnable, Program):
            return call_program(self.runnable, *args)
        if self.kept is not None:
            args = [args[i] for i in self.kept]
        return self.runnable.call(*args)

    def _finisher(self):
        """A function ``(arrays, leaves, jax_out) -> result`` specialised to this entry.

        Built once at trace time so the per-call path does only what this signature needs:
        for one array output and no mutated argument, a single conversion.
        """
        out_tree, out_static, n = self.out_tree, self.out_static, self.n_results
        writeback = self.writeback
        plain = all(s is DYNAMIC for s in out_static)
        single = plain and out_tree.num_leaves == 1 and out_tree.num_nodes == 1

        effects, check = self.traced.effects, self.traced.check
        sites = self.traced.write_sites
        # Traced arrays stored into captured state (``self.w = w + g``): see jitflow.captures.
        rebinds = self.traced.captured.rebinds if self.traced.captured else ()
        kinds = self.traced.result_kinds or ("scalar",) * n  # 0-d: a NumPy scalar
        converters = [
            _writable_view if big else _CONVERTERS.get(kind, to_numpy)
            for big, kind in zip(self.big, kinds)
        ]
        # 0-d arguments returned as they are: an ndarray stays one (see trace.result_kind).
        as_given = [(i, kind) for i, kind in enumerate(kinds) if isinstance(kind, int)]
        # Arguments returned as they are, or views of them: NumPy returns the caller's array
        # object itself, or a view of it (jitflow.returned).
        same = [
            (i, how, how[0] if isinstance(how, tuple) else how)
            for i, how in enumerate(self.traced.result_args) if how is not None
        ]
        forced = self.traced.forced_writes

        def finish(arrays, leaves, jax_out):
            if check is not None:  # first: a failed call writes nothing back, prints nothing
                raise_failed_check(arrays, check)
            # Every write-back checked, and every assert passed, before the first write.
            writes = writeback_plan(writeback, sites, leaves, arrays, forced) if writeback else ()
            for effect in effects:
                run_effect(effect, arrays)
            if writes:
                write_back(writes)
            for path, out_index, value in rebinds:
                path.write(value if out_index is None else np.array(arrays[out_index]))
            outs = arrays[:n] if jax_out else [f(a) for f, a in zip(converters, arrays[:n])]
            for i, leaf in () if jax_out else as_given:
                if isinstance(leaves[leaf], np.ndarray):
                    outs[i] = np.array(outs[i])
            for i, how, leaf in () if jax_out else same:  # after the write-back, as in NumPy
                if isinstance(leaves[leaf], np.ndarray):
                    outs[i] = caller_array(leaves[leaf], how)
            if not plain:
                it = iter(outs)
                outs = [
                    next(it) if s is DYNAMIC else (s.copy() if isinstance(s, np.ndarray) else s)
                    for s in out_static
                ]
            return tree_util.tree_unflatten(out_tree, outs)

        def finish_single(arrays, leaves, jax_out):
            return arrays[0] if jax_out else np.array(arrays[0])

        def finish_single_scalar(arrays, leaves, jax_out):
            return arrays[0] if jax_out else np.array(arrays[0])[()]

        single = single and kinds[0] in ("array", "scalar")
        if single and not (writeback or effects or any(self.big) or rebinds or same):
            one = finish_single_scalar if kinds[0] == "scalar" else finish_single
            if check is None:
                return one

            def finish_single_checked(arrays, leaves, jax_out):
                raise_failed_check(arrays, check)
                return one(arrays, leaves, jax_out)

            return finish_single_checked
        return finish


def _taking_call_rows(finish):
    """``finish`` for a program with host callbacks: the rows the call sent to the host are
    taken out of the shared store first (whether the call then returns or raises) and its
    prints and asserts replay those alone, whatever other threads' calls sent meanwhile."""

    def finish_call(arrays, leaves, jax_out):
        *arrays, call = arrays
        if isinstance(call, jax.core.Tracer):  # inside a JAX transformation: see run_effect
            return finish(arrays, leaves, jax_out)
        with host.replaying(host.take_call(call)):
            return finish(arrays, leaves, jax_out)

    return finish_call


def _has_host_records(graph) -> bool:
    """Whether ``graph`` (or a region in it) sends values to the host while it runs."""
    return any(
        op.prim is host.host_record_p or any(_has_host_records(r) for r in op.regions)
        for op in graph.ops
    )


def raise_failed_check(arrays, check) -> None:
    """Raise the error of the call's failed run-time check, if one failed (see
    :mod:`jitflow.ops.checks`). Inside a JAX transformation nothing can raise: JAX's
    rules apply there (an index out of bounds is clamped)."""
    at, sites = check
    if isinstance(arrays[at], jax.core.Tracer):
        return
    error = checks.failure(arrays[at], sites)
    if error is not None:
        setattr(error, errors.RUN_TIME_CHECK, True)  # shown without jitflow's frames
        raise error


def run_effect(effect, arrays) -> None:
    """A print or assert of traced values, done when the compiled call has returned."""
    kind, items, extra = effect
    if any(how == "out" and isinstance(arrays[x], jax.core.Tracer) for how, x in items):
        raise errors.UnsupportedError(
            f"A jitflow function that prints or asserts traced values ({kind}) was called "
            "inside a JAX transformation (jax.jit, jax.grad, ...), where its values do not "
            "exist yet. Call it outside the transformation, or use jax.debug.print there."
        )
    values = [np.asarray(arrays[x]) if how == "out" else x for how, x in items]
    run_time_effects.run(kind, values, extra)


_ZERO_COPY_BYTES = 1 << 20


class _BufferOwner:
    """Keeps an XLA output buffer alive for as long as a NumPy array views it."""

    __slots__ = ("__array_interface__", "array")


def _writable_view(a):
    """A large result as a writable NumPy array over its XLA buffer, without a copy.

    ``np.asarray`` of a ``jax.Array`` on the CPU is a read-only view and ``np.array`` a
    copy (1.1 ms for 16 MB, more with page faults). The buffer of a fresh result belongs to
    this call alone: XLA gives every output its own buffer (never an argument's or a
    constant's) and jitflow keeps no reference to it, so NumPy may own and write it. The
    array must be complete first (``block_until_ready``). Other devices copy to the host.
    """
    if next(iter(a.devices())).platform != "cpu":
        return to_numpy(a)
    a.block_until_ready()
    owner = _BufferOwner()
    owner.array = a
    owner.__array_interface__ = {
        "data": (a.unsafe_buffer_pointer(), False),
        "shape": a.shape,
        "typestr": np.dtype(a.dtype).str,
        "version": 3,
    }
    return np.asarray(owner)


def to_numpy(a):
    """A writable NumPy array (a NumPy scalar for 0-d results, as NumPy returns)."""
    out = np.array(a)
    return out if out.ndim else out[()]


# Per result kind (jitflow.tracer.trace.result_kind): how a result array is returned.
_CONVERTERS = {"array": np.array, "scalar": to_numpy, "python": lambda a: np.asarray(a).item()}
