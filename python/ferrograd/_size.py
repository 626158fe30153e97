"""``ferrograd.Size``: the type of ``Tensor.shape``."""

import math


class Size(tuple[int, ...]):
    """A tensor shape: a tuple of ints that prints like PyTorch's ``torch.Size``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"ferrograd.Size({list(self)})"

    def numel(self) -> int:
        return math.prod(self)
