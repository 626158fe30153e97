"""Convolution, pooling, padding, resampling and rearranging: values, gradients, state_dict
keys and reprs against numbers recorded from PyTorch (nn_cases_conv_pool.py), float64
gradchecks, and errors for bad input."""

from __future__ import annotations

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.nn as nn
import ferrograd.nn.functional as F
import nn_cases_conv_pool as cases
from ferrograd.autograd import gradcheck, gradgradcheck
from nn_reference import compare, evaluate
from nn_reference_values import VALUES

RNG = np.random.default_rng(11)


def rand64(*shape, scale=1.0, requires_grad=True):
    return fg.tensor(RNG.standard_normal(shape) * scale, requires_grad=requires_grad)


@pytest.mark.parametrize("name", list(cases.CASES))
def test_matches_pytorch(name):
    compare(evaluate(fg, cases.CASES[name]), VALUES[f"nn_cases_conv_pool:{name}"])


# --- gradients ----------------------------------------------------------------------------------

GRADCHECKS = {
    "conv1d": lambda: (
        lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1, dilation=2, groups=2),
        (rand64(1, 4, 7), rand64(2, 2, 2), rand64(2)),
    ),
    "conv3d": lambda: (
        lambda x, w, b: F.conv3d(x, w, b, stride=(1, 2, 1), padding=(1, 0, 1), groups=2),
        (rand64(1, 2, 3, 4, 3), rand64(2, 1, 2, 2, 2), rand64(2)),
    ),
    "conv_transpose1d": lambda: (
        lambda x, w, b: F.conv_transpose1d(x, w, b, stride=2, padding=1, output_padding=1),
        (rand64(2, 2, 3), rand64(2, 3, 3), rand64(3)),
    ),
    "conv_transpose2d": lambda: (
        lambda x, w: F.conv_transpose2d(
            x, w, stride=(2, 1), padding=(0, 1), groups=2, dilation=(1, 2)
        ),
        (rand64(1, 4, 2, 3), rand64(4, 1, 2, 3)),
    ),
    "conv_transpose3d": lambda: (
        lambda x, w, b: F.conv_transpose3d(
            x, w, b, stride=2, padding=(1, 0, 0), output_padding=(1, 0, 1)
        ),
        (rand64(1, 2, 2, 2, 1), rand64(2, 1, 2, 2, 2), rand64(1)),
    ),
    "max_pool1d_ceil": lambda: (
        lambda x: F.max_pool1d(x, 3, stride=2, ceil_mode=True),
        (rand64(1, 2, 8),),
    ),
    "max_pool3d": lambda: (
        lambda x: F.max_pool3d(x, 2, stride=1, padding=1),
        (rand64(1, 1, 3, 3, 2),),
    ),
    "avg_pool2d_ceil_exclude": lambda: (
        lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
        (rand64(1, 2, 5, 6),),
    ),
    "avg_pool3d": lambda: (
        lambda x: F.avg_pool3d(x, (2, 1, 2), divisor_override=3),
        (rand64(1, 1, 4, 2, 4),),
    ),
    "lp_pool2d": lambda: (
        lambda x: F.lp_pool2d(x, 3.0, 2),
        (fg.tensor(RNG.uniform(0.5, 2.0, (1, 1, 4, 4)), requires_grad=True),),
    ),
    "adaptive_max_pool2d": lambda: (
        lambda x: F.adaptive_max_pool2d(x, (2, 3)),
        (rand64(1, 2, 5, 7),),
    ),
    "adaptive_avg_pool3d": lambda: (
        lambda x: F.adaptive_avg_pool3d(x, (2, 3, 2)),
        (rand64(1, 1, 3, 5, 4),),
    ),
    "max_unpool2d": lambda: (
        lambda v: F.max_unpool2d(v, fg.tensor([[[[0, 3], [9, 14]]]]), 2),
        (rand64(1, 1, 2, 2),),
    ),
    "unfold_fold": lambda: (
        lambda x: F.fold(F.unfold(x, 2, stride=1) * 1.5, (3, 4), 2, stride=1),
        (rand64(1, 2, 3, 4),),
    ),
    "pad_reflect": lambda: (
        lambda x: F.pad(x, (2, 1, 1, 2), mode="reflect"),
        (rand64(1, 1, 4, 3),),
    ),
    "pad_replicate": lambda: (lambda x: F.pad(x, (3, 1), mode="replicate"), (rand64(1, 2, 3),)),
    "pad_circular": lambda: (
        lambda x: F.pad(x, (1, 2, 2, 0, 1, 1), mode="circular"),
        (rand64(1, 1, 2, 3, 3),),
    ),
    "interpolate_bilinear": lambda: (
        lambda x: F.interpolate(x, size=(5, 3), mode="bilinear"),
        (rand64(1, 2, 3, 4),),
    ),
    "interpolate_bicubic": lambda: (
        lambda x: F.interpolate(x, scale_factor=1.5, mode="bicubic", align_corners=True),
        (rand64(1, 1, 3, 3),),
    ),
    "interpolate_trilinear": lambda: (
        lambda x: F.interpolate(x, size=(3, 2, 4), mode="trilinear"),
        (rand64(1, 1, 2, 3, 2),),
    ),
    "interpolate_nearest": lambda: (
        lambda x: F.interpolate(x, scale_factor=2.5, mode="nearest-exact"),
        (rand64(1, 2, 3),),
    ),
    "grid_sample_bilinear": lambda: (
        lambda x, g: F.grid_sample(x, g, padding_mode="border", align_corners=False),
        (rand64(1, 2, 3, 4), fg.tensor(RNG.uniform(-1.2, 1.2, (1, 2, 3, 2)), requires_grad=True)),
    ),
    "grid_sample_reflection": lambda: (
        lambda x, g: F.grid_sample(x, g, padding_mode="reflection", align_corners=True),
        (rand64(1, 1, 3, 3), fg.tensor(RNG.uniform(-1.7, 1.7, (1, 2, 2, 2)), requires_grad=True)),
    ),
    "grid_sample_bicubic": lambda: (
        lambda x, g: F.grid_sample(x, g, mode="bicubic"),
        (rand64(1, 1, 4, 4), fg.tensor(RNG.uniform(-0.9, 0.9, (1, 2, 2, 2)), requires_grad=True)),
    ),
    "grid_sample_trilinear": lambda: (
        lambda x, g: F.grid_sample(x, g, align_corners=True),
        (
            rand64(1, 1, 2, 3, 2),
            fg.tensor(RNG.uniform(-0.9, 0.9, (1, 2, 1, 2, 3)), requires_grad=True),
        ),
    ),
    "affine_grid": lambda: (lambda t: F.affine_grid(t, (1, 1, 3, 2)), (rand64(1, 2, 3),)),
    "pixel_shuffle": lambda: (
        lambda x: F.pixel_unshuffle(F.pixel_shuffle(x, 2) * x.sum(), 2),
        (rand64(1, 4, 2, 2),),
    ),
}


