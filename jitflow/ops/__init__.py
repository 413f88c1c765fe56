"""The primitives, by family, and the NumPy functions composed of them.

Primitive families (shape/dtype rule and lowering rule side by side):
``constants``, ``elementwise``, ``shape``, ``reduce``, ``linalg``, ``control_flow``.
NumPy layer (compositions of primitives): ``ufuncs``, ``reductions``,
``shape_functions``, ``indexing``, ``ufunc_at``, ``sorting`` (its own ``sort`` primitive
too), ``composites``, ``special_functions`` (sinc, piecewise), ``take`` (and the NumPy
functions in ``linalg``).

Importing this package registers all of them; the check at the end fails the import if a
primitive lacks a rule.
"""

from jitflow.ops import constants, control_flow, elementwise, linalg, reduce, shape  # noqa: F401
from jitflow.ops import indexing, reductions, shape_functions, ufunc_at, ufuncs  # noqa: F401
from jitflow.ops import composites, sorting, take  # noqa: F401
from jitflow.ops import fft, signal, special_functions, ufunc_reduce  # noqa: F401
from jitflow.ops import differences, lapack, linalg_functions  # noqa: F401
from jitflow.tracer.ir import check_rules

check_rules()
