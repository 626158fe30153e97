"""uint8, int8, int16, float16 and bfloat16: storage, casts, promotion, arithmetic, NumPy
exchange, gradients and autocast. Every expected value below was recorded from PyTorch 2.15
(CPU) as a literal."""

from __future__ import annotations

import io
import math
import warnings

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.nn.functional as F

NEW = ["uint8", "int8", "int16", "float16", "bfloat16"]
ORDER = ["bool", "uint8", "int8", "int16", "int32", "int64"]
ORDER += ["float16", "bfloat16", "float32", "float64"]

SHORT = dict(zip("b u8 i8 i16 i32 i64 f16 bf16 f32 f64".split(), ORDER, strict=True))
# torch.promote_types(ORDER[i], ORDER[j]), row i (in SHORT's names).
PROMOTE_TYPES = [
    "b    u8   i8   i16  i32  i64  f16  bf16 f32  f64",
    "u8   u8   i16  i16  i32  i64  f16  bf16 f32  f64",
    "i8   i16  i8   i16  i32  i64  f16  bf16 f32  f64",
    "i16  i16  i16  i16  i32  i64  f16  bf16 f32  f64",
    "i32  i32  i32  i32  i32  i64  f16  bf16 f32  f64",
    "i64  i64  i64  i64  i64  i64  f16  bf16 f32  f64",
    "f16  f16  f16  f16  f16  f16  f16  f32  f32  f64",
    "bf16 bf16 bf16 bf16 bf16 bf16 f32  bf16 f32  f64",
    "f32  f32  f32  f32  f32  f32  f32  f32  f32  f64",
    "f64  f64  f64  f64  f64  f64  f64  f64  f64  f64",
]
PROMOTE_TYPES = [[SHORT[code] for code in row.split()] for row in PROMOTE_TYPES]


def dt(name):
    return getattr(fg, name)


# --- dtype objects -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, itemsize, floating, signed",
    [
        ("uint8", 1, False, False),
        ("int8", 1, False, True),
        ("int16", 2, False, True),
        ("float16", 2, True, True),
        ("bfloat16", 2, True, True),
    ],
)
def test_dtype_attributes(name, itemsize, floating, signed):
    d = dt(name)
    assert (d.itemsize, d.is_floating_point, d.is_signed) == (itemsize, floating, signed)
    assert repr(d) == f"ferrograd.{name}"


def test_short_names():
    assert fg.half is fg.float16 and fg.short is fg.int16
    assert fg.tensor([1.0]).to("half").dtype is fg.float16
    assert fg.tensor([1]).to(np.uint8).dtype is fg.uint8


def test_finfo_and_iinfo():
    half = fg.finfo(fg.float16)
    assert (half.bits, half.eps, half.max, half.min) == (16, 0.0009765625, 65504.0, -65504.0)
    assert (half.tiny, half.resolution, half.dtype) == (6.103515625e-05, 0.001, "float16")
    bf = fg.finfo(fg.bfloat16)
    assert (bf.bits, bf.eps, bf.max, bf.resolution) == (16, 0.0078125, 3.3895313892515355e38, 0.01)
    assert bf.tiny == 1.1754943508222875e-38 and bf.dtype == "bfloat16"
    assert [(i.min, i.max, i.bits) for i in map(fg.iinfo, (fg.uint8, fg.int8, fg.int16))] == [
        (0, 255, 8),
        (-128, 127, 8),
        (-32768, 32767, 16),
    ]


# --- promotion ---------------------------------------------------------------------------------


@pytest.mark.parametrize("i, a", list(enumerate(ORDER)))
def test_promote_types_table(i, a):
    assert [fg.promote_types(dt(a), dt(b)).name for b in ORDER] == PROMOTE_TYPES[i]


@pytest.mark.parametrize("i, a", list(enumerate(ORDER)))
def test_operators_promote_as_the_table(i, a):
    x = fg.ones(2, dtype=dt(a))
    got = [(x + fg.ones(2, dtype=dt(b))).dtype.name for b in ORDER]
    assert got == PROMOTE_TYPES[i]


