"""Finite-difference checks of gradients, with PyTorch's ``gradcheck`` semantics.

``gradcheck(func, inputs)`` compares the Jacobian that autograd computes (one
``ferrograd.autograd.grad`` call per output element) with a numerical Jacobian
obtained by central differences, for every floating-point input that requires
grad. ``gradgradcheck`` does the same for the gradient of the gradient, by
running ``gradcheck`` on a function that returns the first-order gradients
computed with ``create_graph=True``.

``fast_mode=True`` compares one number per (input, output) pair instead of whole
Jacobians: ``v·J·u`` for random unit vectors ``u`` (input side) and ``v`` (output
side), from one backward pass against one central difference along ``u``; on a
mismatch the Jacobians are recomputed in full for the message.
``check_forward_ad`` checks forward mode the same way (``J·u`` from dual tensors);
``check_batched_grad`` checks ``vmap`` over the vector-Jacobian product against a
loop over cotangents.

Numerical perturbations do not write into the caller's tensors: each perturbed
evaluation calls ``func`` on fresh copies of the inputs (built from NumPy), with
the same dtype and ``requires_grad`` flag as the original, and with grad mode as
the caller has it (``gradgradcheck`` needs grad mode on inside ``func``).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck"]


class GradcheckError(RuntimeError):
    """Raised by :func:`gradcheck` and :func:`gradgradcheck` when a check fails."""


def _fg():
    # Imported lazily: this module is imported while the ``ferrograd`` package
    # itself is still initialising.
    import ferrograd

    return ferrograd


def _is_tensor(x) -> bool:
    return isinstance(x, _fg().Tensor)


def _as_tuple(x) -> tuple:
    if isinstance(x, tuple):
        return x
    if isinstance(x, list):
        return tuple(x)
    return (x,)


def _is_float(t) -> bool:
    return bool(t.dtype.is_floating_point)


def _to_numpy(t) -> np.ndarray:
    """A float64 NumPy copy of ``t``'s values (never a view of its storage)."""
    return np.array(t.detach().numpy(), dtype=np.float64, copy=True)


def _make_tensor(arr: np.ndarray, dtype, requires_grad: bool):
    fg = _fg()
    arr = np.asarray(arr)
    if arr.size == 0:
        return fg.zeros(arr.shape, dtype=dtype, requires_grad=requires_grad)
    t = fg.tensor(arr.tolist(), dtype=dtype)
    if tuple(t.shape) != arr.shape:  # pragma: no cover - defensive
        t = t.reshape(arr.shape)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _fail(msg: str, raise_exception: bool) -> bool:
    if raise_exception:
        raise GradcheckError(msg)
    return False


def _differentiable_outputs(outputs):
    """Indices of outputs that are floating-point tensors (the ones gradcheck checks)."""
    return [k for k, o in enumerate(outputs) if _is_tensor(o) and _is_float(o)]


def _numerical_jacobian(func, inputs, diff_idx, out_idx, out_shapes, eps):
    """J[i][k]: array of shape (numel(input i), numel(output k)), by central differences."""
    jac = {}
    for i in diff_idx:
        inp = inputs[i]
        base = _to_numpy(inp)
        n_in = base.size
        cols = {k: np.zeros((n_in, int(np.prod(out_shapes[k], dtype=np.int64)))) for k in out_idx}
        np_dtype = np.float32 if inp.dtype == _fg().float32 else np.float64
        for j in range(n_in):
            vals = []
            for sign in (1.0, -1.0):
                arr = base.astype(np_dtype, copy=True)
                flat = arr.reshape(-1)
                flat[j] = flat[j] + sign * eps
                perturbed = _make_tensor(arr.reshape(base.shape), inp.dtype, inp.requires_grad)
                args = list(inputs)
                args[i] = perturbed
                outs = _as_tuple(func(*args))
                vals.append({k: _to_numpy(outs[k]).reshape(-1) for k in out_idx})
            # Divide by the perturbation actually applied in the input's precision.
            if np_dtype is np.float32:
                hi = np.float64(np.float32(base.reshape(-1)[j] + eps))
                lo = np.float64(np.float32(base.reshape(-1)[j] - eps))
                denom = hi - lo
            else:
                denom = 2.0 * eps
            for k in out_idx:
                cols[k][j, :] = (vals[0][k] - vals[1][k]) / denom
        jac[i] = cols
    return jac