@pytest.mark.parametrize("name", list(GRADCHECKS))
def test_gradcheck(name):
    fn, inputs = GRADCHECKS[name]()
    assert gradcheck(fn, inputs)


@pytest.mark.parametrize(
    "name", ["conv1d", "conv_transpose2d", "avg_pool3d", "interpolate_bilinear", "pad_reflect"]
)
def test_gradgradcheck(name):
    fn, inputs = GRADCHECKS[name]()
    assert gradgradcheck(fn, inputs)


# --- behaviour ----------------------------------------------------------------------------------


def test_conv_transpose_is_the_adjoint_of_conv():
    x, y = rand64(2, 3, 7, 6, requires_grad=False), rand64(2, 4, 4, 3, requires_grad=False)
    w = rand64(4, 3, 3, 2, requires_grad=False)
    kw = {"stride": 2, "padding": 1, "dilation": (1, 2)}
    forward = (F.conv2d(x, w, **kw) * y).sum().item()
    adjoint = (x * F.conv_transpose2d(y, w, output_padding=(0, 1), **kw)).sum().item()
    assert forward == pytest.approx(adjoint, rel=1e-12)


def test_max_unpool_inverts_max_pool():
    x = rand64(1, 2, 4, 6, requires_grad=False).abs() + 0.1
    values, indices = F.max_pool2d(x, 2, return_indices=True)
    restored = F.max_unpool2d(values, indices, 2)
    again, _ = F.max_pool2d(restored, 2, return_indices=True)
    np.testing.assert_array_equal(again.numpy(), values.numpy())
    assert int((restored != 0).sum().item()) == values.numel()


def test_lazy_modules_infer_their_input_size():
    fg.manual_seed(0)
    linear = nn.LazyLinear(3)
    conv = nn.LazyConv2d(4, 3, padding=1)
    transposed = nn.LazyConvTranspose1d(2, 3)
    params = list(linear.parameters())
    assert linear(fg.randn(5, 7)).shape == (5, 3)
    assert type(linear) is nn.Linear and linear.in_features == 7
    assert params[0] is linear.weight and tuple(params[0].shape) == (3, 7)
    assert conv(fg.randn(1, 2, 5, 5)).shape == (1, 4, 5, 5) and type(conv) is nn.Conv2d
    assert tuple(conv.weight.shape) == (4, 2, 3, 3)
    assert transposed(fg.randn(3, 6)).shape == (2, 8) and tuple(transposed.weight.shape) == (
        3,
        2,
        3,
    )
    bn = nn.LazyBatchNorm1d()
    bn(fg.randn(4, 5))
    assert type(bn) is nn.BatchNorm1d and list(bn.state_dict()) == [
        "weight",
        "bias",
        "running_mean",
        "running_var",
        "num_batches_tracked",
    ]
    assert tuple(bn.running_mean.shape) == (5,)


