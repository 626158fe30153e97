"""ferrograd: define-by-run automatic differentiation with a Rust engine and a PyTorch-style API.

>>> import ferrograd as fg
>>> x = fg.tensor(1.0, requires_grad=True)
>>> (x * 2).backward()
>>> x.grad
tensor(2.)
"""

# First: glibc's thresholds for large buffers, before any is allocated (_malloc.py).
from . import _malloc  # noqa: F401

# isort: split
# Then importing _threads builds the kernels' thread pool, which must exist before any kernel
# runs (FERROGRAD_NUM_THREADS sizes it).
from . import _threads  # noqa: F401

# isort: split
from . import (
    _core,
    _function_docs,
    _functional,
    _meta,  # noqa: F401 - registers the meta device's kernel table
    _numpy_keywords,
    _ops_aliases,
    _ops_attributes,
    _ops_complex,
    _ops_config,
    _ops_creation_extra,
    _ops_dtypes,
    _ops_math_extra,
    _ops_nn_aliases,
    _ops_numeric,
    _ops_scan,
    _ops_scatter,
    _ops_shape_extra,
    _ops_sorting,
    _ops_sparse,
    _ops_statistics,
    _surface,
    _tensor_docs,
    _tensor_functions,
    accelerator,
    amp,
    autograd,
    backends,
    compiler,
    cuda,
    distributions,
    fft,
    func,
    jit,
    linalg,
    multiprocessing,
    nn,
    onnx,
    optim,
    overrides,
    profiler,
    random,
    return_types,
    serialization,
    sparse,
    special,
    storage,
    testing,
    utils,
)
from ._broadcast import broadcast_shapes, broadcast_tensors
from ._complex import complex, polar, view_as_complex, view_as_real
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
    bfloat16,
    bool_,
    complex64,
    complex128,
    dtype,
    float16,
    float32,
    float64,
    get_default_dtype,
    int8,
    int16,
    int32,
    int64,
    set_default_dtype,
    uint8,
)
from ._errors import OutOfMemoryError, ShapeError
from ._functional import *  # noqa: F403 - the module-level forms of tensor methods
from ._legacy import (
    BFloat16Tensor,
    BoolTensor,
    ByteTensor,
    CharTensor,
    DoubleTensor,
    FloatTensor,
    HalfTensor,
    IntTensor,
    LongTensor,
    ShortTensor,
)
from ._mixins.repr import set_printoptions
from ._ops_aliases import *  # noqa: F403 - bitwise shifts, rsub, fill
from ._ops_attributes import *  # noqa: F403 - finfo, iinfo, layouts, memory formats, e, pi, ...
from ._ops_complex import *  # noqa: F403 - real, imag, conj, ...
from ._ops_config import *  # noqa: F403 - use_deterministic_algorithms, ...
from ._ops_creation_extra import *  # noqa: F403 - empty_strided, logspace, windows, ...
from ._ops_dtypes import *  # noqa: F403 - promote_types, result_type, can_cast
from ._ops_math_extra import *  # noqa: F403 - asin, hypot, xlogy, diff, ...
from ._ops_nn_aliases import *  # noqa: F403 - conv2d, max_pool2d, layer_norm, dropout, ...
from ._ops_numeric import *  # noqa: F403 - dist, inner, trapezoid, gradient, isin, ...
from ._ops_scan import *  # noqa: F403 - cumsum, cumprod, logcumsumexp, cummax, cummin
from ._ops_scatter import *  # noqa: F403 - scatter, scatter_reduce, index_put, take, ...
from ._ops_shape_extra import *  # noqa: F403 - tensor_split, dstack, atleast_2d, rot90, ...
from ._ops_sorting import *  # noqa: F403 - median, quantile, unique, ...
from ._ops_sparse import *  # noqa: F403 - sparse_coo_tensor, spmm
from ._ops_statistics import *  # noqa: F403 - aminmax, cov, histc, bincount, ...
from ._random import (
    Generator,
    bernoulli,
    default_generator,
    get_rng_state,
    initial_seed,
    normal,
    poisson,
    seed,
    set_rng_state,
)
from ._size import Size
from ._spectral import istft, stft
from ._surface import *  # noqa: F403 - einsum, meshgrid, multinomial, ...
from ._tensor import Tensor
from ._tensor_functions import *  # noqa: F403 - cat, stack, gather, softmax, ...
from ._threads import (
    get_num_interop_threads,
    get_num_threads,
    set_num_interop_threads,
    set_num_threads,
)
from .amp import autocast, is_autocast_enabled
from .autograd import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .compiler import compile
from .func import vmap
from .linalg._aliases import *  # noqa: F403 - torch.inverse, torch.svd, ... (older linalg names)
from .serialization import load, save
from .special import (
    digamma,
    erfc,
    erfc_,
    erfinv,
    gammainc as igamma,
    gammaincc as igammac,
    gammaln as lgamma,
    i0,
    i0_,
    logit,
    multigammaln as mvlgamma,
    polygamma,
    xlogy,
)
from .storage import TypedStorage, UntypedStorage, is_storage

