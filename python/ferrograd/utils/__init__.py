"""Utilities: ``hooks`` (removable hook handles), ``checkpoint`` (recomputation in backward)."""
