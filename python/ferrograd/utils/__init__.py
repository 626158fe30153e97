"""Utilities: ``hooks`` (removable hook handles), ``checkpoint`` (recomputation in backward),
``data`` (datasets and loaders)."""

from . import data

__all__ = ["data"]
