"""Exception classes of the engine that Python has no single built-in for."""


class ShapeError(ValueError, RuntimeError):
    """Operands whose shapes do not fit together (broadcasting, matmul, view, cat, ...).

    PyTorch raises ``RuntimeError`` for these, and NumPy ``ValueError``: this class is both, so
    ``except RuntimeError`` in code ported from PyTorch and ``except ValueError`` both catch it."""
