"""Strided views that alias, as in PyTorch: every view kind's values, strides and offsets
(PyTorch's, recorded as numbers), writes seen in both directions, autograd through in-place
operations on views, version checks, NumPy/DLPack sharing, and a property test of random view
chains against NumPy."""

import gc
import weakref

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import ferrograd as fg
from ferrograd import cuda
from ferrograd.autograd import gradcheck, gradgradcheck
from ferrograd.cuda._numpy_backend import NumpyTable
from helpers import cupy_table_or_skip


@pytest.fixture(params=["cpu", "numpy", pytest.param("cupy", marks=pytest.mark.gpu)])
def device(request):
    """Where the view tests run: the CPU, the NumPy-backed test device and (with a GPU) CuPy."""
    if request.param == "cpu":
        yield "cpu"
        return
    table = NumpyTable() if request.param == "numpy" else cupy_table_or_skip()
    previous = cuda.use_backend(table)
    try:
        yield "cuda"
    finally:
        cuda.use_backend(previous)


def base24(device="cpu"):
    return fg.arange(24.0).reshape(2, 3, 4).to(device)


# name -> (view of base24(), PyTorch's shape, strides, storage offset, first elements)
VIEWS = {
    "t": (lambda x: x[0].t(), (4, 3), (1, 4), 0, [0, 4, 8, 1, 5, 9, 2, 6]),
    "T": (lambda x: x.T, (4, 3, 2), (1, 4, 12), 0, [0, 12, 4, 16, 8, 20, 1, 13]),
    "mT": (lambda x: x.mT, (2, 4, 3), (12, 1, 4), 0, [0, 4, 8, 1, 5, 9, 2, 6]),
    "permute": (
        lambda x: x.permute(2, 0, 1),
        (4, 2, 3),
        (1, 12, 4),
        0,
        [0, 4, 8, 12, 16, 20, 1, 5],
    ),
    "movedim": (lambda x: x.movedim(0, 2), (3, 4, 2), (4, 1, 12), 0, [0, 12, 1, 13, 2, 14, 3, 15]),
    "swapaxes": (
        lambda x: x.swapaxes(0, 1),
        (3, 2, 4),
        (4, 12, 1),
        0,
        [0, 1, 2, 3, 12, 13, 14, 15],
    ),
    "slice_step": (lambda x: x[:, ::2, 1:], (2, 2, 3), (12, 8, 1), 1, [1, 2, 3, 9, 10, 11, 13, 14]),
    "select": (lambda x: x[1, :, 2], (3,), (4,), 14, [14, 18, 22]),
    "select_method": (lambda x: x.select(2, 3), (2, 3), (12, 4), 3, [3, 7, 11, 15, 19, 23]),
    "diagonal": (lambda x: x.diagonal(1, 1, 2), (2, 3), (12, 5), 1, [1, 6, 11, 13, 18, 23]),
    "unfold": (lambda x: x[0, 0].unfold(0, 2, 1), (3, 2), (1, 1), 0, [0, 1, 1, 2, 2, 3]),
    "expand": (
        lambda x: x[:, :1].expand(2, 5, 4),
        (2, 5, 4),
        (12, 0, 1),
        0,
        [0, 1, 2, 3, 0, 1, 2, 3],
    ),
    "narrow": (lambda x: x.narrow(2, 1, 2), (2, 3, 2), (12, 4, 1), 1, [1, 2, 5, 6, 9, 10, 13, 14]),
    "none_ellipsis": (lambda x: x[None, ..., 1], (1, 2, 3), (24, 12, 4), 1, [1, 5, 9, 13, 17, 21]),
    "view": (lambda x: x.view(6, 4), (6, 4), (4, 1), 0, [0, 1, 2, 3, 4, 5, 6, 7]),
    "reshape_view": (lambda x: x[1].reshape(-1), (12,), (1,), 12, [12, 13, 14, 15, 16, 17, 18, 19]),
    "flatten": (lambda x: x.flatten(1), (2, 12), (12, 1), 0, [0, 1, 2, 3, 4, 5, 6, 7]),
    "unflatten": (
        lambda x: x.unflatten(2, (2, 2)),
        (2, 3, 2, 2),
        (12, 4, 2, 1),
        0,
        [0, 1, 2, 3, 4, 5, 6, 7],
    ),
    "unsqueeze": (
        lambda x: x.unsqueeze(1),
        (2, 1, 3, 4),
        (12, 12, 4, 1),
        0,
        [0, 1, 2, 3, 4, 5, 6, 7],
    ),
    "squeeze": (lambda x: x[:, :1].squeeze(1), (2, 4), (12, 1), 0, [0, 1, 2, 3, 12, 13, 14, 15]),
    "as_strided": (
        lambda x: x.as_strided((3, 3), (5, 1), 2),
        (3, 3),
        (5, 1),
        2,
        [2, 3, 4, 7, 8, 9, 12, 13],
    ),
    "unbind": (lambda x: x.unbind(1)[2], (2, 4), (12, 1), 8, [8, 9, 10, 11, 20, 21, 22, 23]),
    "split": (
        lambda x: x.split(2, dim=2)[1],
        (2, 3, 2),
        (12, 4, 1),
        2,
        [2, 3, 6, 7, 10, 11, 14, 15],
    ),
    "chunk": (
        lambda x: x.chunk(3, dim=1)[2],
        (2, 1, 4),
        (12, 4, 1),
        8,
        [8, 9, 10, 11, 20, 21, 22, 23],
    ),
    "detach": (lambda x: x.detach(), (2, 3, 4), (12, 4, 1), 0, [0, 1, 2, 3, 4, 5, 6, 7]),
}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_view_layout_values_and_aliasing(name, device):
    make, shape, strides, offset, first = VIEWS[name]
    x = base24(device)
    v = make(x)
    assert tuple(v.shape) == shape
    if (
        name != "squeeze"
    ):  # a size-1 dimension's stride is free; PyTorch's choice is not ours to copy
        assert v.stride() == strides
    assert v.storage_offset() == offset
    assert v.contiguous().flatten().tolist()[: len(first)] == first
    assert v.untyped_storage().data_ptr() == x.untyped_storage().data_ptr()
    # A write through the view is seen by the base, and one through the base by the view.
    if name != "expand":  # writing into an expanded view writes one element many times
        before = x.clone()
        v.add_(100)
        changed = (x - before).flatten()
        assert int((changed != 0).sum()) == v.numel() or name in ("unfold", "as_strided")
    x.zero_()
    assert float(v.abs().sum()) == 0.0


