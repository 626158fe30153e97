"""Walks the engine's op table (``_core._op_table()``): every pointwise row is checked the same
way, so a new row is tested by being added. For each row: its values on the NumPy-backed
device equal the CPU's and its kernel is in the device table, its ``grad_fn`` is the row's
class, and in float64 its gradients pass gradcheck and gradgradcheck and its forward-mode
tangent matches finite differences."""

import numpy as np
import pytest

import ferrograd as fg
from ferrograd import _core, cuda
from ferrograd.autograd import forward_ad as fwAD, gradcheck, gradgradcheck
from ferrograd.cuda import _table
from ferrograd.cuda._numpy_backend import NumpyTable

ROWS = _core._op_table()

#: Inputs inside each op's domain and away from its kinks (finite differences need a smooth
#: neighbourhood): positive bases for log/sqrt/pow, no ties for maximum/minimum, no rounding
#: boundaries for floor/remainder, and (-1, 1) for asin/acos.
POSITIVE = {
    "log",
    "log2",
    "log10",
    "sqrt",
    "rsqrt",
    "reciprocal",
    "log1p",
    "PowBackward0",
    "PowBackward1",
}
#: Defined on (-1, 1) only.
UNIT_INTERVAL = {"asin", "acos"}


def row_id(row):
    return row["node"] if row["picked"] else row["name"]


def sample(row, shape, seed):
    rng = np.random.default_rng(seed)
    if row_id(row) in UNIT_INTERVAL:
        return rng.uniform(-0.9, 0.9, shape)
    x = rng.uniform(0.3, 0.7, shape) + rng.integers(0, 3, shape)
    if row_id(row) not in POSITIVE:
        x = x * rng.choice([-1.0, 1.0], shape)
    return x


def call(row, a, b=None):
    """The row's op on tensors (rows without a public name are reached through their method)."""
    if row["inputs"] == 1:
        return a._unary(row["name"])
    return a._binary(row["name"], b)  # `pow` picks PowBackward0 for a constant 0-d exponent


def operands(row, dtype=fg.float64, requires_grad=True):
    a = fg.tensor(sample(row, (3, 4), 1), dtype=dtype, requires_grad=requires_grad)
    if row["inputs"] == 1:
        return (a,)
    if not row["differentiable"][1]:  # a constant 0-d operand (a number)
        return a, fg.tensor(1.7, dtype=dtype)
    # broadcast against a column, as most real uses do
    b = fg.tensor(sample(row, (3, 1), 2), dtype=dtype, requires_grad=requires_grad)
    if row["kernel"] in ("maximum", "minimum"):
        b = (b + 0.05).detach().requires_grad_(requires_grad)
    return a, b


def test_the_table_has_every_pointwise_op():
    names = {row_id(r) for r in ROWS}
    assert {"exp", "log", "sigmoid", "relu", "add", "mul", "div", "maximum"} <= names
    assert len(names) == len(ROWS), "two rows share a name"


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_device_table_has_the_kernel(row):
    known = _table.UNARY_OPS if row["inputs"] == 1 else _table.BINARY_OPS
    assert row["kernel"] in known, (
        f"{row_id(row)}: kernel '{row['kernel']}' is missing from ferrograd/cuda/_table.py"
    )


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_values_on_the_numpy_backed_device_equal_the_cpus(row):
    previous = cuda.use_backend(NumpyTable())
    try:
        for dtype in (fg.float32, fg.float64):
            xs = operands(row, dtype, requires_grad=False)
            on_cpu = call(row, *xs)
            on_device = call(row, *(x.to("cuda") for x in xs))
            assert on_device.device.type == "cuda"
            np.testing.assert_allclose(on_device.cpu().numpy(), on_cpu.numpy(), rtol=1e-6)
    finally:
        cuda.use_backend(previous)


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_grad_fn_is_the_rows_class(row):
    out = call(row, *operands(row))
    assert out.grad_fn.name() == row["node"]


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_gradcheck_and_gradgradcheck(row):
    xs = operands(row)
    assert gradcheck(lambda *t: call(row, *t), xs)
    assert gradgradcheck(lambda *t: call(row, *t), xs)


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_forward_mode_matches_finite_differences(row):
    xs = [x.detach() for x in operands(row)]
    differentiable = row["differentiable"]
    rng = np.random.default_rng(3)
    tangents = [
        fg.tensor(rng.standard_normal(tuple(x.shape))) if d else None
        for x, d in zip(xs, differentiable, strict=True)
    ]
    with fwAD.dual_level():
        duals = [
            x if t is None else fwAD.make_dual(x, t) for x, t in zip(xs, tangents, strict=True)
        ]
        tangent = fwAD.unpack_dual(call(row, *duals)).tangent
    eps = 1e-6

    def shifted(sign):
        return call(
            row,
            *(x if t is None else x + sign * eps * t for x, t in zip(xs, tangents, strict=True)),
        )

    expected = (shifted(1).numpy() - shifted(-1).numpy()) / (2 * eps)
    np.testing.assert_allclose(tangent.numpy(), expected, rtol=1e-5, atol=1e-7)


def _op_by_op(name, g, out):
    """The chain rule of ``name`` from its output, one recorded-style op at a time."""
    if name == "sigmoid":
        return g * (out * (1 - out))
    if name == "tanh":
        return g * (1 - out * out)
    return fg.where(out > 0, g, fg.zeros((), dtype=g.dtype))


@pytest.mark.parametrize("dtype", [fg.float32, fg.float64])
@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu"])
def test_chain_rules_from_the_output_match_the_expression_bit_for_bit(name, dtype):
    """sigmoid's, tanh's and relu's first-order backward is one fused pass over the output; it
    rounds as the rows' expressions evaluated op by op (``g * (y * (1 - y))``,
    ``g * (1 - y * y)``, ``where(y > 0, g, 0)``), also for a gradient that is a non-contiguous
    view, and a NaN gradient stays out of relu's zeroed places."""
    rng = np.random.default_rng(3)
    x = fg.tensor(rng.normal(0, 3, (64, 33)), dtype=dtype, requires_grad=True)
    y = getattr(x, name)()
    for g in (
        fg.tensor(rng.normal(0, 1, (64, 33)), dtype=dtype),
        fg.tensor(rng.normal(0, 1, (33, 64)), dtype=dtype).t(),
        fg.full((64, 33), float("nan"), dtype=dtype),
    ):
        (got,) = fg.autograd.grad(y, x, g, retain_graph=True)
        out = y.detach()
        np.testing.assert_array_equal(got.numpy(), _op_by_op(name, g, out).numpy())
