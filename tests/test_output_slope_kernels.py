"""The first-order gradients written from an op's output (sigmoid, tanh, relu, sqrt, rsqrt,
reciprocal, tan, expm1) run as one pass over ``(g, y)`` when nothing is recorded; each must give
the bits of its chain rule evaluated op by op, which is also what ``create_graph`` records."""

import numpy as np
import pytest

import ferrograd as fg

# op, the chain rule from the output y and the gradient g, and a range of inputs
CASES = {
    "sigmoid": (fg.sigmoid, lambda g, y: g * (y * (1 - y)), (-6, 6)),
    "tanh": (fg.tanh, lambda g, y: g * (1 - y * y), (-4, 4)),
    "relu": (fg.relu, lambda g, y: g.where(y > 0, 0.0), (-2, 2)),
    "sqrt": (fg.sqrt, lambda g, y: g / (y * 2), (0.01, 9)),
    "rsqrt": (fg.rsqrt, lambda g, y: (g * (y * y * y)) * -0.5, (0.01, 9)),
    "reciprocal": (fg.reciprocal, lambda g, y: -(g * (y * y)), (0.1, 5)),
    "tan": (fg.tan, lambda g, y: g * (y * y + 1), (-1.5, 1.5)),
    "expm1": (fg.expm1, lambda g, y: g * (y + 1), (-5, 5)),
}


@pytest.mark.parametrize("dtype", [fg.float32, fg.float64])
@pytest.mark.parametrize("name", sorted(CASES))
def test_one_pass_gradient_rounds_as_the_chain_rule(name, dtype):
    op, chain, (low, high) = CASES[name]
    rng = np.random.default_rng(3)
    x = fg.tensor(rng.uniform(low, high, (48, 37)), dtype=dtype, requires_grad=True)
    y = op(x)
    for g in (
        fg.tensor(rng.normal(0, 1, (48, 37)), dtype=dtype),
        fg.tensor(rng.normal(0, 1, (37, 48)), dtype=dtype).t(),  # a gradient that is a view
    ):
        (got,) = fg.autograd.grad(y, x, g, retain_graph=True)
        want = chain(g, y.detach()).numpy()
        np.testing.assert_array_equal(got.numpy(), want)
        (recorded,) = fg.autograd.grad(y, x, g, retain_graph=True, create_graph=True)
        np.testing.assert_array_equal(recorded.detach().numpy(), want)


@pytest.mark.parametrize("name", ["sqrt", "rsqrt", "reciprocal"])
def test_special_values_follow_the_chain_rule(name):
    """At 0 and infinity the one-pass gradients give what the expression gives (PyTorch's
    values: sqrt'(0) = inf, rsqrt'(0) = -inf, reciprocal'(0) = -inf, 0 at infinity)."""
    op, chain, _ = CASES[name]
    x = fg.tensor([0.0, float("inf"), 4.0], requires_grad=True)
    y = op(x)
    (got,) = fg.autograd.grad(y, x, fg.ones(3))
    np.testing.assert_array_equal(got.numpy(), chain(fg.ones(3), y.detach()).numpy())
    expected = {
        "sqrt": [np.inf, 0.0, 0.25],
        "rsqrt": [-np.inf, -0.0, -0.0625],
        "reciprocal": [-np.inf, -0.0, -0.0625],
    }[name]
    np.testing.assert_array_equal(got.numpy(), np.float32(expected))
