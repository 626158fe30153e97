"""The docstrings of the layers, completed at import (``ferrograd._docgen``): an Args section
from each constructor's signature, its arguments described once here, and an example whose
printed result is PyTorch 2.15's. A layer's own docstring, where it has one, comes first; the
table's summary stands in for one where it has none."""

from __future__ import annotations

from ... import _docgen

#: What each constructor argument means, for every layer that takes it.
SHARED = {
    "inplace": "overwrite the input with the result instead of allocating a new tensor.",
    "in_features": "the size of each input sample (its last dimension).",
    "out_features": "the size of each output sample.",
    "in1_features": "the size of each sample of the first input.",
    "in2_features": "the size of each sample of the second input.",
    "bias": "whether the layer learns an additive bias.",
    "in_channels": "the number of channels of the input.",
    "out_channels": "the number of channels the layer produces.",
    "kernel_size": "the size of the window (an int, or one per dimension).",
    "stride": "the step between windows (by default the window's size for pooling, 1 for "
    "convolutions).",
    "padding": "the implicit padding added on both sides of each dimension.",
    "dilation": "the spacing between the elements of a window.",
    "groups": "the number of blocked connections from input to output channels.",
    "padding_mode": "``'zeros'``, ``'reflect'``, ``'replicate'`` or ``'circular'``.",
    "output_padding": "extra size added to one side of each output dimension.",
    "ceil_mode": "round the output size up instead of down.",
    "return_indices": "also return the flat indices of the maxima (for ``MaxUnpool``).",
    "count_include_pad": "count the padding zeros in the averages' divisors.",
    "divisor_override": "divide each window's sum by this instead of its size.",
    "norm_type": "the power ``p`` of the power-average.",
    "output_size": "the size of the output (an int, or one per dimension).",
    "output_ratio": "the output's size as a fraction of the input's, instead of ``output_size``.",
    "num_features": "the number of channels ``C`` of the expected input.",
    "eps": "added to the denominator for numerical stability.",
    "momentum": "the weight of the newest batch in the running statistics (None: a plain "
    "cumulative average).",
    "affine": "whether the layer learns a per-channel scale and shift.",
    "track_running_stats": "keep running estimates of mean and variance for evaluation mode.",
    "normalized_shape": "the trailing shape normalized over (an int or a sequence).",
    "elementwise_affine": "whether the layer learns a per-element scale (and shift).",
    "num_groups": "how many groups the channels are split into.",
    "num_channels": "the number of channels of the input.",
    "p": "the probability of an element (or channel) being zeroed.",
    "size_average": "deprecated (see ``reduction``).",
    "reduce": "deprecated (see ``reduction``).",
    "reduction": "``'none'``, ``'mean'`` (the default) or ``'sum'``: what becomes of the "
    "per-element losses.",
    "weight": "a rescaling weight for each class.",
    "ignore_index": "a target value that contributes nothing to the loss or its gradient.",
    "margin": "the margin of the hinge.",
    "dim": "the dimension the function is taken along.",
    "input_size": "the number of features of each time step's input.",
    "hidden_size": "the number of features of the hidden state.",
    "num_layers": "the number of stacked recurrent layers.",
    "batch_first": "inputs and outputs are ``(N, L, H)`` instead of ``(L, N, H)``.",
    "dropout": "the dropout probability applied between layers (0: none).",
    "bidirectional": "run a second layer over the reversed sequence and concatenate.",
    "proj_size": "if above 0, project the hidden state to this size (LSTM only).",
    "nonlinearity": "``'tanh'`` or ``'relu'``.",
    "num_embeddings": "the size of the table (the number of distinct indices).",
    "embedding_dim": "the size of each embedding vector.",
    "padding_idx": "an index whose entry is not updated by training (and starts at zero).",
    "max_norm": "renormalize looked-up vectors whose norm exceeds this.",
    "scale_grad_by_freq": "scale gradients by the inverse frequency of the indices in the batch.",
    "sparse": "make the weight's gradient a sparse tensor.",
    "include_last_offset": "``offsets`` has one more entry, the end of the last bag.",
    "d_model": "the number of features of the inputs.",
    "nhead": "the number of attention heads.",
    "dim_feedforward": "the width of the feed-forward block.",
    "activation": "the feed-forward block's activation (``'relu'``, ``'gelu'`` or a callable).",
    "layer_norm_eps": "the ``eps`` of the layer normalizations.",
    "norm_first": "normalize before attention and feed-forward instead of after.",
    "embed_dim": "the number of features of the queries (and of the output).",
    "num_heads": "the number of heads; ``embed_dim`` must be divisible by it.",
    "add_bias_kv": "add a learned bias to the keys and values.",
    "add_zero_attn": "add a batch of zeros to the keys and values.",
    "kdim": "the number of features of the keys (``embed_dim`` by default).",
    "vdim": "the number of features of the values (``embed_dim`` by default).",
    "scale_factor": "the multiplier of the spatial size (instead of ``size``).",
    "align_corners": "align the corner pixels of input and output (linear modes).",
    "recompute_scale_factor": "compute the interpolation from the output size rather than "
    "``scale_factor``.",
    "upscale_factor": "the factor that multiplies the spatial dimensions.",
    "downscale_factor": "the factor that divides the spatial dimensions.",
    "start_dim": "the first dimension flattened.",
    "end_dim": "the last dimension flattened.",
    "unflattened_size": "the shape that dimension ``dim`` becomes.",
    "modules": "the modules to hold at the start.",
    "requires_grad": "whether autograd records operations on it.",
}

#: Arguments that mean something else for one layer.
OWN = {
    "Threshold": {
        "threshold": "the value an element must exceed to be kept.",
        "value": "what replaces the others.",
    },
    "RReLU": {"lower": "the least slope drawn.", "upper": "the largest slope drawn."},
    "Hardtanh": {
        "min_val": "the lower bound.",
        "max_val": "the upper bound.",
        "min_value": "deprecated name of ``min_val``.",
        "max_value": "deprecated name of ``max_val``.",
    },
    "ELU": {"alpha": "the value the output approaches for very negative inputs is ``-alpha``."},
    "CELU": {"alpha": "the ``alpha`` of the formula (the negative saturation value)."},
    "GLU": {"dim": "the dimension split in two halves."},
    "GELU": {"approximate": "``'none'`` (exact, with ``erf``) or ``'tanh'``."},
    "Hardshrink": {"lambd": "the half-width of the zeroed band."},
    "Softshrink": {"lambd": "the shift toward zero (and the half-width of the zeroed band)."},
    "LeakyReLU": {"negative_slope": "the slope for negative inputs."},
    "Softplus": {
        "beta": "the sharpness: larger is closer to ReLU.",
        "threshold": "above ``beta * x > threshold`` the result is ``x``.",
    },
    "PReLU": {
        "num_parameters": "1 (one slope shared) or the number of channels (one each).",
        "init": "the initial slope.",
    },
    "AdaptiveLogSoftmaxWithLoss": {
        "in_features": "the number of features of the input.",
        "n_classes": "the number of classes.",
        "cutoffs": "the increasing class indices where the clusters start.",
        "div_value": "each cluster's projection is this many times smaller than the last.",
        "head_bias": "whether the head's projection has a bias.",
    },
    "MultiheadAttention": {"dropout": "the dropout probability of the attention weights."},
    "ParameterList": {"values": "the parameters (or tensors) to hold at the start."},
    "ParameterDict": {"parameters": "a mapping (or pairs) of names and parameters."},
    "PairwiseDistance": {
        "p": "the order of the norm.",
        "eps": "added to the difference, so that the norm of zero has a gradient.",
        "keepdim": "keep the reduced dimension (of size 1).",
    },
    "CosineSimilarity": {"eps": "the least value of the denominator."},
    "Fold": {"output_size": "the spatial shape of the output ``(H, W)``."},
    "LocalResponseNorm": {
        "size": "the number of neighbouring channels summed over.",
        "alpha": "the multiplier of the sum of squares.",
        "beta": "the exponent of the denominator.",
        "k": "the constant of the denominator.",
    },
    "LPPool1d": {"norm_type": "the power ``p`` of the power-average."},
    "SmoothL1Loss": {"beta": "where the loss changes from quadratic to linear."},
    "HuberLoss": {"delta": "where the loss changes from quadratic to linear."},
    "KLDivLoss": {"log_target": "``target`` is given as log-probabilities too."},
    "PoissonNLLLoss": {
        "log_input": "``input`` is the log of the rate (else the rate itself).",
        "full": "add Stirling's approximation of ``log(target!)``.",
        "eps": "keeps ``log(input)`` finite when ``log_input`` is False.",
    },
    "GaussianNLLLoss": {
        "full": "add the constant ``0.5 * log(2 pi)``.",
        "eps": "the least variance (clamped for stability).",
    },
    "TripletMarginLoss": {
        "p": "the order of the distance's norm.",
        "eps": "added to the differences for stability.",
        "swap": "use the distance from positive to negative where it is smaller (distance swap).",
    },
    "TripletMarginWithDistanceLoss": {
        "distance_function": "a function of two tensors giving their distances "
        "(``PairwiseDistance`` by default).",
        "swap": "use the distance from positive to negative where it is smaller.",
    },
    "CTCLoss": {
        "blank": "the index of the blank class.",
        "zero_infinity": "replace infinite losses (impossible alignments) and their gradients "
        "by zero.",
    },
    "MultiMarginLoss": {"p": "1 or 2: the power of each hinge."},
    "Upsample": {
        "size": "the output's spatial size.",
        "mode": "``'nearest'``, ``'linear'``, ``'bilinear'``, ``'bicubic'``, "
        "``'trilinear'`` or ``'nearest-exact'``.",
    },
    "UpsamplingNearest2d": {"size": "the output's spatial size ``(H, W)``."},
    "UpsamplingBilinear2d": {"size": "the output's spatial size ``(H, W)``."},
    "ChannelShuffle": {"groups": "the number of groups the channels are split into."},
    "RNNBase": {"mode": "``'RNN_TANH'``, ``'RNN_RELU'``, ``'LSTM'`` or ``'GRU'``."},
    "RNNCellBase": {"num_chunks": "the number of gates (1, 3 or 4)."},
    "EmbeddingBag": {
        "mode": "``'sum'``, ``'mean'`` or ``'max'``: how each bag is reduced.",
        "padding_idx": "an index left out of the bags.",
    },
    "TransformerEncoder": {
        "encoder_layer": "the layer copied ``num_layers`` times.",
        "norm": "a normalization applied to the output, or None.",
        "enable_nested_tensor": "accepted for PyTorch's signature (no nested tensors here).",
        "mask_check": "accepted for PyTorch's signature.",
    },
    "TransformerDecoder": {
        "decoder_layer": "the layer copied ``num_layers`` times.",
        "norm": "a normalization applied to the output, or None.",
    },
    "Transformer": {
        "num_encoder_layers": "the number of encoder layers.",
        "num_decoder_layers": "the number of decoder layers.",
        "custom_encoder": "an encoder to use instead of the default one.",
        "custom_decoder": "a decoder to use instead of the default one.",
    },
    "Buffer": {
        "data": "the tensor.",
        "persistent": "whether it is part of the module's ``state_dict``.",
    },
}


