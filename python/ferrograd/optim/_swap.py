"""``swap_in_optimizer_params_and_state``: run an optimizer's API on other parameters and
state for the length of a ``with`` block, as in PyTorch (its checks and messages too)."""

from __future__ import annotations

import contextlib
from collections import defaultdict
from typing import Any

__all__ = ["swap_in_optimizer_params_and_state"]

_NAME = "swap_in_optimizer_params_and_state"


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise RuntimeError(message)


def _swapped_groups(optimizer, params: list, swapin_optim_state) -> list:
    """``(live group, swap-in group, its parameters)`` per group, checked as PyTorch checks
    them."""
    _check(bool(optimizer.state), f"{_NAME} requires initialized optimizer state.")
    _check(
        isinstance(swapin_optim_state, dict),
        f"{_NAME} requires a DCP-style optimizer state_dict.",
    )
    state = swapin_optim_state.get("state")
    _check(isinstance(state, dict), f"{_NAME} requires swapin_optim_state['state'] to be a dict.")
    _check(
        all(isinstance(v, dict) for k, v in state.items() if isinstance(k, int)),
        f"{_NAME} requires per-parameter optimizer state entries to be dictionaries.",
    )
    groups = swapin_optim_state.get("param_groups")
    _check(
        isinstance(groups, list),
        f"{_NAME} requires swapin_optim_state['param_groups'] to be a list of param-group "
        f"dicts, got {type(groups).__name__}.",
    )
    _check(
        len(groups) == len(optimizer.param_groups),
        "swapin_optim_state has a different number of parameter groups than the live optimizer.",
    )
    swaps, start, seen = [], 0, set()
    for index, (live, group) in enumerate(zip(optimizer.param_groups, groups, strict=True)):
        _check(
            isinstance(group, dict),
            f"{_NAME} requires each optimizer param group to be a dictionary.",
        )
        ids = group.get("params")
        _check(
            isinstance(ids, list) and all(isinstance(i, int) for i in ids),
            f"{_NAME} requires optimizer.state_dict()-style param_groups[*]['params'] entries "
            "keyed by packed parameter ids.",
        )
        _check(
            len(ids) == len(live["params"]),
            f"swapin_optim_state param group {index} has a different number of params than "
            "the live optimizer param group.",
        )
        only_swapin, only_live = (
            [k for k in group if k not in live],
            [k for k in live if k not in group],
        )
        _check(
            not only_swapin and not only_live,
            f"{_NAME} requires optimizer.state_dict()-style param group keys to exactly match "
            f"the live optimizer group keys for group {index}. Keys only in swap-in: "
            f"{only_swapin}. Keys only in live: {only_live}.",
        )
        _check(
            start + len(ids) <= len(params),
            f"{_NAME} requires the explicit parameter state to match optimizer.param_groups "
            "ordering.",
        )
        swaps.append((live, group, params[start : start + len(ids)]))
        start += len(ids)
        seen.update(ids)
    extra = [k for k in state if k not in seen]
    _check(
        not extra,
        f"{_NAME} requires swapin_optim_state['state'] to be keyed only by packed parameter ids "
        f"from param_groups[*]['params']; got extra keys {extra!r}.",
    )
    return swaps


@contextlib.contextmanager
def swap_in_optimizer_params_and_state(
    optimizer, swapin_parameters: dict, swapin_optim_state: dict[str, Any]
):
    """Inside the block, ``optimizer``'s parameter groups hold ``swapin_parameters``' tensors
    (in the order the optimizer's own parameters were given, group after group) with the
    hyperparameters of ``swapin_optim_state['param_groups']``, and its state is
    ``swapin_optim_state['state']`` keyed by those tensors; on exit the optimizer's own groups
    and state come back. Steps taken inside update the swapped-in tensors in place (state
    tensors too); replacing a state entry inside the block is not kept. The optimizer's own
    state must exist (after a step).

    Args:
        optimizer: the optimizer whose parameters and state are swapped.
        swapin_parameters: the tensors to use as its parameters (a dict; its values in order).
        swapin_optim_state: a ``state_dict()``-shaped dict of the state and groups to use.

    Examples:
        >>> w = ferrograd.nn.Parameter(ferrograd.tensor([1.0, 2.0]))
        >>> optimizer = ferrograd.optim.SGD([w], lr=0.1, momentum=0.9)
        >>> w.grad = ferrograd.tensor([1.0, 1.0])
        >>> optimizer.step()
        >>> other = ferrograd.tensor([0.0, 0.0])
        >>> other.grad = ferrograd.tensor([1.0, -1.0])
        >>> state = optimizer.state_dict()
        >>> swap_in = ferrograd.optim.swap_in_optimizer_params_and_state
        >>> with swap_in(optimizer, {"w": other}, state):
        ...     optimizer.step()
        >>> other
        tensor([-0.1900,  0.0100])
        >>> w
        Parameter containing:
        tensor([0.9000, 1.9000], requires_grad=True)
    """
    swaps = _swapped_groups(optimizer, list(swapin_parameters.values()), swapin_optim_state)
    state = swapin_optim_state["state"]
    snapshots = [dict(g) for g in optimizer.param_groups]
    original_state, swapped = optimizer.state, defaultdict(dict)
    try:
        for live, group, params in swaps:
            live.update({k: v for k, v in group.items() if k != "params"})
            live["params"] = params
            for p, key in zip(params, group["params"], strict=True):
                swapped[p] = dict(state.get(key, {}))
        optimizer.state = swapped
        yield
    finally:
        for live, snapshot in zip(optimizer.param_groups, snapshots, strict=True):
            live.clear()
            live.update(snapshot)
        optimizer.state = original_state
