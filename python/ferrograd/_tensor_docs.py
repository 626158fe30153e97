"""The docstrings of the most used ``Tensor`` methods, completed at import before the
function forms (``ferrograd.sum`` for ``Tensor.sum``) copy them: an Args section and an example
as PyTorch 2.15 prints it. A method's own docstring, where it has one, comes first; the table's
summary stands in for one where it has none."""

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
        method = inspect.getattr_static(tensor_class, name)
        _docgen.complete(
            method, _args(method, texts), _docgen.examples_section(example), summary=summary
        )
