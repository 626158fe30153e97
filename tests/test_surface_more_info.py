"""What tensors and dtypes say about themselves, and other names of existing operations
(``ferrograd._ops_attributes``, ``_ops_dtypes``, ``_ops_aliases``, ``set_printoptions``):
``finfo``/``iinfo``, ``promote_types``/``result_type``/``can_cast``, ``is_*`` predicates,
``element_size``/``nbytes``, ``H``/``mH``/``adjoint``, ``sum_to_size``, ``resize_``,
``apply_``/``map_``, in-place comparisons and arithmetic, bit shifts. Values and errors
recorded from PyTorch (see more_cases.py)."""

from __future__ import annotations

import numpy as np
import pytest

import ferrograd as fg
from more_cases import assert_matches, check_error, check_forward, check_grads, inf


def f32(m, values):
    return m.tensor(np.asarray(values, dtype=np.float32))


def ints(m, values):
    return m.tensor(np.asarray(values, dtype=np.int64))


def info(limits, names):
    return lambda m: [getattr(limits(m), n) for n in names]


FINFO = ["bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"]

CASES = {
    "finfo_float32": info(lambda m: m.finfo(m.float32), FINFO),
    "finfo_float64": info(lambda m: m.finfo(m.float64), FINFO),
    "finfo_default": info(lambda m: m.finfo(), FINFO),
    "iinfo_int32": info(lambda m: m.iinfo(m.int32), ["bits", "min", "max", "dtype"]),
    "iinfo_int64": info(lambda m: m.iinfo(m.int64), ["bits", "min", "max", "dtype"]),
    "promote_types": lambda m: [
        m.promote_types(m.int32, m.float32),
        m.promote_types(m.bool, m.int32),
        m.promote_types(m.int64, m.int32),
        m.promote_types(m.float64, m.int64),
    ],
    "result_type": lambda m: [
        m.result_type(ints(m, [1, 2]), 1.5),
        m.result_type(f32(m, 1.0), m.tensor([1], dtype=m.int32)),
        m.result_type(2, 3.0),
        m.result_type(True, 2),
        m.result_type(m.tensor(1, dtype=m.int32), ints(m, 2)),
        m.result_type(m.tensor([1], dtype=m.int32), ints(m, 2)),
        m.result_type(m.tensor([True]), 5),
        m.result_type(f32(m, [1.0]), m.tensor(2.0, dtype=m.float64)),
        m.result_type(m.tensor([1], dtype=m.int32), m.tensor(2.0, dtype=m.float64)),
    ],
    "can_cast": lambda m: [
        m.can_cast(m.float32, m.int32),
        m.can_cast(m.int32, m.bool),
        m.can_cast(m.bool, m.float32),
        m.can_cast(m.float64, m.float32),
        m.can_cast(m.int64, m.float32),
    ],
    "predicates": lambda m: [
        f32(m, [1.0]).is_signed(),
        m.tensor([True]).is_signed(),
        m.is_signed(m.tensor([1], dtype=m.int32)),
        f32(m, [1.5]).is_nonzero(),
        m.is_nonzero(ints(m, 0)),
        m.zeros(2).is_same_size(m.ones(2)),
        m.is_same_size(m.zeros(2), m.ones(2, 1)),
        m.is_complex(m.zeros(1)),
        m.zeros(1).is_complex(),
        m.zeros(1).is_meta,
        m.zeros(1).is_pinned(),
        m.is_floating_point(m.zeros(1)),
    ],
    "sizes": lambda m: [
        m.zeros(2).element_size(),
        ints(m, [1]).itemsize,
        m.zeros(3, 2).nbytes,
        m.tensor([True]).element_size(),
    ],
    "H": lambda m: m.arange(6.0).reshape(2, 3).H,
    "mH": lambda m: m.arange(12.0).reshape(2, 2, 3).mH,
    "adjoint": lambda m: m.arange(6.0).reshape(1, 2, 3).adjoint(),
    "dim_order": lambda m: m.zeros(2, 3, 4).permute(2, 0, 1).dim_order(),
    "sum_to_size": lambda m: m.arange(6.0).reshape(2, 3).sum_to_size(1, 3),
    "sum_to_size_fewer_dims": lambda m: m.arange(6.0).reshape(2, 3).sum_to_size((3,)),
    "sum_to_size_same": lambda m: m.arange(6.0).reshape(2, 3).sum_to_size(2, 3),
    "resize_shrink": lambda m: m.arange(6.0).resize_(2, 2),
    "resize_as_": lambda m: m.arange(6.0).resize_as_(m.zeros(2, 3)),
    "apply_": lambda m: f32(m, [1.0, 2.0]).apply_(lambda v: v * 10),
    "map_": lambda m: f32(m, [1.0, 2.0]).map_(f32(m, [3.0, 4.0]), lambda a, b: a + b),
    "map2_": lambda m: ints(m, [1, 2]).map2_(
        ints(m, [3, 4]), ints(m, [1]), lambda a, b, c: a * b + c
    ),
    "typename": lambda m: [m.typename(m.zeros(1)), m.typename(ints(m, [1])), m.typename(1)],
    "constants": lambda m: [m.e, m.pi, m.inf, m.newaxis],
    "eq_": lambda m: f32(m, [1.0, 2.0]).eq_(f32(m, [1.0, 3.0])),
    "lt_int": lambda m: ints(m, [1, 2]).lt_(1.5),
    "greater_equal_": lambda m: f32(m, [1.0, 2.0]).greater_equal_(2),
    "logical_and_": lambda m: f32(m, [2.0, 0.0]).logical_and_(f32(m, [1.0, 1.0])),
    "logical_not_": lambda m: ints(m, [2, 0]).logical_not_(),
    "bitwise_or_": lambda m: ints(m, [1, 4]).bitwise_or_(ints(m, [2, 4])),
    "bitwise_not_": lambda m: ints(m, [1, -4]).bitwise_not_(),
    "divide_floor": lambda m: ints(m, [5, -5]).divide_(ints(m, [2, 2]), rounding_mode="floor"),
    "true_divide_": lambda m: f32(m, [5.0, -5.0]).true_divide_(2),
    "multiply_": lambda m: f32(m, [5.0, -5.0]).multiply_(f32(m, [2.0, 3.0])),
    "subtract_alpha": lambda m: f32(m, [5.0, -5.0]).subtract_(f32(m, [2.0, 3.0]), alpha=2),
    "remainder_": lambda m: ints(m, [5, -5]).remainder_(3),
    "floor_divide_": lambda m: f32(m, [5.0, -5.0]).floor_divide_(2),
    "absolute_": lambda m: f32(m, [-1.0, 2.0]).absolute_(),
    "negative_": lambda m: ints(m, [-1, 2]).negative_(),
    "square_": lambda m: f32(m, [-1.5, 2.0]).square_(),
    "atan2_": lambda m: f32(m, [1.0, -1.0]).atan2_(f32(m, [-1.0, -1.0])),
    "clamp_min_": lambda m: f32(m, [1.0, -2.0]).clamp_min_(0.5),
    "clamp_max_": lambda m: ints(m, [1, 7]).clamp_max_(3),
    "clip_": lambda m: f32(m, [1.0, -2.0, 9.0]).clip_(-1, 2),
    "torch_abs_": lambda m: m.abs_(f32(m, [-1.0, 2.0])),
    "torch_sigmoid_": lambda m: m.sigmoid_(f32(m, [0.0, 2.0])),
    "torch_clamp_": lambda m: m.clamp_(f32(m, [-3.0, 0.5, 3.0]), -1, 1),
    "torch_zero_": lambda m: m.zero_(f32(m, [2.0])),
    "left_shift": lambda m: m.bitwise_left_shift(ints(m, [1, -8, 3]), 2),
    "right_shift": lambda m: m.bitwise_right_shift(ints(m, [1, -8, 3]), ints(m, [1, 2, 70])),
    "left_shift_wide": lambda m: m.bitwise_left_shift(ints(m, [1, -8, 3]), 64),
    "shift_operators": lambda m: [
        ints(m, [1, 2]) << ints(m, [1, 1]),
        2 << ints(m, [1, 2]),
        ints(m, [16, -16]) >> 2,
        m.tensor([5], dtype=m.int32) << 1,
    ],
    "shift_in_place": lambda m: ints(m, [1, 2]).bitwise_left_shift_(3),
    "rsub": lambda m: m.rsub(f32(m, [1.0, 2.0]), 5, alpha=2),
    "rsub_tensor": lambda m: m.rsub(f32(m, [1.0, 2.0]), f32(m, [3.0, 3.0])),
    "fill": lambda m: m.fill(m.zeros(2), 3),
    "fill_tensor": lambda m: m.fill(ints(m, [1, 2]), f32(m, 2.5)),
}