def test_writes_reach_the_base_as_in_pytorch(device):
    x = fg.arange(12.0).reshape(3, 4).to(device)
    x[:, 1].fill_(7)
    y = x[0]
    y += 1
    x.view(12)[5] = -5
    x.t().add_(1)
    # PyTorch's result for the same four lines.
    assert x.tolist() == [[2.0, 9.0, 4.0, 5.0], [5.0, -4.0, 7.0, 8.0], [9.0, 8.0, 11.0, 12.0]]


def test_base_and_is_view():
    x = fg.arange(6.0)
    v = x.view(2, 3).t()[1:]
    assert v._base is not None and v._base.data_ptr() == x.data_ptr()
    assert x._base is None and x.clone()._base is None
    assert not x.view(2, 3).t().is_contiguous() and x.view(2, 3).is_contiguous()


VIEW_MAKERS = {
    "t": lambda x: x.t(),
    "T": lambda x: x.T,
    "mT": lambda x: x.mT,
    "transpose": lambda x: x.transpose(0, 1),
    "swapaxes": lambda x: x.swapaxes(0, 1),
    "permute": lambda x: x.permute(1, 0),
    "movedim": lambda x: x.movedim(0, 1),
    "int index": lambda x: x[0],
    "chained index": lambda x: x[0][1:],
    "step slice": lambda x: x[:, ::2],
    "None index": lambda x: x[None],
    "ellipsis": lambda x: x[..., 1],
    "select": lambda x: x.select(0, 1),
    "narrow": lambda x: x.narrow(1, 1, 2),
    "diagonal": lambda x: x.diagonal(),
    "unbind": lambda x: x.unbind(0)[1],
    "split": lambda x: x.split(2, 1)[1],
    "chunk": lambda x: x.chunk(2, 0)[0],
    "view": lambda x: x.view(12),
    "view of view": lambda x: x.view(12).view(3, 4),
    "view_as": lambda x: x.view_as(x),
    "reshape": lambda x: x.reshape(12),
    "flatten": lambda x: x.flatten(),
    "unflatten": lambda x: x.unflatten(1, (2, 2)),
    "squeeze": lambda x: x[None].squeeze(0),
    "unsqueeze": lambda x: x.unsqueeze(0),
    "expand": lambda x: x[0:1].expand(5, 4),
    "unfold": lambda x: x.unfold(1, 2, 1),
    "as_strided": lambda x: x.as_strided((2, 2), (1, 1)),
}


