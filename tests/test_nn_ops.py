"""Tensor ops added for nn: forward values against NumPy, gradcheck / gradgradcheck in float64,
and errors."""

from __future__ import annotations

import numpy as np
import pytest

import ferrograd as fg
from ferrograd.autograd import gradcheck, gradgradcheck

RNG = np.random.default_rng(0)


def t64(a, requires_grad=True):
    return fg.tensor(np.asarray(a, dtype=np.float64), requires_grad=requires_grad)


def rand64(*shape, requires_grad=True):
    return t64(RNG.standard_normal(shape), requires_grad)


def np_softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


# --- softmax family --------------------------------------------------------------------------


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmax_log_softmax_logsumexp_values(dim):
    x = RNG.standard_normal((3, 4, 5))
    t = t64(x, False)
    np.testing.assert_allclose(t.softmax(dim).numpy(), np_softmax(x, dim), rtol=1e-12)
    np.testing.assert_allclose(
        t.log_softmax(dim).numpy(), np.log(np_softmax(x, dim)), rtol=1e-10, atol=1e-12
    )
    lse = np.log(np.exp(x).sum(axis=dim))
    np.testing.assert_allclose(t.logsumexp(dim).numpy(), lse, rtol=1e-12)
    np.testing.assert_allclose(
        t.logsumexp(dim, keepdim=True).numpy(), np.expand_dims(lse, dim), rtol=1e-12
    )


def test_softmax_is_numerically_stable():
    t = fg.tensor([[1000.0, 1001.0, 1002.0], [-1000.0, -1001.0, -1002.0]])
    s = t.softmax(1).numpy()
    assert np.all(np.isfinite(s))
    np.testing.assert_allclose(s.sum(1), [1.0, 1.0], rtol=1e-6)
    np.testing.assert_allclose(
        t.log_softmax(1).numpy()[0], [-2.40760596, -1.40760596, -0.40760596], rtol=1e-6
    )
    np.testing.assert_allclose(t.logsumexp(1).numpy(), [1002.40760596, -999.59239404], rtol=1e-6)
    assert fg.logsumexp(fg.tensor([-np.inf, -np.inf]), 0).item() == -np.inf


def test_softmax_family_gradcheck_and_double_backward():
    x = rand64(3, 4)
    for f in (
        lambda a: a.softmax(1),
        lambda a: a.log_softmax(0),
        lambda a: a.logsumexp(1),
        lambda a: a.logsumexp(0, keepdim=True),
    ):
        assert gradcheck(f, (x,))
        assert gradgradcheck(f, (x,))
    assert x.softmax(-1).grad_fn.name() == "SoftmaxBackward0"


def test_softmax_rejects_integers():
    with pytest.raises(TypeError, match="floating point"):
        fg.tensor([1, 2]).softmax(0)


def test_logsumexp_over_several_dims():
    x = RNG.standard_normal((2, 3, 4))
    got = t64(x, False).logsumexp((0, 2)).numpy()
    np.testing.assert_allclose(got, np.log(np.exp(x).sum(axis=(0, 2))), rtol=1e-12)


# --- gather / scatter / index_select / masked_fill / where -------------------------------------


def test_gather_scatter_add_values():
    x = t64([[1.0, 2.0], [3.0, 4.0]], False)
    idx = fg.tensor([[0, 0], [1, 0]])
    assert fg.gather(x, 1, idx).tolist() == [[1.0, 1.0], [4.0, 3.0]]
    out = fg.zeros(2, 3, dtype=fg.float64).scatter_add(1, fg.tensor([[0, 2], [1, 1]]), x)
    assert out.tolist() == [[1.0, 0.0, 2.0], [0.0, 7.0, 0.0]]
    expected = np.zeros((3, 2))
    np.add.at(
        expected,
        (np.array([[2, 0], [2, 1]]), np.array([[0, 1], [0, 1]])),
        np.array([[1.0, 2.0], [3.0, 4.0]]),
    )
    got = fg.zeros(3, 2, dtype=fg.float64).scatter_add(0, fg.tensor([[2, 0], [2, 1]]), x)
    np.testing.assert_array_equal(got.numpy(), expected)


def test_gather_scatter_index_gradcheck():
    x = rand64(3, 4)
    idx = fg.tensor([[0, 3, 3], [1, 1, 0], [2, 0, 1]])
    assert gradcheck(lambda a: a.gather(1, idx), (x,))
    assert gradgradcheck(lambda a: a.gather(1, idx), (x,))
    src = rand64(2, 3)
    sidx = fg.tensor([[0, 1, 2], [2, 2, 0]])
    assert gradcheck(lambda a, s: a.scatter_add(0, sidx, s), (x, src))
    assert gradgradcheck(lambda a, s: a.scatter_add(0, sidx, s) * a, (x, src))
    rows = fg.tensor([2, 0, 2])
    assert gradcheck(lambda a: a.index_select(0, rows), (x,))
    assert gradgradcheck(lambda a: a.index_select(1, fg.tensor([3, 3, 1])) ** 2, (x,))
    assert gradcheck(lambda a, s: a.index_add(1, fg.tensor([0, 3, 0]), s), (x, rand64(3, 3)))


