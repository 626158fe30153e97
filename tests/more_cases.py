"""The shared machinery of the ``test_surface_more_*`` modules.

Each module defines cases written against a module ``m`` (ferrograd in the tests; torch in
``tools/record_torch_values.py``, which recorded the modules' ``EXPECTED`` values and checked
their ``ERRORS`` against PyTorch):

* ``CASES = {name: lambda m: ...}`` and ``EXPECTED = {name: PyTorch's result}``, a result
  being ``(dtype name, nested list)`` for a tensor (``(dtype name, [], shape)`` for an empty
  one) and a list of results for a tuple;
* ``ERRORS = {name: (lambda m: ..., exception class name, message pattern)}``;
* ``GRADS = {name: (function of tensors, [NumPy inputs])}`` for ``gradcheck`` and
  ``gradgradcheck`` in float64, and forward-mode tangents against central differences.
"""

from __future__ import annotations

import builtins
import math

import numpy as np

import ferrograd as fg
import ferrograd.autograd.forward_ad as fwAD
from ferrograd.autograd import gradcheck, gradgradcheck

inf, nan = math.inf, math.nan


def assert_matches(got, expected, name: str = "") -> None:
    """``got`` (a ferrograd result) equals PyTorch's recorded ``expected``: the same dtype and
    shape, integers and bools exactly, floats to a relative 1e-5 (float32) or 1e-7 (float64)."""
    if isinstance(got, fg.Tensor):
        dtype, values, *shape = expected  # the shape is recorded for empty tensors
        assert got.dtype.name == dtype, f"{name}: dtype {got.dtype.name} != {dtype}"
        array = got.detach().cpu().numpy()
        want = np.asarray(values, dtype=array.dtype).reshape(shape[0] if shape else -1)
        want = want if shape else np.asarray(values, dtype=array.dtype)
        assert array.shape == want.shape, f"{name}: shape {array.shape} != {want.shape}"
        if array.dtype.kind == "f":
            rtol = 1e-5 if array.dtype == np.float32 else 1e-7
            np.testing.assert_allclose(array, want, rtol=rtol, atol=1e-6 * rtol, err_msg=name)
        else:
            np.testing.assert_array_equal(array, want, err_msg=name)
    elif isinstance(got, (tuple, list)):
        assert len(got) == len(expected), f"{name}: {len(got)} results != {len(expected)}"
        for i, (g, e) in enumerate(zip(got, expected, strict=True)):
            assert_matches(g, e, f"{name}[{i}]")
    elif isinstance(got, fg.dtype):
        assert got.name == expected, f"{name}: {got} != {expected}"
    elif isinstance(got, float) and math.isnan(got):
        assert math.isnan(expected), f"{name}: {got} != {expected}"
    elif isinstance(got, float):  # recorded to 8 significant digits
        assert math.isclose(got, expected, rel_tol=1e-7), f"{name}: {got} != {expected}"
    else:
        assert got == expected, f"{name}: {got!r} != {expected!r}"


def check_error(case, kind: str, pattern: str) -> None:
    import pytest

    with pytest.raises(getattr(builtins, kind), match=pattern):
        case(fg)


def check_grads(function, arrays) -> None:
    inputs = tuple(
        fg.tensor(np.asarray(a, dtype=np.float64), dtype=fg.float64, requires_grad=True)
        for a in arrays
    )
    assert gradcheck(function, inputs)
    assert gradgradcheck(function, inputs)


def _outputs(result) -> list:
    items = result if isinstance(result, (tuple, list)) else [result]
    return [t for t in items if isinstance(t, fg.Tensor) and t.is_floating_point()]


def check_forward(function, arrays, eps: float = 1e-6) -> None:
    """Forward mode: the tangent of each floating output for random input tangents equals the
    central difference of the function along them."""
    rng = np.random.default_rng(0)
    arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
    tangents = [rng.standard_normal(a.shape) for a in arrays]

    def evaluate(step):
        inputs = [
            fg.tensor(a + step * t, dtype=fg.float64) for a, t in zip(arrays, tangents, strict=True)
        ]
        return [o.numpy().copy() for o in _outputs(function(*inputs))]

    numeric = [(hi - lo) / (2 * eps) for hi, lo in zip(evaluate(eps), evaluate(-eps), strict=True)]
    with fwAD.dual_level():
        duals = [
            fwAD.make_dual(fg.tensor(a, dtype=fg.float64), fg.tensor(t, dtype=fg.float64))
            for a, t in zip(arrays, tangents, strict=True)
        ]
        outputs = _outputs(function(*duals))
        got = []
        for out in outputs:
            _, tangent = fwAD.unpack_dual(out)
            got.append(np.zeros(out.shape) if tangent is None else tangent.numpy().copy())
    for g, n in zip(got, numeric, strict=True):
        np.testing.assert_allclose(g, n, rtol=1e-5, atol=1e-7)