@pytest.mark.parametrize("name", VIEW_MAKERS)
def test_base_is_the_object_the_view_chain_started_from(name, device):
    # PyTorch: a view's ``_base`` is the very tensor object the chain of views started from.
    x = fg.randn(3, 4, device=device)
    assert VIEW_MAKERS[name](x)._base is x


def test_copies_and_detach_have_no_base():
    x = fg.randn(3, 4)
    assert x.t().contiguous()._base is None
    assert x.t().reshape(12)._base is None
    assert x.detach()._base is None and x.clone()._base is None


def test_empty_views_past_their_storage_run_every_kernel_kind():
    # An empty view may start past its storage's end (PyTorch allows it); kernels read nothing.
    empty = fg.zeros(0, 16)[:, 4:8]
    assert empty.storage_offset() == 4
    assert empty.sigmoid().shape == (0, 4) and (empty + 1).shape == (0, 4)
    assert empty.sum(0).tolist() == [0.0] * 4 and empty.sum().item() == 0.0
    assert (empty == empty.clone()).shape == (0, 4)


def test_a_view_keeps_its_base_object_alive_and_releases_it_with_itself():
    x = fg.randn(3, 4)
    base = weakref.ref(x)
    view = x.t()[1:]
    del x
    gc.collect()
    assert base() is not None and view._base is base()
    del view
    gc.collect()
    assert base() is None


def test_reshape_copies_only_when_it_must(device):
    x = fg.arange(6.0, device=device).reshape(2, 3)
    aliased = x.reshape(3, 2)
    copied = x.t().reshape(6)
    x.add_(10)
    assert aliased.tolist() == [[10.0, 11.0], [12.0, 13.0], [14.0, 15.0]]
    assert copied.tolist() == [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]
    assert x.t().reshape(3, 2, 1).stride()[:2] == (1, 3)


def test_view_with_incompatible_strides_says_to_use_reshape():
    with pytest.raises(RuntimeError, match=r"view size is not compatible.*reshape"):
        fg.arange(6.0).reshape(2, 3).t().view(6)
    with pytest.raises(ValueError):
        fg.arange(6.0).view(4, 2)


def test_clone_and_contiguous_do_not_alias_when_they_copy(device):
    x = fg.arange(6.0, device=device).reshape(2, 3)
    c, t = x.clone(), x.t().contiguous()
    assert x.contiguous() is x or x.contiguous().data_ptr() == x.data_ptr()
    x.fill_(0)
    assert c.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert t.tolist() == [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]]


def test_as_strided_out_of_bounds_raises():
    x = fg.arange(6.0)
    with pytest.raises(IndexError):
        x.as_strided((3, 3), (3, 1))
    with pytest.raises(ValueError):
        x.as_strided((2,), (-1,))


# ----------------------------------------------------------------------------- autograd


def test_gradient_through_inplace_on_a_column(device):
    x = fg.arange(6.0, requires_grad=True, device=device)
    y = x.reshape(2, 3) * 1
    y[:, 0].mul_(2)
    assert y.grad_fn.name() == "CopySlices"
    (y * fg.arange(6.0, device=device).reshape(2, 3)).sum().backward()
    assert x.grad.tolist() == [0.0, 1.0, 2.0, 6.0, 4.0, 5.0]


def test_gradient_through_inplace_on_a_transpose(device):
    x = fg.arange(6.0, device=device).reshape(2, 3).requires_grad_()
    w = fg.ones(3, 2, requires_grad=True, device=device)
    y = x * 1
    y.t().add_(w)
    (y**2).sum().backward()
    assert x.grad.tolist() == [[2.0, 4.0, 6.0], [8.0, 10.0, 12.0]]
    assert w.grad.tolist() == [[2.0, 8.0], [4.0, 10.0], [6.0, 12.0]]