def _analytical_jacobian(outputs, inputs, diff_idx, out_idx):
    """Returns (jacobian dict like the numerical one, error message or None)."""
    fg = _fg()
    diff_inputs = tuple(inputs[i] for i in diff_idx)
    jac = {i: {} for i in diff_idx}
    for k in out_idx:
        out = outputs[k]
        n_out = out.numel()
        for i in diff_idx:
            jac[i][k] = np.zeros((inputs[i].numel(), n_out))
        if not out.requires_grad:
            # A floating output that does not depend on any input: its Jacobian is zero.
            continue
        out_shape = tuple(out.shape)
        for m in range(n_out):
            onehot = np.zeros(n_out)
            onehot[m] = 1.0
            grad_out = _make_tensor(onehot.reshape(out_shape), out.dtype, False)
            grads = fg.autograd.grad(
                (out,),
                diff_inputs,
                grad_outputs=(grad_out,),
                retain_graph=True,
                allow_unused=True,
            )
            grads = _as_tuple(grads)
            if len(grads) != len(diff_inputs):
                return jac, (
                    f"autograd.grad returned {len(grads)} gradients for {len(diff_inputs)} inputs"
                )
            for i, g in zip(diff_idx, grads, strict=True):
                if g is None:
                    continue
                if not _is_tensor(g):
                    return jac, (f"Gradient for input {i} is not a Tensor: {type(g).__name__}")
                inp = inputs[i]
                if tuple(g.shape) != tuple(inp.shape):
                    return jac, (
                        f"Gradient has shape mismatch for input {i} (output {k}): "
                        f"got grad of shape {tuple(g.shape)}, "
                        f"input has shape {tuple(inp.shape)}"
                    )
                if g.dtype != inp.dtype:
                    return jac, (
                        f"Gradient has dtype mismatch for input {i} (output {k}): "
                        f"got {g.dtype}, input has {inp.dtype}"
                    )
                jac[i][k][:, m] = _to_numpy(g).reshape(-1)
    return jac, None