# PyTorch's short names for dtypes (they shadow builtins only inside this namespace).
float = float32
double = float64
half = float16
long = int64
int = int32
short = int16
bool = bool_
cfloat = complex64
cdouble = complex128

__version__: str = _core.__version__  # the Cargo workspace's version, built in
from . import distributed, version  # noqa: E402 - version reads __version__
from .autograd import profiler as _autograd_profiler  # noqa: E402,F401 - autograd.profiler

# The public names: what ``from ferrograd import *`` binds (the same names it bound before there
# was a list, the dtype short names included) and what linters treat as re-exported.
__all__ = [
    "BFloat16Tensor",
    "BoolTensor",
    "ByteTensor",
    "CharTensor",
    "DoubleTensor",
    "FloatTensor",
    "Generator",
    "HalfTensor",
    "IntTensor",
    "LongTensor",
    "OutOfMemoryError",
    "ShapeError",
    "ShortTensor",
    "Size",
    "Tensor",
    "arange",
    "as_tensor",
    "autograd",
    "bernoulli",
    "bool",
    "bool_",
    "broadcast_shapes",
    "broadcast_tensors",
    "compile",
    "compiler",
    "cuda",
    "default_generator",
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
    "func",
    "get_default_device",
    "get_default_dtype",
    "get_num_interop_threads",
    "get_num_threads",
    "get_rng_state",
    "inference_mode",
    "initial_seed",
    "int",
    "int32",
    "int64",
    "is_grad_enabled",
    "is_inference_mode_enabled",
    "jit",
    "linspace",
    "load",
    "long",
    "manual_seed",
    "nn",
    "no_grad",
    "normal",
    "ones",
    "ones_like",
    "optim",
    "overrides",
    "poisson",
    "profiler",
    "rand",
    "rand_like",
    "randint",
    "randint_like",
    "randn",
    "randn_like",
    "random",
    "return_types",
    "save",
    "seed",
    "serialization",
    "set_default_device",
    "set_default_dtype",
    "set_grad_enabled",
    "set_num_interop_threads",
    "set_num_threads",
    "set_printoptions",
    "set_rng_state",
    "tensor",
    "testing",
    "utils",
    "vmap",
    "zeros",
    "zeros_like",
]
__all__ += [
    "digamma",
    "erfc",
    "erfc_",
    "erfinv",
    "i0",
    "i0_",
    "igamma",
    "igammac",
    "lgamma",
    "logit",
    "mvlgamma",
    "polygamma",
]
__all__ += ["distributions", "onnx", "sparse", "special", "xlogy"]
__all__ += ["accelerator", "amp", "autocast", "backends", "distributed", "version"]
__all__ += ["is_autocast_enabled"]
__all__ += ["bfloat16", "float16", "half", "int8", "int16", "short", "uint8"]
__all__ += ["cdouble", "cfloat", "complex", "complex64", "complex128", "polar"]
__all__ += ["istft", "stft", "view_as_complex", "view_as_real"]
__all__ += _functional.__all__
__all__ += _ops_aliases.__all__
__all__ += _ops_attributes.__all__
__all__ += _ops_complex.__all__
__all__ += _ops_config.__all__
__all__ += _ops_creation_extra.__all__
__all__ += _ops_dtypes.__all__
__all__ += _ops_math_extra.__all__
__all__ += _ops_nn_aliases.__all__
__all__ += _ops_numeric.__all__
__all__ += _ops_scan.__all__
__all__ += _ops_scatter.__all__
__all__ += _ops_shape_extra.__all__
__all__ += _ops_sorting.__all__
__all__ += _ops_sparse.__all__
__all__ += _ops_statistics.__all__
__all__ += _surface.__all__
__all__ += _tensor_functions.__all__
__all__ += ["fft", "linalg"]
__all__ += ["TypedStorage", "UntypedStorage", "is_storage", "multiprocessing", "storage"]
__all__ += linalg._aliases.__all__

# Before the NumPy keywords' wrappers, which copy the signatures.
_tensor_docs.complete(Tensor)  # before the function forms copy the docstrings
_functional.adopt_method_signatures(Tensor)
_function_docs.complete(globals())
# torch.cat(xs, axis=0), torch.sum(x, keepdims=True); F's functions that are torch's stay so
_numpy_keywords.install_in_namespace(globals(), also=[nn.functional])

# after the keyword wrappers, so the protocol's wrappers are the public functions
overrides.install_namespaces()  # the __torch_function__ protocol on the public functions
