"""Shape: ``shape``, ``size``, ``reshape``/``view``, ``transpose``, ``permute``, ``.T``,
``unsqueeze``, ``squeeze``, ``expand``, ``flatten``, ``len``."""

import operator
from .._size import Size


def _sizes(args) -> list:
    """``f(2, 3)``, ``f((2, 3))`` and ``f([2, 3])`` all mean the shape (2, 3); sizes must be
    integers (a float size is a TypeError, as in PyTorch)."""
    if len(args) == 1 and not isinstance(args[0], int) and hasattr(args[0], "__iter__"):
        args = args[0]
    try:
        return [operator.index(s) for s in args]
    except TypeError:
        raise TypeError(f"sizes must be integers, got {tuple(args)!r}") from None


class ShapeMixin:
    __slots__ = ()

    @property
    def shape(self) -> Size:
        return Size(self._shape)

    def size(self, dim=None):
        shape = self._shape
        if dim is None:
            return Size(shape)
        ndim = len(shape)
        if not -max(ndim, 1) <= dim < max(ndim, 1) or ndim == 0:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got {dim})")
        return shape[dim]

    @property
    def ndim(self) -> int:
        return self._ndim

    def dim(self) -> int:
        return self._ndim

    ndimension = dim

    def numel(self) -> int:
        return self._numel()

    nelement = numel

    def __len__(self) -> int:
        shape = self._shape
        if not shape:
            raise TypeError("len() of a 0-d tensor")
        return shape[0]

    def reshape(self, *shape):
        return self._reshape(_sizes(shape))

    def view(self, *shape):
        from .._dtype import dtype

        if len(shape) == 1 and isinstance(shape[0], dtype):
            raise TypeError("view(dtype) is not supported: use .to(dtype) to convert elements")
        return self._reshape(_sizes(shape))

    def view_as(self, other):
        return self.view(other.shape)

    def reshape_as(self, other):
        return self.reshape(other.shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1):
        return self._flatten(start_dim, end_dim)

    def ravel(self):
        return self.flatten()

    def unflatten(self, dim: int, sizes):
        shape = list(self.shape)
        dim = dim % len(shape)
        return self.reshape(shape[:dim] + list(sizes) + shape[dim + 1 :])

    def unsqueeze(self, dim: int):
        return self._unsqueeze(dim)

    def squeeze(self, dim=None):
        return self._squeeze(dim)

    def transpose(self, dim0: int, dim1: int):
        return self._transpose(dim0, dim1)

    swapaxes = transpose
    swapdims = transpose

    def t(self):
        """Transpose of a matrix (a vector or scalar is returned as it is)."""
        if self.ndim > 2:
            raise ValueError(f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D")
        return self.transpose(0, 1) if self.ndim == 2 else self

    @property
    def T(self):
        """All dimensions reversed."""
        return self._t_all()

    @property
    def mT(self):
        """The last two dimensions swapped (batched matrix transpose)."""
        return self.transpose(-2, -1)

    def permute(self, *dims):
        return self._permute(_sizes(dims))

    def expand(self, *sizes):
        return self._expand(_sizes(sizes))

    def expand_as(self, other):
        return self.expand(other.shape)

    def broadcast_to(self, shape):
        return self.expand(shape)

    def contiguous(self, memory_format=None):
        """Tensors are always contiguous: returns ``self``."""
        return self

    def is_contiguous(self, memory_format=None) -> bool:
        return True
