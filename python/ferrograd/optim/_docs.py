"""The optimizers' docstrings, completed at import: an Args section from each constructor's
signature (the arguments they share are described once, here) and an example of two steps on
``w · w``. Each class keeps its own docstring, the update it makes, as the first part."""

from __future__ import annotations

from .. import _docgen

#: What each constructor argument means, for every optimizer that takes it.
_SHARED = {
    "params": "an iterable of the tensors to optimize, or of dicts defining parameter groups "
    "(a ``'params'`` entry and options that override the defaults for that group).",
    "lr": "the learning rate (a float, or a 0-d tensor).",
    "betas": "the coefficients of the running averages of the gradient and of its square.",
    "eps": "added to the denominator for numerical stability.",
    "weight_decay": "the L2 penalty: ``weight_decay * p`` is added to the gradient.",
    "amsgrad": "use the running maximum of the second moment (AMSGrad).",
    "decoupled_weight_decay": "decay the weights directly, as AdamW, instead of through the "
    "gradient.",
    "momentum": "the momentum factor.",
    "maximize": "maximize the objective instead of minimizing it.",
    "foreach": "accepted for PyTorch's signature; the update is the same either way.",
    "fused": "accepted for PyTorch's signature; the update is the same either way.",
    "capturable": "accepted for PyTorch's signature (CUDA graphs); the update is the same.",
    "differentiable": "accepted for PyTorch's signature; the step runs without autograd.",
}

#: Arguments particular to one optimizer (or that mean something else there).
_OWN = {
    "SGD": {
        "momentum": "the momentum factor (0 for plain gradient descent).",
        "dampening": "how much of the new gradient the momentum buffer leaves out.",
        "nesterov": "use Nesterov momentum (needs a momentum and zero dampening).",
    },
    "Adadelta": {
        "rho": "the coefficient of the running averages of the squared gradient and update.",
        "lr": "scales the update (1.0 in Adadelta's paper).",
    },
    "Adafactor": {
        "beta2_decay": "the exponent that sets how fast the second-moment averages forget.",
        "eps": "a pair: added to the squared gradient, and the least RMS of a parameter that "
        "scales the step.",
        "d": "the clipping threshold of the update's RMS.",
        "weight_decay": "the weight decay, applied directly to the parameters.",
    },
    "Adagrad": {
        "lr_decay": "the learning rate's decay with the step count.",
        "initial_accumulator_value": "the starting value of the sum of squared gradients.",
    },
    "AdamW": {"weight_decay": "the decoupled weight decay (``p *= 1 - lr * weight_decay``)."},
    "ASGD": {
        "lambd": "the decay term.",
        "alpha": "the power of the step-size decay.",
        "t0": "the step at which averaging starts.",
    },
    "LBFGS": {
        "lr": "the step length (scales the line search's starting step).",
        "max_iter": "the most iterations one ``step`` runs.",
        "max_eval": "the most closure calls one ``step`` makes (``max_iter * 1.25`` by default).",
        "tolerance_grad": "stop when the largest gradient entry is at most this.",
        "tolerance_change": "stop when the loss or the parameters change by at most this.",
        "history_size": "how many curvature pairs are kept.",
        "line_search_fn": "``'strong_wolfe'`` or None (a fixed step).",
    },
    "Muon": {
        "params": "the 2-D parameters to optimize (hidden layers' weights; biases and "
        "embeddings belong with another optimizer).",
        "weight_decay": "the decoupled weight decay (``p *= 1 - lr * weight_decay``).",
        "nesterov": "orthogonalize ``g.lerp(B, momentum)`` instead of the buffer ``B``.",
        "ns_coefficients": "the quintic Newton-Schulz iteration's ``(a, b, c)``.",
        "eps": "the least norm the update is divided by before the iteration.",
        "ns_steps": "how many Newton-Schulz iterations run (fewer than 100).",
        "adjust_lr_fn": "how the step scales with the weight's shape ``(A, B)``: ``'original'`` "
        "(None; ``sqrt(max(1, A/B))``), ``'match_rms_adamw'`` (``0.2*sqrt(max(A, B))``) or "
        "``'spectral_unclamped'`` (``sqrt(A/B)``).",
    },
    "NAdam": {"momentum_decay": "how fast the momentum schedule rises."},
    "RMSprop": {
        "alpha": "the smoothing constant of the running average of the squared gradient.",
        "centered": "normalize by the estimated variance of the gradient instead of its "
        "second moment.",
    },
    "Rprop": {
        "etas": "the factors that shrink and grow each step size, ``(etaminus, etaplus)``.",
        "step_sizes": "the least and the largest step size.",
    },
    "SparseAdam": {
        "params": "the parameters to optimize; their gradients must be sparse "
        "(``Embedding(..., sparse=True)``).",
    },
}

