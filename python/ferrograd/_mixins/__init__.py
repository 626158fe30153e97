"""The features of ``Tensor``, one per module. Each mixin relies only on the engine methods
(``self._...``) that ``Tensor`` inherits from ``_core.TensorImpl`` through ``ferrograd._base``."""

from .arithmetic import ArithmeticMixin
from .autograd import AutogradMixin
from .comparison import ComparisonMixin
from .conversion import ConversionMixin
from .device import DeviceMixin
from .indexing import IndexingMixin
from .joining import JoiningMixin
from .logical import LogicalMixin
from .math import MathMixin
from .overrides import TorchFunctionMixin
from .products import ProductsMixin
from .reduction import ReductionMixin
from .repr import ReprMixin
from .sampling import SamplingMixin
from .selection import SelectionMixin
from .shape import ShapeMixin
from .special import SpecialMixin
from .statistics import StatisticsMixin
from .structure import StructureMixin

__all__ = [
    "ArithmeticMixin",
    "AutogradMixin",
    "ComparisonMixin",
    "ConversionMixin",
    "DeviceMixin",
    "IndexingMixin",
    "JoiningMixin",
    "LogicalMixin",
    "MathMixin",
    "ProductsMixin",
    "ReductionMixin",
    "ReprMixin",
    "SamplingMixin",
    "SelectionMixin",
    "ShapeMixin",
    "SpecialMixin",
    "StatisticsMixin",
    "StructureMixin",
    "TorchFunctionMixin",
]
