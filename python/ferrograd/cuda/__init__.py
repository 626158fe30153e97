"""CUDA devices. GPU tensors are held by a CuPy backend registered with the engine; without a
GPU or without CuPy, ``is_available()`` is false and moving a tensor to CUDA raises."""

from __future__ import annotations


def is_available() -> bool:
    return False


def device_count() -> int:
    return 0


def move(t, target):
    """``t`` on ``target`` (differentiable)."""
    if target.type == "cuda" and not is_available():
        raise RuntimeError(
            "CUDA is not available: ferrograd found no GPU with CuPy. Install a matching CuPy "
            "(pip install 'ferrograd[cuda12]' or 'ferrograd[cuda13]') on a machine with an NVIDIA GPU."
        )
    raise RuntimeError(f"moving tensors from {t.device} to {target} is not supported")
