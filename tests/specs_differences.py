"""Op specs for differences and integrals (jitflow/ops/differences.py): np.diff,
np.ediff1d, np.gradient, np.trapezoid, np.cumulative_sum and np.cumulative_prod.

Spec names start with ``diff_`` so ``-k diff_`` runs them all. Shapes run 0-d to 3-D and
empty: NumPy refuses a 0-d diff, a gradient along an axis shorter than edge_order + 1 and
bool subtraction, and the driver then expects a jitflow error.
"""

import numpy as np
from opspec import ALL, FLOATS, NUMERIC, UNARY_SHAPES, OpSpec, default_input, positive_input

FEW = (np.float32, np.int32, np.bool_)
SHAPES = UNARY_SHAPES + [(0,), (3, 0), (1,), (2,)]
TRAP_SHAPES = SHAPES[1:]  # a 0-d y: NumPy raises IndexError, which the driver does not expect
GRAD_SHAPES = UNARY_SHAPES + [(2,), (2, 3), (3, 0)]


def coordinates(rng, shape, dtype):
    """Strictly increasing, unevenly spaced sample points along the last axis."""
    steps = positive_input(rng, shape, dtype)
    return np.cumsum(steps, axis=-1).astype(dtype) if len(shape) else steps


def even_coordinates(rng, shape, dtype):
    """Evenly spaced sample points (NumPy's gradient then takes its uniform branch)."""
    n = shape[-1] if shape else 1
    return np.broadcast_to(np.arange(n) * 3 + 1, shape).astype(dtype)


