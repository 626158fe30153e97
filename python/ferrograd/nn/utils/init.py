"""``skip_init``: a module whose parameters and buffers are left uninitialized."""

from __future__ import annotations

__all__ = ["skip_init"]


def skip_init(module_cls, *args, **kwargs):
    """``module_cls(*args, **kwargs)`` with parameters and buffers holding unspecified values.
    ferrograd has no meta device to build on, so the module is built normally and its tensors
    are then replaced by uninitialized ones (``to_empty``); the initialization runs anyway."""
    if "device" not in module_cls.__init__.__code__.co_varnames:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    device = kwargs.pop("device", "cpu")
    return module_cls(*args, **kwargs).to_empty(device=device)
