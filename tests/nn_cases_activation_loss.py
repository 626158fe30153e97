"""Reference cases for activations and losses (see nn_reference.py): each runs unchanged on
ferrograd and on PyTorch."""

from __future__ import annotations

CASES: dict = {}

#: Values at the activations' breakpoints, where PyTorch's derivative picks a side.
BREAKPOINTS = [-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0, 6.0, -20.0, 25.0]


def _points(lib):
    return lib.tensor(BREAKPOINTS, dtype=lib.float64, requires_grad=True)


def _activation(fn):
    def case(lib, mk):
        F = lib.nn.functional
        x = mk.f(3, 7, scale=2.0)
        p = _points(lib)
        return {"out": (fn(F, x), fn(F, p)), "grad_of": [x, p]}

    return case


_FUNCTIONAL_ACTIVATIONS = {
    "threshold": lambda F, x: F.threshold(x, 0.5, -2.0),
    "relu6": lambda F, x: F.relu6(x),
    "hardtanh": lambda F, x: F.hardtanh(x, -0.5, 1.0),
    "hardswish": lambda F, x: F.hardswish(x),
    "hardsigmoid": lambda F, x: F.hardsigmoid(x),
    "elu": lambda F, x: F.elu(x, 0.7),
    "selu": lambda F, x: F.selu(x),
    "celu": lambda F, x: F.celu(x, 1.5),
    "leaky_relu": lambda F, x: F.leaky_relu(x, 0.2),
    "rrelu_eval": lambda F, x: F.rrelu(x, 0.1, 0.3, training=False),
    "glu": lambda F, x: F.glu(x.reshape(-1, 2) if x.numel() % 2 == 0 else x[:-1].reshape(-1, 2)),
    "gelu": lambda F, x: F.gelu(x),
    "gelu_tanh": lambda F, x: F.gelu(x, approximate="tanh"),
    "logsigmoid": lambda F, x: F.logsigmoid(x),
    "hardshrink": lambda F, x: F.hardshrink(x, 1.0),
    "softshrink": lambda F, x: F.softshrink(x, 1.0),
    "tanhshrink": lambda F, x: F.tanhshrink(x),
    "softsign": lambda F, x: F.softsign(x),
    "softplus": lambda F, x: F.softplus(x, beta=2.0, threshold=3.0),
    "softmin": lambda F, x: F.softmin(x, dim=-1),
    "softmax": lambda F, x: F.softmax(x, dim=0),
    "log_softmax": lambda F, x: F.log_softmax(x, dim=-1),
    "silu": lambda F, x: F.silu(x),
    "mish": lambda F, x: F.mish(x),
    "sigmoid": lambda F, x: F.sigmoid(x),
    "tanh": lambda F, x: F.tanh(x),
}
for _name, _fn in _FUNCTIONAL_ACTIVATIONS.items():
    CASES[f"F.{_name}"] = _activation(_fn)


def _module(build, shape=(2, 3, 4), scale=2.0):
    def case(lib, mk):
        m = mk.fill(build(lib.nn).double())
        x = mk.f(*shape, scale=scale)
        return {"out": m(x), "grad_of": [x, *m.parameters()], "module": m}

    return case


_MODULES = {
    "Threshold": lambda nn: nn.Threshold(0.1, 20.0),
    "ReLU": lambda nn: nn.ReLU(),
    "RReLU_eval": lambda nn: nn.RReLU().eval(),
    "Hardtanh": lambda nn: nn.Hardtanh(-2.0, 2.0),
    "ReLU6": lambda nn: nn.ReLU6(),
    "Sigmoid": lambda nn: nn.Sigmoid(),
    "Hardsigmoid": lambda nn: nn.Hardsigmoid(),
    "Tanh": lambda nn: nn.Tanh(),
    "SiLU": lambda nn: nn.SiLU(),
    "Mish": lambda nn: nn.Mish(),
    "Hardswish": lambda nn: nn.Hardswish(),
    "ELU": lambda nn: nn.ELU(alpha=0.5),
    "CELU": lambda nn: nn.CELU(alpha=2.0),
    "SELU": lambda nn: nn.SELU(),
    "GLU": lambda nn: nn.GLU(dim=-1),
    "GELU": lambda nn: nn.GELU(approximate="tanh"),
    "Hardshrink": lambda nn: nn.Hardshrink(0.3),
    "LeakyReLU": lambda nn: nn.LeakyReLU(0.05),
    "LogSigmoid": lambda nn: nn.LogSigmoid(),
    "Softplus": lambda nn: nn.Softplus(beta=0.5, threshold=1.0),
    "Softshrink": lambda nn: nn.Softshrink(0.2),
    "PReLU": lambda nn: nn.PReLU(),
    "PReLU_channels": lambda nn: nn.PReLU(num_parameters=3, init=0.1),
    "Softsign": lambda nn: nn.Softsign(),
    "Tanhshrink": lambda nn: nn.Tanhshrink(),
    "Softmin": lambda nn: nn.Softmin(dim=1),
    "Softmax": lambda nn: nn.Softmax(dim=-1),
    "Softmax2d": lambda nn: nn.Softmax2d(),
    "LogSoftmax": lambda nn: nn.LogSoftmax(dim=1),
}
for _name, _build in _MODULES.items():
    CASES[f"nn.{_name}"] = _module(_build)