EXPECTED = {
    "finfo_float32": [
        32,
        1.1920929e-07,
        3.4028235e38,
        -3.4028235e38,
        1.1754944e-38,
        1.1754944e-38,
        1e-06,
        "float32",
    ],
    "finfo_float64": [
        64,
        2.220446e-16,
        1.7976931e308,
        -1.7976931e308,
        2.2250739e-308,
        2.2250739e-308,
        1e-15,
        "float64",
    ],
    "finfo_default": [
        32,
        1.1920929e-07,
        3.4028235e38,
        -3.4028235e38,
        1.1754944e-38,
        1.1754944e-38,
        1e-06,
        "float32",
    ],
    "iinfo_int32": [32, -2147483648, 2147483647, "int32"],
    "iinfo_int64": [64, -9223372036854775808, 9223372036854775807, "int64"],
    "promote_types": ["float32", "int32", "int64", "float64"],
    "result_type": [
        "float32",
        "float32",
        "float32",
        "int64",
        "int64",
        "int32",
        "int64",
        "float32",
        "float64",
    ],
    "can_cast": [False, False, True, True, True],
    "predicates": [True, False, True, True, False, True, False, False, False, False, False, True],
    "sizes": [4, 8, 24, 1],
    "H": ("float32", [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]]),
    "mH": (
        "float32",
        [[[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]], [[6.0, 9.0], [7.0, 10.0], [8.0, 11.0]]],
    ),
    "adjoint": ("float32", [[[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]]]),
    "dim_order": [1, 2, 0],
    "sum_to_size": ("float32", [[3.0, 5.0, 7.0]]),
    "sum_to_size_fewer_dims": ("float32", [3.0, 5.0, 7.0]),
    "sum_to_size_same": ("float32", [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]),
    "resize_shrink": ("float32", [[0.0, 1.0], [2.0, 3.0]]),
    "resize_as_": ("float32", [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]),
    "apply_": ("float32", [10.0, 20.0]),
    "map_": ("float32", [4.0, 6.0]),
    "map2_": ("int64", [4, 9]),
    "typename": ["torch.FloatTensor", "torch.LongTensor", "int"],
    "constants": [2.7182818, 3.1415927, inf, None],
    "eq_": ("float32", [1.0, 0.0]),
    "lt_int": ("int64", [1, 0]),
    "greater_equal_": ("float32", [0.0, 1.0]),
    "logical_and_": ("float32", [1.0, 0.0]),
    "logical_not_": ("int64", [0, 1]),
    "bitwise_or_": ("int64", [3, 4]),
    "bitwise_not_": ("int64", [-2, 3]),
    "divide_floor": ("int64", [2, -3]),
    "true_divide_": ("float32", [2.5, -2.5]),
    "multiply_": ("float32", [10.0, -15.0]),
    "subtract_alpha": ("float32", [1.0, -11.0]),
    "remainder_": ("int64", [2, 1]),
    "floor_divide_": ("float32", [2.0, -3.0]),
    "absolute_": ("float32", [1.0, 2.0]),
    "negative_": ("int64", [1, -2]),
    "square_": ("float32", [2.25, 4.0]),
    "atan2_": ("float32", [2.3561945, -2.3561945]),
    "clamp_min_": ("float32", [1.0, 0.5]),
    "clamp_max_": ("int64", [1, 3]),
    "clip_": ("float32", [1.0, -1.0, 2.0]),
    "torch_abs_": ("float32", [1.0, 2.0]),
    "torch_sigmoid_": ("float32", [0.5, 0.88079703]),
    "torch_clamp_": ("float32", [-1.0, 0.5, 1.0]),
    "torch_zero_": ("float32", [0.0]),
    "left_shift": ("int64", [4, -32, 12]),
    "right_shift": ("int64", [0, -2, 0]),
    "left_shift_wide": ("int64", [0, 0, 0]),
    "shift_operators": [("int64", [2, 4]), ("int64", [4, 8]), ("int64", [4, -4]), ("int32", [10])],
    "shift_in_place": ("int64", [8, 16]),
    "rsub": ("float32", [3.0, 1.0]),
    "rsub_tensor": ("float32", [2.0, 1.0]),
    "fill": ("float32", [3.0, 3.0]),
    "fill_tensor": ("int64", [2, 2]),
}