def test_gradient_through_zeroed_diagonal(device):
    a = fg.arange(9.0, requires_grad=True, device=device)
    y = a.reshape(3, 3) * 1
    y.diagonal().zero_()
    (y * y).sum().backward()
    assert a.grad.tolist() == [0.0, 2.0, 4.0, 6.0, 0.0, 10.0, 12.0, 14.0, 0.0]


def test_a_view_follows_its_base_rewritten_history(device):
    a = fg.arange(9.0, requires_grad=True, device=device)
    y = a * 1
    v = y[:4]
    y.mul_(3)  # after this, v is a view of 3 * a
    (v * v).sum().backward()
    assert a.grad.tolist() == [0.0, 18.0, 36.0, 54.0, 0.0, 0.0, 0.0, 0.0, 0.0]


def test_setitem_gives_a_plain_tensor_history():
    b = fg.zeros(3)
    w = fg.tensor([1.0, 2.0], requires_grad=True)
    b[1:] = w
    assert b.requires_grad and b.grad_fn.name() == "CopySlices"
    (b * fg.tensor([5.0, 6.0, 7.0])).sum().backward()
    assert w.grad.tolist() == [6.0, 7.0]


def test_inplace_on_a_view_of_a_leaf_raises(device):
    w = fg.ones(3, requires_grad=True, device=device)
    with pytest.raises(RuntimeError, match="view of a leaf Variable"):
        w[0].add_(1)
    with pytest.raises(RuntimeError, match="view of a leaf Variable"):
        w[:2] = 0.0
    with fg.no_grad():
        w[0].add_(1)
    assert w.tolist() == [2.0, 1.0, 1.0]


def test_a_saved_tensor_changed_through_a_view_is_caught(device):
    x = fg.ones(4, requires_grad=True, device=device)
    y = x * 2
    z = y.exp()  # saves its output
    z[1:3].zero_()  # ... which a view then changes
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()
    a = fg.ones(3, requires_grad=True, device=device)
    b = a * 1
    c = b * b  # saves b
    b.view(3)[0] = 5.0
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        c.sum().backward()


def test_version_is_shared_by_base_and_views(device):
    x = fg.zeros(4, device=device)
    v = x[1:]
    before = x._version
    v.add_(1)
    assert x._version == v._version == before + 1


def test_gradcheck_through_views_and_inplace_on_views():
    def column_scaled(x):
        y = x * 1
        y[:, 1].mul_(3)
        return y.t().reshape(-1)

    def diagonal_replaced(x, d):
        y = x.clone()
        y.diagonal().copy_(d)
        return y.sum(0) * y.sum(1)

    x = fg.randn(3, 3, dtype=fg.float64, requires_grad=True)
    d = fg.randn(3, dtype=fg.float64, requires_grad=True)
    assert gradcheck(column_scaled, (x,))
    assert gradgradcheck(column_scaled, (x,))
    assert gradcheck(diagonal_replaced, (x, d))
    assert gradgradcheck(diagonal_replaced, (x, d))
    assert gradcheck(
        lambda t: t.unfold(0, 2, 1).sum(-1), (fg.randn(5, dtype=fg.float64, requires_grad=True),)
    )
    assert gradcheck(
        lambda t: t.as_strided((2, 2), (1, 2), 1) ** 2,
        (fg.randn(6, dtype=fg.float64, requires_grad=True),),
    )


# ----------------------------------------------------------------------------- NumPy and DLPack


def test_numpy_shares_memory_both_ways():
    t = fg.arange(6.0).reshape(2, 3)
    a = t.numpy()
    a[0, 0] = -1
    t[1, 2] = 50
    assert t[0, 0].item() == -1 and a[1, 2] == 50
    b = np.asarray(t.t())
    assert b.strides == (4, 12) and np.shares_memory(a, b)
    with pytest.raises(RuntimeError, match="requires grad"):
        fg.ones(2, requires_grad=True).numpy()
    with pytest.raises(RuntimeError, match="requires grad"):
        np.asarray(fg.ones(2, requires_grad=True))


def test_from_numpy_shares_a_strided_array():
    a = np.arange(12.0).reshape(3, 4)[:, ::2]
    t = fg.from_numpy(a)
    assert t.stride() == (4, 2)
    t.mul_(10)
    assert a.tolist() == [[0.0, 20.0], [40.0, 60.0], [80.0, 100.0]]