def _prelu_functional(lib, mk):
    x = mk.f(2, 3, 5, scale=2.0)
    w = mk.f(3, seed=4, scale=0.3)
    x1 = mk.f(6, seed=2)
    w1 = mk.f(1, seed=5, scale=0.3)
    F = lib.nn.functional
    return {"out": (F.prelu(x, w), F.prelu(x1, w1)), "grad_of": [x, w, x1, w1]}


CASES["F.prelu"] = _prelu_functional


# --- losses -------------------------------------------------------------------------------------

REDUCTIONS = ("none", "mean", "sum")


def _per_reduction(name, build):
    for reduction in REDUCTIONS:
        CASES[f"{name}[{reduction}]"] = build(reduction)


def _regression(loss, **kwargs):
    def build(reduction):
        def case(lib, mk):
            x = mk.f(3, 5, scale=1.5)
            t = mk.f(3, 5, seed=3, scale=1.5)
            out = getattr(lib.nn.functional, loss)(x, t, reduction=reduction, **kwargs)
            return {"out": out, "grad_of": [x, t]}

        return case

    return build


_per_reduction("F.l1_loss", _regression("l1_loss"))
_per_reduction("F.mse_loss", _regression("mse_loss"))
_per_reduction("F.smooth_l1_loss", _regression("smooth_l1_loss", beta=0.5))
_per_reduction("F.huber_loss", _regression("huber_loss", delta=0.7))


def _soft_margin(reduction):
    def case(lib, mk):
        x = mk.f(3, 5, scale=1.5)
        out = lib.nn.functional.soft_margin_loss(x, mk.sign(3, 5), reduction=reduction)
        return {"out": out, "grad_of": [x]}

    return case


_per_reduction("F.soft_margin_loss", _soft_margin)


def _kl(log_target):
    def build(reduction):
        def case(lib, mk):
            x = mk.f(3, 5, scale=1.0).log_softmax(1)
            t = mk.unit(3, 5, seed=2)
            t = t.log() if log_target else t
            F = lib.nn.functional
            out = F.kl_div(x, t, reduction=reduction, log_target=log_target)
            return {"out": out, "grad_of": [x, t]}

        return case

    return build


for _log_target in (False, True):
    for _reduction in (*REDUCTIONS, "batchmean"):
        CASES[f"F.kl_div[log_target={_log_target},{_reduction}]"] = _kl(_log_target)(_reduction)


def _kl_zero_target(lib, mk):
    x = mk.f(2, 4).log_softmax(1)
    t = lib.tensor([[0.0, 0.5, 0.5, 0.0], [1.0, 0.0, 0.0, 0.0]], dtype=lib.float64)
    return {"out": lib.nn.functional.kl_div(x, t, reduction="sum"), "grad_of": [x]}


CASES["F.kl_div[zero target]"] = _kl_zero_target


def _poisson(log_input, full):
    def build(reduction):
        def case(lib, mk):
            x = mk.f(3, 4) if log_input else mk.positive(3, 4)
            t = lib.tensor([[0.0, 1.0, 2.0, 5.0], [3.0, 0.5, 7.0, 1.5], [4.0, 2.0, 0.0, 9.0]])
            t = t.double()
            F = lib.nn.functional
            out = F.poisson_nll_loss(x, t, log_input=log_input, full=full, reduction=reduction)
            return {"out": out, "grad_of": [x]}

        return case

    return build


