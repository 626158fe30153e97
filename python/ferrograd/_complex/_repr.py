"""Printing complex tensors as PyTorch does: ``tensor([1.+2.j, 3.-4.j])``."""

from __future__ import annotations

from .._mixins import repr as real_repr


def format_complex(z) -> str:
    """``repr(z)``: the real and imaginary parts each get one format, chosen from their
    values as for a real tensor; the dtype is shown unless it is the default float's."""
    from .._dtype import get_default_dtype

    array = z._numpy()
    suffixes = real_repr._device_suffix(z)
    default = get_default_dtype().to_complex()
    if array.size == 0 and array.ndim != 1:
        suffixes.append(f"size={tuple(array.shape)}")
    if z.dtype != default:
        suffixes.append(f"dtype={z.dtype}")
    suffixes += real_repr._autograd_suffix(z)
    prefix = "tensor("
    return real_repr._with_suffixes(
        prefix + real_repr._elements_text(array, len(prefix)), suffixes, len(prefix)
    )
