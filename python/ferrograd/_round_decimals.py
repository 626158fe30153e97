"""``round(decimals=...)``: rounding to a number of decimal places, PyTorch's way.

PyTorch scales by ``10 ** |decimals|`` in the input's type (float32 for float16/bfloat16),
rounds half to even and scales back: ``nearbyint(x * p) / p``, or ``nearbyint(x / p) * p`` for
negative ``decimals``. The same steps here give the same floats (``1.2345`` to 2 places is
``123.45f`` rounded, over 100), and the node is ``RoundBackward1`` with a zero gradient."""

from __future__ import annotations

from ._dtype import float32, float64, kernel_not_implemented


def _zero_gradient(saved, grads):
    from ._creation import zeros_like

    return [zeros_like(grads[0])]


def round_decimals(x, decimals: int):
    """``x`` rounded to ``decimals`` decimal places."""
    from .autograd.grad_mode import no_grad
    from .linalg._common import record

    if not x.is_floating_point():
        # PyTorch's decimals=0 runs its plain kernel, which has another name.
        raise kernel_not_implemented("round_vml_cpu" if decimals == 0 else "round_cpu", x.dtype)
    scale = 10.0 ** abs(decimals)
    with no_grad():
        work = x if x.dtype in (float32, float64) else x.to(float32)
        up = decimals > 0
        rounded = (work * scale).round() / scale if up else (work / scale).round() * scale
        rounded = rounded.to(x.dtype)
    (out,) = record("RoundBackward1", _zero_gradient, [x], [rounded])
    return out
