"""Exception classes of the engine that Python has no single built-in for."""


class ShapeError(ValueError, RuntimeError):
    """Operands whose shapes do not fit together (broadcasting, matmul, view, cat, ...).

    PyTorch raises ``RuntimeError`` for these, and NumPy ``ValueError``: this class is both, so
    ``except RuntimeError`` in code ported from PyTorch and ``except ValueError`` both catch it."""


class OutOfMemoryError(MemoryError, RuntimeError):
    """Memory for a tensor's elements could not be allocated.

    PyTorch raises ``RuntimeError`` ("DefaultCPUAllocator: can't allocate memory") and Python
    ``MemoryError``: this class is both. The process stays usable after it."""
