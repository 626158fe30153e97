"""Printing a sparse COO tensor as PyTorch does: ``tensor(indices=tensor(...),
values=tensor(...), size=..., nnz=..., layout=ferrograd.sparse_coo)``."""

from __future__ import annotations

from .._dtype import bool_, get_default_dtype, int64
from .._mixins.repr import _elements_text, _with_suffixes
from . import _indices

_PREFIX = "tensor("


def _component(name: str, array, indent: int) -> str:
    prefix = f"{name}=tensor("
    text = _elements_text(array, indent + len(prefix))
    if array.size == 0:
        text += f", size={tuple(array.shape)}"
    return prefix + text + ")"


def format_sparse(s) -> str:
    from ._coo import plain

    indent = len(_PREFIX)
    values = plain(s).detach().cpu().numpy()
    body = (
        _PREFIX
        + _component("indices", _indices.host(s._indices()), indent)
        + ",\n"
        + " " * indent
        + _component("values", values, indent)
    )
    suffixes = []
    if not s.is_cpu:
        suffixes.append(f"device='{s.device}'")
    suffixes += [f"size={tuple(s.shape)}", f"nnz={s._nnz()}"]
    if s.dtype not in (get_default_dtype(), int64, bool_):
        suffixes.append(f"dtype=ferrograd.{s.dtype.name}")
    suffixes.append("layout=ferrograd.sparse_coo")
    grad_fn = s.grad_fn
    if grad_fn is not None:
        suffixes.append(f"grad_fn=<{grad_fn.name()}>")
    elif s.requires_grad:
        suffixes.append("requires_grad=True")
    return _with_suffixes(body, suffixes, indent, first_on_new_line=True)
