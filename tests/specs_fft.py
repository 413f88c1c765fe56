"""Op specs for the discrete Fourier transforms (jitflow/ops/fft.py).

FFTs sum many products, so float32 specs get a looser tolerance than the default
(``rtol = atol = 1e-4`` on values up to ~50) and the float64/integer ones (complex128
results) ``1e-10``: :func:`fft_specs` makes both specs from one function. NumPy 2's
dtypes are checked exactly: complex64 for float32, complex128 for float64, ints and bools,
and the real counterpart for the inverse real transforms.

The 1-D transforms of a 0-d array make NumPy raise IndexError (which the driver does not
treat as a refusal), so their 0-d error cases pass ``n``, which makes it an AxisError.
"""

import numpy as np
from opspec import FLOATS, OpSpec

WIDE = (np.float64, np.int32, np.int64, np.bool_)
COMPLEX = (np.complex64, np.complex128)
SHAPES_1D_UP = [(5,), (3, 4), (2, 3, 4)]
SHAPES_2D_UP = [(3, 4), (2, 3, 4)]
ALL_SHAPES = [(), (5,), (3, 4), (2, 3, 4)]
EMPTY_SHAPES = [(0, 3), (3, 0)]


def complex_input(rng, shape, dtype):
    """Complex values with both parts in [-3, 3]."""
    re, im = rng.uniform(-3, 3, size=shape), rng.uniform(-3, 3, size=shape)
    return (re + 1j * im).astype(dtype)


def fft_specs(name, fn, shapes=SHAPES_1D_UP, wide=WIDE, complex_too=True):
    """float32 with FFT tolerances, the wide dtypes with tight ones, complex inputs too."""
    specs = [
        OpSpec(f"{name}_f32", fn, dtypes=(np.float32,), shapes=shapes, rtol=1e-4, atol=1e-4),
        OpSpec(name, fn, dtypes=wide, shapes=shapes, rtol=1e-10, atol=1e-10),
    ]
    if complex_too:
        specs.append(OpSpec(f"{name}_complex", fn, dtypes=COMPLEX, shapes=shapes,
                            make=complex_input, rtol=1e-4, atol=1e-4))
    return specs


def error_spec(name, fn, shapes=((5,),), dtypes=(np.float32, np.int32)):
    return OpSpec(name, fn, dtypes=dtypes, shapes=list(shapes))


