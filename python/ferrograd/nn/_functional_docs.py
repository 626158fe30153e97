"""The docstrings of ``ferrograd.nn.functional``, completed at import (``ferrograd._docgen``):
an Args section from each function's signature, the arguments described once (here, or with the
layers in ``nn.modules._docs``), and an example whose printed result is PyTorch 2.15's. A
function's own docstring, where it has one, comes first."""

from __future__ import annotations

from .. import _docgen
from .modules import _docs as _layer_docs

#: What each argument means, for the functions that take it (beyond the layers' arguments).
SHARED = {
    "input": "the input tensor.",
    "target": "the target tensor (the input's shape, or class indices where said).",
    "training": "whether the function acts as in training mode (else the identity or the "
    "running statistics).",
    "weight": "the filters (or the weight matrix) the input is combined with.",
    "bias": "added to each output channel (or feature); None for none.",
    "x1": "the first input.",
    "x2": "the second input.",
    "input1": "the first input.",
    "input2": "the second input.",
    "anchor": "the anchors.",
    "positive": "the positive examples (close to the anchors).",
    "negative": "the negative examples (far from the anchors).",
    "label_smoothing": "the share of the target's probability spread evenly over all classes.",
    "pos_weight": "the weight of the positive examples, per class.",
    "var": "the variances of the Gaussian (the input's shape, or broadcastable).",
    "running_mean": "the running mean, updated in training (or None).",
    "running_var": "the running variance, updated in training (or None).",
    "use_input_stats": "normalize by the input's statistics (else the running ones).",
    "log_probs": "``(T, N, C)`` log-probabilities over the classes at each time step.",
    "targets": "the target sequences, padded ``(N, S)`` or concatenated.",
    "input_lengths": "the length of each input sequence.",
    "target_lengths": "the length of each target sequence.",
    "logits": "the unnormalized log-probabilities.",
    "tau": "the temperature.",
    "hard": "return one-hot samples (with the soft samples' gradient).",
    "num_classes": "the number of classes (one more than the largest index by default).",
    "offsets": "where each bag starts in a 1-D ``input``.",
    "per_sample_weights": "a weight for each index (``mode='sum'`` only).",
    "pad": "the padding sizes, last dimension first: ``(left, right, top, bottom, ...)``.",
    "value": "the fill value of ``mode='constant'``.",
    "grid": "``(N, H_out, W_out, 2)`` sampling positions, normalized to ``[-1, 1]``.",
    "theta": "``(N, 2, 3)`` affine matrices.",
    "antialias": "low-pass filter before downsampling (bilinear and bicubic modes).",
    "lambd": "the threshold of the shrinkage.",
    "negative_slope": "the slope for negative inputs.",
    "min_val": "the lower bound.",
    "max_val": "the upper bound.",
    "approximate": "``'none'`` (exact) or ``'tanh'``.",
    "beta": "the sharpness (larger is closer to ReLU).",
    "lower": "the least slope drawn.",
    "upper": "the largest slope drawn.",
    "indices": "the indices ``max_pool`` returned with ``return_indices=True``.",
    "_stacklevel": "the stack level of the deprecation warning.",
    "_random_samples": "the pseudo-random window offsets, for reproducibility.",
}

#: Arguments that mean something else for one function.
OWN = {
    "threshold": {"threshold": "the value an element must exceed.", "value": "the replacement."},
    "threshold_": {"threshold": "the value an element must exceed.", "value": "the replacement."},
    "prelu": {"weight": "the learned slopes (one, or one per channel)."},
    "softplus": {"threshold": "above ``beta * x > threshold`` the result is ``x``."},
    "celu": {"alpha": "the negative saturation value."},
    "elu": {"alpha": "the negative saturation value is ``-alpha``."},
    "glu": {"dim": "the dimension split in two halves."},
    "pad": {"mode": "``'constant'``, ``'reflect'``, ``'replicate'`` or ``'circular'``."},
    "embedding": {"weight": "the table ``(num_embeddings, embedding_dim)``."},
    "embedding_bag": {
        "weight": "the table ``(num_embeddings, embedding_dim)``.",
        "mode": "``'sum'``, ``'mean'`` or ``'max'``.",
    },
    "batch_norm": {"weight": "the per-channel scale (or None).", "bias": "the per-channel shift."},
    "instance_norm": {"weight": "the per-channel scale (or None).", "bias": "the shift."},
    "group_norm": {"weight": "the per-channel scale (or None).", "bias": "the shift."},
    "layer_norm": {"weight": "the elementwise scale (or None).", "bias": "the shift."},
    "rms_norm": {"weight": "the elementwise scale (or None)."},
    "normalize": {"p": "the order of the norm.", "eps": "the least norm divided by."},
    "nll_loss": {"weight": "a rescaling weight for each class."},
    "cross_entropy": {"weight": "a rescaling weight for each class."},
    "linear_cross_entropy": {
        "linear_weight": "the linear layer's weight ``(C, *out_features, in_features)``.",
        "linear_bias": "its bias ``(C, *out_features)``, or None.",
        "weight": "a rescaling weight for each class.",
        "ignore_index": "a target index that contributes nothing (None: none).",
        "options": "a ``LinearCrossEntropyOptions`` (accepted; the logits are computed whole).",
    },
    "binary_cross_entropy": {"weight": "a rescaling weight for each element."},
    "binary_cross_entropy_with_logits": {"weight": "a rescaling weight for each element."},
    "multi_margin_loss": {"weight": "a rescaling weight for each class.", "p": "1 or 2."},
    "multilabel_soft_margin_loss": {"weight": "a rescaling weight for each class."},
    "pairwise_distance": {"p": "the order of the norm.", "keepdim": "keep the last dimension."},
    "pdist": {"p": "the order of the norm."},
    "triplet_margin_loss": {"p": "the order of the distance's norm."},
    "interpolate": {
        "size": "the output's spatial size.",
        "mode": "the interpolation: ``'nearest'``, ``'linear'``, ``'bilinear'``, "
        "``'bicubic'``, ``'trilinear'``, ``'area'`` or ``'nearest-exact'``.",
    },
    "grid_sample": {
        "mode": "``'bilinear'``, ``'nearest'`` or ``'bicubic'``.",
        "padding_mode": "``'zeros'``, ``'border'`` or ``'reflection'``: the value outside.",
    },
    "affine_grid": {"size": "the output's size ``(N, C, H, W)``."},
    "local_response_norm": {
        "size": "the number of neighbouring channels.",
        "alpha": "the multiplier of the sum of squares.",
        "beta": "the exponent of the denominator.",
        "k": "the constant of the denominator.",
    },
}

