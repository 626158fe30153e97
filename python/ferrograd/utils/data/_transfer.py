"""How tensors cross between a loader and its worker processes.

``pickle.dumps(tensor)`` refuses on purpose (a pickle file can run code when loaded, so files
go through ``ferrograd.save``). Between the processes a loader starts itself, the channel is
``multiprocessing``'s own pickler (``ForkingPickler``), used by its queues and by the
``spawn``/``forkserver`` start methods: that pickler alone is taught to send a tensor as its
NumPy array (plus ``requires_grad``, device and type), or, for a tensor in shared memory
(``share_memory_``), as a reference to that memory, so that both processes see one storage
(``ferrograd.multiprocessing``). Plain ``pickle`` is unchanged.
"""

from __future__ import annotations

from multiprocessing.reduction import ForkingPickler

import numpy as np


def _rebuild_tensor(array: np.ndarray, requires_grad: bool, device: str, parameter: bool):
    from ... import _creation

    t = _creation.from_numpy(array)
    if device != "cpu":
        t = t.to(device)
    if parameter:
        from ...nn.parameter import Parameter

        return Parameter(t, requires_grad)
    return t.requires_grad_(True) if requires_grad else t


def _reduce_tensor(t):
    if t.requires_grad and not t.is_leaf:
        raise RuntimeError(
            "Cowardly refusing to serialize non-leaf tensor which requires_grad, since autograd "
            "does not support crossing process boundaries.  If you just want to transfer the "
            "data, call detach() on the tensor before serializing (e.g., putting it on the "
            "queue)."
        )
    from ...multiprocessing import _shared_memory
    from ...nn.parameter import Parameter

    if _shared_memory.is_shared(t):
        return _shared_memory.reduce_shared(t, isinstance(t, Parameter))
    array = np.ascontiguousarray(t.detach().cpu().numpy())
    return _rebuild_tensor, (array, t.requires_grad, str(t.device), isinstance(t, Parameter))


def register() -> None:
    """Teaches ``multiprocessing``'s pickler to send ferrograd tensors and parameters."""
    from ..._tensor import Tensor
    from ...nn.parameter import Parameter

    for cls in (Tensor, Parameter):
        ForkingPickler.register(cls, _reduce_tensor)