#: Layer: (summary where the class has no docstring, example as doctest shows it, printed
#: as PyTorch 2.15 prints it).
EXAMPLES = {
    "Threshold": (
        None,
        (
            ">>> ferrograd.nn.Threshold(0.1, 20.0)(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]))\n"
            "tensor([20.0000, 20.0000,  0.5000,  2.0000])"
        ),
    ),
    "ReLU": (
        None,
        (
            ">>> ferrograd.nn.ReLU()(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]))\n"
            "tensor([0.0000, 0.0000, 0.5000, 2.0000])"
        ),
    ),
    "SELU": (
        (
            "Applies SELU, ``scale * (max(0, x) + min(0, alpha * (exp(x) - 1)))`` with "
            "PyTorch's fixed ``alpha`` and ``scale``, elementwise."
        ),
        (
            ">>> ferrograd.nn.SELU()(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]))\n"
            "tensor([-1.5202, -0.6918,  0.5254,  2.1014])"
        ),
    ),
    "SiLU": (
        "Applies SiLU (swish), ``x * sigmoid(x)``, elementwise.",
        (
            ">>> ferrograd.nn.SiLU()(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]))\n"
            "tensor([-0.2384, -0.1888,  0.3112,  1.7616])"
        ),
    ),
    "Mish": (
        "Applies Mish, ``x * tanh(softplus(x))``, elementwise.",
        (
            ">>> ferrograd.nn.Mish()(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]))\n"
            "tensor([-0.2525, -0.2207,  0.3752,  1.9440])"
        ),
    ),
    "Hardsigmoid": (
        "Applies the piecewise-linear sigmoid ``clamp(x / 6 + 1 / 2, 0, 1)`` elementwise.",
        (
            ">>> ferrograd.nn.Hardsigmoid()(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]))\n"
            "tensor([0.1667, 0.4167, 0.5833, 0.8333])"
        ),
    ),
    "Hardswish": (
        "Applies ``x * hardsigmoid(x)`` elementwise.",
        (
            ">>> ferrograd.nn.Hardswish()(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]))\n"
            "tensor([-0.3333, -0.2083,  0.2917,  1.6667])"
        ),
    ),
    "RReLU": (
        None,
        (
            ">>> m = ferrograd.nn.RReLU(0.1, 0.3).eval()  # the mean slope, 0.2\n"
            ">>> m(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]))\n"
            "tensor([-0.4000, -0.1000,  0.5000,  2.0000])"
        ),
    ),
    "Hardtanh": (
        "Clamps each element into ``[min_val, max_val]``.",
        (
            ">>> ferrograd.nn.Hardtanh(-1.0, 1.0)(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]))\n"
            "tensor([-1.0000, -0.5000,  0.5000,  1.0000])"
        ),
    ),
    "ReLU6": (
        "Applies ``min(max(0, x), 6)`` elementwise.",
        (">>> ferrograd.nn.ReLU6()(ferrograd.tensor([-1.0, 3.0, 8.0]))\ntensor([0., 3., 6.])"),
    ),
    "Sigmoid": (
        "Applies the logistic sigmoid ``1 / (1 + exp(-x))`` elementwise.",
        (
            ">>> ferrograd.nn.Sigmoid()(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]))\n"
            "tensor([0.1192, 0.3775, 0.6225, 0.8808])"
        ),
    ),
    "Tanh": (
        "Applies the hyperbolic tangent elementwise.",
        (
            ">>> ferrograd.nn.Tanh()(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]))\n"
            "tensor([-0.9640, -0.4621,  0.4621,  0.9640])"
        ),
    ),
    "LogSigmoid": (
        "Applies ``log(sigmoid(x))`` elementwise, computed without overflow.",
        (
            ">>> ferrograd.nn.LogSigmoid()(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]))\n"
            "tensor([-2.1269, -0.9741, -0.4741, -0.1269])"
        ),
    ),
    "Softsign": (
        "Applies ``x / (1 + |x|)`` elementwise.",
        (
            ">>> ferrograd.nn.Softsign()(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]))\n"
            "tensor([-0.6667, -0.3333,  0.3333,  0.6667])"
        ),
    ),
    "Tanhshrink": (
        "Applies ``x - tanh(x)`` elementwise.",
        (
            ">>> ferrograd.nn.Tanhshrink()(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]))\n"
            "tensor([-1.0360, -0.0379,  0.0379,  1.0360])"
        ),
    ),
    "ELU": (
        "Applies ELU: ``x`` where positive, else ``alpha * (exp(x) - 1)``.",
        (
            ">>> ferrograd.nn.ELU()(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]))\n"
            "tensor([-0.8647, -0.3935,  0.5000,  2.0000])"
        ),
    ),
    "CELU": (
        "Applies CELU: ``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``.",
        (
            ">>> ferrograd.nn.CELU(alpha=2.0)(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]))\n"
            "tensor([-1.2642, -0.4424,  0.5000,  2.0000])"
        ),
    ),
    "GLU": (
        (
            "Gated linear unit: splits ``input`` in two halves ``a, b`` along ``dim`` and "
            "returns ``a * sigmoid(b)``; that dimension halves."
        ),
        (
            ">>> ferrograd.nn.GLU()(ferrograd.tensor([[1.0, 2.0, 0.0, 100.0]]))\n"
            "tensor([[0.5000, 2.0000]])"
        ),
    ),
    "GELU": (
        (
            "Applies the Gaussian error linear unit ``x * Phi(x)`` (``Phi`` the standard "
            "normal CDF), or its tanh approximation."
        ),
        (
            ">>> ferrograd.nn.GELU()(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]))\n"
            "tensor([-0.0455, -0.1543,  0.3457,  1.9545])"
        ),
    ),
    "Hardshrink": (
        "Zeros the elements with ``|x| <= lambd``; the others pass unchanged.",
        (
            ">>> ferrograd.nn.Hardshrink(1.0)(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]))\n"
            "tensor([-2.,  0.,  0.,  2.])"
        ),
    ),
    "Softshrink": (
        "Moves each element toward zero by ``lambd``, zeroing those within ``lambd`` of it.",
        (
            ">>> ferrograd.nn.Softshrink(1.0)(ferrograd.tensor([-2.0, 0.5, 2.0]))\n"
            "tensor([-1.,  0.,  1.])"
        ),
    ),
    "LeakyReLU": (
        "Applies ``x`` where positive, else ``negative_slope * x``.",
        (
            ">>> ferrograd.nn.LeakyReLU(0.1)(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]))\n"
            "tensor([-0.2000, -0.0500,  0.5000,  2.0000])"
        ),
    ),
    "Softplus": (
        (
            "Applies the smooth ReLU ``log(1 + exp(beta * x)) / beta``; linear above "
            "``threshold`` for stability."
        ),
        (
            ">>> ferrograd.nn.Softplus()(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0]))\n"
            "tensor([0.1269, 0.4741, 0.9741, 2.1269])"
        ),
    ),
    "PReLU": (
        None,
        (
            ">>> m = ferrograd.nn.PReLU(init=0.1)\n"
            ">>> m(ferrograd.tensor([-2.0, -0.5, 0.5, 2.0])).detach()\n"
            "tensor([-0.2000, -0.0500,  0.5000,  2.0000])"
        ),
    ),
    "Softmax": (
        ("Rescales the slices along ``dim`` into probabilities: ``exp(x) / exp(x).sum(dim)``."),
        (
            ">>> ferrograd.nn.Softmax(dim=1)(ferrograd.tensor([[1.0, 2.0, 3.0]]))\n"
            "tensor([[0.0900, 0.2447, 0.6652]])"
        ),
    ),
    "Softmin": (
        "``Softmax`` of ``-input``: the smallest elements get the largest weight.",
        (
            ">>> ferrograd.nn.Softmin(dim=1)(ferrograd.tensor([[1.0, 2.0, 3.0]]))\n"
            "tensor([[0.6652, 0.2447, 0.0900]])"
        ),
    ),
    "LogSoftmax": (
        "The logarithm of ``Softmax`` along ``dim``, computed stably.",
        (
            ">>> ferrograd.nn.LogSoftmax(dim=1)(ferrograd.tensor([[1.0, 2.0, 3.0]]))\n"
            "tensor([[-2.4076, -1.4076, -0.4076]])"
        ),
    ),
    "Softmax2d": (
        None,
        (
            ">>> ferrograd.nn.Softmax2d()(ferrograd.zeros(1, 4, 2, 2))[0, :, 0, 0]\n"
            "tensor([0.2500, 0.2500, 0.2500, 0.2500])"
        ),
    ),
    "AdaptiveLogSoftmaxWithLoss": (
        None,
        (
            ">>> m = ferrograd.nn.AdaptiveLogSoftmaxWithLoss(8, 10, cutoffs=[4])\n"
            ">>> out = m(ferrograd.randn(3, 8), ferrograd.tensor([0, 5, 9]))\n"
            ">>> out.output.shape, out.loss.dim()\n"
            "(ferrograd.Size([3]), 0)"
        ),
    ),
    "MultiheadAttention": (
        None,
        (
            ">>> m = ferrograd.nn.MultiheadAttention(embed_dim=8, num_heads=2, "
            "batch_first=True)\n"
            ">>> x = ferrograd.randn(2, 5, 8)\n"
            ">>> out, weights = m(x, x, x)\n"
            ">>> out.shape, weights.shape\n"
            "(ferrograd.Size([2, 5, 8]), ferrograd.Size([2, 5, 5]))"
        ),
    ),
    "ModuleList": (
        None,
        (
            ">>> layers = ferrograd.nn.ModuleList([ferrograd.nn.Linear(2, 2) for _ in "
            "range(3)])\n"
            ">>> len(layers), len(list(layers.parameters()))\n"
            "(3, 6)"
        ),
    ),
    "ModuleDict": (
        None,
        (
            ">>> d = ferrograd.nn.ModuleDict({'enc': ferrograd.nn.Linear(4, 2), 'act': "
            "ferrograd.nn.ReLU()})\n"
            ">>> sorted(d.keys()), len(list(d.parameters()))\n"
            "(['act', 'enc'], 2)"
        ),
    ),
    "ParameterList": (
        None,
        (
            ">>> ps = "
            "ferrograd.nn.ParameterList([ferrograd.nn.Parameter(ferrograd.ones(2)) for _ "
            "in range(2)])\n"
            ">>> len(ps), [name for name, _ in ps.named_parameters()]\n"
            "(2, ['0', '1'])"
        ),
    ),
    "ParameterDict": (
        None,
        (
            ">>> ps = ferrograd.nn.ParameterDict({'scale': "
            "ferrograd.nn.Parameter(ferrograd.ones(3))})\n"
            ">>> [name for name, _ in ps.named_parameters()]\n"
            "['scale']"
        ),
    ),
    "Conv1d": (
        None,
        (
            ">>> m = ferrograd.nn.Conv1d(4, 8, kernel_size=3, padding=1)\n"
            ">>> m(ferrograd.randn(2, 4, 10)).shape\n"
            "ferrograd.Size([2, 8, 10])"
        ),
    ),
    "Conv3d": (
        None,
        (
            ">>> m = ferrograd.nn.Conv3d(2, 4, kernel_size=3, stride=2)\n"
            ">>> m(ferrograd.randn(1, 2, 7, 7, 7)).shape\n"
            "ferrograd.Size([1, 4, 3, 3, 3])"
        ),
    ),
    "ConvTranspose1d": (
        None,
        (
            ">>> m = ferrograd.nn.ConvTranspose1d(4, 2, kernel_size=3, stride=2)\n"
            ">>> m(ferrograd.randn(1, 4, 5)).shape\n"
            "ferrograd.Size([1, 2, 11])"
        ),
    ),
    "ConvTranspose2d": (
        None,
        (
            ">>> m = ferrograd.nn.ConvTranspose2d(4, 2, kernel_size=2, stride=2)\n"
            ">>> m(ferrograd.randn(1, 4, 5, 5)).shape\n"
            "ferrograd.Size([1, 2, 10, 10])"
        ),
    ),
    "ConvTranspose3d": (
        None,
        (
            ">>> m = ferrograd.nn.ConvTranspose3d(2, 1, kernel_size=2, stride=2)\n"
            ">>> m(ferrograd.randn(1, 2, 3, 3, 3)).shape\n"
            "ferrograd.Size([1, 1, 6, 6, 6])"
        ),
    ),
    "PairwiseDistance": (
        (
            "The ``p``-norm distance between the rows of two inputs, ``||x1 - x2 + "
            "eps||_p`` along the last dimension."
        ),
        (
            ">>> ferrograd.nn.PairwiseDistance()(ferrograd.tensor([[0.0, 0.0]]), "
            "ferrograd.tensor([[3.0, 4.0]]))\n"
            "tensor([5.0000])"
        ),
    ),
    "CosineSimilarity": (
        (
            "The cosine of the angle between two inputs along ``dim``: ``x1 . x2 / "
            "max(||x1|| ||x2||, eps)``."
        ),
        (
            ">>> ferrograd.nn.CosineSimilarity(dim=1)(ferrograd.tensor([[1.0, 0.0]]), "
            "ferrograd.tensor([[1.0, 1.0]]))\n"
            "tensor([0.7071])"
        ),
    ),
    "Dropout1d": (
        None,
        (
            ">>> m = ferrograd.nn.Dropout1d(p=0.5)\n"
            ">>> m.eval()(ferrograd.ones(1, 2, 3))  # evaluation mode: the identity\n"
            "tensor([[[1., 1., 1.],\n"
            "         [1., 1., 1.]]])"
        ),
    ),
    "Dropout2d": (
        None,
        (
            ">>> m = ferrograd.nn.Dropout2d(p=0.5)\n"
            ">>> y = m(ferrograd.ones(1, 8, 2, 2))\n"
            ">>> bool(((y == 0) | (y == 2)).all())  # channels zeroed or scaled by 1/(1-p)\n"
            "True"
        ),
    ),
    "Dropout3d": (
        None,
        (
            ">>> m = ferrograd.nn.Dropout3d(p=0.5)\n"
            ">>> m(ferrograd.ones(1, 4, 2, 2, 2)).shape\n"
            "ferrograd.Size([1, 4, 2, 2, 2])"
        ),
    ),
    "AlphaDropout": (
        None,
        (
            ">>> m = ferrograd.nn.AlphaDropout(p=0.2)\n"
            ">>> m.eval()(ferrograd.tensor([1.0, -1.0]))  # evaluation mode: the identity\n"
            "tensor([ 1., -1.])"
        ),
    ),
    "FeatureAlphaDropout": (
        None,
        (
            ">>> m = ferrograd.nn.FeatureAlphaDropout(p=0.2)\n"
            ">>> m(ferrograd.randn(2, 4, 3)).shape\n"
            "ferrograd.Size([2, 4, 3])"
        ),
    ),
    "Fold": (
        (
            "Combines sliding local blocks back into a tensor (the adjoint of ``Unfold``): "
            "``(N, C * prod(kernel_size), L)`` to ``(N, C, *output_size)``, summing overlaps."
        ),
        (
            ">>> m = ferrograd.nn.Fold(output_size=(3, 3), kernel_size=2)\n"
            ">>> m(ferrograd.ones(1, 4, 4))\n"
            "tensor([[[[1., 2., 1.],\n"
            "          [2., 4., 2.],\n"
            "          [1., 2., 1.]]]])"
        ),
    ),
    "Unfold": (
        (
            "Extracts sliding local blocks: ``(N, C, H, W)`` to ``(N, C * "
            "prod(kernel_size), L)``, ``L`` the number of block positions."
        ),
        (
            ">>> m = ferrograd.nn.Unfold(kernel_size=2)\n"
            ">>> m(ferrograd.arange(9.0).reshape(1, 1, 3, 3))\n"
            "tensor([[[0., 1., 3., 4.],\n"
            "         [1., 2., 4., 5.],\n"
            "         [3., 4., 6., 7.],\n"
            "         [4., 5., 7., 8.]]])"
        ),
    ),
    "LazyLinear": (
        None,
        (
            ">>> m = ferrograd.nn.LazyLinear(3)\n"
            ">>> m(ferrograd.randn(2, 5)).shape, m.weight.shape\n"
            "(ferrograd.Size([2, 3]), ferrograd.Size([3, 5]))"
        ),
    ),
    "Identity": (
        None,
        (
            ">>> ferrograd.nn.Identity(54, unused='ignored')(ferrograd.tensor([1.0, 2.0]))\n"
            "tensor([1., 2.])"
        ),
    ),
    "Bilinear": (
        (
            "Applies ``y = x1^T A x2 + b`` with a learned ``A`` of shape ``(out_features, "
            "in1_features, in2_features)``."
        ),
        (
            ">>> m = ferrograd.nn.Bilinear(3, 4, 5)\n"
            ">>> m(ferrograd.randn(2, 3), ferrograd.randn(2, 4)).shape\n"
            "ferrograd.Size([2, 5])"
        ),
    ),
    "Flatten": (
        None,
        (">>> ferrograd.nn.Flatten()(ferrograd.zeros(2, 3, 4)).shape\nferrograd.Size([2, 12])"),
    ),
    "Unflatten": (
        None,
        (
            ">>> ferrograd.nn.Unflatten(1, (2, 3))(ferrograd.zeros(4, 6)).shape\n"
            "ferrograd.Size([4, 2, 3])"
        ),
    ),
    "BatchNorm2d": (
        None,
        (
            ">>> m = ferrograd.nn.BatchNorm2d(3)\n"
            ">>> y = m(ferrograd.randn(4, 3, 5, 5))\n"
            ">>> y.shape, m.running_mean.shape\n"
            "(ferrograd.Size([4, 3, 5, 5]), ferrograd.Size([3]))"
        ),
    ),
    "BatchNorm3d": (
        None,
        (
            ">>> m = ferrograd.nn.BatchNorm3d(2)\n"
            ">>> m(ferrograd.randn(2, 2, 3, 3, 3)).shape\n"
            "ferrograd.Size([2, 2, 3, 3, 3])"
        ),
    ),
    "InstanceNorm1d": (
        None,
        (
            ">>> m = ferrograd.nn.InstanceNorm1d(2)\n"
            ">>> m(ferrograd.tensor([[[1.0, 3.0], [0.0, 4.0]]]))\n"
            "tensor([[[-1.0000,  1.0000],\n"
            "         [-1.0000,  1.0000]]])"
        ),
    ),
    "InstanceNorm2d": (
        None,
        (
            ">>> m = ferrograd.nn.InstanceNorm2d(3, affine=True)\n"
            ">>> m(ferrograd.randn(2, 3, 4, 4)).shape\n"
            "ferrograd.Size([2, 3, 4, 4])"
        ),
    ),
    "InstanceNorm3d": (
        None,
        (
            ">>> m = ferrograd.nn.InstanceNorm3d(2)\n"
            ">>> m(ferrograd.randn(1, 2, 3, 3, 3)).shape\n"
            "ferrograd.Size([1, 2, 3, 3, 3])"
        ),
    ),
    "GroupNorm": (
        None,
        (
            ">>> m = ferrograd.nn.GroupNorm(num_groups=2, num_channels=4)\n"
            ">>> m(ferrograd.randn(2, 4, 3)).shape\n"
            "ferrograd.Size([2, 4, 3])"
        ),
    ),
    "RMSNorm": (
        None,
        (
            ">>> m = ferrograd.nn.RMSNorm(2)\n"
            ">>> m(ferrograd.tensor([[3.0, 4.0]])).detach()\n"
            "tensor([[0.8485, 1.1314]])"
        ),
    ),
    "LocalResponseNorm": (
        None,
        (
            ">>> m = ferrograd.nn.LocalResponseNorm(2)\n"
            ">>> m(ferrograd.ones(1, 3, 2, 2)).shape\n"
            "ferrograd.Size([1, 3, 2, 2])"
        ),
    ),
    "CrossMapLRN2d": (
        None,
        (
            ">>> m = ferrograd.nn.CrossMapLRN2d(3)\n"
            ">>> m(ferrograd.ones(1, 4, 2, 2)).shape\n"
            "ferrograd.Size([1, 4, 2, 2])"
        ),
    ),
    "ConstantPad1d": (
        (
            "Pads the last dimension with a constant ``value``: ``padding`` is an int or "
            "``(left, right)``."
        ),
        (
            ">>> ferrograd.nn.ConstantPad1d((1, 2), 9.0)(ferrograd.tensor([[1.0, 2.0]]))\n"
            "tensor([[9., 1., 2., 9., 9.]])"
        ),
    ),
    "ConstantPad2d": (
        (
            "Pads the last two dimensions with a constant ``value``: ``padding`` is an int "
            "or ``(left, right, top, bottom)``."
        ),
        (
            ">>> ferrograd.nn.ConstantPad2d(1, 0.5)(ferrograd.ones(1, 1, 1))\n"
            "tensor([[[0.5000, 0.5000, 0.5000],\n"
            "         [0.5000, 1.0000, 0.5000],\n"
            "         [0.5000, 0.5000, 0.5000]]])"
        ),
    ),
    "ConstantPad3d": (
        (
            "Pads the last three dimensions with a constant ``value``: ``padding`` is an "
            "int or a 6-tuple, last dimension first."
        ),
        (
            ">>> ferrograd.nn.ConstantPad3d(1, 0.0)(ferrograd.ones(1, 2, 2, 2)).shape\n"
            "ferrograd.Size([1, 4, 4, 4])"
        ),
    ),
    "ZeroPad1d": (
        "Pads the last dimension with zeros: ``padding`` is an int or ``(left, right)``.",
        (
            ">>> ferrograd.nn.ZeroPad1d(1)(ferrograd.tensor([[1.0, 2.0]]))\n"
            "tensor([[0., 1., 2., 0.]])"
        ),
    ),
    "ZeroPad2d": (
        (
            "Pads the last two dimensions with zeros: ``padding`` is an int or ``(left, "
            "right, top, bottom)``."
        ),
        (
            ">>> ferrograd.nn.ZeroPad2d((1, 0, 0, 1))(ferrograd.ones(1, 1, 1))\n"
            "tensor([[[0., 1.],\n"
            "         [0., 0.]]])"
        ),
    ),
    "ZeroPad3d": (
        (
            "Pads the last three dimensions with zeros: ``padding`` is an int or a "
            "6-tuple, last dimension first."
        ),
        (
            ">>> ferrograd.nn.ZeroPad3d(1)(ferrograd.ones(1, 1, 1, 1)).shape\n"
            "ferrograd.Size([1, 3, 3, 3])"
        ),
    ),
    "ReflectionPad1d": (
        "Pads the last dimension with the reflection of the input (the edge not repeated).",
        (
            ">>> ferrograd.nn.ReflectionPad1d(2)(ferrograd.tensor([[1.0, 2.0, 3.0]]))\n"
            "tensor([[3., 2., 1., 2., 3., 2., 1.]])"
        ),
    ),
    "ReflectionPad2d": (
        ("Pads the last two dimensions with the reflection of the input (the edge not repeated)."),
        (
            ">>> ferrograd.nn.ReflectionPad2d(1)(ferrograd.arange(4.0).reshape(1, 2, 2))\n"
            "tensor([[[3., 2., 3., 2.],\n"
            "         [1., 0., 1., 0.],\n"
            "         [3., 2., 3., 2.],\n"
            "         [1., 0., 1., 0.]]])"
        ),
    ),
    "ReflectionPad3d": (
        (
            "Pads the last three dimensions with the reflection of the input (the edge not "
            "repeated)."
        ),
        (
            ">>> ferrograd.nn.ReflectionPad3d(1)(ferrograd.ones(1, 1, 2, 2, 2)).shape\n"
            "ferrograd.Size([1, 1, 4, 4, 4])"
        ),
    ),
    "ReplicationPad1d": (
        "Pads the last dimension by repeating the edge values.",
        (
            ">>> ferrograd.nn.ReplicationPad1d((2, 1))(ferrograd.tensor([[1.0, 2.0, 3.0]]))\n"
            "tensor([[1., 1., 1., 2., 3., 3.]])"
        ),
    ),
    "ReplicationPad2d": (
        "Pads the last two dimensions by repeating the edge values.",
        (
            ">>> ferrograd.nn.ReplicationPad2d(1)(ferrograd.arange(4.0).reshape(1, 2, 2))\n"
            "tensor([[[0., 0., 1., 1.],\n"
            "         [0., 0., 1., 1.],\n"
            "         [2., 2., 3., 3.],\n"
            "         [2., 2., 3., 3.]]])"
        ),
    ),
    "ReplicationPad3d": (
        "Pads the last three dimensions by repeating the edge values.",
        (
            ">>> ferrograd.nn.ReplicationPad3d(1)(ferrograd.ones(1, 1, 2, 2, 2)).shape\n"
            "ferrograd.Size([1, 1, 4, 4, 4])"
        ),
    ),
    "CircularPad1d": (
        ("Pads the last dimension by wrapping around: the left padding comes from the right end."),
        (
            ">>> ferrograd.nn.CircularPad1d(1)(ferrograd.tensor([[1.0, 2.0, 3.0]]))\n"
            "tensor([[3., 1., 2., 3., 1.]])"
        ),
    ),
    "CircularPad2d": (
        "Pads the last two dimensions by wrapping around.",
        (
            ">>> ferrograd.nn.CircularPad2d(1)(ferrograd.arange(4.0).reshape(1, 1, 2, 2))\n"
            "tensor([[[[3., 2., 3., 2.],\n"
            "          [1., 0., 1., 0.],\n"
            "          [3., 2., 3., 2.],\n"
            "          [1., 0., 1., 0.]]]])"
        ),
    ),
    "CircularPad3d": (
        "Pads the last three dimensions by wrapping around.",
        (
            ">>> ferrograd.nn.CircularPad3d(1)(ferrograd.ones(1, 1, 2, 2, 2)).shape\n"
            "ferrograd.Size([1, 1, 4, 4, 4])"
        ),
    ),
    "PixelShuffle": (
        None,
        (
            ">>> ferrograd.nn.PixelShuffle(2)(ferrograd.zeros(1, 8, 3, 3)).shape\n"
            "ferrograd.Size([1, 2, 6, 6])"
        ),
    ),
    "PixelUnshuffle": (
        None,
        (
            ">>> ferrograd.nn.PixelUnshuffle(2)(ferrograd.zeros(1, 2, 6, 6)).shape\n"
            "ferrograd.Size([1, 8, 3, 3])"
        ),
    ),
    "ChannelShuffle": (
        None,
        (
            ">>> ferrograd.nn.ChannelShuffle(2)(ferrograd.arange(4.0).reshape(1, 4, 1, "
            "1)).flatten()\n"
            "tensor([0., 2., 1., 3.])"
        ),
    ),
    "MaxPool1d": (
        (
            "Takes the maximum over sliding windows of the last dimension of ``(N, C, L)`` "
            "or ``(C, L)`` inputs: ``L_out = floor((L + 2 * padding - dilation * "
            "(kernel_size - 1) - 1) / stride + 1)`` (ceil with ``ceil_mode``)."
        ),
        (
            ">>> ferrograd.nn.MaxPool1d(2)(ferrograd.tensor([[1.0, 5.0, 2.0, 0.0, 3.0]]))\n"
            "tensor([[5., 2.]])"
        ),
    ),
    "MaxPool2d": (
        (
            "Takes the maximum over sliding windows of the last two dimensions of ``(N, C, "
            "H, W)`` or ``(C, H, W)`` inputs; each output size is ``floor((size + 2 * "
            "padding - dilation * (kernel_size - 1) - 1) / stride + 1)``."
        ),
        (
            ">>> m = ferrograd.nn.MaxPool2d(kernel_size=2)\n"
            ">>> m(ferrograd.arange(16.0).reshape(1, 1, 4, 4))\n"
            "tensor([[[[ 5.,  7.],\n"
            "          [13., 15.]]]])"
        ),
    ),
    "MaxPool3d": (
        (
            "Takes the maximum over sliding windows of the last three dimensions of ``(N, "
            "C, D, H, W)`` or ``(C, D, H, W)`` inputs."
        ),
        (
            ">>> ferrograd.nn.MaxPool3d(2)(ferrograd.randn(1, 2, 4, 4, 4)).shape\n"
            "ferrograd.Size([1, 2, 2, 2, 2])"
        ),
    ),
    "AvgPool1d": (
        ("Averages sliding windows of the last dimension of ``(N, C, L)`` or ``(C, L)`` inputs."),
        (
            ">>> ferrograd.nn.AvgPool1d(2)(ferrograd.tensor([[1.0, 3.0, 2.0, 6.0]]))\n"
            "tensor([[2., 4.]])"
        ),
    ),
    "AvgPool2d": (
        (
            "Averages sliding windows of the last two dimensions of ``(N, C, H, W)`` or "
            "``(C, H, W)`` inputs."
        ),
        (
            ">>> ferrograd.nn.AvgPool2d(2)(ferrograd.arange(16.0).reshape(1, 4, 4))\n"
            "tensor([[[ 2.5000,  4.5000],\n"
            "         [10.5000, 12.5000]]])"
        ),
    ),
    "AvgPool3d": (
        (
            "Averages sliding windows of the last three dimensions of ``(N, C, D, H, W)`` "
            "or ``(C, D, H, W)`` inputs."
        ),
        (
            ">>> ferrograd.nn.AvgPool3d(2, stride=1)(ferrograd.randn(1, 1, 3, 3, 3)).shape\n"
            "ferrograd.Size([1, 1, 2, 2, 2])"
        ),
    ),
    "LPPool1d": (
        "The power-average ``(sum x^p)^(1/p)`` over sliding windows of the last dimension.",
        (
            ">>> ferrograd.nn.LPPool1d(2, 2)(ferrograd.tensor([[3.0, 4.0, 6.0, 8.0]]))\n"
            "tensor([[ 5., 10.]])"
        ),
    ),
    "LPPool2d": (
        ("The power-average ``(sum x^p)^(1/p)`` over sliding windows of the last two dimensions."),
        (
            ">>> ferrograd.nn.LPPool2d(1, 2)(ferrograd.ones(1, 1, 4, 4))\n"
            "tensor([[[[4., 4.],\n"
            "          [4., 4.]]]])"
        ),
    ),
    "LPPool3d": (
        (
            "The power-average ``(sum x^p)^(1/p)`` over sliding windows of the last three "
            "dimensions."
        ),
        (
            ">>> ferrograd.nn.LPPool3d(2, 2)(ferrograd.ones(1, 1, 2, 2, 2))\n"
            "tensor([[[[[2.8284]]]]])"
        ),
    ),
    "AdaptiveAvgPool1d": (
        ("Averages the last dimension into ``output_size`` windows, whatever the input's length."),
        (
            ">>> ferrograd.nn.AdaptiveAvgPool1d(2)(ferrograd.tensor([[1.0, 2.0, 3.0, 4.0, "
            "5.0]]))\n"
            "tensor([[2., 4.]])"
        ),
    ),
    "AdaptiveAvgPool2d": (
        (
            "Averages the last two dimensions into an ``output_size`` grid of windows "
            "(``None`` keeps that dimension)."
        ),
        (
            ">>> ferrograd.nn.AdaptiveAvgPool2d((1, 1))(ferrograd.randn(2, 3, 7, 5)).shape\n"
            "ferrograd.Size([2, 3, 1, 1])"
        ),
    ),
    "AdaptiveAvgPool3d": (
        "Averages the last three dimensions into an ``output_size`` grid of windows.",
        (
            ">>> ferrograd.nn.AdaptiveAvgPool3d(1)(ferrograd.ones(1, 2, 3, 3, 3)).flatten()\n"
            "tensor([1., 1.])"
        ),
    ),
    "AdaptiveMaxPool1d": (
        (
            "The maximum of each of ``output_size`` windows of the last dimension, "
            "whatever the input's length."
        ),
        (
            ">>> ferrograd.nn.AdaptiveMaxPool1d(2)(ferrograd.tensor([[1.0, 5.0, 3.0, 4.0]]))\n"
            "tensor([[5., 4.]])"
        ),
    ),
    "AdaptiveMaxPool2d": (
        ("The maximum of each window of an ``output_size`` grid over the last two dimensions."),
        (
            ">>> ferrograd.nn.AdaptiveMaxPool2d(1)(ferrograd.arange(6.0).reshape(1, 2, 3))\n"
            "tensor([[[5.]]])"
        ),
    ),
    "AdaptiveMaxPool3d": (
        ("The maximum of each window of an ``output_size`` grid over the last three dimensions."),
        (
            ">>> ferrograd.nn.AdaptiveMaxPool3d(1)(ferrograd.arange(8.0).reshape(1, 2, 2, 2))\n"
            "tensor([[[[7.]]]])"
        ),
    ),
    "FractionalMaxPool2d": (
        (
            "Max pooling over windows at pseudo-random positions, so that the output is "
            "``output_size`` (or ``output_ratio`` of the input)."
        ),
        (
            ">>> m = ferrograd.nn.FractionalMaxPool2d(2, output_size=(3, 3))\n"
            ">>> m(ferrograd.randn(1, 1, 7, 7)).shape\n"
            "ferrograd.Size([1, 1, 3, 3])"
        ),
    ),
    "FractionalMaxPool3d": (
        "Fractional max pooling over the last three dimensions.",
        (
            ">>> m = ferrograd.nn.FractionalMaxPool3d(2, output_ratio=0.5)\n"
            ">>> m(ferrograd.randn(1, 1, 6, 6, 6)).shape\n"
            "ferrograd.Size([1, 1, 3, 3, 3])"
        ),
    ),
    "MaxUnpool1d": (
        (
            "The partial inverse of ``MaxPool1d``: puts each value back at the index "
            "``MaxPool1d(return_indices=True)`` gave, zeros elsewhere."
        ),
        (
            ">>> pool = ferrograd.nn.MaxPool1d(2, return_indices=True)\n"
            ">>> values, indices = pool(ferrograd.tensor([[1.0, 5.0, 2.0, 0.0]]))\n"
            ">>> ferrograd.nn.MaxUnpool1d(2)(values, indices)\n"
            "tensor([[0., 5., 2., 0.]])"
        ),
    ),
    "MaxUnpool2d": (
        (
            "The partial inverse of ``MaxPool2d``: puts each value back at its index, "
            "zeros elsewhere."
        ),
        (
            ">>> pool = ferrograd.nn.MaxPool2d(2, return_indices=True)\n"
            ">>> values, indices = pool(ferrograd.arange(16.0).reshape(1, 1, 4, 4))\n"
            ">>> ferrograd.nn.MaxUnpool2d(2)(values, indices)[0, 0]\n"
            "tensor([[ 0.,  0.,  0.,  0.],\n"
            "        [ 0.,  5.,  0.,  7.],\n"
            "        [ 0.,  0.,  0.,  0.],\n"
            "        [ 0., 13.,  0., 15.]])"
        ),
    ),
    "MaxUnpool3d": (
        (
            "The partial inverse of ``MaxPool3d``: puts each value back at its index, "
            "zeros elsewhere."
        ),
        (
            ">>> pool = ferrograd.nn.MaxPool3d(2, return_indices=True)\n"
            ">>> values, indices = pool(ferrograd.randn(1, 1, 4, 4, 4))\n"
            ">>> ferrograd.nn.MaxUnpool3d(2)(values, indices).shape\n"
            "ferrograd.Size([1, 1, 4, 4, 4])"
        ),
    ),
    "RNNBase": (
        None,
        (">>> isinstance(ferrograd.nn.LSTM(4, 8), ferrograd.nn.RNNBase)\nTrue"),
    ),
    "RNN": (
        None,
        (
            ">>> m = ferrograd.nn.RNN(input_size=4, hidden_size=8, num_layers=2)\n"
            ">>> output, h_n = m(ferrograd.randn(5, 3, 4))  # (L, N, H_in)\n"
            ">>> output.shape, h_n.shape\n"
            "(ferrograd.Size([5, 3, 8]), ferrograd.Size([2, 3, 8]))"
        ),
    ),
    "LSTM": (
        None,
        (
            ">>> m = ferrograd.nn.LSTM(input_size=4, hidden_size=8, batch_first=True)\n"
            ">>> output, (h_n, c_n) = m(ferrograd.randn(3, 5, 4))  # (N, L, H_in)\n"
            ">>> output.shape, h_n.shape, c_n.shape\n"
            "(ferrograd.Size([3, 5, 8]), ferrograd.Size([1, 3, 8]), ferrograd.Size([1, 3, 8]))"
        ),
    ),
    "GRU": (
        None,
        (
            ">>> m = ferrograd.nn.GRU(4, 8, bidirectional=True)\n"
            ">>> output, h_n = m(ferrograd.randn(5, 3, 4))\n"
            ">>> output.shape, h_n.shape\n"
            "(ferrograd.Size([5, 3, 16]), ferrograd.Size([2, 3, 8]))"
        ),
    ),
    "RNNCellBase": (
        None,
        (">>> isinstance(ferrograd.nn.GRUCell(4, 8), ferrograd.nn.RNNCellBase)\nTrue"),
    ),
    "RNNCell": (
        None,
        (
            ">>> cell = ferrograd.nn.RNNCell(4, 8)\n"
            ">>> cell(ferrograd.randn(3, 4)).shape\n"
            "ferrograd.Size([3, 8])"
        ),
    ),
    "LSTMCell": (
        None,
        (
            ">>> cell = ferrograd.nn.LSTMCell(4, 8)\n"
            ">>> h, c = cell(ferrograd.randn(3, 4))\n"
            ">>> h.shape, c.shape\n"
            "(ferrograd.Size([3, 8]), ferrograd.Size([3, 8]))"
        ),
    ),
    "GRUCell": (
        None,
        (
            ">>> cell = ferrograd.nn.GRUCell(4, 8)\n"
            ">>> cell(ferrograd.randn(3, 4), ferrograd.zeros(3, 8)).shape\n"
            "ferrograd.Size([3, 8])"
        ),
    ),
    "Embedding": (
        None,
        (
            ">>> m = ferrograd.nn.Embedding(10, 3, padding_idx=0)\n"
            ">>> m(ferrograd.tensor([[0, 2], [4, 9]])).shape, m.weight[0].tolist()\n"
            "(ferrograd.Size([2, 2, 3]), [0.0, 0.0, 0.0])"
        ),
    ),
    "EmbeddingBag": (
        None,
        (
            ">>> m = ferrograd.nn.EmbeddingBag(10, 3, mode='sum')\n"
            ">>> bags = m(ferrograd.tensor([1, 2, 4, 5, 4]), offsets=ferrograd.tensor([0, "
            "2]))\n"
            ">>> bags.shape\n"
            "ferrograd.Size([2, 3])"
        ),
    ),
    "TransformerEncoderLayer": (
        None,
        (
            ">>> layer = ferrograd.nn.TransformerEncoderLayer(d_model=8, nhead=2, "
            "batch_first=True)\n"
            ">>> layer(ferrograd.randn(2, 5, 8)).shape\n"
            "ferrograd.Size([2, 5, 8])"
        ),
    ),
    "TransformerDecoderLayer": (
        None,
        (
            ">>> layer = ferrograd.nn.TransformerDecoderLayer(d_model=8, nhead=2)\n"
            ">>> layer(ferrograd.randn(4, 2, 8), ferrograd.randn(5, 2, 8)).shape\n"
            "ferrograd.Size([4, 2, 8])"
        ),
    ),
    "TransformerEncoder": (
        None,
        (
            ">>> layer = ferrograd.nn.TransformerEncoderLayer(d_model=8, nhead=2, "
            "batch_first=True)\n"
            ">>> encoder = ferrograd.nn.TransformerEncoder(layer, num_layers=2)\n"
            ">>> encoder(ferrograd.randn(2, 5, 8)).shape\n"
            "ferrograd.Size([2, 5, 8])"
        ),
    ),
    "TransformerDecoder": (
        None,
        (
            ">>> layer = ferrograd.nn.TransformerDecoderLayer(d_model=8, nhead=2)\n"
            ">>> decoder = ferrograd.nn.TransformerDecoder(layer, num_layers=2)\n"
            ">>> decoder(ferrograd.randn(4, 2, 8), ferrograd.randn(5, 2, 8)).shape\n"
            "ferrograd.Size([4, 2, 8])"
        ),
    ),
    "Transformer": (
        None,
        (
            ">>> m = ferrograd.nn.Transformer(d_model=8, nhead=2, num_encoder_layers=1, "
            "num_decoder_layers=1, dim_feedforward=16, batch_first=True)\n"
            ">>> m(ferrograd.randn(2, 5, 8), ferrograd.randn(2, 4, 8)).shape\n"
            "ferrograd.Size([2, 4, 8])"
        ),
    ),
    "Upsample": (
        None,
        (
            ">>> ferrograd.nn.Upsample(scale_factor=2, "
            "mode='nearest')(ferrograd.tensor([[[1.0, 2.0]]]))\n"
            "tensor([[[1., 1., 2., 2.]]])"
        ),
    ),
    "UpsamplingNearest2d": (
        (
            "Upsamples ``(N, C, H, W)`` inputs by repeating the nearest pixel "
            "(``Upsample`` with ``mode='nearest'``)."
        ),
        (
            ">>> "
            "ferrograd.nn.UpsamplingNearest2d(scale_factor=2)(ferrograd.arange(4.0).reshape("
            "1, 1, 2, 2))\n"
            "tensor([[[[0., 0., 1., 1.],\n"
            "          [0., 0., 1., 1.],\n"
            "          [2., 2., 3., 3.],\n"
            "          [2., 2., 3., 3.]]]])"
        ),
    ),
    "UpsamplingBilinear2d": (
        "Upsamples ``(N, C, H, W)`` inputs by bilinear interpolation with aligned corners.",
        (
            ">>> ferrograd.nn.UpsamplingBilinear2d(size=(3, "
            "3))(ferrograd.arange(4.0).reshape(1, 1, 2, 2))\n"
            "tensor([[[[0.0000, 0.5000, 1.0000],\n"
            "          [1.0000, 1.5000, 2.0000],\n"
            "          [2.0000, 2.5000, 3.0000]]]])"
        ),
    ),
    "Buffer": (
        None,
        (
            ">>> class Scaled(ferrograd.nn.Module):\n"
            "...     def __init__(self):\n"
            "...         super().__init__()\n"
            "...         self.scale = ferrograd.nn.Buffer(ferrograd.ones(2))\n"
            ">>> list(Scaled().state_dict())\n"
            "['scale']"
        ),
    ),
    "UninitializedParameter": (
        None,
        (
            ">>> m = ferrograd.nn.LazyLinear(2)\n"
            ">>> isinstance(m.weight, ferrograd.nn.UninitializedParameter)\n"
            "True"
        ),
    ),
    "UninitializedBuffer": (
        None,
        (
            ">>> m = ferrograd.nn.LazyBatchNorm1d()\n"
            ">>> isinstance(m.running_mean, ferrograd.nn.UninitializedBuffer)\n"
            "True"
        ),
    ),
    "SoftMarginLoss": (
        (
            "The two-class logistic loss ``mean(log(1 + exp(-y * x)))`` for targets ``y`` "
            "of 1 or -1."
        ),
        (
            ">>> loss = ferrograd.nn.SoftMarginLoss()\n"
            ">>> loss(ferrograd.tensor([0.5, -2.0]), ferrograd.tensor([1.0, -1.0]))\n"
            "tensor(0.3005)"
        ),
    ),
    "MultiLabelMarginLoss": (
        (
            "The multi-class multi-label hinge loss: for each target class ``j`` (the "
            "leading entries of ``target`` until a -1) and each other class ``i``, "
            "``max(0, 1 - (x[j] - x[i]))``, summed and divided by the number of classes."
        ),
        (
            ">>> loss = ferrograd.nn.MultiLabelMarginLoss()\n"
            ">>> loss(ferrograd.tensor([[0.1, 0.2, 0.4, 0.8]]), ferrograd.tensor([[3, 0, "
            "-1, 1]]))\n"
            "tensor(0.8500)"
        ),
    ),
    "SmoothL1Loss": (
        (
            "The L1 loss with a quadratic piece near zero: ``0.5 * d**2 / beta`` where "
            "``|d| < beta``, else ``|d| - 0.5 * beta``."
        ),
        (
            ">>> loss = ferrograd.nn.SmoothL1Loss()\n"
            ">>> loss(ferrograd.tensor([0.5, 3.0]), ferrograd.tensor([0.0, 0.0]))\n"
            "tensor(1.3125)"
        ),
    ),
    "HuberLoss": (
        (
            "The Huber loss: ``0.5 * d**2`` where ``|d| < delta``, else ``delta * (|d| - "
            "0.5 * delta)`` (``SmoothL1Loss`` times ``delta``)."
        ),
        (
            ">>> loss = ferrograd.nn.HuberLoss(delta=2.0)\n"
            ">>> loss(ferrograd.tensor([1.0, 4.0]), ferrograd.tensor([0.0, 0.0]))\n"
            "tensor(3.2500)"
        ),
    ),
    "KLDivLoss": (
        (
            "The Kullback-Leibler divergence ``target * (log(target) - input)`` with "
            "``input`` given as log-probabilities (and ``target`` too with ``log_target``)."
        ),
        (
            ">>> loss = ferrograd.nn.KLDivLoss(reduction='batchmean')\n"
            ">>> log_q = ferrograd.tensor([[0.25, 0.75]]).log()\n"
            ">>> loss(log_q, ferrograd.tensor([[0.5, 0.5]]))\n"
            "tensor(0.1438)"
        ),
    ),
    "PoissonNLLLoss": (
        (
            "The negative log-likelihood of a Poisson target: ``exp(input) - target * "
            "input`` with ``log_input``, else ``input - target * log(input + eps)`` (plus "
            "Stirling's term with ``full``)."
        ),
        (
            ">>> loss = ferrograd.nn.PoissonNLLLoss()\n"
            ">>> loss(ferrograd.tensor([0.0, 1.0]), ferrograd.tensor([1.0, 2.0]))\n"
            "tensor(0.8591)"
        ),
    ),
    "GaussianNLLLoss": (
        (
            "The negative log-likelihood of a Gaussian target: ``0.5 * (log(max(var, eps)) "
            "+ (input - target)**2 / max(var, eps))`` (plus ``0.5 * log(2 pi)`` with ``full``)."
        ),
        (
            ">>> loss = ferrograd.nn.GaussianNLLLoss()\n"
            ">>> loss(ferrograd.tensor([0.0, 1.0]), ferrograd.tensor([1.0, 1.0]), "
            "ferrograd.tensor([1.0, 2.0]))\n"
            "tensor(0.4233)"
        ),
    ),
    "HingeEmbeddingLoss": (
        (
            "For targets 1 or -1: ``x`` where the target is 1, ``max(0, margin - x)`` "
            "where it is -1 (``x`` usually a distance)."
        ),
        (
            ">>> loss = ferrograd.nn.HingeEmbeddingLoss()\n"
            ">>> loss(ferrograd.tensor([0.3, 0.2]), ferrograd.tensor([1.0, -1.0]))\n"
            "tensor(0.5500)"
        ),
    ),
    "CosineEmbeddingLoss": (
        (
            "For targets 1 or -1: ``1 - cos(x1, x2)`` where the target is 1, ``max(0, "
            "cos(x1, x2) - margin)`` where it is -1."
        ),
        (
            ">>> loss = ferrograd.nn.CosineEmbeddingLoss()\n"
            ">>> x1 = ferrograd.tensor([[1.0, 0.0], [1.0, 0.0]])\n"
            ">>> x2 = ferrograd.tensor([[1.0, 1.0], [1.0, 1.0]])\n"
            ">>> loss(x1, x2, ferrograd.tensor([1.0, -1.0]))\n"
            "tensor(0.5000)"
        ),
    ),
    "MarginRankingLoss": (
        (
            "``max(0, -y * (x1 - x2) + margin)``: ``y`` is 1 where ``x1`` should rank "
            "higher, -1 where ``x2`` should."
        ),
        (
            ">>> loss = ferrograd.nn.MarginRankingLoss(margin=0.5)\n"
            ">>> loss(ferrograd.tensor([1.0, 1.0]), ferrograd.tensor([0.8, 0.0]), "
            "ferrograd.tensor([1.0, 1.0]))\n"
            "tensor(0.1500)"
        ),
    ),
    "TripletMarginLoss": (
        (
            "``max(d(a, p) - d(a, n) + margin, 0)`` for anchors ``a``, positives ``p`` and "
            "negatives ``n``, ``d`` the ``p``-norm distance."
        ),
        (
            ">>> loss = ferrograd.nn.TripletMarginLoss(margin=1.0)\n"
            ">>> a = ferrograd.tensor([[0.0, 0.0]])\n"
            ">>> loss(a, ferrograd.tensor([[0.0, 1.0]]), ferrograd.tensor([[0.0, 1.5]]))\n"
            "tensor(0.5000)"
        ),
    ),
    "TripletMarginWithDistanceLoss": (
        ("``TripletMarginLoss`` with any ``distance_function`` (``PairwiseDistance`` by default)."),
        (
            ">>> loss = ferrograd.nn.TripletMarginWithDistanceLoss(margin=1.0)\n"
            ">>> a = ferrograd.tensor([[0.0, 0.0]])\n"
            ">>> loss(a, ferrograd.tensor([[0.0, 1.0]]), ferrograd.tensor([[0.0, 1.25]]))\n"
            "tensor(0.7500)"
        ),
    ),
    "CTCLoss": (
        (
            "The connectionist temporal classification loss: the negative log-probability "
            "of each target sequence, summed over its alignments to the input's time "
            "steps. ``log_probs`` is ``(T, N, C)``, ``blank`` the blank class."
        ),
        (
            ">>> loss = ferrograd.nn.CTCLoss()\n"
            ">>> log_probs = ferrograd.full((3, 1, 2), 0.5).log()\n"
            ">>> loss(log_probs, ferrograd.tensor([[1]]), ferrograd.tensor([3]), "
            "ferrograd.tensor([1]))\n"
            "tensor(0.2877)"
        ),
    ),
    "NLLLoss2d": (
        None,
        (
            ">>> log_p = ferrograd.tensor([0.25, 0.75]).log().reshape(1, 2, 1, 1)\n"
            ">>> ferrograd.nn.NLLLoss2d()(log_p, ferrograd.tensor([[[1]]]))\n"
            "tensor(0.2877)"
        ),
    ),
    "MultiLabelSoftMarginLoss": (
        (
            "The multi-label one-versus-all loss: the binary cross-entropy of "
            "``sigmoid(input)`` against 0/1 ``target``, averaged over the classes."
        ),
        (
            ">>> loss = ferrograd.nn.MultiLabelSoftMarginLoss()\n"
            ">>> loss(ferrograd.tensor([[0.0, 2.0]]), ferrograd.tensor([[0.0, 1.0]]))\n"
            "tensor(0.4100)"
        ),
    ),
    "MultiMarginLoss": (
        (
            "The multi-class hinge loss: ``sum_i max(0, margin - x[y] + x[i])**p / C`` "
            "over the classes ``i != y``."
        ),
        (
            ">>> loss = ferrograd.nn.MultiMarginLoss()\n"
            ">>> loss(ferrograd.tensor([[0.1, 0.2, 0.4, 0.8]]), ferrograd.tensor([3]))\n"
            "tensor(0.3250)"
        ),
    ),
    "LazyConv1d": (
        None,
        (
            ">>> m = ferrograd.nn.LazyConv1d(4, 3)\n"
            ">>> m(ferrograd.randn(1, 2, 8)).shape, m.weight.shape\n"
            "(ferrograd.Size([1, 4, 6]), ferrograd.Size([4, 2, 3]))"
        ),
    ),
    "LazyConv2d": (
        None,
        (
            ">>> m = ferrograd.nn.LazyConv2d(4, 3)\n"
            ">>> m(ferrograd.randn(1, 2, 8, 8)).shape, m.weight.shape\n"
            "(ferrograd.Size([1, 4, 6, 6]), ferrograd.Size([4, 2, 3, 3]))"
        ),
    ),
    "LazyConv3d": (
        None,
        (
            ">>> m = ferrograd.nn.LazyConv3d(4, 3)\n"
            ">>> m(ferrograd.randn(1, 2, 5, 5, 5)).shape, m.weight.shape\n"
            "(ferrograd.Size([1, 4, 3, 3, 3]), ferrograd.Size([4, 2, 3, 3, 3]))"
        ),
    ),
    "LazyConvTranspose1d": (
        None,
        (
            ">>> m = ferrograd.nn.LazyConvTranspose1d(4, 3)\n"
            ">>> m(ferrograd.randn(1, 2, 8)).shape, m.weight.shape\n"
            "(ferrograd.Size([1, 4, 10]), ferrograd.Size([2, 4, 3]))"
        ),
    ),
    "LazyConvTranspose2d": (
        None,
        (
            ">>> m = ferrograd.nn.LazyConvTranspose2d(4, 3)\n"
            ">>> m(ferrograd.randn(1, 2, 5, 5)).shape, m.weight.shape\n"
            "(ferrograd.Size([1, 4, 7, 7]), ferrograd.Size([2, 4, 3, 3]))"
        ),
    ),
    "LazyConvTranspose3d": (
        None,
        (
            ">>> m = ferrograd.nn.LazyConvTranspose3d(4, 2)\n"
            ">>> m(ferrograd.randn(1, 2, 3, 3, 3)).shape, m.weight.shape\n"
            "(ferrograd.Size([1, 4, 4, 4, 4]), ferrograd.Size([2, 4, 2, 2, 2]))"
        ),
    ),
    "LazyBatchNorm1d": (
        None,
        (
            ">>> m = ferrograd.nn.LazyBatchNorm1d()\n"
            ">>> m(ferrograd.randn(4, 3)).shape, m.running_mean.shape\n"
            "(ferrograd.Size([4, 3]), ferrograd.Size([3]))"
        ),
    ),
    "LazyBatchNorm2d": (
        None,
        (
            ">>> m = ferrograd.nn.LazyBatchNorm2d()\n"
            ">>> m(ferrograd.randn(2, 3, 4, 4)).shape, m.weight.shape\n"
            "(ferrograd.Size([2, 3, 4, 4]), ferrograd.Size([3]))"
        ),
    ),
    "LazyBatchNorm3d": (
        None,
        (
            ">>> m = ferrograd.nn.LazyBatchNorm3d()\n"
            ">>> m(ferrograd.randn(2, 3, 2, 2, 2)).shape, m.weight.shape\n"
            "(ferrograd.Size([2, 3, 2, 2, 2]), ferrograd.Size([3]))"
        ),
    ),
    "LazyInstanceNorm1d": (
        None,
        (
            ">>> m = ferrograd.nn.LazyInstanceNorm1d(affine=True)\n"
            ">>> m(ferrograd.randn(2, 3, 5)).shape, m.weight.shape\n"
            "(ferrograd.Size([2, 3, 5]), ferrograd.Size([3]))"
        ),
    ),
    "LazyInstanceNorm2d": (
        None,
        (
            ">>> m = ferrograd.nn.LazyInstanceNorm2d(affine=True)\n"
            ">>> m(ferrograd.randn(2, 3, 4, 4)).shape, m.weight.shape\n"
            "(ferrograd.Size([2, 3, 4, 4]), ferrograd.Size([3]))"
        ),
    ),
    "LazyInstanceNorm3d": (
        None,
        (
            ">>> m = ferrograd.nn.LazyInstanceNorm3d(affine=True)\n"
            ">>> m(ferrograd.randn(1, 3, 2, 2, 2)).shape, m.weight.shape\n"
            "(ferrograd.Size([1, 3, 2, 2, 2]), ferrograd.Size([3]))"
        ),
    ),
}


def complete(namespace) -> None:
    """Completes the docstring of each layer of ``EXAMPLES`` found in ``namespace``."""
    _docgen.complete_table(namespace, EXAMPLES, SHARED, OWN)
