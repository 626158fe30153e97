"""``parameters_to_vector`` / ``vector_to_parameters``."""

from ..._base import TensorBase

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters):
    """All parameters flattened and concatenated into one vector (a copy)."""
    from ..._tensor_functions import cat

    return cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec, parameters) -> None:
    """Makes each parameter's ``.data`` the matching slice of ``vec`` (shared with it, as in
    PyTorch)."""
    if not isinstance(vec, TensorBase):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    offset = 0
    for p in parameters:
        n = p.numel()
        p.data = vec[offset : offset + n].view_as(p).detach()
        offset += n