def gradcheck(
    func: Callable[..., Any],
    inputs: Any,
    *,
    eps=1e-6,
    atol=1e-5,
    rtol=1e-3,
    raise_exception=True,
    nondet_tol=0.0,
    check_undefined_grad=True,
    check_grad_dtypes=False,
    check_batched_grad=False,
    check_batched_forward_grad=False,
    check_forward_ad=False,
    check_backward_ad=True,
    fast_mode=False,
    masked=None,
) -> bool:
    """Checks the gradients that autograd computes for ``func`` against finite differences.

    Every floating tensor among ``inputs`` that requires gradients is perturbed by ``±eps``,
    one element at a time, and the central differences of ``func``'s outputs form a numerical
    Jacobian; the analytical one comes from one ``autograd.grad`` call per output element. They
    must agree within ``atol + rtol * |numerical|``. Inputs should be float64: in float32 the
    differences are too coarse (a warning says so, as in PyTorch). The caller's tensors are
    never written: each perturbed evaluation gets fresh copies.

    Args:
        func: a function of ``inputs`` returning a tensor or a tuple of tensors.
        inputs: a tensor or a tuple of arguments (non-tensors are passed as they are).
        eps: the perturbation of the finite differences.
        atol: the absolute tolerance.
        rtol: the relative tolerance.
        raise_exception: raise ``GradcheckError`` describing the first mismatch; with False,
            return False instead.
        nondet_tol: how far two backward passes with the same input may differ.
        check_undefined_grad: accepted; rules never receive undefined gradients here.
        check_grad_dtypes: accepted; the gradients' dtypes are always checked.
        check_batched_grad: also check ``vmap`` of the vector-Jacobian product against a loop.
        check_batched_forward_grad: also run the forward-mode check under ``vmap``.
        check_forward_ad: also check forward mode (Jacobian-vector products of dual tensors).
        check_backward_ad: check reverse mode (the default).
        fast_mode: compare one random projection ``v·J·u`` per input and output instead of whole
            Jacobians (much cheaper for large inputs); full Jacobians are computed on a mismatch
            for the message.
        masked: accepted for compatibility.

    Returns:
        True when the check passes (False on a mismatch with ``raise_exception=False``).

    Raises:
        GradcheckError: a mismatch (a ``RuntimeError``), with the two Jacobians.

    Examples:
        >>> import ferrograd
        >>> x = ferrograd.tensor([0.3, -1.2], dtype=ferrograd.float64, requires_grad=True)
        >>> ferrograd.autograd.gradcheck(lambda t: (t.sin() * t).sum(), (x,))
        True
    """
    fg = _fg()
    inputs = _as_tuple(inputs)

    diff_idx = []
    for i, x in enumerate(inputs):
        if _is_tensor(x) and x.requires_grad:
            if not _is_float(x):  # pragma: no cover - such a tensor cannot exist
                continue
            if x.dtype != fg.float64:
                warnings.warn(
                    f"Input #{i} requires gradient and is not a double precision floating "
                    "point. This check will likely fail if all the inputs are not of double "
                    "precision floating point.",
                    UserWarning,
                    stacklevel=2,
                )
            diff_idx.append(i)
    if not diff_idx:
        raise ValueError(
            "gradcheck expects at least one input tensor to require gradient, "
            "but none of them have requires_grad=True."
        )

    outputs = _as_tuple(func(*inputs))
    for k, o in enumerate(outputs):
        if not _is_tensor(o):
            raise TypeError(f"gradcheck: output {k} of func is not a Tensor but {type(o).__name__}")
    out_idx = _differentiable_outputs(outputs)
    out_shapes = {k: tuple(outputs[k].shape) for k in out_idx}
    if check_forward_ad:
        message = _check_forward(
            func, inputs, diff_idx, out_idx, out_shapes, eps, atol, rtol, fast_mode,
            check_batched_forward_grad,
        )  # fmt: skip
        if message is not None:
            return _fail(message, raise_exception)
    if check_batched_grad:
        message = _check_batched_grad(func, inputs, diff_idx, outputs, out_idx)
        if message is not None:
            return _fail(message, raise_exception)
    if not check_backward_ad:
        return True
    if fast_mode:
        message = _check_fast(func, inputs, outputs, diff_idx, out_idx, eps, atol, rtol)
        return True if message is None else _fail(message, raise_exception)

    analytical, err = _analytical_jacobian(outputs, inputs, diff_idx, out_idx)
    if err is not None:
        return _fail(err, raise_exception)

    # Reentrancy / determinism: a second backward pass must give the same Jacobian.
    analytical2, err = _analytical_jacobian(outputs, inputs, diff_idx, out_idx)
    if err is not None:
        return _fail(err, raise_exception)
    for i in diff_idx:
        for k in out_idx:
            if analytical[i][k].size == 0:
                continue
            diff = float(np.max(np.abs(analytical[i][k] - analytical2[i][k])))
            if not diff <= nondet_tol:
                return _fail(
                    f"Backward is not reentrant, i.e., running backward with the same input "
                    f"and grad_output multiple times gives different values for output {k} "
                    f"with respect to input {i} (max difference {diff}, nondet_tol "
                    f"{nondet_tol}).",
                    raise_exception,
                )

    numerical = _numerical_jacobian(func, inputs, diff_idx, out_idx, out_shapes, eps)

    for i in diff_idx:
        for k in out_idx:
            a = analytical[i][k]
            n = numerical[i][k]
            if a.size == 0:
                continue
            ok = np.abs(a - n) <= atol + rtol * np.abs(n)
            if not np.all(ok):
                maxdiff = (
                    float(np.nanmax(np.abs(a - n))) if np.isfinite(a - n).any() else float("nan")
                )
                return _fail(
                    f"Jacobian mismatch for output {k} with respect to input {i},\n"
                    f"numerical:{n}\nanalytical:{a}\n"
                    f"max difference: {maxdiff} (atol={atol}, rtol={rtol})",
                    raise_exception,
                )
    return True


def gradgradcheck(
    func: Callable[..., Any],
    inputs: Any,
    grad_outputs: Any = None,
    *,
    eps=1e-6,
    atol=1e-5,
    rtol=1e-3,
    gen_non_contig_grad_outputs=False,
    raise_exception=True,
    nondet_tol=0.0,
    check_undefined_grad=True,
    check_grad_dtypes=False,
    check_batched_grad=False,
    check_fwd_over_rev=False,
    check_rev_over_rev=True,
    fast_mode=False,
    masked=False,
) -> bool:
    """Check second-order gradients of ``func`` against finite differences.

    Runs :func:`gradcheck` on the function ``(*inputs, *grad_outputs) -> grads`` that
    computes the first-order gradients of ``func`` with ``create_graph=True``. When
    ``grad_outputs`` is None, random float64 ones requiring grad are used (one per
    floating-point output of ``func``).
    """
    fg = _fg()
    inputs = _as_tuple(inputs)

    if grad_outputs is None:
        outputs = _as_tuple(func(*inputs))
        rng = np.random.default_rng(0)
        grad_outputs = tuple(
            _make_tensor(rng.standard_normal(tuple(outputs[k].shape)), fg.float64, True)
            for k in _differentiable_outputs(outputs)
        )
    else:
        grad_outputs = _as_tuple(grad_outputs)
    n_go = len(grad_outputs)

    def first_order(*args):
        input_args = args[: len(args) - n_go]
        gos = args[len(args) - n_go :]
        outs = _as_tuple(func(*input_args))
        diff_out_idx = list(_differentiable_outputs(outs))
        pairs = [
            (outs[k], g) for k, g in zip(diff_out_idx, gos, strict=True) if outs[k].requires_grad
        ]
        diff_in = tuple(a for a in input_args if _is_tensor(a) and a.requires_grad)
        if not pairs or not diff_in:
            return ()
        grads = fg.autograd.grad(
            tuple(p[0] for p in pairs),
            diff_in,
            grad_outputs=tuple(p[1] for p in pairs),
            create_graph=True,
            allow_unused=True,
        )
        return tuple(g for g in _as_tuple(grads) if g is not None)

    return gradcheck(
        first_order,
        inputs + grad_outputs,
        eps=eps,
        atol=atol,
        rtol=rtol,
        raise_exception=raise_exception,
        nondet_tol=nondet_tol,
        check_batched_grad=check_batched_grad,
        check_forward_ad=check_fwd_over_rev,
        check_backward_ad=check_rev_over_rev,
        fast_mode=fast_mode,
    )


