"""Modules as functions of their parameters: ``functional_call`` runs a module with tensors
of the caller's in place of its parameters and buffers; ``stack_module_state`` stacks the
states of several same-shaped models (for ``vmap`` over an ensemble)."""

from __future__ import annotations

import contextlib

_ABSENT = object()  # an attribute the module did not have before the call


def _tied_names(module) -> dict[str, list[str]]:
    """For each name of a parameter or buffer registered under several names, all its names."""
    by_tensor: dict[int, list[str]] = {}
    for name, tensor in module.named_parameters(remove_duplicate=False):
        by_tensor.setdefault(id(tensor), []).append(name)
    for name, tensor in module.named_buffers(remove_duplicate=False):
        by_tensor.setdefault(id(tensor), []).append(name)
    return {name: names for names in by_tensor.values() if len(names) > 1 for name in names}


def _merged(parameter_and_buffer_dicts) -> dict:
    if isinstance(parameter_and_buffer_dicts, dict):
        return dict(parameter_and_buffer_dicts)
    merged: dict = {}
    for d in parameter_and_buffer_dicts:
        repeated = sorted(set(merged) & set(d))
        if repeated:
            raise ValueError(
                f"{repeated} appeared in multiple dictionaries; behavior of functional call is "
                "ambiguous"
            )
        merged.update(d)
    return merged


def _with_tied(module, values: dict) -> dict:
    """``values`` extended to every name tied to one of its names (the same tensor)."""
    tied = _tied_names(module)
    out = dict(values)
    for name, value in values.items():
        for other in tied.get(name, ()):
            if other in values and values[other] is not value:
                group = sorted(tied[name])
                raise ValueError(
                    f"functional_call got multiple values for keys {group}, which are tied. "
                    "Consider using tie_weights=False"
                )
            out[other] = value
    return out


def _check_strict(module, values: dict) -> None:
    expected = {name for name, _ in module.named_parameters(remove_duplicate=False)}
    expected |= {name for name, _ in module.named_buffers(remove_duplicate=False)}
    missing = sorted(expected - set(values))
    unexpected = sorted(set(values) - expected)
    if missing or unexpected:
        lines = [f"Error(s) in reparametrizing for {type(module).__name__}:"]
        if missing:
            lines.append("\tMissing key(s): " + ", ".join(f"'{k}'" for k in missing) + ".")
        if unexpected:
            lines.append("\tUnexpected key(s): " + ", ".join(f"'{k}'" for k in unexpected) + ".")
        raise RuntimeError("\n".join(lines))


@contextlib.contextmanager
def _swapped(module, values: dict):
    """The module with ``values`` in place of the named parameters, buffers or attributes,
    restored on exit (also when the call raises)."""
    undo = []
    try:
        for name, value in values.items():
            path, _, attr = name.rpartition(".")
            owner = module.get_submodule(path) if path else module
            for store_name in ("_parameters", "_buffers"):
                store = owner.__dict__[store_name]
                if attr in store:
                    undo.append((store, attr, store[attr]))
                    store[attr] = value
                    break
            else:
                previous = owner.__dict__.get(attr, _ABSENT)
                undo.append((owner.__dict__, attr, previous))
                owner.__dict__[attr] = value
        yield
    finally:
        for store, attr, previous in reversed(undo):
            if previous is _ABSENT:
                del store[attr]
            else:
                store[attr] = previous


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *,
                    tie_weights: bool = True, strict: bool = False):  # fmt: skip
    """``module(*args, **kwargs)`` with the tensors of ``parameter_and_buffer_dicts`` (a dict
    from dotted names, as ``named_parameters`` gives them, or a tuple of such dicts) in place
    of the module's parameters and buffers, for this call only. The tensors may be anything a
    parameter could be: tensors that require grad, batched tensors under ``vmap``. With
    ``tie_weights``, a tensor given for one of several names of a tied weight replaces it
    under all of them; with ``strict``, every parameter and buffer must be given."""
    values = _merged(parameter_and_buffer_dicts)
    if tie_weights:
        values = _with_tied(module, values)
    if strict:
        _check_strict(module, values)
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    with _swapped(module, values):
        return module(*args, **(kwargs or {}))


def stack_module_state(models) -> tuple[dict, dict]:
    """The parameters and buffers of ``models`` (same architecture) stacked along a new first
    dimension: ``(params, buffers)`` by name, for ``vmap(functional_call ...)`` over the
    ensemble. Stacked parameters are new leaves that require grad when the models' do."""
    import ferrograd

    models = list(models)
    if not models:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or not any(m.training for m in models)):
        raise RuntimeError(
            "stack_module_state: Expected all models to have the same training/eval mode."
        )
    first = type(models[0])
    if any(type(m) is not first for m in models):
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")

    def stacked(tensors, name: str):
        requires = [t.requires_grad for t in tensors]
        if any(requires) and not all(requires):
            raise RuntimeError(f"Expected {name} from each model to have the same .requires_grad")
        out = ferrograd.stack([t.detach() for t in tensors])
        return out.requires_grad_() if all(requires) else out

    all_params = [dict(m.named_parameters()) for m in models]
    all_buffers = [dict(m.named_buffers()) for m in models]
    params = {k: stacked([p[k] for p in all_params], k) for k in all_params[0]}
    buffers = {k: stacked([b[k] for b in all_buffers], k) for k in all_buffers[0]}
    return params, buffers


def replace_all_batch_norm_modules_(root):
    """Makes every batch-norm module under ``root`` use the statistics of its batch in training
    (no running statistics), so it runs under ``vmap``; returns ``root``."""
    from ..nn.modules.normalization import _BatchNorm

    for module in root.modules():
        if isinstance(module, _BatchNorm):
            module.running_mean = None
            module.running_var = None
            if "num_batches_tracked" in module._buffers:
                module.num_batches_tracked = None
            module.track_running_stats = False
    return root