def test_zero_dim_and_python_number_rules():
    u8 = fg.tensor([200, 100], dtype=fg.uint8)
    i8 = fg.tensor([100, -100], dtype=fg.int8)
    f16 = fg.tensor([1.5, 2.0], dtype=fg.float16)
    bf = fg.tensor([1.5, 2.0], dtype=fg.bfloat16)
    i32 = fg.tensor([1, 2], dtype=fg.int32)
    f64_0d = fg.tensor(1.5, dtype=fg.float64)
    cases = [
        (u8 + 1000, "uint8", [176, 76]),
        (u8 + i8, "int16", [300, 0]),
        (f16 + bf, "float32", [3.0, 4.0]),
        (i32 + f16, "float16", [2.5, 4.0]),
        (f16 + 1.5, "float16", [3.0, 3.5]),
        (u8 + 1.5, "float32", [201.5, 101.5]),
        (u8 + fg.tensor(1000), "uint8", [176, 76]),
        (u8 + f64_0d, "float64", [201.5, 101.5]),
        (f16 + f64_0d, "float16", [3.0, 3.5]),
        (fg.tensor([True, False]) + fg.tensor(3, dtype=fg.uint8), "uint8", [4, 3]),
        (fg.tensor(1, dtype=fg.uint8) + fg.tensor(1, dtype=fg.int8), "int16", 2),
        (fg.tensor(1.0, dtype=fg.float16) + fg.tensor(1.0, dtype=fg.bfloat16), "float32", 2.0),
        (fg.tensor(1.0, dtype=fg.float16) + 1.1, "float16", 2.099609375),
        (i8 * 1000, "int8", [-96, 96]),
        (u8 // 7, "uint8", [28, 14]),
        (bf * 0.1, "bfloat16", [0.150390625, 0.2001953125]),
    ]
    for result, name, values in cases:
        assert (result.dtype.name, result.tolist()) == (name, values)


def test_result_type_function_agrees():
    assert fg.result_type(fg.tensor(1.0, dtype=fg.float16), 1.0) is fg.float16
    assert fg.result_type(fg.tensor([1], dtype=fg.uint8), 2.0) is fg.float32
    assert fg.result_type(fg.tensor(1, dtype=fg.uint8), fg.tensor([1], dtype=fg.int8)) is fg.int8
    assert fg.result_type(fg.tensor([1], dtype=fg.uint8), fg.tensor(1.0, fg.float64)) is fg.float64


# --- casts -------------------------------------------------------------------------------------


def test_rounding_into_16_bit_floats():
    assert fg.tensor([1 / 3]).half().item() == 0.333251953125
    assert fg.tensor([1 / 3], dtype=fg.float16).item() == 0.333251953125
    values = [65504.0, 65520.0, 1e-8, 6e-8, 1e5, -2.5, 0.1]
    assert fg.tensor(values).half().tolist() == [
        65504.0,
        math.inf,
        0.0,
        5.960464477539063e-08,
        math.inf,
        -2.5,
        0.0999755859375,
    ]
    # ties go to even: 1 + 2^-8 lies halfway between bfloat16's 1 and 1 + 2^-7
    values = [3.4e38, 1e-40, 0.1, 1.00390625, 1.01171875, -3.0078125]
    assert fg.tensor(values).bfloat16().tolist() == [
        math.inf,
        9.183549615799121e-41,
        0.10009765625,
        1.0,
        1.015625,
        -3.0,
    ]
    # a double goes through float32, and an integer through float32, as in PyTorch
    assert fg.tensor([0.1], dtype=fg.float64).half().item() == 0.0999755859375
    big = [2048.0, 4096.0, math.inf, 300.0]
    assert fg.tensor([2049, 4097, 16777217, 300]).half().tolist() == big
    assert fg.tensor([257, 16777217]).bfloat16().tolist() == [256.0, 16777216.0]


def test_integer_narrowing_wraps():
    wide = fg.tensor([-1, 256, 300, -129])
    assert wide.byte().tolist() == [255, 0, 44, 127]
    assert fg.tensor([-1, 256, 300, -129, 40000]).char().tolist() == [-1, 0, 44, 127, 64]
    assert fg.tensor([40000, -40000]).short().tolist() == [-25536, 25536]


FLOATS = [300.5, -1.5, -300.7, 1e10, 70000.5, math.nan, math.inf]


@pytest.mark.parametrize(
    "target, expected",
    [
        ("uint8", [44, 255, 212, 0, 112, 0, 0]),
        ("int8", [44, -1, -44, 0, 112, 0, 0]),
        ("int16", [300, -1, -300, 0, 4464, 0, 0]),
        ("int32", [300, -1, -300, -(2**31), 70000, -(2**31), -(2**31)]),
        ("int64", [300, -1, -300, 10**10, 70000, -(2**63), -(2**63)]),
    ],
)
def test_floats_into_integers_truncate_and_wrap_as_pytorch(target, expected):
    assert fg.tensor(FLOATS).to(dt(target)).tolist() == expected
    assert fg.tensor(FLOATS, dtype=fg.float64).to(dt(target)).tolist() == expected


def test_half_into_integers():
    half = fg.tensor([300.5, -1.5, -300.7, 65504.0, math.inf, math.nan], dtype=fg.float16)
    assert half.byte().tolist() == [44, 255, 212, 224, 0, 0]
    assert half.char().tolist() == [44, -1, -44, -32, 0, 0]
    assert half.short().tolist() == [300, -1, -300, -32, 0, 0]
    assert half.int().tolist() == [300, -1, -300, 65504, -(2**31), -(2**31)]


def test_bool_casts():
    assert fg.tensor([True, False]).half().tolist() == [1.0, 0.0]
    assert fg.tensor([0.0, -0.0, 0.5, math.nan]).half().bool().tolist() == [
        False,
        False,
        True,
        True,
    ]
    assert fg.tensor([0, 3], dtype=fg.uint8).bool().tolist() == [False, True]


def test_python_data_must_fit_an_integer_dtype():
    assert fg.tensor([-255, -128, 255], dtype=fg.uint8).tolist() == [1, 128, 255]
    assert fg.tensor([1.7, 255.9], dtype=fg.uint8).tolist() == [1, 255]
    assert fg.tensor([127.9, -128], dtype=fg.int8).tolist() == [127, -128]
    bad = [([256], fg.uint8), ([-256], fg.uint8), ([-0.5], fg.uint8), ([128], fg.int8)]
    for data, d in [*bad, ([32768], fg.int16), ([2**31], fg.int32)]:
        with pytest.raises(RuntimeError, match="without overflow"):
            fg.tensor(data, dtype=d)
    assert fg.tensor(np.array([300]), dtype=fg.uint8).tolist() == [44]  # arrays wrap
    assert fg.tensor([1e6], dtype=fg.float16).tolist() == [math.inf]


def test_cast_methods_and_legacy_types():
    x = fg.tensor([1.5, -2.0])
    assert [x.half().dtype, x.bfloat16().dtype, x.byte().dtype, x.char().dtype] == [
        fg.float16,
        fg.bfloat16,
        fg.uint8,
        fg.int8,
    ]
    assert x.short().dtype is fg.int16
    names = [x.to(d).type() for d in (fg.float16, fg.bfloat16, fg.uint8, fg.int8, fg.int16)]
    assert names == [
        "torch.HalfTensor",
        "torch.BFloat16Tensor",
        "torch.ByteTensor",
        "torch.CharTensor",
        "torch.ShortTensor",
    ]
    assert x.type("torch.HalfTensor").dtype is fg.float16
    assert isinstance(x.half(), fg.HalfTensor) and not isinstance(x, fg.HalfTensor)
    assert fg.ByteTensor([1, 2]).dtype is fg.uint8 and fg.CharTensor(2, 3).shape == (2, 3)
    assert fg.BFloat16Tensor([0.1]).tolist() == [0.10009765625]
    assert fg.ShortTensor([7]).tolist() == [7] and fg.HalfTensor([0.1]).dtype is fg.float16


# --- NumPy -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["uint8", "int8", "int16", "float16"])
def test_from_numpy_shares_memory(name):
    array = np.arange(6, dtype=name).reshape(2, 3)
    t = fg.from_numpy(array)
    assert t.dtype is dt(name) and t.tolist() == array.tolist()
    t[0, 0] = 5
    assert array[0, 0] == 5
    array[1, 2] = 9
    assert t[1, 2].item() == 9
    back = t.numpy()
    assert back.dtype == np.dtype(name) and np.shares_memory(back, array)


def test_tensor_keeps_the_arrays_dtype():
    for name in ["uint8", "int8", "int16", "float16"]:
        assert fg.tensor(np.zeros(2, dtype=name)).dtype is dt(name)
        assert fg.as_tensor(np.zeros(2, dtype=name)).dtype is dt(name)


def test_bfloat16_has_no_numpy_dtype():
    t = fg.tensor([1.5, 0.1], dtype=fg.bfloat16)
    with pytest.raises(TypeError, match="Got unsupported ScalarType BFloat16"):
        t.numpy()
    with pytest.raises(TypeError, match="Got unsupported ScalarType BFloat16"):
        np.asarray(t)
    assert t.tolist() == [1.5, 0.10009765625] and t[1].item() == 0.10009765625


# --- arithmetic --------------------------------------------------------------------------------


def test_small_integer_arithmetic_wraps():
    u8 = fg.tensor([200, 100, 3, 0], dtype=fg.uint8)
    sevens = fg.full((4,), 7, dtype=fg.uint8)
    assert (u8 + u8).tolist() == [144, 200, 6, 0]
    assert (u8 - fg.full((4,), 5, dtype=fg.uint8)).tolist() == [195, 95, 254, 251]
    assert (u8 * u8).tolist() == [64, 16, 9, 0] and (u8**2).tolist() == [64, 16, 9, 0]
    assert (-u8).tolist() == [56, 156, 253, 0]
    assert (u8 // sevens).tolist() == [28, 14, 0, 0] and (u8 % sevens).tolist() == [4, 2, 3, 0]
    assert u8.abs().tolist() == [200, 100, 3, 0] and u8.sign().tolist() == [1, 1, 1, 0]
    i8 = fg.tensor([100, -100, -128, 127], dtype=fg.int8)
    assert (i8 + i8).tolist() == [-56, 56, 0, -2] and (i8 * 2).tolist() == [-56, 56, 0, -2]
    assert (-i8).tolist() == [-100, 100, -128, -127]
    assert i8.abs().tolist() == [100, 100, -128, 127]
    assert (i8 // fg.full((4,), -1, dtype=fg.int8)).tolist() == [-100, 100, -128, -127]
    assert (i8 // 3).tolist() == [33, -34, -43, 42] and (i8 % 3).tolist() == [1, 2, 1, 1]
    assert (~i8).tolist() == [-101, 99, 127, -128] and (i8 & 15).tolist() == [4, 12, 0, 15]
    i16 = fg.tensor([30000, -30000, 7, -7], dtype=fg.int16)
    assert (i16 + i16).tolist() == [-5536, 5536, 14, -14]
    assert (i16 * i16).tolist() == [-5888, -5888, 49, 49]
    third = u8 / 3
    assert third.dtype is fg.float32
    assert third.tolist() == [66.66666412353516, 33.33333206176758, 1.0, 0.0]


def test_in_place_integer_arithmetic_wraps():
    u8 = fg.tensor([250, 3], dtype=fg.uint8)
    u8 += 10
    assert u8.tolist() == [4, 13] and u8.dtype is fg.uint8


def test_half_math_computes_in_float32_and_rounds():
    h = fg.tensor([0.5, 1.0, 2.0, -3.0], dtype=fg.float16)
    assert h.exp().tolist() == [1.6484375, 2.71875, 7.390625, 0.049774169921875]
    assert fg.tensor([0.5, 1.0, 2.0, 3.0], dtype=fg.float16).log().tolist() == [
        -0.693359375,
        0.0,
        0.693359375,
        1.0986328125,
    ]
    assert fg.tensor([0.5, 1.0, 2.0, 3.0], dtype=fg.bfloat16).sqrt().tolist() == [
        0.70703125,
        1.0,
        1.4140625,
        1.734375,
    ]
    assert fg.tensor([0.5, -1.0, 2.0, 3.0], dtype=fg.float16).sigmoid().tolist() == [
        0.62255859375,
        0.26904296875,
        0.880859375,
        0.95263671875,
    ]
    num, den = fg.tensor([1.0, 2.0, 3.0], dtype=fg.float16), fg.tensor([3.0, 3.0, 7.0])
    assert (num / den.half()).tolist() == [0.333251953125, 0.66650390625, 0.428466796875]
    assert (num.bfloat16() / 3).tolist() == [0.333984375, 0.66796875, 1.0]
    assert (fg.tensor([60000.0], dtype=fg.float16) * 2).tolist() == [math.inf]


def test_a_number_next_to_half_is_read_in_float32():
    a = fg.tensor([1000.0, 3.0, 7.0, 0.3], dtype=fg.float16)
    assert (a * 0.1).tolist() == [100.0, 0.300048828125, 0.7001953125, 0.029998779296875]
    assert (a / 3.3).tolist() == [303.0, 0.9091796875, 2.12109375, 0.0909423828125]
    assert (a // 0.1).tolist() == [10000.0, 29.0, 69.0, 3.0]
    # remainder converts the number to float16 first, as PyTorch's does
    assert (a % 0.1).tolist() == [0.044189453125, 0.000732421875, 0.001708984375, 0.0001220703125]
    # a float16 0-d operand is read as float16
    assert (a * fg.tensor(0.1, dtype=fg.float16)).tolist() == [
        100.0,
        0.2998046875,
        0.69970703125,
        0.029998779296875,
    ]
    # `number - tensor` (rsub) converts the number to float16 first, as PyTorch's does
    assert (1.1 - fg.tensor([0.1, -2.5, 3.0], dtype=fg.float16)).tolist() == [
        0.99951171875,
        3.599609375,
        -1.900390625,
    ]
    b = a.clone()
    b.mul_(0.1)
    assert b.tolist() == [100.0, 0.300048828125, 0.7001953125, 0.029998779296875]


def test_reductions():
    u8 = fg.tensor([200, 100, 3, 0], dtype=fg.uint8)
    i8 = fg.tensor([100, -100, -128, 127], dtype=fg.int8)
    i16 = fg.tensor([30000, -30000, 7, -7], dtype=fg.int16)
    assert [t.sum().dtype for t in (u8, i8, i16, fg.tensor([True, True]))] == [fg.int64] * 4
    assert (u8.sum().item(), i8.sum().item(), i16.sum().item()) == (303, -1, 0)
    assert u8.sum(0).dtype is fg.int64
    assert (u8.max().item(), u8.max().dtype, i8.min().item(), u8.argmax().item()) == (
        200,
        fg.uint8,
        -128,
        0,
    )
    for t, name in [(u8, "Byte"), (fg.tensor([1, 2]), "Long")]:
        with pytest.raises(NotImplementedError, match=f"Got: {name}"):
            t.mean()
    # 16-bit floats accumulate in float32: a float16 running sum would stall at 256
    h = fg.full((1000,), 0.1, dtype=fg.float16)
    assert (h.sum().item(), h.sum().dtype, h.mean().item()) == (100.0, fg.float16, 0.0999755859375)
    b = fg.full((1000,), 0.1, dtype=fg.bfloat16)
    assert (b.sum().item(), b.mean().item()) == (100.0, 0.10009765625)


def test_matmul_accumulates_in_float32():
    x = fg.tensor([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]])
    w = fg.tensor([[1.1, -0.7], [0.3, 2.5], [-1.9, 0.45]])
    product = x.half() @ w.half()
    assert product.dtype is fg.float16
    assert product.tolist() == [[-0.400390625, 0.56494140625], [-0.55078125, 1.240234375]]
    assert (x.bfloat16() @ w.bfloat16()).tolist() == [
        [-0.400390625, 0.56640625],
        [-0.55078125, 1.2421875],
    ]


def test_softmax_in_half():
    assert fg.softmax(fg.tensor([1.0, 2.0, 3.0], dtype=fg.float16), 0).tolist() == [
        0.09002685546875,
        0.2447509765625,
        0.6650390625,
    ]
    assert fg.softmax(fg.tensor([1.0, 2.0, 3.0], dtype=fg.bfloat16), 0).tolist() == [
        0.08984375,
        0.2451171875,
        0.6640625,
    ]


def test_fused_ops_round_once():
    # PyTorch runs these as one kernel computing in float32: one rounding, not one per step
    h = fg.tensor([0.1, -2.5, 3.0], dtype=fg.float16)
    expected = {
        "gelu": [0.053955078125, -0.01552581787109375, 2.99609375],
        "silu": [0.052490234375, -0.189697265625, 2.857421875],
        "mish": [0.06317138671875, -0.19677734375, 2.986328125],
        "softplus": [0.744140625, 0.07891845703125, 3.048828125],
        "elu": [0.0999755859375, -0.91796875, 3.0],
    }
    for name, values in expected.items():
        out = getattr(F, name)(h)
        assert (name, out.dtype, out.tolist()) == (name, fg.float16, values)
    assert F.layer_norm(h, (3,)).tolist() == [-0.044525146484375, -1.2021484375, 1.24609375]
    assert F.rms_norm(h, (3,)).tolist() == [0.044342041015625, -1.1083984375, 1.330078125]
    grouped = F.group_norm(fg.tensor([[[0.1, 0.7], [2.0, -1.0]]], dtype=fg.bfloat16), 1)
    assert grouped.tolist() == [[[-0.322265625, 0.23046875], [1.4296875, -1.3359375]]]
    one = fg.ones(3, dtype=fg.float16)
    assert h.lerp(one, 0.3).tolist() == [0.369873046875, -1.4501953125, 2.400390625]
    inplace = h.clone()
    F.silu(inplace, inplace=True)
    assert inplace.dtype is fg.float16 and inplace.tolist() == expected["silu"]


def test_clamp_bounds_beyond_an_integer_dtype():
    assert fg.tensor([5, 200], dtype=fg.uint8).clamp(min=-1, max=300).tolist() == [5, 200]
    assert fg.tensor([-100, 100], dtype=fg.int8).clamp(min=-1000, max=50).tolist() == [-100, 50]


# --- autograd ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, grad, value",
    [
        ("float16", [4.6484375, -7.2109375, 19.390625], 26.765625),
        ("bfloat16", [4.65625, -7.21875, 19.375], 26.75),
    ],
)
def test_gradients_flow_in_the_tensors_dtype(name, grad, value):
    x = fg.tensor([0.5, -1.25, 2.0], dtype=dt(name), requires_grad=True)
    y = (x * x * 3 + x.exp()).sum()
    y.backward()
    assert (y.dtype, y.item()) == (dt(name), value)
    assert (x.grad.dtype, x.grad.tolist()) == (dt(name), grad)
    # and agrees with the float32 gradient within the dtype's precision
    x32 = x.detach().float().requires_grad_()
    (x32 * x32 * 3 + x32.exp()).sum().backward()
    eps = fg.finfo(dt(name)).eps
    assert np.allclose(x.grad.float().numpy(), x32.grad.numpy(), rtol=2 * eps, atol=0)


def test_gradient_through_a_cast_comes_back_in_float32():
    w = fg.tensor([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], requires_grad=True)
    out = F.linear(fg.tensor([[1.0, 2.0, 3.0]]).bfloat16(), w.bfloat16())
    out.float().square().sum().backward()
    assert w.grad.dtype is fg.float32 and w.grad.shape == (2, 3)


@pytest.mark.parametrize("name", ["uint8", "int8", "int16"])
def test_integer_tensors_cannot_require_grad(name):
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype"):
        fg.tensor([1, 2], dtype=dt(name)).requires_grad_()
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype"):
        fg.ones(2, dtype=dt(name), requires_grad=True)


def test_module_half_and_bfloat16():
    net = fg.nn.Linear(3, 2)
    assert net.half().weight.dtype is fg.float16 and net.bias.dtype is fg.float16
    out = net(fg.ones(4, 3, dtype=fg.float16))
    assert out.dtype is fg.float16
    out.sum().backward()
    assert net.weight.grad.dtype is fg.float16
    assert net.bfloat16().weight.dtype is fg.bfloat16 and net.bias.dtype is fg.bfloat16
    assert net.float().weight.dtype is fg.float32


# --- printing and saving -----------------------------------------------------------------------


def test_repr_shows_the_dtype():
    half = fg.tensor([1.5, 2.25], dtype=fg.float16, requires_grad=True) * 2
    assert repr(half) == "tensor([3.0000, 4.5000], dtype=ferrograd.float16, grad_fn=<MulBackward0>)"
    assert repr(fg.tensor([[1, 2], [3, 4]], dtype=fg.uint8)) == (
        "tensor([[1, 2],\n        [3, 4]], dtype=ferrograd.uint8)"
    )
    assert repr(fg.tensor(0.1, dtype=fg.bfloat16)) == "tensor(0.1001, dtype=ferrograd.bfloat16)"
    assert repr(fg.zeros(0, dtype=fg.float16)) == "tensor([], dtype=ferrograd.float16)"


def test_save_and_load_keep_every_dtype():
    values = {
        "h": fg.tensor([0.1, -2.5], dtype=fg.float16),
        "b": fg.tensor([0.1, 3e38], dtype=fg.bfloat16),
        "u": fg.tensor([0, 255], dtype=fg.uint8),
        "c": fg.tensor([-128, 5], dtype=fg.int8),
        "s": fg.tensor([-30000, 7], dtype=fg.int16),
    }
    buffer = io.BytesIO()
    fg.save(values, buffer)
    buffer.seek(0)
    back = fg.load(buffer)
    for key, t in values.items():
        assert back[key].dtype is t.dtype and back[key].tolist() == t.tolist()


# --- autocast ----------------------------------------------------------------------------------


def test_autocast_runs_linear_in_bfloat16_and_losses_in_float32():
    w = fg.tensor([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], requires_grad=True)
    with fg.autocast("cpu", dtype=fg.bfloat16):
        assert fg.is_autocast_enabled("cpu") and fg.amp.get_autocast_dtype("cpu") is fg.bfloat16
        out = F.linear(fg.tensor([[1.0, 2.0, 3.0]]), w)
        assert (out.dtype, out.tolist()) == (fg.bfloat16, [[1.40625, 3.203125]])
        loss = F.mse_loss(out, fg.tensor([[0.0, 0.0]]))
        assert (loss.dtype, loss.item()) == (fg.float32, 6.1187744140625)
    assert not fg.is_autocast_enabled("cpu")
    loss.backward()
    assert w.grad.dtype is fg.float32
    assert w.grad.tolist() == [[1.40625, 2.8125, 4.21875], [3.203125, 6.40625, 9.625]]


def test_autocast_op_lists():
    x, m = fg.randn(2, 3), fg.randn(3, 3)
    h = x.bfloat16()
    image, kernel = fg.randn(1, 2, 5, 5), fg.randn(3, 2, 3, 3)
    with fg.autocast("cpu"):
        lower = [
            x @ m,
            x.matmul(m),
            fg.mm(m, m),
            fg.bmm(m[None], m[None]),
            fg.addmm(x[0], x, m),
            F.conv2d(image, kernel),
            F.conv1d(image[:, :, 0], kernel[:, :, 0]),
        ]
        assert [t.dtype for t in lower] == [fg.bfloat16] * len(lower)
        same = [F.softmax(x, -1), F.relu(x), h + x, h.sum(), h.exp()]
        assert [t.dtype for t in same] == [fg.float32, fg.float32, fg.float32] + [fg.bfloat16] * 2
        assert h.prod().dtype is fg.float32
        assert F.cross_entropy(h, fg.tensor([0, 1])).dtype is fg.float32
        with fg.autocast("cpu", enabled=False):
            assert (x @ m).dtype is fg.float32
        assert (x @ m).dtype is fg.bfloat16
    assert (x @ m).dtype is fg.float32
    with fg.autocast("cpu", dtype=fg.float16):
        assert (x @ m).dtype is fg.float16 and x.double().matmul(m.double()).dtype is fg.float64


def test_autocast_refuses_other_dtypes():
    x = fg.ones(2, 2)
    with (
        pytest.warns(UserWarning, match="target dtype is not supported"),
        fg.autocast("cpu", dtype=fg.float32),
    ):
        assert not fg.is_autocast_enabled("cpu") and (x @ x).dtype is fg.float32
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with fg.autocast("cpu", enabled=False):
            assert (x @ x).dtype is fg.float32


def test_grad_scaler_refuses_float16_gradients():
    net = fg.nn.Linear(2, 1).half()
    optimizer = fg.optim.SGD(net.parameters(), lr=0.1)
    scaler = fg.amp.GradScaler("cpu")
    scaler.scale(net(fg.ones(1, 2, dtype=fg.float16)).sum()).backward()
    with pytest.raises(ValueError, match="Attempting to unscale FP16 gradients"):
        scaler.unscale_(optimizer)


def test_grad_scaler_unscales_bfloat16_gradients():
    net = fg.nn.Linear(2, 1).bfloat16()
    optimizer = fg.optim.SGD(net.parameters(), lr=0.1)
    scaler = fg.amp.GradScaler("cpu", init_scale=4.0)
    scaler.scale(net(fg.ones(1, 2, dtype=fg.bfloat16)).sum()).backward()
    scaler.unscale_(optimizer)
    assert net.weight.grad.dtype is fg.bfloat16 and net.weight.grad.tolist() == [[1.0, 1.0]]
