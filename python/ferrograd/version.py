"""``torch.version``: the package version and the toolkits it was built against. ferrograd is not
compiled against CUDA or ROCm (its GPU path runs CuPy's kernels when CuPy is installed), so
``cuda`` and ``hip`` are None, as in a CPU build of PyTorch."""

from . import __version__

cuda = None
hip = None
debug = False

__all__ = ["__version__", "cuda", "debug", "hip"]
