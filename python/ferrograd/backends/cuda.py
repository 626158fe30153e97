"""``torch.backends.cuda``: whether CUDA support is built in (it is: ``ferrograd.cuda`` runs on CuPy
when CuPy finds a GPU) and the TF32 switch for matrix products. CuPy's products do not use TF32
unless CuPy itself is told to (``CUPY_TF32=1``), so ``matmul.allow_tf32`` only keeps what is set,
with PyTorch's default (False)."""

__all__ = ["is_built", "matmul"]


class _MatmulFlags:
    """``torch.backends.cuda.matmul``: attributes a program may set."""

    def __init__(self):
        self.allow_tf32 = False
        self.allow_fp16_reduced_precision_reduction = True
        self.allow_bf16_reduced_precision_reduction = True


matmul = _MatmulFlags()


def is_built() -> bool:
    return True