ERRORS = {
    "finfo_int": (
        lambda m: m.finfo(m.int32),
        "TypeError",
        r"torch.finfo\(\) requires a floating point input type",
    ),
    "iinfo_float": (
        lambda m: m.iinfo(m.float32),
        "TypeError",
        r"torch.iinfo\(\) requires an integer input type",
    ),
    "promote_types_not_dtype": (
        lambda m: m.promote_types(1, m.float32),
        "TypeError",
        r"promote_types\(\): argument 'type1' \(position 1\) must be torch.dtype, not int",
    ),
    "is_nonzero_many": (
        lambda m: f32(m, [1.0, 2.0]).is_nonzero(),
        "RuntimeError",
        "Boolean value of Tensor with more than one value is ambiguous",
    ),
    "is_nonzero_empty": (
        lambda m: f32(m, []).is_nonzero(),
        "RuntimeError",
        "Boolean value of Tensor with no values is ambiguous",
    ),
    "H_vector": (
        lambda m: m.arange(6.0).H,
        "RuntimeError",
        r"tensor.H is only supported on matrices \(2-D tensors\). Got 1-D tensor.",
    ),
    "mH_vector": (
        lambda m: m.zeros(3).mH,
        "RuntimeError",
        "tensor.mH is only supported on matrices or batches of matrices. Got 1-D tensor.",
    ),
    "sum_to_size": (
        lambda m: m.ones(2, 3).sum_to_size(2),
        "RuntimeError",
        r"size \{\[2\]\} is not expandable to size \{\[2, 3\]\}.",
    ),
    "resize_requires_grad": (
        lambda m: m.arange(6.0).requires_grad_().resize_(2, 2),
        "RuntimeError",
        "cannot resize variables that require grad",
    ),
    "apply_requires_grad": (
        lambda m: f32(m, [1.0]).requires_grad_().apply_(lambda v: v),
        "RuntimeError",
        r"Can't call apply_\(\) on Variable that requires grad. Use var.detach\(\).apply_\(\)",
    ),
    "divide_int_true": (
        lambda m: ints(m, [5, -5]).divide_(ints(m, [2, 2])),
        "RuntimeError",
        "result type Float can't be cast to the desired output type Long",
    ),
    "shift_float": (
        lambda m: f32(m, [1.0]) << 1,
        "NotImplementedError",
        "\"lshift_cpu\" not implemented for 'Float'",
    ),
    "fill_vector_value": (
        lambda m: m.fill(m.zeros(2), f32(m, [1.0])),
        "RuntimeError",
        "fill_ only supports 0-dimension value tensor but got tensor with 1 dimensions.",
    ),
}

