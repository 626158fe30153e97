"""Stochastic weight averaging, as in ``torch.optim.swa_utils``: ``AveragedModel`` (a running
average, or an exponential moving average, of a model's weights), ``SWALR`` (anneals each
group's rate to a fixed SWA rate) and ``update_bn`` (recomputes batch-norm statistics for the
averaged weights), plus the averaging functions ``get_swa_avg_fn``/``get_ema_avg_fn`` and their
list forms."""

from __future__ import annotations

import copy
import itertools
import math

from .. import _creation
from ..autograd import no_grad
from ..nn.modules.module import Module
from .schedulers.base import LRScheduler, _per_group

__all__ = [
    "SWALR",
    "AveragedModel",
    "get_ema_avg_fn",
    "get_ema_multi_avg_fn",
    "get_swa_avg_fn",
    "get_swa_multi_avg_fn",
    "update_bn",
]


def _check_decay(decay: float) -> None:
    if not 0.0 <= decay <= 1.0:
        raise ValueError(
            f"Invalid decay value {decay} provided. Please provide a value in [0,1] range."
        )


def get_swa_avg_fn():
    """``avg_fn(averaged, current, n)``: the running mean after a further model,
    ``averaged + (current - averaged)/(n + 1)``."""

    def swa_update(averaged_param, current_param, num_averaged):
        with no_grad():
            return averaged_param + (current_param - averaged_param) / (num_averaged + 1)

    return swa_update


def get_ema_avg_fn(decay: float = 0.999):
    """``avg_fn(ema, current, n)``: the exponential moving average
    ``decay·ema + (1 - decay)·current``."""
    _check_decay(decay)

    def ema_update(ema_param, current_param, num_averaged):
        with no_grad():
            return decay * ema_param + (1 - decay) * current_param

    return ema_update


def get_swa_multi_avg_fn():
    """The running mean as a ``multi_avg_fn``: updates the averaged tensors in place."""
    update = get_swa_avg_fn()

    def swa_update(averaged_param_list, current_param_list, num_averaged):
        with no_grad():
            for averaged, current in zip(averaged_param_list, current_param_list, strict=True):
                averaged.copy_(update(averaged, current, num_averaged))

    return swa_update


def get_ema_multi_avg_fn(decay: float = 0.999):
    """The exponential moving average as a ``multi_avg_fn``: updates the tensors in place."""
    _check_decay(decay)

    def ema_update(ema_param_list, current_param_list, _):
        with no_grad():
            for ema, current in zip(ema_param_list, current_param_list, strict=True):
                ema.lerp_(current, 1 - decay)

    return ema_update


class AveragedModel(Module):
    """A copy of ``model`` whose weights are the average of the weights it is given through
    ``update_parameters``: their running mean by default, or what ``avg_fn`` (per tensor) or
    ``multi_avg_fn`` (per list of tensors) computes. The first update copies the weights.
    Buffers are averaged too with ``use_buffers=True``; otherwise they are copied from the
    model at each update. ``n_averaged`` counts the updates."""

    def __init__(
        self, model, device=None, avg_fn=None, multi_avg_fn=None, use_buffers=False
    ) -> None:
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        self.module = copy.deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer("n_averaged", _creation.tensor(0, dtype="int64", device=device))
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = use_buffers

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    def update_parameters(self, model) -> None:
        """Folds ``model``'s current weights into the average."""
        if self.use_buffers:
            mine = itertools.chain(self.module.parameters(), self.module.buffers())
            theirs = itertools.chain(model.parameters(), model.buffers())
        else:
            mine, theirs = self.module.parameters(), model.parameters()
        pairs = [
            (averaged.detach(), current.detach().to(averaged.device))
            for averaged, current in zip(mine, theirs, strict=False)
        ]
        count = int(self.n_averaged.item())
        with no_grad():
            if count == 0:
                for averaged, current in pairs:
                    averaged.copy_(current)
            elif self.multi_avg_fn is not None:
                self.multi_avg_fn(
                    [a for a, _ in pairs], [c for _, c in pairs], self.n_averaged.clone()
                )
            else:
                update = self.avg_fn or get_swa_avg_fn()
                for averaged, current in pairs:
                    averaged.copy_(update(averaged, current, self.n_averaged.clone()))
            if not self.use_buffers:
                for mine_buffer, their_buffer in zip(
                    self.module.buffers(), model.buffers(), strict=True
                ):
                    mine_buffer.detach().copy_(their_buffer.detach().to(mine_buffer.device))
            self.n_averaged.add_(1)


def update_bn(loader, model, device=None) -> None:
    """Recomputes the running statistics of ``model``'s batch-norm layers with one pass over
    ``loader`` (each batch, or its first element, is fed to the model in training mode); the
    statistics become the plain average over the batches."""
    from ..nn.modules.normalization import _BatchNorm

    momenta = {}
    for module in model.modules():
        if isinstance(module, _BatchNorm):
            module.reset_running_stats()
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None  # a cumulative average over the pass
    with no_grad():
        for batch in loader:
            if isinstance(batch, (list, tuple)):
                batch = batch[0]
            if device is not None:
                batch = batch.to(device)
            model(batch)
    for module, momentum in momenta.items():
        module.momentum = momentum
    model.train(was_training)


class SWALR(LRScheduler):
    """Moves each group's rate from its current value to ``swa_lr`` over ``anneal_epochs``
    steps (cosine or linear), then holds it there."""

    def __init__(
        self, optimizer, swa_lr, anneal_epochs=10, anneal_strategy="cos", last_epoch=-1
    ) -> None:
        for rate, group in zip(
            _per_group("swa_lr", optimizer, swa_lr), optimizer.param_groups, strict=True
        ):
            group["swa_lr"] = rate
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(
                f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}"
            )
        self._anneal_strategy = anneal_strategy
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got {anneal_epochs}")
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    def anneal_func(self, t: float) -> float:
        """The share of the way to ``swa_lr`` at fraction ``t`` of the annealing."""
        if self._anneal_strategy == "cos":
            return (1 - math.cos(math.pi * t)) / 2
        return t

    def get_lr(self):
        self._warn_if_outside_step()
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        span = max(1, self.anneal_epochs)
        previous = self.anneal_func(max(0, min(1, (step - 1) / span)))
        # The rate before annealing began, recovered from the current one, so the schedule
        # stays chainable.
        starts = [
            group["swa_lr"]
            if previous == 1
            else (group["lr"] - previous * group["swa_lr"]) / (1 - previous)
            for group in self.optimizer.param_groups
        ]
        alpha = self.anneal_func(max(0, min(1, step / span)))
        return [
            group["swa_lr"] * alpha + start * (1 - alpha)
            for group, start in zip(self.optimizer.param_groups, starts, strict=True)
        ]
