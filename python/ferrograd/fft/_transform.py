"""The one differentiable primitive behind ``ferrograd.fft``: the complex-to-complex discrete
Fourier transform over some dimensions, computed on the host by NumPy's pocketfft. Its
gradient is another such transform: for a complex-linear map ``y = A x`` and a real loss, the
gradient (PyTorch's ``dL/dRe + i dL/dIm``) of ``x`` is ``A^H`` applied to that of ``y``, and the
adjoint of a transform is the transform in the other direction with the normalisation moved to
the other side. The rule calls the primitive itself, so every order of derivative exists; a
dual input's tangent goes through the same transform (forward mode).
Real transforms (``rfft``, ``irfft``, ``hfft``, ...) are compositions of this one with the
differentiable real operations, so they need no rules of their own."""

from __future__ import annotations

import numpy as np

from .._complex._tensor import make

NORMS = ("backward", "forward", "ortho")
_ADJOINT_NORM = {"backward": "forward", "forward": "backward", "ortho": "ortho"}


def check_norm(norm):
    """``norm`` with None read as ``"backward"``; PyTorch's error for any other string."""
    if norm is None:
        return "backward"
    if norm not in NORMS:
        raise RuntimeError(f'Invalid normalization mode: "{norm}"')
    return norm


def c2c(z, dims: tuple, forward: bool, norm: str):
    """The transform of the complex tensor ``z`` over ``dims`` (non-negative), forward
    (``exp(-2 pi i jk/n)``) or inverse, scaled as ``norm`` says for that direction."""
    from .._core import current_dual_level
    from ..linalg._common import record

    parts = z._parts
    if current_dual_level() is not None:
        from ..autograd.forward_ad import make_dual, unpack_dual

        primal, tangent = unpack_dual(parts)
        if tangent is not None:
            # a linear map: the output's tangent is the same transform of the input's
            out = c2c(make(primal), dims, forward, norm)._parts
            out_tangent = c2c(make(tangent), dims, forward, norm)._parts
            return make(make_dual(out, out_tangent))
    host = parts.detach()
    if not host.is_cpu:
        host = host.cpu()
    array = np.ascontiguousarray(host.numpy()).view(np.dtype(z.dtype.name))[..., 0]
    transform = np.fft.fftn if forward else np.fft.ifftn
    result = transform(array, axes=dims, norm=norm).astype(array.dtype, copy=False)
    from .._creation import from_numpy

    out = from_numpy(np.ascontiguousarray(result)[..., None].view(array.real.dtype))
    if out.device != parts.device:
        out = out.to(parts.device)

    def backward(_saved, grads):
        (grad,) = grads
        if grad is None:
            return (None,)
        return (c2c(make(grad), dims, not forward, _ADJOINT_NORM[norm])._parts,)

    name = "FftC2CBackward0"
    (out,) = record(name, backward, [parts], [out])
    return make(out)
