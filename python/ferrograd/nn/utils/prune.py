"""``nn.utils.prune``: masking a module's parameter to zero out some of its entries.

Pruning ``module.<name>`` moves the parameter to ``<name>_orig`` (still trained), stores the
mask as the buffer ``<name>_mask`` and sets ``module.<name>`` to ``mask * <name>_orig``, which a
forward pre-hook (the pruning method itself) recomputes before every forward. Pruning the same
parameter again composes the masks: the method becomes a ``PruningContainer`` whose newest
method only chooses among the entries (or channels) the earlier masks kept. ``remove`` makes
the pruning permanent: ``<name>`` becomes a parameter again, holding the masked values.

Examples:
    >>> import ferrograd
    >>> from ferrograd.nn.utils import prune
    >>> layer = ferrograd.nn.Linear(4, 3)
    >>> _ = prune.l1_unstructured(layer, "weight", amount=0.5)
    >>> sorted(name for name, _ in layer.named_parameters())
    ['bias', 'weight_orig']
    >>> int((layer.weight == 0).sum())
    6
    >>> _ = prune.remove(layer, "weight")
    >>> prune.is_pruned(layer)
    False
"""

from __future__ import annotations

import numbers
from abc import ABC, abstractmethod
from collections.abc import Iterable

from ... import _creation
from ...autograd.grad_mode import no_grad
from .convert_parameters import parameters_to_vector

__all__ = [
    "BasePruningMethod",
    "CustomFromMask",
    "Identity",
    "L1Unstructured",
    "LnStructured",
    "PruningContainer",
    "RandomStructured",
    "RandomUnstructured",
    "custom_from_mask",
    "global_unstructured",
    "identity",
    "is_pruned",
    "l1_unstructured",
    "ln_structured",
    "random_structured",
    "random_unstructured",
    "remove",
]


class BasePruningMethod(ABC):
    """A way of choosing which entries of a tensor to zero: subclasses define
    ``compute_mask(t, default_mask)`` and ``PRUNING_TYPE`` (``"unstructured"`` for single
    entries, ``"structured"`` for whole slices along ``dim``, ``"global"`` for a mask of the
    whole tensor). An instance is also the forward pre-hook that recomputes the pruned tensor.
    """

    _tensor_name: str | None
    PRUNING_TYPE: str

    def __call__(self, module, inputs) -> None:
        setattr(module, self._tensor_name, self.apply_mask(module))

    @abstractmethod
    def compute_mask(self, t, default_mask):
        """The new mask of ``t``: ``default_mask`` (the mask so far) with more entries zeroed."""

    def apply_mask(self, module):
        """``<name>_mask * <name>_orig`` of ``module``: the pruned tensor."""
        if self._tensor_name is None:
            raise AssertionError(f"Module {module} has to be pruned")
        mask = getattr(module, self._tensor_name + "_mask")
        orig = getattr(module, self._tensor_name + "_orig")
        return mask.to(dtype=orig.dtype) * orig

    @classmethod
    def apply(cls, module, name: str, *args, importance_scores=None, **kwargs):
        """Prunes ``module.<name>`` with ``cls(*args, **kwargs)``, composed with the pruning
        already there; ``importance_scores`` (``<name>``'s shape) rank the entries instead of
        the tensor's own values. Returns the method (a ``PruningContainer`` when composed)."""
        old_key, old_method = _pruning_hook(module, name)
        method = cls(*args, **kwargs)
        method._tensor_name = name
        if old_method is not None:
            container = (
                old_method
                if isinstance(old_method, PruningContainer)
                else PruningContainer(old_method)
            )
            container.add_pruning_method(method)
            method = container
        orig = getattr(module, name)
        if importance_scores is None:
            importance_scores = orig
        elif importance_scores.shape != orig.shape:
            raise AssertionError(
                f"importance_scores should have the same shape as parameter {name} of {module}"
            )
        if old_method is None:
            module.register_parameter(name + "_orig", orig)
            del module._parameters[name]
            default_mask = _creation.ones_like(orig)
        else:
            default_mask = getattr(module, name + "_mask").detach().clone()
        try:
            mask = method.compute_mask(importance_scores, default_mask=default_mask)
        except Exception:
            if old_method is None:
                module.register_parameter(name, module._parameters.pop(name + "_orig"))
            elif isinstance(old_method, PruningContainer):
                old_method._pruning_methods = old_method._pruning_methods[:-1]
            raise
        if old_key is not None:
            del module._forward_pre_hooks[old_key]
        module.register_buffer(name + "_mask", mask)
        setattr(module, name, method.apply_mask(module))
        module.register_forward_pre_hook(method)
        return method

    def prune(self, t, default_mask=None, importance_scores=None):
        """``t`` with this method's mask applied (computed from ``importance_scores`` when
        given); not attached to any module."""
        if importance_scores is not None and importance_scores.shape != t.shape:
            raise AssertionError("importance_scores should have the same shape as tensor t")
        scores = t if importance_scores is None else importance_scores
        if default_mask is None:
            default_mask = _creation.ones_like(t)
        return t * self.compute_mask(scores, default_mask=default_mask)

    def remove(self, module) -> None:
        """Makes the pruning of ``module`` permanent: ``<name>`` becomes a parameter holding the
        pruned values; ``<name>_orig``, ``<name>_mask`` go (the hook is removed by the caller,
        ``prune.remove``)."""
        if self._tensor_name is None:
            raise AssertionError(f"Module {module} has to be pruned before pruning can be removed")
        weight = self.apply_mask(module)
        if hasattr(module, self._tensor_name):
            delattr(module, self._tensor_name)
        orig = module._parameters.pop(self._tensor_name + "_orig")
        orig.data = weight.data
        del module._buffers[self._tensor_name + "_mask"]
        setattr(module, self._tensor_name, orig)


