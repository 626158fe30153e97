"""Higher-level differentiation of whole functions, with ``torch.autograd.functional``'s API:
``vjp``, ``jvp``, ``jacobian``, ``hessian``, ``hvp`` and ``vhp``.

``func`` takes tensors (``inputs``: a Tensor or a tuple of Tensors) and returns a Tensor or a
tuple of Tensors. Results are detached unless ``create_graph=True``, in which case they are
differentiable (with respect to ``inputs`` and ``v``). ``strict=True`` raises when an output is
independent of an input instead of returning zeros for it.

Reverse mode runs on :func:`ferrograd.autograd.grad`; ``jvp`` (and the ``"forward-mode"``
strategies of ``jacobian`` and ``hessian``) on :mod:`ferrograd.autograd.forward_ad`.
``vectorize=True`` is accepted and computes the same result row by row (``ferrograd.func``'s
``jacrev`` and ``jacfwd`` are the vectorized forms, through ``vmap``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import forward_ad as fwAD

if TYPE_CHECKING:
    from .._tensor import Tensor

__all__ = ["hessian", "hvp", "jacobian", "jvp", "vhp", "vjp"]


def _fg():
    import ferrograd

    return ferrograd


def _grad(*args, **kwargs):
    from . import grad

    return grad(*args, **kwargs)


# -------------------------------------------------------------------------- helpers (as in PyTorch)


def _as_tuple(inp, arg_name: str, fn_name: str):
    is_inp_tuple = True
    if not isinstance(inp, tuple):
        inp = (inp,)
        is_inp_tuple = False
    Tensor = _fg().Tensor
    for i, el in enumerate(inp):
        if not isinstance(el, Tensor):
            if is_inp_tuple:
                raise TypeError(
                    f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of "
                    f"Tensors but the value at index {i} has type {type(el)}."
                )
            raise TypeError(
                f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors "
                f"but the given {arg_name} has type {type(el)}."
            )
    return is_inp_tuple, inp


def _tuple_postprocess(res, to_unpack):
    """Unpacks a (nested) tuple of results to match how the arguments were given."""
    if isinstance(to_unpack, tuple):
        assert len(to_unpack) == 2
        if not to_unpack[1]:
            res = tuple(el[0] for el in res)
        if not to_unpack[0]:
            res = res[0]
    elif not to_unpack:
        res = res[0]
    return res


def _grad_preprocess(inputs, create_graph: bool, need_graph: bool):
    """Fresh tensors to differentiate against: differentiable copies of inputs that require grad
    under ``create_graph`` (so gradients also flow to them), detached ones otherwise."""
    res = []
    for inp in inputs:
        if create_graph and inp.requires_grad:
            res.append(inp.view_as(inp))
        else:
            res.append(inp.detach().requires_grad_(need_graph))
    return tuple(res)


def _grad_postprocess(inputs, create_graph: bool):
    Tensor = _fg().Tensor
    if isinstance(inputs[0], Tensor):
        if not create_graph:
            return tuple(inp.detach() for inp in inputs)
        return inputs
    return tuple(_grad_postprocess(inp, create_graph) for inp in inputs)


def _validate_v(v, other, is_other_tuple: bool) -> None:
    if len(other) != len(v):
        if is_other_tuple:
            raise RuntimeError(
                f"v is a tuple of invalid length: should be {len(other)} but got {len(v)}."
            )
        raise RuntimeError("The given v should contain a single Tensor.")
    for idx, (el_v, el_other) in enumerate(zip(v, other, strict=True)):
        if el_v.size() != el_other.size():
            prepend = f"Entry {idx} in " if is_other_tuple else ""
            raise RuntimeError(
                f"{prepend}v has invalid size: should be {el_other.size()} but got {el_v.size()}."
            )


def _check_requires_grad(inputs, input_type: str, strict: bool) -> None:
    if not strict:
        return
    for i, inp in enumerate(inputs):
        if inp is None:
            raise RuntimeError(
                f"The output of the user-provided function is independent of input {i}. This is "
                "not allowed in strict mode."
            )
        if not inp.requires_grad:
            if input_type == "hessian":
                raise RuntimeError(
                    f"The hessian of the user-provided function with respect to input {i} is "
                    "independent of the input. This is not allowed in strict mode. You should "
                    "ensure that your function is thrice differentiable and that the hessian "
                    "depends on the inputs."
                )
            if input_type == "jacobian":
                raise RuntimeError(
                    "While computing the hessian, found that the jacobian of the user-provided "
                    f"function with respect to input {i} is independent of the input. This is not "
                    "allowed in strict mode. You should ensure that your function is twice "
                    "differentiable and that the jacobian depends on the inputs (this would be "
                    "violated by a linear function for example)."
                )
            if input_type == "grad_inputs":
                raise RuntimeError(
                    f"The gradient with respect to input {i} is independent of the inputs of the "
                    "user-provided function. This is not allowed in strict mode."
                )
            raise RuntimeError(
                f"Output {i} of the user-provided function does not require gradients. The "
                "outputs must be computed in a differentiable manner from the input when running "
                "in strict mode."
            )


def _autograd_grad(
    outputs, inputs, grad_outputs=None, create_graph: bool = False, retain_graph=None
):
    """``grad`` over the outputs that require grad (``None`` for every input when none does)."""
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    new_outputs, new_grad_outputs = [], []
    for out, grad_out in zip(outputs, grad_outputs, strict=True):
        if out is not None and out.requires_grad:
            new_outputs.append(out)
            new_grad_outputs.append(grad_out)
    if not new_outputs:
        return (None,) * len(inputs)
    return _grad(
        new_outputs,
        list(inputs),
        new_grad_outputs,
        retain_graph=retain_graph,
        create_graph=create_graph,
        allow_unused=True,
    )


_INDEPENDENT = {
    "back": (
        "The output of the user-provided function is independent of input {i}. This is not "
        "allowed in strict mode."
    ),
    "back_trick": (
        "The gradient with respect to the input is independent of entry {i} in the grad_outputs "
        "when using the double backward trick to compute forward mode gradients. This is not "
        "allowed in strict mode."
    ),
    "forward": (
        "The output of the user-provided function is independent of input {i}. This is "
        "not allowed in strict mode."
    ),
    "double_back": (
        "The jacobian of the user-provided function is independent of input {i}. This "
        "is not allowed in strict mode."
    ),
    "double_back_trick": (
        "The hessian of the user-provided function is independent of entry {i} in the "
        "grad_jacobian. This is not allowed in strict mode as it prevents from using the double "
        "backward trick to replace forward mode AD."
    ),
}


def _fill_in_zeros(grads, refs, strict: bool, create_graph: bool, stage: str):
    """Zeros (of ``refs[i]``'s shape) where a gradient is None; raises instead under ``strict``."""
    fg = _fg()
    res = []
    for i, grads_i in enumerate(grads):
        if grads_i is None:
            if strict:
                raise RuntimeError(_INDEPENDENT[stage].format(i=i))
            grads_i = fg.zeros_like(refs[i])
        elif strict and create_graph and not grads_i.requires_grad:
            if "double" not in stage:
                raise RuntimeError(
                    f"The jacobian of the user-provided function is independent of input {i}. "
                    "This is not allowed in strict mode when create_graph=True."
                )
            raise RuntimeError(
                f"The hessian of the user-provided function is independent of input {i}. This is "
                "not allowed in strict mode when create_graph=True."
            )
        res.append(grads_i)
    return tuple(res)


# ----------------------------------------------------------------------------- vjp / jvp


def vjp(
    func: Callable[..., Any],
    inputs: Tensor | tuple[Tensor, ...],
    v: Tensor | tuple[Tensor, ...] | None = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple[Any, Any]:
    """``(func(*inputs), vᵀ·J)``: the vector-Jacobian product at ``inputs``. ``v`` has the
    outputs' shapes; it may be omitted when ``func`` returns a single one-element tensor."""
    fg = _fg()
    with fg.enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _grad_preprocess(inputs, create_graph=create_graph, need_graph=True)
        outputs = func(*inputs)
        is_outputs_tuple, outputs = _as_tuple(
            outputs, "outputs of the user-provided function", "vjp"
        )
        _check_requires_grad(outputs, "outputs", strict=strict)
        if v is not None:
            _, v = _as_tuple(v, "v", "vjp")
            v = _grad_preprocess(v, create_graph=create_graph, need_graph=False)
            _validate_v(v, outputs, is_outputs_tuple)
        elif len(outputs) != 1 or outputs[0].nelement() != 1:
            raise RuntimeError(
                "The vector v can only be None if the user-provided function returns a single "
                "Tensor with a single element."
            )
    enable_grad = True if create_graph else fg.is_grad_enabled()
    with fg.set_grad_enabled(enable_grad):
        grad_res = _autograd_grad(outputs, inputs, v, create_graph=create_graph)
        result = _fill_in_zeros(grad_res, inputs, strict, create_graph, "back")
    outputs = _grad_postprocess(outputs, create_graph)
    result = _grad_postprocess(result, create_graph)
    return _tuple_postprocess(outputs, is_outputs_tuple), _tuple_postprocess(
        result, is_inputs_tuple
    )


def jvp(
    func: Callable[..., Any],
    inputs: Tensor | tuple[Tensor, ...],
    v: Tensor | tuple[Tensor, ...] | None = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple[Any, Any]:
    """``(func(*inputs), J·v)``: the Jacobian-vector product at ``inputs``, computed in forward
    mode (dual tensors). ``v`` has the inputs' shapes; it may be omitted for a single
    one-element input."""
    fg = _fg()
    with fg.enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _grad_preprocess(inputs, create_graph=create_graph, need_graph=create_graph)
        if v is not None:
            _, v = _as_tuple(v, "v", "jvp")
            v = _grad_preprocess(v, create_graph=create_graph, need_graph=False)
            _validate_v(v, inputs, is_inputs_tuple)
        else:
            if len(inputs) != 1 or inputs[0].nelement() != 1:
                raise RuntimeError(
                    "The vector v can only be None if the input to the user-provided function is "
                    "a single Tensor with a single element."
                )
            v = (fg.ones_like(inputs[0]),)
        with fg.set_grad_enabled(create_graph), fwAD.dual_level():
            duals = tuple(fwAD.make_dual(inp, t) for inp, t in zip(inputs, v, strict=True))
            outputs = func(*duals)
            is_outputs_tuple, outputs = _as_tuple(
                outputs, "outputs of the user-provided function", "jvp"
            )
            unpacked = [fwAD.unpack_dual(out) for out in outputs]
        outputs = tuple(u.primal for u in unpacked)
        tangents = []
        for i, u in enumerate(unpacked):
            if u.tangent is None:
                if strict:
                    raise RuntimeError(
                        f"Output {i} of the user-provided function is independent of the inputs. "
                        "This is not allowed in strict mode."
                    )
                tangents.append(fg.zeros_like(u.primal))
            else:
                if strict and create_graph and not u.tangent.requires_grad:
                    raise RuntimeError(
                        f"The jacobian-vector product of output {i} is independent of the inputs. "
                        "This is not allowed in strict mode when create_graph=True."
                    )
                tangents.append(u.tangent)
    outputs = _grad_postprocess(outputs, create_graph)
    tangents = _grad_postprocess(tuple(tangents), create_graph)
    return _tuple_postprocess(outputs, is_outputs_tuple), _tuple_postprocess(
        tangents, is_outputs_tuple
    )


# ----------------------------------------------------------------------------- jacobian / hessian


def _jacfwd(func, inputs, strict: bool = False, vectorize: bool = False):
    """The Jacobian in forward mode: one dual evaluation per input element."""
    if strict:
        raise RuntimeError(
            "torch.autograd.functional.jacobian: `strict=True` and `strategy='forward-mode'` are "
            "not supported together (yet). Please either set `strict=False` or "
            "`strategy='reverse-mode'`."
        )
    fg = _fg()
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
    # Fresh leaves: `func` (e.g. hessian's inner jacobian) may flip their requires_grad.
    inputs = tuple(inp.detach() for inp in inputs)
    # columns[j][i]: the tangents of output i along each basis direction of input j
    columns = []
    outputs = None
    is_outputs_tuple = False
    for j, inp in enumerate(inputs):
        cols_j = None
        for k in range(inp.nelement()):
            basis = fg.zeros(inp.nelement(), dtype=inp.dtype)
            basis[k] = 1.0
            with fwAD.dual_level():
                args = tuple(
                    fwAD.make_dual(x, basis.reshape(x.shape)) if i == j else x.detach()
                    for i, x in enumerate(inputs)
                )
                out = func(*args)
                is_outputs_tuple, outs = _as_tuple(
                    out, "outputs of the user-provided function", "jacobian"
                )
                unpacked = [fwAD.unpack_dual(o) for o in outs]
            if outputs is None:
                outputs = tuple(u.primal for u in unpacked)
            if cols_j is None:
                cols_j = [[] for _ in unpacked]
            for i, u in enumerate(unpacked):
                cols_j[i].append(
                    u.tangent.detach() if u.tangent is not None else fg.zeros_like(u.primal)
                )
        if cols_j is None:  # an empty input: evaluate once for the output shapes
            if outputs is None:
                out = func(*inputs)
                is_outputs_tuple, outputs = _as_tuple(
                    out, "outputs of the user-provided function", "jacobian"
                )
            cols_j = [[] for _ in outputs]
        columns.append(cols_j)
    if outputs is None:
        out = func(*inputs)
        is_outputs_tuple, outputs = _as_tuple(
            out, "outputs of the user-provided function", "jacobian"
        )
    jacobian = []
    for i, out in enumerate(outputs):
        row = []
        for j, inp in enumerate(inputs):
            cols = columns[j][i]
            if cols:
                # stacked along the last dim: (out..., n_in) -> (out..., in...)
                jac = fg.stack(cols, dim=-1) if out.dim() > 0 else fg.stack(cols, dim=0)
                jac = jac.reshape(tuple(out.shape) + tuple(inp.shape))
            else:
                jac = fg.zeros(tuple(out.shape) + tuple(inp.shape), dtype=out.dtype)
            row.append(jac.detach())
        jacobian.append(tuple(row))
    return _tuple_postprocess(tuple(jacobian), (is_outputs_tuple, is_inputs_tuple))


def jacobian(
    func: Callable[..., Any],
    inputs: Tensor | tuple[Tensor, ...],
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    strategy: str = "reverse-mode",
) -> Any:
    """The Jacobian of ``func`` at ``inputs``: for output ``i`` and input ``j``, a tensor of
    shape ``outputs[i].shape + inputs[j].shape`` (nested tuples follow how ``inputs`` and the
    outputs were given). ``strategy`` is ``"reverse-mode"`` (one backward per output element) or
    ``"forward-mode"`` (one dual evaluation per input element; not with ``create_graph`` or
    ``strict``)."""
    if strategy not in ("forward-mode", "reverse-mode"):
        raise ValueError(
            'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
            'function has more outputs than inputs, "forward-mode" tends to be more performant. '
            'Otherwise, prefer to use "reverse-mode".'
        )
    if strategy == "forward-mode":
        if create_graph:
            raise NotImplementedError(
                "torch.autograd.functional.jacobian: `create_graph=True` and "
                "`strategy='forward-mode'` are not supported together (yet). Please either set "
                "`create_graph=False` or `strategy='reverse-mode'`."
            )
        return _jacfwd(func, inputs, strict, vectorize)
    if strict and vectorize:
        raise RuntimeError(
            "torch.autograd.functional.jacobian: `strict=True` and `vectorize=True` are not "
            "supported together. Please either set `strict=False` or `vectorize=False`."
        )
    fg = _fg()
    with fg.enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _grad_preprocess(inputs, create_graph=create_graph, need_graph=True)
        outputs = func(*inputs)
        is_outputs_tuple, outputs = _as_tuple(
            outputs, "outputs of the user-provided function", "jacobian"
        )
        _check_requires_grad(outputs, "outputs", strict=strict)
        jacobian_ = []
        for i, out in enumerate(outputs):
            jac_i = tuple([] for _ in range(len(inputs)))
            flat = out.reshape(-1)
            for j in range(out.nelement()):
                vj = _autograd_grad(
                    (flat[j],), inputs, retain_graph=True, create_graph=create_graph
                )
                for el_idx, (jac_i_el, vj_el, inp_el) in enumerate(
                    zip(jac_i, vj, inputs, strict=True)
                ):
                    if vj_el is not None:
                        if strict and create_graph and not vj_el.requires_grad:
                            raise RuntimeError(
                                "The jacobian of the user-provided function is independent of "
                                f"input {i}. This is not allowed in strict mode when "
                                "create_graph=True."
                            )
                        jac_i_el.append(vj_el)
                    else:
                        if strict:
                            raise RuntimeError(
                                f"Output {i} of the user-provided function is independent of "
                                f"input {el_idx}. This is not allowed in strict mode."
                            )
                        jac_i_el.append(fg.zeros_like(inp_el))
            jacobian_.append(
                tuple(
                    fg.stack(jac_i_el, dim=0).view(tuple(out.shape) + tuple(inputs[el_idx].shape))
                    if jac_i_el
                    else fg.zeros(tuple(out.shape) + tuple(inputs[el_idx].shape), dtype=out.dtype)
                    for el_idx, jac_i_el in enumerate(jac_i)
                )
            )
        jacobian_ = _grad_postprocess(tuple(jacobian_), create_graph)
        return _tuple_postprocess(jacobian_, (is_outputs_tuple, is_inputs_tuple))


def hessian(
    func: Callable[..., Any],
    inputs: Tensor | tuple[Tensor, ...],
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    outer_jacobian_strategy: str = "reverse-mode",
) -> Any:
    """The Hessian of a scalar function: for inputs ``i`` and ``j``, a tensor of shape
    ``inputs[i].shape + inputs[j].shape``. ``outer_jacobian_strategy="forward-mode"`` computes
    it forward-over-reverse."""
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise ValueError('Expected strategy to be either "forward-mode" or "reverse-mode".')

    def ensure_single_output_function(*inp):
        out = func(*inp)
        is_out_tuple, t_out = _as_tuple(out, "outputs of the user-provided function", "hessian")
        _check_requires_grad(t_out, "outputs", strict=strict)
        if is_out_tuple or not isinstance(out, _fg().Tensor):
            raise RuntimeError("The function given to hessian should return a single Tensor")
        if out.nelement() != 1:
            raise RuntimeError(
                "The Tensor returned by the function given to hessian should contain a single "
                "element"
            )
        return out.squeeze()

    def jac_func(*inp):
        if outer_jacobian_strategy == "forward-mode":
            # the inner jacobian must differentiate (and keep) the dual inputs, not detached copies
            inp = tuple(t.requires_grad_(True) for t in inp)
        jac = jacobian(ensure_single_output_function, inp, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict=strict)
        return jac

    res = jacobian(
        jac_func,
        inputs,
        create_graph=create_graph,
        strict=strict,
        vectorize=vectorize,
        strategy=outer_jacobian_strategy,
    )
    return _tuple_postprocess(res, (is_inputs_tuple, is_inputs_tuple))


# ----------------------------------------------------------------------------- hvp / vhp


def _scalar_function_setup(func, inputs, v, create_graph: bool, strict: bool, fn_name: str):
    fg = _fg()
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", fn_name)
    inputs = _grad_preprocess(inputs, create_graph=create_graph, need_graph=True)
    if v is not None:
        _, v = _as_tuple(v, "v", fn_name)
        v = _grad_preprocess(v, create_graph=create_graph, need_graph=False)
        _validate_v(v, inputs, is_inputs_tuple)
    elif len(inputs) != 1 or inputs[0].nelement() != 1:
        raise RuntimeError(
            "The vector v can only be None if the input to the user-provided function is a "
            "single Tensor with a single element."
        )
    outputs = func(*inputs)
    is_outputs_tuple, outputs = _as_tuple(outputs, "outputs of the user-provided function", fn_name)
    _check_requires_grad(outputs, "outputs", strict=strict)
    if is_outputs_tuple or not isinstance(outputs[0], fg.Tensor):
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    if outputs[0].nelement() != 1:
        raise RuntimeError(
            f"The Tensor returned by the function given to {fn_name} should contain a single "
            "element"
        )
    jac = _autograd_grad(outputs, inputs, create_graph=True)
    _check_requires_grad(jac, "jacobian", strict=strict)
    return is_inputs_tuple, is_outputs_tuple, inputs, v, outputs, jac


def vhp(
    func: Callable[..., Any],
    inputs: Tensor | tuple[Tensor, ...],
    v: Tensor | tuple[Tensor, ...] | None = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple[Any, Any]:
    """``(func(*inputs), vᵀ·H)`` for a scalar function: the vector-Hessian product."""
    fg = _fg()
    with fg.enable_grad():
        is_inputs_tuple, is_outputs_tuple, inputs, v, outputs, jac = _scalar_function_setup(
            func, inputs, v, create_graph, strict, "vhp"
        )
    enable_grad = True if create_graph else fg.is_grad_enabled()
    with fg.set_grad_enabled(enable_grad):
        grad_res = _autograd_grad(jac, inputs, v, create_graph=create_graph)
        result = _fill_in_zeros(grad_res, inputs, strict, create_graph, "double_back")
    outputs = _grad_postprocess(outputs, create_graph)
    result = _grad_postprocess(result, create_graph)
    return _tuple_postprocess(outputs, is_outputs_tuple), _tuple_postprocess(
        result, is_inputs_tuple
    )


def hvp(
    func: Callable[..., Any],
    inputs: Tensor | tuple[Tensor, ...],
    v: Tensor | tuple[Tensor, ...] | None = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple[Any, Any]:
    """``(func(*inputs), H·v)`` for a scalar function: the Hessian-vector product (by the double
    backward trick, as PyTorch; equal to ``vhp`` for twice continuously differentiable
    functions)."""
    fg = _fg()
    with fg.enable_grad():
        is_inputs_tuple, is_outputs_tuple, inputs, v, outputs, jac = _scalar_function_setup(
            func, inputs, v, create_graph, strict, "hvp"
        )
        grad_jac = tuple(fg.zeros_like(inp, requires_grad=True) for inp in inputs)
        double_back = _autograd_grad(jac, inputs, grad_jac, create_graph=True)
        _check_requires_grad(jac, "hessian", strict=strict)
    enable_grad = True if create_graph else fg.is_grad_enabled()
    with fg.set_grad_enabled(enable_grad):
        grad_res = _autograd_grad(double_back, grad_jac, v, create_graph=create_graph)
        result = _fill_in_zeros(grad_res, inputs, strict, create_graph, "double_back_trick")
    outputs = _grad_postprocess(outputs, create_graph)
    result = _grad_postprocess(result, create_graph)
    return _tuple_postprocess(outputs, is_outputs_tuple), _tuple_postprocess(
        result, is_inputs_tuple
    )