for _log_input in (True, False):
    for _full in (False, True):
        _per_reduction(
            f"F.poisson_nll_loss[log={_log_input},full={_full}]", _poisson(_log_input, _full)
        )


def _gaussian(var_shape, full):
    def build(reduction):
        def case(lib, mk):
            x = mk.f(3, 4)
            t = mk.f(3, 4, seed=1)
            var = mk.positive(*var_shape, seed=2, low=0.0, high=2.0)
            F = lib.nn.functional
            out = F.gaussian_nll_loss(x, t, var, full=full, reduction=reduction)
            return {"out": out, "grad_of": [x, t, var]}

        return case

    return build


for _shape, _full in (((3, 4), False), ((3,), True), ((3, 1), False)):
    _per_reduction(f"F.gaussian_nll_loss[var={_shape},full={_full}]", _gaussian(_shape, _full))


def _bce(kind):
    def build(reduction):
        def case(lib, mk):
            F = lib.nn.functional
            t = mk.unit(4, 3, seed=3, grad=False)
            w = mk.positive(3, seed=4, grad=False)
            if kind == "bce":
                x = mk.unit(4, 3)
                out = F.binary_cross_entropy(x, t, weight=w, reduction=reduction)
            else:
                x = mk.f(4, 3, scale=3.0)
                pw = mk.positive(3, seed=6, grad=False)
                out = F.binary_cross_entropy_with_logits(
                    x, t, weight=w, pos_weight=pw, reduction=reduction
                )
            return {"out": out, "grad_of": [x]}

        return case

    return build


_per_reduction("F.binary_cross_entropy[weight]", _bce("bce"))
_per_reduction("F.binary_cross_entropy_with_logits[pos_weight]", _bce("logits"))


def _cross_entropy(variant):
    def build(reduction):
        def case(lib, mk):
            F = lib.nn.functional
            x = mk.f(4, 5, 3, scale=2.0)  # (N, C, d)
            w = mk.positive(5, seed=2, grad=False)
            if variant == "probabilities":
                t = mk.f(4, 5, 3, seed=1, grad=False).softmax(1)
                out = F.cross_entropy(x, t, weight=w, reduction=reduction, label_smoothing=0.1)
            else:
                t = mk.i(4, 3, high=5, seed=2)
                t[2, 2] = 3
                out = F.cross_entropy(
                    x, t, weight=w, ignore_index=3, reduction=reduction, label_smoothing=0.2
                )
            return {"out": out, "grad_of": [x]}

        return case

    return build


_per_reduction("F.cross_entropy[indices,weight,ignore,smoothing]", _cross_entropy("indices"))
_per_reduction("F.cross_entropy[probabilities,weight,smoothing]", _cross_entropy("probabilities"))


def _nll(reduction):
    def case(lib, mk):
        x = mk.f(6, 4).log_softmax(1)
        t = mk.i(6, high=4, seed=1)
        w = mk.positive(4, seed=3, grad=False)
        out = lib.nn.functional.nll_loss(x, t, weight=w, ignore_index=2, reduction=reduction)
        return {"out": out, "grad_of": [x]}

    return case


_per_reduction("F.nll_loss[weight,ignore]", _nll)


def _margin_ranking(reduction):
    def case(lib, mk):
        a, b = mk.f(7), mk.f(7, seed=2)
        y = mk.sign(7)
        out = lib.nn.functional.margin_ranking_loss(a, b, y, margin=0.3, reduction=reduction)
        return {"out": out, "grad_of": [a, b]}

    return case


_per_reduction("F.margin_ranking_loss", _margin_ranking)


def _hinge(reduction):
    def case(lib, mk):
        x = mk.f(3, 4, scale=1.5)
        y = mk.sign(3, 4)
        out = lib.nn.functional.hinge_embedding_loss(x, y, margin=1.2, reduction=reduction)
        return {"out": out, "grad_of": [x]}

    return case


_per_reduction("F.hinge_embedding_loss", _hinge)


def _cosine_embedding(reduction):
    def case(lib, mk):
        a, b = mk.f(5, 4), mk.f(5, 4, seed=3)
        y = mk.sign(5)
        F = lib.nn.functional
        out = F.cosine_embedding_loss(a, b, y, margin=0.1, reduction=reduction)
        a1, b1 = mk.f(4, seed=6), mk.f(4, seed=7)
        y1 = lib.tensor(-1.0, dtype=lib.float64)
        out1 = F.cosine_embedding_loss(a1, b1, y1, margin=-0.5, reduction=reduction)
        return {"out": (out, out1), "grad_of": [a, b, a1, b1]}

    return case