def _pruning_hook(module, name: str):
    """The key and method of the pruning hook on ``module.<name>`` (None, None if none)."""
    found = [
        (key, hook)
        for key, hook in module._forward_pre_hooks.items()
        if isinstance(hook, BasePruningMethod) and hook._tensor_name == name
    ]
    if len(found) > 1:
        raise AssertionError(
            f"Avoid adding multiple pruning hooks to the same tensor {name} of module "
            f"{module}. Use a PruningContainer."
        )
    return found[0] if found else (None, None)


class PruningContainer(BasePruningMethod):
    """Pruning methods applied in turn to one tensor: each new method prunes only what the
    masks before it kept (single entries, or whole channels for a structured method)."""

    def __init__(self, *args) -> None:
        self._pruning_methods: tuple[BasePruningMethod, ...] = ()
        if len(args) == 1 and not isinstance(args[0], Iterable):
            self._tensor_name = args[0]._tensor_name
            self.add_pruning_method(args[0])
        else:
            methods = args[0] if len(args) == 1 else args
            for method in methods:
                self.add_pruning_method(method)

    def add_pruning_method(self, method) -> None:
        """Appends ``method`` (which must prune the same tensor)."""
        if not isinstance(method, BasePruningMethod) and method is not None:
            raise TypeError(f"{type(method)} is not a BasePruningMethod subclass")
        if method is not None and self._tensor_name != method._tensor_name:
            raise ValueError(
                "Can only add pruning methods acting on the parameter named "
                f"'{self._tensor_name}' to PruningContainer {self}. Found "
                f"'{method._tensor_name}'"
            )
        self._pruning_methods += (method,)

    def __len__(self) -> int:
        return len(self._pruning_methods)

    def __iter__(self):
        return iter(self._pruning_methods)

    def __getitem__(self, idx):
        return self._pruning_methods[idx]

    def compute_mask(self, t, default_mask):
        """``default_mask`` narrowed by the newest method, which sees only the part of ``t``
        the mask keeps: the kept entries (unstructured), the channels along its ``dim`` with a
        kept entry (structured), or all of ``t`` (global)."""
        method = self._pruning_methods[-1]
        kept = _kept_region(method, t, default_mask)
        new_mask = default_mask.clone()
        partial = method.compute_mask(t[kept], default_mask=default_mask[kept])
        new_mask[kept] = partial.to(dtype=new_mask.dtype)
        return new_mask


def _kept_region(method, t, mask):
    """The index of the part of ``t`` that ``method`` chooses from, given the mask so far."""
    kind = method.PRUNING_TYPE
    if kind == "unstructured":
        return mask == 1
    if kind == "structured":
        dim = method.dim if method.dim >= 0 else t.dim() + method.dim
        others = [d for d in range(t.dim()) if d != dim]
        region = [slice(None)] * t.dim()
        region[dim] = mask.sum(dim=others) != 0
        return tuple(region)
    if kind == "global":
        return tuple([slice(None)] * t.dim())
    raise ValueError(f"Unrecognized PRUNING_TYPE {kind}")