def test_numpy_scalars_on_the_left_keep_the_graph():
    x = fg.ones(2, requires_grad=True)
    y = np.float64(0.5) * x
    assert isinstance(y, fg.Tensor) and y.grad_fn is not None
    y.sum().backward()
    assert x.grad.tolist() == [0.5, 0.5]


def test_dlpack_export_of_a_view_shares_and_keeps_strides():
    t = fg.arange(12.0).reshape(3, 4)
    a = np.from_dlpack(t.t())
    assert a.strides == (4, 16)
    t[0, 1] = 99
    assert a[1, 0] == 99


# ----------------------------------------------------------------------------- devices


def test_views_alias_on_the_numpy_backed_device():
    table = NumpyTable()
    previous = cuda.use_backend(table)
    try:
        x = fg.arange(12.0).reshape(3, 4).to("cuda")
        x[:, 1].fill_(7)
        x.t()[0].add_(1)
        v = x[1:, ::2]
        v.mul_(2)
        assert v.stride() == (4, 2)
        assert x.cpu().tolist() == [
            [1.0, 7.0, 2.0, 3.0],
            [10.0, 7.0, 12.0, 7.0],
            [18.0, 7.0, 20.0, 11.0],
        ]
        w = fg.ones(4, device="cuda", requires_grad=True)
        y = w * 1
        y[1:3].mul_(5)
        y.sum().backward()
        assert w.grad.cpu().tolist() == [1.0, 5.0, 5.0, 1.0]
    finally:
        cuda.use_backend(previous)


# ----------------------------------------------------------------------------- property test


VIEW_OPS = ["t", "slice", "select", "unsqueeze", "flip_free_permute", "diag", "reshape"]


@st.composite
def view_chains(draw):
    shape = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    ops = draw(st.lists(st.sampled_from(VIEW_OPS), max_size=4))
    seeds = draw(st.lists(st.integers(0, 10**6), min_size=len(ops), max_size=len(ops)))
    return shape, list(zip(ops, seeds, strict=True))


def apply_view(op, seed, t, is_numpy):
    """One view op, the same on a tensor and on a NumPy array (``None`` when it does not apply)."""
    rng = np.random.default_rng(seed)
    nd = t.ndim
    if op == "t" and nd >= 2:
        return t.swapaxes(0, 1) if is_numpy else t.transpose(0, 1)
    if op == "slice" and nd >= 1:
        d = int(rng.integers(nd))
        start, step = int(rng.integers(0, 2)), int(rng.integers(1, 3))
        index = tuple(slice(start, None, step) if i == d else slice(None) for i in range(nd))
        return t[index]
    if op == "select" and nd >= 1 and t.shape[0] > 0:
        return t[int(rng.integers(t.shape[0])), ...]  # `...` keeps NumPy's 0-d result a view
    if op == "unsqueeze":
        d = int(rng.integers(nd + 1))
        return np.expand_dims(t, d) if is_numpy else t.unsqueeze(d)
    if op == "flip_free_permute" and nd >= 1:
        order = [int(i) for i in rng.permutation(nd)]
        return t.transpose(order) if is_numpy else t.permute(order)
    if op == "diag" and nd >= 2:
        if not is_numpy:
            return t.diagonal(0, 0, 1)
        # np.diagonal is read-only: the same view, writeable.
        shape = (*t.shape[2:], min(t.shape[0], t.shape[1]))
        strides = (*t.strides[2:], t.strides[0] + t.strides[1])
        return np.lib.stride_tricks.as_strided(t, shape=shape, strides=strides)
    if op == "reshape" and nd >= 1:
        if is_numpy:
            flat = t.reshape(-1)
            return flat if np.shares_memory(flat, t) else None
        try:
            return t.view(-1)
        except RuntimeError:
            return None
    return None


@settings(max_examples=150, deadline=None)
@given(view_chains())
def test_random_view_chains_write_into_the_base_as_numpy(chain):
    shape, ops = chain
    base_np = np.arange(np.prod(shape), dtype=np.float64).reshape(shape)
    base_fg = fg.from_numpy(base_np.copy())
    v_np, v_fg = base_np, base_fg
    for op, seed in ops:
        n, f = apply_view(op, seed, v_np, True), apply_view(op, seed, v_fg, False)
        if n is None or f is None:
            continue
        v_np, v_fg = n, f
    assert tuple(v_fg.shape) == v_np.shape
    v_np += 1000  # NumPy views alias too: the base changes where the view is
    v_fg.add_(1000)
    np.testing.assert_array_equal(base_fg.numpy(), base_np)


