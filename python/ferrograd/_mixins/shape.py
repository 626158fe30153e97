"""Shape: ``shape``, ``size``, ``reshape``/``view``, ``transpose``, ``permute``, ``.T``,
``unsqueeze``, ``squeeze``, ``expand``, ``flatten``, ``len``."""

import inspect
import operator

from .._dtype import dtype
from .._errors import ShapeError
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


def keyword_sizes(args: tuple, keyword: dict, name: str, op: str) -> tuple:
    """The sizes of ``x.reshape(shape=(2, 3))``: PyTorch's parser takes the sizes of the
    methods written ``f(*sizes)`` as one keyword argument too."""
    for key in keyword:
        if key != name:
            raise TypeError(f"{op}() got an unexpected keyword argument '{key}'")
    if args:
        raise TypeError(f"{op}() got multiple values for argument '{name}'")
    return (keyword[name],)


def variadic_signature(method):
    """``method``'s signature as PyTorch documents it, ``f(*sizes)``: without the ``**keyword``
    that takes the sizes' keyword form (``keyword_sizes``)."""
    signature = inspect.signature(method)
    parameters = [p for p in signature.parameters.values() if p.kind != p.VAR_KEYWORD]
    method.__signature__ = signature.replace(parameters=parameters)
    return method


def check_size_dim(dim: int, ndim: int) -> None:
    """``size(dim)``'s check of ``dim`` (a 0-d tensor has no dimension to ask for)."""
    if not -max(ndim, 1) <= dim < max(ndim, 1) or ndim == 0:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but "
            f"got {dim})"
        )