class Identity(BasePruningMethod):
    """Prunes nothing: the mask is all ones (a way to add the ``_orig``/``_mask`` form)."""

    PRUNING_TYPE = "unstructured"

    def compute_mask(self, t, default_mask):
        return default_mask

    @classmethod
    def apply(cls, module, name):
        return super().apply(module, name)


class _UnstructuredByRank(BasePruningMethod):
    """Zeroes the ``amount`` entries that ``_rank`` ranks lowest (an int: how many; a float in
    [0, 1]: the fraction, rounded)."""

    PRUNING_TYPE = "unstructured"

    def __init__(self, amount) -> None:
        _check_amount(amount)
        self.amount = amount

    def _rank(self, t):
        raise NotImplementedError

    def compute_mask(self, t, default_mask):
        count = _amount_to_prune(self.amount, t.nelement())
        mask = default_mask.clone()
        if count != 0:
            lowest = self._rank(t).view(-1).topk(count, largest=False).indices
            mask.view(-1)[lowest] = 0
        return mask


class RandomUnstructured(_UnstructuredByRank):
    """Zeroes ``amount`` entries chosen at random (an int: how many; a float in [0, 1]: the
    fraction, rounded)."""

    def _rank(self, t):
        return _creation.rand_like(t)

    @classmethod
    def apply(cls, module, name, amount):
        return super().apply(module, name, amount=amount)


class L1Unstructured(_UnstructuredByRank):
    """Zeroes the ``amount`` entries of smallest absolute value (an int: how many; a float in
    [0, 1]: the fraction, rounded)."""

    def _rank(self, t):
        return t.abs()

    @classmethod
    def apply(cls, module, name, amount, importance_scores=None):
        return super().apply(module, name, amount=amount, importance_scores=importance_scores)


class _StructuredByRank(BasePruningMethod):
    """Zeroes ``amount`` whole channels along ``dim``: all but those ``_kept_channels``
    keeps."""

    PRUNING_TYPE = "structured"

    def __init__(self, amount, dim: int = -1) -> None:
        _check_amount(amount)
        self.amount = amount
        self.dim = dim

    def _kept_channels(self, t, channels: int, count: int):
        raise NotImplementedError

    def compute_mask(self, t, default_mask):
        channels = _channels(t, self.dim)
        count = _amount_to_prune(self.amount, channels)
        if count == 0:
            return default_mask
        mask = _creation.zeros_like(t)
        region = [slice(None)] * t.dim()
        region[self.dim] = self._kept_channels(t, channels, count)
        mask[tuple(region)] = 1
        return mask * default_mask.to(dtype=t.dtype)


class RandomStructured(_StructuredByRank):
    """Zeroes ``amount`` whole channels along ``dim`` chosen at random."""

    def _kept_channels(self, t, channels: int, count: int):
        scores = _creation.rand(channels)
        return scores > scores.kthvalue(count).values

    @classmethod
    def apply(cls, module, name, amount, dim=-1):
        return super().apply(module, name, amount=amount, dim=dim)


class LnStructured(_StructuredByRank):
    """Zeroes the ``amount`` channels along ``dim`` of smallest ``n``-norm (``n``: as
    ``ferrograd.norm``'s ``p``: an int, ``float('inf')``, ``'fro'``, ...)."""

    def __init__(self, amount, n, dim: int = -1) -> None:
        super().__init__(amount, dim)
        self.n = n

    def _kept_channels(self, t, channels: int, count: int):
        dim = self.dim % t.dim()
        norms = t.norm(p=self.n, dim=[d for d in range(t.dim()) if d != dim])
        return norms.topk(channels - count, largest=True).indices

    @classmethod
    def apply(cls, module, name, amount, n, dim, importance_scores=None):
        return super().apply(
            module, name, amount=amount, n=n, dim=dim, importance_scores=importance_scores
        )


