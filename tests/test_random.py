"""Random numbers: ``Generator`` objects and their state, the default generator, ``fork_rng``,
the samplers (``rand``/``randn``/``randint``/``bernoulli``/``normal``/``poisson``/``*_like``) and
the in-place samplers. The streams are ferrograd's own (PCG64), so values are checked by their
distributions (moments and Kolmogorov-Smirnov statistics at fixed seeds) and reproducibility,
never against PyTorch's numbers; errors are PyTorch's."""

from __future__ import annotations

import copy
import math
import pickle

import numpy as np
import pytest

import ferrograd as fg
from helpers import to_np

N = 200_000


def ks_statistic(samples: np.ndarray, cdf) -> float:
    """The largest gap between the empirical CDF of ``samples`` and ``cdf``."""
    x = np.sort(samples.reshape(-1).astype(np.float64))
    n = x.size
    f = cdf(x)
    return float(max((np.arange(1, n + 1) / n - f).max(), (f - np.arange(n) / n).max()))


# The 0.1 % critical value of the KS statistic is 1.95 / sqrt(n).
KS_LIMIT = 1.95 / math.sqrt(N)


def _normal_cdf(x):
    return 0.5 * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))


def assert_mean_var(samples, mean, var, sigmas=5.0):
    """Sample mean and variance within ``sigmas`` standard errors of the exact ones (the
    variance's standard error estimated from the fourth central moment)."""
    x = samples.reshape(-1).astype(np.float64)
    n = x.size
    assert abs(x.mean() - mean) < sigmas * math.sqrt(var / n)
    m4 = ((x - x.mean()) ** 4).mean()
    assert abs(x.var() - var) < sigmas * math.sqrt((m4 - var**2) / n)


# ----------------------------------------------------------------------------- generators


def test_a_new_generator_starts_from_pytorchs_default_seed():
    g = fg.Generator()
    assert g.initial_seed() == 67280421310721
    assert g.device == fg.device("cpu")
    assert isinstance(fg.default_generator, fg.Generator)
    assert fg.random.default_generator is fg.default_generator


def test_manual_seed_returns_the_generator_and_restarts_its_stream():
    g = fg.Generator()
    assert g.manual_seed(7) is g
    first = to_np(fg.randn(10, generator=g))
    g.manual_seed(7)
    assert np.array_equal(first, to_np(fg.randn(10, generator=g)))
    assert not np.array_equal(first, to_np(fg.randn(10, generator=g)))


def test_seeds_wrap_and_overflow_as_pytorch():
    g = fg.Generator()
    assert g.manual_seed(-1).initial_seed() == 2**64 - 1
    assert g.manual_seed(2**64 - 1).initial_seed() == 2**64 - 1
    assert g.manual_seed(-(2**63)).initial_seed() == 2**63
    with pytest.raises(ValueError, match="Overflow"):
        g.manual_seed(2**64)
    with pytest.raises(ValueError, match="Overflow"):
        g.manual_seed(-(2**63) - 1)
    with pytest.raises(RuntimeError, match="expected a long"):
        g.manual_seed(1.5)
    # torch.manual_seed converts with int() first.
    assert fg.manual_seed(3.7).initial_seed() == 3
    assert fg.manual_seed(True).initial_seed() == 1


def test_get_state_and_set_state_resume_the_stream_exactly():
    g = fg.Generator().manual_seed(11)
    fg.rand(3, generator=g)  # the state is not just the seed's
    state = g.get_state()
    assert state.ndim == 1
    assert state.dtype == fg.uint8
    values = to_np(state)
    assert values.min() >= 0 and values.max() <= 255
    expected = [to_np(fg.randn(5, generator=g)), to_np(fg.rand(4, generator=g))]
    other = fg.Generator().manual_seed(999)
    other.set_state(state)
    assert other.initial_seed() == 11
    assert np.array_equal(to_np(fg.randn(5, generator=other)), expected[0])
    assert np.array_equal(to_np(fg.rand(4, generator=other)), expected[1])
    # The state is a copy: drawing more does not change it.
    assert np.array_equal(to_np(state), values)