_per_reduction("F.cosine_embedding_loss", _cosine_embedding)


def _triplet(swap, p):
    def build(reduction):
        def case(lib, mk):
            a, pos, neg = mk.f(4, 5), mk.f(4, 5, seed=1), mk.f(4, 5, seed=2)
            F = lib.nn.functional
            out = F.triplet_margin_loss(
                a, pos, neg, margin=1.5, p=p, swap=swap, reduction=reduction
            )
            return {"out": out, "grad_of": [a, pos, neg]}

        return case

    return build


_per_reduction("F.triplet_margin_loss[p=2]", _triplet(False, 2))
_per_reduction("F.triplet_margin_loss[p=1,swap]", _triplet(True, 1))


def _triplet_distance(reduction):
    def case(lib, mk):
        a, pos, neg = mk.f(4, 5), mk.f(4, 5, seed=1), mk.f(4, 5, seed=2)
        F = lib.nn.functional

        def cosine_distance(x, y):
            return 1.0 - F.cosine_similarity(x, y)

        out = F.triplet_margin_with_distance_loss(
            a,
            pos,
            neg,
            distance_function=cosine_distance,
            margin=0.4,
            swap=True,
            reduction=reduction,
        )
        default = F.triplet_margin_with_distance_loss(a, pos, neg, reduction=reduction)
        return {"out": (out, default), "grad_of": [a, pos, neg]}

    return case


_per_reduction("F.triplet_margin_with_distance_loss", _triplet_distance)


def _multi_margin(p, weighted):
    def build(reduction):
        def case(lib, mk):
            x = mk.f(5, 4)
            t = mk.i(5, high=4, seed=1)
            w = mk.positive(4, seed=2, grad=False) if weighted else None
            F = lib.nn.functional
            out = F.multi_margin_loss(x, t, p=p, margin=0.8, weight=w, reduction=reduction)
            x1 = mk.f(4, seed=3)
            t1 = lib.tensor(2)
            out1 = F.multi_margin_loss(x1, t1, reduction=reduction)
            return {"out": (out, out1), "grad_of": [x, x1]}

        return case

    return build


_per_reduction("F.multi_margin_loss[p=1]", _multi_margin(1, False))
_per_reduction("F.multi_margin_loss[p=2,weight]", _multi_margin(2, True))


def _multilabel_margin(reduction):
    def case(lib, mk):
        x = mk.f(3, 5)
        t = lib.tensor([[3, 0, -1, 1, 2], [1, 2, 3, 4, 0], [-1, 1, 2, 0, 0]])
        F = lib.nn.functional
        x1 = mk.f(4, seed=2)
        t1 = lib.tensor([2, 2, -1, 0])
        out = F.multilabel_margin_loss(x, t, reduction=reduction)
        out1 = F.multilabel_margin_loss(x1, t1, reduction=reduction)
        return {"out": (out, out1), "grad_of": [x, x1]}

    return case


_per_reduction("F.multilabel_margin_loss", _multilabel_margin)


def _multilabel_soft_margin(reduction):
    def case(lib, mk):
        x = mk.f(3, 5, scale=2.0)
        t = mk.unit(3, 5, seed=1, grad=False).round()
        w = mk.positive(5, seed=2, grad=False)
        F = lib.nn.functional
        out = F.multilabel_soft_margin_loss(x, t, weight=w, reduction=reduction)
        return {"out": out, "grad_of": [x]}

    return case


_per_reduction("F.multilabel_soft_margin_loss[weight]", _multilabel_soft_margin)


def _ctc(layout):
    def build(reduction):
        def case(lib, mk):
            logits = mk.f(7, 3, 5, scale=2.0)  # (T, N, C)
            log_probs = logits.log_softmax(2)
            lengths = lib.tensor([7, 5, 6])
            target_lengths = lib.tensor([3, 2, 0])
            padded = lib.tensor([[1, 2, 2], [3, 1, 0], [0, 0, 0]])
            targets = lib.tensor([1, 2, 2, 3, 1]) if layout == "concatenated" else padded
            F = lib.nn.functional
            out = F.ctc_loss(log_probs, targets, lengths, target_lengths, reduction=reduction)
            # the gradient is compared through log_softmax: PyTorch's raw gradient with respect
            # to log_probs assumes normalized inputs (it is not the partial derivative)
            return {"out": out, "grad_of": [logits]}

        return case

    return build


