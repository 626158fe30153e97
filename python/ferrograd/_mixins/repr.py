"""Printing tensors as PyTorch does: ``tensor([1., 2.], requires_grad=True)``.

PyTorch's rules, which this module follows:

* One format for every element of a tensor, chosen from its finite nonzero values (or, when
  the tensor is summarised, from the values shown): if all are whole numbers they print as
  ``3.``, else with ``precision`` digits after the point; scientific notation is used instead
  when the largest magnitude is above 1e8, the smallest below 1e-4, or the largest over the
  smallest above 1000 (``sci_mode`` True/False forces it on/off). Elements are right-aligned to
  the widest of those values.
* Above ``threshold`` elements the tensor is summarised: each dimension longer than
  ``2 * edgeitems`` shows ``edgeitems`` entries at each end with ``...`` between.
* A row wraps to keep within ``linewidth``; so do the suffixes (``dtype=``, ``grad_fn=``, ...),
  which say what differs from a default tensor: the device when it is not the default one, the
  dtype unless it is the default floating type, int64 or bool (an empty tensor shows any dtype
  but the default floating type, and its size unless it is 1-d), then the autograd history or
  ``requires_grad``, and a forward-mode tangent.
"""

from __future__ import annotations

import math
import sys

import numpy as np

_PROFILES = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": sys.maxsize, "edgeitems": 3, "linewidth": 80},
}
#: What ``set_printoptions`` set: digits after the point, how many elements print in full,
#: how many at each end otherwise, the line width, and scientific notation (None: automatic).
_OPTIONS = {**_PROFILES["default"], "sci_mode": None}


def set_printoptions(
    precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None
):
    """Sets how tensors print, as ``torch.set_printoptions``.

    Args:
        precision: digits after the decimal point (default 4).
        threshold: tensors with more elements than this are summarised (default 1000).
        edgeitems: entries shown at each end of a summarised dimension (default 3).
        linewidth: characters per line before a row wraps (default 80).
        profile: ``'default'``, ``'short'`` (precision 2, edgeitems 2) or ``'full'`` (never
            summarise), applied first; the other arguments given then override it.
        sci_mode: True or False forces scientific notation on or off; None (the default, and
            what every call without it restores) chooses from the values.

    >>> import ferrograd
    >>> ferrograd.set_printoptions(precision=2)
    >>> ferrograd.tensor([1.23456])
    tensor([1.23])
    >>> ferrograd.set_printoptions(profile="default")
    """
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(
                f"Unknown profile {profile!r} for set_printoptions (expected one of "
                f"{', '.join(map(repr, _PROFILES))})"
            )
        _OPTIONS.update(_PROFILES[profile])
    for name, value in (
        ("precision", precision),
        ("threshold", threshold),
        ("edgeitems", edgeitems),
        ("linewidth", linewidth),
    ):
        if value is not None:
            _OPTIONS[name] = value
    _OPTIONS["sci_mode"] = sci_mode


class _ElementFormat:
    """How each element of one tensor prints: one notation and one width for all of them."""

    def __init__(self, shown: np.ndarray):
        self.floating = shown.dtype.kind == "f"
        self.whole = True
        self.scientific = False
        self.width = 1
        if not self.floating:
            self.width = max((len(str(v)) for v in shown.ravel().tolist()), default=1)
            return
        values = shown.ravel()
        values = values[np.isfinite(values) & (values != 0)]
        if values.size == 0:
            return
        magnitude = np.abs(values.astype(np.float64))
        smallest, largest = magnitude.min(), magnitude.max()
        self.whole = bool(np.all(values == np.ceil(values)))
        sci_mode = _OPTIONS["sci_mode"]
        if sci_mode is None:
            self.scientific = bool(largest / smallest > 1000.0 or largest > 1e8 or smallest < 1e-4)
        else:
            self.scientific = bool(sci_mode)
        self.width = max(len(self.text(v)) for v in values.tolist())

    def text(self, value) -> str:
        """``value`` (a Python number) in this notation, unpadded."""
        if not self.floating:
            return str(value)
        if self.scientific:
            return f"{value:.{_OPTIONS['precision']}e}"
        if self.whole:
            return f"{value:.0f}" + ("" if math.isinf(value) or math.isnan(value) else ".")
        return f"{value:.{_OPTIONS['precision']}f}"

    def __call__(self, value) -> str:
        return self.text(value).rjust(self.width)


class _ComplexElementFormat:
    """How each element of a complex tensor prints: its real parts share one format and its
    imaginary parts another, as PyTorch formats them (``-1.1312+2.4717j``)."""

    def __init__(self, shown: np.ndarray):
        self.real = _ElementFormat(shown.real)
        self.imag = _ElementFormat(shown.imag)
        # PyTorch's line budget per element: both widths, the "j" and the separator
        self.width = self.real.width + self.imag.width + 1

    def __call__(self, value) -> str:
        imag = (self.imag(value.imag) + "j").lstrip()
        return self.real(value.real) + (imag if imag[0] in "+-" else "+" + imag)


def _shown_part(array: np.ndarray) -> np.ndarray:
    """The elements a summarised print shows: along each dimension longer than
    ``2 * edgeitems``, the first and last ``edgeitems``."""
    edge = _OPTIONS["edgeitems"]
    if array.ndim >= 2 and edge == 0:
        return array[(slice(0, 0),) * array.ndim]
    for axis, size in enumerate(array.shape):
        if edge and size > 2 * edge:
            kept = np.r_[0:edge, size - edge : size]
            array = np.take(array, kept, axis=axis)
    return array


