"""Selecting and scattering along a dimension: ``gather``, ``scatter_add``, ``index_select``,
``index_add``, ``masked_fill``, ``sort``, ``argsort``, ``topk`` (Rust kernels, differentiable)."""

from .. import _core, return_types
from .._base import TensorBase, is_operand
from .._meta import data_dependent

#: What ``sort`` and ``topk`` return, like ``torch.return_types.sort``.


def _index_tensor(index, op: str):
    if not isinstance(index, TensorBase):
        from .._creation import tensor

        index = tensor(index, dtype="int64")
    if index.dtype.is_floating_point or index.dtype.name == "bool":
        raise TypeError(f"{op}(): Expected dtype int64 for index, got {index.dtype}")
    return index


def _wrapped(index, size: int):
    """``index`` with negative entries counted from the end of a dimension of ``size``: what
    ``take_along_dim`` does, while ``gather`` refuses them (both as in PyTorch)."""
    return index.where(index >= 0, index + size)


def _bool_mask(mask, op: str):
    if not isinstance(mask, TensorBase):
        from .._creation import tensor

        mask = tensor(mask)
    if mask.dtype.name != "bool":
        raise TypeError(f"{op} only supports boolean masks, but got mask with dtype {mask.dtype}")
    return mask


class SelectionMixin:
    __slots__ = ()

    def gather(self, dim: int, index, *, sparse_grad: bool = False):
        """``out[i][j] = self[index[i][j]][j]`` (for ``dim=0``), and so on."""
        return _core.gather(self, dim, _index_tensor(index, "gather"))

    def take_along_dim(self, indices, dim=None):
        """The entries at ``indices`` along ``dim`` (of the flattened tensor when ``dim`` is
        None); ``self`` and ``indices`` broadcast against each other except along ``dim``."""
        indices = _index_tensor(indices, "take_along_dim")
        if dim is None:
            flat = self.reshape(-1)
            return flat.gather(0, _wrapped(indices.reshape(-1), flat.shape[0]))
        if self.ndim != indices.ndim:
            raise ValueError(
                "take_along_dim(): input and indices should have the same number of "
                f"dimensions, but got {self.ndim} dimensions for input, and "
                f"{indices.ndim} dimensions for indices"
            )
        dim = dim % max(self.ndim, 1)
        shape = []
        for axis, (a, b) in enumerate(zip(self.shape, indices.shape, strict=True)):
            if axis != dim and a != b and 1 not in (a, b):
                raise ValueError(
                    f"take_along_dim(): shapes {tuple(self.shape)} of input and "
                    f"{tuple(indices.shape)} of indices do not broadcast (dimension {axis})"
                )
            shape.append(b if a == 1 else a)
        source = self.expand([*shape[:dim], self.shape[dim], *shape[dim + 1 :]])
        index = indices.expand([*shape[:dim], indices.shape[dim], *shape[dim + 1 :]])
        return source.gather(dim, _wrapped(index, self.shape[dim]))

    def scatter_add(self, dim: int, index, src):
        """A copy of ``self`` with ``src`` added at the positions ``index`` names along ``dim``."""
        return _core.scatter_add(self, dim, _index_tensor(index, "scatter_add"), src)

    def scatter_add_(self, dim: int, index, src):
        return self.copy_(self.scatter_add(dim, index, src))

    def index_select(self, dim: int, index):
        """The entries at ``index`` (1-D) along ``dim``."""
        return _core.index_select(self, dim, _index_tensor(index, "index_select"))

    def index_add(self, dim: int, index, source, *, alpha=1):
        """``self`` plus ``alpha * source`` added at ``index`` along ``dim`` (repeats
        accumulate)."""
        index = _index_tensor(index, "index_add")
        size = self.shape[dim] if self.ndim else 1
        added = _core.index_add_zeros(source, dim, index, size)
        return self + (added * alpha if alpha != 1 else added)

    def index_add_(self, dim: int, index, source, *, alpha=1):
        return self.copy_(self.index_add(dim, index, source, alpha=alpha))

    def masked_fill(self, mask, value):
        """``value`` where ``mask`` (bool, broadcast) is true, else ``self``."""
        mask = _bool_mask(mask, "masked_fill")
        if isinstance(value, TensorBase):
            if value.ndim != 0:
                raise ValueError(
                    "masked_fill_ only supports a 0-dimensional value tensor, but got tensor "
                    f"with {value.ndim} dimension(s)."
                )
            if self.is_floating_point():
                return value.to(self.dtype).expand(self.shape).where(mask, self)
            value = value.item()
        if not is_operand(value):
            raise TypeError(
                f"masked_fill(): value must be a number or a 0-d tensor, got {type(value).__name__}"
            )
        return self.where(~mask, value)

    def masked_fill_(self, mask, value):
        return self.copy_(self.masked_fill(mask, value))

    def masked_select(self, mask):
        mask = _bool_mask(mask, "masked_select")
        if self.is_meta or mask.is_meta:
            raise data_dependent("masked_select")
        return self[mask.expand(self.shape) if mask.shape != self.shape else mask]

    def sort(self, dim: int = -1, descending: bool = False, stable: bool = False):
        """``(values, indices)`` sorted along ``dim`` (stable)."""
        values, indices = _core.sort(self, dim, bool(descending))
        return return_types.sort(values, indices)

    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False):
        return self.sort(dim, descending).indices

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):
        """The ``k`` largest (or smallest) entries along ``dim`` and their indices."""
        if self.ndim == 0:
            if k > 1:
                raise IndexError("selected index k out of range")
            return return_types.topk(self.clone(), _core.full([], 0, "int64"))
        size = self.shape[dim]
        if not 0 <= k <= size:
            raise IndexError(
                f"selected index k out of range (k={k}, size of dimension {dim} is {size})"
            )
        order = self.sort(dim, descending=largest).indices
        indices = order.narrow(dim, 0, k)
        return return_types.topk(self.gather(dim, indices), indices)
