"""``parameters_to_vector`` / ``vector_to_parameters``."""

from ...autograd import no_grad


def parameters_to_vector(parameters):
    from ..._tensor_functions import cat

    return cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec, parameters) -> None:
    offset = 0
    with no_grad():
        for p in parameters:
            n = p.numel()
            p.copy_(vec[offset : offset + n].reshape(p.shape))
            offset += n
