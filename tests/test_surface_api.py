"""Behaviour of the PyTorch-surface additions beyond their values: legacy constructors and
``Tensor.type``, ``size=`` on factories, ``range`` indices, ``meshgrid`` indexing, sampling
(``multinomial``, ``randperm``), dtypes and in-place forms, the NumPy-backed device, and
bad input raising PyTorch's exception types (messages as PyTorch 2.15 words them)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.nn.functional as F
from ferrograd import cuda
from ferrograd.cuda._numpy_backend import NumpyTable

# ----------------------------------------------------------------------------- legacy types


def test_legacy_constructors_take_sizes_or_data():
    a = fg.FloatTensor(2, 3)
    assert a.shape == (2, 3) and a.dtype == fg.float32
    assert fg.DoubleTensor(fg.Size([4])).shape == (4,)
    assert fg.FloatTensor((2, 3)).tolist() == [2.0, 3.0]  # a tuple is data, as in PyTorch
    b = fg.LongTensor([[1, 2], [3, 4]])
    assert b.dtype == fg.int64 and b.tolist() == [[1, 2], [3, 4]]
    assert fg.IntTensor([1]).dtype == fg.int32
    assert fg.BoolTensor([True, False]).dtype == fg.bool
    assert fg.DoubleTensor(np.arange(3)).dtype == fg.float64
    assert fg.FloatTensor().shape == (0,)
    x = fg.zeros(2)
    assert fg.FloatTensor(x) is x


def test_legacy_types_as_isinstance_checks():
    assert isinstance(fg.zeros(2), fg.FloatTensor)
    assert not isinstance(fg.zeros(2), fg.DoubleTensor)
    assert isinstance(fg.arange(3), fg.LongTensor)
    assert not isinstance(fg.arange(3), fg.ByteTensor)
    assert repr(fg.FloatTensor) == "<class 'ferrograd.FloatTensor'>"


def test_legacy_constructor_errors():
    with pytest.raises(TypeError, match="expected Float"):
        fg.FloatTensor(fg.tensor([1, 2]))
    with pytest.raises(TypeError, match="must be a sequence"):
        fg.FloatTensor(2.5)


def test_type_names_and_conversions():
    x = fg.tensor([1.5, -2.0])
    assert x.type() == "torch.FloatTensor"
    assert fg.tensor([1]).type() == "torch.LongTensor"
    assert fg.tensor([1], dtype=fg.int32).type() == "torch.IntTensor"
    assert x.type(fg.float32) is x
    assert x.type("torch.DoubleTensor").dtype == fg.float64
    assert x.type(fg.LongTensor).tolist() == [1, -2]
    assert x.type(fg.int64).dtype == fg.int64
    assert x.type("ferrograd.BoolTensor").dtype == fg.bool
    with pytest.raises(ValueError, match=r"invalid type: 'torch\.FooTensor'"):
        x.type("torch.FooTensor")


def test_type_with_a_cuda_name_moves_to_the_device():
    previous = cuda.use_backend(NumpyTable())
    try:
        y = fg.tensor([1.0, 2.0]).type("torch.cuda.DoubleTensor")
        assert y.is_cuda and y.dtype == fg.float64
        assert y.type() == "torch.cuda.DoubleTensor"
        back = y.type("torch.FloatTensor")
        assert back.is_cpu and back.dtype == fg.float32
    finally:
        cuda.use_backend(previous)


# ----------------------------------------------------------------------------- factories, indexing


def test_size_keyword_on_factories():
    assert fg.zeros(size=(2, 3)).shape == (2, 3)
    assert fg.ones(size=[4]).shape == (4,)
    assert fg.empty(size=(1, 2), dtype=fg.float64).dtype == fg.float64
    assert fg.rand(size=(3,)).shape == (3,)
    assert fg.randn(size=(2, 2)).shape == (2, 2)
    assert fg.full(size=(2,), fill_value=7).tolist() == [7, 7]
    assert fg.randint(5, size=(4,)).shape == (4,)
    with pytest.raises(TypeError, match="size"):
        fg.zeros(2, size=(2,))


def test_range_as_an_index():
    x = fg.arange(12).reshape(3, 4)
    assert x[range(2)].tolist() == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert x[1, range(0, 4, 2)].tolist() == [4, 6]
    assert x[range(1, 3), 1:3].tolist() == [[5, 6], [9, 10]]
    x[range(1, 3), 0] = 0
    assert x[:, 0].tolist() == [0, 0, 0]
    with pytest.raises(IndexError):
        x[range(5)]


def test_meshgrid_indexing_and_default():
    a, b = fg.tensor([1, 2]), fg.tensor([3, 4, 5])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gi, gj = fg.meshgrid(a, b)  # 'ij', without a warning
    assert gi.shape == (2, 3) and gi.tolist() == [[1, 1, 1], [2, 2, 2]]
    assert gj.tolist() == [[3, 4, 5], [3, 4, 5]]
    gx, gy = fg.meshgrid([a, b], indexing="xy")
    assert gx.shape == (3, 2) and gx.tolist() == [[1, 2], [1, 2], [1, 2]]
    assert gy.tolist() == [[3, 3], [4, 4], [5, 5]]
    (single,) = fg.meshgrid(fg.tensor(7))
    assert single.tolist() == [7]


# ----------------------------------------------------------------------------- sampling


def test_multinomial_with_replacement_follows_the_weights():
    fg.manual_seed(0)
    weights = fg.tensor([0.0, 1.0, 3.0, 0.0])
    draws = fg.multinomial(weights, 40000, replacement=True)
    assert draws.dtype == fg.int64 and draws.shape == (40000,)
    counts = np.bincount(draws.numpy(), minlength=4)
    assert counts[0] == 0 and counts[3] == 0
    assert abs(counts[2] / 40000 - 0.75) < 0.01


def test_multinomial_rows_and_without_replacement():
    fg.manual_seed(1)
    weights = fg.tensor([[1.0, 1.0, 1.0, 1.0, 0.0], [0.0, 0.0, 5.0, 1.0, 1.0]])
    draws = weights.multinomial(3)
    assert draws.shape == (2, 3)
    for row, allowed in zip(draws.tolist(), [{0, 1, 2, 3}, {2, 3, 4}], strict=True):
        assert len(set(row)) == 3 and set(row) <= allowed
    # More samples than positive weights: the zero-weight categories come last (PyTorch too).
    assert sorted(fg.multinomial(fg.tensor([0.5, 0.0, 0.5]), 3).tolist()[:2]) == [0, 2]
    # Without replacement the heavy category comes first most of the time.
    firsts = fg.multinomial(fg.tensor([[1.0, 8.0, 1.0]]).expand(4000, 3), 2)[:, 0]
    assert abs(float((firsts == 1).double().mean()) - 0.8) < 0.03


def test_multinomial_and_randperm_are_reproducible():
    fg.manual_seed(5)
    a = fg.multinomial(fg.ones(10), 4)
    fg.manual_seed(5)
    assert fg.multinomial(fg.ones(10), 4).tolist() == a.tolist()
    g = fg.Generator().manual_seed(3)
    first = fg.multinomial(fg.ones(10), 6, True, generator=g)
    g.manual_seed(3)
    assert fg.multinomial(fg.ones(10), 6, True, generator=g).tolist() == first.tolist()
    p1 = fg.randperm(20, generator=fg.Generator().manual_seed(9))
    p2 = fg.randperm(20, generator=fg.Generator().manual_seed(9))
    assert p1.tolist() == p2.tolist() and sorted(p1.tolist()) == list(range(20))
    assert p1.dtype == fg.int64
    assert fg.randperm(4, dtype=fg.float32).dtype == fg.float32
    assert fg.randperm(0).shape == (0,)


# ----------------------------------------------------------------------------- dtypes, in place


def test_dtypes_are_kept_or_promoted_as_pytorch():
    m = fg.tensor([[True, True], [True, True]])
    assert m.tril().dtype == fg.bool and m.tril().tolist() == [[True, False], [True, True]]
    assert fg.arange(4, dtype=fg.int32).reshape(2, 2).triu().dtype == fg.int32
    assert fg.tensor([True, True]).prod().dtype == fg.int64
    assert fg.tensor([3], dtype=fg.int32).prod().dtype == fg.int64
    assert fg.zeros(0).prod().item() == 1.0
    assert fg.ones(2, 0).prod(1).tolist() == [1.0, 1.0]
    assert fg.tensor([1, 2]).isfinite().tolist() == [True, True]
    assert fg.tensor([1, 2]).isinf().tolist() == [False, False]
    assert fg.tensor([math.inf, -math.inf, 1.0]).isposinf().tolist() == [True, False, False]
    assert fg.isneginf(fg.tensor([math.inf, -math.inf, 1.0])).tolist() == [False, True, False]
    assert fg.isfinite(fg.tensor([math.inf, math.nan, 1.0])).tolist() == [False, False, True]
    assert fg.nan_to_num(fg.tensor([1, 2])).tolist() == [1, 2]
    assert fg.tensor([1, 2]).nansum().item() == 3


def test_in_place_forms():
    x = fg.ones(3, 3)
    assert x.tril_(-1) is x and x.tolist() == [[0, 0, 0], [1, 0, 0], [1, 1, 0]]
    x = fg.ones(2, 2)
    assert x.triu_(1) is x and x.tolist() == [[0, 1], [0, 0]]
    y = fg.tensor([math.nan, 1.0])
    assert y.nan_to_num_(5.0) is y and y.tolist() == [5.0, 1.0]
    z = fg.zeros(2)
    z.addcmul_(fg.tensor([1.0, 2.0]), fg.tensor([3.0, 4.0]), value=2)
    assert z.tolist() == [6.0, 16.0]
    z.lerp_(fg.tensor([0.0, 0.0]), 0.5)
    assert z.tolist() == [3.0, 8.0]
    c = fg.zeros(2, 2)
    c.addmm_(fg.eye(2), fg.ones(2, 2), alpha=3)
    assert c.tolist() == [[3.0, 3.0], [3.0, 3.0]]


def test_addmm_with_beta_zero_ignores_nan_in_input():
    out = fg.addmm(fg.full((2, 2), math.nan), fg.eye(2), fg.ones(2, 2), beta=0)
    assert out.tolist() == [[1.0, 1.0], [1.0, 1.0]]


def test_nonzero_forms_and_one_argument_where():
    x = fg.tensor([[0.0, 1.5], [2.0, 0.0]])
    assert fg.nonzero(x).tolist() == [[0, 1], [1, 0]]
    rows, cols = x.nonzero(as_tuple=True)
    assert rows.tolist() == [0, 1] and cols.tolist() == [1, 0]
    assert fg.argwhere(x).tolist() == [[0, 1], [1, 0]]
    (i,) = fg.where(fg.tensor([False, True, True]))
    assert i.tolist() == [1, 2] and i.dtype == fg.int64
    assert fg.nonzero(fg.zeros(2, 3)).shape == (0, 2)


def test_isclose_allclose_equal_as_methods_and_functions():
    a = fg.tensor([1.0, 2.0, math.nan])
    b = fg.tensor([1.0 + 1e-7, 2.1, math.nan])
    assert a.isclose(b).tolist() == [True, False, False]
    assert fg.isclose(a, b, equal_nan=True).tolist() == [True, False, True]
    assert a[:1].allclose(b[:1]) and not fg.allclose(a, b)
    assert fg.allclose(fg.tensor([1, 2]), fg.tensor([1, 2]))
    assert fg.equal(a[:2], fg.tensor([1.0, 2.0])) and not a[:2].equal(fg.tensor([1.0]))


def test_results_are_copies_not_views():
    x = fg.arange(4.0).reshape(2, 2)
    d = x.diag()
    d += 10
    assert x.tolist() == [[0.0, 1.0], [2.0, 3.0]]
    f = x.flip(0)
    f += 1
    assert x.tolist() == [[0.0, 1.0], [2.0, 3.0]]


def test_einsum_and_tensordot_contract_through_matmul_on_large_inputs():
    a = fg.randn(64, 128, dtype=fg.float64)
    b = fg.randn(128, 32, dtype=fg.float64)
    np.testing.assert_allclose(
        fg.einsum("ij,jk->ik", a, b).numpy(), (a @ b).numpy(), rtol=1e-12, atol=1e-12
    )
    np.testing.assert_allclose(
        fg.tensordot(a, b, 1).numpy(), (a @ b).numpy(), rtol=1e-12, atol=1e-12
    )


# ----------------------------------------------------------------------------- device


def test_compositions_run_on_the_numpy_backed_device():
    previous = cuda.use_backend(NumpyTable())
    try:
        host = fg.tensor(np.linspace(-1, 1, 12).reshape(3, 4), dtype=fg.float64)
        dev = host.to("cuda").requires_grad_(True)
        outs = [
            dev.tril(),
            dev.flip(1),
            dev.roll(1, 0),
            dev.prod(1),
            fg.einsum("ij,kj->ik", dev, dev),
            fg.cdist(dev, dev),
            fg.diag_embed(dev),
            dev.repeat(2, 1),
            fg.logaddexp(dev, dev * 2),
        ]
        for out in outs:
            assert out.is_cuda
        total = sum(o.sum() for o in outs)
        total.backward()
        assert dev.grad is not None and dev.grad.is_cuda
        ref = host.clone().requires_grad_(True)
        ref_outs = [
            ref.tril(),
            ref.flip(1),
            ref.roll(1, 0),
            ref.prod(1),
            fg.einsum("ij,kj->ik", ref, ref),
            fg.cdist(ref, ref),
            fg.diag_embed(ref),
            ref.repeat(2, 1),
            fg.logaddexp(ref, ref * 2),
        ]
        sum(o.sum() for o in ref_outs).backward()
        np.testing.assert_allclose(dev.grad.cpu().numpy(), ref.grad.numpy(), rtol=1e-10)
        assert fg.multinomial(fg.ones(3).to("cuda"), 2).is_cuda
        assert fg.tril_indices(3, 3, device="cuda").is_cuda
    finally:
        cuda.use_backend(previous)


# ----------------------------------------------------------------------------- bad input

X = fg.ones(3, 4)
V = fg.ones(3)

# (call, exception type, message pattern) - the types and messages are PyTorch 2.15's.
ERRORS = {
    "tril_1d": (lambda: fg.tril(V), RuntimeError, "at least 2 dimensions"),
    "flip_dup": (lambda: X.flip(0, 0), RuntimeError, "appears multiple times"),
    "flip_range": (lambda: X.flip(2), IndexError, "Dimension out of range"),
    "fliplr_1d": (lambda: V.fliplr(), RuntimeError, "Input must be >= 2-d"),
    "roll_mismatch": (lambda: X.roll((1, 2), 0), RuntimeError, "shifts and dimensions must align"),
    "diag_3d": (lambda: fg.diag(fg.ones(2, 2, 2)), RuntimeError, "Supports 1D or 2D tensors"),
    "diag_embed_same": (lambda: fg.diag_embed(X, 0, 1, 1), RuntimeError, "cannot be identical"),
    "trace_1d": (lambda: V.trace(), RuntimeError, "expected a matrix"),
    "repeat_few": (lambda: X.repeat(2), RuntimeError, "can not be smaller"),
    "repeat_interleave_neg": (lambda: V.repeat_interleave(-1), RuntimeError, "non-negative"),
    "meshgrid_indexing": (
        lambda: fg.meshgrid(V, V, indexing="foo"),
        RuntimeError,
        'indexing must be one of "xy" or "ij"',
    ),
    "meshgrid_2d": (lambda: fg.meshgrid(X, V), RuntimeError, "Expected 0D or 1D tensor"),
    "multinomial_3d": (lambda: fg.multinomial(fg.ones(2, 2, 2), 1), RuntimeError, "1 or 2 dim"),
    "multinomial_negative": (
        lambda: fg.multinomial(fg.tensor([0.5, -1.0]), 1),
        RuntimeError,
        "element < 0",
    ),
    "multinomial_zero_sum": (
        lambda: fg.multinomial(fg.tensor([0.0, 0.0]), 1),
        RuntimeError,
        "sum of probabilities <= 0",
    ),
    "multinomial_too_many": (
        lambda: fg.multinomial(fg.tensor([0.5, 0.5]), 3),
        RuntimeError,
        "without replacement",
    ),
    "multinomial_none": (lambda: fg.multinomial(V, 0), RuntimeError, "n_sample <= 0"),
    "multinomial_int": (
        lambda: fg.multinomial(fg.tensor([1, 2]), 1),
        RuntimeError,
        "floating-point dtypes for input, got: Long",
    ),
    "randperm_negative": (lambda: fg.randperm(-1), RuntimeError, "negative dimension"),
    "prod_tuple": (lambda: X.prod((0, 1)), TypeError, "dim"),
    "nanmean_int": (
        lambda: fg.tensor([1, 2]).nanmean(),
        NotImplementedError,
        "floating point or complex dtype but got Long",
    ),
    "logaddexp_int": (
        lambda: fg.logaddexp(fg.tensor([1]), fg.tensor([2])),
        NotImplementedError,
        "not implemented for 'Long'",
    ),
    "lerp_dtype": (
        lambda: fg.lerp(X, X.double(), 0.5),
        RuntimeError,
        "expected dtype float for `end` but got dtype double",
    ),
    "addmm_1d": (lambda: fg.addmm(X, V, X), RuntimeError, "must be a matrix"),
    "addmm_shape": (
        lambda: fg.addmm(X, X, X),
        RuntimeError,
        r"cannot be multiplied \(3x4 and 3x4\)",
    ),
    "baddbmm_2d": (lambda: fg.baddbmm(X, X, X), RuntimeError, "3D"),
    "addcdiv_int": (
        lambda: fg.addcdiv(fg.tensor([1]), fg.tensor([1]), fg.tensor([2])),
        RuntimeError,
        "Integer division with addcdiv",
    ),
    "outer_2d": (lambda: fg.outer(X, V), RuntimeError, "Expected 1-D argument self"),
    "cross_size": (lambda: fg.cross(X, X, dim=1), RuntimeError, "must have length 3"),
    "block_diag_3d": (
        lambda: fg.block_diag(fg.ones(2, 2, 2)),
        RuntimeError,
        "2 or fewer dimensions",
    ),
    "isclose_dtype": (
        lambda: fg.isclose(X, X.double()),
        RuntimeError,
        "Float did not match Double",
    ),
    "isclose_rtol": (lambda: fg.isclose(X, X, rtol=-1), RuntimeError, "rtol must be greater"),
    "cosine_shape": (
        lambda: F.cosine_similarity(X, fg.ones(3, 5)),
        RuntimeError,
        "must match the size",
    ),
    "cdist_1d": (lambda: fg.cdist(V, X), RuntimeError, "X1 got: 1D"),
    "cdist_columns": (lambda: fg.cdist(X, fg.ones(2, 3)), RuntimeError, "same number of columns"),
    "cdist_negative_p": (lambda: fg.cdist(X, X, p=-1), RuntimeError, "non-negative p"),
    "einsum_few_operands": (lambda: fg.einsum("ij,jk", X), RuntimeError, "fewer operands"),
    "einsum_many_operands": (lambda: fg.einsum("ij", X, X), RuntimeError, "more operands"),
    "einsum_dims": (lambda: fg.einsum("i", X), RuntimeError, "no ellipsis was given"),
    "einsum_char": (lambda: fg.einsum("i1", X), RuntimeError, "invalid subscript given at index 1"),
    "einsum_output_twice": (lambda: fg.einsum("ij->ii", X), RuntimeError, "more than once"),
    "einsum_output_missing": (lambda: fg.einsum("ij->k", X), RuntimeError, "does not appear"),
    "einsum_sizes": (
        lambda: fg.einsum("ij,ij->i", X, fg.ones(3, 5)),
        RuntimeError,
        "subscript j has size 5 for operand 1 which does not broadcast with previously seen size 4",
    ),
    "einsum_diagonal_sizes": (lambda: fg.einsum("ii->i", X), RuntimeError, "sizes don't match"),
    "tensordot_negative": (lambda: fg.tensordot(X, X, -1), RuntimeError, "dims >= 0"),
    "tensordot_sizes": (
        lambda: fg.tensordot(X, X, ([1], [0])),
        RuntimeError,
        "contracted dimensions need to match",
    ),
    "bucketize_2d": (lambda: fg.bucketize(V, X), RuntimeError, "must be 1 dimension"),
    "searchsorted_side": (
        lambda: fg.searchsorted(V, V, right=True, side="left"),
        RuntimeError,
        "can't be set to opposites",
    ),
    "searchsorted_shape": (
        lambda: fg.searchsorted(X, fg.ones(2, 2)),
        RuntimeError,
        "first N-1 dimensions",
    ),
    "tril_indices_negative": (lambda: fg.tril_indices(-1, 2), RuntimeError, "non-negative"),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_bad_input_raises_pytorchs_exception(name):
    call, kind, pattern = ERRORS[name]
    with pytest.raises(kind, match=pattern):
        call()