# ----------------------------------------------------------------------------- fast mode


def _unit_vectors(tensors: dict, seed: int) -> dict:
    """A random unit vector (float64) in the space of each tensor."""
    rng = np.random.default_rng(seed)
    out = {}
    for key, t in tensors.items():
        u = rng.standard_normal(t.numel())
        norm = np.linalg.norm(u)
        out[key] = u / norm if norm > 0 else u
    return out


def _directional(func, inputs, i, u: np.ndarray, out_idx, eps) -> dict:
    """``J_i·u`` for each output, by a central difference along ``u``."""
    inp = inputs[i]
    base = _to_numpy(inp)
    values = []
    for sign in (1.0, -1.0):
        moved = (base.reshape(-1) + sign * eps * u).reshape(base.shape)
        args = list(inputs)
        args[i] = _make_tensor(moved, inp.dtype, inp.requires_grad)
        outs = _as_tuple(func(*args))
        values.append({k: _to_numpy(outs[k]).reshape(-1) for k in out_idx})
    return {k: (values[0][k] - values[1][k]) / (2.0 * eps) for k in out_idx}


def _slow_jacobians_text(func, inputs, outputs, diff_idx, out_idx, i, k, eps) -> str:
    out_shapes = {kk: tuple(outputs[kk].shape) for kk in out_idx}
    numerical = _numerical_jacobian(func, inputs, diff_idx, out_idx, out_shapes, eps)[i][k]
    analytical = _analytical_jacobian(outputs, inputs, diff_idx, out_idx)[0][i][k]
    return (
        "\n\nThe above quantities relating the numerical and analytical jacobians are computed "
        "\nin fast mode. See: https://github.com/pytorch/pytorch/issues/53876 for more background "
        "\nabout fast mode. Below, we recompute numerical and analytical jacobians in slow mode:"
        f"\n\nNumerical:\n {numerical.T}\nAnalytical:\n{analytical.T}\n\nThe max per-element "
        f"difference (slow mode) is: {float(np.max(np.abs(numerical - analytical)))}.\n"
    )


def _check_fast(func, inputs, outputs, diff_idx, out_idx, eps, atol, rtol) -> str | None:
    """``v·J·u`` from autograd against ``v·(J·u)`` by central differences, per (input,
    output) pair; the failure message (None when every pair agrees)."""
    fg = _fg()
    us = _unit_vectors({i: inputs[i] for i in diff_idx}, 0)
    vs = _unit_vectors({k: outputs[k] for k in out_idx}, 1)
    for i in diff_idx:
        numerical = _directional(func, inputs, i, us[i], out_idx, eps)
        for k in out_idx:
            out = outputs[k]
            n = float(vs[k] @ numerical[k])
            a = 0.0
            if out.requires_grad and out.numel():
                v = _make_tensor(vs[k].reshape(tuple(out.shape)), out.dtype, False)
                (g,) = fg.autograd.grad(
                    (out,), (inputs[i],), grad_outputs=(v,), retain_graph=True, allow_unused=True
                )
                if g is not None:
                    a = float(_to_numpy(g).reshape(-1) @ us[i])
            if not abs(a - n) <= atol + rtol * abs(n):
                return (
                    f"Jacobian mismatch for output {k} with respect to input {i},\n"
                    f"numerical:{n}\nanalytical:{a}"
                    + _slow_jacobians_text(func, inputs, outputs, diff_idx, out_idx, i, k, eps)
                )
    return None


