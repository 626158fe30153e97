"""The neural-network functions PyTorch also has at the top level (``torch.conv2d``,
``torch.max_pool2d``, ``torch.layer_norm``, ``torch.dropout``, ``torch.embedding``, ...).

In PyTorch these are the same operators ``torch.nn.functional`` calls, so here they are the
``ferrograd.nn.functional`` functions themselves where the signatures agree, and small
adapters where the top-level form orders its arguments differently (``torch.embedding`` takes
the weight first; ``torch.batch_norm`` the affine parameters before the running statistics;
``torch.dropout`` requires ``train``). A name is bound only when ``nn.functional`` has the
function.
"""

from __future__ import annotations

from .nn import functional as F

#: Same signature at the top level as in nn.functional (leading arguments).
_SAME = """
    conv1d conv2d conv3d conv_transpose1d conv_transpose2d conv_transpose3d
    avg_pool1d max_pool1d max_pool2d max_pool3d adaptive_avg_pool1d
    celu selu threshold hardshrink prelu rrelu
    pixel_shuffle pixel_unshuffle channel_shuffle pairwise_distance pdist bilinear
    layer_norm group_norm rms_norm
""".split()


def dropout(input, p: float, train: bool):
    """``nn.functional.dropout(input, p, training=train)``."""
    return F.dropout(input, p, train)


def alpha_dropout(input, p: float, train: bool):
    return F.alpha_dropout(input, p, train)


def feature_alpha_dropout(input, p: float, train: bool):
    return F.feature_alpha_dropout(input, p, train)


def embedding(
    weight, indices, padding_idx: int = -1, scale_grad_by_freq: bool = False, sparse: bool = False
):
    """``nn.functional.embedding(indices, weight, ...)`` (``padding_idx=-1``: none)."""
    return F.embedding(
        indices,
        weight,
        None if padding_idx == -1 else padding_idx,
        scale_grad_by_freq=scale_grad_by_freq,
        sparse=sparse,
    )


def batch_norm(
    input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled=True
):
    """``nn.functional.batch_norm`` with PyTorch's top-level argument order."""
    return F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def instance_norm(
    input,
    weight,
    bias,
    running_mean,
    running_var,
    use_input_stats,
    momentum,
    eps,
    cudnn_enabled=True,
):
    """``nn.functional.instance_norm`` with PyTorch's top-level argument order."""
    return F.instance_norm(
        input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps
    )


_ADAPTERS = {
    "dropout": dropout,
    "alpha_dropout": alpha_dropout,
    "feature_alpha_dropout": feature_alpha_dropout,
    "embedding": embedding,
    "batch_norm": batch_norm,
    "instance_norm": instance_norm,
}

__all__ = [name for name in _SAME if hasattr(F, name)]
for _name in __all__:
    globals()[_name] = getattr(F, _name)
for _name, _adapter in _ADAPTERS.items():
    if hasattr(F, _name):
        __all__.append(_name)
    else:
        del globals()[_name]
del _name, _adapter
