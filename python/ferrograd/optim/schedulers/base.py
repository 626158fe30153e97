"""``LRScheduler``: the base every learning-rate schedule builds on, and the helpers that read
and write a hyperparameter across an optimizer's parameter groups.

A schedule's ``get_lr`` is *chainable*: it derives the next rates from the groups' current
``lr`` (so several schedulers can act on one optimizer, and a rate changed by hand is
respected), as PyTorch's are. Schedules that also have a closed form in the epoch use it when
``step(epoch)`` names the epoch.
"""

from __future__ import annotations

import contextlib
import warnings
from typing import Any

from ..._base import TensorBase
from ..optimizer import Optimizer

__all__ = ["EPOCH_DEPRECATION_WARNING", "LRScheduler"]

EPOCH_DEPRECATION_WARNING = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where "
    "possible. Please use `scheduler.step()` to step the scheduler. During the deprecation, if "
    "epoch is different from None, the closed form is used instead of the new chainable form, "
    "where available."
)


def _per_group(name: str, optimizer: Optimizer, value) -> list:
    """``value`` for each parameter group: one value for all, or a list with one per group."""
    groups = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)):
        if len(value) != groups:
            raise ValueError(
                f"{name} must have the same length as optimizer.param_groups. {name} has "
                f"{len(value)} values, param_groups has {groups}."
            )
        return [_copy(v) for v in value]
    return [_copy(value)] * groups


def _copy(value):
    return value.clone() if isinstance(value, TensorBase) else value


def _group_values(optimizer: Optimizer, key: str) -> list:
    """``group[key]`` for each group (tensors copied, so the list never aliases them)."""
    return [_copy(group[key]) for group in optimizer.param_groups]


def _set_group_value(group: dict, key: str, value) -> None:
    """Sets ``group[key]``; a tensor hyperparameter is filled in place, not replaced."""
    if isinstance(group[key], TensorBase):
        group[key].fill_(float(value))
    else:
        group[key] = value


class LRScheduler:
    """Adjusts the ``lr`` of each of ``optimizer``'s parameter groups every ``step()``.
    Subclasses implement ``get_lr`` (and may add ``_get_closed_form_lr``). Making a scheduler
    applies its epoch-0 rates; ``last_epoch`` other than -1 resumes a schedule, which needs
    ``initial_lr`` in every group."""

    _get_lr_called_within_step = False
    _is_initial = False

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", _copy(group["lr"]))
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"param 'initial_lr' is not specified in param_groups[{i}] when resuming "
                        "scheduler with last_epoch >= 0."
                    )
        self.base_lrs = _group_values(optimizer, "initial_lr")
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self) -> None:
        """Counts from zero again and applies the current epoch's rates."""
        self._step_count = 0
        with self._flag("_is_initial"):
            self.step()

    @contextlib.contextmanager
    def _flag(self, name: str):
        setattr(self, name, True)
        try:
            yield
        finally:
            setattr(self, name, False)

    def get_lr(self) -> list[float]:
        """The next rates, one per parameter group (use ``get_last_lr`` to read the current
        ones)."""
        raise NotImplementedError

    def _warn_if_outside_step(self) -> None:
        if not self._get_lr_called_within_step:
            warnings.warn(
                "To get the last learning rate computed by the scheduler, please use "
                "`get_last_lr()`.",
                UserWarning,
                stacklevel=3,
            )

    def get_last_lr(self) -> list[float]:
        """The rates the last ``step`` set, one per parameter group."""
        return self._last_lr

    def step(self, epoch: int | None = None) -> None:
        """Moves to the next epoch (or to ``epoch``: deprecated, as in PyTorch) and sets each
        group's ``lr``. Call it after ``optimizer.step()``."""
        if self._step_count == 1 and not getattr(self.optimizer, "_opt_called", False):
            warnings.warn(
                "Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch "
                "1.1.0 and later, you should call them in the opposite order: "
                "`optimizer.step()` before `lr_scheduler.step()`.  Failure to do this will "
                "result in PyTorch skipping the first value of the learning rate schedule.",
                UserWarning,
                stacklevel=2,
            )
        self._step_count += 1
        if epoch is not None:
            warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
        self._update_lr(epoch)

    def _update_lr(self, epoch=None) -> None:
        with self._flag("_get_lr_called_within_step"):
            if epoch is None:
                self.last_epoch += 1
                values = self.get_lr()
            else:
                self.last_epoch = epoch
                closed_form = getattr(self, "_get_closed_form_lr", None)
                values = closed_form() if closed_form is not None else self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, values, strict=True):
            _set_group_value(group, "lr", lr)
        self._last_lr = _group_values(self.optimizer, "lr")

    def state_dict(self) -> dict[str, Any]:
        """Every attribute but the optimizer (PyTorch's layout)."""
        return {key: value for key, value in self.__dict__.items() if key != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self.__dict__.update(state_dict)


class _LRScheduler(LRScheduler):
    """The old name of ``LRScheduler``, kept as PyTorch keeps it."""


class _FunctionsState:
    """``state_dict``/``load_state_dict`` for schedules that hold user functions (``LambdaLR``,
    ``MultiplicativeLR``): plain functions are not saved; callable objects save their
    attributes."""

    _functions_attr = "lr_lambdas"

    def state_dict(self) -> dict[str, Any]:
        state = {
            key: value
            for key, value in self.__dict__.items()
            if key not in ("optimizer", self._functions_attr)
        }
        state[self._functions_attr] = [
            None if _is_plain_function(fn) else dict(fn.__dict__)
            for fn in getattr(self, self._functions_attr)
        ]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        state = dict(state_dict)
        saved = state.pop(self._functions_attr)
        self.__dict__.update(state)
        for fn, attributes in zip(getattr(self, self._functions_attr), saved, strict=False):
            if attributes is not None:
                fn.__dict__.update(attributes)


def _is_plain_function(fn) -> bool:
    import types

    return isinstance(fn, types.FunctionType)