#: function: (summary where it has no docstring, example as doctest shows it, printed as
#: PyTorch 2.15 prints it).
EXAMPLES = {
    "threshold": (
        "``input`` where it exceeds ``threshold``, else ``value``.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.threshold(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]), 0.0, -1.0)\n"
            "tensor([-1.0000, -1.0000,  0.5000,  2.0000])"
        ),
    ),
    "threshold_": (
        "In-place ``threshold``.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> x = ferrograd.tensor([-1.0, 2.0])\n"
            ">>> F.threshold_(x, 0.0, 5.0)\n"
            "tensor([5., 2.])"
        ),
    ),
    "relu_": (
        "In-place ``relu``.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.relu_(ferrograd.tensor([-1.0, 2.0]))\n"
            "tensor([0., 2.])"
        ),
    ),
    "relu6": (
        "``min(max(0, x), 6)`` elementwise.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.relu6(ferrograd.tensor([-1.0, 3.0, 8.0]))\n"
            "tensor([0., 3., 6.])"
        ),
    ),
    "hardtanh": (
        "Clamps each element into ``[min_val, max_val]``.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.hardtanh(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]))\n"
            "tensor([-1.0000, -0.5000,  0.5000,  1.0000])"
        ),
    ),
    "hardtanh_": (
        "In-place ``hardtanh``.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.hardtanh_(ferrograd.tensor([-3.0, 0.5]))\n"
            "tensor([-1.0000,  0.5000])"
        ),
    ),
    "hardswish": (
        "``x * hardsigmoid(x)`` elementwise.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.hardswish(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]))\n"
            "tensor([-0.3333, -0.2083,  0.2917,  1.6667])"
        ),
    ),
    "hardsigmoid": (
        "``clamp(x / 6 + 1 / 2, 0, 1)`` elementwise.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.hardsigmoid(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]))\n"
            "tensor([0.1667, 0.4167, 0.5833, 0.8333])"
        ),
    ),
    "elu": (
        "``x`` where positive, else ``alpha * (exp(x) - 1)``.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.elu(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]))\n"
            "tensor([-0.8647, -0.3935,  0.5000,  2.0000])"
        ),
    ),
    "elu_": (
        "In-place ``elu``.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.elu_(ferrograd.tensor([-1.0, 1.0]))\n"
            "tensor([-0.6321,  1.0000])"
        ),
    ),
    "selu": (
        "``scale * elu(x, alpha)`` with PyTorch's fixed ``alpha`` and ``scale``.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.selu(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]))\n"
            "tensor([-1.5202, -0.6918,  0.5254,  2.1014])"
        ),
    ),
    "selu_": (
        "In-place ``selu``.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.selu_(ferrograd.tensor([-1.0, 1.0]))\n"
            "tensor([-1.1113,  1.0507])"
        ),
    ),
    "celu": (
        "``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.celu(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]), alpha=2.0)\n"
            "tensor([-1.2642, -0.4424,  0.5000,  2.0000])"
        ),
    ),
    "celu_": (
        "In-place ``celu``.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.celu_(ferrograd.tensor([-1.0, 1.0]))\n"
            "tensor([-0.6321,  1.0000])"
        ),
    ),
    "leaky_relu": (
        "``x`` where positive, else ``negative_slope * x``.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.leaky_relu(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]), 0.1)\n"
            "tensor([-0.2000, -0.0500,  0.5000,  2.0000])"
        ),
    ),
    "leaky_relu_": (
        "In-place ``leaky_relu``.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.leaky_relu_(ferrograd.tensor([-1.0, 1.0]), 0.1)\n"
            "tensor([-0.1000,  1.0000])"
        ),
    ),
    "prelu": (
        "``x`` where positive, else ``weight * x`` (one weight, or one per channel).",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.prelu(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]), ferrograd.tensor([0.25]))\n"
            "tensor([-0.5000, -0.1250,  0.5000,  2.0000])"
        ),
    ),
    "rrelu": (
        (
            "Randomized leaky ReLU: in training, each negative element is scaled by a "
            "slope drawn from ``U(lower, upper)``; otherwise by their mean."
        ),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.rrelu(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]), 0.1, 0.3, training=False)\n"
            "tensor([-0.4000, -0.1000,  0.5000,  2.0000])"
        ),
    ),
    "rrelu_": (
        "In-place ``rrelu``.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.rrelu_(ferrograd.tensor([-1.0, 1.0]), 0.1, 0.3, training=False)\n"
            "tensor([-0.2000,  1.0000])"
        ),
    ),
    "glu": (
        ("Splits ``input`` in two halves ``a, b`` along ``dim`` and returns ``a * sigmoid(b)``."),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.glu(ferrograd.tensor([1.0, 2.0, 0.0, 100.0]))\n"
            "tensor([0.5000, 2.0000])"
        ),
    ),
    "gelu": (
        "``x * Phi(x)``, ``Phi`` the standard normal CDF (or its tanh approximation).",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.gelu(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0])), "
            "F.gelu(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]), approximate='tanh')\n"
            "(tensor([-0.0455, -0.1543,  0.3457,  1.9545]), tensor([-0.0454, -0.1543,  "
            "0.3457,  1.9546]))"
        ),
    ),
    "logsigmoid": (
        "``log(sigmoid(x))``, computed without overflow.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.logsigmoid(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]))\n"
            "tensor([-2.1269, -0.9741, -0.4741, -0.1269])"
        ),
    ),
    "hardshrink": (
        "Zeros the elements with ``|x| <= lambd``; the others pass unchanged.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.hardshrink(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]), 1.0)\n"
            "tensor([-2.,  0.,  0.,  2.])"
        ),
    ),
    "softshrink": (
        "Moves each element toward zero by ``lambd``, zeroing those within ``lambd`` of it.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.softshrink(ferrograd.tensor([-2.0, 0.5, 2.0]), 1.0)\n"
            "tensor([-1.,  0.,  1.])"
        ),
    ),
    "tanhshrink": (
        "``x - tanh(x)`` elementwise.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.tanhshrink(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]))\n"
            "tensor([-1.0360, -0.0379,  0.0379,  1.0360])"
        ),
    ),
    "softsign": (
        "``x / (1 + |x|)`` elementwise.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.softsign(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]))\n"
            "tensor([-0.6667, -0.3333,  0.3333,  0.6667])"
        ),
    ),
    "softplus": (
        "``log(1 + exp(beta * x)) / beta``, linear above ``threshold``.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.softplus(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]))\n"
            "tensor([0.1269, 0.4741, 0.9741, 2.1269])"
        ),
    ),
    "softmin": (
        "``softmax(-input, dim)``.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.softmin(ferrograd.tensor([1.0, 2.0, 3.0]), dim=0)\n"
            "tensor([0.6652, 0.2447, 0.0900])"
        ),
    ),
    "gumbel_softmax": (
        (
            "Samples from the Gumbel-softmax distribution over the last dimension of "
            "``logits``: ``softmax((logits + g) / tau)`` with Gumbel noise ``g``; one-hot "
            "with ``hard=True`` (the gradient still the soft sample's)."
        ),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> y = F.gumbel_softmax(ferrograd.zeros(2, 3), tau=0.5, hard=True)\n"
            ">>> y.sum(dim=-1)\n"
            "tensor([1., 1.])"
        ),
    ),
    "tanh": (
        "The hyperbolic tangent, elementwise.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.tanh(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]))\n"
            "tensor([-0.9640, -0.4621,  0.4621,  0.9640])"
        ),
    ),
    "sigmoid": (
        "``1 / (1 + exp(-x))`` elementwise.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.sigmoid(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]))\n"
            "tensor([0.1192, 0.3775, 0.6225, 0.8808])"
        ),
    ),
    "silu": (
        "``x * sigmoid(x)`` elementwise (swish).",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.silu(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]))\n"
            "tensor([-0.2384, -0.1888,  0.3112,  1.7616])"
        ),
    ),
    "mish": (
        "``x * tanh(softplus(x))`` elementwise.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.mish(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]))\n"
            "tensor([-0.2525, -0.2207,  0.3752,  1.9440])"
        ),
    ),
    "linear": (
        (
            "``input @ weight.T + bias``: ``(*, in_features)`` by ``(out_features, "
            "in_features)`` gives ``(*, out_features)``."
        ),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.linear(ferrograd.ones(2, 3), ferrograd.ones(4, 3), ferrograd.zeros(4))\n"
            "tensor([[3., 3., 3., 3.],\n"
            "        [3., 3., 3., 3.]])"
        ),
    ),
    "bilinear": (
        "``x1^T A x2 + b`` for each output feature: ``weight`` is ``(out, in1, in2)``.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.bilinear(ferrograd.ones(2, 3), ferrograd.ones(2, 4), ferrograd.ones(5, "
            "3, 4)).shape\n"
            "ferrograd.Size([2, 5])"
        ),
    ),
    "conv1d": (
        (
            "1-D convolution (cross-correlation) of ``(N, C_in, L)`` by ``weight`` "
            "``(C_out, C_in / groups, k)``."
        ),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.conv1d(ferrograd.ones(1, 1, 5), ferrograd.ones(1, 1, 3))\n"
            "tensor([[[3., 3., 3.]]])"
        ),
    ),
    "conv2d": (
        (
            "2-D convolution (cross-correlation) of ``(N, C_in, H, W)`` by ``weight`` "
            "``(C_out, C_in / groups, kH, kW)``; each output size is ``floor((size + 2 * "
            "padding - dilation * (k - 1) - 1) / stride + 1)``."
        ),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> x = ferrograd.ones(1, 1, 4, 4)\n"
            ">>> F.conv2d(x, ferrograd.ones(1, 1, 3, 3), padding=1)\n"
            "tensor([[[[4., 6., 6., 4.],\n"
            "          [6., 9., 9., 6.],\n"
            "          [6., 9., 9., 6.],\n"
            "          [4., 6., 6., 4.]]]])"
        ),
    ),
    "conv3d": (
        (
            "3-D convolution of ``(N, C_in, D, H, W)`` by ``weight`` ``(C_out, C_in / "
            "groups, kD, kH, kW)``."
        ),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.conv3d(ferrograd.ones(1, 2, 4, 4, 4), ferrograd.ones(3, 2, 3, 3, 3)).shape\n"
            "ferrograd.Size([1, 3, 2, 2, 2])"
        ),
    ),
    "conv_tbc": (
        (
            "1-D convolution of a ``(time, batch, channels)`` input by ``weight`` ``(k, "
            "C_in, C_out)``, with ``pad`` zeros on both ends of time."
        ),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.conv_tbc(ferrograd.ones(5, 2, 3), ferrograd.ones(3, 3, 4), "
            "ferrograd.zeros(4)).shape\n"
            "ferrograd.Size([3, 2, 4])"
        ),
    ),
    "conv_transpose1d": (
        (
            "The transpose of ``conv1d`` (its gradient with respect to the input); "
            "``weight`` is ``(C_in, C_out / groups, k)``."
        ),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.conv_transpose1d(ferrograd.ones(1, 1, 3), ferrograd.ones(1, 1, 2), "
            "stride=2)\n"
            "tensor([[[1., 1., 1., 1., 1., 1.]]])"
        ),
    ),
    "conv_transpose2d": (
        "The transpose of ``conv2d``; ``weight`` is ``(C_in, C_out / groups, kH, kW)``.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.conv_transpose2d(ferrograd.ones(1, 2, 3, 3), ferrograd.ones(2, 4, 2, "
            "2), stride=2).shape\n"
            "ferrograd.Size([1, 4, 6, 6])"
        ),
    ),
    "conv_transpose3d": (
        "The transpose of ``conv3d``; ``weight`` is ``(C_in, C_out / groups, kD, kH, kW)``.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.conv_transpose3d(ferrograd.ones(1, 2, 2, 2, 2), ferrograd.ones(2, 1, 2, "
            "2, 2), stride=2).shape\n"
            "ferrograd.Size([1, 1, 4, 4, 4])"
        ),
    ),
    "unfold": (
        "Extracts sliding blocks: ``(N, C, H, W)`` to ``(N, C * kH * kW, L)``.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.unfold(ferrograd.arange(9.0).reshape(1, 1, 3, 3), kernel_size=2)\n"
            "tensor([[[0., 1., 3., 4.],\n"
            "         [1., 2., 4., 5.],\n"
            "         [3., 4., 6., 7.],\n"
            "         [4., 5., 7., 8.]]])"
        ),
    ),
    "fold": (
        ("Sums sliding blocks back into ``(N, C, *output_size)`` (the adjoint of ``unfold``)."),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.fold(ferrograd.ones(1, 4, 4), output_size=(3, 3), kernel_size=2)\n"
            "tensor([[[[1., 2., 1.],\n"
            "          [2., 4., 2.],\n"
            "          [1., 2., 1.]]]])"
        ),
    ),
    "pairwise_distance": (
        "``||x1 - x2 + eps||_p`` along the last dimension.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.pairwise_distance(ferrograd.tensor([[0.0, 0.0]]), "
            "ferrograd.tensor([[3.0, 4.0]]))\n"
            "tensor([5.0000])"
        ),
    ),
    "pdist": (
        (
            "The ``p``-norm distances between every pair of rows of ``input`` ``(N, M)``: "
            "the upper triangle, ``N * (N - 1) / 2`` values."
        ),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.pdist(ferrograd.tensor([[0.0, 0.0], [3.0, 4.0], [6.0, 8.0]]))\n"
            "tensor([ 5., 10.,  5.])"
        ),
    ),
    "cosine_similarity": (
        "``x1 . x2 / max(||x1|| ||x2||, eps)`` along ``dim``.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.cosine_similarity(ferrograd.tensor([[1.0, 0.0]]), "
            "ferrograd.tensor([[1.0, 1.0]]))\n"
            "tensor([0.7071])"
        ),
    ),
    "dropout": (
        (
            "Zeros each element with probability ``p`` and scales the others by ``1 / (1 - "
            "p)`` during training; the identity when ``training`` is False."
        ),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> x = ferrograd.ones(8)\n"
            ">>> F.dropout(x, p=0.5, training=False)\n"
            "tensor([1., 1., 1., 1., 1., 1., 1., 1.])\n"
            ">>> y = F.dropout(x, p=0.5)\n"
            ">>> bool(((y == 0) | (y == 2)).all())\n"
            "True"
        ),
    ),
    "dropout1d": (
        ("Zeros whole channels of ``(N, C, L)`` inputs with probability ``p`` (scaling the rest)."),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.dropout1d(ferrograd.ones(1, 2, 3), training=False)\n"
            "tensor([[[1., 1., 1.],\n"
            "         [1., 1., 1.]]])"
        ),
    ),
    "dropout2d": (
        (
            "Zeros whole channels of ``(N, C, H, W)`` inputs with probability ``p`` "
            "(scaling the rest)."
        ),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.dropout2d(ferrograd.ones(1, 4, 2, 2), p=0.5).shape\n"
            "ferrograd.Size([1, 4, 2, 2])"
        ),
    ),
    "dropout3d": (
        "Zeros whole channels of ``(N, C, D, H, W)`` inputs with probability ``p``.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.dropout3d(ferrograd.ones(1, 2, 2, 2, 2)).shape\n"
            "ferrograd.Size([1, 2, 2, 2, 2])"
        ),
    ),
    "alpha_dropout": (
        "Dropout that keeps the mean and variance of SELU activations.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.alpha_dropout(ferrograd.tensor([1.0, -1.0]), p=0.2, training=False)\n"
            "tensor([ 1., -1.])"
        ),
    ),
    "feature_alpha_dropout": (
        "Alpha dropout of whole channels.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.feature_alpha_dropout(ferrograd.ones(2, 3, 4), p=0.2).shape\n"
            "ferrograd.Size([2, 3, 4])"
        ),
    ),
    "l1_loss": (
        "The mean (or sum) absolute error ``|input - target|``.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.l1_loss(ferrograd.tensor([1.0, 3.0]), ferrograd.tensor([2.0, 0.0]))\n"
            "tensor(2.)"
        ),
    ),
    "smooth_l1_loss": (
        "``0.5 * d**2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 * beta``, averaged.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.smooth_l1_loss(ferrograd.tensor([0.5, 3.0]), ferrograd.zeros(2))\n"
            "tensor(1.3125)"
        ),
    ),
    "huber_loss": (
        ("``0.5 * d**2`` where ``|d| < delta``, else ``delta * (|d| - 0.5 * delta)``, averaged."),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.huber_loss(ferrograd.tensor([1.0, 4.0]), ferrograd.zeros(2), delta=2.0)\n"
            "tensor(3.2500)"
        ),
    ),
    "nll_loss": (
        (
            "The negative log-likelihood of class targets: ``-input[n, target[n]]`` "
            "(weighted), averaged; ``input`` holds log-probabilities ``(N, C)`` or ``(N, "
            "C, d1, ...)``."
        ),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> log_p = ferrograd.tensor([[0.5, 0.25, 0.25]]).log()\n"
            ">>> F.nll_loss(log_p, ferrograd.tensor([0]))\n"
            "tensor(0.6931)"
        ),
    ),
    "cross_entropy": (
        (
            "``nll_loss(log_softmax(input, 1), target)``: ``input`` holds unnormalized "
            "scores ``(N, C)``; ``target`` class indices ``(N,)`` or class probabilities "
            "``(N, C)``."
        ),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> logits = ferrograd.tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]])\n"
            ">>> F.cross_entropy(logits, ferrograd.tensor([0, 2]))\n"
            "tensor(0.6691)"
        ),
    ),
    "linear_cross_entropy": (
        (
            "``cross_entropy(linear(input, W, b), target)`` for a classifier head: ``W`` of "
            "shape ``(C, *out_features, in_features)``, the logits ``(N, C, *out_features)``."
        ),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> x = ferrograd.tensor([[1.0, 2.0], [0.5, -1.0]])\n"
            ">>> w = ferrograd.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, -1.0]])\n"
            ">>> F.linear_cross_entropy(x, w, ferrograd.tensor([1, 2]))\n"
            "tensor(0.3603)"
        ),
    ),
    "binary_cross_entropy": (
        (
            "``-(y * log(p) + (1 - y) * log(1 - p))``, averaged, for probabilities ``p`` "
            "(logs clamped at -100)."
        ),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.binary_cross_entropy(ferrograd.tensor([0.2, 0.9, 0.6]), "
            "ferrograd.tensor([0.0, 1.0, 1.0]))\n"
            "tensor(0.2798)"
        ),
    ),
    "binary_cross_entropy_with_logits": (
        (
            "``binary_cross_entropy(sigmoid(input), target)``, computed stably from the "
            "logits; ``pos_weight`` weighs the positive term."
        ),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.binary_cross_entropy_with_logits(ferrograd.tensor([0.0, 2.0]), "
            "ferrograd.tensor([0.0, 1.0]))\n"
            "tensor(0.4100)"
        ),
    ),
    "kl_div": (
        (
            "``target * (log(target) - input)``, with ``input`` log-probabilities "
            "(``target`` too with ``log_target``)."
        ),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> log_q = ferrograd.tensor([[0.25, 0.75]]).log()\n"
            ">>> F.kl_div(log_q, ferrograd.tensor([[0.5, 0.5]]), reduction='batchmean')\n"
            "tensor(0.1438)"
        ),
    ),
    "poisson_nll_loss": (
        (
            "``exp(input) - target * input`` (``log_input``), else ``input - target * "
            "log(input + eps)``; averaged."
        ),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.poisson_nll_loss(ferrograd.tensor([0.0, 1.0]), ferrograd.tensor([1.0, "
            "2.0]))\n"
            "tensor(0.8591)"
        ),
    ),
    "gaussian_nll_loss": (
        ("``0.5 * (log(var) + (input - target)**2 / var)``, ``var`` clamped at ``eps``; averaged."),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.gaussian_nll_loss(ferrograd.tensor([0.0, 1.0]), ferrograd.tensor([1.0, "
            "1.0]), ferrograd.tensor([1.0, 2.0]))\n"
            "tensor(0.4233)"
        ),
    ),
    "margin_ranking_loss": (
        "``max(0, -target * (input1 - input2) + margin)``, averaged.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.margin_ranking_loss(ferrograd.tensor([1.0, 1.0]), "
            "ferrograd.tensor([0.8, 0.0]), ferrograd.tensor([1.0, 1.0]), margin=0.5)\n"
            "tensor(0.1500)"
        ),
    ),
    "hinge_embedding_loss": (
        "``x`` where the target is 1, ``max(0, margin - x)`` where it is -1; averaged.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.hinge_embedding_loss(ferrograd.tensor([0.3, 0.2]), "
            "ferrograd.tensor([1.0, -1.0]))\n"
            "tensor(0.5500)"
        ),
    ),
    "cosine_embedding_loss": (
        (
            "``1 - cos(x1, x2)`` where the target is 1, ``max(0, cos(x1, x2) - margin)`` "
            "where it is -1; averaged."
        ),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> x1 = ferrograd.tensor([[1.0, 0.0], [1.0, 0.0]])\n"
            ">>> x2 = ferrograd.tensor([[1.0, 1.0], [1.0, 1.0]])\n"
            ">>> F.cosine_embedding_loss(x1, x2, ferrograd.tensor([1.0, -1.0]))\n"
            "tensor(0.5000)"
        ),
    ),
    "triplet_margin_loss": (
        ("``max(d(a, p) - d(a, n) + margin, 0)`` with ``d`` the ``p``-norm distance; averaged."),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> a = ferrograd.tensor([[0.0, 0.0]])\n"
            ">>> F.triplet_margin_loss(a, ferrograd.tensor([[0.0, 1.0]]), "
            "ferrograd.tensor([[0.0, 1.5]]))\n"
            "tensor(0.5000)"
        ),
    ),
    "triplet_margin_with_distance_loss": (
        "``triplet_margin_loss`` with any ``distance_function``.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> a = ferrograd.tensor([[0.0, 0.0]])\n"
            ">>> F.triplet_margin_with_distance_loss(a, ferrograd.tensor([[0.0, 1.0]]), "
            "ferrograd.tensor([[0.0, 1.25]]))\n"
            "tensor(0.7500)"
        ),
    ),
    "multi_margin_loss": (
        "The multi-class hinge loss ``sum_i max(0, margin - x[y] + x[i])**p / C``.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.multi_margin_loss(ferrograd.tensor([[0.1, 0.2, 0.4, 0.8]]), "
            "ferrograd.tensor([3]))\n"
            "tensor(0.3250)"
        ),
    ),
    "multilabel_margin_loss": (
        "The multi-class multi-label hinge loss (targets listed first, ended by -1).",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.multilabel_margin_loss(ferrograd.tensor([[0.1, 0.2, 0.4, 0.8]]), "
            "ferrograd.tensor([[3, 0, -1, 1]]))\n"
            "tensor(0.8500)"
        ),
    ),
    "multilabel_soft_margin_loss": (
        (
            "The binary cross-entropy of ``sigmoid(input)`` against 0/1 targets, averaged "
            "over the classes."
        ),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.multilabel_soft_margin_loss(ferrograd.tensor([[0.0, 2.0]]), "
            "ferrograd.tensor([[0.0, 1.0]]))\n"
            "tensor(0.4100)"
        ),
    ),
    "soft_margin_loss": (
        "``mean(log(1 + exp(-y * x)))`` for targets 1 or -1.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.soft_margin_loss(ferrograd.tensor([0.5, -2.0]), ferrograd.tensor([1.0, "
            "-1.0]))\n"
            "tensor(0.3005)"
        ),
    ),
    "ctc_loss": (
        (
            "The connectionist temporal classification loss of ``log_probs`` ``(T, N, C)`` "
            "against target sequences."
        ),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> log_probs = ferrograd.full((3, 1, 2), 0.5).log()\n"
            ">>> F.ctc_loss(log_probs, ferrograd.tensor([[1]]), ferrograd.tensor([3]), "
            "ferrograd.tensor([1]))\n"
            "tensor(0.2877)"
        ),
    ),
    "batch_norm": (
        (
            "Normalizes each channel (dimension 1) by the batch's statistics in training "
            "(updating ``running_mean``/``running_var``), by the running ones otherwise; "
            "then ``* weight + bias``."
        ),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> x = ferrograd.tensor([[1.0], [3.0]])\n"
            ">>> F.batch_norm(x, ferrograd.zeros(1), ferrograd.ones(1), training=True)\n"
            "tensor([[-1.0000],\n"
            "        [ 1.0000]])"
        ),
    ),
    "instance_norm": (
        "Normalizes each channel of each sample over its spatial dimensions.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.instance_norm(ferrograd.tensor([[[1.0, 3.0]]]))\n"
            "tensor([[[-1.0000,  1.0000]]])"
        ),
    ),
    "group_norm": (
        "Normalizes groups of channels of each sample; then a per-channel affine.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.group_norm(ferrograd.tensor([[1.0, 3.0, 5.0, 7.0]]), num_groups=2)\n"
            "tensor([[-1.0000,  1.0000, -1.0000,  1.0000]])"
        ),
    ),
    "layer_norm": (
        (
            "Normalizes over the trailing ``normalized_shape``: ``(x - mean) / sqrt(var + "
            "eps) * weight + bias``."
        ),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.layer_norm(ferrograd.tensor([[1.0, 3.0]]), (2,))\n"
            "tensor([[-1.0000,  1.0000]])"
        ),
    ),
    "rms_norm": (
        "``x / sqrt(mean(x**2) + eps) * weight`` over the trailing ``normalized_shape``.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.rms_norm(ferrograd.tensor([[3.0, 4.0]]), (2,))\n"
            "tensor([[0.8485, 1.1314]])"
        ),
    ),
    "local_response_norm": (
        "Normalizes by the squares of ``size`` neighbouring channels.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.local_response_norm(ferrograd.ones(1, 3, 2, 2), 2).shape\n"
            "ferrograd.Size([1, 3, 2, 2])"
        ),
    ),
    "normalize": (
        "Divides by the ``p``-norm along ``dim`` (at least ``eps``).",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.normalize(ferrograd.tensor([[3.0, 4.0]]), dim=1)\n"
            "tensor([[0.6000, 0.8000]])"
        ),
    ),
    "max_pool1d": (
        "The maximum over sliding windows of the last dimension.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.max_pool1d(ferrograd.tensor([[1.0, 5.0, 2.0, 0.0, 3.0]]), 2)\n"
            "tensor([[5., 2.]])"
        ),
    ),
    "max_pool2d": (
        "The maximum over sliding windows of the last two dimensions.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.max_pool2d(ferrograd.arange(16.0).reshape(1, 4, 4), 2)\n"
            "tensor([[[ 5.,  7.],\n"
            "         [13., 15.]]])"
        ),
    ),
    "max_pool3d": (
        "The maximum over sliding windows of the last three dimensions.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.max_pool3d(ferrograd.ones(1, 4, 4, 4), 2).shape\n"
            "ferrograd.Size([1, 2, 2, 2])"
        ),
    ),
    "max_pool1d_with_indices": (
        "``max_pool1d`` and the flat indices of the maxima.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.max_pool1d_with_indices(ferrograd.tensor([[1.0, 5.0, 2.0, 0.0]]), 2)\n"
            "(tensor([[5., 2.]]), tensor([[1, 2]]))"
        ),
    ),
    "max_pool2d_with_indices": (
        "``max_pool2d`` and the flat indices of the maxima.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.max_pool2d_with_indices(ferrograd.arange(4.0).reshape(1, 2, 2), 2)\n"
            "(tensor([[[3.]]]), tensor([[[3]]]))"
        ),
    ),
    "max_pool3d_with_indices": (
        "``max_pool3d`` and the flat indices of the maxima.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.max_pool3d_with_indices(ferrograd.arange(8.0).reshape(1, 2, 2, 2), 2)\n"
            "(tensor([[[[7.]]]]), tensor([[[[7]]]]))"
        ),
    ),
    "avg_pool1d": (
        "Averages sliding windows of the last dimension.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.avg_pool1d(ferrograd.tensor([[1.0, 3.0, 2.0, 6.0]]), 2)\n"
            "tensor([[2., 4.]])"
        ),
    ),
    "avg_pool2d": (
        "Averages sliding windows of the last two dimensions.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.avg_pool2d(ferrograd.arange(16.0).reshape(1, 4, 4), 2)\n"
            "tensor([[[ 2.5000,  4.5000],\n"
            "         [10.5000, 12.5000]]])"
        ),
    ),
    "avg_pool3d": (
        "Averages sliding windows of the last three dimensions.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.avg_pool3d(ferrograd.ones(1, 4, 4, 4), 2).shape\n"
            "ferrograd.Size([1, 2, 2, 2])"
        ),
    ),
    "lp_pool1d": (
        "``(sum x**p)**(1/p)`` over sliding windows of the last dimension.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.lp_pool1d(ferrograd.tensor([[3.0, 4.0, 6.0, 8.0]]), 2, 2)\n"
            "tensor([[ 5., 10.]])"
        ),
    ),
    "lp_pool2d": (
        "``(sum x**p)**(1/p)`` over sliding windows of the last two dimensions.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.lp_pool2d(ferrograd.ones(1, 1, 4, 4), 1, 2)\n"
            "tensor([[[[4., 4.],\n"
            "          [4., 4.]]]])"
        ),
    ),
    "lp_pool3d": (
        "``(sum x**p)**(1/p)`` over sliding windows of the last three dimensions.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.lp_pool3d(ferrograd.ones(1, 1, 2, 2, 2), 2, 2)\n"
            "tensor([[[[[2.8284]]]]])"
        ),
    ),
    "adaptive_avg_pool1d": (
        "Averages the last dimension into ``output_size`` windows.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.adaptive_avg_pool1d(ferrograd.tensor([[1.0, 2.0, 3.0, 4.0, 5.0]]), 2)\n"
            "tensor([[2., 4.]])"
        ),
    ),
    "adaptive_avg_pool2d": (
        "Averages the last two dimensions into an ``output_size`` grid.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.adaptive_avg_pool2d(ferrograd.ones(2, 3, 7, 5), 1).shape\n"
            "ferrograd.Size([2, 3, 1, 1])"
        ),
    ),
    "adaptive_avg_pool3d": (
        "Averages the last three dimensions into an ``output_size`` grid.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.adaptive_avg_pool3d(ferrograd.ones(1, 2, 3, 3, 3), 1).flatten()\n"
            "tensor([1., 1.])"
        ),
    ),
    "adaptive_max_pool1d": (
        "The maxima of ``output_size`` windows of the last dimension.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.adaptive_max_pool1d(ferrograd.tensor([[1.0, 5.0, 3.0, 4.0]]), 2)\n"
            "tensor([[5., 4.]])"
        ),
    ),
    "adaptive_max_pool2d": (
        "The maxima of an ``output_size`` grid of windows of the last two dimensions.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.adaptive_max_pool2d(ferrograd.arange(6.0).reshape(1, 2, 3), 1)\n"
            "tensor([[[5.]]])"
        ),
    ),
    "adaptive_max_pool3d": (
        "The maxima of an ``output_size`` grid of windows of the last three dimensions.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.adaptive_max_pool3d(ferrograd.arange(8.0).reshape(1, 2, 2, 2), 1)\n"
            "tensor([[[[7.]]]])"
        ),
    ),
    "adaptive_max_pool1d_with_indices": (
        "``adaptive_max_pool1d`` and the indices of the maxima.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.adaptive_max_pool1d_with_indices(ferrograd.tensor([[1.0, 5.0, 3.0, "
            "4.0]]), 2)\n"
            "(tensor([[5., 4.]]), tensor([[1, 3]]))"
        ),
    ),
    "adaptive_max_pool2d_with_indices": (
        "``adaptive_max_pool2d`` and the flat indices of the maxima.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.adaptive_max_pool2d_with_indices(ferrograd.arange(6.0).reshape(1, 2, "
            "3), 1)\n"
            "(tensor([[[5.]]]), tensor([[[5]]]))"
        ),
    ),
    "adaptive_max_pool3d_with_indices": (
        "``adaptive_max_pool3d`` and the flat indices of the maxima.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.adaptive_max_pool3d_with_indices(ferrograd.arange(8.0).reshape(1, 2, 2, "
            "2), 1)\n"
            "(tensor([[[[7.]]]]), tensor([[[[7]]]]))"
        ),
    ),
    "fractional_max_pool2d": (
        "Max pooling over pseudo-random windows to ``output_size`` (or ``output_ratio``).",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.fractional_max_pool2d(ferrograd.randn(1, 1, 7, 7), 2, output_size=3).shape\n"
            "ferrograd.Size([1, 1, 3, 3])"
        ),
    ),
    "fractional_max_pool3d": (
        "Fractional max pooling over the last three dimensions.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.fractional_max_pool3d(ferrograd.randn(1, 1, 6, 6, 6), 2, "
            "output_ratio=0.5).shape\n"
            "ferrograd.Size([1, 1, 3, 3, 3])"
        ),
    ),
    "fractional_max_pool2d_with_indices": (
        "``fractional_max_pool2d`` and the flat indices of the maxima.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> values, indices = F.fractional_max_pool2d_with_indices(ferrograd.randn(1, "
            "1, 7, 7), 2, output_size=3)\n"
            ">>> values.shape, indices.dtype\n"
            "(ferrograd.Size([1, 1, 3, 3]), ferrograd.int64)"
        ),
    ),
    "fractional_max_pool3d_with_indices": (
        "``fractional_max_pool3d`` and the flat indices of the maxima.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> values, indices = F.fractional_max_pool3d_with_indices(ferrograd.randn(1, "
            "1, 6, 6, 6), 2, output_size=3)\n"
            ">>> values.shape, indices.dtype\n"
            "(ferrograd.Size([1, 1, 3, 3, 3]), ferrograd.int64)"
        ),
    ),
    "max_unpool1d": (
        (
            "Puts each value back at its index from ``max_pool1d(..., "
            "return_indices=True)``; zeros elsewhere."
        ),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> values, indices = F.max_pool1d(ferrograd.tensor([[1.0, 5.0, 2.0, 0.0]]), "
            "2, return_indices=True)\n"
            ">>> F.max_unpool1d(values, indices, 2)\n"
            "tensor([[0., 5., 2., 0.]])"
        ),
    ),
    "max_unpool2d": (
        (
            "Puts each value back at its index from ``max_pool2d(..., "
            "return_indices=True)``; zeros elsewhere."
        ),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> values, indices = F.max_pool2d(ferrograd.arange(4.0).reshape(1, 1, 2, 2), "
            "2, return_indices=True)\n"
            ">>> F.max_unpool2d(values, indices, 2)\n"
            "tensor([[[[0., 0.],\n"
            "          [0., 3.]]]])"
        ),
    ),
    "max_unpool3d": (
        (
            "Puts each value back at its index from ``max_pool3d(..., "
            "return_indices=True)``; zeros elsewhere."
        ),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> values, indices = F.max_pool3d(ferrograd.ones(1, 1, 2, 2, 2), 2, "
            "return_indices=True)\n"
            ">>> F.max_unpool3d(values, indices, 2).shape\n"
            "ferrograd.Size([1, 1, 2, 2, 2])"
        ),
    ),
    "embedding": (
        (
            "The rows of ``weight`` at ``input``'s indices: ``(*)`` indices give ``(*, "
            "embedding_dim)``."
        ),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.embedding(ferrograd.tensor([[0, 2]]), ferrograd.tensor([[0.0, 0.0], "
            "[1.0, 1.0], [2.0, 2.0]]))\n"
            "tensor([[[0., 0.],\n"
            "         [2., 2.]]])"
        ),
    ),
    "embedding_bag": (
        (
            "Sums, means or maxima of bags of rows of ``weight`` (bags given by "
            "``offsets``, or the rows of a 2-D ``input``)."
        ),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> weight = ferrograd.arange(6.0).reshape(3, 2)\n"
            ">>> F.embedding_bag(ferrograd.tensor([0, 1, 2]), weight, ferrograd.tensor([0, "
            "2]), mode='sum')\n"
            "tensor([[2., 4.],\n"
            "        [4., 5.]])"
        ),
    ),
    "one_hot": (
        "The int64 one-hot encoding of class indices: ``(*)`` gives ``(*, num_classes)``.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.one_hot(ferrograd.tensor([0, 2]), num_classes=3)\n"
            "tensor([[1, 0, 0],\n"
            "        [0, 0, 1]])"
        ),
    ),
    "pad": (
        (
            "Pads ``input``: ``pad`` gives ``(left, right)`` for the last dimension, then "
            "``(top, bottom)`` for the one before, and so on; ``mode`` ``'constant'``, "
            "``'reflect'``, ``'replicate'`` or ``'circular'``."
        ),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.pad(ferrograd.tensor([[1.0, 2.0]]), (1, 2), value=9.0)\n"
            "tensor([[9., 1., 2., 9., 9.]])"
        ),
    ),
    "interpolate": (
        (
            "Resizes the spatial dimensions to ``size`` (or by ``scale_factor``) with "
            "``mode`` ``'nearest'``, ``'linear'``, ``'bilinear'``, ``'bicubic'``, "
            "``'trilinear'``, ``'area'`` or ``'nearest-exact'``."
        ),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.interpolate(ferrograd.tensor([[[1.0, 2.0]]]), scale_factor=2, "
            "mode='linear')\n"
            "tensor([[[1.0000, 1.2500, 1.7500, 2.0000]]])"
        ),
    ),
    "upsample": (
        "Deprecated name of ``interpolate``.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.upsample(ferrograd.tensor([[[1.0, 2.0]]]), scale_factor=2)\n"
            "tensor([[[1., 1., 2., 2.]]])"
        ),
    ),
    "upsample_nearest": (
        "Deprecated: ``interpolate(..., mode='nearest')``.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.upsample_nearest(ferrograd.tensor([[[1.0, 2.0]]]), scale_factor=2)\n"
            "tensor([[[1., 1., 2., 2.]]])"
        ),
    ),
    "upsample_bilinear": (
        "Deprecated: ``interpolate(..., mode='bilinear', align_corners=True)``.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.upsample_bilinear(ferrograd.arange(4.0).reshape(1, 1, 2, 2), size=3)\n"
            "tensor([[[[0.0000, 0.5000, 1.0000],\n"
            "          [1.0000, 1.5000, 2.0000],\n"
            "          [2.0000, 2.5000, 3.0000]]]])"
        ),
    ),
    "grid_sample": (
        (
            "Samples ``input`` at the normalized ``(x, y)`` positions of ``grid`` (-1 and "
            "1 the edges), bilinearly or at the nearest pixel."
        ),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> image = ferrograd.arange(4.0).reshape(1, 1, 2, 2)\n"
            ">>> grid = ferrograd.tensor([[[[0.0, 0.0]]]])  # the centre\n"
            ">>> F.grid_sample(image, grid, align_corners=True)\n"
            "tensor([[[[1.5000]]]])"
        ),
    ),
    "affine_grid": (
        (
            "The sampling grid ``(N, H, W, 2)`` of the affine maps ``theta`` ``(N, 2, "
            "3)``, for ``grid_sample``."
        ),
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> theta = ferrograd.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])\n"
            ">>> F.affine_grid(theta, [1, 1, 2, 2], align_corners=True)[0, 0]\n"
            "tensor([[-1., -1.],\n"
            "        [ 1., -1.]])"
        ),
    ),
    "pixel_shuffle": (
        "``(*, C * r**2, H, W)`` to ``(*, C, H * r, W * r)``.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.pixel_shuffle(ferrograd.zeros(1, 8, 3, 3), 2).shape\n"
            "ferrograd.Size([1, 2, 6, 6])"
        ),
    ),
    "pixel_unshuffle": (
        "``(*, C, H * r, W * r)`` to ``(*, C * r**2, H, W)``.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.pixel_unshuffle(ferrograd.zeros(1, 2, 6, 6), 2).shape\n"
            "ferrograd.Size([1, 8, 3, 3])"
        ),
    ),
    "channel_shuffle": (
        "Interleaves ``groups`` groups of channels.",
        (
            ">>> F = ferrograd.nn.functional\n"
            ">>> F.channel_shuffle(ferrograd.arange(4.0).reshape(1, 4, 1, 1), 2).flatten()\n"
            "tensor([0., 2., 1., 3.])"
        ),
    ),
}


def complete(namespace) -> None:
    """Completes the docstring of each function of ``EXAMPLES`` in the module ``namespace``."""
    texts = {**_layer_docs.SHARED, **SHARED}
    _docgen.complete_table(vars(namespace), EXAMPLES, texts, OWN)
