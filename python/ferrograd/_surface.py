"""Module-level functions of the PyTorch surface that are not tensor methods: ``tril_indices``/
``triu_indices``, ``meshgrid``, ``einsum``, ``tensordot``, ``block_diag``, ``cdist``,
``cosine_similarity``, ``bucketize``/``searchsorted``, ``multinomial`` and ``randperm``.

The differentiable ones are compositions of the engine's operations (views, ``expand``,
``cat``, ``matmul``, reductions), so backward, double backward and forward-mode AD follow from
them; contractions go through ``matmul`` after a ``permute`` and ``reshape``, never through
loops over elements.
"""

from __future__ import annotations

import math
import operator

import numpy as np

from . import _core
from ._autocast import float32_op
from ._base import TensorBase
from ._dtype import scalar_type_name, to_dtype
from ._mixins.structure import constant, wrap_dim
from ._ops_out import with_out
from ._random import numpy_rng

__all__ = [
    "block_diag",
    "bucketize",
    "cdist",
    "cosine_similarity",
    "einsum",
    "meshgrid",
    "multinomial",
    "randperm",
    "searchsorted",
    "tensordot",
    "tril_indices",
    "triu_indices",
]


def _placed(array: np.ndarray, dtype, device):
    from ._creation import _place

    out = _core.from_numpy(np.asarray(array, order="C"), False)
    if dtype is not None:
        out = out.to(to_dtype(dtype))
    return _place(out, device, False)


def _check_tensor(value, name: str, op: str):
    if not isinstance(value, TensorBase):
        raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {type(value).__name__}")
    return value


# ----------------------------------------------------------------------------- index grids


def _triangle_indices(row: int, col: int, offset: int, lower: bool, dtype, device):
    row, col, offset = operator.index(row), operator.index(col), operator.index(offset)
    if row < 0 or col < 0:
        raise RuntimeError(
            f"row must be non-negative, got{row}"
            if row < 0
            else f"col must be non-negative, got{col}"
        )
    found = np.tril_indices(row, offset, col) if lower else np.triu_indices(row, offset, col)
    return _placed(np.stack(found).astype(np.int64).reshape(2, -1), dtype or "int64", device)


def tril_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None, layout=None):
    """The ``(2, N)`` row and column indices of the lower triangle of a ``row x col`` matrix
    (on and below diagonal ``offset``), in row-major order."""
    return _triangle_indices(row, col, offset, True, dtype, device)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None, layout=None):
    """The ``(2, N)`` row and column indices of the upper triangle (on and above ``offset``)."""
    return _triangle_indices(row, col, offset, False, dtype, device)


