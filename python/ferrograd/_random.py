"""Random numbers: ``Generator`` objects, the default generator behind every sampler, and the
sampling functions that are not tensor methods (``rand``, ``randn``, ``randint``, ``bernoulli``,
``normal``, ``poisson``).

Every generator is a NumPy ``PCG64`` bit generator: its whole state is two 128-bit integers and a
cached 32-bit half word, so ``get_state`` can export it exactly (as a byte tensor) and
``set_state`` restore it, which the engine's own generator (a ChaCha ``StdRng`` in Rust) cannot.
Samples are drawn on the host in the target dtype where NumPy has it, then wrapped as tensors
and moved to the requested device. The streams differ from PyTorch's (same seed, other numbers);
the distributions are the same.
"""

from __future__ import annotations

import math
import operator
import os
import struct
import sys

import numpy as np

from . import _core, _dtype, _meta
from ._base import TensorBase
from ._broadcast import common_shape
from ._device import device as _device, get_default_device
from ._dtype import get_default_dtype, kernel_not_implemented, to_dtype
from ._errors import OutOfMemoryError, ShapeError
from ._mixins.shape import _sizes

# PyTorch's default seed: a fresh generator and the default generator at start-up use it.
DEFAULT_SEED = 67280421310721
_UINT64 = 1 << 64

# The exported state: a tag, PCG64's state and increment, its cached half word, the seed.
_STATE_LAYOUT = struct.Struct("<4s16s16sIIQ")
_STATE_TAG = b"FGR1"


def _seed_value(seed, strict: bool) -> int:
    """A seed as the unsigned 64-bit number PyTorch keeps (negative seeds wrap around)."""
    if isinstance(seed, TensorBase):
        seed = seed.item()
    if strict and not isinstance(seed, (int, np.integer)):
        raise RuntimeError(f"manual_seed expected a long, but got {type(seed).__name__}")
    seed = int(seed)
    if not -(1 << 63) <= seed < _UINT64:
        raise ValueError("Overflow when unpacking long long")
    return seed % _UINT64


def _state_dtype():
    """The dtype of exported states: uint8, as in PyTorch."""
    return _dtype.uint8


class Generator:
    """A source of random numbers with its own state (``torch.Generator``): seed it with
    ``manual_seed`` and pass it as ``generator=`` to a sampler for a reproducible stream
    independent of the global one."""

    def __init__(self, device: str | _device = "cpu") -> None:
        self.device = _device(device)
        self.manual_seed(DEFAULT_SEED)

    def manual_seed(self, seed: int) -> Generator:
        """Restarts the stream from ``seed`` (an integer; negative seeds wrap modulo 2**64)."""
        self._initial_seed = _seed_value(seed, strict=True)
        self._rng = np.random.Generator(np.random.PCG64(self._initial_seed))
        return self

    def seed(self) -> int:
        """Seeds from the operating system's entropy and returns the seed used."""
        fresh = int.from_bytes(os.urandom(8), "little")
        self.manual_seed(fresh)
        return fresh

    def initial_seed(self) -> int:
        """The seed given to the last ``manual_seed`` or ``seed``."""
        return self._initial_seed

    def get_state(self):
        """The state as a 1-D byte tensor; ``set_state`` of it resumes the stream exactly."""
        pcg = self._rng.bit_generator.state
        packed = _STATE_LAYOUT.pack(
            _STATE_TAG,
            pcg["state"]["state"].to_bytes(16, "little"),
            pcg["state"]["inc"].to_bytes(16, "little"),
            pcg["has_uint32"],
            pcg["uinteger"],
            self._initial_seed,
        )
        array = np.frombuffer(packed, dtype=np.uint8).astype(_state_dtype().numpy)
        return _core.from_numpy(array, False)

    def set_state(self, new_state) -> Generator:
        """Restores a state made by ``get_state`` (of any generator)."""
        if not isinstance(new_state, TensorBase):
            raise TypeError(f"expected a torch.ByteTensor, but got {type(new_state).__name__}")
        if new_state.dtype != _state_dtype():
            raise TypeError("RNG state must be a torch.ByteTensor")
        data = new_state.detach().cpu().numpy().reshape(-1)
        if data.size != _STATE_LAYOUT.size:
            raise RuntimeError(
                f"Expected a generator state of size {_STATE_LAYOUT.size} but found the input "
                f"RNG state size to be {data.size}"
            )
        tag, state, inc, has_uint32, uinteger, seed = _STATE_LAYOUT.unpack(
            data.astype(np.uint8).tobytes()
        )
        if tag != _STATE_TAG or has_uint32 > 1 or not int.from_bytes(inc, "little") & 1:
            raise RuntimeError("RNG state is not a state made by Generator.get_state")
        bits = np.random.PCG64()
        bits.state = {
            "bit_generator": "PCG64",
            "state": {
                "state": int.from_bytes(state, "little"),
                "inc": int.from_bytes(inc, "little"),
            },
            "has_uint32": has_uint32,
            "uinteger": uinteger,
        }
        self._rng = np.random.Generator(bits)
        self._initial_seed = seed
        return self

    def permutation(self, n: int) -> np.ndarray:
        """A permutation of ``range(n)`` as a NumPy array (a ferrograd extra that the data
        samplers use; ``randperm(n, generator=g)`` is the PyTorch way)."""
        return self._rng.permutation(n)

    def clone_state(self) -> Generator:
        """A new generator at this one's state."""
        twin = Generator(self.device)
        return twin.set_state(self.get_state())

    def __getstate__(self):
        return {"device": str(self.device), "state": bytes(self._state_bytes())}

    def __setstate__(self, saved):
        self.device = _device(saved["device"])
        array = np.frombuffer(saved["state"], dtype=np.uint8).astype(_state_dtype().numpy)
        self.set_state(_core.from_numpy(array, False))

    def _state_bytes(self) -> np.ndarray:
        return self.get_state().numpy().astype(np.uint8)

    def __repr__(self) -> str:
        return f"<ferrograd.Generator device={self.device}>"


