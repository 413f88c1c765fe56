"""Op specs for np.interp, np.convolve, np.correlate and np.histogram (jitflow/ops/signal.py).

interp gets sorted, distinct sample points (traced, and static ones made inside the
function); x covers points outside both ends and exactly on the sample points.
"""

import numpy as np
from opspec import ALL, FLOATS, NUMERIC, OpSpec, default_input

FEW = (np.float32, np.int64)


def sorted_input(rng, shape, dtype):
    """Distinct increasing sample points in about [-3, 3] (NumPy needs them sorted)."""
    n = int(np.prod(shape))
    steps = rng.integers(1, 4, size=n).astype(np.float64)
    return (np.cumsum(steps) - n - 1).reshape(shape).astype(dtype)


def probe_input(rng, shape, dtype):
    """Points in [-6, 6]: outside both ends, and whole numbers that hit sample points."""
    x = rng.uniform(-6, 6, size=shape)
    x = np.where(rng.random(shape) < 0.3, np.round(x), x)
    return x.astype(dtype)


XP = np.array([-2.0, -0.5, 0.0, 1.5, 4.0])
INTERP3 = [((), (5,), (5,)), ((7,), (5,), (5,)), ((3, 4), (5,), (5,)), ((2, 3, 4), (1,), (1,)),
           ((4,), (0,), (0,)), ((4,), (5,), (4,)), ((4,), (2, 3), (2, 3))]
CONV = [((5,), (3,)), ((3,), (5,)), ((6,), (6,)), ((1,), (4,)), ((7,), (1,)), ((), (3,)),
        ((0,), (3,)), ((3, 2), (2,))]
HIST = [(), (7,), (3, 4), (2, 3, 4), (0,)]

SPECS = [
    # -- interp: float64 out; left/right; x on and outside the sample points
    OpSpec("interp", lambda x, xp, fp: np.interp(x, xp, fp), nargs=3, shapes=INTERP3,
           make=(probe_input, sorted_input, default_input), dtypes=ALL),
    OpSpec("interp_left_right", lambda x, xp, fp: np.interp(x, xp, fp, left=-9.0, right=7),
           nargs=3, shapes=INTERP3[:4], make=(probe_input, sorted_input, default_input),
           dtypes=FEW, mixed=((np.float32, np.float64, np.int32),)),
    OpSpec("interp_static_xp", lambda x: np.interp(x, XP, XP ** 2, right=np.nan),
           make=probe_input, dtypes=NUMERIC),
    # xp made inside: a global XP is read at each call (a traced array), which period= refuses
    OpSpec("interp_period", lambda x: np.interp(x, np.array([-2.0, -0.5, 0.0, 1.5, 4.0]),
                                                np.array([-2.0, -0.5, 0.0, 1.5, 4.0]),
                                                period=3.0), dtypes=FEW),
    # -- convolve / correlate: the longer operand is the signal, NumPy's dtypes
    OpSpec("convolve", lambda a, v: np.convolve(a, v), nargs=2, shapes=CONV, dtypes=ALL,
           mixed=((np.int32, np.float32), (np.bool_, np.int64))),
    OpSpec("convolve_same", lambda a, v: np.convolve(a, v, mode="same"), nargs=2,
           shapes=CONV, dtypes=FEW),
    OpSpec("convolve_valid", lambda a, v: np.convolve(a, v, "valid"), nargs=2, shapes=CONV,
           dtypes=FEW),
    OpSpec("correlate", lambda a, v: np.correlate(a, v), nargs=2, shapes=CONV, dtypes=ALL),
    OpSpec("correlate_same", lambda a, v: np.correlate(a, v, mode="same"), nargs=2,
           shapes=CONV, dtypes=FEW),
    OpSpec("correlate_full", lambda a, v: np.correlate(a, v, "full"), nargs=2, shapes=CONV,
           dtypes=FEW, mixed=((np.int32, np.float64),)),
    OpSpec("convolve_bad_mode", lambda a, v: np.convolve(a, v, "middle"), nargs=2,
           shapes=CONV[:1], dtypes=FEW),
    # -- histogram: counts int64 (weights: the weights' dtype), edges NumPy's
    OpSpec("histogram_range", lambda a: np.histogram(a, bins=4, range=(-2, 2.5)),
           shapes=HIST),
    OpSpec("histogram_auto", lambda a: np.histogram(a), shapes=HIST, make=probe_input),
    OpSpec("histogram_auto_const", lambda a: np.histogram(a * 0 + 1, bins=3),
           shapes=HIST[:3], dtypes=FEW),
    OpSpec("histogram_edges", lambda a: np.histogram(a, bins=[-3, -1, 0, 0.5, 3]),
           shapes=HIST, dtypes=NUMERIC),
    OpSpec("histogram_weights", lambda a, w: np.histogram(a, 5, (-3, 3), weights=w),
           nargs=2, shapes=[((7,), (7,)), ((3, 4), (3, 4)), ((3,), (4,))], dtypes=NUMERIC),
    OpSpec("histogram_density", lambda a: np.histogram(a, bins=6, range=(-3, 3),
                                                       density=True),
           shapes=HIST[1:4], dtypes=FLOATS),
    OpSpec("histogram_bad_range", lambda a: np.histogram(a, bins=3, range=(2, 1)),
           shapes=HIST[1:2], dtypes=FEW),
]