def meshgrid(*tensors, indexing: str | None = None):
    """Coordinate grids of 1-D (or 0-D) tensors: with ``indexing='ij'`` (the default) the
    ``i``-th result varies along dimension ``i``; with ``'xy'`` the first two dimensions are
    swapped (Cartesian, as NumPy's default). The results are expanded views."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(
            f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}'
        )
    if not tensors:
        raise RuntimeError("torch.meshgrid: Expected at least one tensor")
    for i, t in enumerate(tensors):
        _check_tensor(t, f"tensors[{i}]", "meshgrid")
        if t.ndim > 1:
            raise RuntimeError(
                f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t.ndim}D"
            )
        if t.dtype != tensors[0].dtype:
            raise RuntimeError("torch.meshgrid: Expected all tensors to have the same dtype.")
        if t.device != tensors[0].device:
            raise RuntimeError("torch.meshgrid: Expected all tensors to have the same device.")
    swap = indexing == "xy" and len(tensors) >= 2
    order = list(tensors)
    if swap:
        order[0], order[1] = order[1], order[0]
    sizes = [t.numel() for t in order]
    n = len(order)
    grids = []
    for i, t in enumerate(order):
        shape = [1] * n
        shape[i] = sizes[i]
        grids.append(t.reshape(shape).expand(sizes))
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


# ----------------------------------------------------------------------------- einsum


def _parse_subscripts(term: str, start: int, what: str):
    labels, i = [], 0
    while i < len(term):
        if term.startswith("...", i):
            if "..." in labels:
                raise RuntimeError(
                    f"einsum(): found '.' for {what} for which an ellipsis was already found"
                )
            labels.append("...")
            i += 3
        elif term[i].isascii() and term[i].isalpha():
            labels.append(term[i])
            i += 1
        else:
            raise RuntimeError(
                f"einsum(): invalid subscript given at index {start + i} in the equation string, "
                "subscripts must be in [a-zA-Z]"
            )
    return labels


def _sum_labels(t, labels: list, drop):
    """``t`` summed over the dimensions whose labels are in ``drop``."""
    dims = [i for i, label in enumerate(labels) if label in drop]
    if not dims:
        return t, labels
    return t.sum(dims), [label for label in labels if label not in drop]


def _contract(a, la: list, b, lb: list, keep: set):
    """The product of ``a`` and ``b`` summed over their shared labels not in ``keep``: one
    ``matmul`` of the operands permuted to (batch, free, contracted) and reshaped; without
    shared summed labels, a broadcast product."""
    size_a = dict(zip(la, a.shape, strict=True))
    size_b = dict(zip(lb, b.shape, strict=True))
    contracted = [x for x in la if x in size_b and x not in keep]
    # A summed label of size 1 on one side broadcasts: sum the other side over it alone.
    lone = [x for x in contracted if size_a[x] != size_b[x]]
    if lone:
        a, la = _sum_labels(a, la, lone)
        b, lb = _sum_labels(b, lb, lone)
        contracted = [x for x in contracted if x not in lone]
    batch = [x for x in la if x in lb and x not in contracted]
    a_only = [x for x in la if x not in lb]
    b_only = [x for x in lb if x not in la]
    out_labels = batch + a_only + b_only
    a = a.permute([la.index(x) for x in batch + a_only + contracted])
    b = b.permute([lb.index(x) for x in batch + contracted + b_only])
    a_sizes = [size_a[x] for x in a_only]
    b_sizes = [size_b[x] for x in b_only]
    if not contracted:
        a = a.reshape([size_a[x] for x in batch] + a_sizes + [1] * len(b_only))
        b = b.reshape([size_b[x] for x in batch] + [1] * len(a_only) + b_sizes)
        return a * b, out_labels
    k = math.prod(size_a[x] for x in contracted)
    a = a.reshape([size_a[x] for x in batch] + [math.prod(a_sizes), k])
    b = b.reshape([size_b[x] for x in batch] + [k, math.prod(b_sizes)])
    product = a @ b
    return product.reshape(list(product.shape[: len(batch)]) + a_sizes + b_sizes), out_labels


def einsum(equation: str, *operands):
    """Einstein summation: ``einsum('ij,jk->ik', a, b)`` is ``a @ b``. Any subscripts: ``...``
    for broadcast dimensions, repeated subscripts in one operand (diagonals), subscripts summed
    without appearing in the output, and the implicit output (the subscripts that appear once,
    in alphabetical order, after ``...``). Operands are contracted pairwise from the left, each
    pair by one ``matmul``."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    for i, t in enumerate(operands):
        _check_tensor(t, f"operands[{i}]", "einsum")
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) > len(operands):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(terms) < len(operands):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    parsed, start = [], 0
    for k, term in enumerate(terms):
        parsed.append(_parse_subscripts(term, start, f"operand {k}"))
        start += len(term) + 1
    # The dimensions under "..." get labels 0, 1, ... (ints, apart from the letters), aligned
    # on the right as broadcasting aligns them.
    ellipsis = []
    for k, (labels, t) in enumerate(zip(parsed, operands, strict=True)):
        letters = len(labels) - ("..." in labels)
        if "..." in labels:
            if letters > t.ndim:
                raise RuntimeError(
                    f"einsum(): the number of subscripts in the equation ({letters}) is more than "
                    f"the number of dimensions ({t.ndim}) for operand {k}"
                )
            ellipsis.append(t.ndim - letters)
        else:
            if letters != t.ndim:
                raise RuntimeError(
                    f"einsum(): the number of subscripts in the equation ({letters}) does not "
                    f"match the number of dimensions ({t.ndim}) for operand {k} and no ellipsis "
                    "was given"
                )
            ellipsis.append(0)
    n_ell = max(ellipsis, default=0)
    expanded = []
    for labels, count in zip(parsed, ellipsis, strict=True):
        out = []
        for label in labels:
            out.extend(range(n_ell - count, n_ell) if label == "..." else [label])
        expanded.append(out)
    counts: dict = {}
    for labels in expanded:
        for label in labels:
            if isinstance(label, str):
                counts[label] = counts.get(label, 0) + 1
    if arrow:
        out_parsed = _parse_subscripts(rhs, len(lhs) + 2, "the output")
        output = []
        for label in out_parsed:
            if label == "...":
                output.extend(range(n_ell))
                continue
            if label in output:
                raise RuntimeError(
                    f"einsum(): output subscript {label} appears more than once in the output"
                )
            if label not in counts:
                raise RuntimeError(
                    f"einsum(): output subscript {label} does not appear in the equation for any "
                    "input operand"
                )
            output.append(label)
    else:
        output = list(range(n_ell)) + sorted(x for x, c in counts.items() if c == 1)
    # Repeated subscripts within an operand: take the diagonal (a view; it becomes the last
    # dimension).
    tensors = []
    for k, (t, labels) in enumerate(zip(operands, expanded, strict=True)):
        labels = list(labels)
        while len(set(labels)) != len(labels):
            seen = {}
            for j, label in enumerate(labels):
                if label in seen:
                    i = seen[label]
                    break
                seen[label] = j
            if t.shape[i] != t.shape[j]:
                raise RuntimeError(
                    f"einsum(): subscript {label} is repeated for operand {k} but the sizes "
                    f"don't match, {t.shape[i]} != {t.shape[j]}"
                )
            t = t.diagonal(0, i, j)
            labels = [x for n, x in enumerate(labels) if n not in (i, j)] + [label]
        tensors.append((t, labels))
    sizes: dict = {}
    for k, (t, labels) in enumerate(tensors):
        for label, size in zip(labels, t.shape, strict=True):
            known = sizes.get(label, 1)
            if size != known and 1 not in (size, known):
                name = "..." if isinstance(label, int) else label
                raise RuntimeError(
                    f"einsum(): subscript {name} has size {size} for operand {k} which does not "
                    f"broadcast with previously seen size {known}"
                )
            sizes[label] = max(known, size) if min(known, size) != 0 else 0
    # Sum each operand over the subscripts that no other operand and not the output has.
    reduced = []
    for k, (t, labels) in enumerate(tensors):
        elsewhere = set(output)
        for m, (_, other) in enumerate(tensors):
            if m != k:
                elsewhere.update(other)
        reduced.append(_sum_labels(t, labels, {x for x in labels if x not in elsewhere}))
    result, labels = reduced[0]
    for k in range(1, len(reduced)):
        keep = set(output)
        for _, other in reduced[k + 1 :]:
            keep.update(other)
        b, lb = reduced[k]
        result, labels = _contract(result, labels, b, lb, keep)
    result, labels = _sum_labels(result, labels, {x for x in labels if x not in output})
    result = result.permute([labels.index(x) for x in output]) if output else result
    target = [sizes[x] for x in output]
    if list(result.shape) != target:  # a dimension only ever of size 1 next to a larger one
        result = result.expand(target)
    return result


