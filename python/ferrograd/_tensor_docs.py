"""The docstrings of the most used ``Tensor`` methods, completed at import before the
function forms (``ferrograd.sum`` for ``Tensor.sum``) copy them: an Args section and an example
as PyTorch 2.15 prints it (the few methods PyTorch 2.15 lacks, which say so, show ferrograd's
output). A method's own docstring, where it has one, comes first; the table's summary stands in
for one where it has none."""

from __future__ import annotations

import inspect

from . import _docgen

_DIM = "the dimension (or dimensions) to reduce; all of them by default."
_KEEPDIM = "keep the reduced dimensions, with size 1."
_OTHER = "a tensor or a number, broadcast against ``self``."

#: method: (summary where it has no docstring, {argument: meaning}, example as doctest shows
#: it, printed as PyTorch 2.15 prints it).
METHODS = {
    "add": (
        "Returns ``self + alpha * other``, broadcasting the two and promoting their dtypes.",
        {
            "other": _OTHER,
            "alpha": "the multiplier of ``other``.",
        },
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> x.add(1.0), x.add(x, alpha=2)\n"
            "(tensor([[2., 3.],\n"
            "        [4., 5.]]), tensor([[ 3.,  6.],\n"
            "        [ 9., 12.]]))"
        ),
    ),
    "sub": (
        "Returns ``self - alpha * other``, broadcasting the two and promoting their dtypes.",
        {
            "other": _OTHER,
            "alpha": "the multiplier of ``other``.",
        },
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> x.sub(ferrograd.tensor([1.0, 2.0]))\n"
            "tensor([[0., 0.],\n"
            "        [2., 2.]])"
        ),
    ),
    "mul": (
        None,
        {
            "other": _OTHER,
        },
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> x.mul(ferrograd.tensor([[10.0], [100.0]]))\n"
            "tensor([[ 10.,  20.],\n"
            "        [300., 400.]])"
        ),
    ),
    "div": (
        (
            "Returns ``self / other`` (true division; an integer input gives a floating "
            "result), or rounded with ``rounding_mode`` ``'trunc'`` or ``'floor'``."
        ),
        {
            "other": _OTHER,
            "rounding_mode": "None (true division), ``'trunc'`` or ``'floor'``.",
        },
        (
            ">>> a = ferrograd.tensor([7, -7])\n"
            ">>> a.div(2), a.div(2, rounding_mode='floor')\n"
            "(tensor([ 3.5000, -3.5000]), tensor([ 3, -4]))"
        ),
    ),
    "pow": (
        None,
        {
            "exponent": _OTHER,
        },
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> x.pow(2)\n"
            "tensor([[ 1.,  4.],\n"
            "        [ 9., 16.]])"
        ),
    ),
    "remainder": (
        None,
        {
            "other": _OTHER,
        },
        (">>> ferrograd.tensor([5, -5]).remainder(3)\ntensor([2, 1])"),
    ),
    "floor_divide": (
        None,
        {
            "other": _OTHER,
        },
        (">>> ferrograd.tensor([5.0, -5.0]).floor_divide(2)\ntensor([ 2., -3.])"),
    ),
    "matmul": (
        (
            "The matrix product of two tensors, with NumPy's rules: vectors are dot "
            "products, matrices multiply, and leading dimensions broadcast as batches. ``a "
            "@ b`` is the same."
        ),
        {
            "other": "the right-hand operand.",
        },
        (
            ">>> a = ferrograd.ones(2, 3, 4)\n"
            ">>> b = ferrograd.ones(4, 5)\n"
            ">>> a.matmul(b).shape\n"
            "ferrograd.Size([2, 3, 5])"
        ),
    ),
    "mm": (
        (
            "The matrix product of two 2-D tensors: ``(n, m) @ (m, p)`` gives ``(n, p)`` "
            "(no broadcasting)."
        ),
        {
            "mat2": "the right-hand matrix.",
        },
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> x.mm(ferrograd.eye(2))\n"
            "tensor([[1., 2.],\n"
            "        [3., 4.]])"
        ),
    ),
    "bmm": (
        "Batched matrix product: ``(b, n, m)`` by ``(b, m, p)`` gives ``(b, n, p)``.",
        {
            "mat2": "the right-hand batch of matrices.",
        },
        (
            ">>> ferrograd.ones(3, 2, 4).bmm(ferrograd.ones(3, 4, 5)).shape\n"
            "ferrograd.Size([3, 2, 5])"
        ),
    ),
    "dot": (
        "The dot product of two 1-D tensors of the same size.",
        {
            "tensor": "the other vector.",
        },
        (">>> ferrograd.tensor([1.0, 2.0]).dot(ferrograd.tensor([3.0, 4.0]))\ntensor(11.)"),
    ),
    "sum": (
        "Returns the sum of the elements: of all of them, or along ``dim``.",
        {
            "dim": _DIM,
            "keepdim": _KEEPDIM,
            "dtype": (
                "the dtype to accumulate in and return (integers and bools sum as int64 by "
                "default)."
            ),
        },
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> x.sum(), x.sum(dim=0), x.sum(1, keepdim=True)\n"
            "(tensor(10.), tensor([4., 6.]), tensor([[3.],\n"
            "        [7.]]))"
        ),
    ),
    "mean": (
        (
            "Returns the mean of the elements: of all of them, or along ``dim``. Floating "
            "and complex inputs only (an integer input raises, as in PyTorch)."
        ),
        {
            "dim": _DIM,
            "keepdim": _KEEPDIM,
            "dtype": "the dtype to compute in.",
        },
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> x.mean(), x.mean(dim=1)\n"
            "(tensor(2.5000), tensor([1.5000, 3.5000]))"
        ),
    ),
    "prod": (
        "Returns the product of the elements: of all of them, or along one ``dim``.",
        {
            "dim": "the dimension to reduce; all of them by default.",
            "keepdim": _KEEPDIM,
            "dtype": "the dtype to compute in.",
        },
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> x.prod(), x.prod(0)\n"
            "(tensor(24.), tensor([3., 8.]))"
        ),
    ),
    "max": (
        (
            "With no ``dim``: the largest element. With ``dim``: a named tuple ``(values, "
            "indices)`` of the maxima along it and their positions. With a tensor: the "
            "elementwise maximum (``maximum``)."
        ),
        {
            "dim": "the dimension to reduce.",
            "keepdim": _KEEPDIM,
        },
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> x.max()\n"
            "tensor(4.)\n"
            ">>> x.max(dim=1)\n"
            "ferrograd.return_types.max(\n"
            "values=tensor([2., 4.]),\n"
            "indices=tensor([1, 1]))"
        ),
    ),
    "min": (
        (
            "With no ``dim``: the smallest element. With ``dim``: a named tuple ``(values, "
            "indices)`` of the minima along it and their positions. With a tensor: the "
            "elementwise minimum (``minimum``)."
        ),
        {
            "dim": "the dimension to reduce.",
            "keepdim": _KEEPDIM,
        },
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> x.min()\n"
            "tensor(1.)\n"
            ">>> x.min(dim=0).indices\n"
            "tensor([0, 0])"
        ),
    ),
    "argmax": (
        (
            "The index of the largest element: in the flattened tensor, or along ``dim`` "
            "(the first one where there are ties)."
        ),
        {
            "dim": "the dimension to reduce; None flattens.",
            "keepdim": _KEEPDIM,
        },
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> x.argmax(), x.argmax(dim=1)\n"
            "(tensor(3), tensor([1, 1]))"
        ),
    ),
    "argmin": (
        "The index of the smallest element: in the flattened tensor, or along ``dim``.",
        {
            "dim": "the dimension to reduce; None flattens.",
            "keepdim": _KEEPDIM,
        },
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> x.argmin(), x.argmin(dim=0)\n"
            "(tensor(0), tensor([0, 0]))"
        ),
    ),
    "std": (
        (
            "The standard deviation: of all the elements, or along ``dim``, with Bessel's "
            "correction by default."
        ),
        {
            "dim": _DIM,
            "correction": (
                "subtracted from the count in the divisor (1: the unbiased estimate; 0: the "
                "population's)."
            ),
            "keepdim": _KEEPDIM,
        },
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> x.std(), x.std(dim=0, correction=0)\n"
            "(tensor(1.2910), tensor([1., 1.]))"
        ),
    ),
    "var": (
        (
            "The variance: of all the elements, or along ``dim``, with Bessel's correction "
            "by default."
        ),
        {
            "dim": _DIM,
            "correction": "subtracted from the count in the divisor.",
            "keepdim": _KEEPDIM,
        },
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> x.var(), x.var(dim=1)\n"
            "(tensor(1.6667), tensor([0.5000, 0.5000]))"
        ),
    ),
    "norm": (
        (
            "The vector ``p``-norm of all the elements (or along ``dim``); ``'fro'`` is "
            "the Frobenius norm. See ``ferrograd.linalg`` for matrix norms."
        ),
        {
            "p": "the order of the norm (2 by default).",
            "dim": _DIM,
            "keepdim": _KEEPDIM,
        },
        (
            ">>> ferrograd.tensor([3.0, 4.0]).norm(), ferrograd.tensor([3.0, -4.0]).norm(p=1)\n"
            "(tensor(5.), tensor(7.))"
        ),
    ),
    "all": (
        "Whether every element is nonzero (True), overall or along ``dim``.",
        {
            "dim": _DIM,
            "keepdim": _KEEPDIM,
        },
        (
            ">>> b = ferrograd.tensor([[True, False], [True, True]])\n"
            ">>> b.all(), b.all(dim=1)\n"
            "(tensor(False), tensor([False,  True]))"
        ),
    ),
    "any": (
        "Whether any element is nonzero (True), overall or along ``dim``.",
        {
            "dim": _DIM,
            "keepdim": _KEEPDIM,
        },
        (
            ">>> b = ferrograd.tensor([[True, False], [False, False]])\n"
            ">>> b.any(), b.any(dim=1)\n"
            "(tensor(True), tensor([ True, False]))"
        ),
    ),
    "logsumexp": (
        "``log(sum(exp(x)))`` along ``dim``, computed without overflow.",
        {
            "dim": _DIM,
            "keepdim": _KEEPDIM,
        },
        (">>> ferrograd.tensor([1000.0, 1000.0]).logsumexp(dim=0)\ntensor(1000.6932)"),
    ),
    "cumsum": (
        "The running sums along ``dim``.",
        {
            "dim": "the dimension to scan.",
            "dtype": "the dtype to compute in.",
        },
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> x.cumsum(dim=1)\n"
            "tensor([[1., 3.],\n"
            "        [3., 7.]])"
        ),
    ),
    "cumprod": (
        "The running products along ``dim``.",
        {
            "dim": "the dimension to scan.",
            "dtype": "the dtype to compute in.",
        },
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> x.cumprod(dim=0)\n"
            "tensor([[1., 2.],\n"
            "        [3., 8.]])"
        ),
    ),
    "reshape": (
        (
            "Returns a tensor with the same elements in the shape ``shape``: a view when "
            "the strides allow it, a copy otherwise. One dimension may be ``-1``, inferred "
            "from the others."
        ),
        {
            "shape": "the new shape, as ints or one sequence.",
        },
        (
            ">>> ferrograd.arange(6).reshape(2, 3), ferrograd.arange(6).reshape(-1, 2).shape\n"
            "(tensor([[0, 1, 2],\n"
            "        [3, 4, 5]]), ferrograd.Size([3, 2]))"
        ),
    ),
    "view": (
        (
            "Returns a view of the tensor with another shape (sharing its memory); the "
            "strides must allow it (``reshape`` copies when they do not). ``view(dtype)`` "
            "reinterprets the bytes as another dtype."
        ),
        {
            "shape": "the new shape (one dimension may be -1), or a dtype.",
        },
        (
            ">>> x = ferrograd.zeros(4)\n"
            ">>> y = x.view(2, 2)\n"
            ">>> y[0, 0] = 1.0\n"
            ">>> x\n"
            "tensor([1., 0., 0., 0.])"
        ),
    ),
    "transpose": (
        "Returns a view with dimensions ``dim0`` and ``dim1`` swapped.",
        {
            "dim0": "the first dimension.",
            "dim1": "the second dimension.",
        },
        (">>> ferrograd.zeros(2, 3, 4).transpose(0, 2).shape\nferrograd.Size([4, 3, 2])"),
    ),
    "permute": (
        (
            "Returns a view with the dimensions reordered: dimension ``i`` of the result "
            "is ``dims[i]`` of the input."
        ),
        {
            "dims": "the new order of the dimensions.",
        },
        (">>> ferrograd.zeros(2, 3, 4).permute(2, 0, 1).shape\nferrograd.Size([4, 2, 3])"),
    ),
    "squeeze": (
        (
            "Returns a view without dimensions of size 1 (all of them, or only ``dim`` if "
            "it has size 1)."
        ),
        {
            "dim": "the dimension (or dimensions) to remove; all of size 1 by default.",
        },
        (
            ">>> x = ferrograd.zeros(2, 1, 3, 1)\n"
            ">>> x.squeeze().shape, x.squeeze(1).shape\n"
            "(ferrograd.Size([2, 3]), ferrograd.Size([2, 3, 1]))"
        ),
    ),
    "unsqueeze": (
        "Returns a view with a dimension of size 1 inserted at ``dim``.",
        {
            "dim": "where the new dimension goes (negative counts from the end of the result).",
        },
        (
            ">>> x = ferrograd.tensor([1, 2, 3])\n"
            ">>> x.unsqueeze(0).shape, x.unsqueeze(-1).shape\n"
            "(ferrograd.Size([1, 3]), ferrograd.Size([3, 1]))"
        ),
    ),
    "flatten": (
        "Flattens dimensions ``start_dim`` to ``end_dim`` into one (a view when possible).",
        {
            "start_dim": "the first dimension flattened.",
            "end_dim": "the last dimension flattened.",
        },
        (
            ">>> x = ferrograd.zeros(2, 3, 4)\n"
            ">>> x.flatten().shape, x.flatten(1).shape\n"
            "(ferrograd.Size([24]), ferrograd.Size([2, 12]))"
        ),
    ),
    "expand": (
        (
            "Returns a view broadcast to a larger shape: dimensions of size 1 are repeated "
            "without copying (stride 0); ``-1`` keeps a dimension's size."
        ),
        {
            "sizes": "the new shape.",
        },
        (">>> ferrograd.tensor([[1], [2]]).expand(2, 3)\ntensor([[1, 1, 1],\n        [2, 2, 2]])"),
    ),
    "repeat": (
        "Returns the tensor tiled ``sizes`` times along each dimension (a copy).",
        {
            "sizes": "how many times to repeat along each dimension.",
        },
        (
            ">>> ferrograd.tensor([1, 2]).repeat(2, 2)\n"
            "tensor([[1, 2, 1, 2],\n"
            "        [1, 2, 1, 2]])"
        ),
    ),
    "t": (
        "The transpose of a tensor of at most 2 dimensions (``transpose(0, 1)``).",
        {},
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> x.t()\n"
            "tensor([[1., 3.],\n"
            "        [2., 4.]])"
        ),
    ),
    "chunk": (
        (
            "Splits the tensor into ``chunks`` views along ``dim`` (the last may be "
            "smaller; fewer may come back)."
        ),
        {
            "chunks": "the number of pieces.",
            "dim": "the dimension to split.",
        },
        (">>> ferrograd.arange(5).chunk(2)\n(tensor([0, 1, 2]), tensor([3, 4]))"),
    ),
    "split": (
        (
            "Splits the tensor into views along ``dim``: of ``split_size`` each (the last "
            "smaller), or of the sizes in a list."
        ),
        {
            "split_size": "the size of each piece, or a list of sizes.",
            "dim": "the dimension to split.",
        },
        (
            ">>> ferrograd.arange(5).split(2), ferrograd.arange(5).split([1, 4])\n"
            "((tensor([0, 1]), tensor([2, 3]), tensor([4])), (tensor([0]), tensor([1, 2, "
            "3, 4])))"
        ),
    ),
    "narrow": (
        "Returns a view of ``length`` elements of dimension ``dim`` from ``start``.",
        {
            "dim": "the dimension to narrow.",
            "start": "the first index.",
            "length": "how many elements.",
        },
        (
            ">>> ferrograd.arange(6).reshape(2, 3).narrow(1, 1, 2)\n"
            "tensor([[1, 2],\n"
            "        [4, 5]])"
        ),
    ),
    "gather": (
        (
            "Picks values along ``dim`` at ``index``: ``out[i][j] = self[index[i][j]][j]`` "
            "for ``dim=0``, ``self[i][index[i][j]]`` for ``dim=1``. The result has "
            "``index``'s shape."
        ),
        {
            "dim": "the dimension indexed.",
            "index": "an int64 tensor of the positions.",
        },
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> x.gather(1, ferrograd.tensor([[1], [0]]))\n"
            "tensor([[2.],\n"
            "        [3.]])"
        ),
    ),
    "index_select": (
        "Selects the entries at ``index`` along ``dim`` (a copy).",
        {
            "dim": "the dimension indexed.",
            "index": "a 1-D int64 tensor of positions.",
        },
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> x.index_select(0, ferrograd.tensor([1, 1, 0]))\n"
            "tensor([[3., 4.],\n"
            "        [3., 4.],\n"
            "        [1., 2.]])"
        ),
    ),
    "masked_fill": (
        "Returns a copy with the elements where ``mask`` is True replaced by ``value``.",
        {
            "mask": "a bool tensor broadcastable to ``self``.",
            "value": "the new value (a number or a 0-d tensor).",
        },
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> x.masked_fill(x > 2, 0.0)\n"
            "tensor([[1., 2.],\n"
            "        [0., 0.]])"
        ),
    ),
    "sort": (
        "Sorts along ``dim``: a named tuple ``(values, indices)``.",
        {
            "dim": "the dimension to sort (the last by default).",
            "descending": "largest first.",
            "stable": "keep the order of equal elements.",
        },
        (
            ">>> ferrograd.tensor([3, 1, 2]).sort()\n"
            "ferrograd.return_types.sort(\n"
            "values=tensor([1, 2, 3]),\n"
            "indices=tensor([1, 2, 0]))"
        ),
    ),
    "topk": (
        (
            "The ``k`` largest (or smallest) elements along ``dim``: a named tuple "
            "``(values, indices)``, sorted by default."
        ),
        {
            "k": "how many.",
            "dim": "the dimension (the last by default).",
            "largest": "the largest (True) or the smallest.",
            "sorted": "return them in sorted order.",
        },
        (
            ">>> ferrograd.tensor([1.0, 5.0, 3.0, 4.0]).topk(2)\n"
            "ferrograd.return_types.topk(\n"
            "values=tensor([5., 4.]),\n"
            "indices=tensor([1, 3]))"
        ),
    ),
    "argsort": (
        "The indices that sort the tensor along ``dim``.",
        {
            "dim": "the dimension to sort (the last by default).",
            "descending": "largest first.",
        },
        (">>> ferrograd.tensor([3, 1, 2]).argsort()\ntensor([1, 2, 0])"),
    ),
    "eq": (
        "Elementwise ``self == other``, as a bool tensor (broadcast).",
        {
            "other": _OTHER,
        },
        (">>> ferrograd.tensor([1, 2, 3]).eq(2)\ntensor([False,  True, False])"),
    ),
    "ne": (
        "Elementwise ``self != other``, as a bool tensor (broadcast).",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([1, 2, 3]).ne(ferrograd.tensor([1, 0, 3]))\n"
            "tensor([False,  True, False])"
        ),
    ),
    "lt": (
        "Elementwise ``self < other``, as a bool tensor (broadcast).",
        {
            "other": _OTHER,
        },
        (">>> ferrograd.tensor([1, 2, 3]).lt(2)\ntensor([ True, False, False])"),
    ),
    "le": (
        "Elementwise ``self <= other``, as a bool tensor (broadcast).",
        {
            "other": _OTHER,
        },
        (">>> ferrograd.tensor([1, 2, 3]).le(2)\ntensor([ True,  True, False])"),
    ),
    "gt": (
        "Elementwise ``self > other``, as a bool tensor (broadcast).",
        {
            "other": _OTHER,
        },
        (">>> ferrograd.tensor([1, 2, 3]).gt(2)\ntensor([False, False,  True])"),
    ),
    "ge": (
        "Elementwise ``self >= other``, as a bool tensor (broadcast).",
        {
            "other": _OTHER,
        },
        (">>> ferrograd.tensor([1, 2, 3]).ge(2)\ntensor([False,  True,  True])"),
    ),
    "equal": (
        "Whether the two tensors have the same shape and the same elements (a Python bool).",
        {
            "other": "the tensor compared.",
        },
        (">>> ferrograd.tensor([1, 2]).equal(ferrograd.tensor([1, 2]))\nTrue"),
    ),
    "allclose": (
        (
            "Whether every element satisfies ``|self - other| <= atol + rtol * |other|`` "
            "(a Python bool)."
        ),
        {
            "other": "the tensor compared.",
            "rtol": "the relative tolerance.",
            "atol": "the absolute tolerance.",
            "equal_nan": "count NaNs in the same places as equal.",
        },
        (">>> ferrograd.tensor([1.0, 2.0]).allclose(ferrograd.tensor([1.0, 2.0 + 1e-9]))\nTrue"),
    ),
    "isclose": (
        "Elementwise ``|self - other| <= atol + rtol * |other|``, as a bool tensor.",
        {
            "other": "the tensor compared.",
            "rtol": "the relative tolerance.",
            "atol": "the absolute tolerance.",
            "equal_nan": "count NaNs as equal to each other.",
        },
        (
            ">>> ferrograd.tensor([1.0, 2.0]).isclose(ferrograd.tensor([1.0, 2.1]))\n"
            "tensor([ True, False])"
        ),
    ),
    "isnan": (
        "Elementwise: whether the element is NaN.",
        {},
        (">>> ferrograd.tensor([1.0, float('nan')]).isnan()\ntensor([False,  True])"),
    ),
    "isinf": (
        "Elementwise: whether the element is positive or negative infinity.",
        {},
        (
            ">>> ferrograd.tensor([1.0, float('inf'), -float('inf')]).isinf()\n"
            "tensor([False,  True,  True])"
        ),
    ),
    "isfinite": (
        "Elementwise: whether the element is neither infinite nor NaN.",
        {},
        (
            ">>> ferrograd.tensor([1.0, float('inf'), float('nan')]).isfinite()\n"
            "tensor([ True, False, False])"
        ),
    ),
    "detach": (
        (
            "Returns a tensor that shares this one's data but is cut from the autograd "
            "graph (``requires_grad=False``)."
        ),
        {},
        (">>> x = ferrograd.ones(2, requires_grad=True)\n>>> (x * 2).detach()\ntensor([2., 2.])"),
    ),
    "item": (
        "The value of a one-element tensor as a Python number.",
        {},
        (">>> ferrograd.tensor([[2.5]]).item(), ferrograd.tensor(3).item()\n(2.5, 3)"),
    ),
    "tolist": (
        "The tensor as (nested) Python lists of numbers; a 0-d tensor gives a number.",
        {},
        (">>> ferrograd.tensor([[1, 2], [3, 4]]).tolist()\n[[1, 2], [3, 4]]"),
    ),
    "numpy": (
        (
            "A NumPy array sharing this tensor's memory (CPU tensors without "
            "``requires_grad``; ``force=True`` copies, detaches and moves as needed)."
        ),
        {
            "force": "detach, copy to the CPU and resolve views first.",
        },
        (">>> ferrograd.tensor([1.0, 2.0]).numpy()\narray([1., 2.], dtype=float32)"),
    ),
    "clone": (
        (
            "Returns a copy of the tensor, recorded by autograd (gradients flow back to "
            "the original)."
        ),
        {
            "memory_format": "the layout of the copy.",
        },
        (
            ">>> x = ferrograd.tensor([1.0, 2.0])\n"
            ">>> y = x.clone()\n"
            ">>> y[0] = 5.0\n"
            ">>> x\n"
            "tensor([1., 2.])"
        ),
    ),
    "zero_": (
        "Fills the tensor with zeros, in place; returns it.",
        {},
        (">>> ferrograd.ones(3).zero_()\ntensor([0., 0., 0.])"),
    ),
    "fill_": (
        "Fills the tensor with ``value``, in place; returns it.",
        {
            "value": "a number or a 0-d tensor.",
        },
        (">>> ferrograd.zeros(3).fill_(7)\ntensor([7., 7., 7.])"),
    ),
    "copy_": (
        (
            "Copies ``src``'s elements into this tensor, in place (broadcast, cast to this "
            "dtype); returns it."
        ),
        {
            "src": "the tensor copied from.",
            "non_blocking": "accepted for PyTorch's signature.",
        },
        (
            ">>> x = ferrograd.zeros(2, 2)\n"
            ">>> x.copy_(ferrograd.tensor([1, 2]))\n"
            "tensor([[1., 2.],\n"
            "        [1., 2.]])"
        ),
    ),
    "requires_grad_": (
        "Sets whether autograd records operations on this tensor, in place; returns it.",
        {
            "requires_grad": "the new setting.",
        },
        (">>> x = ferrograd.zeros(2).requires_grad_()\n>>> x.requires_grad\nTrue"),
    ),
    "softmax": (
        "``exp(x) / exp(x).sum(dim)`` along ``dim``, computed stably.",
        {
            "dim": "the dimension normalized.",
            "dtype": "the dtype to compute in.",
        },
        (">>> ferrograd.tensor([1.0, 2.0, 3.0]).softmax(dim=0)\ntensor([0.0900, 0.2447, 0.6652])"),
    ),
    "log_softmax": (
        "``log(softmax(x, dim))``, computed stably.",
        {
            "dim": "the dimension normalized.",
            "dtype": "the dtype to compute in.",
        },
        (
            ">>> ferrograd.tensor([1.0, 2.0, 3.0]).log_softmax(dim=0)\n"
            "tensor([-2.4076, -1.4076, -0.4076])"
        ),
    ),
    "clamp": (
        None,
        {
            "min": "the lower bound (a number or tensor), or None.",
            "max": "the upper bound, or None.",
        },
        (
            ">>> ferrograd.tensor([-2.0, 0.5, 3.0]).clamp(min=-1.0, max=1.0)\n"
            "tensor([-1.0000,  0.5000,  1.0000])"
        ),
    ),
    "abs": (
        None,
        {},
        (">>> ferrograd.tensor([-1, 2, -3]).abs()\ntensor([1, 2, 3])"),
    ),
    "to": (
        (
            "Returns the tensor with another dtype and/or device; the tensor itself when "
            "nothing changes (``copy=True`` forces a copy)."
        ),
        {
            "dtype": "the new dtype.",
            "device": "the new device.",
            "non_blocking": "accepted for PyTorch's signature.",
            "copy": "always return a new tensor.",
        },
        (
            ">>> x = ferrograd.tensor([1.5, 2.5])\n"
            ">>> x.to(ferrograd.int64), x.to('cpu') is x\n"
            "(tensor([1, 2]), True)"
        ),
    ),
    "float": (
        "``self.to(ferrograd.float32)``.",
        {},
        (">>> ferrograd.tensor([1, 2]).float()\ntensor([1., 2.])"),
    ),
    "double": (
        "``self.to(ferrograd.float64)``.",
        {},
        (">>> ferrograd.tensor([1, 2]).double()\ntensor([1., 2.], dtype=ferrograd.float64)"),
    ),
    "long": (
        "``self.to(ferrograd.int64)`` (floats are truncated toward zero).",
        {},
        (">>> ferrograd.tensor([1.7, -1.7]).long()\ntensor([ 1, -1])"),
    ),
    "int": (
        "``self.to(ferrograd.int32)``.",
        {},
        (">>> ferrograd.tensor([1.7, -1.7]).int()\ntensor([ 1, -1], dtype=ferrograd.int32)"),
    ),
    "bool": (
        "``self.to(ferrograd.bool)``: nonzero elements become True.",
        {},
        (">>> ferrograd.tensor([0.0, 0.5]).bool()\ntensor([False,  True])"),
    ),
    "size": (
        "The shape as a ``Size`` (a tuple), or the size of dimension ``dim``.",
        {
            "dim": "a dimension (negative counts from the end).",
        },
        (">>> x = ferrograd.zeros(2, 3)\n>>> x.size(), x.size(-1)\n(ferrograd.Size([2, 3]), 3)"),
    ),
    "dim": (
        "The number of dimensions.",
        {},
        (">>> ferrograd.zeros(2, 3).dim()\n2"),
    ),
    "numel": (
        "The number of elements.",
        {},
        (">>> ferrograd.zeros(2, 3).numel()\n6"),
    ),
    "contiguous": (
        (
            "The tensor itself if its elements are laid out in row-major order, else a "
            "contiguous copy."
        ),
        {
            "memory_format": "the layout wanted.",
        },
        (
            ">>> x = ferrograd.zeros(2, 3).t()\n"
            ">>> x.is_contiguous(), x.contiguous().is_contiguous()\n"
            "(False, True)"
        ),
    ),
    "backward": (
        None,
        {},
        (
            ">>> x = ferrograd.tensor([1.0, 2.0], requires_grad=True)\n"
            ">>> (x ** 2).sum().backward()\n"
            ">>> x.grad\n"
            "tensor([2., 4.])"
        ),
    ),
    "where": (
        "``self`` where ``condition`` is True, else ``other`` (broadcast).",
        {
            "condition": "a bool tensor.",
            "other": "the values taken where ``condition`` is False.",
        },
        (
            ">>> x = ferrograd.tensor([1.0, -2.0, 3.0])\n"
            ">>> x.where(x > 0, 0.0)\n"
            "tensor([1., 0., 3.])"
        ),
    ),
    "maximum": (
        "The elementwise maximum of two tensors (NaN wins).",
        {
            "other": "the other tensor.",
        },
        (">>> ferrograd.tensor([1, 5]).maximum(ferrograd.tensor([3, 2]))\ntensor([3, 5])"),
    ),
    "minimum": (
        "The elementwise minimum of two tensors (NaN wins).",
        {
            "other": "the other tensor.",
        },
        (">>> ferrograd.tensor([1, 5]).minimum(ferrograd.tensor([3, 2]))\ntensor([1, 2])"),
    ),
    "unique": (
        (
            "The distinct elements (sorted by default), with the inverse indices and "
            "counts when asked."
        ),
        {
            "sorted": "sort the result.",
            "return_inverse": "also return where each element went.",
            "return_counts": "also return how often each occurs.",
            "dim": "treat slices along ``dim`` as the elements.",
        },
        (
            ">>> ferrograd.tensor([2, 1, 2, 3]).unique(return_counts=True)\n"
            "(tensor([1, 2, 3]), tensor([1, 2, 1]))"
        ),
    ),
    "new_zeros": (
        "A tensor of zeros of ``size``, with this tensor's dtype and device unless given.",
        {
            "size": "the shape.",
        },
        (
            ">>> ferrograd.tensor([1], dtype=ferrograd.float64).new_zeros(2, 2)\n"
            "tensor([[0., 0.],\n"
            "        [0., 0.]], dtype=ferrograd.float64)"
        ),
    ),
    "new_ones": (
        "A tensor of ones of ``size``, with this tensor's dtype and device unless given.",
        {
            "size": "the shape.",
        },
        (">>> ferrograd.tensor([1, 2]).new_ones(3)\ntensor([1, 1, 1])"),
    ),
    "new_full": (
        (
            "A tensor of ``size`` filled with ``fill_value``, with this tensor's dtype and "
            "device unless given."
        ),
        {
            "size": "the shape.",
            "fill_value": "the value.",
        },
        (">>> ferrograd.tensor([1.0]).new_full((2,), 7)\ntensor([7., 7.])"),
    ),
    "new_empty": (
        (
            "A tensor of ``size`` with this tensor's dtype and device, its values not "
            "meant to be read."
        ),
        {
            "size": "the shape.",
        },
        (">>> ferrograd.tensor([1.0]).new_empty(2, 3).shape\nferrograd.Size([2, 3])"),
    ),
    "new_tensor": (
        "A tensor of ``data`` (copied), with this tensor's dtype and device unless given.",
        {
            "data": "the data.",
        },
        (
            ">>> ferrograd.tensor([1.0], dtype=ferrograd.float64).new_tensor([1, 2])\n"
            "tensor([1., 2.], dtype=ferrograd.float64)"
        ),
    ),
    "masked_select": (
        "A 1-D tensor of the elements where ``mask`` is True (broadcast).",
        {
            "mask": "a bool tensor.",
        },
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> x.masked_select(x > 1.5)\n"
            "tensor([2., 3., 4.])"
        ),
    ),
    "masked_fill_": (
        "In-place ``masked_fill``.",
        {
            "mask": "a bool tensor broadcastable to ``self``.",
            "value": "the new value.",
        },
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> x.masked_fill_(x > 2, 0.0)\n"
            "tensor([[1., 2.],\n"
            "        [0., 0.]])"
        ),
    ),
    "index_add": (
        (
            "Adds ``alpha * source``'s slices into the slices of ``self`` at ``index`` "
            "along ``dim`` (a copy)."
        ),
        {
            "dim": "the dimension indexed.",
            "index": "where each slice of ``source`` goes.",
            "source": "the values added.",
            "alpha": "the multiplier of ``source``.",
        },
        (
            ">>> ferrograd.zeros(3).index_add(0, ferrograd.tensor([0, 2, 0]), "
            "ferrograd.tensor([1.0, 2.0, 3.0]))\n"
            "tensor([4., 0., 2.])"
        ),
    ),
    "scatter": (
        (
            "Writes ``src`` (or ``value``) into a copy of ``self`` at the positions "
            "``index`` gives along ``dim``: ``out[index[i][j]][j] = src[i][j]`` for ``dim=0``."
        ),
        {
            "dim": "the dimension indexed.",
            "index": "an int64 tensor of positions.",
            "src": "the values written (or a number).",
        },
        (
            ">>> ferrograd.zeros(2, 3).scatter(1, ferrograd.tensor([[2], [0]]), 1.0)\n"
            "tensor([[0., 0., 1.],\n"
            "        [1., 0., 0.]])"
        ),
    ),
    "scatter_add": (
        (
            "Adds ``src`` into a copy of ``self`` at the positions ``index`` gives along "
            "``dim`` (repeated positions accumulate)."
        ),
        {
            "dim": "the dimension indexed.",
            "index": "an int64 tensor of positions.",
            "src": "the values added.",
        },
        (
            ">>> ferrograd.zeros(3).scatter_add(0, ferrograd.tensor([0, 0, 2]), "
            "ferrograd.ones(3))\n"
            "tensor([2., 0., 1.])"
        ),
    ),
    "nonzero": (
        (
            "The indices of the nonzero elements: an ``(N, ndim)`` int64 tensor, or a "
            "tuple of one index tensor per dimension with ``as_tuple=True``."
        ),
        {
            "as_tuple": "return one tensor per dimension.",
        },
        (">>> ferrograd.tensor([[0, 1], [2, 0]]).nonzero()\ntensor([[0, 1],\n        [1, 0]])"),
    ),
    "flip": (
        "A copy with the order of the elements reversed along ``dims``.",
        {
            "dims": "the dimensions reversed.",
        },
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> x.flip(0)\n"
            "tensor([[3., 4.],\n"
            "        [1., 2.]])"
        ),
    ),
    "roll": (
        (
            "A copy with the elements shifted by ``shifts`` along ``dims``, wrapping "
            "around (flattened when ``dims`` is None)."
        ),
        {
            "shifts": "the shift (or one per dimension).",
            "dims": "the dimensions shifted.",
        },
        (">>> ferrograd.arange(5).roll(2)\ntensor([3, 4, 0, 1, 2])"),
    ),
    "tril": (
        (
            "A copy with the elements above the ``diagonal``-th diagonal zeroed (the lower "
            "triangle)."
        ),
        {
            "diagonal": "0 the main diagonal; positive above, negative below.",
        },
        (
            ">>> ferrograd.ones(3, 3).tril()\n"
            "tensor([[1., 0., 0.],\n"
            "        [1., 1., 0.],\n"
            "        [1., 1., 1.]])"
        ),
    ),
    "triu": (
        (
            "A copy with the elements below the ``diagonal``-th diagonal zeroed (the upper "
            "triangle)."
        ),
        {
            "diagonal": "0 the main diagonal; positive above, negative below.",
        },
        (
            ">>> ferrograd.ones(3, 3).triu(diagonal=1)\n"
            "tensor([[0., 1., 1.],\n"
            "        [0., 0., 1.],\n"
            "        [0., 0., 0.]])"
        ),
    ),
    "diag": (
        ("A 1-D input becomes a diagonal matrix; a 2-D input gives its ``diagonal``-th diagonal."),
        {
            "diagonal": "which diagonal (0 the main one).",
        },
        (
            ">>> ferrograd.tensor([1, 2]).diag(), ferrograd.tensor([[1, 2], [3, 4]]).diag()\n"
            "(tensor([[1, 0],\n"
            "        [0, 2]]), tensor([1, 4]))"
        ),
    ),
    "diagonal": (
        "A view of the diagonal of the dimensions ``dim1`` and ``dim2`` (moved to the end).",
        {
            "offset": "which diagonal.",
            "dim1": "the first dimension.",
            "dim2": "the second dimension.",
        },
        (">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n>>> x.diagonal()\ntensor([1., 4.])"),
    ),
    "trace": (
        "The sum of the main diagonal of a 2-D tensor.",
        {},
        (">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n>>> x.trace()\ntensor(5.)"),
    ),
    "outer": (
        "The outer product of two 1-D tensors: ``out[i, j] = self[i] * vec2[j]``.",
        {
            "vec2": "the second vector.",
        },
        (
            ">>> ferrograd.tensor([1, 2]).outer(ferrograd.tensor([1, 10, 100]))\n"
            "tensor([[  1,  10, 100],\n"
            "        [  2,  20, 200]])"
        ),
    ),
    "sign": (
        "-1, 0 or 1 for each element, as its sign.",
        {},
        (">>> ferrograd.tensor([-2.0, 0.0, 3.0]).sign()\ntensor([-1.,  0.,  1.])"),
    ),
    "view_as": (
        "``self.view(other.size())``.",
        {
            "other": "the tensor whose shape is taken.",
        },
        (
            ">>> ferrograd.arange(4).view_as(ferrograd.zeros(2, 2))\n"
            "tensor([[0, 1],\n"
            "        [2, 3]])"
        ),
    ),
    "reshape_as": (
        "``self.reshape(other.size())``.",
        {
            "other": "the tensor whose shape is taken.",
        },
        (
            ">>> ferrograd.arange(4).reshape_as(ferrograd.zeros(2, 2))\n"
            "tensor([[0, 1],\n"
            "        [2, 3]])"
        ),
    ),
    "expand_as": (
        "``self.expand(other.size())``.",
        {
            "other": "the tensor whose shape is taken.",
        },
        (
            ">>> ferrograd.tensor([1, 2]).expand_as(ferrograd.zeros(2, 2))\n"
            "tensor([[1, 2],\n"
            "        [1, 2]])"
        ),
    ),
    "type_as": (
        "``self.to(other.dtype)``.",
        {
            "other": "the tensor whose dtype is taken.",
        },
        (">>> ferrograd.tensor([1, 2]).type_as(ferrograd.zeros(1))\ntensor([1., 2.])"),
    ),
    "unbind": (
        "The slices along ``dim``, as a tuple of views (the dimension removed).",
        {
            "dim": "the dimension removed.",
        },
        (">>> ferrograd.tensor([[1, 2], [3, 4]]).unbind(1)\n(tensor([1, 3]), tensor([2, 4]))"),
    ),
    "add_": (
        "In-place ``add``: ``self += alpha * other``; returns ``self``.",
        {
            "other": _OTHER,
            "alpha": "the multiplier of ``other``.",
        },
        (
            ">>> x = ferrograd.ones(2)\n"
            ">>> x.add_(ferrograd.tensor([1.0, 2.0]), alpha=10)\n"
            "tensor([11., 21.])"
        ),
    ),
    "sub_": (
        "In-place ``sub``: ``self -= alpha * other``; returns ``self``.",
        {
            "other": _OTHER,
            "alpha": "the multiplier of ``other``.",
        },
        (">>> ferrograd.ones(2).sub_(0.5)\ntensor([0.5000, 0.5000])"),
    ),
    "mul_": (
        "In-place ``mul``; returns ``self``.",
        {
            "other": _OTHER,
        },
        (">>> ferrograd.ones(2).mul_(3)\ntensor([3., 3.])"),
    ),
    "div_": (
        "In-place ``div``; returns ``self``.",
        {
            "other": _OTHER,
            "rounding_mode": "None, ``'trunc'`` or ``'floor'``.",
        },
        (">>> ferrograd.ones(2).div_(4)\ntensor([0.2500, 0.2500])"),
    ),
    "clamp_": (
        "In-place ``clamp``; returns ``self``.",
        {
            "min": "the lower bound, or None.",
            "max": "the upper bound, or None.",
        },
        (">>> ferrograd.tensor([-2.0, 3.0]).clamp_(-1, 1)\ntensor([-1.,  1.])"),
    ),
    "uniform_": (
        "Fills the tensor in place with numbers drawn uniformly from ``[from, to)``.",
        {},
        (
            ">>> x = ferrograd.empty(1000).uniform_(-2, 2)\n"
            ">>> bool(x.min() >= -2), bool(x.max() < 2)\n"
            "(True, True)"
        ),
    ),
    "normal_": (
        (
            "Fills the tensor in place with numbers from the normal distribution ``N(mean, "
            "std**2)``."
        ),
        {
            "mean": "the mean.",
            "std": "the standard deviation.",
        },
        (
            ">>> x = ferrograd.empty(10000).normal_(mean=3.0, std=0.1)\n"
            ">>> round(x.mean().item(), 1)\n"
            "3.0"
        ),
    ),
    "bernoulli": (
        "Draws 0 or 1 for each element, 1 with the element as its probability.",
        {
            "generator": "the generator drawn from.",
        },
        (">>> ferrograd.tensor([0.0, 1.0, 1.0]).bernoulli()\ntensor([0., 1., 1.])"),
    ),
    "cpu": (
        "The tensor on the CPU (itself if it is there).",
        {},
        (">>> x = ferrograd.zeros(2)\n>>> x.cpu() is x\nTrue"),
    ),
    "register_hook": (
        (
            "Registers ``hook(grad)``, called with the gradient of this tensor during "
            "backward; a non-None return replaces the gradient. Returns a handle whose "
            "``remove()`` unregisters it."
        ),
        {
            "hook": "the function called.",
        },
        (
            ">>> x = ferrograd.tensor([1.0, 2.0], requires_grad=True)\n"
            ">>> handle = x.register_hook(lambda grad: grad * 10)\n"
            ">>> (x * 2).sum().backward()\n"
            ">>> x.grad\n"
            "tensor([20., 20.])"
        ),
    ),
    "retain_grad": (
        "Makes this non-leaf tensor keep its ``.grad`` after backward (leaves always do).",
        {},
        (
            ">>> x = ferrograd.tensor([1.0, 2.0], requires_grad=True)\n"
            ">>> y = x * 3\n"
            ">>> y.retain_grad()\n"
            ">>> y.sum().backward()\n"
            ">>> y.grad\n"
            "tensor([1., 1.])"
        ),
    ),
    "square": (
        "``self * self`` elementwise.",
        {},
        (">>> ferrograd.tensor([-2, 3]).square()\ntensor([4, 9])"),
    ),
    "exp_": (
        "In-place ``exp``; returns ``self``.",
        {},
        (">>> ferrograd.zeros(2).exp_()\ntensor([1., 1.])"),
    ),
    "log_": (
        "In-place ``log``; returns ``self``.",
        {},
        (">>> ferrograd.ones(2).log_()\ntensor([0., 0.])"),
    ),
    "round": (
        None,
        {
            "decimals": "round to this many decimal places.",
        },
        (
            ">>> ferrograd.tensor([0.5, 1.5, 1.2345]).round(), "
            "ferrograd.tensor([1.2345]).round(decimals=2)\n"
            "(tensor([0., 2., 1.]), tensor([1.2300]))"
        ),
    ),
    "median": (
        (
            "The median: of all elements (the lower of the two middle ones for an even "
            "count), or ``(values, indices)`` along ``dim``."
        ),
        {
            "dim": "the dimension reduced.",
            "keepdim": _KEEPDIM,
        },
        (">>> ferrograd.tensor([1.0, 4.0, 2.0, 3.0]).median()\ntensor(2.)"),
    ),
    "amax": (
        (
            "The maximum along ``dim`` (several dimensions allowed; the gradient is shared "
            "among ties)."
        ),
        {
            "dim": _DIM,
            "keepdim": _KEEPDIM,
        },
        (">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n>>> x.amax(dim=0)\ntensor([3., 4.])"),
    ),
    "amin": (
        (
            "The minimum along ``dim`` (several dimensions allowed; the gradient is shared "
            "among ties)."
        ),
        {
            "dim": _DIM,
            "keepdim": _KEEPDIM,
        },
        (">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n>>> x.amin(dim=1)\ntensor([1., 3.])"),
    ),
    "count_nonzero": (
        "The number of nonzero elements, overall or along ``dim``.",
        {
            "dim": _DIM,
        },
        (
            ">>> ferrograd.tensor([[0, 1], [2, 3]]).count_nonzero(), ferrograd.tensor([[0, "
            "1], [2, 3]]).count_nonzero(dim=0)\n"
            "(tensor(3), tensor([1, 2]))"
        ),
    ),
    "nansum": (
        "The sum with NaNs counted as zero.",
        {
            "dim": _DIM,
            "keepdim": _KEEPDIM,
        },
        (">>> ferrograd.tensor([1.0, float('nan'), 2.0]).nansum()\ntensor(3.)"),
    ),
    "nanmean": (
        "The mean of the elements that are not NaN.",
        {
            "dim": _DIM,
            "keepdim": _KEEPDIM,
        },
        (">>> ferrograd.tensor([1.0, float('nan'), 2.0]).nanmean()\ntensor(1.5000)"),
    ),
    "movedim": (
        "A view with the dimensions ``source`` moved to the positions ``destination``.",
        {
            "source": "the dimensions moved.",
            "destination": "where they go.",
        },
        (">>> ferrograd.zeros(2, 3, 4).movedim(0, -1).shape\nferrograd.Size([3, 4, 2])"),
    ),
    "swapaxes": (
        "Alias of ``transpose``.",
        {
            "axis0": "the first dimension.",
            "axis1": "the second dimension.",
        },
        (">>> ferrograd.zeros(2, 3).swapaxes(0, 1).shape\nferrograd.Size([3, 2])"),
    ),
    "unfold": (
        (
            "A view of the windows of ``size`` elements every ``step`` along "
            "``dimension``, as a new last dimension."
        ),
        {
            "dimension": "the dimension windowed.",
            "size": "the window's size.",
            "step": "the step between windows.",
        },
        (
            ">>> ferrograd.arange(5).unfold(0, 2, 1)\n"
            "tensor([[0, 1],\n"
            "        [1, 2],\n"
            "        [2, 3],\n"
            "        [3, 4]])"
        ),
    ),
    "tile": (
        (
            "Repeats the tensor along each dimension (``repeat``, with ``dims`` padded "
            "with ones in front)."
        ),
        {
            "dims": "the repetitions per dimension.",
        },
        (">>> ferrograd.tensor([1, 2]).tile((2,))\ntensor([1, 2, 1, 2])"),
    ),
    "repeat_interleave": (
        "Repeats each element ``repeats`` times (flattened unless ``dim`` is given).",
        {
            "repeats": "an int, or a tensor of one count per element.",
            "dim": "the dimension repeated along.",
        },
        (">>> ferrograd.tensor([1, 2]).repeat_interleave(2)\ntensor([1, 1, 2, 2])"),
    ),
    "cummax": (
        "The running maxima along ``dim`` and their indices.",
        {
            "dim": "the dimension scanned.",
        },
        (
            ">>> ferrograd.tensor([1, 3, 2, 5]).cummax(0)\n"
            "ferrograd.return_types.cummax(\n"
            "values=tensor([1, 3, 3, 5]),\n"
            "indices=tensor([0, 1, 1, 3]))"
        ),
    ),
    "lerp": (
        "Linear interpolation ``self + weight * (end - self)``.",
        {
            "end": "the other end.",
            "weight": "a number or tensor.",
        },
        (
            ">>> ferrograd.tensor([0.0, 10.0]).lerp(ferrograd.tensor([10.0, 20.0]), 0.5)\n"
            "tensor([ 5., 15.])"
        ),
    ),
    "addmm": (
        "``beta * self + alpha * (mat1 @ mat2)``.",
        {
            "mat1": "the left matrix.",
            "mat2": "the right matrix.",
            "beta": "the multiplier of ``self``.",
            "alpha": "the multiplier of the product.",
        },
        (
            ">>> ferrograd.ones(2, 2).addmm(ferrograd.eye(2), ferrograd.eye(2), beta=0.5)\n"
            "tensor([[1.5000, 0.5000],\n"
            "        [0.5000, 1.5000]])"
        ),
    ),
    "cumsum_": (
        "In-place ``cumsum``.",
        {
            "dim": "the dimension scanned.",
        },
        (">>> ferrograd.tensor([1.0, 2.0, 3.0]).cumsum_(0)\ntensor([1., 3., 6.])"),
    ),
    "histc": (
        (
            "The histogram of the elements over ``bins`` equal bins between ``min`` and "
            "``max`` (the data's range when both are 0)."
        ),
        {
            "bins": "the number of bins.",
            "min": "the lower end.",
            "max": "the upper end.",
        },
        (
            ">>> ferrograd.tensor([1.0, 2.0, 1.0]).histc(bins=4, min=0, max=3)\n"
            "tensor([0., 2., 1., 0.])"
        ),
    ),
    "T": (
        "The tensor with its dimensions reversed (for a matrix, the transpose).",
        {},
        (">>> ferrograd.zeros(2, 3).T.shape\nferrograd.Size([3, 2])"),
    ),
    "mT": (
        "The transpose of the last two dimensions (a batch of matrices transposed).",
        {},
        (">>> ferrograd.zeros(4, 2, 3).mT.shape\nferrograd.Size([4, 3, 2])"),
    ),
    "H": (
        "The conjugate transpose of a matrix (the transpose, for real tensors).",
        {},
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> x.H\n"
            "tensor([[1., 3.],\n"
            "        [2., 4.]])"
        ),
    ),
    "mH": (
        "The conjugate transpose of the last two dimensions.",
        {},
        (">>> ferrograd.zeros(4, 2, 3).mH.shape\nferrograd.Size([4, 3, 2])"),
    ),
    "ndim": (
        "The number of dimensions (``dim()``).",
        {},
        (">>> ferrograd.zeros(2, 3).ndim\n2"),
    ),
    "itemsize": (
        "The size of one element in bytes.",
        {},
        (">>> ferrograd.zeros(2, dtype=ferrograd.float64).itemsize\n8"),
    ),
    "nbytes": (
        "The size of the elements in bytes (``numel() * itemsize``).",
        {},
        (">>> ferrograd.zeros(2, 3).nbytes\n24"),
    ),
    "element_size": (
        "The size of one element in bytes.",
        {},
        (">>> ferrograd.zeros(1, dtype=ferrograd.int16).element_size()\n2"),
    ),
    "device": (
        "The device the tensor lives on.",
        {},
        (">>> ferrograd.zeros(1).device\ndevice(type='cpu')"),
    ),
    "is_cpu": (
        "Whether the tensor lives on the CPU.",
        {},
        (">>> ferrograd.zeros(1).is_cpu\nTrue"),
    ),
    "is_cuda": (
        "Whether the tensor lives on a CUDA device.",
        {},
        (">>> ferrograd.zeros(1).is_cuda\nFalse"),
    ),
    "is_meta": (
        "Whether the tensor is on the meta device (a shape without data).",
        {},
        (
            ">>> ferrograd.zeros(1).is_meta, ferrograd.zeros(1, device='meta').is_meta\n"
            "(False, True)"
        ),
    ),
    "is_sparse": (
        "Whether the tensor is a sparse COO tensor.",
        {},
        (">>> ferrograd.zeros(1).is_sparse\nFalse"),
    ),
    "is_sparse_csr": (
        "Whether the tensor is a sparse CSR tensor (never, in ferrograd).",
        {},
        (">>> ferrograd.zeros(1).is_sparse_csr\nFalse"),
    ),
    "imag": (
        "The imaginary parts of a complex tensor, a view (a real tensor has none: TypeError).",
        {},
        (">>> ferrograd.tensor([1 + 2j, 3 - 4j]).imag\ntensor([ 2., -4.])"),
    ),
    "conj": (
        "The complex conjugate (written out, ferrograd has no lazy conjugate bit); a real "
        "tensor returns itself.",
        {},
        (">>> ferrograd.tensor([1 + 2j]).conj()\ntensor([1.-2.j])"),
    ),
    "conj_physical": (
        "The complex conjugate, computed; a real tensor returns itself.",
        {},
        (">>> ferrograd.tensor([1 - 1j]).conj_physical()\ntensor([1.+1.j])"),
    ),
    "conj_physical_": (
        "Conjugates the tensor in place (a real tensor is left as it is) and returns it.",
        {},
        (">>> z = ferrograd.tensor([1 - 1j])\n>>> z.conj_physical_()\ntensor([1.+1.j])"),
    ),
    "stft": (
        "The short-time Fourier transform of this signal (``ferrograd.stft``).",
        {},
        (
            ">>> x = ferrograd.arange(8.0)\n"
            ">>> x.stft(4, hop_length=2, return_complex=True).shape\n"
            "ferrograd.Size([3, 5])"
        ),
    ),
    "istft": (
        "The inverse short-time Fourier transform of this spectrum (``ferrograd.istft``).",
        {},
        (
            ">>> w = ferrograd.hann_window(4)\n"
            ">>> S = ferrograd.arange(8.0).stft(4, hop_length=1, window=w, return_complex=True)\n"
            ">>> S.istft(4, hop_length=1, window=w)\n"
            "tensor([0., 1., 2., 3., 4., 5., 6., 7.])"
        ),
    ),
    "resolve_conj": (
        "The tensor itself: a conjugate is always written out in ferrograd.",
        {},
        (">>> x = ferrograd.tensor([1 + 2j])\n>>> x.resolve_conj() is x\nTrue"),
    ),
    "is_conj": (
        "False: ferrograd never sets PyTorch's lazy conjugate bit (PyTorch's ``conj()`` does).",
        {},
        (">>> ferrograd.tensor([1 + 2j]).is_conj()\nFalse"),
    ),
    "cfloat": (
        "The tensor as ``complex64`` (imaginary parts zero for a real tensor).",
        {},
        (">>> ferrograd.tensor([1.0, 2.0]).cfloat()\ntensor([1.+0.j, 2.+0.j])"),
    ),
    "cdouble": (
        "The tensor as ``complex128``.",
        {},
        (">>> ferrograd.tensor([1.0]).cdouble()\ntensor([1.+0.j], dtype=ferrograd.complex128)"),
    ),
    "is_complex": (
        "Whether the dtype is complex.",
        {},
        (">>> ferrograd.zeros(1).is_complex()\nFalse"),
    ),
    "is_floating_point": (
        "Whether the dtype is a floating-point one.",
        {},
        (
            ">>> ferrograd.zeros(1).is_floating_point(), "
            "ferrograd.tensor([1]).is_floating_point()\n"
            "(True, False)"
        ),
    ),
    "is_signed": (
        "Whether the dtype is signed.",
        {},
        (
            ">>> ferrograd.tensor([1]).is_signed(), ferrograd.tensor([1], "
            "dtype=ferrograd.uint8).is_signed()\n"
            "(True, False)"
        ),
    ),
    "is_contiguous": (
        "Whether the elements are laid out in row-major order without gaps.",
        {},
        (
            ">>> x = ferrograd.zeros(2, 3)\n"
            ">>> x.is_contiguous(), x.t().is_contiguous()\n"
            "(True, False)"
        ),
    ),
    "is_nonzero": (
        "Whether a one-element tensor's value is nonzero (a Python bool).",
        {},
        (">>> ferrograd.tensor([0.5]).is_nonzero()\nTrue"),
    ),
    "is_inference": (
        "Whether the tensor was made in inference mode.",
        {},
        (
            ">>> with ferrograd.inference_mode():\n"
            "...     x = ferrograd.zeros(1)\n"
            ">>> x.is_inference(), ferrograd.zeros(1).is_inference()\n"
            "(True, False)"
        ),
    ),
    "is_shared": (
        "Whether the tensor's storage is in shared memory (see ``share_memory_``).",
        {},
        (
            ">>> t = ferrograd.zeros(2)\n"
            ">>> t.is_shared()\n"
            "False\n"
            ">>> t.share_memory_().is_shared()\n"
            "True"
        ),
    ),
    "is_pinned": (
        "Whether the tensor is in pinned (page-locked) memory.",
        {},
        (">>> ferrograd.zeros(1).is_pinned()\nFalse"),
    ),
    "data": (
        (
            "The tensor's data as a tensor that does not require grad; assigning to it "
            "replaces the data without autograd seeing it."
        ),
        {},
        (
            ">>> w = ferrograd.ones(2, requires_grad=True)\n"
            ">>> w.data.mul_(3)\n"
            "tensor([3., 3.])\n"
            ">>> w\n"
            "tensor([3., 3.], requires_grad=True)"
        ),
    ),
    "real": (
        "The real part (the tensor itself, for real dtypes).",
        {},
        (">>> ferrograd.tensor([1.0, 2.0]).real\ntensor([1., 2.])"),
    ),
    "retains_grad": (
        "Whether this non-leaf tensor keeps its ``.grad`` (after ``retain_grad()``).",
        {},
        (
            ">>> x = ferrograd.ones(1, requires_grad=True)\n"
            ">>> y = x * 2\n"
            ">>> y.retain_grad()\n"
            ">>> y.retains_grad\n"
            "True"
        ),
    ),
    "output_nr": (
        "Which output of its ``grad_fn`` this tensor is.",
        {},
        (">>> (ferrograd.ones(2, requires_grad=True) * 2).output_nr\n0"),
    ),
    "stride": (
        "The step in elements between neighbours along each dimension (or along ``dim``).",
        {
            "dim": "a dimension.",
        },
        (">>> x = ferrograd.zeros(2, 3)\n>>> x.stride(), x.t().stride(0)\n((3, 1), 1)"),
    ),
    "storage_offset": (
        "The position of the first element in the storage, in elements.",
        {},
        (">>> ferrograd.arange(5)[2:].storage_offset()\n2"),
    ),
    "data_ptr": (
        "The address of the first element.",
        {},
        (
            ">>> x = ferrograd.arange(4)\n"
            ">>> x[1:].data_ptr() - x.data_ptr() == x.element_size()\n"
            "True"
        ),
    ),
    "const_data_ptr": (
        "``data_ptr``, for reading.",
        {},
        (">>> x = ferrograd.arange(4)\n>>> x.const_data_ptr() == x.data_ptr()\nTrue"),
    ),
    "get_device": (
        "The index of the CUDA device, or -1 on the CPU.",
        {},
        (">>> ferrograd.zeros(1).get_device()\n-1"),
    ),
    "dim_order": (
        "The dimensions from the outermost to the innermost in memory.",
        {},
        (">>> ferrograd.zeros(2, 3, 4).permute(2, 0, 1).dim_order()\n(1, 2, 0)"),
    ),
    "half": (
        "``self.to(ferrograd.float16)``.",
        {},
        (">>> ferrograd.tensor([1.5]).half()\ntensor([1.5000], dtype=ferrograd.float16)"),
    ),
    "bfloat16": (
        "``self.to(ferrograd.bfloat16)``.",
        {},
        (">>> ferrograd.tensor([1.5]).bfloat16()\ntensor([1.5000], dtype=ferrograd.bfloat16)"),
    ),
    "short": (
        "``self.to(ferrograd.int16)``.",
        {},
        (">>> ferrograd.tensor([1.7]).short()\ntensor([1], dtype=ferrograd.int16)"),
    ),
    "char": (
        "``self.to(ferrograd.int8)``.",
        {},
        (">>> ferrograd.tensor([1.7]).char()\ntensor([1], dtype=ferrograd.int8)"),
    ),
    "byte": (
        "``self.to(ferrograd.uint8)``.",
        {},
        (">>> ferrograd.tensor([1.7]).byte()\ntensor([1], dtype=ferrograd.uint8)"),
    ),
    "type": (
        (
            "With no argument, the type name (``'torch.FloatTensor'`` style); with a dtype "
            "or type name, the tensor cast to it."
        ),
        {
            "dtype": "the dtype (or type name) to cast to.",
        },
        (">>> ferrograd.tensor([1.5]).type(ferrograd.int64)\ntensor([1])"),
    ),
    "squeeze_": (
        "In-place ``squeeze``.",
        {
            "dim": "the dimension removed.",
        },
        (">>> x = ferrograd.zeros(1, 3)\n>>> x.squeeze_().shape\nferrograd.Size([3])"),
    ),
    "unsqueeze_": (
        "In-place ``unsqueeze``.",
        {
            "dim": "where the new dimension goes.",
        },
        (">>> x = ferrograd.zeros(3)\n>>> x.unsqueeze_(0).shape\nferrograd.Size([1, 3])"),
    ),
    "t_": (
        "In-place ``t``.",
        {},
        (">>> x = ferrograd.zeros(2, 3)\n>>> x.t_().shape\nferrograd.Size([3, 2])"),
    ),
    "transpose_": (
        "In-place ``transpose``.",
        {
            "dim0": "the first dimension.",
            "dim1": "the second dimension.",
        },
        (">>> x = ferrograd.zeros(2, 3)\n>>> x.transpose_(0, 1).shape\nferrograd.Size([3, 2])"),
    ),
    "swapaxes_": (
        "In-place ``swapaxes``.",
        {},
        (">>> ferrograd.zeros(2, 3).swapaxes_(0, 1).shape\nferrograd.Size([3, 2])"),
    ),
    "swapdims_": (
        "In-place ``swapdims``.",
        {},
        (">>> ferrograd.zeros(2, 3).swapdims_(0, 1).shape\nferrograd.Size([3, 2])"),
    ),
    "tril_": (
        "In-place ``tril``.",
        {
            "diagonal": "which diagonal.",
        },
        (">>> ferrograd.ones(2, 2).tril_()\ntensor([[1., 0.],\n        [1., 1.]])"),
    ),
    "triu_": (
        "In-place ``triu``.",
        {
            "diagonal": "which diagonal.",
        },
        (">>> ferrograd.ones(2, 2).triu_()\ntensor([[1., 1.],\n        [0., 1.]])"),
    ),
    "fill_diagonal_": (
        "Fills the main diagonal with ``fill_value``, in place.",
        {
            "fill_value": "the value.",
            "wrap": "continue the diagonal below a tall matrix's first square.",
        },
        (
            ">>> ferrograd.zeros(2, 3).fill_diagonal_(5)\n"
            "tensor([[5., 0., 0.],\n"
            "        [0., 5., 0.]])"
        ),
    ),
    "index_add_": (
        "In-place ``index_add``.",
        {
            "dim": "the dimension indexed.",
            "index": "where each slice of ``source`` goes.",
            "source": "the values added.",
            "alpha": "the multiplier of ``source``.",
        },
        (
            ">>> ferrograd.zeros(3).index_add_(0, ferrograd.tensor([0, 2]), "
            "ferrograd.tensor([1.0, 2.0]))\n"
            "tensor([1., 0., 2.])"
        ),
    ),
    "index_copy": (
        ("Copies the slices of ``source`` into a copy of ``self`` at ``index`` along ``dim``."),
        {
            "dim": "the dimension indexed.",
            "index": "where each slice goes.",
            "source": "the values copied.",
        },
        (
            ">>> ferrograd.zeros(3).index_copy(0, ferrograd.tensor([2, 0]), "
            "ferrograd.tensor([1.0, 2.0]))\n"
            "tensor([2., 0., 1.])"
        ),
    ),
    "index_copy_": (
        "In-place ``index_copy``.",
        {},
        (
            ">>> ferrograd.zeros(3).index_copy_(0, ferrograd.tensor([1]), "
            "ferrograd.tensor([5.0]))\n"
            "tensor([0., 5., 0.])"
        ),
    ),
    "index_fill": (
        "Fills the slices at ``index`` along ``dim`` with ``value`` (a copy).",
        {
            "dim": "the dimension indexed.",
            "index": "the slices filled.",
            "value": "the value.",
        },
        (
            ">>> ferrograd.zeros(2, 3).index_fill(1, ferrograd.tensor([0, 2]), -1.0)\n"
            "tensor([[-1.,  0., -1.],\n"
            "        [-1.,  0., -1.]])"
        ),
    ),
    "index_fill_": (
        "In-place ``index_fill``.",
        {},
        (">>> ferrograd.zeros(3).index_fill_(0, ferrograd.tensor([1]), 7.0)\ntensor([0., 7., 0.])"),
    ),
    "index_put": (
        (
            "Writes ``values`` at the positions given by a tuple of index tensors "
            "(``accumulate=True`` adds instead), in a copy."
        ),
        {
            "indices": "one index tensor per dimension.",
            "values": "the values written.",
            "accumulate": "add to the existing values (repeated positions accumulate).",
        },
        (
            ">>> ferrograd.zeros(3).index_put((ferrograd.tensor([0, 0, 2]),), "
            "ferrograd.tensor([1.0, 1.0, 5.0]), accumulate=True)\n"
            "tensor([2., 0., 5.])"
        ),
    ),
    "index_put_": (
        "In-place ``index_put``.",
        {},
        (
            ">>> ferrograd.zeros(3).index_put_((ferrograd.tensor([1]),), "
            "ferrograd.tensor([4.0]))\n"
            "tensor([0., 4., 0.])"
        ),
    ),
    "index_reduce": (
        (
            "Reduces ``source``'s slices into ``self``'s slices at ``index`` along ``dim`` "
            "with ``reduce`` (``'prod'``, ``'mean'``, ``'amax'``, ``'amin'``)."
        ),
        {
            "dim": "the dimension indexed.",
            "index": "where each slice goes.",
            "source": "the values reduced in.",
            "reduce": "the reduction.",
            "include_self": "include ``self``'s values in the reduction.",
        },
        (
            ">>> ferrograd.ones(2).index_reduce(0, ferrograd.tensor([0, 0]), "
            "ferrograd.tensor([2.0, 3.0]), 'prod')\n"
            "tensor([6., 1.])"
        ),
    ),
    "index_reduce_": (
        "In-place ``index_reduce``.",
        {},
        (
            ">>> ferrograd.ones(2).index_reduce_(0, ferrograd.tensor([1]), "
            "ferrograd.tensor([5.0]), 'amax')\n"
            "tensor([1., 5.])"
        ),
    ),
    "scatter_": (
        "In-place ``scatter``.",
        {},
        (">>> ferrograd.zeros(3).scatter_(0, ferrograd.tensor([2]), 9.0)\ntensor([0., 0., 9.])"),
    ),
    "scatter_add_": (
        "In-place ``scatter_add``.",
        {},
        (
            ">>> ferrograd.zeros(3).scatter_add_(0, ferrograd.tensor([0, 0]), "
            "ferrograd.ones(2))\n"
            "tensor([2., 0., 0.])"
        ),
    ),
    "scatter_reduce": (
        (
            "Reduces ``src`` into a copy of ``self`` at the positions ``index`` gives "
            "along ``dim``, with ``reduce`` (``'sum'``, ``'prod'``, ``'mean'``, "
            "``'amax'``, ``'amin'``)."
        ),
        {
            "dim": "the dimension indexed.",
            "index": "the positions.",
            "src": "the values reduced in.",
            "reduce": "the reduction.",
            "include_self": "include ``self``'s values.",
        },
        (
            ">>> ferrograd.zeros(2).scatter_reduce(0, ferrograd.tensor([0, 0, 1]), "
            "ferrograd.tensor([1.0, 3.0, 2.0]), 'amax')\n"
            "tensor([3., 2.])"
        ),
    ),
    "scatter_reduce_": (
        "In-place ``scatter_reduce``.",
        {},
        (
            ">>> ferrograd.zeros(2).scatter_reduce_(0, ferrograd.tensor([1, 1]), "
            "ferrograd.tensor([1.0, 3.0]), 'sum')\n"
            "tensor([0., 4.])"
        ),
    ),
    "masked_scatter": (
        (
            "Copies ``source``'s elements, in order, into the positions where ``mask`` is "
            "True (a copy)."
        ),
        {
            "mask": "a bool tensor.",
            "source": "the values, read in order.",
        },
        (
            ">>> ferrograd.zeros(4).masked_scatter(ferrograd.tensor([True, False, True, "
            "False]), ferrograd.tensor([1.0, 2.0]))\n"
            "tensor([1., 0., 2., 0.])"
        ),
    ),
    "masked_scatter_": (
        "In-place ``masked_scatter``.",
        {},
        (
            ">>> ferrograd.zeros(2).masked_scatter_(ferrograd.tensor([False, True]), "
            "ferrograd.tensor([7.0]))\n"
            "tensor([0., 7.])"
        ),
    ),
    "put": (
        "Writes ``source`` at the flat positions ``index`` (a copy; ``accumulate`` adds).",
        {
            "index": "flat positions.",
            "source": "the values.",
            "accumulate": "add instead of writing.",
        },
        (
            ">>> ferrograd.zeros(2, 2).put(ferrograd.tensor([3]), ferrograd.tensor([5.0]))\n"
            "tensor([[0., 0.],\n"
            "        [0., 5.]])"
        ),
    ),
    "put_": (
        "In-place ``put``.",
        {},
        (
            ">>> ferrograd.zeros(3).put_(ferrograd.tensor([0]), ferrograd.tensor([1.0]))\n"
            "tensor([1., 0., 0.])"
        ),
    ),
    "take": (
        "The elements at the flat positions ``index`` (the tensor read as 1-D).",
        {
            "index": "flat positions.",
        },
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> x.take(ferrograd.tensor([0, 3]))\n"
            "tensor([1., 4.])"
        ),
    ),
    "take_along_dim": (
        (
            "The values at ``indices`` along ``dim`` (``gather`` with broadcasting; "
            "flattened when ``dim`` is None)."
        ),
        {
            "indices": "the positions.",
            "dim": "the dimension.",
        },
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> x.take_along_dim(ferrograd.tensor([[1], [0]]), dim=1)\n"
            "tensor([[2.],\n"
            "        [3.]])"
        ),
    ),
    "select": (
        "The slice at ``index`` along ``dim`` (a view, that dimension removed).",
        {
            "dim": "the dimension.",
            "index": "the position.",
        },
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> x.select(1, 0)\n"
            "tensor([1., 3.])"
        ),
    ),
    "select_scatter": (
        "A copy of ``self`` with ``src`` written into the slice ``select(dim, index)``.",
        {
            "src": "the values.",
            "dim": "the dimension.",
            "index": "the position.",
        },
        (
            ">>> ferrograd.zeros(2, 2).select_scatter(ferrograd.ones(2), 0, 0)\n"
            "tensor([[1., 1.],\n"
            "        [0., 0.]])"
        ),
    ),
    "slice_scatter": (
        ("A copy of ``self`` with ``src`` written into the slice ``start:end:step`` of ``dim``."),
        {
            "src": "the values.",
            "dim": "the dimension.",
            "start": "the first index.",
            "end": "the end (excluded).",
            "step": "the step.",
        },
        (
            ">>> ferrograd.zeros(4).slice_scatter(ferrograd.ones(2), start=1, end=3)\n"
            "tensor([0., 1., 1., 0.])"
        ),
    ),
    "diagonal_scatter": (
        "A copy of ``self`` with ``src`` written into its diagonal.",
        {
            "src": "the values.",
            "offset": "which diagonal.",
        },
        (
            ">>> ferrograd.zeros(2, 2).diagonal_scatter(ferrograd.tensor([1.0, 2.0]))\n"
            "tensor([[1., 0.],\n"
            "        [0., 2.]])"
        ),
    ),
    "as_strided": (
        (
            "A view with the given ``size``, ``stride`` and ``storage_offset`` over the "
            "same storage."
        ),
        {
            "size": "the shape.",
            "stride": "the strides.",
            "storage_offset": "the first element's position.",
        },
        (">>> ferrograd.arange(6).as_strided((2, 2), (1, 2))\ntensor([[0, 2],\n        [1, 3]])"),
    ),
    "as_strided_": (
        "In-place ``as_strided``: changes this tensor's view.",
        {},
        (">>> ferrograd.arange(4).as_strided_((2,), (2,))\ntensor([0, 2])"),
    ),
    "as_strided_scatter": (
        (
            "A copy of ``self`` with ``src`` written into the strided view "
            "``as_strided(size, stride, storage_offset)``."
        ),
        {},
        (
            ">>> ferrograd.zeros(4).as_strided_scatter(ferrograd.ones(2), (2,), (2,))\n"
            "tensor([1., 0., 1., 0.])"
        ),
    ),
    "broadcast_to": (
        "A view broadcast to ``size`` (``expand``).",
        {
            "size": "the new shape.",
        },
        (">>> ferrograd.tensor([1, 2]).broadcast_to((2, 2))\ntensor([[1, 2],\n        [1, 2]])"),
    ),
    "ravel": (
        "The tensor flattened to 1-D (a view when contiguous).",
        {},
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> x.ravel()\n"
            "tensor([1., 2., 3., 4.])"
        ),
    ),
    "unflatten": (
        "Splits dimension ``dim`` into ``sizes``.",
        {
            "dim": "the dimension split.",
            "sizes": "its new shape.",
        },
        (">>> ferrograd.zeros(2, 6).unflatten(1, (2, 3)).shape\nferrograd.Size([2, 2, 3])"),
    ),
    "tensor_split": (
        (
            "Splits into pieces along ``dim``: ``sections`` nearly equal pieces, or at the "
            "given indices."
        ),
        {
            "indices_or_sections": "a count of pieces or a list of split points.",
            "dim": "the dimension.",
        },
        (">>> ferrograd.arange(5).tensor_split(2)\n(tensor([0, 1, 2]), tensor([3, 4]))"),
    ),
    "split_with_sizes": (
        "Splits along ``dim`` into pieces of the given sizes.",
        {
            "split_sizes": "the sizes.",
            "dim": "the dimension.",
        },
        (">>> ferrograd.arange(5).split_with_sizes([2, 3])\n(tensor([0, 1]), tensor([2, 3, 4]))"),
    ),
    "unsafe_split": (
        "``split`` (the views are not checked for in-place use).",
        {},
        (">>> ferrograd.arange(4).unsafe_split(2)\n(tensor([0, 1]), tensor([2, 3]))"),
    ),
    "unsafe_chunk": (
        "``chunk`` (the views are not checked for in-place use).",
        {},
        (">>> ferrograd.arange(4).unsafe_chunk(2)\n(tensor([0, 1]), tensor([2, 3]))"),
    ),
    "unsafe_split_with_sizes": (
        "``split_with_sizes`` (the views are not checked).",
        {},
        (
            ">>> ferrograd.arange(4).unsafe_split_with_sizes([1, 3])\n"
            "(tensor([0]), tensor([1, 2, 3]))"
        ),
    ),
    "hsplit": (
        "Splits horizontally: along dimension 1 (0 for 1-D tensors).",
        {},
        (">>> ferrograd.arange(4).reshape(1, 4).hsplit(2)\n(tensor([[0, 1]]), tensor([[2, 3]]))"),
    ),
    "vsplit": (
        "Splits vertically: along dimension 0.",
        {},
        (">>> ferrograd.arange(4).reshape(4, 1).vsplit(2)[0]\ntensor([[0],\n        [1]])"),
    ),
    "dsplit": (
        "Splits depthwise: along dimension 2.",
        {},
        (">>> ferrograd.zeros(1, 1, 4).dsplit(2)[0].shape\nferrograd.Size([1, 1, 2])"),
    ),
    "fliplr": (
        "Reverses the order of the columns (dimension 1).",
        {},
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> x.fliplr()\n"
            "tensor([[2., 1.],\n"
            "        [4., 3.]])"
        ),
    ),
    "flipud": (
        "Reverses the order of the rows (dimension 0).",
        {},
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> x.flipud()\n"
            "tensor([[3., 4.],\n"
            "        [1., 2.]])"
        ),
    ),
    "rot90": (
        "Rotates by 90 degrees ``k`` times in the plane of ``dims``.",
        {
            "k": "the number of quarter turns.",
            "dims": "the plane.",
        },
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> x.rot90()\n"
            "tensor([[2., 4.],\n"
            "        [1., 3.]])"
        ),
    ),
    "narrow_copy": (
        "``narrow``, as a copy.",
        {},
        (">>> ferrograd.arange(5).narrow_copy(0, 1, 2)\ntensor([1, 2])"),
    ),
    "diag_embed": (
        "Places the last dimension's values on the diagonals of new matrices.",
        {
            "offset": "which diagonal.",
            "dim1": "the first matrix dimension.",
            "dim2": "the second.",
        },
        (">>> ferrograd.tensor([1, 2]).diag_embed()\ntensor([[1, 0],\n        [0, 2]])"),
    ),
    "diagflat": (
        "A matrix with the flattened input on its diagonal.",
        {
            "offset": "which diagonal.",
        },
        (">>> ferrograd.tensor([[1, 2]]).diagflat()\ntensor([[1, 0],\n        [0, 2]])"),
    ),
    "diff": (
        "The ``n``-th forward difference along ``dim``.",
        {
            "n": "how many times.",
            "dim": "the dimension.",
            "prepend": "values put before.",
            "append": "values put after.",
        },
        (">>> ferrograd.tensor([1, 4, 9, 16]).diff()\ntensor([3, 5, 7])"),
    ),
    "clamp_min": (
        "``clamp(min=min)``.",
        {
            "min": "the lower bound.",
        },
        (">>> ferrograd.tensor([-1.0, 2.0]).clamp_min(0.0)\ntensor([0., 2.])"),
    ),
    "clamp_max": (
        "``clamp(max=max)``.",
        {
            "max": "the upper bound.",
        },
        (">>> ferrograd.tensor([-1.0, 2.0]).clamp_max(0.0)\ntensor([-1.,  0.])"),
    ),
    "clamp_min_": (
        "In-place ``clamp_min``.",
        {},
        (">>> ferrograd.tensor([-1.0, 2.0]).clamp_min_(0.0)\ntensor([0., 2.])"),
    ),
    "clamp_max_": (
        "In-place ``clamp_max``.",
        {},
        (">>> ferrograd.tensor([-1.0, 2.0]).clamp_max_(0.0)\ntensor([-1.,  0.])"),
    ),
    "clip_": (
        "In-place ``clip`` (``clamp``).",
        {},
        (">>> ferrograd.tensor([-2.0, 2.0]).clip_(-1, 1)\ntensor([-1.,  1.])"),
    ),
    "addcmul": (
        "``self + value * tensor1 * tensor2``.",
        {
            "tensor1": "the first factor.",
            "tensor2": "the second factor.",
            "value": "the multiplier.",
        },
        (
            ">>> ferrograd.ones(2).addcmul(ferrograd.tensor([1.0, 2.0]), "
            "ferrograd.tensor([3.0, 4.0]), value=0.5)\n"
            "tensor([2.5000, 5.0000])"
        ),
    ),
    "addcmul_": (
        "In-place ``addcmul``.",
        {},
        (
            ">>> ferrograd.ones(2).addcmul_(ferrograd.tensor([1.0, 2.0]), "
            "ferrograd.tensor([3.0, 4.0]))\n"
            "tensor([4., 9.])"
        ),
    ),
    "addcdiv": (
        "``self + value * tensor1 / tensor2``.",
        {
            "tensor1": "the numerator.",
            "tensor2": "the denominator.",
            "value": "the multiplier.",
        },
        (
            ">>> ferrograd.ones(2).addcdiv(ferrograd.tensor([1.0, 2.0]), "
            "ferrograd.tensor([4.0, 4.0]))\n"
            "tensor([1.2500, 1.5000])"
        ),
    ),
    "addcdiv_": (
        "In-place ``addcdiv``.",
        {},
        (
            ">>> ferrograd.ones(2).addcdiv_(ferrograd.tensor([1.0, 2.0]), "
            "ferrograd.tensor([4.0, 4.0]))\n"
            "tensor([1.2500, 1.5000])"
        ),
    ),
    "addmm_": (
        "In-place ``addmm``.",
        {},
        (
            ">>> ferrograd.ones(2, 2).addmm_(ferrograd.eye(2), ferrograd.eye(2))\n"
            "tensor([[2., 1.],\n"
            "        [1., 2.]])"
        ),
    ),
    "addmv": (
        "``beta * self + alpha * (mat @ vec)``.",
        {
            "mat": "the matrix.",
            "vec": "the vector.",
            "beta": "the multiplier of ``self``.",
            "alpha": "the multiplier of the product.",
        },
        (
            ">>> ferrograd.ones(2).addmv(ferrograd.eye(2), ferrograd.tensor([1.0, 2.0]))\n"
            "tensor([2., 3.])"
        ),
    ),
    "addmv_": (
        "In-place ``addmv``.",
        {},
        (
            ">>> ferrograd.ones(2).addmv_(ferrograd.eye(2), ferrograd.tensor([1.0, 2.0]))\n"
            "tensor([2., 3.])"
        ),
    ),
    "addr": (
        "``beta * self + alpha * outer(vec1, vec2)``.",
        {
            "vec1": "the first vector.",
            "vec2": "the second vector.",
            "beta": "the multiplier of ``self``.",
            "alpha": "the multiplier of the product.",
        },
        (
            ">>> ferrograd.zeros(2, 2).addr(ferrograd.tensor([1.0, 2.0]), "
            "ferrograd.tensor([1.0, 3.0]))\n"
            "tensor([[1., 3.],\n"
            "        [2., 6.]])"
        ),
    ),
    "addr_": (
        "In-place ``addr``.",
        {},
        (
            ">>> ferrograd.zeros(2, 2).addr_(ferrograd.tensor([1.0, 2.0]), "
            "ferrograd.tensor([1.0, 3.0]))\n"
            "tensor([[1., 3.],\n"
            "        [2., 6.]])"
        ),
    ),
    "addbmm": (
        "``beta * self + alpha * sum_b(batch1[b] @ batch2[b])``.",
        {
            "batch1": "the left batch.",
            "batch2": "the right batch.",
            "beta": "the multiplier of ``self``.",
            "alpha": "the multiplier of the sum.",
        },
        (
            ">>> ferrograd.zeros(2, 2).addbmm(ferrograd.ones(3, 2, 1), ferrograd.ones(3, "
            "1, 2))\n"
            "tensor([[3., 3.],\n"
            "        [3., 3.]])"
        ),
    ),
    "addbmm_": (
        "In-place ``addbmm``.",
        {},
        (
            ">>> ferrograd.zeros(2, 2).addbmm_(ferrograd.ones(3, 2, 1), ferrograd.ones(3, "
            "1, 2))\n"
            "tensor([[3., 3.],\n"
            "        [3., 3.]])"
        ),
    ),
    "baddbmm": (
        "``beta * self + alpha * (batch1 @ batch2)``, batch by batch.",
        {
            "batch1": "the left batch.",
            "batch2": "the right batch.",
            "beta": "the multiplier of ``self``.",
            "alpha": "the multiplier of the products.",
        },
        (
            ">>> ferrograd.zeros(3, 2, 2).baddbmm(ferrograd.ones(3, 2, 1), "
            "ferrograd.ones(3, 1, 2)).shape\n"
            "ferrograd.Size([3, 2, 2])"
        ),
    ),
    "baddbmm_": (
        "In-place ``baddbmm``.",
        {},
        (
            ">>> ferrograd.zeros(1, 2, 2).baddbmm_(ferrograd.ones(1, 2, 1), "
            "ferrograd.ones(1, 1, 2))\n"
            "tensor([[[1., 1.],\n"
            "         [1., 1.]]])"
        ),
    ),
    "adjoint": (
        "The conjugate transpose of the last two dimensions (a view).",
        {},
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> x.adjoint()\n"
            "tensor([[1., 3.],\n"
            "        [2., 4.]])"
        ),
    ),
    "aminmax": (
        "The minimum and the maximum at once: a named tuple ``(min, max)``.",
        {
            "dim": "the dimension reduced (all by default).",
            "keepdim": _KEEPDIM,
        },
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> x.aminmax()\n"
            "ferrograd.return_types.aminmax(\n"
            "min=tensor(1.),\n"
            "max=tensor(4.))"
        ),
    ),
    "argwhere": (
        "The indices of the nonzero elements, one row each (``nonzero()``).",
        {},
        (">>> ferrograd.tensor([[0, 1], [2, 0]]).argwhere()\ntensor([[0, 1],\n        [1, 0]])"),
    ),
    "bincount": (
        (
            "The number of occurrences of each value of a non-negative int tensor (summed "
            "``weights`` if given)."
        ),
        {
            "weights": "a weight per element.",
            "minlength": "the least length of the result.",
        },
        (">>> ferrograd.tensor([0, 1, 1, 3]).bincount()\ntensor([1, 2, 0, 1])"),
    ),
    "cummin": (
        "The running minima along ``dim`` and their indices.",
        {
            "dim": "the dimension scanned.",
        },
        (
            ">>> ferrograd.tensor([3, 1, 2, 0]).cummin(0)\n"
            "ferrograd.return_types.cummin(\n"
            "values=tensor([3, 1, 1, 0]),\n"
            "indices=tensor([0, 1, 1, 3]))"
        ),
    ),
    "cumprod_": (
        "In-place ``cumprod``.",
        {
            "dim": "the dimension scanned.",
        },
        (">>> ferrograd.tensor([1.0, 2.0, 3.0]).cumprod_(0)\ntensor([1., 2., 6.])"),
    ),
    "logcumsumexp": (
        "``log(cumsum(exp(x)))`` along ``dim``, computed stably.",
        {
            "dim": "the dimension scanned.",
        },
        (">>> ferrograd.tensor([0.0, 0.0, 0.0]).logcumsumexp(0)\ntensor([0.0000, 0.6931, 1.0986])"),
    ),
    "kthvalue": (
        "The ``k``-th smallest element along ``dim`` and its index.",
        {
            "k": "which (1 is the smallest).",
            "dim": "the dimension (the last by default).",
            "keepdim": _KEEPDIM,
        },
        (
            ">>> ferrograd.tensor([3.0, 1.0, 2.0]).kthvalue(2)\n"
            "ferrograd.return_types.kthvalue(\n"
            "values=tensor(2.),\n"
            "indices=tensor(2))"
        ),
    ),
    "mode": (
        ("The most frequent value along ``dim`` (the smallest among ties) and an index of it."),
        {
            "dim": "the dimension (the last by default).",
            "keepdim": _KEEPDIM,
        },
        (
            ">>> ferrograd.tensor([1, 2, 2, 3]).mode()\n"
            "ferrograd.return_types.mode(\n"
            "values=tensor(2),\n"
            "indices=tensor(2))"
        ),
    ),
    "msort": (
        "Sorts along the first dimension.",
        {},
        (">>> ferrograd.tensor([[3, 1], [1, 2]]).msort()\ntensor([[1, 1],\n        [3, 2]])"),
    ),
    "nanmedian": (
        "The median ignoring NaNs.",
        {
            "dim": "the dimension reduced.",
            "keepdim": _KEEPDIM,
        },
        (">>> ferrograd.tensor([1.0, float('nan'), 3.0, 2.0]).nanmedian()\ntensor(2.)"),
    ),
    "quantile": (
        "The ``q``-th quantiles along ``dim`` (linear interpolation by default).",
        {
            "q": "a number or 1-D tensor in [0, 1].",
            "dim": "the dimension (all by default).",
            "keepdim": _KEEPDIM,
            "interpolation": (
                "``'linear'``, ``'lower'``, ``'higher'``, ``'midpoint'`` or ``'nearest'``"
            ),
        },
        (">>> ferrograd.tensor([1.0, 2.0, 3.0, 4.0]).quantile(0.5)\ntensor(2.5000)"),
    ),
    "nanquantile": (
        "``quantile`` ignoring NaNs.",
        {},
        (">>> ferrograd.tensor([1.0, float('nan'), 3.0]).nanquantile(0.5)\ntensor(2.)"),
    ),
    "corrcoef": (
        "The Pearson correlation coefficients of the rows (variables) of a 2-D tensor.",
        {},
        (
            ">>> ferrograd.tensor([[1.0, 2.0, 3.0], [2.0, 4.0, 7.0]]).corrcoef()\n"
            "tensor([[1.0000, 0.9934],\n"
            "        [0.9934, 1.0000]])"
        ),
    ),
    "cov": (
        "The covariance matrix of the rows (variables) of a 2-D tensor.",
        {
            "correction": "subtracted from the count in the divisor.",
            "fweights": "integer frequency weights.",
            "aweights": "observation weights.",
        },
        (
            ">>> ferrograd.tensor([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0]]).cov()\n"
            "tensor([[1., 2.],\n"
            "        [2., 4.]])"
        ),
    ),
    "histogram": (
        "The histogram of the elements: ``(hist, bin_edges)``.",
        {
            "bins": "the number of bins or their edges.",
            "range": "the lower and upper end.",
            "weight": "a weight per element.",
            "density": "normalize to a density.",
        },
        (
            ">>> ferrograd.tensor([1.0, 2.0, 1.0]).histogram(bins=2)\n"
            "ferrograd.return_types.histogram(\n"
            "hist=tensor([2., 1.]),\n"
            "bin_edges=tensor([1.0000, 1.5000, 2.0000]))"
        ),
    ),
    "frexp": (
        (
            "Splits each element into a mantissa in [0.5, 1) and an integer exponent: ``x "
            "= mantissa * 2 ** exponent``."
        ),
        {},
        (
            ">>> ferrograd.tensor([8.0, 0.75]).frexp()\n"
            "ferrograd.return_types.frexp(\n"
            "mantissa=tensor([0.5000, 0.7500]),\n"
            "exponent=tensor([4, 0], dtype=ferrograd.int32))"
        ),
    ),
    "renorm": (
        (
            "Rescales each slice along ``dim`` whose ``p``-norm exceeds ``maxnorm`` to "
            "norm ``maxnorm``."
        ),
        {
            "p": "the norm's order.",
            "dim": "the dimension whose slices are rescaled.",
            "maxnorm": "the largest norm kept.",
        },
        (
            ">>> ferrograd.tensor([[3.0, 4.0], [0.3, 0.4]]).renorm(2, 0, 1.0)\n"
            "tensor([[0.6000, 0.8000],\n"
            "        [0.3000, 0.4000]])"
        ),
    ),
    "renorm_": (
        "In-place ``renorm``.",
        {},
        (">>> ferrograd.tensor([[3.0, 4.0]]).renorm_(2, 0, 1.0)\ntensor([[0.6000, 0.8000]])"),
    ),
    "inverse": (
        "The inverse of a square matrix (``linalg.inv``).",
        {},
        (
            ">>> ferrograd.tensor([[2.0, 0.0], [0.0, 4.0]]).inverse()\n"
            "tensor([[0.5000, 0.0000],\n"
            "        [0.0000, 0.2500]])"
        ),
    ),
    "det": (
        "The determinant (``linalg.det``).",
        {},
        (">>> A = ferrograd.tensor([[4.0, 1.0], [1.0, 3.0]])\n>>> A.det()\ntensor(11.)"),
    ),
    "logdet": (
        "The log of the determinant (NaN if it is negative).",
        {},
        (">>> A = ferrograd.tensor([[4.0, 1.0], [1.0, 3.0]])\n>>> A.logdet()\ntensor(2.3979)"),
    ),
    "slogdet": (
        "The sign and the log-absolute value of the determinant.",
        {},
        (
            ">>> ferrograd.tensor([[2.0, 0.0], [0.0, -3.0]]).slogdet()\n"
            "ferrograd.return_types.slogdet(\n"
            "sign=tensor(-1.),\n"
            "logabsdet=tensor(1.7918))"
        ),
    ),
    "cholesky": (
        (
            "The lower Cholesky factor ``L`` with ``self = L @ L.mT`` (``upper=True``: the "
            "upper one). PyTorch 2.15 removed this method; ``linalg.cholesky`` replaces it."
        ),
        {
            "upper": "return the upper factor.",
        },
        (
            ">>> A = ferrograd.tensor([[4.0, 1.0], [1.0, 3.0]])\n"
            ">>> A.cholesky()\n"
            "tensor([[2.0000, 0.0000],\n"
            "        [0.5000, 1.6583]])"
        ),
    ),
    "cholesky_inverse": (
        "The inverse of ``A`` from its Cholesky factor (this tensor).",
        {
            "upper": "the factor is upper-triangular.",
        },
        (
            ">>> ferrograd.tensor([[2.0, 0.0], [1.0, 1.0]]).cholesky_inverse()\n"
            "tensor([[ 0.5000, -0.5000],\n"
            "        [-0.5000,  1.0000]])"
        ),
    ),
    "cholesky_solve": (
        "Solves ``A X = self`` given the Cholesky factor of ``A``.",
        {
            "input2": "the Cholesky factor.",
            "upper": "the factor is upper-triangular.",
        },
        (
            ">>> ferrograd.tensor([[4.0], [1.0]]).cholesky_solve(ferrograd.tensor([[2.0, "
            "0.0], [0.0, 1.0]]))\n"
            "tensor([[1.],\n"
            "        [1.]])"
        ),
    ),
    "matrix_power": (
        "The matrix to the integer power ``n``.",
        {
            "n": "the power.",
        },
        (
            ">>> ferrograd.tensor([[1.0, 1.0], [0.0, 1.0]]).matrix_power(2)\n"
            "tensor([[1., 2.],\n"
            "        [0., 1.]])"
        ),
    ),
    "matrix_exp": (
        "The matrix exponential.",
        {},
        (">>> ferrograd.zeros(2, 2).matrix_exp()\ntensor([[1., 0.],\n        [0., 1.]])"),
    ),
    "pinverse": (
        "The pseudo-inverse (``linalg.pinv``).",
        {},
        (
            ">>> ferrograd.tensor([[2.0, 0.0], [0.0, 0.0]]).pinverse()\n"
            "tensor([[0.5000, 0.0000],\n"
            "        [0.0000, 0.0000]])"
        ),
    ),
    "qr": (
        (
            "The QR factorization ``(Q, R)``. PyTorch 2.15 removed this method; "
            "``linalg.qr`` replaces it."
        ),
        {
            "some": "the reduced factorization (True) or the complete one.",
        },
        (
            ">>> A = ferrograd.tensor([[4.0, 1.0], [1.0, 3.0]])\n"
            ">>> Q, R = A.qr()\n"
            ">>> ferrograd.allclose(Q @ R, A)\n"
            "True"
        ),
    ),
    "svd": (
        (
            "The singular value decomposition ``(U, S, V)`` with ``self = U @ diag(S) @ "
            "V.mT`` (``V``, not ``Vh``, as PyTorch's ``svd``)."
        ),
        {
            "some": "the reduced decomposition.",
            "compute_uv": "compute ``U`` and ``V``.",
        },
        (
            ">>> U, S, V = ferrograd.tensor([[3.0, 0.0], [0.0, -2.0]]).svd()\n"
            ">>> S\n"
            "tensor([3., 2.])"
        ),
    ),
    "lu": (
        "The packed LU factorization ``(LU, pivots)``.",
        {},
        (
            ">>> A = ferrograd.tensor([[4.0, 1.0], [1.0, 3.0]])\n"
            ">>> LU, pivots = A.lu()\n"
            ">>> pivots\n"
            "tensor([1, 2], dtype=ferrograd.int32)"
        ),
    ),
    "lu_solve": (
        "Solves ``A X = self`` from ``A``'s packed LU factorization.",
        {
            "LU_data": "the packed factors.",
            "LU_pivots": "the pivots.",
        },
        (
            ">>> A = ferrograd.tensor([[4.0, 1.0], [1.0, 3.0]])\n"
            ">>> LU, pivots = A.lu()\n"
            ">>> ferrograd.tensor([[5.0], [4.0]]).lu_solve(LU, pivots)\n"
            "tensor([[1.],\n"
            "        [1.]])"
        ),
    ),
    "multinomial": (
        (
            "Draws ``num_samples`` category indices per row, with probabilities "
            "proportional to the row's weights."
        ),
        {
            "num_samples": "how many.",
            "replacement": "draw with replacement.",
            "generator": "the generator drawn from.",
        },
        (">>> ferrograd.tensor([0.0, 1.0, 0.0]).multinomial(2, replacement=True)\ntensor([1, 1])"),
    ),
    "bernoulli_": (
        "Fills the tensor in place with 0/1 draws, 1 with probability ``p``.",
        {
            "p": "the probability (a number or tensor).",
        },
        (">>> ferrograd.zeros(3).bernoulli_(1.0)\ntensor([1., 1., 1.])"),
    ),
    "random_": (
        "Fills the tensor in place with integers drawn uniformly from ``[from, to)``.",
        {},
        (
            ">>> x = ferrograd.zeros(100).random_(0, 3)\n"
            ">>> sorted(set(x.tolist())) == [0.0, 1.0, 2.0]\n"
            "True"
        ),
    ),
    "exponential_": (
        (
            "Fills the tensor in place with draws from the exponential distribution of "
            "rate ``lambd``."
        ),
        {
            "lambd": "the rate.",
        },
        (">>> bool((ferrograd.zeros(100).exponential_(2.0) >= 0).all())\nTrue"),
    ),
    "geometric_": (
        (
            "Fills the tensor in place with draws from the geometric distribution (trials "
            "until the first success)."
        ),
        {
            "p": "the success probability.",
        },
        (">>> bool((ferrograd.zeros(100).geometric_(0.5) >= 1).all())\nTrue"),
    ),
    "cauchy_": (
        "Fills the tensor in place with draws from the Cauchy distribution.",
        {
            "median": "the median.",
            "sigma": "the half width.",
        },
        (">>> ferrograd.zeros(4).cauchy_().shape\nferrograd.Size([4])"),
    ),
    "log_normal_": (
        "Fills the tensor in place with draws from the log-normal distribution.",
        {
            "mean": "the mean of the logarithm.",
            "std": "the standard deviation of the logarithm.",
        },
        (">>> bool((ferrograd.zeros(100).log_normal_() > 0).all())\nTrue"),
    ),
    "detach_": (
        (
            "Detaches the tensor from the graph in place (it becomes a leaf that does not "
            "require grad)."
        ),
        {},
        (">>> x = ferrograd.ones(1, requires_grad=True) * 2\n>>> x.detach_().requires_grad\nFalse"),
    ),
    "polygamma": (
        "The ``n``-th derivative of the digamma function.",
        {
            "n": "the order.",
        },
        (">>> ferrograd.tensor([1.0, 2.0]).polygamma(1)\ntensor([1.6449, 0.6449])"),
    ),
    "polygamma_": (
        "In-place ``polygamma``.",
        {},
        (">>> ferrograd.tensor([1.0, 2.0]).polygamma_(1)\ntensor([1.6449, 0.6449])"),
    ),
    "mvlgamma": (
        "The multivariate log-gamma of dimension ``p``.",
        {
            "p": "the dimension.",
        },
        (">>> ferrograd.tensor([2.0, 3.0]).mvlgamma(2)\ntensor([0.4516, 1.5502])"),
    ),
    "mvlgamma_": (
        "In-place ``mvlgamma``.",
        {},
        (">>> ferrograd.tensor([2.0, 3.0]).mvlgamma_(2)\ntensor([0.4516, 1.5502])"),
    ),
    "lerp_": (
        "In-place ``lerp``.",
        {},
        (
            ">>> ferrograd.tensor([0.0, 10.0]).lerp_(ferrograd.tensor([10.0, 20.0]), 0.5)\n"
            "tensor([ 5., 15.])"
        ),
    ),
    "float_power_": (
        "In-place ``float_power`` (the tensor must be float64).",
        {},
        (
            ">>> ferrograd.tensor([2.0, 3.0], dtype=ferrograd.float64).float_power_(2)\n"
            "tensor([4., 9.], dtype=ferrograd.float64)"
        ),
    ),
    "sum_to_size": (
        (
            "Sums dimensions so that the result has ``size`` (which must broadcast to this "
            "tensor's shape)."
        ),
        {
            "size": "the target shape.",
        },
        (">>> ferrograd.ones(2, 3).sum_to_size(1, 3)\ntensor([[2., 2., 2.]])"),
    ),
    "new_empty_strided": (
        (
            "An uninitialized tensor with this tensor's dtype and device, of ``size`` and "
            "``stride``."
        ),
        {},
        (">>> ferrograd.zeros(1).new_empty_strided((2, 2), (1, 2)).stride()\n(1, 2)"),
    ),
    "resize_": (
        "Resizes the tensor in place to ``sizes`` (new elements are not meant to be read).",
        {},
        (">>> ferrograd.zeros(4).resize_(2, 2).shape\nferrograd.Size([2, 2])"),
    ),
    "resize_as_": (
        "Resizes the tensor in place to ``other``'s shape.",
        {},
        (">>> ferrograd.zeros(4).resize_as_(ferrograd.zeros(2, 2)).shape\nferrograd.Size([2, 2])"),
    ),
    "to_dense": (
        "A strided (dense) copy of a sparse tensor (the tensor itself when dense).",
        {},
        (">>> ferrograd.eye(2).to_sparse().to_dense()\ntensor([[1., 0.],\n        [0., 1.]])"),
    ),
    "to_sparse": (
        "The tensor as a sparse COO tensor.",
        {
            "sparse_dim": "how many dimensions are sparse.",
        },
        (">>> ferrograd.tensor([[0.0, 2.0], [3.0, 0.0]]).to_sparse()._nnz()\n2"),
    ),
    "register_post_accumulate_grad_hook": (
        (
            "Registers ``hook(tensor)``, called on a leaf after its ``.grad`` has been "
            "accumulated in backward."
        ),
        {
            "hook": "the function called.",
        },
        (
            ">>> w = ferrograd.ones(2, requires_grad=True)\n"
            ">>> handle = w.register_post_accumulate_grad_hook(lambda t: print(t.grad))\n"
            ">>> (w * 3).sum().backward()\n"
            "tensor([3., 3.])"
        ),
    ),
    "apply_": (
        ("Applies the Python function ``callable`` to each element, in place (CPU only; slow)."),
        {
            "callable": "a function of a number.",
        },
        (">>> ferrograd.tensor([1.0, 2.0]).apply_(lambda v: v * 10)\ntensor([10., 20.])"),
    ),
    "map_": (
        (
            "Replaces each element by ``callable(element, other_element)``, in place "
            "(``other`` broadcast)."
        ),
        {
            "tensor": "the other tensor.",
            "callable": "a function of two numbers.",
        },
        (
            ">>> ferrograd.tensor([1.0, 2.0]).map_(ferrograd.tensor([3.0, 4.0]), lambda a, "
            "b: a * b)\n"
            "tensor([3., 8.])"
        ),
    ),
    "map2_": (
        "Replaces each element by ``callable(element, x, y)``, in place.",
        {
            "x": "the first other tensor.",
            "y": "the second other tensor.",
            "callable": "a function of three numbers.",
        },
        (
            ">>> ferrograd.tensor([1.0]).map2_(ferrograd.tensor([2.0]), "
            "ferrograd.tensor([3.0]), lambda a, b, c: a + b * c)\n"
            "tensor([7.])"
        ),
    ),
    "as_subclass": (
        (
            "The same tensor (sharing data and graph) viewed as an instance of the "
            "``Tensor`` subclass ``cls``."
        ),
        {
            "cls": "a subclass of ``Tensor``.",
        },
        (
            ">>> class Mine(ferrograd.Tensor):\n"
            "...     pass\n"
            ">>> type(ferrograd.zeros(1).as_subclass(Mine)).__name__\n"
            "'Mine'"
        ),
    ),
    "coalesce": (
        "A sparse tensor with duplicate coordinates summed and coordinates sorted.",
        {},
        (
            ">>> s = ferrograd.sparse_coo_tensor(ferrograd.tensor([[0, 0]]), "
            "ferrograd.tensor([1.0, 2.0]), (2,))\n"
            ">>> s.coalesce().values()\n"
            "tensor([3.])"
        ),
    ),
    "is_coalesced": (
        "Whether a sparse tensor's coordinates are sorted without duplicates.",
        {},
        (
            ">>> s = ferrograd.sparse_coo_tensor(ferrograd.tensor([[0, 0]]), "
            "ferrograd.tensor([1.0, 2.0]), (2,))\n"
            ">>> s.is_coalesced(), s.coalesce().is_coalesced()\n"
            "(False, True)"
        ),
    ),
    "sparse_dim": (
        "The number of sparse dimensions of a sparse tensor.",
        {},
        (">>> ferrograd.eye(2).to_sparse().sparse_dim()\n2"),
    ),
    "dense_dim": (
        "The number of dense dimensions of a sparse tensor (of its values).",
        {},
        (">>> ferrograd.eye(2).to_sparse().dense_dim()\n0"),
    ),
    "sparse_mask": (
        (
            "The values of this dense tensor at the coordinates of the sparse tensor "
            "``mask``, as a sparse tensor."
        ),
        {
            "mask": "a sparse tensor.",
        },
        (
            ">>> mask = ferrograd.tensor([[0.0, 1.0], [0.0, 0.0]]).to_sparse()\n"
            ">>> ferrograd.tensor([[5.0, 6.0], [7.0, 8.0]]).sparse_mask(mask).to_dense()\n"
            "tensor([[0., 6.],\n"
            "        [0., 0.]])"
        ),
    ),
    "is_set_to": (
        "Whether this tensor and ``tensor`` are the same view of the same storage.",
        {
            "tensor": "the other tensor.",
        },
        (">>> x = ferrograd.zeros(3)\n>>> x.is_set_to(x), x.is_set_to(x.clone())\n(True, False)"),
    ),
    "layout": (
        (
            "The memory layout: ``ferrograd.strided`` for dense tensors, "
            "``ferrograd.sparse_coo`` for sparse ones."
        ),
        {},
        (">>> ferrograd.zeros(1).layout\nferrograd.strided"),
    ),
    "module_load": (
        (
            "How ``Module.load_state_dict`` turns a loaded value into this parameter's new "
            "value (by default the value itself, detached)."
        ),
        {
            "other": "the loaded tensor.",
            "assign": "whether the module assigns rather than copies.",
        },
        (">>> ferrograd.zeros(2).module_load(ferrograd.ones(2))\ntensor([1., 1.])"),
    ),
    "new": (
        ("The legacy constructor: a tensor of this tensor's dtype and device from data or sizes."),
        {},
        (
            ">>> ferrograd.zeros(1, dtype=ferrograd.float64).new([1, 2])\n"
            "tensor([1., 2.], dtype=ferrograd.float64)"
        ),
    ),
    "resize": (
        "Deprecated: a resized copy.",
        {},
        (">>> ferrograd.zeros(4).resize(2, 2).shape\nferrograd.Size([2, 2])"),
    ),
    "resize_as": (
        "Deprecated: a copy resized to ``tensor``'s shape.",
        {
            "tensor": "the tensor whose shape is taken.",
        },
        (">>> ferrograd.zeros(4).resize_as(ferrograd.zeros(2, 2)).shape\nferrograd.Size([2, 2])"),
    ),
    "unique_consecutive": (
        (
            "Collapses runs of equal consecutive elements to one (with inverse indices and "
            "counts when asked)."
        ),
        {
            "return_inverse": "also return where each element went.",
            "return_counts": "also return the length of each run.",
            "dim": "treat slices along ``dim`` as the elements.",
        },
        (
            ">>> ferrograd.tensor([1, 1, 2, 2, 1]).unique_consecutive(return_counts=True)\n"
            "(tensor([1, 2, 1]), tensor([2, 2, 1]))"
        ),
    ),
    "untyped_storage": (
        "The storage under the tensor, as bytes (``nbytes()``, ``data_ptr()``).",
        {},
        (">>> ferrograd.zeros(3).untyped_storage().nbytes()\n12"),
    ),
    "acos": (
        "The arc cosine (inverse cosine), in radians, of each element.",
        {},
        (">>> ferrograd.tensor([1.0, 0.5, -1.0]).acos()\ntensor([0.0000, 1.0472, 3.1416])"),
    ),
    "asin": (
        "The arc sine, in radians, of each element.",
        {},
        (">>> ferrograd.tensor([0.0, 0.5, 1.0]).asin()\ntensor([0.0000, 0.5236, 1.5708])"),
    ),
    "atan": (
        "The arc tangent, in radians, of each element.",
        {},
        (">>> ferrograd.tensor([0.0, 1.0, -1.0]).atan()\ntensor([ 0.0000,  0.7854, -0.7854])"),
    ),
    "acosh": (
        "The inverse hyperbolic cosine of each element (defined from 1).",
        {},
        (">>> ferrograd.tensor([1.0, 2.0, 10.0]).acosh()\ntensor([0.0000, 1.3170, 2.9932])"),
    ),
    "asinh": (
        "The inverse hyperbolic sine of each element.",
        {},
        (">>> ferrograd.tensor([0.0, 1.0, -2.0]).asinh()\ntensor([ 0.0000,  0.8814, -1.4436])"),
    ),
    "atanh": (
        "The inverse hyperbolic tangent of each element (defined on (-1, 1)).",
        {},
        (">>> ferrograd.tensor([0.0, 0.5, -0.5]).atanh()\ntensor([ 0.0000,  0.5493, -0.5493])"),
    ),
    "cosh": (
        "The hyperbolic cosine of each element.",
        {},
        (">>> ferrograd.tensor([0.0, 1.0, -2.0]).cosh()\ntensor([1.0000, 1.5431, 3.7622])"),
    ),
    "sinh": (
        "The hyperbolic sine of each element.",
        {},
        (">>> ferrograd.tensor([0.0, 1.0, -2.0]).sinh()\ntensor([ 0.0000,  1.1752, -3.6269])"),
    ),
    "log2": (
        "The base-2 logarithm of each element.",
        {},
        (">>> ferrograd.tensor([1.0, 8.0, 0.5]).log2()\ntensor([ 0.,  3., -1.])"),
    ),
    "log10": (
        "The base-10 logarithm of each element.",
        {},
        (">>> ferrograd.tensor([1.0, 100.0, 0.1]).log10()\ntensor([ 0.,  2., -1.])"),
    ),
    "exp2": (
        "``2 ** x`` for each element.",
        {},
        (">>> ferrograd.tensor([0.0, 3.0, -1.0]).exp2()\ntensor([1.0000, 8.0000, 0.5000])"),
    ),
    "sinc": (
        "The normalized sinc ``sin(pi x) / (pi x)`` (1 at 0).",
        {},
        (
            ">>> ferrograd.tensor([0.0, 0.5, 1.0]).sinc()\n"
            "tensor([ 1.0000e+00,  6.3662e-01, -2.7828e-08])"
        ),
    ),
    "digamma": (
        "The logarithmic derivative of the gamma function, ``psi(x)``.",
        {},
        (">>> ferrograd.tensor([1.0, 2.0, 0.5]).digamma()\ntensor([-0.5772,  0.4228, -1.9635])"),
    ),
    "lgamma": (
        "The logarithm of the absolute value of the gamma function.",
        {},
        (">>> ferrograd.tensor([1.0, 3.0, 0.5]).lgamma()\ntensor([0.0000, 0.6931, 0.5724])"),
    ),
    "erfc": (
        "The complementary error function ``1 - erf(x)``.",
        {},
        (">>> ferrograd.tensor([0.0, 1.0, -1.0]).erfc()\ntensor([1.0000, 0.1573, 1.8427])"),
    ),
    "erfinv": (
        "The inverse error function, on (-1, 1).",
        {},
        (">>> ferrograd.tensor([0.0, 0.5, -0.5]).erfinv()\ntensor([ 0.0000,  0.4769, -0.4769])"),
    ),
    "i0": (
        "The modified Bessel function of the first kind, order 0.",
        {},
        (">>> ferrograd.tensor([0.0, 1.0, 2.0]).i0()\ntensor([1.0000, 1.2661, 2.2796])"),
    ),
    "frac": (
        "The fractional part ``x - trunc(x)``, with the sign of ``x``.",
        {},
        (">>> ferrograd.tensor([1.5, -1.25, 3.0]).frac()\ntensor([ 0.5000, -0.2500,  0.0000])"),
    ),
    "fix": (
        "Alias of ``trunc``: rounds toward zero.",
        {},
        (">>> ferrograd.tensor([1.7, -1.7]).fix()\ntensor([ 1., -1.])"),
    ),
    "deg2rad": (
        "Converts degrees to radians.",
        {},
        (">>> ferrograd.tensor([0.0, 90.0, 180.0]).deg2rad()\ntensor([0.0000, 1.5708, 3.1416])"),
    ),
    "rad2deg": (
        "Converts radians to degrees.",
        {},
        (
            ">>> ferrograd.tensor([0.0, 1.5708, 3.1416]).rad2deg()\n"
            "tensor([  0.0000,  90.0002, 180.0004])"
        ),
    ),
    "logit": (
        ("``log(p / (1 - p))``, with ``p`` clamped into ``[eps, 1 - eps]`` when ``eps`` is given."),
        {},
        (">>> ferrograd.tensor([0.5, 0.25, 0.9]).logit()\ntensor([ 0.0000, -1.0986,  2.1972])"),
    ),
    "nan_to_num": (
        (
            "Replaces NaN by ``nan`` (0), positive infinity by ``posinf`` and negative "
            "infinity by ``neginf`` (the dtype's largest and lowest values by default)."
        ),
        {},
        (
            ">>> ferrograd.tensor([float('nan'), float('inf'), -float('inf'), "
            "1.0]).nan_to_num()\n"
            "tensor([ 0.0000e+00,  3.4028e+38, -3.4028e+38,  1.0000e+00])"
        ),
    ),
    "signbit": (
        "Whether each element's sign bit is set (True for -0.0 too).",
        {},
        (
            ">>> ferrograd.tensor([-1.0, 0.0, -0.0, 2.0]).signbit()\n"
            "tensor([ True, False,  True, False])"
        ),
    ),
    "sgn": (
        "The sign of each element (for real tensors, ``sign``).",
        {},
        (">>> ferrograd.tensor([-3.0, 0.0, 2.0]).sgn()\ntensor([-1.,  0.,  1.])"),
    ),
    "positive": (
        "Returns the input itself (``+x``); bool tensors are refused, as in PyTorch.",
        {},
        (">>> ferrograd.tensor([1.0, -2.0]).positive()\ntensor([ 1., -2.])"),
    ),
    "negative": (
        "Alias of ``neg``: ``-x``.",
        {},
        (">>> ferrograd.tensor([1.0, -2.0]).negative()\ntensor([-1.,  2.])"),
    ),
    "isneginf": (
        "Whether each element is negative infinity.",
        {},
        (
            ">>> ferrograd.tensor([-float('inf'), float('inf'), 1.0]).isneginf()\n"
            "tensor([ True, False, False])"
        ),
    ),
    "isposinf": (
        "Whether each element is positive infinity.",
        {},
        (
            ">>> ferrograd.tensor([-float('inf'), float('inf'), 1.0]).isposinf()\n"
            "tensor([False,  True, False])"
        ),
    ),
    "isreal": (
        "Whether each element is real (always True for real dtypes).",
        {},
        (">>> ferrograd.tensor([1.0, 2.0]).isreal()\ntensor([True, True])"),
    ),
    "absolute": (
        "Alias of ``abs``.",
        {},
        (">>> ferrograd.tensor([-1.0, 2.0]).absolute()\ntensor([1., 2.])"),
    ),
    "arccos": (
        "Alias of ``acos``.",
        {},
        (">>> ferrograd.tensor([1.0, 0.5, -1.0]).arccos()\ntensor([0.0000, 1.0472, 3.1416])"),
    ),
    "arcsin": (
        "Alias of ``asin``.",
        {},
        (">>> ferrograd.tensor([0.0, 0.5, 1.0]).arcsin()\ntensor([0.0000, 0.5236, 1.5708])"),
    ),
    "arctan": (
        "Alias of ``atan``.",
        {},
        (">>> ferrograd.tensor([0.0, 1.0, -1.0]).arctan()\ntensor([ 0.0000,  0.7854, -0.7854])"),
    ),
    "arccosh": (
        "Alias of ``acosh``.",
        {},
        (">>> ferrograd.tensor([1.0, 2.0, 10.0]).arccosh()\ntensor([0.0000, 1.3170, 2.9932])"),
    ),
    "arcsinh": (
        "Alias of ``asinh``.",
        {},
        (">>> ferrograd.tensor([0.0, 1.0, -2.0]).arcsinh()\ntensor([ 0.0000,  0.8814, -1.4436])"),
    ),
    "arctanh": (
        "Alias of ``atanh``.",
        {},
        (">>> ferrograd.tensor([0.0, 0.5, -0.5]).arctanh()\ntensor([ 0.0000,  0.5493, -0.5493])"),
    ),
    "bitwise_not": (
        "The bitwise NOT of each element (logical NOT for bools).",
        {},
        (">>> ferrograd.tensor([0, 5, -1]).bitwise_not()\ntensor([-1, -6,  0])"),
    ),
    "logical_not": (
        "The logical NOT of each element (zero is False), as a bool tensor.",
        {},
        (">>> ferrograd.tensor([0.0, 1.0, 2.0]).logical_not()\ntensor([ True, False, False])"),
    ),
    "angle": (
        ("The angle (argument) of each element: 0 for non-negative reals, pi for negative ones."),
        {},
        (">>> ferrograd.tensor([-1.0, 0.0, 2.0]).angle()\ntensor([3.1416, 0.0000, 0.0000])"),
    ),
    "abs_": (
        "In-place ``abs``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([-1.0, 2.0]).abs_()\ntensor([1., 2.])"),
    ),
    "ceil_": (
        "In-place ``ceil``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([1.5, -1.5]).ceil_()\ntensor([ 2., -1.])"),
    ),
    "floor_": (
        "In-place ``floor``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([1.5, -1.5]).floor_()\ntensor([ 1., -2.])"),
    ),
    "round_": (
        "In-place ``round``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([0.5, 1.5]).round_()\ntensor([0., 2.])"),
    ),
    "trunc_": (
        "In-place ``trunc``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([1.7, -1.7]).trunc_()\ntensor([ 1., -1.])"),
    ),
    "cos_": (
        "In-place ``cos``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([0.0, 1.0]).cos_()\ntensor([1.0000, 0.5403])"),
    ),
    "sin_": (
        "In-place ``sin``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([0.0, 1.0]).sin_()\ntensor([0.0000, 0.8415])"),
    ),
    "tan_": (
        "In-place ``tan``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([0.0, 1.0]).tan_()\ntensor([0.0000, 1.5574])"),
    ),
    "tanh_": (
        "In-place ``tanh``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([0.0, 1.0]).tanh_()\ntensor([0.0000, 0.7616])"),
    ),
    "sigmoid_": (
        "In-place ``sigmoid``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([0.0, 2.0]).sigmoid_()\ntensor([0.5000, 0.8808])"),
    ),
    "sqrt_": (
        "In-place ``sqrt``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([4.0, 2.0]).sqrt_()\ntensor([2.0000, 1.4142])"),
    ),
    "rsqrt_": (
        "In-place ``rsqrt``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([4.0, 0.25]).rsqrt_()\ntensor([0.5000, 2.0000])"),
    ),
    "erf_": (
        "In-place ``erf``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([0.0, 1.0]).erf_()\ntensor([0.0000, 0.8427])"),
    ),
    "expm1_": (
        "In-place ``expm1``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([0.0, 1.0]).expm1_()\ntensor([0.0000, 1.7183])"),
    ),
    "log1p_": (
        "In-place ``log1p``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([0.0, 1.0]).log1p_()\ntensor([0.0000, 0.6931])"),
    ),
    "neg_": (
        "In-place ``neg``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([1.0, -2.0]).neg_()\ntensor([-1.,  2.])"),
    ),
    "reciprocal_": (
        "In-place ``reciprocal``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([2.0, -0.5]).reciprocal_()\ntensor([ 0.5000, -2.0000])"),
    ),
    "relu_": (
        "In-place ``relu``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([-1.0, 2.0]).relu_()\ntensor([0., 2.])"),
    ),
    "sign_": (
        "In-place ``sign``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([-3.0, 2.0]).sign_()\ntensor([-1.,  1.])"),
    ),
    "acos_": (
        "In-place ``acos``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([1.0, 0.5, -1.0]).acos_()\ntensor([0.0000, 1.0472, 3.1416])"),
    ),
    "asin_": (
        "In-place ``asin``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([0.0, 0.5, 1.0]).asin_()\ntensor([0.0000, 0.5236, 1.5708])"),
    ),
    "atan_": (
        "In-place ``atan``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([0.0, 1.0, -1.0]).atan_()\ntensor([ 0.0000,  0.7854, -0.7854])"),
    ),
    "acosh_": (
        "In-place ``acosh``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([1.0, 2.0, 10.0]).acosh_()\ntensor([0.0000, 1.3170, 2.9932])"),
    ),
    "asinh_": (
        "In-place ``asinh``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([0.0, 1.0, -2.0]).asinh_()\ntensor([ 0.0000,  0.8814, -1.4436])"),
    ),
    "atanh_": (
        "In-place ``atanh``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([0.0, 0.5, -0.5]).atanh_()\ntensor([ 0.0000,  0.5493, -0.5493])"),
    ),
    "cosh_": (
        "In-place ``cosh``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([0.0, 1.0, -2.0]).cosh_()\ntensor([1.0000, 1.5431, 3.7622])"),
    ),
    "sinh_": (
        "In-place ``sinh``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([0.0, 1.0, -2.0]).sinh_()\ntensor([ 0.0000,  1.1752, -3.6269])"),
    ),
    "log2_": (
        "In-place ``log2``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([1.0, 8.0, 0.5]).log2_()\ntensor([ 0.,  3., -1.])"),
    ),
    "log10_": (
        "In-place ``log10``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([1.0, 100.0, 0.1]).log10_()\ntensor([ 0.,  2., -1.])"),
    ),
    "exp2_": (
        "In-place ``exp2``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([0.0, 3.0, -1.0]).exp2_()\ntensor([1.0000, 8.0000, 0.5000])"),
    ),
    "sinc_": (
        "In-place ``sinc``: overwrites the tensor with the result and returns it.",
        {},
        (
            ">>> ferrograd.tensor([0.0, 0.5, 1.0]).sinc_()\n"
            "tensor([ 1.0000e+00,  6.3662e-01, -2.7828e-08])"
        ),
    ),
    "digamma_": (
        "In-place ``digamma``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([1.0, 2.0, 0.5]).digamma_()\ntensor([-0.5772,  0.4228, -1.9635])"),
    ),
    "lgamma_": (
        "In-place ``lgamma``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([1.0, 3.0, 0.5]).lgamma_()\ntensor([0.0000, 0.6931, 0.5724])"),
    ),
    "erfc_": (
        "In-place ``erfc``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([0.0, 1.0, -1.0]).erfc_()\ntensor([1.0000, 0.1573, 1.8427])"),
    ),
    "erfinv_": (
        "In-place ``erfinv``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([0.0, 0.5, -0.5]).erfinv_()\ntensor([ 0.0000,  0.4769, -0.4769])"),
    ),
    "i0_": (
        "In-place ``i0``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([0.0, 1.0, 2.0]).i0_()\ntensor([1.0000, 1.2661, 2.2796])"),
    ),
    "frac_": (
        "In-place ``frac``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([1.5, -1.25, 3.0]).frac_()\ntensor([ 0.5000, -0.2500,  0.0000])"),
    ),
    "fix_": (
        "In-place ``fix``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([1.7, -1.7]).fix_()\ntensor([ 1., -1.])"),
    ),
    "deg2rad_": (
        "In-place ``deg2rad``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([0.0, 90.0, 180.0]).deg2rad_()\ntensor([0.0000, 1.5708, 3.1416])"),
    ),
    "rad2deg_": (
        "In-place ``rad2deg``: overwrites the tensor with the result and returns it.",
        {},
        (
            ">>> ferrograd.tensor([0.0, 1.5708, 3.1416]).rad2deg_()\n"
            "tensor([  0.0000,  90.0002, 180.0004])"
        ),
    ),
    "logit_": (
        "In-place ``logit``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([0.5, 0.25, 0.9]).logit_()\ntensor([ 0.0000, -1.0986,  2.1972])"),
    ),
    "nan_to_num_": (
        "In-place ``nan_to_num``: overwrites the tensor with the result and returns it.",
        {},
        (
            ">>> ferrograd.tensor([float('nan'), float('inf'), -float('inf'), "
            "1.0]).nan_to_num_()\n"
            "tensor([ 0.0000e+00,  3.4028e+38, -3.4028e+38,  1.0000e+00])"
        ),
    ),
    "sgn_": (
        "In-place ``sgn``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([-3.0, 0.0, 2.0]).sgn_()\ntensor([-1.,  0.,  1.])"),
    ),
    "negative_": (
        "In-place ``negative``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([1.0, -2.0]).negative_()\ntensor([-1.,  2.])"),
    ),
    "absolute_": (
        "In-place ``absolute``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([-1.0, 2.0]).absolute_()\ntensor([1., 2.])"),
    ),
    "arccos_": (
        "In-place ``arccos``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([1.0, 0.5, -1.0]).arccos_()\ntensor([0.0000, 1.0472, 3.1416])"),
    ),
    "arcsin_": (
        "In-place ``arcsin``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([0.0, 0.5, 1.0]).arcsin_()\ntensor([0.0000, 0.5236, 1.5708])"),
    ),
    "arctan_": (
        "In-place ``arctan``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([0.0, 1.0, -1.0]).arctan_()\ntensor([ 0.0000,  0.7854, -0.7854])"),
    ),
    "arccosh_": (
        "In-place ``arccosh``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([1.0, 2.0, 10.0]).arccosh_()\ntensor([0.0000, 1.3170, 2.9932])"),
    ),
    "arcsinh_": (
        "In-place ``arcsinh``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([0.0, 1.0, -2.0]).arcsinh_()\ntensor([ 0.0000,  0.8814, -1.4436])"),
    ),
    "arctanh_": (
        "In-place ``arctanh``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([0.0, 0.5, -0.5]).arctanh_()\ntensor([ 0.0000,  0.5493, -0.5493])"),
    ),
    "bitwise_not_": (
        "In-place ``bitwise_not``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([0, 5, -1]).bitwise_not_()\ntensor([-1, -6,  0])"),
    ),
    "logical_not_": (
        "In-place ``logical_not``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([0.0, 1.0, 2.0]).logical_not_()\ntensor([1., 0., 0.])"),
    ),
    "square_": (
        "In-place ``square``: overwrites the tensor with the result and returns it.",
        {},
        (">>> ferrograd.tensor([-2.0, 3.0]).square_()\ntensor([4., 9.])"),
    ),
    "atan2": (
        "The arc tangent of ``input / other`` in the right quadrant, in radians.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([1.0, -1.0]).atan2(ferrograd.tensor([1.0, -1.0]))\n"
            "tensor([ 0.7854, -2.3562])"
        ),
    ),
    "arctan2": (
        "Alias of ``atan2``.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([1.0, -1.0]).arctan2(ferrograd.tensor([1.0, -1.0]))\n"
            "tensor([ 0.7854, -2.3562])"
        ),
    ),
    "hypot": (
        "``sqrt(input**2 + other**2)`` for each pair of elements.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([3.0, 5.0]).hypot(ferrograd.tensor([4.0, 12.0]))\n"
            "tensor([ 5., 13.])"
        ),
    ),
    "copysign": (
        "The magnitude of ``input`` with the sign of ``other``.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([1.0, -2.0, 3.0]).copysign(ferrograd.tensor([-1.0, 1.0, "
            "-0.0]))\n"
            "tensor([-1.,  2., -3.])"
        ),
    ),
    "fmod": (
        "The C remainder of the division (the sign of the dividend), unlike ``remainder``.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([5.0, -5.0]).fmod(ferrograd.tensor([3.0, 3.0]))\n"
            "tensor([ 2., -2.])"
        ),
    ),
    "fmax": (
        "The elementwise maximum, with a NaN giving way to the other operand.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([1.0, float('nan'), 3.0]).fmax(ferrograd.tensor([2.0, "
            "0.0, float('nan')]))\n"
            "tensor([2., 0., 3.])"
        ),
    ),
    "fmin": (
        "The elementwise minimum, with a NaN giving way to the other operand.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([1.0, float('nan'), 3.0]).fmin(ferrograd.tensor([2.0, "
            "0.0, float('nan')]))\n"
            "tensor([1., 0., 3.])"
        ),
    ),
    "gcd": (
        "The greatest common divisor of each pair of integers (non-negative).",
        {
            "other": _OTHER,
        },
        (">>> ferrograd.tensor([12, 7, 0]).gcd(ferrograd.tensor([18, 5, 0]))\ntensor([6, 1, 0])"),
    ),
    "lcm": (
        "The least common multiple of each pair of integers (non-negative).",
        {
            "other": _OTHER,
        },
        (">>> ferrograd.tensor([4, 3, 0]).lcm(ferrograd.tensor([6, 5, 2]))\ntensor([12, 15,  0])"),
    ),
    "heaviside": (
        ("The Heaviside step: 0 for negative ``input``, 1 for positive, ``values`` where it is 0."),
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([-1.0, 0.0, 2.0]).heaviside(ferrograd.tensor([0.5, 0.5, "
            "0.5]))\n"
            "tensor([0.0000, 0.5000, 1.0000])"
        ),
    ),
    "ldexp": (
        "``input * 2 ** other``.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([1.0, 3.0]).ldexp(ferrograd.tensor([2, -1]))\n"
            "tensor([4.0000, 1.5000])"
        ),
    ),
    "logaddexp": (
        "``log(exp(input) + exp(other))``, computed stably.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([0.0, 1000.0]).logaddexp(ferrograd.tensor([0.0, 1000.0]))\n"
            "tensor([6.9315e-01, 1.0007e+03])"
        ),
    ),
    "logaddexp2": (
        "``log2(2**input + 2**other)``, computed stably.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([0.0, 10.0]).logaddexp2(ferrograd.tensor([0.0, 10.0]))\n"
            "tensor([ 1., 11.])"
        ),
    ),
    "nextafter": (
        "The next floating-point value after ``input`` toward ``other``.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([1.0, 1.0]).nextafter(ferrograd.tensor([2.0, 0.0]))\n"
            "tensor([1.0000, 1.0000])"
        ),
    ),
    "xlogy": (
        "``input * log(other)``, 0 where ``input`` is 0 (even where ``other`` is 0).",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([0.0, 2.0]).xlogy(ferrograd.tensor([0.0, 3.0]))\n"
            "tensor([0.0000, 2.1972])"
        ),
    ),
    "float_power": (
        "``input ** exponent`` computed in float64.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([2, 3]).float_power(ferrograd.tensor([2, 2]))\n"
            "tensor([4., 9.], dtype=ferrograd.float64)"
        ),
    ),
    "bitwise_and": (
        "The bitwise AND of integers (logical AND for bools).",
        {
            "other": _OTHER,
        },
        (">>> ferrograd.tensor([12, 10]).bitwise_and(ferrograd.tensor([10, 6]))\ntensor([8, 2])"),
    ),
    "bitwise_or": (
        "The bitwise OR of integers (logical OR for bools).",
        {
            "other": _OTHER,
        },
        (">>> ferrograd.tensor([12, 10]).bitwise_or(ferrograd.tensor([10, 6]))\ntensor([14, 14])"),
    ),
    "bitwise_xor": (
        "The bitwise XOR of integers (logical XOR for bools).",
        {
            "other": _OTHER,
        },
        (">>> ferrograd.tensor([12, 10]).bitwise_xor(ferrograd.tensor([10, 6]))\ntensor([ 6, 12])"),
    ),
    "bitwise_left_shift": (
        "``input << other`` for integers.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([1, 3]).bitwise_left_shift(ferrograd.tensor([2, 1]))\n"
            "tensor([4, 6])"
        ),
    ),
    "bitwise_right_shift": (
        "``input >> other`` for integers (arithmetic shift).",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([8, -8]).bitwise_right_shift(ferrograd.tensor([2, 1]))\n"
            "tensor([ 2, -4])"
        ),
    ),
    "logical_and": (
        "The logical AND of each pair (zero is False), as a bool tensor.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([1.0, 0.0, 2.0]).logical_and(ferrograd.tensor([1.0, 1.0, "
            "0.0]))\n"
            "tensor([ True, False, False])"
        ),
    ),
    "logical_or": (
        "The logical OR of each pair (zero is False), as a bool tensor.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([1.0, 0.0, 0.0]).logical_or(ferrograd.tensor([0.0, 0.0, "
            "3.0]))\n"
            "tensor([ True, False,  True])"
        ),
    ),
    "logical_xor": (
        "The logical XOR of each pair (zero is False), as a bool tensor.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([1.0, 0.0, 2.0]).logical_xor(ferrograd.tensor([1.0, 1.0, "
            "0.0]))\n"
            "tensor([False,  True,  True])"
        ),
    ),
    "multiply": (
        "Alias of ``mul``.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([1.0, 2.0]).multiply(ferrograd.tensor([3.0, 4.0]))\n"
            "tensor([3., 8.])"
        ),
    ),
    "rsub": (
        "``other - alpha * self`` (``sub`` with the operands swapped).",
        {
            "other": "a tensor or a number.",
            "alpha": "the multiplier of ``self``.",
        },
        (">>> ferrograd.tensor([1.0, 2.0]).rsub(10)\ntensor([9., 8.])"),
    ),
    "vdot": (
        "The dot product of two 1-D tensors (the first conjugated for complex inputs).",
        {
            "other": _OTHER,
        },
        (">>> ferrograd.tensor([1.0, 2.0]).vdot(ferrograd.tensor([3.0, 4.0]))\ntensor(11.)"),
    ),
    "inner": (
        "The inner product over the last dimension of each (a dot product for 1-D tensors).",
        {
            "other": _OTHER,
        },
        (">>> ferrograd.tensor([1.0, 2.0]).inner(ferrograd.tensor([3.0, 4.0]))\ntensor(11.)"),
    ),
    "kron": (
        "The Kronecker product.",
        {
            "other": _OTHER,
        },
        (">>> ferrograd.tensor([1, 2]).kron(ferrograd.tensor([1, 10]))\ntensor([ 1, 10,  2, 20])"),
    ),
    "dist": (
        "The ``p``-norm of ``input - other`` (2 by default).",
        {
            "other": _OTHER,
        },
        (">>> ferrograd.tensor([0.0, 0.0]).dist(ferrograd.tensor([3.0, 4.0]))\ntensor(5.)"),
    ),
    "cross": (
        "The cross product of 3-vectors along ``dim``.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([1.0, 0.0, 0.0]).cross(ferrograd.tensor([0.0, 1.0, "
            "0.0]), dim=0)\n"
            "tensor([0., 0., 1.])"
        ),
    ),
    "mv": (
        "The product of a matrix and a vector.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]]).mv(ferrograd.tensor([1.0, 1.0]))\n"
            "tensor([3., 7.])"
        ),
    ),
    "is_same_size": (
        "Whether the two tensors have the same shape.",
        {
            "other": _OTHER,
        },
        (">>> ferrograd.tensor([1, 2]).is_same_size(ferrograd.tensor([3, 4]))\nTrue"),
    ),
    "atan2_": (
        "In-place ``atan2``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([1.0, -1.0]).atan2_(ferrograd.tensor([1.0, -1.0]))\n"
            "tensor([ 0.7854, -2.3562])"
        ),
    ),
    "arctan2_": (
        "In-place ``arctan2``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([1.0, -1.0]).arctan2_(ferrograd.tensor([1.0, -1.0]))\n"
            "tensor([ 0.7854, -2.3562])"
        ),
    ),
    "hypot_": (
        "In-place ``hypot``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([3.0, 5.0]).hypot_(ferrograd.tensor([4.0, 12.0]))\n"
            "tensor([ 5., 13.])"
        ),
    ),
    "copysign_": (
        "In-place ``copysign``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([1.0, -2.0, 3.0]).copysign_(ferrograd.tensor([-1.0, 1.0, "
            "-0.0]))\n"
            "tensor([-1.,  2., -3.])"
        ),
    ),
    "fmod_": (
        "In-place ``fmod``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([5.0, -5.0]).fmod_(ferrograd.tensor([3.0, 3.0]))\n"
            "tensor([ 2., -2.])"
        ),
    ),
    "gcd_": (
        "In-place ``gcd``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (">>> ferrograd.tensor([12, 7, 0]).gcd_(ferrograd.tensor([18, 5, 0]))\ntensor([6, 1, 0])"),
    ),
    "lcm_": (
        "In-place ``lcm``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (">>> ferrograd.tensor([4, 3, 0]).lcm_(ferrograd.tensor([6, 5, 2]))\ntensor([12, 15,  0])"),
    ),
    "heaviside_": (
        "In-place ``heaviside``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([-1.0, 0.0, 2.0]).heaviside_(ferrograd.tensor([0.5, 0.5, "
            "0.5]))\n"
            "tensor([0.0000, 0.5000, 1.0000])"
        ),
    ),
    "ldexp_": (
        "In-place ``ldexp``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([1.0, 3.0]).ldexp_(ferrograd.tensor([2, -1]))\n"
            "tensor([4.0000, 1.5000])"
        ),
    ),
    "nextafter_": (
        "In-place ``nextafter``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([1.0, 1.0]).nextafter_(ferrograd.tensor([2.0, 0.0]))\n"
            "tensor([1.0000, 1.0000])"
        ),
    ),
    "igamma": (
        "The regularized lower incomplete gamma function ``P(input, other)`` "
        "(``special.gammainc``); differentiable in ``other`` only, as in PyTorch.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([1.0, 2.0]).igamma(ferrograd.tensor([0.5, 3.0]))\n"
            "tensor([0.3935, 0.8009])"
        ),
    ),
    "igammac": (
        "The regularized upper incomplete gamma function ``Q(input, other) = 1 - P`` "
        "(``special.gammaincc``).",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([1.0, 2.0]).igammac(ferrograd.tensor([0.5, 3.0]))\n"
            "tensor([0.6065, 0.1991])"
        ),
    ),
    "igamma_": (
        "In-place ``igamma``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([1.0, 2.0]).igamma_(ferrograd.tensor([0.5, 3.0]))\n"
            "tensor([0.3935, 0.8009])"
        ),
    ),
    "igammac_": (
        "In-place ``igammac``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([1.0, 2.0]).igammac_(ferrograd.tensor([0.5, 3.0]))\n"
            "tensor([0.6065, 0.1991])"
        ),
    ),
    "xlogy_": (
        "In-place ``xlogy``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([0.0, 2.0]).xlogy_(ferrograd.tensor([0.0, 3.0]))\n"
            "tensor([0.0000, 2.1972])"
        ),
    ),
    "bitwise_and_": (
        "In-place ``bitwise_and``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (">>> ferrograd.tensor([12, 10]).bitwise_and_(ferrograd.tensor([10, 6]))\ntensor([8, 2])"),
    ),
    "bitwise_or_": (
        "In-place ``bitwise_or``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (">>> ferrograd.tensor([12, 10]).bitwise_or_(ferrograd.tensor([10, 6]))\ntensor([14, 14])"),
    ),
    "bitwise_xor_": (
        "In-place ``bitwise_xor``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([12, 10]).bitwise_xor_(ferrograd.tensor([10, 6]))\n"
            "tensor([ 6, 12])"
        ),
    ),
    "bitwise_left_shift_": (
        ("In-place ``bitwise_left_shift``: overwrites the tensor with the result and returns it."),
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([1, 3]).bitwise_left_shift_(ferrograd.tensor([2, 1]))\n"
            "tensor([4, 6])"
        ),
    ),
    "bitwise_right_shift_": (
        ("In-place ``bitwise_right_shift``: overwrites the tensor with the result and returns it."),
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([8, -8]).bitwise_right_shift_(ferrograd.tensor([2, 1]))\n"
            "tensor([ 2, -4])"
        ),
    ),
    "logical_and_": (
        "In-place ``logical_and``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([1.0, 0.0, 2.0]).logical_and_(ferrograd.tensor([1.0, "
            "1.0, 0.0]))\n"
            "tensor([1., 0., 0.])"
        ),
    ),
    "logical_or_": (
        "In-place ``logical_or``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([1.0, 0.0, 0.0]).logical_or_(ferrograd.tensor([0.0, 0.0, "
            "3.0]))\n"
            "tensor([1., 0., 1.])"
        ),
    ),
    "logical_xor_": (
        "In-place ``logical_xor``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([1.0, 0.0, 2.0]).logical_xor_(ferrograd.tensor([1.0, "
            "1.0, 0.0]))\n"
            "tensor([0., 1., 1.])"
        ),
    ),
    "multiply_": (
        "In-place ``multiply``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([1.0, 2.0]).multiply_(ferrograd.tensor([3.0, 4.0]))\n"
            "tensor([3., 8.])"
        ),
    ),
    "pow_": (
        "In-place ``pow``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (">>> ferrograd.tensor([2.0, 3.0]).pow_(ferrograd.tensor([2.0, 2.0]))\ntensor([4., 9.])"),
    ),
    "remainder_": (
        "In-place ``remainder``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([5.0, -5.0]).remainder_(ferrograd.tensor([3.0, 3.0]))\n"
            "tensor([2., 1.])"
        ),
    ),
    "floor_divide_": (
        "In-place ``floor_divide``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([5.0, -5.0]).floor_divide_(ferrograd.tensor([2.0, 2.0]))\n"
            "tensor([ 2., -3.])"
        ),
    ),
    "eq_": (
        "In-place ``eq``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (">>> ferrograd.tensor([1.0, 2.0]).eq_(ferrograd.tensor([1.0, 0.0]))\ntensor([1., 0.])"),
    ),
    "ne_": (
        "In-place ``ne``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (">>> ferrograd.tensor([1.0, 2.0]).ne_(ferrograd.tensor([1.0, 0.0]))\ntensor([0., 1.])"),
    ),
    "lt_": (
        "In-place ``lt``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (">>> ferrograd.tensor([1.0, 2.0]).lt_(ferrograd.tensor([2.0, 2.0]))\ntensor([1., 0.])"),
    ),
    "le_": (
        "In-place ``le``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (">>> ferrograd.tensor([1.0, 2.0]).le_(ferrograd.tensor([2.0, 1.0]))\ntensor([1., 0.])"),
    ),
    "gt_": (
        "In-place ``gt``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (">>> ferrograd.tensor([1.0, 2.0]).gt_(ferrograd.tensor([0.0, 2.0]))\ntensor([1., 0.])"),
    ),
    "ge_": (
        "In-place ``ge``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (">>> ferrograd.tensor([1.0, 2.0]).ge_(ferrograd.tensor([2.0, 2.0]))\ntensor([0., 1.])"),
    ),
    "subtract_": (
        "In-place ``subtract``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([5.0, 5.0]).subtract_(ferrograd.tensor([1.0, 2.0]))\n"
            "tensor([4., 3.])"
        ),
    ),
    "divide_": (
        "In-place ``divide``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([5.0, 6.0]).divide_(ferrograd.tensor([2.0, 3.0]))\n"
            "tensor([2.5000, 2.0000])"
        ),
    ),
    "true_divide_": (
        "In-place ``true_divide``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([5.0, 6.0]).true_divide_(ferrograd.tensor([2.0, 3.0]))\n"
            "tensor([2.5000, 2.0000])"
        ),
    ),
    "greater_": (
        "In-place ``greater``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([1.0, 2.0]).greater_(ferrograd.tensor([0.0, 2.0]))\n"
            "tensor([1., 0.])"
        ),
    ),
    "greater_equal_": (
        "In-place ``greater_equal``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([1.0, 2.0]).greater_equal_(ferrograd.tensor([2.0, 2.0]))\n"
            "tensor([0., 1.])"
        ),
    ),
    "less_": (
        "In-place ``less``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (">>> ferrograd.tensor([1.0, 2.0]).less_(ferrograd.tensor([2.0, 2.0]))\ntensor([1., 0.])"),
    ),
    "less_equal_": (
        "In-place ``less_equal``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([1.0, 2.0]).less_equal_(ferrograd.tensor([2.0, 1.0]))\n"
            "tensor([1., 0.])"
        ),
    ),
    "not_equal_": (
        "In-place ``not_equal``: overwrites the tensor with the result and returns it.",
        {
            "other": _OTHER,
        },
        (
            ">>> ferrograd.tensor([1.0, 2.0]).not_equal_(ferrograd.tensor([1.0, 0.0]))\n"
            "tensor([0., 1.])"
        ),
    ),
    "std_mean": (
        "The standard deviation and the mean at once (``ferrograd.std_mean(self, ...)``).",
        {
            "dim": _DIM,
            "correction": "subtracted from the count in the divisor.",
            "keepdim": _KEEPDIM,
        },
        (
            ">>> ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]]).std_mean(dim=0)\n"
            "(tensor([1.4142, 1.4142]), tensor([2., 3.]))"
        ),
    ),
    "var_mean": (
        "The variance and the mean at once (``ferrograd.var_mean(self, ...)``).",
        {
            "dim": _DIM,
            "correction": "subtracted from the count in the divisor.",
            "keepdim": _KEEPDIM,
        },
        (
            ">>> ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]]).var_mean()\n"
            "(tensor(1.6667), tensor(2.5000))"
        ),
    ),
    "cuda": (
        (
            "The tensor on a CUDA device (``device``, or the current one); raises when "
            "there is none. ``.to('cuda')`` is the same."
        ),
        {
            "device": "the CUDA device.",
            "non_blocking": "accepted for PyTorch's signature.",
        },
        (
            ">>> x = ferrograd.zeros(2)\n"
            ">>> y = x.cuda() if ferrograd.cuda.is_available() else x\n"
            ">>> y.shape\n"
            "ferrograd.Size([2])"
        ),
    ),
    "pin_memory": (
        (
            "A copy in page-locked memory for fast transfers to an accelerator; without "
            "one (PyTorch then raises), the tensor itself."
        ),
        {},
        (
            ">>> x = ferrograd.zeros(2)\n"
            ">>> ferrograd.cuda.is_available() or x.pin_memory() is x\n"
            "True"
        ),
    ),
}


def _args(method, texts: dict) -> str:
    """The Args section: the arguments of ``texts`` that the signature names (all of them when
    it takes ``*args``)."""
    try:
        parameters = inspect.signature(method).parameters
    except (TypeError, ValueError):
        parameters = {}
    generic = any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in parameters.values())
    named = {n: t for n, t in texts.items() if generic or n in parameters}
    return _docgen.args_lines([f"{name}: {text}" for name, text in named.items()])


def complete(tensor_class) -> None:
    """Completes the docstring of each method of ``METHODS`` on ``tensor_class``."""
    for name, (summary, texts, example) in METHODS.items():
        method = inspect.getattr_static(tensor_class, name, None)
        if method is None:
            continue  # a name ferrograd's Tensor lacks: the audit's allow-list says so
        _docgen.complete(
            method, _args(method, texts), _docgen.examples_section(example), summary=summary
        )