default_generator = Generator()


def numpy_rng(generator=None) -> np.random.Generator:
    """The NumPy generator behind ``generator`` (the default generator when None)."""
    if generator is None:
        return default_generator._rng
    if not isinstance(generator, Generator):
        raise TypeError(f"generator must be a ferrograd.Generator, not {type(generator).__name__}")
    return generator._rng


# ----------------------------------------------------------------------------- global state


def manual_seed(seed) -> Generator:
    """Seeds the default generator (behind ``rand``, ``randn``, dropout, shuffling, ...) and
    returns it."""
    default_generator.manual_seed(_seed_value(seed, strict=False))
    # The engine's own generator serves Rust callers; keep it seeded alike.
    _core.manual_seed(default_generator.initial_seed())
    return default_generator


def seed() -> int:
    """Seeds the default generator from the operating system's entropy; returns the seed."""
    fresh = default_generator.seed()
    _core.manual_seed(fresh)
    return fresh


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state():
    """The default generator's state (a byte tensor)."""
    return default_generator.get_state()


def set_rng_state(new_state) -> None:
    default_generator.set_state(new_state)


# ----------------------------------------------------------------------------- samples


# NumPy dtypes that become tensors without a conversion.
_NATIVE = frozenset(np.dtype(n) for n in ("float32", "float64", "int64", "int32", "bool"))


def samples_as_tensor(array: np.ndarray, dtype, device=None, requires_grad: bool = False):
    """Host samples as a tensor of ``dtype`` on ``device`` (the default device when None)."""
    dtype = to_dtype(dtype)
    try:
        array = np.asarray(array, order="C")  # a 0-d draw may come as a NumPy scalar
        if array.dtype not in _NATIVE:
            array = array.astype(np.float64)
        # The draws are fresh arrays nothing else holds: the tensor takes their memory.
        out = _core.from_numpy(np.require(array, requirements=("C", "W")), True)
        if out.dtype != dtype:
            out = out.to(dtype)
    except MemoryError:
        raise _out_of_memory(np.shape(array)) from None
    target = get_default_device() if device is None else _device(device)
    if target.type != "cpu":
        out = out.to(target)
    if requires_grad:
        out.requires_grad_(True)
    return out


def _float_dtype(dtype, kernel: str):
    """``dtype`` (the default float when None), which must be a floating type."""
    dtype = get_default_dtype() if dtype is None else to_dtype(dtype)
    if not dtype.is_floating_point:
        raise kernel_not_implemented(f"{kernel}", dtype)
    return dtype


def host_float(dtype) -> type:
    """The NumPy float type to draw samples of ``dtype`` in (float32 serves narrower floats)."""
    return np.float64 if dtype.itemsize >= 8 else np.float32


def checked_shape(shape, itemsize: int = 8) -> tuple:
    """``shape`` as a tuple after the engine's checks: no negative size (ShapeError, as
    PyTorch's RuntimeError), and a size in bytes that memory can address."""
    shape = tuple(shape)
    for size in shape:
        if size < 0:
            raise ShapeError(
                f"Trying to create tensor with negative dimension {size}: {list(shape)}"
            )
    if math.prod(shape) * max(itemsize, 1) > sys.maxsize:
        raise ShapeError(f"Storage size calculation overflowed with sizes={list(shape)}")
    return shape