@with_out
def tensordot(a, b, dims=2):
    """The sum of products of ``a`` and ``b`` over the given dimension pairs: ``dims`` an int
    (the last ``dims`` of ``a`` with the first of ``b``) or two lists; one ``matmul``."""
    _check_tensor(a, "a", "tensordot")
    _check_tensor(b, "b", "tensordot")
    if isinstance(dims, TensorBase):
        dims = dims.tolist()
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > min(a.ndim, b.ndim):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        dims_a = list(range(a.ndim - dims, a.ndim))
        dims_b = list(range(dims))
    else:
        dims_a, dims_b = dims
        dims_a = [dims_a] if isinstance(dims_a, int) else list(dims_a)
        dims_b = [dims_b] if isinstance(dims_b, int) else list(dims_b)
        if len(dims_a) != len(dims_b):
            raise RuntimeError("both dimension lists should have same length")
        dims_a = [wrap_dim(d, a.ndim, "tensordot") for d in dims_a]
        dims_b = [wrap_dim(d, b.ndim, "tensordot") for d in dims_b]
    for da, db in zip(dims_a, dims_b, strict=True):
        if a.shape[da] != b.shape[db]:
            raise RuntimeError(
                f"contracted dimensions need to match, but first has size {a.shape[da]} in dim "
                f"{da} and second has size {b.shape[db]} in dim {db}"
            )
    free_a = [d for d in range(a.ndim) if d not in dims_a]
    free_b = [d for d in range(b.ndim) if d not in dims_b]
    k = math.prod(a.shape[d] for d in dims_a)
    left = a.permute(free_a + dims_a).reshape(math.prod(a.shape[d] for d in free_a), k)
    right = b.permute(dims_b + free_b).reshape(k, math.prod(b.shape[d] for d in free_b))
    return (left @ right).reshape([a.shape[d] for d in free_a] + [b.shape[d] for d in free_b])