def test_a_state_with_a_cached_half_word_is_kept():
    # 32-bit draws leave half of a 64-bit word cached in PCG64's state.
    g = fg.Generator().manual_seed(5)
    fg.rand(3, dtype=fg.float32, generator=g)
    state = g.get_state()
    after = to_np(fg.rand(5, dtype=fg.float32, generator=g))
    g.manual_seed(0)
    g.set_state(state)
    assert np.array_equal(to_np(fg.rand(5, dtype=fg.float32, generator=g)), after)


def test_set_state_rejects_what_is_not_a_state():
    g = fg.Generator()
    good = g.get_state()
    with pytest.raises(TypeError, match="ByteTensor"):
        g.set_state([1, 2, 3])
    with pytest.raises(TypeError, match="ByteTensor"):
        g.set_state(good.double())
    with pytest.raises(RuntimeError, match="size"):
        g.set_state(good[:10])
    corrupt = good.clone()
    corrupt[0] = 0  # the tag
    with pytest.raises(RuntimeError, match="not a state"):
        g.set_state(corrupt)
    with pytest.raises(RuntimeError, match="without overflow"):
        good.clone()[5] = 300  # a byte state cannot hold it


def test_clone_state_and_pickle_copy_the_stream():
    g = fg.Generator().manual_seed(3)
    fg.rand(2, generator=g)
    for twin in (g.clone_state(), copy.deepcopy(g), pickle.loads(pickle.dumps(g))):
        assert twin is not g
        assert np.array_equal(
            to_np(fg.rand(6, generator=twin)), to_np(fg.rand(6, generator=g.clone_state()))
        )


def test_seed_draws_a_fresh_seed_and_reports_it():
    g = fg.Generator()
    s = g.seed()
    assert 0 <= s < 2**64 and g.initial_seed() == s
    assert fg.Generator().seed() != s  # 1 in 2**64 to fail
    old = fg.initial_seed()
    fresh = fg.seed()
    assert fg.initial_seed() == fresh and fresh != old


def test_a_generator_is_independent_of_the_default_one():
    fg.manual_seed(0)
    expected = to_np(fg.rand(5))
    fg.manual_seed(0)
    g = fg.Generator().manual_seed(0)
    fg.randn(100, generator=g)
    assert np.array_equal(to_np(fg.rand(5)), expected)


def test_generator_must_be_a_generator():
    with pytest.raises(TypeError, match="generator must be"):
        fg.rand(3, generator=np.random.default_rng(0))
    with pytest.raises(TypeError, match="generator must be"):
        fg.randperm(3, generator="g")


# ----------------------------------------------------------------------------- global state


def test_manual_seed_makes_every_sampler_reproducible():
    def draw():
        x = fg.zeros(4)
        return [
            to_np(fg.rand(3)),
            to_np(fg.randn(2, 2)),
            to_np(fg.randint(0, 10, (5,))),
            to_np(fg.randperm(6)),
            to_np(fg.multinomial(fg.tensor([0.2, 0.3, 0.5]), 4, True)),
            to_np(fg.bernoulli(fg.full((6,), 0.5))),
            to_np(fg.normal(fg.zeros(3), fg.ones(3))),
            to_np(fg.poisson(fg.full((4,), 3.0))),
            to_np(fg.rand_like(x)),
            to_np(fg.randn_like(x)),
            to_np(fg.randint_like(x, 9)),
            to_np(x.uniform_()),
            to_np(x.normal_()),
            to_np(x.exponential_()),
            to_np(x.geometric_(0.4)),
            to_np(x.cauchy_()),
            to_np(x.log_normal_()),
            to_np(x.random_(100)),
            to_np(x.bernoulli_(0.3)),
            to_np(fg.nn.functional.dropout(fg.ones(8), 0.5)),
        ]

    fg.manual_seed(1234)
    first = draw()
    fg.manual_seed(1234)
    second = draw()
    for a, b in zip(first, second, strict=True):
        assert np.array_equal(a, b)
    fg.manual_seed(4321)
    assert not np.array_equal(draw()[1], first[1])


