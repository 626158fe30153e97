"""``Tensor``: the engine's tensor with Python's operator protocol, assembled from mixins (one
feature each; see ``ferrograd._mixins``)."""

from . import _core
from ._base import TensorBase
from ._mixins import (
    ArithmeticMixin,
    AutogradMixin,
    ComparisonMixin,
    ConversionMixin,
    DeviceMixin,
    IndexingMixin,
    JoiningMixin,
    LogicalMixin,
    MathMixin,
    ProductsMixin,
    ReductionMixin,
    ReprMixin,
    SamplingMixin,
    SelectionMixin,
    ShapeMixin,
    SpecialMixin,
    StatisticsMixin,
    StructureMixin,
    TorchFunctionMixin,
)
from ._numpy_keywords import install_on_class
from ._ops_aliases import AliasesMixin
from ._ops_attributes import AttributesMixin
from ._ops_complex import ComplexSurfaceMixin
from ._ops_creation_extra import CreationMixin
from ._ops_math_extra import MathExtraMixin
from ._ops_numeric import NumericMixin
from ._ops_scan import ScanMixin
from ._ops_scatter import ScatterMixin
from ._ops_shape_extra import ShapeExtraMixin
from ._ops_sorting import SortingMixin
from ._ops_sparse import SparseMixin
from ._ops_statistics import StatisticsExtraMixin
from .linalg._aliases import LinalgMixin
from .storage import StorageMixin


class Tensor(
    TensorBase,
    ArithmeticMixin,
    ComparisonMixin,
    LogicalMixin,
    MathMixin,
    ReductionMixin,
    StatisticsMixin,
    ProductsMixin,
    LinalgMixin,
    StructureMixin,
    ShapeMixin,
    JoiningMixin,
    IndexingMixin,
    SelectionMixin,
    SamplingMixin,
    SpecialMixin,
    AutogradMixin,
    ConversionMixin,
    DeviceMixin,
    ReprMixin,
    MathExtraMixin,
    SortingMixin,
    StatisticsExtraMixin,
    ScanMixin,
    ScatterMixin,
    ShapeExtraMixin,
    NumericMixin,
    CreationMixin,
    AttributesMixin,
    AliasesMixin,
    SparseMixin,
    ComplexSurfaceMixin,
    StorageMixin,
    TorchFunctionMixin,
):
    """A multi-dimensional array that records the operations applied to it, so gradients can
    be computed by ``backward()``. Build tensors with ``ferrograd.tensor``, ``zeros``, ``randn``,
    ...; ``Tensor(data)`` makes a float32 tensor from data, as ``torch.Tensor`` does."""

    # No `__dict__` (PyTorch's tensors have one): CPython 3.11 allocates a declared one with
    # every result, and with a lazy one (a dict slot in TensorImpl) every method call on a
    # tensor took the unspecialised lookup (`_PyObject_GetMethod`, `_PyType_Lookup`: ~50 ns
    # per `z.backward()`). Parameters and buffers, where programs put their tags, have one.
    __slots__ = ("__weakref__",)
    __hash__ = object.__hash__

    def __new__(cls, *args, requires_grad: bool = False):
        from ._creation import empty, tensor

        if len(args) == 1 and not isinstance(args[0], int):
            made = tensor(args[0], dtype="float32", requires_grad=requires_grad)
        else:
            made = empty(*args, requires_grad=requires_grad)
        return _core.TensorImpl.__new__(cls, made)

    def __deepcopy__(self, memo):
        """A new leaf with copied elements, the same ``requires_grad`` and a copy of ``.grad``
        (as PyTorch, leaves only: a non-leaf's copy could not keep its history)."""
        if not self.is_leaf:
            raise RuntimeError(
                "only leaf tensors (created by the user, not by an operation) support copy.deepcopy"
            )
        copy = self.detach().clone()
        memo[id(self)] = copy
        if self.requires_grad:
            copy.requires_grad_(True)
        if self.grad is not None:
            copy.grad = self.grad.detach().clone()
        return copy

    def __reduce__(self):
        raise TypeError(
            "ferrograd tensors are not pickled: use ferrograd.save, which cannot run code when "
            "loading"
        )


_core.register_tensor_type(Tensor)
install_on_class(Tensor)  # axis= / keepdims= as PyTorch's argument parser accepts them
