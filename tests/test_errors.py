"""Bad input gives a clear Python exception of the right class; nothing crashes.

Classes: shape problems -> ValueError, dtype misuse -> TypeError, index -> IndexError,
autograd misuse -> RuntimeError.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import ferrograd as fg
from helpers import assert_names_shape

# ----------------------------------------------------------------------------- shapes


@pytest.mark.parametrize(
    "sa, sb",
    [((2, 3), (4,)), ((3,), (4,)), ((2, 3), (3, 2)), ((5, 2, 3), (4, 3)), ((2, 1, 3), (1, 4, 2))],
)
@pytest.mark.parametrize("op", ["add", "sub", "mul", "div", "pow", "eq", "lt", "remainder"])
def test_broadcast_mismatch_names_both_shapes(op, sa, sb):
    a, b = fg.ones(sa), fg.ones(sb)
    with pytest.raises(ValueError) as ei:
        getattr(fg, op)(a, b)
    msg = str(ei.value)
    assert_names_shape(msg, sa)
    assert_names_shape(msg, sb)


def test_broadcast_mismatch_through_operator():
    with pytest.raises(ValueError) as ei:
        fg.ones(2, 3) + fg.ones(4)
    assert_names_shape(str(ei.value), (2, 3))
    assert_names_shape(str(ei.value), (4,))


@pytest.mark.parametrize(
    "sa, sb",
    [
        ((2, 3), (4, 5)),
        ((3,), (4,)),
        ((2, 3), (2,)),
        ((3,), (2, 4)),
        ((2, 2, 3), (2, 4, 5)),
    ],
)
def test_matmul_mismatch_names_both_shapes(sa, sb):
    # Batches that do not broadcast raise PyTorch's words instead (test_pytorch_fidelity.py).
    with pytest.raises(ValueError) as ei:
        fg.ones(sa) @ fg.ones(sb)
    msg = str(ei.value)
    assert_names_shape(msg, sa)
    assert_names_shape(msg, sb)


def test_mm_mismatch_and_rank():
    with pytest.raises(ValueError) as ei:
        fg.mm(fg.ones(2, 3), fg.ones(4, 5))
    assert_names_shape(str(ei.value), (2, 3))
    assert_names_shape(str(ei.value), (4, 5))
    with pytest.raises(ValueError):
        fg.mm(fg.ones(3), fg.ones(3, 2))
    with pytest.raises(ValueError):
        fg.mm(fg.ones(2, 2, 2), fg.ones(2, 2))


def test_matmul_0d_raises_value_error():
    with pytest.raises(ValueError):
        fg.tensor(2.0) @ fg.ones(2)
    with pytest.raises(ValueError):
        fg.ones(2) @ fg.tensor(2.0)


@pytest.mark.parametrize("shape", [(5,), (7, 3), (-1, 5), (-1, -1), (25,)])
def test_reshape_invalid(shape):
    with pytest.raises(ValueError):
        fg.ones(4, 6).reshape(shape)
    with pytest.raises(ValueError):
        fg.ones(4, 6).view(shape)


def test_expand_invalid():
    with pytest.raises(ValueError):
        fg.ones(3, 2).expand(3, 4)
    with pytest.raises(ValueError):
        fg.ones(3, 1).expand(4)  # fewer dims than the tensor
    with pytest.raises(ValueError):
        fg.ones(3, 1).expand(-1, -1, 2)  # -1 not allowed for a new leading dim


def test_permute_invalid():
    with pytest.raises((ValueError, IndexError)):
        fg.ones(2, 3).permute(0)
    with pytest.raises((ValueError, IndexError)):
        fg.ones(2, 3).permute(0, 0)
    with pytest.raises((ValueError, IndexError)):
        fg.ones(2, 3).permute(0, 1, 2)


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.sum(dim=3),
        lambda t: t.sum(dim=-4),
        lambda t: t.mean(dim=(0, 5)),
        lambda t: t.max(dim=3),
        lambda t: t.transpose(0, 3),
        lambda t: t.unsqueeze(5),
        lambda t: t.squeeze(3),
        lambda t: t.flatten(0, 3),
        lambda t: t.size(3),
    ],
)
def test_dim_out_of_range(call):
    # PyTorch raises IndexError("Dimension out of range ...") for these.
    with pytest.raises((IndexError, ValueError)):
        call(fg.ones(2, 3, 4))


def test_inplace_broadcast_to_bigger_shape_raises():
    x = fg.ones(3)
    with pytest.raises(ValueError):
        x *= fg.ones(2, 3)


def test_negative_dimension_in_factory():
    with pytest.raises(ValueError):
        fg.zeros(-1, 2)
    with pytest.raises(ValueError):
        fg.ones((2, -3))


def test_ragged_nested_list():
    with pytest.raises(ValueError):
        fg.tensor([[1.0, 2.0], [3.0]])
    with pytest.raises((ValueError, TypeError)):
        fg.tensor([[1.0, 2.0], 3.0])


def test_backward_gradient_shape_mismatch():
    x = fg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises((ValueError, RuntimeError)):
        (x * 2).backward(fg.ones(3))


def test_arange_zero_step():
    # PyTorch 2.15: RuntimeError, in these words (integer and float ranges alike)
    with pytest.raises(RuntimeError, match=r"^step must be nonzero$"):
        fg.arange(0, 5, 0)
    with pytest.raises(RuntimeError, match=r"^step must be nonzero$"):
        fg.arange(0.0, 5.0, 0.0)
    with pytest.raises(RuntimeError, match=r"^upper bound and lower bound inconsistent"):
        fg.arange(0.0, 5.0, -1.0)


# ----------------------------------------------------------------------------- dtypes


@pytest.mark.parametrize(
    "make",
    [
        lambda: fg.tensor([1, 2], requires_grad=True),
        lambda: fg.tensor([True], requires_grad=True),
        lambda: fg.tensor([1, 2]).requires_grad_(),
        lambda: fg.zeros(2, dtype=fg.int32, requires_grad=True),
        lambda: fg.arange(3, requires_grad=True),
    ],
)
def test_int_requires_grad(make):
    with pytest.raises(
        RuntimeError, match="only Tensors of floating point dtype can require gradients"
    ):
        make()


def test_int_requires_grad_setter():
    t = fg.tensor([1, 2])
    with pytest.raises(
        RuntimeError, match="only Tensors of floating point dtype can require gradients"
    ):
        t.requires_grad = True
    assert not t.requires_grad


@pytest.mark.parametrize(
    "op",
    [
        lambda a, b: a & b,
        lambda a, b: a | b,
        lambda a, b: a ^ b,
        lambda a, b: ~a,
        lambda a, b: fg.bitwise_and(a, b),
        lambda a, b: a & 1,
        lambda a, b: 1 | a,
    ],
)
def test_bitwise_on_float_is_type_error(op):
    a = fg.tensor([1.0, 2.0])
    with pytest.raises(TypeError):
        op(a, a)


def test_inplace_bitwise_on_float_is_type_error():
    a = fg.tensor([1.0, 2.0])
    with pytest.raises(TypeError):
        a &= fg.tensor([1.0, 1.0])


def test_bitwise_bool_with_float_is_type_error():
    with pytest.raises(TypeError):
        fg.tensor([True]) & fg.tensor([1.5])


def test_neg_of_bool_is_not_implemented_as_in_pytorch():
    with pytest.raises(NotImplementedError, match="Negation, the `-` operator, on a bool tensor"):
        -fg.tensor([True, False])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        # PyTorch 2.15's messages.
        (fg.relu, "Boolean inputs not supported for relu"),
        (fg.abs, "\"abs_cpu\" not implemented for 'Bool'"),
        (fg.floor, "\"floor_vml_cpu\" not implemented for 'Bool'"),
        (fg.ceil, "\"ceil_vml_cpu\" not implemented for 'Bool'"),
        (fg.round, "\"round_vml_cpu\" not implemented for 'Bool'"),
        (fg.trunc, "\"trunc_vml_cpu\" not implemented for 'Bool'"),
    ],
)
def test_unary_ops_without_a_bool_kernel_in_pytorch_reject_bool(call, message):
    with pytest.raises(NotImplementedError, match=message):
        call(fg.tensor([True, False]))
    # and integers still pass through
    assert call(fg.tensor([2, 0])).tolist() == [2, 0]


def test_sub_with_bool_is_not_implemented_as_in_pytorch():
    two_bools = "Subtraction, the `-` operator, with two bool tensors is not supported"
    with pytest.raises(NotImplementedError, match=two_bools):
        fg.tensor([True]) - fg.tensor([False])
    one_bool = "Subtraction, the `-` operator, with a bool tensor is not supported"
    for make in (
        lambda: fg.tensor([1, 2]) - fg.tensor([True, False]),
        lambda: fg.tensor([True, False]) - 1,
        lambda: 1 - fg.tensor([True, False]),
    ):
        with pytest.raises(NotImplementedError, match=one_bool):
            make()


def test_mean_of_int_is_not_implemented_error():
    # PyTorch raises NotImplementedError (a RuntimeError) naming the dtype
    with pytest.raises(NotImplementedError, match="Got: Long"):
        fg.tensor([1, 2, 3]).mean()


def test_inplace_int_true_division_is_type_error():
    a = fg.tensor([1, 2])
    with pytest.raises(TypeError):
        a /= 2


def test_bad_data_type():
    with pytest.raises(TypeError):
        fg.tensor("abc")
    with pytest.raises(TypeError):
        fg.tensor([1.0, "x"])
    with pytest.raises(TypeError):
        fg.tensor(object())


def test_bad_dtype_argument():
    with pytest.raises(TypeError):
        fg.zeros(2, dtype=5)
    with pytest.raises(TypeError):
        fg.tensor([1.0], dtype=object())


def test_bad_operand_type():
    with pytest.raises(TypeError):
        fg.ones(2) + "a"
    with pytest.raises(TypeError):
        fg.ones(2) - object()
    with pytest.raises((TypeError, ValueError)):
        fg.ones(2) @ 3


def test_bad_size_argument():
    with pytest.raises(TypeError):
        fg.zeros(2.5)
    with pytest.raises(TypeError):
        fg.zeros("3")
    with pytest.raises(TypeError):
        fg.ones("23")


# ----------------------------------------------------------------------------- autograd misuse


def test_autograd_messages():
    x = fg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(
        RuntimeError, match="grad can be implicitly created only for scalar outputs"
    ):
        (x * 2).backward()
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match=r"retain_graph=True"):
        y.backward()
    with pytest.raises(RuntimeError):
        fg.tensor([1.0]).sum().backward()


def test_numpy_on_requires_grad():
    with pytest.raises(RuntimeError, match="detach"):
        fg.tensor([1.0], requires_grad=True).numpy()


def test_leaf_inplace_outside_no_grad():
    x = fg.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError):
        x += 1
    with pytest.raises(RuntimeError):
        x.zero_()


def test_grad_of_non_grad_output():
    x = fg.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError):
        fg.autograd.grad(fg.tensor([1.0]).sum(), x)


def test_unused_input_message():
    x = fg.tensor(1.0, requires_grad=True)
    z = fg.tensor(1.0, requires_grad=True)
    with pytest.raises(RuntimeError, match="allow_unused=True"):
        fg.autograd.grad(x * 2, z)


# ----------------------------------------------------------------------------- nothing crashes

_CRASH_SCRIPT = textwrap.dedent(r"""
    import ferrograd as fg
    calls = [
        lambda: fg.ones(2, 3) + fg.ones(4),
        lambda: fg.ones(2, 3) @ fg.ones(4, 5),
        lambda: fg.ones(3) @ fg.ones(4),
        lambda: fg.tensor(1.0) @ fg.tensor(1.0),
        lambda: fg.ones(4).reshape(3),
        lambda: fg.ones(4).view(-1, -1),
        lambda: fg.ones(2, 3)[5],
        lambda: fg.ones(2, 3)[0, 0, 0],
        lambda: fg.ones(2, 3)[..., ...],
        lambda: fg.ones(2, 3).sum(7),
        lambda: fg.ones(2, 3).transpose(0, 9),
        lambda: fg.ones(2, 3).permute(1, 1),
        lambda: fg.ones(2, 3).expand(5, 5),
        lambda: fg.ones(2, 3).max(dim=4),
        lambda: fg.zeros(-5),
        lambda: fg.arange(0, 10, 0),
        lambda: fg.tensor([[1], [2, 3]]),
        lambda: fg.tensor("x"),
        lambda: fg.tensor([1, 2]) // fg.tensor([0, 1]),
        lambda: fg.tensor([1, 2]) % fg.tensor([0, 1]),
        lambda: fg.tensor([1, 2], requires_grad=True),
        lambda: fg.tensor([1.0, 2.0]) & fg.tensor([1.0, 2.0]),
        lambda: ~fg.tensor([1.0]),
        lambda: fg.tensor([1.0], requires_grad=True).numpy(),
        lambda: (fg.tensor([1.0], requires_grad=True) * 2).backward(fg.ones(5)),
        lambda: fg.tensor([1.0]).backward(),
        lambda: fg.ones(0, 3).max(),
        lambda: fg.ones(0, 3).min(dim=0),
        lambda: fg.ones(2).item(),
        lambda: fg.ones(3).flatten(2, 1),
        lambda: fg.ones(3).squeeze(4),
        lambda: fg.linspace(0, 1, -1),
        lambda: fg.randint(5, 2, (3,)),
        lambda: fg.eye(-2),
        lambda: fg.full((2,), "a"),
        lambda: fg.ones(2, 2).mm(fg.ones(2)),
    ]
    outcomes = []
    for i, f in enumerate(calls):
        try:
            f()
            outcomes.append("ok")
        except Exception as e:
            outcomes.append(type(e).__name__)
    print("DONE", len(outcomes), "of", len(calls))