def _out_of_memory(shape, itemsize: int = 8) -> OutOfMemoryError:
    """NumPy running out of memory for ``shape``, reported as the engine reports it (an
    ``OutOfMemoryError``, which is both MemoryError and RuntimeError)."""
    bytes_asked = math.prod(shape) * itemsize
    return OutOfMemoryError(f"can't allocate memory: you tried to allocate {bytes_asked} bytes")


def draw(sampler, shape, dtype=None, **kwargs) -> np.ndarray:
    """``sampler(size=shape, **kwargs)`` (a method of a NumPy generator) after the shape
    checks, with running out of memory reported as the engine does."""
    shape = checked_shape(shape)
    if dtype is not None:
        kwargs["dtype"] = dtype
    try:
        return sampler(size=shape, **kwargs)
    except MemoryError:
        raise _out_of_memory(shape) from None


def uniform_samples(shape, dtype, generator=None) -> np.ndarray:
    return draw(numpy_rng(generator).random, shape, host_float(dtype))


def normal_samples(shape, dtype, generator=None) -> np.ndarray:
    return draw(numpy_rng(generator).standard_normal, shape, host_float(dtype))


def rand(shape, dtype=None, device=None, requires_grad: bool = False, generator=None):
    """Uniform samples on [0, 1) of the given shape."""
    dtype = _float_dtype(dtype, "check_uniform_bounds")
    if _meta.requested(device):
        return _meta.empty(checked_shape(shape), dtype.name, requires_grad)
    return samples_as_tensor(uniform_samples(shape, dtype, generator), dtype, device, requires_grad)


def randn(shape, dtype=None, device=None, requires_grad: bool = False, generator=None):
    """Standard normal samples of the given shape."""
    dtype = _float_dtype(dtype, "normal_kernel_cpu")
    if _meta.requested(device):
        return _meta.empty(checked_shape(shape), dtype.name, requires_grad)
    return samples_as_tensor(normal_samples(shape, dtype, generator), dtype, device, requires_grad)


def integer_samples(low: int, high: int, shape, generator=None) -> np.ndarray:
    """Integers uniform on ``[low, high)``."""
    return draw(numpy_rng(generator).integers, shape, np.int64, low=low, high=high)


def randint(
    low: int, high: int, shape, dtype=None, device=None, requires_grad=False, generator=None
):
    """Integers uniform on ``[low, high)`` (int64 unless ``dtype`` says otherwise)."""
    low, high = operator.index(low), operator.index(high)
    if low >= high:
        raise RuntimeError(
            f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
        )
    dtype = _dtype.int64 if dtype is None else to_dtype(dtype)
    if requires_grad and not dtype.is_floating_point:
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    if _meta.requested(device):
        return _meta.empty(checked_shape(shape), dtype.name, requires_grad)
    samples = integer_samples(low, high, shape, generator)
    return samples_as_tensor(samples, dtype, device, requires_grad)


def write_out(result, out):
    """``result`` written into ``out`` (when given) for the ``out=`` forms."""
    if out is None:
        return result
    if not isinstance(out, TensorBase):
        raise TypeError(f"argument 'out' must be Tensor, not {type(out).__name__}")
    if tuple(out.shape) != tuple(result.shape):
        raise RuntimeError(
            f"out= has shape {list(out.shape)} but the result has shape {list(result.shape)}; "
            "ferrograd does not resize out= tensors"
        )
    return out.copy_(result)


def _sample_node(name: str):
    """A Function class that returns given samples and passes zero gradients to the tensors
    they were drawn from, as PyTorch's sampling ops do (a sample is not a differentiable
    function of its parameters there; reparameterisation is the caller's business)."""
    from .autograd.function import Function

    def forward(ctx, samples, *params):
        ctx.params_meta = [(tuple(p.shape), p.dtype, p.device) for p in params]
        return samples

    def backward(ctx, grad):
        from ._creation import zeros

        return (None, *(zeros(s, dtype=d, device=v) for s, d, v in ctx.params_meta))

    return type(
        name, (Function,), {"forward": staticmethod(forward), "backward": staticmethod(backward)}
    )


_SAMPLE_NODES: dict = {}


def attach_parameters(samples, name: str, *params):
    """``samples`` as the output of a ``NAMEBackward`` node of ``params`` when any of them
    requires grad (its gradient is zero), else unchanged."""
    from .autograd.grad_mode import is_grad_enabled

    tracked = [p for p in params if isinstance(p, TensorBase) and p.requires_grad]
    if not tracked or not is_grad_enabled():
        return samples
    node = _SAMPLE_NODES.get(name) or _SAMPLE_NODES.setdefault(name, _sample_node(name))
    return node.apply(samples, *tracked)


