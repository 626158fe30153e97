"""Checks shared by the fused attention's test files (``test_nn_sdpa_fused.py``,
``test_nn_sdpa_dropout.py``)."""

from __future__ import annotations

import numpy as np

import ferrograd as fg
import ferrograd.nn.functional as F

FUSED = "ScaledDotProductFlashAttentionForCpuBackward0"


def assert_same_values_and_gradients(out, want, inputs):
    """The fused op's ``out`` equals the composed reference ``want`` (float64), and so do the
    gradients of both with respect to ``inputs`` for one random output gradient."""
    assert type(out.grad_fn).__name__ == FUSED
    np.testing.assert_allclose(out.detach().numpy(), want.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = fg.randn(*out.shape, dtype=fg.float64)
    got = fg.autograd.grad(out, inputs, g)
    expected = fg.autograd.grad(want, inputs, g)
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-9, atol=1e-11)


def assert_fully_masked_rows_give_zeros(dropout_p: float):
    """A query that a boolean mask lets see no key gets zeros and zero gradients, in the fused
    op, with dropout ``dropout_p``."""
    q, k, v = (fg.randn(2, 4, 3, dtype=fg.float64, requires_grad=True) for _ in range(3))
    keep = fg.ones(4, 4, dtype=fg.bool)
    keep[2] = False
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=keep, dropout_p=dropout_p)
    assert type(out.grad_fn).__name__ == FUSED
    np.testing.assert_array_equal(out[:, 2].detach().numpy(), np.zeros((2, 3)))
    gq, gk, gv = fg.autograd.grad(out.sum(), (q, k, v))
    np.testing.assert_array_equal(gq[:, 2].numpy(), np.zeros((2, 3)))
    assert np.isfinite(gk.numpy()).all() and np.isfinite(gv.numpy()).all()