""")


def test_bad_calls_do_not_crash_the_interpreter():
    env = dict(os.environ)
    env["RUST_BACKTRACE"] = "0"
    p = subprocess.run(
        [sys.executable, "-c", _CRASH_SCRIPT],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,  # the return code is asserted below, with the stderr
    )
    assert p.returncode == 0, f"interpreter crashed (rc={p.returncode}):\n{p.stderr[-3000:]}"
    assert "DONE" in p.stdout
    done = p.stdout.split("DONE", 1)[1].split()
    assert done[0] == done[2], p.stdout


def test_integer_division_by_zero_is_python_error():
    # A Rust panic must never reach Python as an abort; PyTorch raises RuntimeError
    # ("ZeroDivisionError"), and so does ferrograd.
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        fg.tensor([1, 2]) // fg.tensor([0, 1])
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        fg.tensor([1, 2]) % 0
    # a negative Python exponent raises; one held in a tensor is computed (PyTorch 2.15)
    with pytest.raises(RuntimeError, match="negative integer powers"):
        fg.tensor([1, 2]) ** -1
    assert (fg.tensor([1, 2]) ** fg.tensor([1, -1])).tolist() == [1, 0]


def test_reductions_of_empty():
    with pytest.raises((RuntimeError, ValueError, IndexError)):
        fg.ones(0).max()


@given(
    hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3),
    hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3),
    st.sampled_from(["add", "mul", "matmul", "lt", "pow"]),
)
def test_hypothesis_random_shapes_never_crash(sa, sb, op):
    a, b = fg.ones(sa), fg.ones(sb)
    f = getattr(fg, op)
    if op == "matmul":
        try:
            expected = np.matmul(np.ones(sa), np.ones(sb))
        except ValueError:
            with pytest.raises(ValueError):
                f(a, b)
            return
    else:
        try:
            expected = np.broadcast_arrays(np.ones(sa), np.ones(sb))[0]
        except ValueError:
            with pytest.raises(ValueError):
                f(a, b)
            return
    r = f(a, b)
    assert tuple(r.shape) == np.shape(expected)


def test_item_of_several_elements_is_runtime_error_and_float_value_error():
    # PyTorch 2.15: RuntimeError from item(), ValueError from float()/int(), each its message
    with pytest.raises(
        RuntimeError, match="a Tensor with 2 elements cannot be converted to Scalar"
    ):
        fg.tensor([1.0, 2.0]).item()
    with pytest.raises(ValueError, match="only one element tensors can be converted to Python"):
        float(fg.tensor([1.0, 2.0]))
    with pytest.raises(ValueError, match="only one element tensors can be converted to Python"):
        int(fg.tensor([1, 2]))
    assert float(fg.tensor([[2.5]])) == 2.5


def test_clamp_without_bounds_is_runtime_error():
    # PyTorch 2.15's class and message (its own "torch." prefix included)
    with pytest.raises(RuntimeError, match="At least one of 'min' or 'max' must not be None"):
        fg.tensor([1.0, 2.0]).clamp()


def test_joining_nothing_raises_pytorchs_class():
    # PyTorch 2.15: cat raises ValueError, stack RuntimeError
    with pytest.raises(ValueError, match="expected a non-empty list of Tensors"):
        fg.cat([])
    with pytest.raises(RuntimeError, match="stack expects a non-empty TensorList"):
        fg.stack([])


@pytest.mark.parametrize(
    "call",
    [
        lambda: fg.ones(2).mm(fg.ones(2, 2)),
        lambda: fg.ones(2, 2).bmm(fg.ones(2, 2)),
        lambda: fg.ones(2, 2).dot(fg.ones(2)),
        lambda: fg.ones(2, 2, 2).t(),
    ],
)
def test_rank_errors_are_runtime_errors_as_in_pytorch(call):
    # PyTorch 2.15 raises RuntimeError; ShapeError is one (and a ValueError)
    with pytest.raises(RuntimeError):
        call()