def _probabilities(p, op: str) -> np.ndarray:
    values = p.detach().cpu().numpy()
    if not ((values >= 0) & (values <= 1)).all():
        raise RuntimeError(f"{op}: expected every probability p to satisfy 0 <= p <= 1")
    return values


def _check_probability(p: float, op: str) -> float:
    p = float(p)
    if not 0.0 <= p <= 1.0:
        raise RuntimeError(f"{op} expects p to be in [0, 1], but got p={p:g}")
    return p


def bernoulli_values(shape, p, dtype, generator=None) -> np.ndarray:
    """True/False draws, True with probability ``p`` (a number or an array broadcast to
    ``shape``); the uniform draws are in the target's precision, as PyTorch's kernels draw."""
    return uniform_samples(shape, to_dtype(dtype), generator) < p


def bernoulli(input, p=None, *, generator=None, out=None):
    """0/1 samples: element ``i`` is 1 with probability ``input[i]`` (or with probability ``p``
    for every element when ``p`` is given, ``input`` then giving only shape and dtype)."""
    if not isinstance(input, TensorBase):
        raise TypeError(f"bernoulli(): argument 'input' must be Tensor, not {type(input).__name__}")
    if p is None:
        if not input.is_floating_point():
            raise kernel_not_implemented("bernoulli_tensor_cpu_p_", input.dtype)
        probs = _probabilities(input, "bernoulli")
    else:
        probs = _check_probability(p, "bernoulli_")
    values = bernoulli_values(input.shape, probs, input.dtype, generator)
    result = samples_as_tensor(values, input.dtype, input.device)
    return write_out(attach_parameters(result, "Bernoulli", input), out)


def _check_std(std) -> None:
    if isinstance(std, TensorBase):
        if not (std.detach().cpu().numpy() >= 0).all():
            raise RuntimeError("normal expects all elements of std >= 0.0")
    elif not float(std) >= 0.0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {float(std):g}")


def _check_float_tensor(t) -> None:
    if not t.is_floating_point():
        raise kernel_not_implemented("normal_kernel_cpu", t.dtype)


def normal(
    mean,
    std=1.0,
    size=None,
    *,
    generator=None,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    pin_memory: bool = False,
    requires_grad: bool = False,
):
    """Normal samples of mean ``mean`` and standard deviation ``std``: two tensors (broadcast
    together), a tensor and a number, or two numbers and a ``size``. The result has the
    tensors' (widest) dtype; it passes zero gradients to tensor arguments, as PyTorch's does."""
    tensors = [t for t in (mean, std) if isinstance(t, TensorBase)]
    _check_std(std)
    if not tensors:
        if size is None:
            raise TypeError(
                "normal() received an invalid combination of arguments: a float mean and a "
                "float std need a size"
            )
        dtype = _float_dtype(dtype, "normal_kernel_cpu")
        values = normal_samples(_sizes((size,)), dtype, generator) * float(std) + float(mean)
        result = samples_as_tensor(values, dtype, device, requires_grad)
        return write_out(result, out)
    if size is not None:
        raise TypeError("normal(): size is only accepted with a float mean and a float std")
    for t in tensors:
        _check_float_tensor(t)
    result_dtype = max((t.dtype for t in tensors), key=lambda d: d.itemsize)
    means, stds = (
        t.detach().cpu().numpy() if isinstance(t, TensorBase) else float(t) for t in (mean, std)
    )
    shape = common_shape([np.shape(means), np.shape(stds)], tensor_message=True)
    values = normal_samples(shape, result_dtype, generator) * stds + means
    result = samples_as_tensor(values, result_dtype, tensors[0].device)
    return write_out(attach_parameters(result, "Normal", *tensors), out)


def poisson(input, generator=None):
    """Poisson samples with rates ``input`` (non-negative), in ``input``'s dtype."""
    if not isinstance(input, TensorBase):
        raise TypeError(f"poisson(): argument 'input' must be Tensor, not {type(input).__name__}")
    if not input.is_floating_point():
        raise kernel_not_implemented("poisson_cpu", input.dtype)
    rates = input.detach().cpu().numpy().astype(np.float64)
    if not (rates >= 0).all():
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    # NumPy answers 0-d rates with a Python int, so the draws are made an array again
    values = np.asarray(numpy_rng(generator).poisson(rates), dtype=np.float64)
    result = samples_as_tensor(values, input.dtype, input.device)
    return attach_parameters(result, "Poisson", input)
