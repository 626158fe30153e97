"""Normalization, dropout and embeddings: values, gradients, running statistics, state_dict
keys and reprs against numbers recorded from PyTorch (nn_cases_norm_embed.py), float64
gradchecks, dropout statistics and errors for bad input."""

from __future__ import annotations

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.nn as nn
import ferrograd.nn.functional as F
import nn_cases_norm_embed as cases
from ferrograd.autograd import gradcheck, gradgradcheck
from nn_reference import compare, evaluate
from nn_reference_values import VALUES

RNG = np.random.default_rng(13)


def rand64(*shape, scale=1.0, requires_grad=True):
    return fg.tensor(RNG.standard_normal(shape) * scale, requires_grad=requires_grad)


@pytest.mark.parametrize("name", list(cases.CASES))
def test_matches_pytorch(name):
    compare(evaluate(fg, cases.CASES[name]), VALUES[f"nn_cases_norm_embed:{name}"])


GRADCHECKS = {
    "group_norm": lambda: (
        lambda x, w, b: F.group_norm(x, 2, w, b),
        (rand64(2, 4, 3), rand64(4), rand64(4)),
    ),
    "instance_norm": lambda: (
        lambda x, w, b: F.instance_norm(x, weight=w, bias=b),
        (rand64(2, 3, 4), rand64(3), rand64(3)),
    ),
    "batch_norm": lambda: (
        lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
        (rand64(4, 3, 2), rand64(3), rand64(3)),
    ),
    "layer_norm": lambda: (
        lambda x, w: F.layer_norm(x, (2, 3), w),
        (rand64(2, 2, 3), rand64(2, 3)),
    ),
    "rms_norm": lambda: (lambda x, w: F.rms_norm(x, (3,), w), (rand64(2, 3), rand64(3))),
    "local_response_norm": lambda: (
        lambda x: F.local_response_norm(x, 3, alpha=0.5),
        (rand64(1, 4, 3),),
    ),
    "normalize": lambda: (lambda x: F.normalize(x, p=3.0, dim=0), (rand64(3, 2),)),
    "embedding_bag_sum": lambda: (
        lambda w, s: F.embedding_bag(
            fg.tensor([0, 2, 1, 2, 3]), w, fg.tensor([0, 2]), mode="sum", per_sample_weights=s
        ),
        (rand64(4, 3), rand64(5)),
    ),
    "embedding_bag_max": lambda: (
        lambda w: F.embedding_bag(fg.tensor([[0, 2], [3, 1]]), w, mode="max"),
        (rand64(4, 3),),
    ),
    "embedding_bag_mean": lambda: (
        lambda w: F.embedding_bag(fg.tensor([0, 2, 1, 3]), w, fg.tensor([0, 1, 1]), padding_idx=1),
        (rand64(4, 3),),
    ),
}


@pytest.mark.parametrize("name", list(GRADCHECKS))
def test_gradcheck(name):
    fn, inputs = GRADCHECKS[name]()
    assert gradcheck(fn, inputs)


@pytest.mark.parametrize("name", ["group_norm", "instance_norm", "layer_norm", "rms_norm"])
def test_gradgradcheck(name):
    fn, inputs = GRADCHECKS[name]()
    assert gradgradcheck(fn, inputs)


# --- dropout ------------------------------------------------------------------------------------


def test_channel_dropout_zeros_whole_channels():
    fg.manual_seed(1)
    x = fg.ones(8, 16, 5, 5)
    out = F.dropout2d(x, 0.5).numpy()
    per_channel = out.reshape(8, 16, -1)
    assert np.all((per_channel == 0).all(-1) | (per_channel == 2.0).all(-1))
    assert 0.3 < (per_channel[..., 0] == 0).mean() < 0.7
    out1 = F.dropout1d(fg.ones(6, 10, 7), 0.3).numpy()
    assert np.all((out1 == 0).all(-1) | np.isclose(out1, 1 / 0.7).all(-1))
    out3 = F.dropout3d(fg.ones(4, 2, 3, 3), 0.5).numpy()  # unbatched: one value per channel
    assert np.all((out3.reshape(4, -1) == 0).all(-1) | (out3.reshape(4, -1) == 2.0).all(-1))


def test_alpha_dropout_keeps_mean_and_variance():
    fg.manual_seed(2)
    x = fg.randn(200000, dtype=fg.float64)
    out = F.alpha_dropout(x, 0.3, training=True).numpy()
    assert abs(out.mean()) < 0.02 and abs(out.std() - 1.0) < 0.02
    features = F.feature_alpha_dropout(fg.randn(64, 32, 10, dtype=fg.float64), 0.4, training=True)
    dropped = features.numpy().reshape(64, 32, 10)
    constant = np.isclose(dropped, dropped[..., :1]).all(-1)
    assert 0.25 < constant.mean() < 0.55  # dropped channels hold one value