def test_get_rng_state_and_set_rng_state():
    fg.manual_seed(2)
    state = fg.get_rng_state()
    a = to_np(fg.randn(8))
    fg.rand(3)
    fg.set_rng_state(state)
    assert np.array_equal(to_np(fg.randn(8)), a)
    assert fg.random.get_rng_state is fg.get_rng_state


def test_fork_rng_restores_the_default_generator():
    fg.manual_seed(5)
    expected = to_np(fg.rand(4))
    fg.manual_seed(5)
    with fg.random.fork_rng():
        inside = to_np(fg.rand(4))
        fg.randn(50)
    assert np.array_equal(inside, expected)
    assert np.array_equal(to_np(fg.rand(4)), expected)


def test_fork_rng_restores_after_an_exception_and_can_be_disabled():
    fg.manual_seed(6)
    expected = to_np(fg.rand(3))
    fg.manual_seed(6)
    with pytest.raises(KeyError), fg.random.fork_rng(devices=[]):
        fg.rand(9)
        raise KeyError("x")
    assert np.array_equal(to_np(fg.rand(3)), expected)
    fg.manual_seed(6)
    with fg.random.fork_rng(enabled=False):
        fg.rand(3)
    assert not np.array_equal(to_np(fg.rand(3)), expected)


# ----------------------------------------------------------------------------- factories


def test_rand_and_randn_distributions():
    g = fg.Generator().manual_seed(0)
    for dtype in (fg.float32, fg.float64):
        u = to_np(fg.rand(N, generator=g, dtype=dtype))
        assert u.dtype == dtype.numpy and u.min() >= 0 and u.max() < 1
        assert ks_statistic(u, lambda x: x) < KS_LIMIT
        z = to_np(fg.randn(N, generator=g, dtype=dtype))
        assert ks_statistic(z, _normal_cdf) < KS_LIMIT
        assert_mean_var(z, 0.0, 1.0)


def test_factories_keep_their_options():
    t = fg.randn(2, 3, dtype=fg.float64, requires_grad=True)
    assert t.shape == (2, 3) and t.dtype == fg.float64 and t.is_leaf and t.requires_grad
    assert fg.rand(size=(4,)).shape == (4,)
    assert fg.randn(()).shape == () and fg.rand([]).shape == ()
    with pytest.raises(NotImplementedError, match="check_uniform_bounds"):
        fg.rand(2, dtype=fg.int64)
    with pytest.raises(NotImplementedError, match="normal_kernel_cpu"):
        fg.randn(2, dtype=fg.int64)


def test_sizes_are_checked_as_the_engine_checks_them():
    with pytest.raises(RuntimeError, match="negative dimension -3"):
        fg.normal(0.0, 1.0, (2, -3))
    with pytest.raises(RuntimeError, match="negative dimension -1"):
        fg.randint(0, 3, (-1,))
    with pytest.raises(RuntimeError, match="Storage size calculation overflowed"):
        fg.rand(2**40, 2**40)
    assert fg.rand(0, 3).shape == (0, 3)


def test_randint_range_uniformity_and_errors():
    g = fg.Generator().manual_seed(1)
    x = to_np(fg.randint(-3, 4, (N,), generator=g))
    assert x.dtype == np.int64 and x.min() == -3 and x.max() == 3
    counts = np.bincount(x + 3)
    expected = N / 7
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert chi2 < 22.5  # 0.1 % critical value, 6 degrees of freedom
    assert fg.randint(5, (2,), dtype=fg.float32).dtype == fg.float32
    assert to_np(fg.randint(0, 2**40, (50,))).max() > 2**32  # 64-bit range
    with pytest.raises(RuntimeError, match="from=5 >= to=3"):
        fg.randint(5, 3, (2,))
    with pytest.raises(RuntimeError, match="floating point"):
        fg.randint(3, (2,), requires_grad=True)


