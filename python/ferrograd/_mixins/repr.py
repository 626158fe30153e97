"""Printing tensors the way PyTorch does: ``tensor([1., 2.], requires_grad=True)``."""

import numpy as np

_DEFAULT_DTYPES = ("float32", "int64", "bool")


def _float_formatter(values: np.ndarray):
    finite = values[np.isfinite(values)]
    magnitude = np.abs(finite)
    if finite.size and np.all(finite == np.round(finite)) and magnitude.max() < 1e8:
        body = "{:.0f}.".format
    elif finite.size and (
        magnitude.max() >= 1e8 or (magnitude[magnitude > 0].min(initial=1.0) < 1e-4)
    ):
        body = "{:.4e}".format
    else:
        body = "{:.4f}".format

    def text(v) -> str:
        return str(v) if not np.isfinite(v) else body(v)

    width = max((len(text(v)) for v in values.flat), default=0)
    return lambda v: text(v).rjust(width)


def format_tensor(t) -> str:
    array = t._numpy()
    dtype = t._dtype
    suffixes = []
    if array.size == 0:
        body = "[]"
        if array.shape != (0,):
            suffixes.append(f"size={tuple(array.shape)}")
    else:
        formatter = {"float_kind": _float_formatter(array)} if array.dtype.kind == "f" else None
        body = np.array2string(
            array,
            separator=", ",
            prefix="tensor(",
            formatter=formatter,
            threshold=1000,
            edgeitems=3,
            max_line_width=80,
        )
    if t._device != "cpu":
        suffixes.append(f"device='{t._device}'")
    if dtype not in _DEFAULT_DTYPES:
        suffixes.append(f"dtype=ferrograd.{dtype}")
    grad_fn = t._grad_fn
    if grad_fn is not None:
        suffixes.append(f"grad_fn=<{grad_fn.name()}>")
    elif t._requires_grad:
        suffixes.append("requires_grad=True")
    return "tensor(" + ", ".join([body, *suffixes]) + ")"


class ReprMixin:
    __slots__ = ()

    def __repr__(self) -> str:
        return format_tensor(self)

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        if self.ndim == 0 and spec:
            return format(self.item(), spec)
        return repr(self)