class ShapeMixin:
    __slots__ = ()

    @property
    def shape(self) -> Size:
        """The size of each dimension, as a ``ferrograd.Size`` (a tuple of ints).

        Examples:
            >>> import ferrograd
            >>> ferrograd.zeros(2, 3).shape
            ferrograd.Size([2, 3])
        """
        return Size(self._shape)

    def size(self, dim=None):
        """Returns the shape (a ``ferrograd.Size``), or the size of dimension ``dim``.

        Args:
            dim: a dimension, negative counting from the end.

        Raises:
            IndexError: ``dim`` is out of range.

        Examples:
            >>> import ferrograd
            >>> t = ferrograd.empty(3, 4, 5)
            >>> t.size()
            ferrograd.Size([3, 4, 5])
            >>> t.size(dim=-1)
            5
        """
        shape = self._shape
        if dim is None:
            return Size(shape)
        check_size_dim(dim, len(shape))
        return shape[dim]

    @property
    def ndim(self) -> int:
        return self._ndim

    def dim(self) -> int:
        """Returns the number of dimensions (0 for a scalar tensor).

        Examples:
            >>> import ferrograd
            >>> ferrograd.zeros(2, 3).dim(), ferrograd.tensor(1.0).dim()
            (2, 0)
        """
        return self._ndim

    ndimension = dim

    def numel(self) -> int:
        """Returns the number of elements (the product of the shape).

        Examples:
            >>> import ferrograd
            >>> ferrograd.zeros(2, 3, 4).numel()
            24
        """
        return self._numel()

    nelement = numel

    def __len__(self) -> int:
        shape = self._shape
        if not shape:
            raise TypeError("len() of a 0-d tensor")
        return shape[0]

    @variadic_signature
    def reshape(self, *shape, **keyword):
        """Returns a tensor with the same elements in the given shape: a view when the strides allow
        one, else a copy. One dimension may be ``-1``, computed from the others.

        Args:
            *shape: the new shape, as ints or one sequence (or the keyword ``shape=``); its
                product must equal ``numel()``.

        Raises:
            RuntimeError: the shape does not hold ``numel()`` elements.

        Examples:
            >>> import ferrograd
            >>> a = ferrograd.arange(4.0)
            >>> a.reshape(2, 2)
            tensor([[0., 1.],
                    [2., 3.]])
            >>> a.reshape(-1, 1).shape
            ferrograd.Size([4, 1])
        """
        if keyword:
            shape = keyword_sizes(shape, keyword, "shape", "reshape")
        return self._reshape(_sizes(shape))

    @variadic_signature
    def view(self, *shape, **keyword):
        """Returns a view of this tensor's elements in the given shape: the result shares memory, so
        writes to either are seen by both. One dimension may be ``-1``.

        Unlike ``reshape``, ``view`` never copies: the shape must be compatible with the strides
        (always so for a contiguous tensor).

        Args:
            *shape: the new shape, as ints or one sequence (or the keyword ``size=``).

        Raises:
            RuntimeError: the shape does not hold ``numel()`` elements, or the strides do not allow
                a view (call ``reshape`` or ``contiguous()`` first).
            TypeError: a dtype is given (``view(dtype)`` reinterpretation is not supported).

        Examples:
            >>> import ferrograd
            >>> x = ferrograd.zeros(4, 4)
            >>> y = x.view(16)
            >>> z = x.view(-1, 8)
            >>> y.shape, z.shape
            (ferrograd.Size([16]), ferrograd.Size([2, 8]))
            >>> y[0] = 1.0
            >>> x[0, 0]
            tensor(1.)
        """
        if keyword:
            shape = keyword_sizes(shape, keyword, "size", "view")
        if len(shape) == 1 and isinstance(shape[0], dtype):
            raise TypeError("view(dtype) is not supported: use .to(dtype) to convert elements")
        return self._view(_sizes(shape))

    def view_as(self, other):
        return self.view(other.shape)

    def reshape_as(self, other):
        return self.reshape(other.shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1):
        """Returns the tensor with dimensions ``start_dim`` to ``end_dim`` merged into one (a view
        when possible). A 0-d tensor becomes 1-d.

        Args:
            start_dim: the first dimension to merge.
            end_dim: the last dimension to merge.

        Examples:
            >>> import ferrograd
            >>> ferrograd.zeros(2, 3, 4).flatten(1).shape
            ferrograd.Size([2, 12])
        """
        return self._flatten(start_dim, end_dim)

    def ravel(self):
        return self.flatten()

    def unflatten(self, dim: int, sizes):
        shape = list(self.shape)
        dim = dim % len(shape)
        return self.reshape(shape[:dim] + list(sizes) + shape[dim + 1 :])

    def unsqueeze(self, dim: int):
        """Returns a view with a dimension of size 1 inserted at ``dim``.

        Args:
            dim: where the new dimension goes, in ``[-ndim - 1, ndim]``.

        Examples:
            >>> import ferrograd
            >>> x = ferrograd.tensor([1, 2, 3])
            >>> x.unsqueeze(0)
            tensor([[1, 2, 3]])
            >>> x.unsqueeze(1).shape
            ferrograd.Size([3, 1])
        """
        return self._unsqueeze(dim)

    def squeeze(self, dim=None):
        """Returns a view without the dimensions of size 1; with ``dim``, only those among ``dim``
        (dimensions of another size are kept).

        Args:
            dim: an int or a tuple of ints.

        Examples:
            >>> import ferrograd
            >>> x = ferrograd.zeros(2, 1, 2, 1)
            >>> x.squeeze().shape, x.squeeze(1).shape, x.squeeze(0).shape
            (ferrograd.Size([2, 2]), ferrograd.Size([2, 2, 1]), ferrograd.Size([2, 1, 2, 1]))
        """
        if dim is None or isinstance(dim, int):
            return self._squeeze(dim)
        from .structure import wrap_dim

        dims = {wrap_dim(d, self.ndim, "squeeze") for d in dim}
        return self.reshape([s for i, s in enumerate(self.shape) if i not in dims or s != 1])

    def transpose(self, dim0: int, dim1: int):
        """Returns a view with dimensions ``dim0`` and ``dim1`` swapped.

        Args:
            dim0: the first dimension.
            dim1: the second dimension.

        Examples:
            >>> import ferrograd
            >>> x = ferrograd.tensor([[1, 2, 3], [4, 5, 6]])
            >>> x.transpose(0, 1)
            tensor([[1, 4],
                    [2, 5],
                    [3, 6]])
        """
        return self._transpose(dim0, dim1)

    swapaxes = transpose
    swapdims = transpose

    def t(self):
        """Transpose of a matrix (a vector or scalar is returned as it is)."""
        if self.ndim > 2:
            raise ShapeError(f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D")
        return self.transpose(0, 1) if self.ndim == 2 else self

    @property
    def T(self):
        """All dimensions reversed."""
        return self._t_all()

    @property
    def mT(self):
        """The last two dimensions swapped (batched matrix transpose)."""
        return self.transpose(-2, -1)

    @variadic_signature
    def permute(self, *dims, **keyword):
        """Returns a view with the dimensions reordered: dimension ``i`` of the result is dimension
        ``dims[i]`` of this tensor.

        Args:
            *dims: a permutation of the dimensions, as ints or one sequence (or the keyword
                ``dims=``).

        Examples:
            >>> import ferrograd
            >>> ferrograd.zeros(2, 3, 5).permute(2, 0, 1).shape
            ferrograd.Size([5, 2, 3])
        """
        if keyword:
            dims = keyword_sizes(dims, keyword, "dims", "permute")
        return self._permute(_sizes(dims))

    @variadic_signature
    def expand(self, *sizes, **keyword):
        """Returns a view in which dimensions of size 1 are repeated to a larger size, without
        copying (the repeated elements are one element in memory). ``-1`` keeps a dimension's
        size; new leading dimensions may be added.

        Args:
            *sizes: the target shape, as ints or one sequence (or the keyword ``size=``).

        Examples:
            >>> import ferrograd
            >>> x = ferrograd.tensor([[1], [2], [3]])
            >>> x.expand(3, 4)
            tensor([[1, 1, 1, 1],
                    [2, 2, 2, 2],
                    [3, 3, 3, 3]])
        """
        if keyword:
            sizes = keyword_sizes(sizes, keyword, "size", "expand")
        return self._expand(_sizes(sizes))

    def expand_as(self, other):
        return self.expand(other.shape)

    def broadcast_to(self, shape):
        return self.expand(shape)

    def contiguous(self, memory_format=None):
        """``self`` when its elements are in row-major order without gaps, else a copy that is."""
        return self._contiguous()

    def is_contiguous(self, memory_format=None) -> bool:
        return self._is_contiguous()

    def stride(self, dim=None):
        """The step in elements between neighbours along each dimension (or along ``dim``)."""
        strides = tuple(self._strides)
        if dim is None:
            return strides
        if not -len(strides) <= dim < max(len(strides), 1):
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{-len(strides)}, "
                f"{len(strides) - 1}], but got {dim})"
            )
        return strides[dim]

    def storage_offset(self) -> int:
        """Where the first element sits in the storage, in elements."""
        return self._storage_offset

    def data_ptr(self) -> int:
        """The address of the first element (0 for a device tensor)."""
        return self._memory()[0]

    def is_set_to(self, other) -> bool:
        return (
            self._memory() == other._memory()
            and self.shape == other.shape
            and self.stride() == other.stride()
        )

    def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1):
        """The diagonal of ``dim1`` and ``dim2`` as a view (a new last dimension)."""
        return self._diagonal(offset, dim1, dim2)

    def unfold(self, dimension: int, size: int, step: int):
        """Every window of ``size`` along ``dimension``, ``step`` apart, as a view."""
        if size < 0 or step < 0:
            raise RuntimeError(f"unfold: size ({size}) and step ({step}) must be non-negative")
        return self._unfold(dimension, size, step)

    def as_strided(self, size, stride, storage_offset=None):
        """A view of this tensor's storage with the given sizes, strides and offset."""
        if any(s < 0 for s in size):
            raise RuntimeError(f"as_strided: negative size in {tuple(size)}")
        return self._as_strided(list(size), list(stride), storage_offset)

    def movedim(self, source, destination):
        """Dimensions moved from ``source`` to ``destination`` (a view)."""
        ndim = self.ndim
        src = [source] if isinstance(source, int) else list(source)
        dst = [destination] if isinstance(destination, int) else list(destination)
        if len(src) != len(dst):
            raise ValueError(
                f"movedim: Invalid source or destination dims: source ({src} dims) should contain "
                f"the same number of dims as destination ({dst} dims)"
            )
        src = [d % max(ndim, 1) for d in src]
        dst = [d % max(ndim, 1) for d in dst]
        if len(set(src)) != len(src) or len(set(dst)) != len(dst):
            raise ValueError("movedim: repeated dim in source or destination")
        order = [None] * ndim
        for s, d in zip(src, dst, strict=True):
            order[d] = s
        rest = iter(d for d in range(ndim) if d not in src)
        return self.permute([o if o is not None else next(rest) for o in order])

    moveaxis = movedim

    @property
    def real(self):
        """The real part: for a real tensor, the tensor itself (as PyTorch; complex tensors return a
        view of their real parts)."""
        return self

    def _is_view(self) -> bool:
        return self._base is not None