def _rows_text(array: np.ndarray, indent: int, summarize: bool, element: _ElementFormat) -> str:
    """The bracketed text of ``array`` (the tensor's elements, or a sub-array at nesting depth
    ``indent - len("tensor(")``), lines after the first indented by ``indent + 1``."""
    edge = _OPTIONS["edgeitems"]
    if array.ndim == 0:
        return element(array.item())
    elided = summarize and len(array) > 2 * edge
    if array.ndim == 1:
        if summarize and not edge:
            items = ["..."]
        elif elided:
            items = [
                *map(element, array[:edge].tolist()),
                " ...",
                *map(element, array[-edge:].tolist()),
            ]
        else:
            items = [element(v) for v in array.tolist()]
        per_line = max(1, math.floor((_OPTIONS["linewidth"] - indent) / (element.width + 2)))
        lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    if elided:
        parts = [
            *(_rows_text(array[i], indent + 1, summarize, element) for i in range(edge)),
            "...",
            *(
                _rows_text(array[i], indent + 1, summarize, element)
                for i in range(len(array) - edge, len(array))
            ),
        ]
    else:
        parts = [_rows_text(row, indent + 1, summarize, element) for row in array]
    return "[" + ("," + "\n" * (array.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def _elements_text(array: np.ndarray, indent: int) -> str:
    if array.size == 0:
        return "[]"
    summarize = array.size > _OPTIONS["threshold"]
    shown = _shown_part(array) if summarize else array
    element = (_ComplexElementFormat if array.dtype.kind == "c" else _ElementFormat)(shown)
    return _rows_text(array, indent, summarize, element)


def _with_suffixes(
    text: str, suffixes: list[str], indent: int, first_on_new_line: bool = False
) -> str:
    """``text``, then ``, suffix`` for each suffix, starting a new line (indented by
    ``indent``) where the current one would pass ``linewidth`` (and for the first suffix when
    ``first_on_new_line``, as sparse tensors print), then ``)``."""
    pieces = [text]
    line_length = len(text) - text.rfind("\n") + 1
    for position, suffix in enumerate(suffixes):
        new_line = first_on_new_line and position == 0
        if new_line or line_length + len(suffix) + 2 > _OPTIONS["linewidth"]:
            pieces.append(",\n" + " " * indent + suffix)
            line_length = indent + len(suffix)
        else:
            pieces.append(", " + suffix)
            line_length += len(suffix) + 2
    return "".join([*pieces, ")"])


def _device_suffix(t) -> list[str]:
    from .._device import get_default_device

    device = t.device
    shown = device.type != get_default_device().type
    if device.type == "cuda" and not shown:
        from .. import cuda

        shown = device.index != cuda.current_device()
    return [f"device='{device}'"] if shown else []


def _autograd_suffix(t) -> list[str]:
    try:
        grad_fn = t.grad_fn
    except RuntimeError:
        return ["grad_fn=<Invalid>"]
    if grad_fn is not None:
        return [f"grad_fn=<{type(grad_fn).__name__}>"]
    return ["requires_grad=True"] if t.requires_grad else []


def format_tensor(t) -> str:
    """``repr(t)``."""
    from .._dtype import bool_, get_default_dtype, int64
    from ..autograd.forward_ad import unpack_dual
    from ..nn.parameter import Parameter

    # Tensor classes of ferrograd's own (Parameter, Buffer) print as `tensor(`, as PyTorch's
    # do; a user's subclass prints under its own name.
    own_class = type(t).__module__.partition(".")[0] == "ferrograd"
    prefix = "tensor(" if own_class else f"{type(t).__name__}("
    indent = len(prefix)
    if t.is_meta:
        return _meta_text(t, prefix)
    primal, tangent = unpack_dual(t)
    if primal.dtype.name in ("float16", "bfloat16"):
        # Printed from their float32 values (the same numbers), as PyTorch prints them as doubles.
        primal = primal.detach().float()
    array = primal._numpy()
    suffixes = _device_suffix(t)
    default_dtype = get_default_dtype()
    if array.size == 0:
        if array.ndim != 1:
            suffixes.append(f"size={tuple(array.shape)}")
        if t.dtype != default_dtype:
            suffixes.append(f"dtype={t.dtype}")
    else:
        if not _OPTIONS["edgeitems"]:
            suffixes.append(f"size={tuple(array.shape)}")
        if t.dtype not in (default_dtype, int64, bool_):
            suffixes.append(f"dtype={t.dtype}")
    suffixes += _autograd_suffix(t)
    if tangent is not None:
        suffixes.append(f"tangent={tangent}")
    text = _with_suffixes(prefix + _elements_text(array, indent), suffixes, indent)
    if isinstance(t, Parameter) and not own_class:
        text = f"Parameter({text})"
    return text


def _meta_text(t, prefix: str) -> str:
    """A meta tensor has no elements to show: ``tensor(..., device='meta', size=(2, 3))``, with
    the dtype unless it is the default float one."""
    from .._dtype import get_default_dtype

    suffixes = ["device='meta'", f"size={tuple(t.shape)}"]
    if t.dtype != get_default_dtype():
        suffixes.append(f"dtype={t.dtype}")
    suffixes += _autograd_suffix(t)
    return _with_suffixes(prefix + "...", suffixes, len(prefix))


class ReprMixin:
    __slots__ = ()

    def __repr__(self) -> str:
        return format_tensor(self)

    def __str__(self) -> str:
        # The class's repr, so that str(Parameter) starts with "Parameter containing:".
        return repr(self)

    def __format__(self, spec: str) -> str:
        """A 0-d tensor formats as its number (``f"{loss:.3f}"``); any other takes no format
        spec and formats as ``str``."""
        from .._tensor import Tensor

        if self.ndim == 0 and type(self) is Tensor:
            return format(self.item(), spec)
        return object.__format__(self, spec)