def test_dropout_inplace_and_modes():
    fg.manual_seed(4)
    x = fg.ones(1000)
    out = F.dropout(x, 0.5, inplace=True)
    assert out is x and set(np.unique(x.numpy()).tolist()) == {0.0, 2.0}
    layer = nn.Dropout(0.4)
    y = fg.ones(50)
    assert layer.eval()(y) is y
    assert (layer.train()(y) == 0).any()
    with pytest.warns(UserWarning, match="3D input to dropout2d"):
        F.dropout2d(fg.ones(2, 3, 4), 0.5)


# --- embeddings ---------------------------------------------------------------------------------


def test_embedding_padding_idx_max_norm_and_frozen():
    emb = nn.Embedding(5, 3, padding_idx=1, max_norm=1.0).double()
    assert emb.weight[1].abs().sum().item() == 0.0
    idx = fg.tensor([[1, 2], [4, 2]])
    emb(idx).sum().backward()
    assert emb.weight.grad[1].abs().sum().item() == 0.0
    assert emb.weight.grad[2].tolist() == [2.0, 2.0, 2.0]
    norms = emb.weight.detach().norm(2, 1).numpy()
    assert norms[2] <= 1.0 + 1e-6 and norms[4] <= 1.0 + 1e-6
    table = fg.randn(4, 2)
    frozen = nn.Embedding.from_pretrained(table)
    assert not frozen.weight.requires_grad
    assert frozen.weight.data_ptr() == table.data_ptr()  # shared, as PyTorch's
    assert nn.Embedding.from_pretrained(table, freeze=False).weight.requires_grad
    sparse = nn.Embedding(4, 2, sparse=True)
    sparse(fg.tensor([1])).sum().backward()
    assert sparse.weight.grad.shape == (4, 2)
    assert repr(sparse) == "Embedding(4, 2, sparse=True)"


def test_embedding_errors():
    with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
        nn.Embedding(3, 2, padding_idx=3)
    with pytest.raises(AssertionError, match="2-dimensional"):
        nn.Embedding.from_pretrained(fg.ones(3))
    with pytest.raises(TypeError, match="Long, Int"):
        F.embedding(fg.tensor([0.5]), fg.ones(3, 2))
    with pytest.raises(ValueError, match="offsets has to be a 1D Tensor but got None"):
        F.embedding_bag(fg.tensor([0, 1]), fg.ones(3, 2))
    with pytest.raises(ValueError, match="offsets\\[0\\] has to be 0"):
        F.embedding_bag(fg.tensor([0, 1]), fg.ones(3, 2), fg.tensor([1]))
    with pytest.raises(ValueError, match="if input is 2D, then offsets has to be None"):
        F.embedding_bag(fg.tensor([[0, 1]]), fg.ones(3, 2), fg.tensor([0]))
    with pytest.raises(NotImplementedError, match="only supported for mode='sum'"):
        F.embedding_bag(fg.tensor([[0, 1]]), fg.ones(3, 2), per_sample_weights=fg.ones(1, 2))
    with pytest.raises(ValueError, match="mode has to be one of"):
        F.embedding_bag(fg.tensor([[0, 1]]), fg.ones(3, 2), mode="median")
    with pytest.raises(IndexError, match="index out of range"):
        F.embedding_bag(fg.tensor([[0, 3]]), fg.ones(3, 2))


# --- normalization errors -----------------------------------------------------------------------


def test_norm_errors():
    with pytest.raises(RuntimeError, match="divisible by num_groups"):
        F.group_norm(fg.ones(2, 3, 4), 2)
    with pytest.raises(ValueError, match="num_channels must be divisible by num_groups"):
        nn.GroupNorm(2, 3)
    with pytest.raises(ValueError, match="Expected more than 1 spatial element"):
        F.instance_norm(fg.ones(2, 3, 1))
    with pytest.raises(ValueError, match="expected 2D or 3D input"):
        nn.InstanceNorm1d(3)(fg.ones(2, 3, 4, 5))
    with pytest.raises(ValueError, match="expected input's size at dim=1 to match num_features"):
        nn.InstanceNorm1d(4, affine=True)(fg.ones(2, 3, 5))
    with pytest.raises(ValueError, match="expected 5D input"):
        nn.BatchNorm3d(3)(fg.ones(2, 3, 4, 5))
    with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
        nn.BatchNorm1d(3)(fg.ones(1, 3))
    with pytest.raises(RuntimeError, match="normalized_shape"):
        F.rms_norm(fg.ones(2, 3), (4,))
    with pytest.raises(ValueError, match="Expected 3D or higher"):
        F.local_response_norm(fg.ones(2, 3), 2)
    with pytest.raises(ValueError, match="running_mean and running_var must be defined"):
        F.batch_norm(fg.ones(2, 3), None, None)
