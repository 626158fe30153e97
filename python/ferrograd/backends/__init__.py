"""``torch.backends``: switches for the vendor libraries PyTorch can use (cuDNN, MPS, TF32 matmul).

ferrograd uses none of those libraries: its CPU kernels are its own and its GPU kernels are
CuPy's. The flags exist so that programs which set them (``torch.backends.cudnn.benchmark =
True``, a ``set_seed`` helper setting ``cudnn.deterministic``) run unchanged; they hold what is set
and change nothing, and the ``is_available()`` queries say truthfully that the library is absent.
"""

from . import cuda, cudnn, mps

__all__ = ["cuda", "cudnn", "mps"]
