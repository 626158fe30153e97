"""Attention in functional form: ``scaled_dot_product_attention`` and
``multi_head_attention_forward`` (what ``nn.MultiheadAttention`` runs), exported by
``nn.functional``.

``scaled_dot_product_attention`` runs as the engine's fused op (``_core.
scaled_dot_product_attention``: one Rust kernel forward and one backward, queries and keys in
tiles with an online softmax, so no ``(L, S)`` score matrix is held) wherever it can: float32
and float64 on the CPU, ``dropout_p < 1``, a mask that needs no gradient, no
``__torch_function__`` mode. Its dropout mask is not stored either: a seed and offset drawn
from the default generator key a counter-based generator that the backward pass replays.
Elsewhere it is composed of the engine's differentiable ops (matrix products, ``where``, the
Rust softmax), as ``multi_head_attention_forward`` is. Both have gradients of every order (the
fused op's double backward is composed).
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from .. import _core, _creation, _random
from .._autocast import _active as _autocast_active, lower_precision
from .._base import TensorBase
from .._broadcast import common_shape
from .._dtype import bool_, float32, float64
from .._tensor_functions import cat
from ..autograd.grad_mode import is_grad_enabled
from ..overrides import _plain_tensors, has_torch_function
from . import attention, functional as F
from .attention import SDPBackend

__all__ = ["multi_head_attention_forward", "scaled_dot_product_attention"]

_NEG_INF = float("-inf")


def _dtype_name(dtype) -> str:
    return str(dtype).rsplit(".", 1)[-1]


def _none_or_dtype(input):
    """The dtype of ``input``, or ``None`` when it is ``None``."""
    if input is None:
        return None
    if isinstance(input, TensorBase):
        return input.dtype
    raise RuntimeError("input to _none_or_dtype() must be None or torch.Tensor")


def _canonical_mask(
    mask, mask_name: str, other_type, other_name: str, target_type, check_other: bool = True
):
    """An attention mask as an additive float mask of ``target_type``: a boolean mask (``True``
    meaning "may not attend", as ``nn.MultiheadAttention`` reads it) becomes ``-inf`` where
    ``True`` and ``0`` elsewhere; a float mask is returned as it is."""
    if mask is None:
        return None
    if mask.dtype != bool_ and not mask.is_floating_point():
        raise AssertionError(f"only bool and floating types of {mask_name} are supported")
    if check_other and other_type is not None and mask.dtype != other_type:
        warnings.warn(
            f"Support for mismatched {mask_name} and {other_name} is deprecated. Use same type "
            "for both instead.",
            stacklevel=3,
        )
    if mask.is_floating_point():
        return mask
    zeros = _creation.zeros(*mask.shape, dtype=target_type, device=mask.device)
    return zeros.masked_fill(mask, _NEG_INF)


def _masked_softmax(scores, dead_rows):
    """Softmax over the last dimension, with rows that every key is masked out of (``dead_rows``,
    broadcastable to ``scores`` with a last dimension of 1) giving zeros rather than NaN, in the
    forward pass and the backward pass alike."""
    from ..onnx import is_in_onnx_export

    if dead_rows is None:
        return scores.softmax(-1)
    # exported, the mask's values are not known: the masked form is exact either way
    if not is_in_onnx_export() and not bool(dead_rows.any()):
        return scores.softmax(-1)
    alive = dead_rows.logical_not()
    return scores.where(alive, 0.0).softmax(-1).where(alive, 0.0)


def _check_sdpa_inputs(query, key, value, attn_mask, dropout_p, is_causal) -> None:
    for name, t in (("query", query), ("key", key), ("value", value)):
        if not isinstance(t, TensorBase):
            raise TypeError(
                f"scaled_dot_product_attention(): argument '{name}' must be Tensor, not "
                f"{type(t).__name__}"
            )
    if min(query.ndim, key.ndim, value.ndim) < 2:
        raise RuntimeError(
            "Expected query, key, and value to all be at least 2 dimensional, but got query.dim: "
            f"{query.ndim} key.dim: {key.ndim} and value.dim: {value.ndim} instead."
        )
    if not query.dtype == key.dtype == value.dtype:
        raise RuntimeError(
            "Expected query, key, and value to have the same dtype, but got query.dtype: "
            f"{_dtype_name(query.dtype)} key.dtype: {_dtype_name(key.dtype)} and value.dtype: "
            f"{_dtype_name(value.dtype)} instead."
        )
    if not query.is_floating_point():
        raise RuntimeError(
            "scaled_dot_product_attention(): expected floating point inputs, got "
            f"{_dtype_name(query.dtype)}"
        )
    if dropout_p > 1.0:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {dropout_p}")
    if not dropout_p >= 0.0:
        # PyTorch's words: a negative or NaN probability reaches its CPU flash kernel
        raise RuntimeError(
            "scaled_dot_product_attention_flash_attention: Currently do not support dropout > 0"
        )
    if attn_mask is not None:
        if is_causal:
            raise RuntimeError(
                "_scaled_dot_product_attention: Explicit attn_mask should not be set when "
                "is_causal=True"
            )
        if attn_mask.dtype != bool_ and attn_mask.dtype != query.dtype:
            raise RuntimeError(
                "Expected attn_mask dtype to be bool or float or to match query dtype, but got "
                f"attn_mask.dtype: {_dtype_name(attn_mask.dtype)} and  query.dtype: "
                f"{_dtype_name(query.dtype)} instead."
            )
    if key.shape[-1] != query.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise RuntimeError(
            f"scaled_dot_product_attention(): query {tuple(query.shape)}, key "
            f"{tuple(key.shape)} and value {tuple(value.shape)} do not fit: key needs the "
            "query's last dimension and as many rows as value"
        )


def _with_batch(t, ndim: int, batch) -> TensorBase:
    """``t`` with ``ndim`` dimensions whose batch dimensions (all but the last two) are
    ``batch``, by adding leading dimensions and expanding."""
    if t.ndim < ndim:
        t = t.reshape((1,) * (ndim - t.ndim) + tuple(t.shape))
    shape = tuple(batch) + tuple(t.shape[-2:])
    return t if tuple(t.shape) == shape else t.expand(shape)


def _common_batch(query, key, value, attn_mask, groups: int) -> tuple:
    """The batch dimensions query, key and value broadcast to (key and value heads counted as
    ``groups`` query heads each); raises PyTorch's error where they, or the mask, do not."""
    ndim = max(query.ndim, key.ndim, value.ndim)

    def batch_of(t, heads_per_head: int = 1) -> tuple:
        batch = [1] * (ndim - t.ndim) + list(t.shape[:-2])
        batch[-1:] = [size * heads_per_head for size in batch[-1:]]
        return tuple(batch)

    shapes = [batch_of(query), batch_of(key, groups), batch_of(value, groups)]
    batch = tuple(common_shape(shapes, tensor_message=True))
    if attn_mask is not None:
        common_shape(
            [(*batch, query.shape[-2], key.shape[-2]), tuple(attn_mask.shape)],
            tensor_message=True,
        )
    return batch