def test_index_errors():
    x = fg.randn(3, 4)
    with pytest.raises(IndexError, match="out of bounds"):
        x.gather(1, fg.tensor([[4]]))
    with pytest.raises(TypeError, match="int64"):
        x.gather(1, fg.tensor([[0.0]]))
    with pytest.raises(ValueError, match="same number of dimensions"):
        x.gather(1, fg.tensor([0]))
    with pytest.raises(IndexError, match="out of bounds"):
        x.index_select(0, fg.tensor([3]))


def test_masked_fill_and_where():
    x = t64([[1.0, -2.0], [-3.0, 4.0]])
    mask = x.detach() < 0
    out = x.masked_fill(mask, 0.5)
    assert out.tolist() == [[1.0, 0.5], [0.5, 4.0]]
    out.sum().backward()
    assert x.grad.tolist() == [[1.0, 0.0], [0.0, 1.0]]
    assert gradcheck(lambda a: a.masked_fill(mask, -1.0) * a, (rand64(2, 2),))
    with pytest.raises(TypeError, match="boolean"):
        x.masked_fill(fg.tensor([[1, 0], [0, 1]]), 0.0)
    y = x.detach().clone()
    y.masked_fill_(mask, 0.0)
    assert y.tolist() == [[1.0, 0.0], [0.0, 4.0]]
    assert fg.where(mask, x, 0.0).tolist() == [[0.0, -2.0], [-3.0, 0.0]]
    assert gradcheck(lambda a, b: fg.where(mask, a, b), (rand64(2, 2), rand64(2)))


# --- joining and splitting -------------------------------------------------------------------


def test_cat_stack_split_chunk():
    a, b = rand64(2, 3), rand64(4, 3)
    np.testing.assert_array_equal(
        fg.cat([a, b]).detach().numpy(), np.concatenate([a.detach().numpy(), b.detach().numpy()])
    )
    assert fg.cat([a, a], dim=1).shape == (2, 6)
    assert fg.stack([a, a, a], dim=1).shape == (2, 3, 3)
    assert fg.stack([a, a], dim=-1).shape == (2, 3, 2)
    assert [p.shape[0] for p in b.split(3)] == [3, 1]
    assert [p.shape[1] for p in b.split([1, 2], dim=1)] == [1, 2]
    assert [p.shape[0] for p in fg.chunk(b, 3)] == [2, 2]
    assert fg.cat([fg.tensor([1, 2]), fg.tensor([0.5])]).dtype == fg.float32
    assert gradcheck(lambda x, y: fg.cat([x, y, x], 0), (a, b))
    assert gradgradcheck(lambda x, y: fg.cat([x * x, y], 0), (a, b))
    assert gradcheck(lambda x: fg.stack([x, x * 2], 1), (a,))
    assert gradcheck(lambda x: x.split(1, 1)[2] * x.chunk(3, 1)[0], (a,))
    assert fg.cat([a, b]).grad_fn.name() == "CatBackward0"


def test_cat_stack_errors():
    with pytest.raises(ValueError, match="Sizes of tensors must match"):
        fg.cat([fg.zeros(2, 3), fg.zeros(2, 4)])
    with pytest.raises(ValueError, match="equal size"):
        fg.stack([fg.zeros(2), fg.zeros(3)])
    with pytest.raises(ValueError, match="zero-dimensional"):
        fg.cat([fg.tensor(1.0)])
    with pytest.raises(ValueError, match="sum exactly"):
        fg.zeros(4).split([1, 2])


# --- advanced indexing -----------------------------------------------------------------------


def test_advanced_getitem_matches_numpy():
    x = RNG.standard_normal((4, 5, 3))
    t = t64(x, False)
    cases = [
        [0, 2, 2],
        (fg.tensor([1, 3]), slice(None), fg.tensor([0, 2])),
        (slice(1, 3), fg.tensor([[0, 1], [4, 4]])),
        (Ellipsis, fg.tensor([2, 0])),
        t.detach()[:, :, 0] > 0,
        t.detach() > 0.5,
        (fg.tensor([True, False, True, True]), 1),
    ]
    for index in cases:
        np_index = (
            tuple(i.numpy() if isinstance(i, fg.Tensor) else i for i in index)
            if isinstance(index, tuple)
            else (index.numpy() if isinstance(index, fg.Tensor) else index)
        )
        np.testing.assert_array_equal(t[index].numpy(), x[np_index])


def test_advanced_getitem_gradient_accumulates_repeats():
    x = t64([1.0, 2.0, 3.0])
    x[[0, 0, 2]].sum().backward()
    assert x.grad.tolist() == [2.0, 0.0, 1.0]
    assert gradcheck(lambda a: a[fg.tensor([[0, 1], [2, 0]])], (rand64(3, 2),))
    m = rand64(3, 4)
    mask = m.detach() > 0
    assert gradcheck(lambda a: a[mask] * 2, (m,))