#: Optimizer: (constructor keywords of the example, ``w`` after two steps from ``[1., -2.]``
#: (``[[1., -2.]]`` for Muon) on the loss ``(w ** 2).sum()``, as PyTorch 2.15 prints it).
_EXAMPLES = {
    "SGD": ("lr=0.1, momentum=0.9", "[ 0.4600, -0.9200]"),
    "Adam": ("lr=0.1", "[ 0.8004, -1.8002]"),
    "AdamW": ("lr=0.1", "[ 0.7985, -1.7963]"),
    "Adadelta": ("lr=1.0", "[ 0.9936, -1.9936]"),
    "Adafactor": ("lr=0.1", "[ 0.7098, -1.7038]"),
    "Adagrad": ("lr=0.1", "[ 0.8331, -1.8311]"),
    "Adamax": ("lr=0.1", "[ 0.8052, -1.8025]"),
    "ASGD": ("lr=0.1", "[ 0.6400, -1.2800]"),
    "NAdam": ("lr=0.1", "[ 0.8200, -1.8179]"),
    "RAdam": ("lr=0.1", "[ 0.6211, -1.2421]"),
    "RMSprop": ("lr=0.01", "[ 0.8329, -1.8309]"),
    "Rprop": ("lr=0.1", "[ 0.7800, -1.7800]"),
    "Muon": ("lr=0.1", "[[ 0.9191, -1.8382]]"),
}

_TWO_STEPS = """
>>> w = ferrograd.tensor({start}, requires_grad=True)
>>> optimizer = ferrograd.optim.{name}([w], {keywords})
>>> for _ in range(2):
...     optimizer.zero_grad()
...     (w ** 2).sum().backward()
...     optimizer.step()
>>> w
tensor({result}, requires_grad=True)
"""

_LBFGS = """
>>> w = ferrograd.tensor([1.0, -2.0], requires_grad=True)
>>> optimizer = ferrograd.optim.LBFGS([w])
>>> def closure():
...     optimizer.zero_grad()
...     loss = (w ** 2).sum()
...     loss.backward()
...     return loss
>>> loss = optimizer.step(closure)  # the loss before the step
>>> loss.item(), bool(w.abs().max() < 1e-5)
(5.0, True)
"""

_SPARSE_ADAM = """
>>> embedding = ferrograd.nn.Embedding(4, 2, sparse=True)
>>> optimizer = ferrograd.optim.SparseAdam(embedding.parameters(), lr=0.1)
>>> before = embedding.weight.detach().clone()
>>> embedding(ferrograd.tensor([1])).sum().backward()
>>> optimizer.step()
>>> (embedding.weight != before).any(dim=1)  # only the looked-up row moves
tensor([False,  True, False, False])
"""


def _example(name: str) -> str:
    if name == "LBFGS":
        return _docgen.examples_section(_LBFGS)
    if name == "SparseAdam":
        return _docgen.examples_section(_SPARSE_ADAM)
    keywords, result = _EXAMPLES[name]
    start = "[[1.0, -2.0]]" if name == "Muon" else "[1.0, -2.0]"  # Muon takes 2-D weights
    return _docgen.examples_section(
        _TWO_STEPS.format(name=name, start=start, keywords=keywords, result=result)
    )


def complete(classes) -> None:
    """Adds the Args section and the example to each optimizer class of ``classes``."""
    for cls in classes:
        texts = {**_SHARED, **_OWN.get(cls.__name__, {})}
        _docgen.complete(cls, _docgen.args_section(cls.__init__, texts), _example(cls.__name__))