# ----------------------------------------------------------------------------- forward mode


def _tangent_outputs(func, inputs, i, tangent: np.ndarray, out_idx, batched: bool) -> dict:
    """``J_i·tangent`` for each output, from dual tensors (under ``vmap`` over a batch of two
    copies of the tangent when ``batched``)."""
    fg = _fg()
    from . import forward_ad

    inp = inputs[i]
    t = _make_tensor(tangent.reshape(tuple(inp.shape)), inp.dtype, False)

    def pushed(direction):
        with forward_ad.dual_level():
            args = list(inputs)
            # a fresh leaf like the input (a function that differentiates it, as
            # gradgradcheck's does, still can: forward over reverse)
            primal = inp.detach().requires_grad_(inp.requires_grad)
            args[i] = forward_ad.make_dual(primal, direction)
            outs = _as_tuple(func(*args))
            tangents = []
            for k in out_idx:
                tk = forward_ad.unpack_dual(outs[k]).tangent
                tangents.append(fg.zeros_like(outs[k]) if tk is None else tk)
            return tuple(tangents)

    if batched:
        from ..func import vmap

        result = vmap(pushed)(fg.stack([t, t]))
        result = [r[1] for r in result]
    else:
        result = pushed(t)
    return {k: _to_numpy(r).reshape(-1) for k, r in zip(out_idx, result, strict=True)}


def _check_forward(
    func, inputs, diff_idx, out_idx, out_shapes, eps, atol, rtol, fast_mode, batched
) -> str | None:
    """Forward-mode tangents against finite differences: whole Jacobians column by column,
    or ``v·J·u`` in fast mode."""
    if fast_mode:
        us = _unit_vectors({i: inputs[i] for i in diff_idx}, 0)
        for i in diff_idx:
            numerical = _directional(func, inputs, i, us[i], out_idx, eps)
            analytical = _tangent_outputs(func, inputs, i, us[i], out_idx, batched)
            for k in out_idx:
                n, a = numerical[k], analytical[k]
                if not np.all(np.abs(a - n) <= atol + rtol * np.abs(n)):
                    return (
                        f"Jacobian computed with forward mode mismatch for output {k} with "
                        f"respect to input {i},\nnumerical:{n}\nanalytical:{a}"
                    )
        return None
    numerical = _numerical_jacobian(func, inputs, diff_idx, out_idx, out_shapes, eps)
    for i in diff_idx:
        n_in = inputs[i].numel()
        columns = {
            k: np.zeros((n_in, int(np.prod(out_shapes[k], dtype=np.int64)))) for k in out_idx
        }
        for j in range(n_in):
            onehot = np.zeros(n_in)
            onehot[j] = 1.0
            pushed = _tangent_outputs(func, inputs, i, onehot, out_idx, batched)
            for k in out_idx:
                columns[k][j, :] = pushed[k]
        for k in out_idx:
            a, n = columns[k], numerical[i][k]
            if a.size and not np.all(np.abs(a - n) <= atol + rtol * np.abs(n)):
                return (
                    f"Jacobian computed with forward mode mismatch for output {k} with respect "
                    f"to input {i},\nnumerical:{n}\nanalytical:{a}"
                )
    return None


# ----------------------------------------------------------------------------- vmap


def _check_batched_grad(func, inputs, diff_idx, outputs, out_idx) -> str | None:
    """``vmap`` of the vector-Jacobian product over a batch of two random cotangents against
    the products computed one cotangent at a time."""
    from ..func import vjp, vmap

    def restricted(*diff_inputs):
        args = list(inputs)
        for i, x in zip(diff_idx, diff_inputs, strict=True):
            args[i] = x
        outs = _as_tuple(func(*args))
        return tuple(outs[k] for k in out_idx)

    _, vjp_fn = vjp(restricted, *[inputs[i] for i in diff_idx])
    rng = np.random.default_rng(2)
    cotangents = tuple(
        _make_tensor(rng.standard_normal((2, *outputs[k].shape)), outputs[k].dtype, False)
        for k in out_idx
    )
    batched = vmap(vjp_fn)(cotangents)
    for b in range(2):
        single = vjp_fn(tuple(c[b] for c in cotangents))
        for position, (x, y) in enumerate(zip(batched, single, strict=True)):
            if not np.allclose(_to_numpy(x[b]), _to_numpy(y), rtol=1e-7, atol=1e-10):
                return (
                    f"While checking batched gradients for input {diff_idx[position]}: vmap over "
                    f"the backward gives\n{_to_numpy(x[b])}\nbut one cotangent at a time "
                    f"gives\n{_to_numpy(y)}"
                )
    return None
