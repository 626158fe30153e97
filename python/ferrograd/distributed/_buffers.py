"""A tensor's elements as the memory MPI reads or writes.

A contiguous CPU tensor is handed to MPI as its own storage (``tensor.detach().numpy()`` shares
it: no copy), so an in-place collective writes straight into the tensor. A non-contiguous tensor
is copied into a contiguous array first and, when MPI writes, copied back through its strides
afterwards; a tensor on another device goes through a host copy the same way."""

from __future__ import annotations

import numpy as np

from .. import _core
from .._base import TensorBase

__all__ = ["Buffer", "check_tensor", "host_array"]


def check_tensor(tensor, name: str) -> None:
    if not isinstance(tensor, TensorBase):
        raise TypeError(
            f"Invalid function argument. Expected parameter `{name}` of type torch.Tensor\n"
            f"             but got {type(tensor)} instead."
        )
    if tensor.is_sparse:
        raise RuntimeError(f"{name}: sparse tensors are not supported by ferrograd.distributed")


def host_array(tensor) -> np.ndarray:
    """The tensor's elements as a NumPy array sharing its storage (CPU), or a host copy."""
    if tensor._device == "cpu":
        return _core.numpy_view(tensor)  # what numpy() returns, also for a tensor needing grad
    return tensor.detach().cpu().numpy()


class Buffer:
    """``array``: contiguous memory holding ``tensor``'s elements, given to MPI. With
    ``write``, :meth:`finish` (called once MPI is done) puts ``array`` back into the tensor when
    it is not the tensor's own storage."""

    __slots__ = ("_tensor", "_view", "array")

    def __init__(self, tensor, write: bool):
        self._tensor = None
        self._view = None
        if tensor._device != "cpu":
            self.array = np.asarray(tensor.detach().cpu().numpy(), order="C")
            if write:
                self._tensor = tensor
            return
        view = _core.numpy_view(tensor)
        if view.flags.c_contiguous:
            self.array = view
        else:
            self.array = np.ascontiguousarray(view)
            if write:
                self._view = view

    def finish(self) -> None:
        if self._view is not None:
            np.copyto(self._view, self.array)
        elif self._tensor is not None:
            from .._creation import from_numpy
            from ..autograd.grad_mode import no_grad

            with no_grad():
                self._tensor.copy_(from_numpy(self.array))
