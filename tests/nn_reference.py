"""Cases run the same way on ferrograd and on PyTorch, and the numbers PyTorch gave.

A case is a function ``case(lib, mk)`` written against the API both libraries share (``lib`` is
``ferrograd`` or ``torch``; ``mk`` builds deterministic inputs). It returns a dict:
``out`` (a tensor or a tuple of tensors), ``grad_of`` (leaf tensors whose gradients to
compare) and optionally ``module`` (whose ``state_dict`` keys and shapes to compare).

``evaluate`` turns a case into plain numbers: each output's shape and a summary of its values
(all of them when small), then the gradients of ``sum(out * W)`` (a fixed weight pattern ``W``)
with respect to ``grad_of``. ``scripts/record_nn_reference.py`` runs every case with PyTorch and
writes the results to ``tests/nn_reference_values.py``; the tests run them with ferrograd and
compare. These tests never import torch."""

from __future__ import annotations

import math

import numpy as np

#: Outputs and gradients with at most this many elements are compared element by element.
FULL = 24


class Inputs:
    """Deterministic inputs, the same for both libraries: smooth pseudo-random patterns."""

    def __init__(self, lib):
        self.lib = lib

    def array(self, shape, seed: int = 0, scale: float = 1.0, offset: float = 0.0):
        n = math.prod(shape)
        k = np.arange(n, dtype=np.float64)
        values = np.sin(k * 1.37 + seed * 0.71 + 0.3) * np.cos(k * 0.23 + seed)
        return (values * 2.0 * scale + offset).reshape(shape)

    def f(self, *shape, seed: int = 0, scale: float = 1.0, offset: float = 0.0, grad=True):
        """A float64 tensor with values in about ``offset ± 2 scale``."""
        data = self.array(shape, seed, scale, offset)
        return self.lib.tensor(data.tolist(), dtype=self.lib.float64, requires_grad=grad)

    def positive(self, *shape, seed: int = 0, low: float = 0.1, high: float = 2.0, grad=True):
        data = low + (high - low) * (0.5 + 0.25 * self.array(shape, seed))
        return self.lib.tensor(data.tolist(), dtype=self.lib.float64, requires_grad=grad)

    def unit(self, *shape, seed: int = 0, grad=True):
        """Values strictly inside (0, 1)."""
        return self.positive(*shape, seed=seed, low=0.05, high=0.95, grad=grad)

    def i(self, *shape, high: int, seed: int = 0, low: int = 0):
        """An int64 tensor of values in ``[low, high)``."""
        n = math.prod(shape)
        k = np.arange(n)
        data = low + (k * 7 + seed * 3 + (k * k) // 3) % (high - low)
        return self.lib.tensor(data.reshape(shape).tolist(), dtype=self.lib.int64)

    def sign(self, *shape, seed: int = 0):
        """A float64 tensor of ±1 (targets of the margin losses)."""
        data = np.where(self.array(shape, seed + 5) >= 0, 1.0, -1.0)
        return self.lib.tensor(data.tolist(), dtype=self.lib.float64)

    def fill(self, module, seed: int = 0):
        """Deterministic values for every parameter of ``module`` (in place), so both libraries
        compute with the same weights."""
        with self.lib.no_grad():
            for k, (_, p) in enumerate(module.named_parameters()):
                p.copy_(self.lib.tensor(self.array(tuple(p.shape), seed + k, 0.5).tolist()))
        return module


def _weights(shape):
    n = math.prod(shape)
    return np.cos(np.arange(n) * 0.31 + 0.2).reshape(shape)


def _summary(values: np.ndarray):
    flat = values.reshape(-1)
    if flat.size <= FULL:
        return {"values": flat.tolist()}
    finite = np.where(np.isfinite(flat), flat, 0.0)
    return {
        "sum": float(finite.sum()),
        "weighted": float((finite * _weights(flat.shape)).sum()),
        "abs": float(np.abs(finite).sum()),
        "head": flat[:6].tolist(),
        "tail": flat[-6:].tolist(),
    }


def _numpy(lib, t):
    return np.array(t.detach().cpu().numpy() if hasattr(t, "cpu") else t.detach().numpy())


def evaluate(lib, case) -> dict:
    """The numbers that describe ``case`` run with ``lib``."""
    result = case(lib, Inputs(lib))
    outs = result["out"]
    outs = outs if isinstance(outs, (tuple, list)) else (outs,)
    record = {"out": []}
    loss = None
    for out in outs:
        values = _numpy(lib, out)
        entry = {"shape": list(values.shape), "float": bool(out.is_floating_point())}
        entry.update(_summary(values.astype(np.float64)))
        record["out"].append(entry)
        if out.is_floating_point() and out.requires_grad:
            w = lib.tensor(_weights(values.shape).tolist(), dtype=out.dtype)
            term = (out * w).sum()
            loss = term if loss is None else loss + term
    leaves = result.get("grad_of", [])
    if leaves:
        grads = lib.autograd.grad(loss, leaves, allow_unused=True)
        record["grad"] = [
            None if g is None else {"shape": list(g.shape), **_summary(_numpy(lib, g))}
            for g in grads
        ]
    module = result.get("module")
    if module is not None:
        record["state"] = [[k, list(v.shape)] for k, v in module.state_dict().items()]
        record["repr"] = repr(module)
    return record


def compare(got: dict, expected: dict, rtol: float = 1e-6, atol: float = 1e-9) -> None:
    """Asserts that two records agree (shapes, state-dict keys exactly; numbers closely)."""
    assert len(got["out"]) == len(expected["out"]), "number of outputs"
    for i, (g, e) in enumerate(zip(got["out"], expected["out"], strict=True)):
        _compare_entry(g, e, f"output {i}", rtol, atol)
    if "grad" in expected:
        for i, (g, e) in enumerate(zip(got["grad"], expected["grad"], strict=True)):
            if e is None or g is None:
                if e is not None and g is None:
                    _compare_entry(
                        {"shape": e["shape"], **_zeros_like(e)}, e, f"grad {i}", rtol, atol
                    )
                continue
            _compare_entry(g, e, f"gradient {i}", rtol, atol)
    if "state" in expected:
        assert got["state"] == expected["state"], (
            f"state_dict {got['state']} != {expected['state']}"
        )
        assert got["repr"] == expected["repr"], f"repr {got['repr']!r} != {expected['repr']!r}"


def _zeros_like(entry):
    if "values" in entry:
        return {"values": [0.0] * len(entry["values"])}
    return {"sum": 0.0, "weighted": 0.0, "abs": 0.0, "head": [0.0] * 6, "tail": [0.0] * 6}


def _compare_entry(g, e, what, rtol, atol):
    assert g["shape"] == e["shape"], f"{what}: shape {g['shape']} != {e['shape']}"
    for key in ("values", "sum", "weighted", "abs", "head", "tail"):
        if key in e:
            scale = (
                atol if key in ("values", "head", "tail") else atol * (1 + len(e.get("head", [])))
            )
            np.testing.assert_allclose(
                np.asarray(g[key], dtype=np.float64),
                np.asarray(e[key], dtype=np.float64),
                rtol=rtol,
                atol=scale,
                equal_nan=True,
                err_msg=f"{what}: {key}",
            )
