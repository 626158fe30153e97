"""ferrograd: define-by-run automatic differentiation with a Rust engine and a PyTorch-style API.

>>> import ferrograd as fg
>>> x = fg.tensor(1.0, requires_grad=True)
>>> (x * 2).backward()
>>> x.grad
tensor(2.)
"""

import threading as _threading

from . import _core

if _threading.current_thread() is _threading.main_thread():
    _core.join_thread_pool()  # the importing thread works in the kernels' pool (see threads.rs)

from . import (
    _functional,
    _surface,
    _tensor_functions,
    autograd,
    cuda,
    nn,
    optim,
    serialization,
    utils,
)
from ._creation import (
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    manual_seed,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    tensor,
    zeros,
    zeros_like,
)
from ._device import device, get_default_device, set_default_device
from ._dlpack import from_dlpack
from ._dtype import (
    bool_,
    dtype,
    float32,
    float64,
    get_default_dtype,
    int32,
    int64,
    set_default_dtype,
)
from ._errors import OutOfMemoryError, ShapeError
from ._functional import *  # noqa: F403 - the module-level forms of tensor methods
from ._legacy import (
    BoolTensor,
    ByteTensor,
    DoubleTensor,
    FloatTensor,
    IntTensor,
    LongTensor,
)
from ._size import Size
from ._surface import *  # noqa: F403 - einsum, meshgrid, multinomial, ...
from ._tensor import Tensor
from ._tensor_functions import *  # noqa: F403 - cat, stack, gather, softmax, ...
from .autograd import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .serialization import load, save
from .utils.data.generator import Generator

# PyTorch's short names for dtypes (they shadow builtins only inside this namespace).
float = float32
double = float64
long = int64
int = int32
bool = bool_

__version__ = "0.1.0"

# The public names: what ``from ferrograd import *`` binds (the same names it bound before there
# was a list, the dtype short names included) and what linters treat as re-exported.
__all__ = [
    "BoolTensor",
    "ByteTensor",
    "DoubleTensor",
    "FloatTensor",
    "Generator",
    "IntTensor",
    "LongTensor",
    "OutOfMemoryError",
    "ShapeError",
    "Size",
    "Tensor",
    "arange",
    "as_tensor",
    "autograd",
    "bool",
    "bool_",
    "cuda",
    "device",
    "double",
    "dtype",
    "empty",
    "empty_like",
    "enable_grad",
    "eye",
    "float",
    "float32",
    "float64",
    "from_dlpack",
    "from_numpy",
    "full",
    "full_like",
    "get_default_device",
    "get_default_dtype",
    "inference_mode",
    "int",
    "int32",
    "int64",
    "is_grad_enabled",
    "is_inference_mode_enabled",
    "linspace",
    "load",
    "long",
    "manual_seed",
    "nn",
    "no_grad",
    "ones",
    "ones_like",
    "optim",
    "rand",
    "rand_like",
    "randint",
    "randint_like",
    "randn",
    "randn_like",
    "save",
    "serialization",
    "set_default_device",
    "set_default_dtype",
    "set_grad_enabled",
    "tensor",
    "utils",
    "zeros",
    "zeros_like",
]
__all__ += _functional.__all__
__all__ += _surface.__all__
__all__ += _tensor_functions.__all__