def test_conv_module_padding_same_and_repr():
    conv = nn.Conv1d(2, 3, 4, padding="same", padding_mode="reflect")
    assert conv(fg.randn(1, 2, 9)).shape == (1, 3, 9)
    assert repr(conv) == (
        "Conv1d(2, 3, kernel_size=(4,), stride=(1,), padding=same, padding_mode=reflect)"
    )
    transposed = nn.ConvTranspose2d(2, 3, 3, stride=2)
    assert transposed(fg.randn(1, 2, 4, 4), output_size=[10, 9]).shape == (1, 3, 10, 9)


# --- bad input ----------------------------------------------------------------------------------


def test_conv_errors():
    with pytest.raises(RuntimeError, match="expected input\\[2, 5, 9\\] to have 4 channels"):
        F.conv1d(fg.ones(2, 5, 9), fg.ones(6, 4, 3))
    with pytest.raises(RuntimeError, match="Kernel size can't be greater"):
        F.conv3d(fg.ones(1, 1, 2, 2, 2), fg.ones(1, 1, 3, 3, 3))
    with pytest.raises(RuntimeError, match="Expected 4D \\(unbatched\\) or 5D"):
        F.conv3d(fg.ones(2, 2), fg.ones(1, 1, 1, 1, 1))
    with pytest.raises(ValueError, match="padding='same' is not supported for strided"):
        F.conv1d(fg.ones(1, 1, 5), fg.ones(1, 1, 2), stride=2, padding="same")
    with pytest.raises(ValueError, match="Invalid padding string"):
        F.conv2d(fg.ones(1, 1, 5, 5), fg.ones(1, 1, 2, 2), padding="full")
    with pytest.raises(RuntimeError, match="output padding must be smaller than either stride"):
        F.conv_transpose2d(fg.ones(1, 2, 2, 2), fg.ones(2, 2, 3, 3), stride=2, output_padding=2)
    with pytest.raises(RuntimeError, match="to have 3 channels"):
        F.conv_transpose1d(fg.ones(1, 2, 4), fg.ones(3, 2, 3))
    with pytest.raises(RuntimeError, match="non-positive stride"):
        F.conv1d(fg.ones(1, 1, 5), fg.ones(1, 1, 2), stride=0)
    with pytest.raises(ValueError, match="padding_mode must be one of"):
        nn.Conv2d(1, 1, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match='Only "zeros" padding mode'):
        nn.ConvTranspose2d(1, 1, 3, padding_mode="reflect")
    with pytest.raises(ValueError, match="valid sizes range"):
        nn.ConvTranspose2d(1, 1, 3, stride=2)(fg.ones(1, 1, 3, 3), output_size=(12, 12))


def test_conv_operands_of_other_dtypes_are_refused():
    # PyTorch raises RuntimeError for both, naming the two types.
    x, w = fg.ones(1, 2, 5, 5), fg.ones(3, 2, 3, 3)
    with pytest.raises(RuntimeError, match=r"Input type .* and weight type .* should be the same"):
        F.conv2d(x, w.double())
    with pytest.raises(RuntimeError, match=r"Input type .* and bias type .* should be the same"):
        F.conv2d(x, w, fg.ones(3, dtype=fg.float64))


TORCH_CONV_SUM = 36.21742204398472
TORCH_CONV_GX_SUM = -41.58643882045419
TORCH_CONV_GW_HEAD = [49.942857142857136, 46.57142857142857, 38.628571428571426, 36.057142857142864]
TORCH_CONV_GB = [45.0, 68.14285714285714, 91.28571428571428]


def test_conv_is_one_node_whose_values_match_pytorch():
    # Values recorded from PyTorch 2.15 (float64): x = arange(2*2*4*4)/10 - 1.5,
    # w = cos(arange(3*2*2*2)), b = [0.5, -1, 2], stride 2, padding 1, dilation 1,
    # backward of (y * arange(y.numel()).reshape(y.shape) / 7).sum().
    x = (fg.arange(64, dtype=fg.float64) / 10 - 1.5).reshape(2, 2, 4, 4).requires_grad_()
    w = fg.cos(fg.arange(24, dtype=fg.float64)).reshape(3, 2, 2, 2).requires_grad_()
    b = fg.tensor([0.5, -1.0, 2.0], dtype=fg.float64, requires_grad=True)
    y = F.conv2d(x, w, b, stride=2, padding=1)
    assert type(y.grad_fn).__name__ == "ConvolutionBackward0"
    assert y.shape == (2, 3, 3, 3)
    weights = fg.arange(y.numel(), dtype=fg.float64).reshape(y.shape) / 7
    (y * weights).sum().backward()
    assert y.sum().item() == pytest.approx(TORCH_CONV_SUM, abs=1e-9)
    assert x.grad.sum().item() == pytest.approx(TORCH_CONV_GX_SUM, abs=1e-9)
    assert w.grad.reshape(-1)[:4].tolist() == pytest.approx(TORCH_CONV_GW_HEAD, abs=1e-9)
    assert b.grad.tolist() == pytest.approx(TORCH_CONV_GB, abs=1e-9)


