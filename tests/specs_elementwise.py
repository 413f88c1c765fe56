"""Op specs for NumPy's ufuncs (elementwise family)."""

import numpy as np

from opspec import ALL, FLOATS, NUMERIC, OpSpec, positive_input, unit_input

SPECS = [
    OpSpec("add", lambda x, y: np.add(x, y), 2),
    OpSpec("multiply", lambda x, y: x * y, 2),
    OpSpec("sin", np.sin),
    OpSpec("log", np.log, make=positive_input),
    OpSpec("arcsin", np.arcsin, make=unit_input),
]