class CustomFromMask(BasePruningMethod):
    """Zeroes the entries where the given ``mask`` is 0."""

    PRUNING_TYPE = "global"

    def __init__(self, mask) -> None:
        self.mask = mask

    def compute_mask(self, t, default_mask):
        if default_mask.shape != self.mask.shape:
            raise AssertionError(
                f"the mask's shape {tuple(self.mask.shape)} is not the tensor's "
                f"{tuple(default_mask.shape)}"
            )
        return default_mask * self.mask.to(dtype=default_mask.dtype)

    @classmethod
    def apply(cls, module, name, mask):
        return super().apply(module, name, mask=mask)


def _check_amount(amount) -> None:
    """``amount``'s checks when a method is made: an int >= 0 or a float in [0, 1]."""
    if not isinstance(amount, numbers.Real):
        raise TypeError(f"Invalid type for amount: {amount}. Must be int or float.")
    integral = isinstance(amount, numbers.Integral)
    if (integral and amount < 0) or (not integral and not 0.0 <= float(amount) <= 1.0):
        raise ValueError(
            f"amount={amount} should either be a float in the range [0, 1] or a non-negative "
            "integer"
        )


def _amount_to_prune(amount, size: int) -> int:
    """How many of ``size`` entries (or channels) ``amount`` prunes."""
    if isinstance(amount, numbers.Integral):
        if amount > size:
            raise ValueError(
                f"amount={amount} should be smaller than the number of parameters to prune={size}"
            )
        return int(amount)
    return round(amount * size)


def _channels(t, dim: int) -> int:
    """How many channels ``t`` has along ``dim`` (structured pruning's checks)."""
    if t.dim() <= 1:
        raise ValueError(
            "Structured pruning can only be applied to multidimensional tensors. Found tensor "
            f"of shape {t.shape} with {t.dim()} dims"
        )
    if dim >= t.dim():
        raise IndexError(f"Invalid index {dim} for tensor of size {t.shape}")
    return t.shape[dim]


def identity(module, name: str):
    """Adds the pruning form to ``module.<name>`` with a mask of ones (nothing pruned).

    Examples:
        >>> import ferrograd
        >>> from ferrograd.nn.utils import prune
        >>> m = prune.identity(ferrograd.nn.Linear(2, 3), "bias")
        >>> m.bias_mask
        tensor([1., 1., 1.])
    """
    Identity.apply(module, name)
    return module


def random_unstructured(module, name: str, amount):
    """Prunes ``amount`` random entries of ``module.<name>`` (an int: how many; a float in
    [0, 1]: the fraction). Returns ``module``.

    Examples:
        >>> import ferrograd
        >>> from ferrograd.nn.utils import prune
        >>> m = prune.random_unstructured(ferrograd.nn.Linear(4, 5), "weight", amount=0.25)
        >>> int((m.weight_mask == 0).sum())
        5
    """
    RandomUnstructured.apply(module, name, amount)
    return module


def l1_unstructured(module, name: str, amount, importance_scores=None):
    """Prunes the ``amount`` entries of ``module.<name>`` of smallest absolute value (of
    ``importance_scores`` when given). Returns ``module``.

    Examples:
        >>> import ferrograd
        >>> from ferrograd.nn.utils import prune
        >>> m = ferrograd.nn.Linear(2, 1, bias=False)
        >>> with ferrograd.no_grad():
        ...     _ = m.weight.copy_(ferrograd.tensor([[0.5, -2.0]]))
        >>> prune.l1_unstructured(m, "weight", amount=1).weight_mask
        tensor([[0., 1.]])
    """
    L1Unstructured.apply(module, name, amount=amount, importance_scores=importance_scores)
    return module


def random_structured(module, name: str, amount, dim):
    """Prunes ``amount`` random channels of ``module.<name>`` along ``dim``. Returns
    ``module``."""
    RandomStructured.apply(module, name, amount, dim)
    return module


def ln_structured(module, name: str, amount, n, dim, importance_scores=None):
    """Prunes the ``amount`` channels of ``module.<name>`` along ``dim`` of smallest ``n``-norm
    (of ``importance_scores`` when given). Returns ``module``.

    Examples:
        >>> import ferrograd
        >>> from ferrograd.nn.utils import prune
        >>> m = ferrograd.nn.Linear(2, 3, bias=False)
        >>> with ferrograd.no_grad():
        ...     _ = m.weight.copy_(ferrograd.tensor([[1.0, 1.0], [3.0, 0.0], [0.0, 0.5]]))
        >>> prune.ln_structured(m, "weight", amount=1, n=2, dim=0).weight_mask
        tensor([[1., 1.],
                [1., 1.],
                [0., 0.]])
    """
    LnStructured.apply(module, name, amount, n, dim, importance_scores=importance_scores)
    return module


