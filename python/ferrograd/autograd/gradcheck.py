"""Finite-difference checks of gradients, with PyTorch's ``gradcheck`` semantics.

``gradcheck(func, inputs)`` compares the Jacobian that autograd computes (one
``ferrograd.autograd.grad`` call per output element) with a numerical Jacobian
obtained by central differences, for every floating-point input that requires
grad. ``gradgradcheck`` does the same for the gradient of the gradient, by
running ``gradcheck`` on a function that returns the first-order gradients
computed with ``create_graph=True``.

Numerical perturbations do not write into the caller's tensors: each perturbed
evaluation calls ``func`` on fresh copies of the inputs (built from NumPy), with
the same dtype and ``requires_grad`` flag as the original, and with grad mode as
the caller has it (``gradgradcheck`` needs grad mode on inside ``func``).
"""

from __future__ import annotations

import warnings

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
    func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, nondet_tol=0.0
):
    """Check the gradients of ``func`` at ``inputs`` against finite differences.

    ``inputs`` is a Tensor or a tuple (non-tensors are passed through as they are).
    Every floating-point tensor input with ``requires_grad=True`` is checked; such an
    input should be float64 (a warning is issued otherwise, as PyTorch does).
    Returns True when the check passes; on a mismatch raises :class:`GradcheckError`,
    or returns False when ``raise_exception=False``.
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
    func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True
):
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
    )