# ----------------------------------------------------------------------------- assembling


def _result_dtype(tensors):
    names = {t.dtype.name for t in tensors}
    for name in ("float64", "float32", "int64", "int32", "bool"):
        if name in names:
            return name
    return "float32"


def block_diag(*tensors):
    """The tensors (each 0-, 1- or 2-D; a vector is one row) as blocks along the diagonal of a
    matrix, zeros elsewhere (differentiable through ``cat``)."""
    matrices = []
    for i, t in enumerate(tensors):
        _check_tensor(t, f"tensors[{i}]", "block_diag")
        if t.ndim > 2:
            raise RuntimeError(
                "torch.block_diag: Input tensors must have 2 or fewer dimensions. Input "
                f"{i} has {t.ndim} dimensions"
            )
        matrices.append(t.reshape(1, 1) if t.ndim == 0 else t.reshape(1, -1) if t.ndim == 1 else t)
    if not matrices:
        return _core.full([1, 0], 0.0, "float32")
    dtype = _result_dtype(matrices)
    device = matrices[0].device
    width = sum(m.shape[1] for m in matrices)
    rows, col = [], 0
    for m in matrices:
        r, c = m.shape
        pieces = [_zeros([r, col], dtype, device)] if col else []
        pieces.append(m.to(dtype))
        if width - col - c:
            pieces.append(_zeros([r, width - col - c], dtype, device))
        rows.append(_core.cat(pieces, 1) if len(pieces) > 1 else pieces[0])
        col += c
    return _core.cat(rows, 0)


def _zeros(shape, dtype: str, device):
    out = _core.full(shape, 0.0, dtype)
    return out.to(device) if str(device) != "cpu" else out


# ----------------------------------------------------------------------------- distances


def cosine_similarity(x1, x2, dim: int = 1, eps: float = 1e-8):
    """``x1·x2 / (max(‖x1‖, eps) · max(‖x2‖, eps))`` along ``dim`` (the inputs broadcast). As
    in PyTorch, each input is divided by its clamped norm first, and the clamp does not enter
    the gradient."""
    _check_tensor(x1, "x1", "cosine_similarity")
    _check_tensor(x2, "x2", "cosine_similarity")
    if not x1.is_floating_point():
        x1 = x1.to(x2.dtype if x2.is_floating_point() else "float32")
    if x2.dtype != x1.dtype:
        x2 = x2.to(x1.dtype)
    shape = _broadcast_shapes(x1.shape, x2.shape, "cosine_similarity")
    x1, x2 = x1.expand(shape), x2.expand(shape)
    dim = wrap_dim(dim, len(shape), "cosine_similarity")

    def normalized(x):
        norm = x.norm(2, dim, keepdim=True)
        clamped = norm + (norm.detach().clamp_min(eps) - norm.detach())
        return x / clamped

    return (normalized(x1) * normalized(x2)).sum(dim)


