"""The learning-rate schedules behind ``ferrograd.optim.lr_scheduler``: ``base`` (the
``LRScheduler`` base), ``decay`` (factor-per-epoch schedules), ``cyclic`` (cyclic, one-cycle,
warm restarts), ``composite`` (sequential and chained), ``plateau`` (``ReduceLROnPlateau``)."""

__all__: list[str] = []
