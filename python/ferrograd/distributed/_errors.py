"""The exception classes of ``torch.distributed``: all are ``RuntimeError`` subclasses, so code
that catches ``RuntimeError`` around a collective keeps working."""

__all__ = ["DistBackendError", "DistError", "DistNetworkError", "DistStoreError"]


class DistError(RuntimeError):
    """An error of the distributed package."""


class DistBackendError(DistError):
    """The communication backend failed: a collective timed out, a rank stopped answering, MPI
    reported an error."""


class DistNetworkError(DistError):
    """A network error (kept for PyTorch's name; the MPI backend reports through
    ``DistBackendError``)."""


class DistStoreError(DistError):
    """A key-value store error (kept for PyTorch's name; the MPI backend uses no store)."""