X = np.linspace(-1.0, 1.0, 6).reshape(2, 3)
GRADS = {
    "H": (lambda x: x.H, [X]),
    "mH": (lambda x: x.reshape(1, 2, 3).mH, [X]),
    "sum_to_size": (lambda x: x.sum_to_size(1, 3), [X]),
    "rsub": (lambda x: fg.rsub(x, 2.0, alpha=3), [X]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_value_matches_pytorch(name):
    assert_matches(CASES[name](fg), EXPECTED[name], name)


def test_every_case_has_a_recorded_value():
    assert set(CASES) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_error_matches_pytorch(name):
    check_error(*ERRORS[name])


@pytest.mark.parametrize("name", sorted(GRADS))
def test_gradients(name):
    check_grads(*GRADS[name])


@pytest.mark.parametrize("name", sorted(GRADS))
def test_forward_mode(name):
    check_forward(*GRADS[name])


def test_layouts_and_memory_formats():
    assert fg.zeros(1).layout is fg.strided
    assert repr(fg.sparse_coo) == "ferrograd.sparse_coo"
    x = fg.arange(4.0).reshape(1, 1, 2, 2)
    assert fg.equal(x.contiguous(memory_format=fg.channels_last), x)
    assert fg.equal(x.clone(memory_format=fg.preserve_format), x)


def test_resize_grows_with_zeros():
    x = fg.arange(2.0)
    assert x.resize_(3).tolist() == [0.0, 1.0, 0.0]


def test_set_printoptions():
    x = fg.tensor([1.23456789, 2.5])
    try:
        fg.set_printoptions(precision=2)
        assert repr(x) == "tensor([1.23, 2.50])"
        fg.set_printoptions(sci_mode=True)
        assert repr(x) == "tensor([1.23e+00, 2.50e+00])"
        fg.set_printoptions(profile="default", threshold=5, edgeitems=1)
        assert repr(fg.arange(10)) == "tensor([0,  ..., 9])"  # PyTorch 2.15: two spaces
    finally:
        fg.set_printoptions(profile="default")
    assert repr(x) == "tensor([1.2346, 2.5000])"
    with pytest.raises(ValueError, match="Unknown profile"):
        fg.set_printoptions(profile="wide")


def test_angle_values_and_zero_gradient():
    # PyTorch 2.15: [pi, 0, 0, nan, pi] with a zero gradient everywhere
    x = fg.tensor([-1.0, 2.0, 0.0, float("nan"), float("-inf")], requires_grad=True)
    y = fg.angle(x)
    got = y.tolist()
    assert got[0] == pytest.approx(np.pi) and got[1:3] == [0.0, 0.0] and np.isnan(got[3])
    assert got[4] == pytest.approx(np.pi)
    y.sum().backward()
    assert x.grad.tolist() == [0.0] * 5
    assert fg.angle(fg.tensor([-1, 2])).dtype == fg.float32


def test_fill_diagonal_():
    # PyTorch 2.15's results
    square = fg.zeros(3, 3).fill_diagonal_(5)
    assert square.tolist() == [[5, 0, 0], [0, 5, 0], [0, 0, 5]]
    tall = fg.zeros(7, 3).fill_diagonal_(5, wrap=True)
    assert tall.tolist() == [
        [5, 0, 0],
        [0, 5, 0],
        [0, 0, 5],
        [0, 0, 0],
        [5, 0, 0],
        [0, 5, 0],
        [0, 0, 5],
    ]
    assert fg.zeros(7, 3).fill_diagonal_(1).sum().item() == 3
    cube = fg.zeros(2, 2, 2).fill_diagonal_(5)
    assert cube.tolist() == [[[5, 0], [0, 0]], [[0, 0], [0, 5]]]
    with pytest.raises(RuntimeError, match="all dimensions of input must be of equal length"):
        fg.zeros(2, 3, 2).fill_diagonal_(1)
    with pytest.raises(RuntimeError, match="dimensions must larger than 1"):
        fg.zeros(2).fill_diagonal_(1)


def test_as_subclass_keeps_elements_and_graph():
    class Marked(fg.Tensor):
        pass

    x = fg.ones(2, requires_grad=True)
    y = (x * 3).as_subclass(Marked)
    assert type(y) is Marked and y.grad_fn is not None
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]
    assert x.const_data_ptr() == x.data_ptr()


def test_asarray_frombuffer_empty_permuted_to_dlpack():
    array = np.array([1.0, 2.0])
    shared = fg.asarray(array)
    array[0] = 5.0
    assert shared.tolist() == [5.0, 2.0]  # shares memory, as PyTorch
    copied = fg.asarray(array, copy=True)
    array[0] = 6.0
    assert copied.tolist() == [5.0, 2.0]
    t = fg.ones(2)
    assert fg.asarray(t) is t
    assert fg.asarray(t, dtype=fg.float64).dtype == fg.float64
    with pytest.raises(ValueError, match="can't alias tensor with dtype"):
        fg.asarray(t, dtype=fg.float64, copy=False)
    with pytest.raises(ValueError, match="can't alias arbitrary sequence into a tensor"):
        fg.asarray([1, 2], copy=False)
    assert fg.asarray([[1, 2]], dtype=fg.float32).tolist() == [[1.0, 2.0]]
    buffer = bytearray(8)
    floats = fg.frombuffer(buffer, dtype=fg.float32)
    floats[0] = 1.0
    assert bytes(buffer[:4]) == b"\x00\x00\x80?"
    assert fg.frombuffer(bytearray(8), dtype=fg.int32, count=1, offset=4).tolist() == [0]
    with pytest.raises(ValueError, match=r"buffer length \(7 bytes\) after offset \(0 bytes\)"):
        fg.frombuffer(bytearray(7), dtype=fg.int32)
    assert fg.empty_permuted((2, 3, 4, 5), (0, 2, 3, 1)).stride() == (60, 1, 15, 3)
    with pytest.raises(RuntimeError, match="Duplicate dim not allowed"):
        fg.empty_permuted((2, 3), (0, 0))
    assert type(fg.to_dlpack(fg.arange(3.0))).__name__ == "PyCapsule"


def test_process_settings():
    try:
        assert not fg.are_deterministic_algorithms_enabled()
        fg.set_deterministic_debug_mode("warn")
        assert fg.get_deterministic_debug_mode() == 1
        assert fg.are_deterministic_algorithms_enabled()
        assert fg.is_deterministic_algorithms_warn_only_enabled()
        fg.use_deterministic_algorithms(True)
        assert fg.get_deterministic_debug_mode() == 2
        with pytest.raises(RuntimeError, match="invalid value of debug_mode"):
            fg.set_deterministic_debug_mode("x")
    finally:
        fg.use_deterministic_algorithms(False)
    assert fg.get_float32_matmul_precision() == "highest"
    with pytest.warns(UserWarning, match="is not one of 'highest', 'high', or 'medium'"):
        fg.set_float32_matmul_precision("x")
    assert fg.set_flush_denormal(True) is False
    assert fg.is_warn_always_enabled() is False


def test_deprecated_resize_and_module_load():
    x = fg.arange(6.0, requires_grad=True)
    with pytest.warns(UserWarning, match="non-inplace resize is deprecated"):
        y = x.resize(2, 3)
    assert y.shape == (2, 3) and y.grad_fn is not None
    with pytest.warns(UserWarning, match="non-inplace resize_as is deprecated"):
        assert x.resize_as(fg.zeros(3, 2)).shape == (3, 2)
    target = fg.zeros(2)
    assert target.module_load(fg.ones(2)).tolist() == [1.0, 1.0] and target.tolist() == [1.0, 1.0]
    other = fg.full((2,), 5.0)
    assert fg.equal(fg.zeros(2).module_load(other, assign=True), other)


def test_anomaly_settings():
    assert fg.is_anomaly_enabled() is False
    try:
        fg.set_anomaly_enabled(True)
        assert fg.is_anomaly_enabled() and fg.is_anomaly_check_nan_enabled()
        x = fg.tensor([0.0], requires_grad=True)
        with pytest.raises(RuntimeError, match=r"nan|NaN"):
            (x / x).sum().backward()
    finally:
        fg.set_anomaly_enabled(False)
    assert not fg.is_anomaly_enabled()
    fg.set_anomaly_enabled(True, check_nan=False)
    try:
        assert fg.is_anomaly_enabled() and not fg.is_anomaly_check_nan_enabled()
        (x / x).sum().backward()  # no NaN check
    finally:
        fg.set_anomaly_enabled(False)
    assert fg.is_anomaly_check_nan_enabled()