def chained_views(shape, ops, dtype=np.float64):
    """The same view chain on a NumPy array and on a ferrograd tensor that copies it."""
    base_np = (np.arange(np.prod(shape)) % 7 - 3).astype(dtype).reshape(shape)
    v_np, v_fg = base_np, fg.from_numpy(base_np.copy())
    for op, seed in ops:
        n, f = apply_view(op, seed, v_np, True), apply_view(op, seed, v_fg, False)
        if n is not None and f is not None:
            v_np, v_fg = n, f
    return v_np, v_fg


@settings(max_examples=150, deadline=None)
@given(view_chains(), st.integers(0, 10**6))
def test_kernels_read_random_views_as_numpy(chain, seed):
    # Elementwise ops, broadcasting against a second view, casts and reductions read views in
    # place (no copy first): each must see exactly the elements NumPy sees.
    shape, ops = chain
    v_np, v_fg = chained_views(shape, ops)
    # exp is a vectorised polynomial (within 1 ulp of libm for float64, docs/PERFORMANCE.md)
    np.testing.assert_allclose(
        fg.exp(v_fg).numpy(), np.exp(v_np), rtol=2 * np.finfo(v_np.dtype).eps, atol=0
    )
    if v_np.ndim:  # against a column of itself: both operands views, one broadcast
        np.testing.assert_array_equal((v_fg - v_fg[..., -1:]).numpy(), v_np - v_np[..., -1:])
    np.testing.assert_array_equal((v_fg > 0).numpy(), v_np > 0)
    np.testing.assert_array_equal(v_fg.to(fg.int64).numpy(), v_np.astype(np.int64))
    rng = np.random.default_rng(seed)
    axes = tuple(int(d) for d in np.flatnonzero(rng.integers(0, 2, v_np.ndim)))
    if axes:
        np.testing.assert_allclose(v_fg.sum(axes).numpy(), v_np.sum(axes), rtol=1e-12)
    if axes and v_np.size:  # max and min of nothing raise, in NumPy too
        np.testing.assert_array_equal(v_fg.amax(axes).numpy(), v_np.max(axes))
        np.testing.assert_array_equal(
            v_fg.to(fg.int64).amin(axes).numpy(), v_np.astype(np.int64).min(axes)
        )
    np.testing.assert_allclose(v_fg.sum().item(), v_np.sum(), rtol=1e-12)


def test_kernels_read_expanded_and_stepped_views_in_place():
    x = fg.arange(24.0).reshape(4, 6)
    xn = np.arange(24.0).reshape(4, 6)
    np.testing.assert_array_equal(x[:, ::2].sum(1).numpy(), xn[:, ::2].sum(1))
    np.testing.assert_array_equal(x.t().sum(1).numpy(), xn.T.sum(1))
    np.testing.assert_array_equal(x[1:, 2:].sum(0).numpy(), xn[1:, 2:].sum(0))
    e = x[0:1].expand(5, 6)
    np.testing.assert_array_equal(e.sum(0).numpy(), 5 * xn[0])
    np.testing.assert_array_equal((e + x[:1, :]).numpy(), np.broadcast_to(2 * xn[:1], (5, 6)))
    big = fg.arange(600_000.0, dtype=fg.float64).reshape(
        1000, 600
    )  # large enough to split across threads
    bign = np.arange(600_000.0).reshape(1000, 600)
    np.testing.assert_allclose(big[:, ::3].sum().item(), bign[:, ::3].sum(), rtol=1e-12)
    np.testing.assert_allclose(big[:, ::3].sum(1).numpy(), bign[:, ::3].sum(1), rtol=1e-12)
    np.testing.assert_allclose(big[::2, 1::3].sum(0).numpy(), bign[::2, 1::3].sum(0), rtol=1e-12)
    y = fg.ones(4, 6)
    y += x.t().t()[:, :]  # strided source of an in-place op, no copy of it first
    np.testing.assert_array_equal(y.numpy(), xn + 1)
    z = fg.ones(6, 4)
    z.mul_(x.t())
    np.testing.assert_array_equal(z.numpy(), xn.T)
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        fg.ones(3, dtype=fg.int64) // fg.tensor([[1, 2], [0, 5], [6, 7]])[:, 0]