def test_pool_errors():
    with pytest.raises(RuntimeError, match="pad should be at most half of effective kernel size"):
        F.max_pool2d(fg.ones(1, 1, 4, 4), 2, padding=2)
    with pytest.raises(RuntimeError, match="Output size is too small"):
        F.max_pool3d(fg.ones(1, 1, 1, 1, 1), 2)
    with pytest.raises(RuntimeError, match="Expected 2D or 3D input"):
        F.avg_pool1d(fg.ones(1, 1, 1, 4), 2)
    with pytest.raises(TypeError, match="floating point"):
        F.avg_pool2d(fg.ones(1, 1, 4, 4, dtype=fg.int64), 2)
    with pytest.raises(RuntimeError, match="divisor must be not zero"):
        F.avg_pool2d(fg.ones(1, 1, 4, 4), 2, divisor_override=0)
    with pytest.raises(RuntimeError, match="invalid max index"):
        F.max_unpool1d(fg.ones(1, 1, 2), fg.tensor([[[0, 9]]]), 2)
    with pytest.raises(ValueError, match="output_size"):
        F.max_unpool1d(fg.ones(1, 1, 2), fg.tensor([[[0, 1]]]), 2, output_size=(9,))
    with pytest.raises(RuntimeError, match="output_size must be greater than or equal to 0"):
        F.adaptive_avg_pool2d(fg.ones(1, 1, 4, 4), (-1, 2))
    with pytest.raises(ValueError, match="either an output size, or a pooling ratio"):
        nn.FractionalMaxPool2d(2)
    with pytest.raises(ValueError, match="output_ratio must be between 0 and 1"):
        nn.FractionalMaxPool2d(2, output_ratio=1.5)


def test_padding_and_resampling_errors():
    x = fg.ones(1, 1, 3, 3)
    with pytest.raises(RuntimeError, match="Padding size should be less than the corresponding"):
        F.pad(x, (3, 0, 0, 0), mode="reflect")
    with pytest.raises(NotImplementedError, match="Padding size 2 is not supported for 4D"):
        F.pad(x, (1, 1), mode="reflect")
    with pytest.raises(RuntimeError, match="wrapping around more than once"):
        F.pad(x, (4, 0, 0, 0), mode="circular")
    with pytest.raises(NotImplementedError, match="Unrecognised padding mode"):
        F.pad(x, (1, 1), mode="symmetric")
    with pytest.raises(ValueError, match="divisible by 2"):
        F.pad(x, (1, 1, 1))
    with pytest.raises(RuntimeError, match="negative output size"):
        F.pad(x, (-2, -2))
    with pytest.raises(ValueError, match="only one of size or scale_factor"):
        F.interpolate(x, size=4, scale_factor=2)
    with pytest.raises(ValueError, match="align_corners option can only be set"):
        F.interpolate(x, size=4, align_corners=True)
    with pytest.raises(NotImplementedError, match="Got 4D input, but trilinear mode needs 5D"):
        F.interpolate(x, size=4, mode="trilinear")
    with pytest.raises(ValueError, match="same number of spatial dimensions"):
        F.interpolate(x, size=(2, 2, 2))
    with pytest.raises(NotImplementedError, match="antialias"):
        F.interpolate(x, size=2, mode="bilinear", antialias=True)
    with pytest.raises(ValueError, match="expected mode to be 'bilinear'"):
        F.grid_sample(x, fg.zeros(1, 2, 2, 2), mode="area")
    with pytest.raises(RuntimeError, match="grid_sampler"):
        F.grid_sample(x, fg.zeros(1, 2, 2, 3))
    with pytest.raises(ValueError, match="Nx2x3"):
        F.affine_grid(fg.zeros(1, 3, 3), (1, 1, 2, 2))
    with pytest.raises(RuntimeError, match="divisible by the square of upscale_factor"):
        F.pixel_shuffle(fg.ones(1, 3, 2, 2), 2)
    with pytest.raises(RuntimeError, match="divisible by downscale_factor"):
        F.pixel_unshuffle(fg.ones(1, 1, 3, 2), 2)
    with pytest.raises(RuntimeError, match="Only 3D or 4D input"):
        F.unfold(fg.ones(2, 2), 1)