_per_reduction("F.ctc_loss[padded]", _ctc("padded"))
_per_reduction("F.ctc_loss[concatenated]", _ctc("concatenated"))


def _ctc_impossible(lib, mk):
    logits = mk.f(3, 2, 4, scale=2.0)
    log_probs = logits.log_softmax(2)
    targets = lib.tensor([[1, 1, 1], [2, 3, 1]])
    F = lib.nn.functional
    kept = F.ctc_loss(log_probs, targets, [3, 3], [3, 2], blank=0, reduction="none")
    zeroed = F.ctc_loss(log_probs, targets, [3, 3], [3, 2], reduction="sum", zero_infinity=True)
    unbatched = F.ctc_loss(log_probs[:, 1], targets[1, :2], (3,), (2,), blank=0)
    return {"out": (kept, zeroed, unbatched)}


CASES["F.ctc_loss[impossible,zero_infinity,unbatched]"] = _ctc_impossible


def _ctc_zero_infinity_grad(lib, mk):
    logits = mk.f(3, 2, 4, scale=2.0)
    targets = lib.tensor([[1, 1, 1], [2, 3, 1]])
    out = lib.nn.functional.ctc_loss(
        logits.log_softmax(2), targets, [3, 3], [3, 2], reduction="mean", zero_infinity=True
    )
    return {"out": out, "grad_of": [logits]}


CASES["F.ctc_loss[zero_infinity grad]"] = _ctc_zero_infinity_grad


def _loss_module(build, make_inputs):
    def case(lib, mk):
        m = build(lib)
        inputs, leaves = make_inputs(lib, mk)
        return {"out": m(*inputs), "grad_of": leaves, "module": m}

    return case


def _pair_inputs(lib, mk):
    x, t = mk.f(3, 4), mk.f(3, 4, seed=1)
    return (x, t), [x, t]


def _class_inputs(lib, mk):
    x = mk.f(4, 3)
    return (x, mk.i(4, high=3, seed=1)), [x]


