"""L-BFGS, as in PyTorch: a limited-memory quasi-Newton method over all parameters as one flat
vector, with a fixed step or a strong-Wolfe line search."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .. import _creation
from .._tensor_functions import cat
from ..autograd import enable_grad, no_grad
from ._line_search import strong_wolfe
from .optimizer import Optimizer, _check_common, _to_scalar

if TYPE_CHECKING:
    from .._tensor import Tensor
    from .optimizer import ParamsT

__all__ = ["LBFGS"]


class LBFGS(Optimizer):
    """Each ``step(closure)`` runs up to ``max_iter`` iterations (``max_eval`` closure calls):
    the direction is the two-loop recursion over the last ``history_size`` curvature pairs, the
    step ``lr`` (``min(1, 1/|g|₁)·lr`` on the very first iteration) or the strong-Wolfe line
    search's. It stops early when the largest gradient entry is at most ``tolerance_grad`` or
    the loss or the parameters change by less than ``tolerance_change``. One parameter group
    only; its state lives under the first parameter, as in PyTorch."""

    def __init__(
        self,
        params: ParamsT,
        lr: float | Tensor = 1,
        max_iter: int = 20,
        max_eval: int | None = None,
        tolerance_grad: float = 1e-7,
        tolerance_change: float = 1e-9,
        history_size: int = 100,
        line_search_fn: str | None = None,
        *,
        maximize: bool = False,
    ) -> None:
        _check_common(lr=lr)
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = dict(
            lr=lr,
            max_iter=max_iter,
            max_eval=max_eval,
            tolerance_grad=tolerance_grad,
            tolerance_change=tolerance_change,
            history_size=history_size,
            line_search_fn=line_search_fn,
            maximize=maximize,
        )
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]

    # -- the parameters as one flat vector -------------------------------------------------------

    def _flat_grad(self):
        parts = [
            _creation.zeros(p.numel(), dtype=p.dtype, device=p.device)
            if p.grad is None
            else p.grad.detach().reshape(-1)
            for p in self._params
        ]
        flat = cat(parts, 0)
        return -flat if self.param_groups[0]["maximize"] else flat

    def _move(self, t: float, direction) -> None:
        """``params += t·direction``."""
        offset = 0
        for p in self._params:
            n = p.numel()
            p.add_(direction[offset : offset + n].view_as(p), alpha=t)
            offset += n

    def _loss(self, closure) -> float:
        with enable_grad():
            loss = float(closure())
        return -loss if self.param_groups[0]["maximize"] else loss

    def _evaluate_along(self, closure, start, direction, t):
        """Loss and flat gradient at ``start + t·direction``; the parameters are put back."""
        self._move(t, direction)
        loss = self._loss(closure)
        grad = self._flat_grad()
        for p, value in zip(self._params, start, strict=True):
            p.copy_(value)
        return loss, grad

    # -- the update ------------------------------------------------------------------------------

    def step(self, closure: Callable[[], Any]) -> Any:
        """Runs the iterations described on the class; ``closure`` must clear the gradients,
        compute the loss, call ``backward`` and return the loss. Returns the first loss."""
        if closure is None:
            raise RuntimeError("LBFGS requires a closure that reevaluates the model")
        with no_grad():
            return self._step(closure)

    def _step(self, closure):
        group = self.param_groups[0]
        lr = _to_scalar(group["lr"])
        max_iter, max_eval = group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        history_size = group["history_size"]
        if group["line_search_fn"] not in (None, "strong_wolfe"):
            raise RuntimeError("only 'strong_wolfe' is supported")

        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        with enable_grad():
            first_loss = closure()
        loss = -float(first_loss) if group["maximize"] else float(first_loss)
        evaluations = 1
        state["func_evals"] += 1
        flat_grad = self._flat_grad()
        if flat_grad.abs().max().item() <= tolerance_grad:
            return first_loss

        d, t = state.get("d"), state.get("t")
        old_dirs, old_stps, ro = state.get("old_dirs"), state.get("old_stps"), state.get("ro")
        h_diag = state.get("H_diag")
        prev_flat_grad, prev_loss = state.get("prev_flat_grad"), state.get("prev_loss")

        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                d = -flat_grad
                old_dirs, old_stps, ro = [], [], []
                h_diag = 1.0
            else:
                y = flat_grad - prev_flat_grad
                s = d * t
                ys = y.dot(s).item()
                if ys > 1e-10:  # keep the pair only while the curvature is positive
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    h_diag = ys / y.dot(y).item()
                alphas = state.setdefault("al", [None] * history_size)
                d = _two_loop(flat_grad, old_dirs, old_stps, ro, h_diag, alphas)
            prev_flat_grad = flat_grad.clone()
            prev_loss = loss

            t = (min(1.0, 1.0 / flat_grad.abs().sum().item()) * lr) if state["n_iter"] == 1 else lr
            gtd = flat_grad.dot(d).item()
            if gtd > -tolerance_change:  # not a descent direction any more
                break

            if group["line_search_fn"] == "strong_wolfe":
                start = [p.clone() for p in self._params]

                def evaluate(step, start=start, direction=d):
                    return self._evaluate_along(closure, start, direction, step)

                loss, flat_grad, t, used = strong_wolfe(
                    evaluate, d, t, loss, flat_grad, gtd, max_ls=max_eval - evaluations
                )
                self._move(t, d)
                converged = flat_grad.abs().max().item() <= tolerance_grad
            else:
                self._move(t, d)
                used = 0
                converged = False
                # The last iteration does not re-evaluate: with a stochastic loss it would only
                # cost a closure call.
                if n_iter != max_iter:
                    loss = self._loss(closure)
                    flat_grad = self._flat_grad()
                    converged = flat_grad.abs().max().item() <= tolerance_grad
                    used = 1
            evaluations += used
            state["func_evals"] += used

            if n_iter == max_iter or evaluations >= max_eval or converged:
                break
            if (d * t).abs().max().item() <= tolerance_change:
                break
            if abs(loss - prev_loss) < tolerance_change:
                break

        state.update(
            d=d,
            t=t,
            old_dirs=old_dirs,
            old_stps=old_stps,
            ro=ro,
            H_diag=h_diag,
            prev_flat_grad=prev_flat_grad,
            prev_loss=prev_loss,
        )
        return first_loss


def _two_loop(flat_grad, old_dirs, old_stps, ro, h_diag, alphas):
    """The L-BFGS direction ``-H·g``, ``H`` the inverse Hessian estimate from the stored pairs
    with ``h_diag·I`` as its starting point; ``alphas`` is scratch space (PyTorch keeps it in
    the state as ``'al'``)."""
    q = -flat_grad
    for i in range(len(old_dirs) - 1, -1, -1):
        alphas[i] = old_stps[i].dot(q).item() * ro[i]
        q.add_(old_dirs[i], alpha=-alphas[i])
    r = q * h_diag
    for i in range(len(old_dirs)):
        beta = old_dirs[i].dot(r).item() * ro[i]
        r.add_(old_stps[i], alpha=alphas[i] - beta)
    return r
