"""Complex tensors (``complex64``/``complex128``) held as real tensors of their parts; see
``_tensor``."""

from ._functions import (
    complex,
    polar,
    real_method_with_complex,
    real_with_complex_number,
    view_as_complex,
    view_as_real,
)
from ._tensor import ComplexTensor

__all__ = [
    "ComplexTensor",
    "complex",
    "polar",
    "real_method_with_complex",
    "real_with_complex_number",
    "view_as_complex",
    "view_as_real",
]
