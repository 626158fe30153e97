"""Utilities: ``hooks`` (removable hook handles), ``checkpoint`` (recomputation in backward),
``data`` (datasets and loaders)."""

from . import checkpoint, data

__all__ = ["checkpoint", "data"]