def _broadcast_shapes(a, b, op: str):
    a, b = list(a), list(b)
    n = max(len(a), len(b))
    a, b = [1] * (n - len(a)) + a, [1] * (n - len(b)) + b
    out = []
    for x, y in zip(a, b, strict=True):
        if x != y and 1 not in (x, y):
            raise RuntimeError(
                f"{op}: The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                "non-singleton dimension"
            )
        out.append(y if x == 1 else x)
    return out


@float32_op
def cdist(x1, x2, p: float = 2.0, compute_mode: str = "use_mm_for_euclid_dist_if_necessary"):
    """The ``p``-norm distance between each row of ``x1`` ``(B, P, M)`` and each row of ``x2``
    ``(B, R, M)``: ``(B, P, R)``. For ``p = 2`` with more than 25 rows (or
    ``compute_mode='use_mm_for_euclid_dist'``) it uses ``|a|² + |b|² - 2 a·b`` (one matmul),
    as PyTorch does; otherwise the norm of the differences."""
    _check_tensor(x1, "x1", "cdist")
    _check_tensor(x2, "x2", "cdist")
    if x1.ndim < 2 or x2.ndim < 2:
        which = ("X1", x1) if x1.ndim < 2 else ("X2", x2)
        raise RuntimeError(
            f"cdist only supports at least 2D tensors, {which[0]} got: {which[1].ndim}D"
        )
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(
            f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}"
        )
    if not (x1.is_floating_point() and x2.is_floating_point()):
        raise RuntimeError(
            f"cdist only supports floating-point dtypes, X1 got: {x1.dtype}, X2 got: {x2.dtype}"
        )
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    modes = (
        "use_mm_for_euclid_dist_if_necessary",
        "use_mm_for_euclid_dist",
        "donot_use_mm_for_euclid_dist",
    )
    if compute_mode not in modes:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    rows1, rows2 = x1.shape[-2], x2.shape[-2]
    use_mm = p == 2 and (
        compute_mode == "use_mm_for_euclid_dist"
        or (compute_mode == modes[0] and (rows1 > 25 or rows2 > 25))
    )
    if use_mm:
        from ._mixins.statistics import _power_flat_at_zero

        sq1 = (x1 * x1).sum(-1, keepdim=True)
        sq2 = (x2 * x2).sum(-1, keepdim=True)
        squared = sq1 - (x1 @ x2.transpose(-2, -1)) * 2 + sq2.transpose(-2, -1)
        return _power_flat_at_zero(squared.clamp_min(0.0), 0.5)
    diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)
    return diff.norm(p, -1)


# ----------------------------------------------------------------------------- sorted search


@with_out
def searchsorted(
    sorted_sequence,
    input,
    *,
    out_int32: bool = False,
    right: bool = False,
    side=None,
    sorter=None,
):
    """For each value, the index where it would be inserted in ``sorted_sequence`` (along its
    last dimension) to keep it sorted: the count of entries smaller than it (``right`` /
    ``side='right'``: not larger). Computed by comparing every value with every entry (memory
    ``values × entries``; a binary search would need an engine kernel)."""
    _check_tensor(sorted_sequence, "sorted_sequence", "searchsorted")
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(
                f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}"
            )
        if right and side == "left":
            raise RuntimeError(
                "torch.searchsorted(): side and right can't be set to opposites, got side of "
                "left while right was True"
            )
        right = side == "right"
    seq = sorted_sequence
    if sorter is not None:
        seq = seq.gather(-1, sorter)
    scalar = not isinstance(input, TensorBase)
    values = constant(np.asarray(input, dtype=seq.dtype.numpy), seq) if scalar else input
    if seq.ndim > 1 and (values.ndim != seq.ndim or values.shape[:-1] != seq.shape[:-1]):
        raise RuntimeError(
            "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
            "dimensions of boundaries tensor and input value tensor must match, but we got "
            f"boundaries tensor {list(seq.shape)} and input value tensor {list(values.shape)}"
        )
    v, s = values.detach(), seq.detach()
    if seq.ndim == 1:
        below = (v.unsqueeze(-1) >= s) if right else (v.unsqueeze(-1) > s)
    else:
        below = (
            (v.unsqueeze(-1) >= s.unsqueeze(-2)) if right else (v.unsqueeze(-1) > s.unsqueeze(-2))
        )
    count = below.to("int64").sum(-1)
    if v.is_floating_point():  # NaN sorts after everything
        count = count.where(~v.isnan(), seq.shape[-1])
    return count.to("int32") if out_int32 else count


