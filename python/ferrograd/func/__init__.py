"""``ferrograd.func`` (PyTorch's ``torch.func``): composable function transforms.

``grad``, ``grad_and_value``, ``vjp``, ``jacrev`` (reverse mode), ``jvp``, ``jacfwd``,
``linearize`` (forward mode), ``hessian``, and ``vmap``, which runs a function of one sample
once on a whole batch through a batching rule per operation; ``functional_call`` runs a module
with given parameters.
They compose: ``vmap(grad(loss), in_dims=(None, 0, 0))(params, x, y)`` gives per-sample
gradients.
"""

from ._autodiff import grad, grad_and_value, hessian, jacfwd, jacrev, jvp, linearize, vjp
from ._batched import debug_unwrap
from ._functional_call import (
    functional_call,
    replace_all_batch_norm_modules_,
    stack_module_state,
)
from ._vmap import vmap

__all__ = [
    "debug_unwrap",
    "functional_call",
    "grad",
    "grad_and_value",
    "hessian",
    "jacfwd",
    "jacrev",
    "jvp",
    "linearize",
    "replace_all_batch_norm_modules_",
    "stack_module_state",
    "vjp",
    "vmap",
]