def _fused_operands(query, key, value, attn_mask, groups: int, batch: tuple):
    """``(query, key, value, additive mask)`` as the fused op takes them (the common batch
    dimensions ``batch``, key and value with ``1/groups`` of the query's heads, the mask in the
    query's dtype), or ``None`` where the composed form must run: dtypes and devices the kernel
    lacks, a mask that needs a gradient or a tangent, ``__torch_function__`` modes, an
    ``sdpa_kernel`` block without ``FLASH_ATTENTION``."""
    dtype = query.dtype
    if dtype not in (float32, float64) or query.device.type != "cpu":
        return None
    # `sdpa_kernel(SDPBackend.MATH)` asks for the composed form, as PyTorch's math kernel
    if SDPBackend.FLASH_ATTENTION not in attention._active:
        return None
    if has_torch_function([t for t in (query, key, value, attn_mask) if t is not None]):
        return None
    if attn_mask is not None:
        if attn_mask.device.type != "cpu":
            return None
        if attn_mask.dtype != bool_ and (
            attn_mask.dtype != dtype
            or (attn_mask.requires_grad and is_grad_enabled())
            or _core.current_dual_level() is not None
        ):
            return None
    ndim = max(query.ndim, key.ndim, value.ndim)
    kv_batch = batch
    if groups > 1:
        if key.shape[-3] * groups != batch[-1] or value.shape[-3] * groups != batch[-1]:
            return None
        kv_batch = (*batch[:-1], batch[-1] // groups)
    mask = attn_mask
    if mask is not None and mask.dtype == bool_:
        mask = _creation.zeros(*mask.shape, dtype=dtype).masked_fill(mask.logical_not(), _NEG_INF)
    elif mask is not None:
        mask = mask.detach()
    return (
        _with_batch(query, ndim, batch),
        _with_batch(key, ndim, kv_batch),
        _with_batch(value, ndim, kv_batch),
        mask,
    )


def _plain_self_attention(query, key, value) -> bool:
    """Whether the fused op takes ``query``, ``key`` and ``value`` as they are: tensors of one
    shape (at least 2-D), one float dtype it computes and the CPU, none overriding
    ``__torch_function__``, no autocast region and the flash backend allowed. Then none of the
    general path's checks can fail and nothing needs broadcasting (each token of a generation
    calls this)."""
    return (
        query is not None
        and key is not None
        and value is not None
        # tensors of ferrograd's classes (a set lookup each), no override or mode
        and _plain_tensors(query, key, value)
        and len(query._shape) >= 2
        and query._shape == key._shape == value._shape
        and query._dtype in ("float32", "float64")
        and query._dtype == key._dtype == value._dtype
        and query._device == key._device == value._device == "cpu"
        and not _autocast_active[0]
        and SDPBackend.FLASH_ATTENTION in attention._active
    )


def _dropout_key() -> tuple[int, int]:
    """A seed (64 bits) and an offset (32 bits) for the fused op's dropout mask, drawn from the
    default generator: ``manual_seed`` makes the masks reproducible, and each call gets a new
    one."""
    seed, offset = _random.numpy_rng().integers(0, 1 << 64, size=2, dtype=np.uint64)
    return int(seed), int(offset) >> 32


def _dropped(weights, dropout_p: float, operands):
    """Dropout of the composed form's ``weights``: on the CPU the fused op's mask (the same
    generator state gives the same mask either way), else ``F.dropout``'s (also where
    ``__torch_function__`` takes the calls, so that the dropout is seen)."""
    traced = has_torch_function([t for t in operands if t is not None])
    if dropout_p >= 1.0 or traced or weights.device.type != "cpu":
        return F.dropout(weights, dropout_p, True)
    factors = _core.attention_dropout_factors(
        weights, list(weights.shape), float(dropout_p), *_dropout_key()
    )
    return weights * factors


def scaled_dot_product_attention(
    query,
    key,
    value,
    attn_mask=None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale=None,
    enable_gqa: bool = False,
):
    """``softmax(query @ key^T * scale + mask) @ value`` over the last two dimensions
    (``(..., L, E)``, ``(..., S, E)``, ``(..., S, Ev)`` -> ``(..., L, Ev)``).

    ``attn_mask``: a boolean mask (``True`` = may attend) or a float mask added to the scores,
    broadcast to ``(..., L, S)``. ``is_causal``: query ``i`` attends to keys ``0..i`` (no
    ``attn_mask`` then). ``scale`` defaults to ``1/sqrt(E)``. ``dropout_p`` is applied to the
    attention weights whenever it is positive, whatever the module's mode. ``enable_gqa``:
    key and value may have fewer heads (dim -3) than query, shared by groups of query heads.
    A query that may attend to no key gets zeros, not NaN.
    """
    if attn_mask is None and dropout_p == 0.0 and _plain_self_attention(query, key, value):
        size = query._shape[-1]
        if scale is None:
            scale = 1.0 / math.sqrt(size) if size else 1.0
        return _core.scaled_dot_product_attention(query, key, value, None, is_causal, float(scale))
    _check_sdpa_inputs(query, key, value, attn_mask, dropout_p, is_causal)
    query, key, value, attn_mask = lower_precision(query, key, value, attn_mask)
    groups = 1
    if enable_gqa and query.ndim >= 3 and key.ndim >= 3:
        heads, kv_heads = query.shape[-3], key.shape[-3]
        if kv_heads == 0 or heads % kv_heads or value.shape[-3] != kv_heads:
            raise RuntimeError(
                "Number of heads in key and value must divide the number of heads in query"
            )
        groups = heads // kv_heads
    if scale is None:
        scale = 1.0 / math.sqrt(query.shape[-1]) if query.shape[-1] else 1.0
    batch = _common_batch(query, key, value, attn_mask, groups)
    if dropout_p < 1.0:
        fused = _fused_operands(query, key, value, attn_mask, groups, batch)
        if fused is not None:
            if dropout_p == 0.0:
                return _core.scaled_dot_product_attention(*fused, is_causal, float(scale))
            seed, offset = _dropout_key()
            return _core.scaled_dot_product_attention(
                *fused, is_causal, float(scale), float(dropout_p), seed, offset
            )
    if groups > 1:
        key = key.repeat_interleave(groups, -3)
        value = value.repeat_interleave(groups, -3)
    target, source = query.shape[-2], key.shape[-2]
    scores = (query * scale) @ key.transpose(-2, -1)
    dead_rows = None
    if is_causal:
        keep = _creation.ones(target, source, dtype="bool", device=query.device).tril()
        scores = scores.where(keep, _NEG_INF)
    elif attn_mask is not None:
        if attn_mask.dtype == bool_:
            scores = scores.where(attn_mask, _NEG_INF)
            dead_rows = attn_mask.logical_not().all(-1, keepdim=True)
        else:
            scores = scores + attn_mask.to(scores.dtype)
            dead_rows = (attn_mask == _NEG_INF).all(-1, keepdim=True)
    weights = _masked_softmax(scores, dead_rows)
    if dropout_p > 0.0:
        weights = _dropped(weights, dropout_p, (query, key, value, attn_mask))
    return weights @ value


# --- multi-head attention ----------------------------------------------------------------------


def _in_projection(query, key, value, embed_dim, packed_weight, bias, separate_weights):
    """The query, key and value projections. With one packed ``(3E, E)`` weight and the same
    tensor as query, key and value (self-attention), one matrix product makes all three."""
    biases = (None, None, None) if bias is None else bias.chunk(3)
    if separate_weights is None:
        if query is key and key is value:
            projected = F.linear(query, packed_weight, bias)
            return tuple(projected.unflatten(-1, (3, embed_dim)).unbind(-2))
        separate_weights = packed_weight.chunk(3)
    return tuple(
        F.linear(x, w, b)
        for x, w, b in zip((query, key, value), separate_weights, biases, strict=True)
    )


def _check_mha_shapes(query, key, value, key_padding_mask, attn_mask, num_heads) -> bool:
    """PyTorch's shape checks; returns whether the input is batched."""
    if query.ndim == 3:
        if key.ndim != 3 or value.ndim != 3:
            raise AssertionError(
                "For batched (3-D) `query`, expected `key` and `value` to be 3-D but found "
                f"{key.ndim}-D and {value.ndim}-D tensors respectively"
            )
        if key_padding_mask is not None and key_padding_mask.ndim != 2:
            raise AssertionError(
                "For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D but "
                f"found {key_padding_mask.ndim}-D tensor instead"
            )
        if attn_mask is not None and attn_mask.ndim not in (2, 3):
            raise AssertionError(
                "For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but "
                f"found {attn_mask.ndim}-D tensor instead"
            )
        return True
    if query.ndim == 2:
        if key.ndim != 2 or value.ndim != 2:
            raise AssertionError(
                "For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found "
                f"{key.ndim}-D and {value.ndim}-D tensors respectively"
            )
        if key_padding_mask is not None and key_padding_mask.ndim != 1:
            raise AssertionError(
                "For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D "
                f"but found {key_padding_mask.ndim}-D tensor instead"
            )
        if attn_mask is not None:
            if attn_mask.ndim not in (2, 3):
                raise AssertionError(
                    "For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D "
                    f"but found {attn_mask.ndim}-D tensor instead"
                )
            if attn_mask.ndim == 3:
                expected = (num_heads, query.shape[0], key.shape[0])
                if tuple(attn_mask.shape) != expected:
                    raise AssertionError(
                        f"Expected `attn_mask` shape to be {expected} but got "
                        f"{tuple(attn_mask.shape)}"
                    )
        return False
    raise AssertionError(
        f"query should be unbatched 2D or batched 3D tensor but received {query.ndim}-D query "
        "tensor"
    )


def _heads_mask(attn_mask, target: int, source: int, batch_heads: int):
    """``attn_mask`` as ``(1 or B*H, L, S)``, checked against PyTorch's shapes."""
    if attn_mask.ndim == 2:
        if tuple(attn_mask.shape) != (target, source):
            raise RuntimeError(
                f"The shape of the 2D attn_mask is {tuple(attn_mask.shape)}, but should be "
                f"{(target, source)}."
            )
        return attn_mask.unsqueeze(0)
    if attn_mask.ndim == 3:
        if tuple(attn_mask.shape) != (batch_heads, target, source):
            raise RuntimeError(
                f"The shape of the 3D attn_mask is {tuple(attn_mask.shape)}, but should be "
                f"{(batch_heads, target, source)}."
            )
        return attn_mask
    raise RuntimeError(f"attn_mask's dimension {attn_mask.ndim} is not supported")


def _pad_last(mask):
    """``mask`` with one more (unmasked) column, for an extra key."""
    if mask is None:
        return None
    column = _creation.zeros(*mask.shape[:-1], 1, dtype=mask.dtype, device=mask.device)
    return cat([mask, column], -1)


def multi_head_attention_forward(
    query,
    key,
    value,
    embed_dim_to_check: int,
    num_heads: int,
    in_proj_weight,
    in_proj_bias,
    bias_k,
    bias_v,
    add_zero_attn: bool,
    dropout_p: float,
    out_proj_weight,
    out_proj_bias,
    training: bool = True,
    key_padding_mask=None,
    need_weights: bool = True,
    attn_mask=None,
    use_separate_proj_weight: bool = False,
    q_proj_weight=None,
    k_proj_weight=None,
    v_proj_weight=None,
    static_k=None,
    static_v=None,
    average_attn_weights: bool = True,
    is_causal: bool = False,
):
    """Multi-head attention on sequence-first inputs: query ``(L, N, E)``, key ``(S, N, kdim)``,
    value ``(S, N, vdim)`` (or unbatched ``(L, E)``, ...). Returns the output ``(L, N, E)`` and,
    with ``need_weights``, the attention weights ``(N, L, S)`` averaged over heads (or
    ``(N, num_heads, L, S)`` with ``average_attn_weights=False``), else ``None``.

    Masks: ``key_padding_mask`` ``(N, S)`` and ``attn_mask`` ``(L, S)`` or ``(N*num_heads, L,
    S)``; boolean ``True`` means "may not attend", a float mask is added to the scores.
    ``is_causal`` is a hint that ``attn_mask`` is the causal mask, which it then must be.
    """
    batched = _check_mha_shapes(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    target, batch, embed_dim = query.shape
    source = key.shape[0]
    key_padding_mask = _canonical_mask(
        key_padding_mask,
        "key_padding_mask",
        _none_or_dtype(attn_mask),
        "attn_mask",
        query.dtype,
    )
    if is_causal and attn_mask is None:
        raise RuntimeError(
            "Need attn_mask if specifying the is_causal hint. You may use the Transformer module "
            "method `generate_square_subsequent_mask` to create this mask."
        )
    if is_causal and key_padding_mask is None and not need_weights:
        # the hint alone says what the mask holds, and attention applies it without reading it
        attn_mask = None
    else:
        attn_mask = _canonical_mask(attn_mask, "attn_mask", None, "", query.dtype, False)
        if key_padding_mask is not None:
            is_causal = False
    if embed_dim != embed_dim_to_check:
        raise AssertionError(
            f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}"
        )
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        if tuple(key.shape[:2]) != tuple(value.shape[:2]):
            raise AssertionError(
                f"key's sequence and batch dims {tuple(key.shape[:2])} do not match value's "
                f"{tuple(value.shape[:2])}"
            )
        separate = (q_proj_weight, k_proj_weight, v_proj_weight)
    else:
        if tuple(key.shape) != tuple(value.shape):
            raise AssertionError(
                f"key shape {tuple(key.shape)} does not match value shape {tuple(value.shape)}"
            )
        separate = None
    q, k, v = _in_projection(query, key, value, embed_dim, in_proj_weight, in_proj_bias, separate)

    batch_heads = batch * num_heads
    if attn_mask is not None:
        attn_mask = _heads_mask(attn_mask, target, source, batch_heads)
    if bias_k is not None and bias_v is not None:
        if static_k is not None or static_v is not None:
            raise AssertionError("bias cannot be added to static key and value.")
        k = cat([k, bias_k.expand(1, batch, embed_dim)])
        v = cat([v, bias_v.expand(1, batch, embed_dim)])
        attn_mask, key_padding_mask = _pad_last(attn_mask), _pad_last(key_padding_mask)
    elif bias_k is not None or bias_v is not None:
        raise AssertionError("bias_k and bias_v must both be given or both be None")

    # (L, N, E) -> (N * heads, L, head_dim)
    q = q.reshape(target, batch_heads, head_dim).transpose(0, 1)
    k = _heads_first(k, static_k, batch_heads, head_dim, "k")
    v = _heads_first(v, static_v, batch_heads, head_dim, "v")
    if add_zero_attn:
        zeros = _creation.zeros(batch_heads, 1, head_dim, dtype=q.dtype, device=q.device)
        k, v = cat([k, zeros], 1), cat([v, zeros], 1)
        attn_mask, key_padding_mask = _pad_last(attn_mask), _pad_last(key_padding_mask)
    source = k.shape[1]

    if key_padding_mask is not None:
        if tuple(key_padding_mask.shape) != (batch, source):
            raise AssertionError(
                f"Expected key_padded_mask.shape[1] to be {source}, but got "
                f"{key_padding_mask.shape[-1]}"
                if key_padding_mask.ndim == 2 and key_padding_mask.shape[0] == batch
                else f"expecting key_padding_mask shape of {(batch, source)}, but got "
                f"{tuple(key_padding_mask.shape)}"
            )
        per_head = (
            key_padding_mask.reshape(batch, 1, 1, source)
            .expand(batch, num_heads, 1, source)
            .reshape(batch_heads, 1, source)
        )
        attn_mask = per_head if attn_mask is None else attn_mask + per_head
    if not training:
        dropout_p = 0.0

    if need_weights:
        scores = (q * (1.0 / math.sqrt(head_dim))) @ k.transpose(-2, -1)
        if attn_mask is not None:
            scores = scores + attn_mask
        weights = scores.softmax(-1)
        if dropout_p > 0.0:
            weights = F.dropout(weights, dropout_p, True)
        out = weights @ v  # (N * heads, L, head_dim)
        out = out.transpose(0, 1).reshape(target * batch, embed_dim)
        out = F.linear(out, out_proj_weight, out_proj_bias).reshape(target, batch, embed_dim)
        weights = weights.reshape(batch, num_heads, target, source)
        if average_attn_weights:
            weights = weights.mean(1)
        if not batched:
            out, weights = out.squeeze(1), weights.squeeze(0)
        return out, weights

    if attn_mask is not None:
        if attn_mask.shape[0] == 1:
            attn_mask = attn_mask.unsqueeze(0)
        else:
            attn_mask = attn_mask.reshape(batch, num_heads, -1, source)
    q = q.reshape(batch, num_heads, target, head_dim)
    k = k.reshape(batch, num_heads, source, head_dim)
    v = v.reshape(batch, num_heads, source, head_dim)
    out = scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal)
    out = out.permute(2, 0, 1, 3).reshape(batch * target, embed_dim)
    out = F.linear(out, out_proj_weight, out_proj_bias).reshape(target, batch, embed_dim)
    if not batched:
        out = out.squeeze(1)
    return out, None


def _heads_first(x, static, batch_heads: int, head_dim: int, name: str):
    """A projected key or value ``(S, N, E)`` as ``(N * heads, S, head_dim)``, or the given
    ``static_k``/``static_v`` (already in that layout) after checking its shape."""
    if static is None:
        return x.reshape(x.shape[0], batch_heads, head_dim).transpose(0, 1)
    if static.shape[0] != batch_heads:
        raise AssertionError(
            f"expecting static_{name}.size(0) of {batch_heads}, but got {static.shape[0]}"
        )
    if static.shape[2] != head_dim:
        raise AssertionError(
            f"expecting static_{name}.size(2) of {head_dim}, but got {static.shape[2]}"
        )
    return static