def test_advanced_setitem():
    x = fg.zeros(3, 4)
    x[x.eq(0).logical_and(fg.arange(12).reshape(3, 4) % 2 == 0)] = 1.0
    assert x.tolist() == [[1, 0, 1, 0]] * 3
    y = fg.arange(6, dtype=fg.float64).reshape(2, 3)
    y[y > 2] = 0
    assert y.tolist() == [[0, 1, 2], [0, 0, 0]]
    z = fg.zeros(5)
    z[[1, 3]] = fg.tensor([7.0, 8.0])
    assert z.tolist() == [0, 7, 0, 8, 0]
    z[[0, 0]] = fg.tensor([1.0, 2.0])  # the last write wins
    assert z[0].item() == 2.0

    def f(a, v):
        out = a * 1
        out[fg.tensor([0, 2])] = v
        return out

    assert gradcheck(f, (rand64(4, 2), rand64(2)))
    with pytest.raises(IndexError):
        fg.zeros(3)[[5]]
    with pytest.raises(IndexError):
        fg.zeros(3)[fg.tensor([True, False])]


# --- statistics, sorting, misc ----------------------------------------------------------------


def test_var_std_norm_values_and_gradcheck():
    x = RNG.standard_normal((3, 4))
    t = t64(x, False)
    np.testing.assert_allclose(t.var().item(), x.var(ddof=1))
    np.testing.assert_allclose(t.var(1, unbiased=False).numpy(), x.var(axis=1))
    np.testing.assert_allclose(
        t.var(0, correction=0, keepdim=True).numpy(), x.var(axis=0, keepdims=True)
    )
    np.testing.assert_allclose(t.std(1).numpy(), x.std(axis=1, ddof=1))
    np.testing.assert_allclose(t.norm().item(), np.linalg.norm(x))
    np.testing.assert_allclose(t.norm(1, dim=1).numpy(), np.abs(x).sum(1))
    np.testing.assert_allclose(t.norm(3, dim=0).numpy(), (np.abs(x) ** 3).sum(0) ** (1 / 3))
    np.testing.assert_allclose(t.norm(float("inf")).item(), np.abs(x).max())
    a = rand64(3, 4)
    for f in (lambda v: v.var(1), lambda v: v.std(), lambda v: v.norm(), lambda v: v.norm(3, 0)):
        assert gradcheck(f, (a,))


def test_sort_topk_argmax():
    x = RNG.standard_normal((3, 5))
    t = t64(x, False)
    values, indices = t.sort(1)
    np.testing.assert_array_equal(values.numpy(), np.sort(x, 1))
    np.testing.assert_array_equal(indices.numpy(), np.argsort(x, 1, kind="stable"))
    values, indices = t.sort(0, descending=True)
    np.testing.assert_array_equal(values.numpy(), -np.sort(-x, 0))
    top = t.topk(2)
    np.testing.assert_array_equal(top.values.numpy(), -np.sort(-x, 1)[:, :2])
    low = t.topk(2, dim=0, largest=False)
    np.testing.assert_array_equal(low.indices.numpy(), np.argsort(x, 0)[:2])
    assert t.argmax().item() == x.argmax()
    np.testing.assert_array_equal(t.argmin(1).numpy(), x.argmin(1))
    a = rand64(3, 5)
    assert gradcheck(lambda v: v.sort(1).values, (a,))
    assert gradcheck(lambda v: v.topk(3, 0 if False else 1).values, (a,))
    with pytest.raises(IndexError, match="out of range"):
        t.topk(9)
    assert fg.tensor([3, 1, 2]).sort().values.tolist() == [1, 2, 3]


def test_one_hot_clone_fill_copy_pow_broadcast():
    from ferrograd.nn.functional import one_hot

    assert one_hot(fg.tensor([0, 2, 1]), 4).tolist() == [[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0]]
    assert one_hot(fg.tensor([[1], [0]])).shape == (2, 1, 2)
    with pytest.raises(TypeError):
        one_hot(fg.tensor([0.0]))
    x = t64([1.0, 2.0])
    c = x.clone()
    assert c.grad_fn.name() == "CloneBackward0"
    y = fg.zeros(2, 2)
    y.fill_(3.0)
    assert y.tolist() == [[3, 3], [3, 3]]
    y.zero_()
    assert y.sum().item() == 0
    y.copy_(fg.tensor([1.0, 2.0]))
    assert y.tolist() == [[1, 2], [1, 2]]
    base = t64([1.0, 2.0, 3.0])
    exps = t64([0.0, 1.0, 2.0])
    out = base.unsqueeze(-1).pow(exps)
    np.testing.assert_allclose(
        out.detach().numpy(), np.array([1.0, 2.0, 3.0])[:, None] ** np.array([0.0, 1.0, 2.0])
    )
    assert gradcheck(
        lambda b, e: b.unsqueeze(-1).pow(e), (t64([1.0, 2.0, 3.0]), t64([0.5, 1.0, 2.0]))
    )