@with_out
def bucketize(input, boundaries, *, out_int32: bool = False, right: bool = False):
    """The index of the bucket of each value: ``boundaries[i-1] < x <= boundaries[i]``
    (``right=True``: ``boundaries[i-1] <= x < boundaries[i]``); ``boundaries`` is 1-D."""
    _check_tensor(boundaries, "boundaries", "bucketize")
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


# ----------------------------------------------------------------------------- sampling


@with_out
def multinomial(input, num_samples: int, replacement: bool = False, *, generator=None):
    """``num_samples`` category indices per row of ``input`` (1-D or 2-D non-negative weights,
    not necessarily normalised), drawn with or without replacement. Uses ``generator`` (a
    ``ferrograd.Generator``) or the global generator that ``manual_seed`` seeds."""
    _check_tensor(input, "input", "multinomial")
    if input.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if not input.is_floating_point():
        raise RuntimeError(
            "multinomial only supports floating-point dtypes for input, got: "
            f"{scalar_type_name(input.dtype)}"
        )
    num_samples = operator.index(num_samples)
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    weights = input.detach().cpu().numpy().astype(np.float64).reshape(-1, input.shape[-1])
    k = weights.shape[1]
    if not replacement and num_samples > k:
        raise RuntimeError(
            "cannot sample n_sample > prob_dist.size(-1) samples without replacement"
        )
    if not np.isfinite(weights).all() or (weights < 0).any():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    totals = weights.sum(axis=1)
    if (totals <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    rng = numpy_rng(generator)
    rows = weights.shape[0]
    if replacement:
        # Inverse CDF, all rows in one search: row r's CDF is shifted to [r, r + 1].
        cdf = np.cumsum(weights / totals[:, None], axis=1)
        last = k - 1 - np.argmax(weights[:, ::-1] > 0, axis=1)
        cdf[np.arange(k)[None, :] >= last[:, None]] = 1.0
        offsets = np.arange(rows, dtype=np.float64)[:, None]
        u = rng.random((rows, num_samples)) + offsets
        found = np.searchsorted((cdf + offsets).reshape(-1), u.reshape(-1), side="right")
        samples = found.reshape(rows, num_samples) - (np.arange(rows) * k)[:, None]
        samples = np.minimum(samples, last[:, None])
    else:
        # Exponential races: the categories with the smallest Exp(1) / weight keys, in order of
        # their keys, are a draw without replacement. Categories of weight 0 (infinite keys)
        # come last, in index order, when more samples are asked than there are positive
        # weights (PyTorch returns them too, without an error).
        with np.errstate(divide="ignore"):
            keys = rng.exponential(size=weights.shape) / weights
        samples = np.argsort(keys, axis=1, kind="stable")[:, :num_samples]
    samples = samples.astype(np.int64).reshape([*input.shape[:-1], num_samples])
    return constant(samples, input)


@with_out
def randperm(
    n: int,
    *,
    generator=None,
    dtype=None,
    device=None,
    requires_grad: bool = False,
    layout=None,
    pin_memory: bool = False,
):
    """A random permutation of ``0 .. n-1`` (int64 unless ``dtype`` says otherwise)."""
    n = operator.index(n)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    perm = numpy_rng(generator).permutation(n).astype(np.int64)
    out = _placed(perm, dtype or "int64", device)
    if requires_grad:
        out.requires_grad_(True)
    return out