SPECS = [
    # -- np.diff: n, axis, prepend/append (scalars are broadcast to one slice)
    OpSpec("diff_default", lambda x: np.diff(x), shapes=SHAPES),
    OpSpec("diff_n2_axis0", lambda x: np.diff(x, n=2, axis=0), shapes=SHAPES),
    OpSpec("diff_n0", lambda x: np.diff(x, n=0), dtypes=FEW),
    OpSpec("diff_n_negative", lambda x: np.diff(x, n=-1), dtypes=FEW, shapes=[(5,)]),
    OpSpec("diff_n_large", lambda x: np.diff(x, n=7), dtypes=FEW, shapes=[(5,), (3, 4)]),
    OpSpec("diff_bad_axis", lambda x: np.diff(x, axis=3), dtypes=FEW, shapes=[(5,), (3, 4)]),
    OpSpec("diff_prepend_scalar", lambda x: np.diff(x, prepend=0)),
    OpSpec("diff_append_scalar_float", lambda x: np.diff(x, axis=0, append=1.5)),
    OpSpec("diff_prepend_append_arrays",
           lambda x, p: np.diff(x, axis=-1, prepend=p, append=p), nargs=2,
           shapes=[((5,), (2,)), ((3, 4), (3, 1)), ((2, 3, 4), (2, 3, 2)), ((3, 4), (4, 1))],
           mixed=((np.float32, np.int64), (np.int32, np.float64))),
    # -- np.ediff1d: the flattened differences, to_begin/to_end cast to the input's dtype
    OpSpec("diff_ediff1d", lambda x: np.ediff1d(x), shapes=SHAPES),
    OpSpec("diff_ediff1d_ends", lambda x: np.ediff1d(x, to_end=[7, 8], to_begin=-1),
           shapes=SHAPES),
    OpSpec("diff_ediff1d_float_end", lambda x: np.ediff1d(x, to_end=0.5), dtypes=NUMERIC),
    OpSpec("diff_ediff1d_traced_ends", lambda x, e: np.ediff1d(x, to_begin=e, to_end=e),
           nargs=2, shapes=[((5,), (2,)), ((3, 4), ()), ((0,), (2, 2))],
           mixed=((np.float32, np.int64), (np.int32, np.float64))),
    # -- np.gradient: spacings, edge orders, axes
    OpSpec("diff_gradient", lambda x: np.gradient(x), shapes=GRAD_SHAPES),
    OpSpec("diff_gradient_edge2", lambda x: np.gradient(x, edge_order=2),
           shapes=GRAD_SHAPES + [(3, 4, 2)]),
    OpSpec("diff_gradient_scalar_dx", lambda x: np.gradient(x, 0.5, edge_order=2),
           dtypes=NUMERIC),
    OpSpec("diff_gradient_per_axis", lambda x: np.gradient(x, 2.0, np.float32(0.25)),
           dtypes=NUMERIC, shapes=[(3, 4), (5,), (2, 3, 4)]),
    OpSpec("diff_gradient_axis", lambda x: np.gradient(x, 3, axis=-1), dtypes=NUMERIC),
    OpSpec("diff_gradient_axes", lambda x: np.gradient(x, axis=(0, -1), edge_order=2),
           dtypes=NUMERIC, shapes=[(3, 4), (2, 3, 4)]),
    OpSpec("diff_gradient_bad_edge", lambda x: np.gradient(x, edge_order=3), dtypes=FEW,
           shapes=[(5,)]),
    OpSpec("diff_gradient_traced_dx", lambda x, h: np.gradient(x, h, edge_order=2), nargs=2,
           shapes=[((5,), ()), ((3, 4), ())], make=(default_input, positive_input),
           dtypes=FLOATS, mixed=((np.float32, np.float64), (np.int32, np.float32))),
    OpSpec("diff_gradient_coords", lambda f, x: np.gradient(f, x, axis=-1), nargs=2,
           shapes=[((5,), (5,)), ((3, 4), (4,)), ((2, 3, 4), (4,)), ((3, 4), (3,)),
                   ((3, 2), (2,)), ((4,), (2, 2))],
           make=(default_input, coordinates), dtypes=NUMERIC,
           mixed=((np.float32, np.float64), (np.float64, np.int32))),
    OpSpec("diff_gradient_coords_edge2",
           lambda f, x: np.gradient(f, x, edge_order=2, axis=0), nargs=2,
           shapes=[((5,), (5,)), ((4, 3), (4,)), ((2, 3), (2,))],
           make=(default_input, coordinates), dtypes=NUMERIC),
    OpSpec("diff_gradient_even_coords",
           lambda f, x: np.gradient(f, x, edge_order=2, axis=-1), nargs=2,
           shapes=[((5,), (5,)), ((3, 4), (4,))], make=(default_input, even_coordinates),
           dtypes=NUMERIC, mixed=((np.float32, np.float64),)),
    OpSpec("diff_gradient_static_coords",
           lambda f: np.gradient(f, [0.0, 1.0, 1.5, 3.5, 4.0][:f.shape[0]], axis=0),
           shapes=[(5,), (3, 4), (4, 2)]),
    OpSpec("diff_gradient_mixed_spacing",
           lambda f, x: np.gradient(f, 2.0, x), nargs=2,
           shapes=[((3, 4), (4,)), ((3, 5), (5,))], make=(default_input, coordinates),
           dtypes=FLOATS),
    OpSpec("diff_gradient_wrong_count", lambda f, x: np.gradient(f, x, x, x), nargs=2,
           shapes=[((3, 4), (4,))], dtypes=FLOATS),
    # -- np.trapezoid: spacing dx, sample points x (1-D or full), axis
    OpSpec("diff_trapezoid", lambda y: np.trapezoid(y), shapes=TRAP_SHAPES),
    OpSpec("diff_trapezoid_dx_axis", lambda y: np.trapezoid(y, dx=0.5, axis=0),
           shapes=TRAP_SHAPES),
    OpSpec("diff_trapezoid_x", lambda y, x: np.trapezoid(y, x), nargs=2,
           shapes=[((5,), (5,)), ((3, 4), (4,)), ((3, 4), (3, 4)), ((2, 3, 4), (4,)),
                   ((3, 4), (5,))],
           make=(default_input, coordinates), dtypes=NUMERIC,
           mixed=((np.float32, np.float64), (np.int32, np.float32))),
    OpSpec("diff_trapezoid_x_axis0", lambda y, x: np.trapezoid(y, x, axis=0), nargs=2,
           shapes=[((5,), (5,)), ((4, 3), (4,)), ((2, 3, 4), (2,))],
           make=(default_input, coordinates), dtypes=FLOATS),
    # -- np.cumulative_sum / np.cumulative_prod (the array-API names), include_initial
    OpSpec("diff_cumulative_sum", lambda x: np.cumulative_sum(x), dtypes=ALL,
           shapes=[(), (5,), (0,), (3, 4)]),
    OpSpec("diff_cumulative_sum_axis_initial",
           lambda x: np.cumulative_sum(x, axis=-1, include_initial=True), shapes=SHAPES),
    OpSpec("diff_cumulative_prod_initial",
           lambda x: np.cumulative_prod(x, axis=0, include_initial=True), shapes=SHAPES),
    OpSpec("diff_cumulative_prod_dtype",
           lambda x: np.cumulative_prod(x, axis=0, dtype=np.float32), dtypes=FEW),
    OpSpec("diff_cumulative_sum_bool_dtype",
           lambda x: np.cumulative_sum(x, dtype=bool, include_initial=True), dtypes=FEW,
           shapes=[(5,), (0,)]),
    # NumPy's IndexError (a 0-d array has no axis to integrate along): a jitflow error too
    OpSpec("diff_trapezoid_0d", lambda x: np.trapezoid(x), shapes=[()], dtypes=FEW),
]
