"""``torch.backends.cudnn``: ferrograd does not use cuDNN, so ``is_available()`` is false and the
flags (``enabled``, ``benchmark``, ``deterministic``, ``allow_tf32``) only keep what a program sets,
with PyTorch's defaults."""

__all__ = ["allow_tf32", "benchmark", "deterministic", "enabled", "is_available", "version"]

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available() -> bool:
    """False: ferrograd has no cuDNN kernels."""
    return False


def version():
    """None, as PyTorch answers when cuDNN is not available."""
    return None