SPECS = [
    # -- fft / ifft: defaults, n (crop, pad), axis, norm
    *fft_specs("fft", lambda x: np.fft.fft(x)),
    *fft_specs("fft_n_crop", lambda x: np.fft.fft(x, n=2)),
    *fft_specs("fft_n_pad_axis0", lambda x: np.fft.fft(x, n=7, axis=0)),
    *fft_specs("fft_axis_mid_ortho", lambda x: np.fft.fft(x, axis=-2, norm="ortho"),
               shapes=SHAPES_2D_UP),
    *fft_specs("fft_norms", lambda x: [np.fft.fft(x, norm=m) for m in
                                       (None, "backward", "ortho", "forward")]),
    *fft_specs("ifft", lambda x: np.fft.ifft(x)),
    *fft_specs("ifft_n_axis0_norms", lambda x: [np.fft.ifft(x, n=6, axis=0, norm=m)
                                                for m in ("backward", "ortho", "forward")]),
    *fft_specs("fft_roundtrip", lambda x: np.fft.ifft(np.fft.fft(x * 2 - 1))),
    # -- rfft / irfft: half spectra, odd and even n, complex rfft refused as NumPy
    *fft_specs("rfft", lambda x: np.fft.rfft(x), complex_too=False),
    *fft_specs("rfft_n_odd_even", lambda x: [np.fft.rfft(x, n=n, axis=0) for n in (3, 4, 8)],
               complex_too=False),
    *fft_specs("rfft_norms", lambda x: [np.fft.rfft(x, norm=m) for m in ("ortho", "forward")],
               complex_too=False),
    OpSpec("rfft_complex_refused", lambda x: np.fft.rfft(x), dtypes=COMPLEX, shapes=[(4,)],
           make=complex_input),
    *fft_specs("irfft", lambda x: np.fft.irfft(x)),
    *fft_specs("irfft_n", lambda x: [np.fft.irfft(x, n=n) for n in (1, 5, 6, 12)]),
    *fft_specs("irfft_axis0_norms", lambda x: [np.fft.irfft(x, axis=0, norm=m)
                                               for m in ("ortho", "forward")],
               shapes=SHAPES_2D_UP),
    *fft_specs("rfft_roundtrip", lambda x: np.fft.irfft(np.fft.rfft(x), n=x.shape[-1]),
               complex_too=False),
    # -- 2-D and n-D: s, axes (repeated too), norm, 0-d fftn returns its input
    *fft_specs("fft2", lambda x: np.fft.fft2(x), shapes=SHAPES_2D_UP),
    *fft_specs("ifft2_s_norm", lambda x: np.fft.ifft2(x, s=(4, 2), norm="ortho"),
               shapes=SHAPES_2D_UP),
    *fft_specs("rfft2", lambda x: np.fft.rfft2(x), shapes=SHAPES_2D_UP, complex_too=False),
    *fft_specs("irfft2", lambda x: np.fft.irfft2(x, norm="forward"), shapes=SHAPES_2D_UP),
    *fft_specs("fftn", lambda x: np.fft.fftn(x), shapes=ALL_SHAPES),
    *fft_specs("fftn_axes_s", lambda x: np.fft.fftn(x, s=(3, -1), axes=(-1, 0)),
               shapes=SHAPES_2D_UP),
    *fft_specs("fftn_axes_twice", lambda x: np.fft.fftn(x, axes=(0, 0, -1), norm="ortho"),
               shapes=SHAPES_2D_UP),
    *fft_specs("fftn_four_axes", lambda x: np.fft.fftn(x[None], norm="forward"),
               shapes=[(2, 3, 4)]),
    *fft_specs("ifftn", lambda x: np.fft.ifftn(x, axes=(1, 0)), shapes=SHAPES_2D_UP),
    *fft_specs("fftn_no_axes", lambda x: np.fft.fftn(x, axes=()), shapes=SHAPES_1D_UP),
    *fft_specs("rfftn", lambda x: np.fft.rfftn(x), shapes=SHAPES_1D_UP, complex_too=False),
    *fft_specs("rfftn_s_axes", lambda x: np.fft.rfftn(x, s=(5, 4), axes=(0, -1)),
               shapes=SHAPES_2D_UP, complex_too=False),
    *fft_specs("rfftn_axes_twice", lambda x: np.fft.rfftn(x, axes=(1, 0, 1)),
               shapes=SHAPES_2D_UP, complex_too=False),
    *fft_specs("irfftn", lambda x: np.fft.irfftn(x), shapes=SHAPES_1D_UP),
    *fft_specs("irfftn_s_axes", lambda x: np.fft.irfftn(x, s=(3, 7), axes=(-1, 0),
                                                        norm="ortho"),
               shapes=SHAPES_2D_UP),
    *fft_specs("irfftn_axes_twice", lambda x: np.fft.irfftn(x, axes=(0, 1, 0)),
               shapes=SHAPES_2D_UP),
    *fft_specs("rfftn_roundtrip", lambda x: np.fft.irfftn(np.fft.rfftn(x), s=x.shape),
               shapes=SHAPES_1D_UP, complex_too=False),
    # -- empty arrays: other axes empty (a zero-size result) or the transformed one padded
    *fft_specs("fft_empty_other_axis", lambda x: np.fft.fft(x, axis=-1 if x.shape[-1] else 0),
               shapes=EMPTY_SHAPES),
    *fft_specs("fft_empty_padded", lambda x: np.fft.fft(x, n=4, axis=0), shapes=[(0, 3)]),
    *fft_specs("rfft2_empty", lambda x: np.fft.rfft2(x, s=(2, 3)), shapes=EMPTY_SHAPES,
               complex_too=False),
    # -- fftshift / ifftshift: every dtype, all axes, one axis, some axes
    OpSpec("fftshift", lambda x: np.fft.fftshift(x), shapes=SHAPES_1D_UP + [(5, 6)]),
    OpSpec("fftshift_axis", lambda x: np.fft.fftshift(x, axes=0), shapes=SHAPES_1D_UP),
    OpSpec("ifftshift", lambda x: np.fft.ifftshift(x), shapes=SHAPES_1D_UP + [(5, 6)]),
    OpSpec("ifftshift_axes", lambda x: np.fft.ifftshift(x, axes=(0, -1)), shapes=SHAPES_2D_UP),
    OpSpec("fftshift_roundtrip", lambda x: np.fft.ifftshift(np.fft.fftshift(np.fft.fft(x))),
           dtypes=(np.float64,), shapes=[(5,), (6,)], rtol=1e-10, atol=1e-10),
    OpSpec("fftshift_0d", lambda x: np.fft.fftshift(x), shapes=[()]),
    # -- errors where NumPy raises: n <= 0, empty axis, bad axis, bad norm, bad s/axes
    error_spec("fft_n_zero", lambda x: np.fft.fft(x, n=0)),
    error_spec("fft_n_negative", lambda x: np.fft.ifft(x, n=-3)),
    error_spec("fft_n_float", lambda x: np.fft.fft(x, n=2.0)),
    error_spec("fft_empty_axis", lambda x: np.fft.fft(x, axis=0), shapes=[(0, 3)]),
    error_spec("irfft_length_one", lambda x: np.fft.irfft(x), shapes=[(1,), (3, 1)]),
    error_spec("rfft_n_zero", lambda x: np.fft.rfft(x, n=0)),
    error_spec("fft_axis_bad", lambda x: np.fft.fft(x, n=4, axis=2), shapes=[(), (5,), (3, 4)]),
    error_spec("irfft_axis_bad", lambda x: np.fft.irfft(x, n=4, axis=-3), shapes=[(5,)]),
    error_spec("fft_norm_bad", lambda x: np.fft.fft(x, norm="sideways")),
    error_spec("ifft_norm_bad", lambda x: np.fft.ifft(x, norm="unitary")),
    error_spec("fftn_norm_bad", lambda x: np.fft.fftn(x, norm="bad"), shapes=[(3, 4)]),
    error_spec("fftn_s_axes_lengths", lambda x: np.fft.fftn(x, s=(2, 2), axes=(0,)),
               shapes=[(3, 4)]),
    error_spec("fftn_axes_bad", lambda x: np.fft.fftn(x, s=(2, 2), axes=(0, 5)),
               shapes=[(3, 4)]),
    error_spec("rfftn_s_zero", lambda x: np.fft.rfftn(x, s=(0, 2), axes=(0, 1)),
               shapes=[(3, 4)]),
    error_spec("irfftn_s_negative", lambda x: np.fft.irfftn(x, s=(2, -2), axes=(0, 1)),
               shapes=[(3, 4)]),
    # NumPy's IndexError for an axis the array lacks: a jitflow error too
    OpSpec("fft_bad_axis", lambda x: np.fft.fft(x, axis=3), shapes=[(2, 3)], dtypes=FLOATS),
]