def global_unstructured(parameters, pruning_method, importance_scores=None, **kwargs):
    """Prunes the ``(module, name)`` pairs of ``parameters`` together: ``pruning_method`` (an
    unstructured method's class, made with ``kwargs``) chooses among all their entries at
    once, so some tensors lose more than others. ``importance_scores`` maps pairs to scores
    that rank entries instead of the values.

    Examples:
        >>> import ferrograd
        >>> from ferrograd.nn.utils import prune
        >>> a, b = ferrograd.nn.Linear(3, 2), ferrograd.nn.Linear(2, 2)
        >>> prune.global_unstructured(
        ...     [(a, "weight"), (b, "weight")], pruning_method=prune.L1Unstructured, amount=5
        ... )
        >>> int((a.weight == 0).sum() + (b.weight == 0).sum())
        5
    """
    if not isinstance(parameters, Iterable):
        raise TypeError("global_unstructured(): parameters is not an Iterable")
    parameters = list(parameters)
    importance_scores = {} if importance_scores is None else importance_scores
    if not isinstance(importance_scores, dict):
        raise TypeError("global_unstructured(): importance_scores must be of type dict")
    scores = parameters_to_vector(
        [importance_scores.get((m, name), getattr(m, name)) for m, name in parameters]
    )
    default_mask = parameters_to_vector([_current_mask(m, name) for m, name in parameters])
    method = pruning_method(**kwargs)
    method._tensor_name = "temp"
    if method.PRUNING_TYPE != "unstructured":
        raise TypeError(
            'Only "unstructured" PRUNING_TYPE supported for the `pruning_method`. Found '
            f"method {pruning_method} of type {method.PRUNING_TYPE}"
        )
    container = PruningContainer()
    container._tensor_name = "temp"
    container.add_pruning_method(method)
    with no_grad():
        final_mask = container.compute_mask(scores, default_mask)
    start = 0
    for m, name in parameters:
        count = getattr(m, name).numel()
        custom_from_mask(m, name, mask=final_mask[start : start + count].view_as(getattr(m, name)))
        start += count


def _current_mask(module, name: str):
    """``module.<name>``'s mask so far (ones when it is not pruned)."""
    if hasattr(module, name + "_mask"):
        return getattr(module, name + "_mask")
    return _creation.ones_like(getattr(module, name))


def custom_from_mask(module, name: str, mask):
    """Prunes the entries of ``module.<name>`` where ``mask`` is 0. Returns ``module``.

    Examples:
        >>> import ferrograd
        >>> from ferrograd.nn.utils import prune
        >>> m = prune.custom_from_mask(
        ...     ferrograd.nn.Linear(5, 3), "bias", mask=ferrograd.tensor([0.0, 1.0, 0.0])
        ... )
        >>> m.bias_mask
        tensor([0., 1., 0.])
    """
    CustomFromMask.apply(module, name, mask)
    return module


def remove(module, name: str):
    """Makes the pruning of ``module.<name>`` permanent: ``<name>`` becomes a parameter again
    holding the pruned values, and the mask, ``<name>_orig`` and the hook go. Returns
    ``module``.

    Raises:
        ValueError: ``module.<name>`` is not pruned.
    """
    key, method = _pruning_hook(module, name)
    if method is None:
        raise ValueError(
            f"Parameter '{name}' of module {module} has to be pruned before pruning can be removed"
        )
    method.remove(module)
    del module._forward_pre_hooks[key]
    return module


def is_pruned(module) -> bool:
    """True when ``module`` or one of its submodules has a pruned tensor.

    Examples:
        >>> import ferrograd
        >>> from ferrograd.nn.utils import prune
        >>> net = ferrograd.nn.Sequential(ferrograd.nn.Linear(2, 2))
        >>> prune.is_pruned(net)
        False
        >>> _ = prune.identity(net[0], "weight")
        >>> prune.is_pruned(net)
        True
    """
    return any(
        isinstance(hook, BasePruningMethod)
        for _, sub in module.named_modules()
        for hook in sub._forward_pre_hooks.values()
    )