def test_like_factories_follow_their_input():
    x = fg.zeros(3, 2, dtype=fg.float64)
    for made in (fg.rand_like(x), fg.randn_like(x)):
        assert made.shape == (3, 2) and made.dtype == fg.float64
    ints = fg.randint_like(x, 3, 5)
    assert ints.dtype == fg.float64 and set(to_np(ints).reshape(-1)) <= {3.0, 4.0}
    assert set(to_np(fg.randint_like(x, 2)).reshape(-1)) <= {0.0, 1.0}
    g1, g2 = fg.Generator().manual_seed(8), fg.Generator().manual_seed(8)
    assert np.array_equal(
        to_np(fg.rand_like(x, generator=g1)), to_np(fg.rand(3, 2, generator=g2, dtype=fg.float64))
    )


# ----------------------------------------------------------------------------- bernoulli


def test_bernoulli_uses_each_elements_probability():
    g = fg.Generator().manual_seed(2)
    p = fg.tensor([0.0, 0.1, 0.5, 0.9, 1.0], dtype=fg.float64)
    draws = to_np(fg.bernoulli(p.expand(N // 5, 5), generator=g))
    assert draws.dtype == np.float64 and set(np.unique(draws)) <= {0.0, 1.0}
    freq = draws.mean(axis=0)
    assert freq[0] == 0.0 and freq[4] == 1.0
    for f, q in zip(freq[1:4], (0.1, 0.5, 0.9), strict=True):
        assert abs(f - q) < 5 * math.sqrt(q * (1 - q) / (N // 5))


def test_bernoulli_with_a_scalar_probability_and_as_methods():
    g = fg.Generator().manual_seed(3)
    x = fg.zeros(N)
    draws = to_np(fg.bernoulli(x, 0.25, generator=g))
    assert abs(draws.mean() - 0.25) < 5 * math.sqrt(0.25 * 0.75 / N)
    assert abs(to_np(fg.full((N,), 0.75).bernoulli(generator=g)).mean() - 0.75) < 0.005
    y = fg.zeros(N, dtype=fg.int64)
    assert y.bernoulli_(0.5, generator=g) is y
    assert abs(to_np(y).mean() - 0.5) < 0.005
    z = fg.zeros(2, 3).bernoulli_(fg.tensor([1.0, 0.0, 1.0]))
    assert np.array_equal(to_np(z), [[1, 0, 1], [1, 0, 1]])


def test_bernoulli_errors_as_pytorch():
    with pytest.raises(RuntimeError, match="0 <= p <= 1"):
        fg.bernoulli(fg.tensor([1.5]))
    with pytest.raises(RuntimeError, match="0 <= p <= 1"):
        fg.bernoulli(fg.tensor([float("nan")]))
    with pytest.raises(NotImplementedError, match="bernoulli_tensor_cpu_p_"):
        fg.bernoulli(fg.tensor([1, 0]))
    with pytest.raises(RuntimeError, match=r"expects p to be in \[0, 1\], but got p=2"):
        fg.zeros(3).bernoulli_(2.0)
    with pytest.raises(TypeError):
        fg.bernoulli([0.5])


def test_samplers_pass_zero_gradients_to_their_parameters():
    p = fg.full((3,), 0.5, requires_grad=True)
    mean = fg.zeros(3, requires_grad=True)
    std = fg.ones(3, requires_grad=True)
    rate = fg.full((3,), 2.0, requires_grad=True)
    b, n, k = fg.bernoulli(p), fg.normal(mean, std), fg.poisson(rate)
    assert type(b.grad_fn).__name__ == "BernoulliBackward"
    assert type(n.grad_fn).__name__ == "NormalBackward"
    assert type(k.grad_fn).__name__ == "PoissonBackward"
    (b.sum() + n.sum() + k.sum()).backward()
    for t in (p, mean, std, rate):
        assert np.array_equal(to_np(t.grad), np.zeros(3))
    with fg.no_grad():
        assert not fg.normal(mean, std).requires_grad


# ----------------------------------------------------------------------------- normal, poisson


def test_normal_with_tensor_mean_and_std():
    g = fg.Generator().manual_seed(4)
    mean = fg.tensor([-2.0, 0.0, 3.0], dtype=fg.float64)
    std = fg.tensor([0.5, 1.0, 2.0], dtype=fg.float64)
    draws = to_np(fg.normal(mean.expand(N // 3, 3), std, generator=g))
    assert draws.shape == (N // 3, 3) and draws.dtype == np.float64
    for j, (m, s) in enumerate([(-2.0, 0.5), (0.0, 1.0), (3.0, 2.0)]):
        assert_mean_var(draws[:, j], m, s * s)
        assert ks_statistic(
            draws[:, j], lambda x, m=m, s=s: _normal_cdf((x - m) / s)
        ) < 1.95 / math.sqrt(N // 3)


def test_normal_overloads_shapes_and_dtypes():
    assert fg.normal(fg.zeros(2, 3), fg.ones(3)).shape == (2, 3)
    assert fg.normal(2.0, fg.ones(4)).shape == (4,)
    assert fg.normal(fg.ones(4), 2.0).shape == (4,)
    assert fg.normal(fg.ones(4)).shape == (4,)
    assert fg.normal(0.0, 1.0, (2, 5)).shape == (2, 5)
    assert fg.normal(0.0, 1.0, size=(3,)).dtype == fg.float32
    assert fg.normal(1.0, 2.0, (2,), dtype=fg.float64).dtype == fg.float64
    assert fg.normal(fg.zeros(2, dtype=fg.float64), fg.ones(2)).dtype == fg.float64
    assert fg.normal(1.0, fg.ones(2, dtype=fg.float64)).dtype == fg.float64
    g = fg.Generator().manual_seed(5)
    draws = to_np(fg.normal(10.0, 3.0, (N,), generator=g))
    assert_mean_var(draws, 10.0, 9.0)


def test_normal_errors_as_pytorch():
    with pytest.raises(RuntimeError, match=r"all elements of std >= 0\.0"):
        fg.normal(fg.zeros(2), fg.tensor([-1.0, 1.0]))
    with pytest.raises(RuntimeError, match=r"std >= 0\.0, but found std -1"):
        fg.normal(0.0, -1.0, (2,))
    with pytest.raises(RuntimeError, match="must match the size"):
        fg.normal(fg.zeros(2, 3), fg.ones(4))
    with pytest.raises(NotImplementedError, match="normal_kernel_cpu"):
        fg.normal(fg.tensor([1, 2]), 1.0)
    with pytest.raises(TypeError):
        fg.normal(0.0, 1.0)


def test_poisson_distribution_and_errors():
    g = fg.Generator().manual_seed(6)
    for rate in (0.5, 4.0, 60.0):
        draws = to_np(fg.poisson(fg.full((N,), rate, dtype=fg.float64), generator=g))
        assert draws.dtype == np.float64 and (draws == np.round(draws)).all()
        assert_mean_var(draws, rate, rate)
    assert to_np(fg.poisson(fg.zeros(5))).sum() == 0
    with pytest.raises(RuntimeError, match="non-negative"):
        fg.poisson(fg.tensor([-1.0]))
    with pytest.raises(RuntimeError, match="non-negative"):
        fg.poisson(fg.tensor([float("nan")]))
    with pytest.raises(NotImplementedError, match="poisson_cpu"):
        fg.poisson(fg.tensor([1, 2]))


# ----------------------------------------------------------------------------- in place


def test_in_place_samplers_return_self_and_fill_every_element():
    g = fg.Generator().manual_seed(7)
    for fill in (
        lambda t: t.uniform_(generator=g),
        lambda t: t.normal_(generator=g),
        lambda t: t.exponential_(generator=g),
        lambda t: t.geometric_(0.5, generator=g),
        lambda t: t.cauchy_(generator=g),
        lambda t: t.log_normal_(generator=g),
        lambda t: t.random_(generator=g),
        lambda t: t.bernoulli_(generator=g),
    ):
        t = fg.full((4, 5), float("nan"))
        assert fill(t) is t
        assert np.isfinite(to_np(t)).all()


def test_uniform_(self=None):
    g = fg.Generator().manual_seed(8)
    x = to_np(fg.empty(N, dtype=fg.float64).uniform_(-2.0, 3.0, generator=g))
    assert x.min() >= -2.0 and x.max() < 3.0
    assert ks_statistic(x, lambda v: (v + 2.0) / 5.0) < KS_LIMIT
    assert np.array_equal(to_np(fg.zeros(3).uniform_(1, 1)), [1, 1, 1])
    assert to_np(fg.zeros(3).uniform_(**{"from": 5, "to": 6})).min() >= 5


def test_normal_and_log_normal_():
    g = fg.Generator().manual_seed(9)
    x = to_np(fg.empty(N, dtype=fg.float64).normal_(1.5, 2.0, generator=g))
    assert ks_statistic(x, lambda v: _normal_cdf((v - 1.5) / 2.0)) < KS_LIMIT
    assert np.array_equal(to_np(fg.zeros(3).normal_(4.0, 0.0)), [4, 4, 4])
    y = to_np(fg.empty(N, dtype=fg.float64).log_normal_(0.5, 0.25, generator=g))
    assert y.min() > 0
    assert ks_statistic(np.log(y), lambda v: _normal_cdf((v - 0.5) / 0.25)) < KS_LIMIT
    assert_mean_var(y, math.exp(0.5 + 0.25**2 / 2), (math.exp(0.25**2) - 1) * math.exp(1 + 0.25**2))


def test_exponential_and_cauchy_():
    g = fg.Generator().manual_seed(10)
    x = to_np(fg.empty(N, dtype=fg.float64).exponential_(2.5, generator=g))
    assert x.min() >= 0
    assert ks_statistic(x, lambda v: 1 - np.exp(-2.5 * v)) < KS_LIMIT
    assert_mean_var(x, 0.4, 0.16)
    c = to_np(fg.empty(N, dtype=fg.float64).cauchy_(1.0, 0.5, generator=g))
    assert ks_statistic(c, lambda v: 0.5 + np.arctan((v - 1.0) / 0.5) / np.pi) < KS_LIMIT


def test_geometric_counts_trials_to_the_first_success():
    g = fg.Generator().manual_seed(11)
    x = to_np(fg.empty(N, dtype=fg.float64).geometric_(0.3, generator=g))
    assert x.min() == 1 and (x == np.round(x)).all()
    assert_mean_var(x, 1 / 0.3, 0.7 / 0.09)
    assert abs((x == 1).mean() - 0.3) < 5 * math.sqrt(0.21 / N)
    ints = fg.zeros(5, dtype=fg.int64).geometric_(0.5)
    assert ints.dtype == fg.int64 and to_np(ints).min() >= 1


def test_random_ranges_by_dtype():
    g = fg.Generator().manual_seed(12)
    x = to_np(fg.zeros(N).random_(5, generator=g))
    assert set(np.unique(x)) == {0.0, 1.0, 2.0, 3.0, 4.0}
    assert abs((x == 0).mean() - 0.2) < 0.005
    y = to_np(fg.zeros(1000, dtype=fg.int32).random_(-5, 0, generator=g))
    assert y.min() == -5 and y.max() == -1
    big = to_np(fg.zeros(1000, dtype=fg.float32).random_(generator=g))
    assert big.min() >= 0 and big.max() <= 2**24 and big.max() > 2**23
    big64 = to_np(fg.zeros(1000, dtype=fg.float64).random_(generator=g))
    assert big64.max() > 2**52 and big64.max() <= 2**53
    int32 = to_np(fg.zeros(1000, dtype=fg.int32).random_(generator=g))
    assert int32.min() >= 0 and int32.max() > 2**30
    from_only = to_np(fg.zeros(1000, dtype=fg.int64).random_(5, None, generator=g))
    assert from_only.min() >= 5 and from_only.max() > 2**62
    b = to_np(fg.zeros(1000, dtype=fg.bool).random_(generator=g))
    assert set(np.unique(b)) == {False, True}
    assert to_np(fg.zeros(100).random_(**{"from": 3, "to": 4})).min() == 3


def test_in_place_sampler_errors_as_pytorch():
    x = fg.zeros(3)
    longs = fg.zeros(3, dtype=fg.int64)
    cases = [
        (RuntimeError, "from=2 > to=1", lambda: x.uniform_(2, 1)),
        (RuntimeError, "std >= 0.0, but found std -1", lambda: x.normal_(0, -1)),
        (RuntimeError, "lambda > 0.0, but found lambda=0", lambda: x.exponential_(0)),
        (RuntimeError, r"p to be in \(0, 1\), but got p=0", lambda: x.geometric_(0)),
        (RuntimeError, r"p to be in \(0, 1\), but got p=1", lambda: x.geometric_(1)),
        (RuntimeError, "sigma > 0.0, but found sigma=0", lambda: x.cauchy_(0, 0)),
        (RuntimeError, "std > 0.0, but found std=-1", lambda: x.log_normal_(0, -1)),
        (RuntimeError, "from=5 >= to=3", lambda: x.random_(5, 3)),
        (
            RuntimeError,
            "to - 1 is out of bounds for int",
            lambda: fg.zeros(3, dtype=fg.int32).random_(2**40),
        ),
        (
            RuntimeError,
            "to - 1 is out of bounds for bool",
            lambda: fg.zeros(3, dtype=fg.bool).random_(0, 3),
        ),
        (NotImplementedError, "normal_kernel_cpu", lambda: longs.normal_()),
        (NotImplementedError, "check_uniform_bounds", lambda: longs.uniform_()),
        (NotImplementedError, "log_normal_cpu", lambda: longs.log_normal_()),
        (RuntimeError, "Exponential distribution is a continuous", lambda: longs.exponential_()),
        (RuntimeError, "Cauchy distribution is a continuous", lambda: longs.cauchy_()),
        (TypeError, "unexpected keyword", lambda: x.uniform_(frm=1)),
    ]
    for error, message, call in cases:
        with pytest.raises(error, match=message):
            call()


def test_in_place_samplers_follow_the_in_place_rules():
    leaf = fg.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        leaf.normal_()
    with fg.no_grad():
        leaf.normal_()
    w = fg.ones(3, requires_grad=True)
    y = w * 2
    y.uniform_()
    y.sum().backward()
    assert np.array_equal(to_np(w.grad), np.zeros(3))  # the old value no longer matters


def test_dropout_draws_from_the_default_generator():
    fg.manual_seed(13)
    with fg.random.fork_rng():
        a = to_np(fg.nn.functional.dropout(fg.ones(100), 0.5))
    b = to_np(fg.nn.functional.dropout(fg.ones(100), 0.5))
    assert np.array_equal(a, b)
    assert set(np.unique(a)) == {0.0, 2.0}


def test_checkpoint_recomputes_with_the_same_random_numbers():
    from ferrograd.utils.checkpoint import checkpoint

    def block(x):
        return fg.nn.functional.dropout(x * 3.0, 0.5).sum()

    x = fg.ones(200, requires_grad=True)
    fg.manual_seed(21)
    block(x).backward()
    expected = to_np(x.grad)
    x.grad = None
    fg.manual_seed(21)
    checkpoint(block, x).backward()
    assert np.array_equal(to_np(x.grad), expected)
    x.grad = None
    fg.manual_seed(21)
    out = checkpoint(block, x, preserve_rng_state=False)
    after_forward = fg.get_rng_state()
    out.backward()
    # Without preserving, the recomputation draws new masks (and moves the generator).
    assert not np.array_equal(to_np(x.grad), expected)
    assert not np.array_equal(to_np(fg.get_rng_state()), to_np(after_forward))
