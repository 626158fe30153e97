"""``ferrograd.testing``: ``assert_close`` and ``make_tensor``, as ``torch.testing`` has them.

``assert_close(actual, expected)`` compares tensors, NumPy arrays, Python numbers, ``None``
and sequences and mappings of them (recursively), element by element with
``|actual - expected| <= atol + rtol * |expected|``. Without ``rtol``/``atol`` the tolerances
are PyTorch's defaults for the dtype (float32: 1.3e-6 and 1e-5, float64: 1e-7 and 1e-7;
integers and bools must be equal). A failure raises ``AssertionError`` with PyTorch's report:
how many elements differ and the greatest absolute and relative differences, with their
indices.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence

import numpy as np

from ._base import TensorBase

__all__ = ["assert_close", "make_tensor"]

#: (rtol, atol) by dtype name; any other dtype compares exactly.
_TOLERANCES = {
    "float16": (1e-3, 1e-5),
    "bfloat16": (1.6e-2, 1e-5),
    "float32": (1.3e-6, 1e-5),
    "float64": (1e-7, 1e-7),
}


class _Mismatch(AssertionError):
    """A comparison that failed, with where in the inputs it happened."""

    def __init__(self, message: str, path: str = ""):
        super().__init__(message)
        self.message, self.path = message, path


def _tolerances(dtypes, rtol, atol):
    if rtol is not None and atol is not None:
        return rtol, atol
    defaults = [_TOLERANCES.get(name, (0.0, 0.0)) for name in dtypes]
    return max(r for r, _ in defaults), max(a for _, a in defaults)


def _differences(actual: np.ndarray, expected: np.ndarray):
    if actual.dtype.kind in "biu" and expected.dtype.kind in "biu":
        a, e = actual.astype(np.int64), expected.astype(np.int64)
        absolute = np.abs(a - e)
        with np.errstate(divide="ignore", invalid="ignore"):
            relative = absolute / np.abs(e).astype(np.float64)
        return absolute, relative
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        absolute = np.abs(actual - expected)
        relative = absolute / np.abs(expected)
    return absolute, relative


def _close(actual, expected, rtol, atol, equal_nan) -> np.ndarray:
    if actual.dtype.kind in "biu" and expected.dtype.kind in "biu" and rtol == atol == 0:
        return actual == expected
    a, e = actual.astype(np.float64), expected.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        close = (a == e) | (np.abs(a - e) <= atol + rtol * np.abs(e))
    close &= np.isfinite(a) | (a == e)
    if equal_nan:
        close |= np.isnan(a) & np.isnan(e)
    return close


def _number(value):
    value = value.item() if isinstance(value, np.generic) else value
    return value


def _compare_arrays(actual: np.ndarray, expected: np.ndarray, rtol, atol, equal_nan, scalar):
    close = _close(actual, expected, rtol, atol, equal_nan)
    if close.all():
        return
    exact = rtol == 0 and atol == 0
    kind = "equal" if exact else "close"
    absolute, relative = _differences(actual, expected)
    if scalar:
        lines = [
            f"Scalars are not {kind}!",
            "",
            f"Expected {_number(expected.reshape(()).item())} but got "
            f"{_number(actual.reshape(()).item())}.",
            f"Absolute difference: {_number(absolute.reshape(()).item())}"
            + ("" if exact else f" (up to {atol} allowed)"),
            f"Relative difference: {_number(relative.reshape(()).item())}"
            + ("" if exact else f" (up to {rtol} allowed)"),
        ]
        raise _Mismatch("\n".join(lines))
    # Only the mismatched elements count for the greatest differences.
    absolute, relative = np.where(close, 0, absolute), np.where(close, 0, relative)
    total = actual.size
    wrong = int(total - close.sum())
    at_abs = np.unravel_index(int(np.argmax(absolute)), actual.shape)
    at_rel = np.unravel_index(int(np.argmax(relative)), actual.shape)
    lines = [
        f"Tensor-likes are not {kind}!",
        "",
        f"Mismatched elements: {wrong} / {total} ({100.0 * wrong / total:.1f}%)",
        f"Greatest absolute difference: {_number(absolute[at_abs])} at index "
        f"{tuple(int(i) for i in at_abs)}" + ("" if exact else f" (up to {atol} allowed)"),
        f"Greatest relative difference: {_number(relative[at_rel])} at index "
        f"{tuple(int(i) for i in at_rel)}" + ("" if exact else f" (up to {rtol} allowed)"),
    ]
    raise _Mismatch("\n".join(lines))


def _attribute(name: str, a, e):
    raise _Mismatch(f"The values for attribute '{name}' do not match: {a} != {e}.")


def _compare_tensors(actual, expected, *, rtol, atol, equal_nan, check_device, check_dtype):
    if actual.shape != expected.shape:
        _attribute("shape", actual.shape, expected.shape)
    if check_device and actual.device != expected.device:
        _attribute("device", actual.device, expected.device)
    if check_dtype and actual.dtype != expected.dtype:
        _attribute("dtype", actual.dtype, expected.dtype)
    rtol, atol = _tolerances({actual.dtype.name, expected.dtype.name}, rtol, atol)
    a = actual.detach().cpu().numpy()
    e = expected.detach().cpu().numpy()
    _compare_arrays(a, e, rtol, atol, equal_nan, scalar=actual.ndim == 0)


def _compare_numpy(actual, expected, *, rtol, atol, equal_nan, check_dtype, **_):
    if actual.shape != expected.shape:
        _attribute("shape", actual.shape, expected.shape)
    if check_dtype and actual.dtype != expected.dtype:
        _attribute("dtype", actual.dtype, expected.dtype)
    rtol, atol = _tolerances({actual.dtype.name, expected.dtype.name}, rtol, atol)
    _compare_arrays(actual, expected, rtol, atol, equal_nan, scalar=actual.ndim == 0)


def _is_number(value) -> bool:
    return isinstance(value, (numbers.Number, np.number)) and not isinstance(
        value, (bool, np.bool_)
    )


def _compare(actual, expected, options, path: str):
    try:
        _compare_pair(actual, expected, options, path)
    except _Mismatch as e:
        if not e.path:
            e.path = path
        raise


def _compare_pair(actual, expected, options, path):
    if actual is None or expected is None:
        if actual is not expected:
            raise _Mismatch(f"None mismatch: {actual} is not {expected}")
        return
    if isinstance(actual, (bool, np.bool_)) and isinstance(expected, (bool, np.bool_)):
        if bool(actual) != bool(expected):
            raise _Mismatch(f"Booleans mismatch: {actual} is not {expected}")
        return
    if _is_number(actual) and _is_number(expected):
        both_int = isinstance(actual, numbers.Integral) and isinstance(expected, numbers.Integral)
        dtype = np.int64 if both_int else np.float64
        rtol, atol = _tolerances(
            {"int64" if both_int else "float64"}, options["rtol"], options["atol"]
        )
        _compare_arrays(
            np.asarray(actual, dtype=dtype),
            np.asarray(expected, dtype=dtype),
            rtol,
            atol,
            options["equal_nan"],
            scalar=True,
        )
        return
    if isinstance(actual, TensorBase) and isinstance(expected, TensorBase):
        _compare_tensors(actual, expected, **options)
        return
    if isinstance(actual, np.ndarray) and isinstance(expected, np.ndarray):
        _compare_numpy(actual, expected, **options)
        return
    if isinstance(actual, Mapping) and isinstance(expected, Mapping):
        missing = [k for k in expected if k not in actual]
        extra = [k for k in actual if k not in expected]
        if missing or extra:
            raise _Mismatch(
                "The keys of the mappings do not match:\n"
                f"Missing keys in the actual mapping: {sorted(missing, key=repr)}\n"
                f"Additional keys in the actual mapping: {sorted(extra, key=repr)}"
            )
        for key in expected:
            _compare(actual[key], expected[key], options, f"{path}[{key!r}]")
        return
    if _is_sequence(actual) and _is_sequence(expected):
        if len(actual) != len(expected):
            raise _Mismatch(
                f"The length of the sequences mismatch: {len(actual)} != {len(expected)}"
            )
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            _compare(a, e, options, f"{path}[{i}]")
        return
    raise TypeError(
        f"No comparison pair was able to handle inputs of type {type(actual)} and {type(expected)}."
    )


def _is_sequence(value) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes))


def assert_close(
    actual,
    expected,
    *,
    allow_subclasses: bool = True,
    rtol=None,
    atol=None,
    equal_nan: bool = False,
    check_device: bool = True,
    check_dtype: bool = True,
    check_layout: bool = True,
    check_stride: bool = False,
    msg=None,
):
    """Raises ``AssertionError`` unless ``actual`` and ``expected`` are close (see the
    module's docstring). ``msg``, a string or a function of the generated message, replaces
    the message."""
    if (rtol is None) != (atol is None):
        missing = "atol" if atol is None else "rtol"
        raise ValueError(
            f"Both 'rtol' and 'atol' must be either specified or omitted, but got no {missing}."
        )
    options = {
        "rtol": rtol,
        "atol": atol,
        "equal_nan": equal_nan,
        "check_device": check_device,
        "check_dtype": check_dtype,
    }
    try:
        _compare(actual, expected, options, "")
    except _Mismatch as e:
        message = e.message
        if e.path:
            message += f"\n\nThe failure occurred for item {e.path}"
        if callable(msg):
            message = msg(message)
        elif msg is not None:
            message = msg
        raise AssertionError(message) from None


def make_tensor(
    *shape,
    dtype,
    device=None,
    low=None,
    high=None,
    requires_grad: bool = False,
    noncontiguous: bool = False,
    exclude_zero: bool = False,
    memory_format=None,
):
    """A tensor of ``shape`` with values drawn uniformly from ``[low, high)`` (defaults: -9 to
    9, clamped to the dtype; bools are random), from the global generator."""
    from ._creation import tensor
    from ._dtype import to_dtype
    from ._ops_attributes import finfo
    from .utils.data.generator import _default_rng

    if len(shape) == 1 and isinstance(shape[0], Sequence):
        shape = tuple(shape[0])
    d = to_dtype(dtype)
    rng = _default_rng()
    if d.name == "bool":
        values = rng.random(shape) < 0.5
    else:
        lo = -9 if low is None else low
        hi = 9 if high is None else high
        if lo > hi:
            raise ValueError(f"low ({lo}) must be less than or equal to high ({hi})")
        if d.is_floating_point:
            values = rng.uniform(lo, hi, shape) if hi > lo else np.full(shape, lo)
            if exclude_zero:
                values[values == 0] = finfo(d).tiny
        else:
            lo, hi = math.ceil(lo), math.floor(hi)
            values = rng.integers(lo, hi, shape, endpoint=hi == lo) if hi >= lo else None
            if exclude_zero:
                values[values == 0] = 1 if hi > 1 else -1
    out = tensor(np.asarray(values, dtype=d.numpy), dtype=d, device=device)
    if noncontiguous and out.numel() > 1:
        out = out.repeat_interleave(2, dim=-1)[..., ::2]
    if requires_grad:
        out.requires_grad_(True)
    return out
