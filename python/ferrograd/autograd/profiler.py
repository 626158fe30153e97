"""``ferrograd.autograd.profiler``: the older profiler names, on ``ferrograd.profiler``."""

from __future__ import annotations

from ..profiler import EventList, FunctionEvent, profile as _profile, record_function

__all__ = ["EventList", "FunctionEvent", "profile", "record_function"]


class profile(_profile):
    """``with profile() as prof:`` as in ``torch.autograd.profiler``: ``enabled=False`` records
    nothing; ``use_cuda``/``use_device`` are accepted (ferrograd times CPU calls)."""

    def __init__(self, enabled: bool = True, *, use_cuda: bool = False, record_shapes=False, **kw):
        del use_cuda
        kw.pop("use_device", None)
        super().__init__(record_shapes=record_shapes, **kw)
        self.enabled = enabled

    def __enter__(self):
        if self.enabled:
            self.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.enabled:
            self.stop()