_LOSS_MODULES = {
    "L1Loss": (lambda lib: lib.nn.L1Loss(reduction="sum"), _pair_inputs),
    "MSELoss_legacy": (lambda lib: lib.nn.MSELoss(size_average=False), _pair_inputs),
    "MSELoss_reduce_false": (lambda lib: lib.nn.MSELoss(reduce=False), _pair_inputs),
    "SmoothL1Loss": (lambda lib: lib.nn.SmoothL1Loss(beta=0.3), _pair_inputs),
    "HuberLoss": (lambda lib: lib.nn.HuberLoss(delta=0.4), _pair_inputs),
    "SoftMarginLoss": (
        lambda lib: lib.nn.SoftMarginLoss(),
        lambda lib, mk: ((mk.f(3, 4), mk.sign(3, 4)), []),
    ),
    "KLDivLoss": (
        lambda lib: lib.nn.KLDivLoss(reduction="batchmean", log_target=True),
        _pair_inputs,
    ),
    "GaussianNLLLoss": (
        lambda lib: lib.nn.GaussianNLLLoss(full=True, eps=1e-3),
        lambda lib, mk: ((mk.f(3, 4), mk.f(3, 4, seed=1), mk.positive(3, 4, seed=2)), []),
    ),
    "PoissonNLLLoss": (lambda lib: lib.nn.PoissonNLLLoss(log_input=True, full=False), _pair_inputs),
    "CrossEntropyLoss": (
        lambda lib: lib.nn.CrossEntropyLoss(
            weight=lib.tensor([1.0, 2.0, 0.5], dtype=lib.float64), label_smoothing=0.1
        ),
        _class_inputs,
    ),
    "NLLLoss": (
        lambda lib: lib.nn.NLLLoss(weight=lib.tensor([1.0, 2.0, 0.5], dtype=lib.float64)),
        _class_inputs,
    ),
    "MultiMarginLoss": (
        lambda lib: lib.nn.MultiMarginLoss(p=2, weight=lib.tensor([1.0, 2.0, 0.5]).double()),
        _class_inputs,
    ),
    "MultiLabelSoftMarginLoss": (
        lambda lib: lib.nn.MultiLabelSoftMarginLoss(
            weight=lib.tensor([1.0, 2.0, 0.5, 1.0]).double()
        ),
        lambda lib, mk: ((mk.f(3, 4), mk.unit(3, 4, seed=1, grad=False).round()), []),
    ),
    "MultiLabelMarginLoss": (
        lambda lib: lib.nn.MultiLabelMarginLoss(),
        lambda lib, mk: ((mk.f(2, 3), lib.tensor([[2, -1, 0], [0, 1, -1]])), []),
    ),
    "HingeEmbeddingLoss": (
        lambda lib: lib.nn.HingeEmbeddingLoss(margin=0.5),
        lambda lib, mk: ((mk.f(3, 4), mk.sign(3, 4)), []),
    ),
    "MarginRankingLoss": (
        lambda lib: lib.nn.MarginRankingLoss(margin=0.2),
        lambda lib, mk: ((mk.f(5), mk.f(5, seed=1), mk.sign(5)), []),
    ),
    "CosineEmbeddingLoss": (
        lambda lib: lib.nn.CosineEmbeddingLoss(margin=0.2),
        lambda lib, mk: ((mk.f(3, 4), mk.f(3, 4, seed=1), mk.sign(3)), []),
    ),
    "TripletMarginLoss": (
        lambda lib: lib.nn.TripletMarginLoss(margin=0.5, p=3.0, swap=True),
        lambda lib, mk: ((mk.f(3, 4), mk.f(3, 4, seed=1), mk.f(3, 4, seed=2)), []),
    ),
    "TripletMarginWithDistanceLoss": (
        lambda lib: lib.nn.TripletMarginWithDistanceLoss(margin=0.5),
        lambda lib, mk: ((mk.f(3, 4), mk.f(3, 4, seed=1), mk.f(3, 4, seed=2)), []),
    ),
    "BCELoss": (
        lambda lib: lib.nn.BCELoss(weight=lib.tensor([1.0, 0.5, 2.0, 1.0]).double()),
        lambda lib, mk: ((mk.unit(3, 4), mk.unit(3, 4, seed=1, grad=False)), []),
    ),
    "BCEWithLogitsLoss": (
        lambda lib: lib.nn.BCEWithLogitsLoss(pos_weight=lib.tensor([1.0, 0.5, 2.0, 1.0]).double()),
        lambda lib, mk: ((mk.f(3, 4), mk.unit(3, 4, seed=1, grad=False)), []),
    ),
    "CTCLoss": (
        lambda lib: lib.nn.CTCLoss(blank=4, reduction="sum"),
        lambda lib, mk: (
            (
                mk.f(5, 2, 5, grad=False).log_softmax(2),
                lib.tensor([[0, 1], [2, 2]]),
                lib.tensor([5, 4]),
                lib.tensor([2, 2]),
            ),
            [],
        ),
    ),
}
for _name, (_build, _inputs) in _LOSS_MODULES.items():
    CASES[f"nn.{_name}"] = _loss_module(_build, _inputs)


def _pairwise(lib, mk):
    F = lib.nn.functional
    a, b = mk.f(4, 5), mk.f(4, 5, seed=2)
    x = mk.f(5, 3, seed=3)
    return {
        "out": (
            F.pairwise_distance(a, b),
            F.pairwise_distance(a, b, p=1.0, eps=0.1, keepdim=True),
            F.pdist(x),
            F.pdist(x, p=3.0),
            F.cosine_similarity(a, b, dim=1),
            lib.nn.PairwiseDistance(p=2.5)(a, b),
            lib.nn.CosineSimilarity(dim=0)(a, b),
        ),
        "grad_of": [a, b, x],
    }


CASES["F.distances"] = _pairwise


def _adaptive_softmax(lib, mk):
    m = mk.fill(lib.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6], div_value=2.0).double())
    x = mk.f(5, 8)
    target = lib.tensor([0, 4, 9, 2, 7])
    output, loss = m(x, target)
    single = m(x[1], target[1])
    return {
        "out": (output, loss, single.output, m.log_prob(x), m.predict(x)),
        "grad_of": [x, *m.parameters()],
        "module": m,
    }


CASES["nn.AdaptiveLogSoftmaxWithLoss"] = _adaptive_softmax
