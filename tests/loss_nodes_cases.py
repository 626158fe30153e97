"""Cases for tests/test_loss_nodes.py: every loss of ``nn.functional`` on fixed float64 values,
written so that each runs unchanged on ferrograd and on PyTorch (``cases(lib)``, ``lib`` either
module). ``scripts/record_loss_nodes_reference.py`` runs them under PyTorch and writes what it
saw to tests/loss_nodes_reference.py: the ``grad_fn`` chain, the value and the gradients."""

from __future__ import annotations

X = [[0.3, -1.2, 2.5, 0.0], [1.1, -0.4, 0.7, -2.0], [-0.9, 1.6, 0.2, 0.8]]
Y = [[0.1, 0.4, 1.5, -0.3], [1.3, -1.9, 0.6, 0.2], [-0.2, 2.4, -1.1, 0.5]]
P = [[0.3, 0.8, 0.55, 0.1], [0.9, 0.45, 0.2, 0.65], [0.05, 0.7, 0.35, 0.95]]
Q = [[0.0, 1.0, 0.5, 0.2], [1.0, 0.3, 0.0, 0.9], [0.6, 1.0, 0.1, 0.0]]
SIGNS = [[1.0, -1.0, 1.0, 1.0], [-1.0, -1.0, 1.0, -1.0], [1.0, 1.0, -1.0, 1.0]]
W = [[0.5, 1.0, 2.0, 0.25], [1.5, 0.75, 1.0, 3.0], [0.2, 1.0, 0.6, 1.2]]
CLASS_W = [0.5, 2.0, 1.0, 1.5]
POS_W = [2.0, 0.5, 1.0, 3.0]
CLASSES = [2, 0, 3]
#: (N=2, C=4, 3, 2) logits and their (2, 3, 2) class indices
SPATIAL = [
    [
        [[(i * 7 + j * 3 + k * 5 + c * 11) % 13 / 6.0 - 1.0 for k in range(2)] for j in range(3)]
        for c in range(4)
    ]
    for i in range(2)
]
#: per row of X: the target classes, listed up to the first -1
LABEL_LISTS = [[2, 0, -1, 1], [3, -1, 0, 0], [1, 2, 3, 0]]
SPATIAL_CLASSES = [[[(i + j + k) % 4 for k in range(2)] for j in range(3)] for i in range(2)]


def cases(lib):
    """``{name: build}``; ``build()`` returns the loss and the tensors to differentiate."""
    F = lib.nn.functional

    def f64(values, grad=True):
        return lib.tensor(values, dtype=lib.float64).requires_grad_(grad)

    def idx(values):
        return lib.tensor(values, dtype=lib.int64)

    def regression(name, **kwargs):
        def build(reduction):
            x, y = f64(X), f64(Y)
            return getattr(F, name)(x, y, reduction=reduction, **kwargs), [x, y]

        return build

    def bce(reduction, weighted=False):
        p, q = f64(P), f64(Q)
        w = f64(W, False) if weighted else None
        return F.binary_cross_entropy(p, q, weight=w, reduction=reduction), [p, q]

    def bce_logits(reduction, weighted=False, pos_weight=False):
        x, q = f64(X), f64(Q)
        w = f64(W, False) if weighted else None
        pw = f64(POS_W, False) if pos_weight else None
        out = F.binary_cross_entropy_with_logits(x, q, weight=w, pos_weight=pw, reduction=reduction)
        return out, [x, q]

    def soft_margin(reduction):
        x = f64(X)
        return F.soft_margin_loss(x, f64(SIGNS, False), reduction=reduction), [x]

    def nll(reduction, rank=2, weighted=False, ignore=-100, entropy=False):
        fn = F.cross_entropy if entropy else F.nll_loss
        w = f64(CLASS_W, False) if weighted else None
        if rank == 1:
            x, t = f64(X[0]), idx(CLASSES[0])
        elif rank == 2:
            x, t = f64(X), idx(CLASSES)
        elif rank == 3:  # (N, C, L): PyTorch views it as (N, C, 1, L)
            x = f64([[[plane[j][0] for j in range(3)] for plane in sample] for sample in SPATIAL])
            t = idx([[row[0] for row in sample] for sample in SPATIAL_CLASSES])
        else:
            x, t = f64(SPATIAL), idx(SPATIAL_CLASSES)
        return fn(x, t, weight=w, ignore_index=ignore, reduction=reduction), [x]

    def smoothed(reduction, weighted=False):
        x = f64(X)
        w = f64(CLASS_W, False) if weighted else None
        out = F.cross_entropy(
            x, idx([2, 0, 2]), weight=w, ignore_index=0, reduction=reduction, label_smoothing=0.2
        )
        return out, [x]

    def probabilities(reduction, weighted=False):
        x = f64(X)
        w = f64(CLASS_W, False) if weighted else None
        return F.cross_entropy(x, f64(P, False), weight=w, reduction=reduction), [x]

    def multi_margin(reduction, p=1, weighted=False, rank=2):
        x, t = (f64(X), idx(CLASSES)) if rank == 2 else (f64(X[1]), idx(CLASSES[1]))
        w = f64(CLASS_W, False) if weighted else None
        out = F.multi_margin_loss(x, t, p=p, margin=0.9, weight=w, reduction=reduction)
        return out, [x]

    def multilabel_margin(reduction, rank=2):
        x, t = (f64(X), idx(LABEL_LISTS)) if rank == 2 else (f64(X[0]), idx(LABEL_LISTS[0]))
        return F.multilabel_margin_loss(x, t, reduction=reduction), [x]

    def weighted_regression(name):
        def build(reduction):
            x, y = f64(X), f64(Y)
            return getattr(F, name)(x, y, reduction=reduction, weight=f64(W, False)), [x, y]

        return build

    per_reduction = {
        "mse_loss": regression("mse_loss"),
        "mse_loss[weight]": weighted_regression("mse_loss"),
        "l1_loss": regression("l1_loss"),
        "l1_loss[weight]": weighted_regression("l1_loss"),
        "smooth_l1_loss": regression("smooth_l1_loss", beta=0.5),
        "smooth_l1_loss[beta=0]": regression("smooth_l1_loss", beta=0.0),
        "huber_loss": regression("huber_loss", delta=0.7),
        "huber_loss[weight]": weighted_regression("huber_loss"),
        "binary_cross_entropy": bce,
        "binary_cross_entropy[weight]": lambda r: bce(r, weighted=True),
        "binary_cross_entropy_with_logits": bce_logits,
        "binary_cross_entropy_with_logits[weight,pos_weight]": lambda r: bce_logits(
            r, weighted=True, pos_weight=True
        ),
        "soft_margin_loss": soft_margin,
        "nll_loss[1-D]": lambda r: nll(r, rank=1),
        "nll_loss[2-D]": nll,
        "nll_loss[2-D,weight,ignore]": lambda r: nll(r, weighted=True, ignore=3),
        "nll_loss[3-D]": lambda r: nll(r, rank=3),
        "nll_loss[4-D,weight]": lambda r: nll(r, rank=4, weighted=True),
        "cross_entropy[1-D]": lambda r: nll(r, rank=1, entropy=True),
        "cross_entropy[2-D,ignore]": lambda r: nll(r, ignore=0, entropy=True),
        "cross_entropy[3-D]": lambda r: nll(r, rank=3, entropy=True),
        "cross_entropy[4-D,weight]": lambda r: nll(r, rank=4, weighted=True, entropy=True),
        "cross_entropy[smoothing,ignore]": smoothed,
        "cross_entropy[smoothing,weight,ignore]": lambda r: smoothed(r, weighted=True),
        "cross_entropy[probabilities]": probabilities,
        "cross_entropy[probabilities,weight]": lambda r: probabilities(r, weighted=True),
        "multi_margin_loss": multi_margin,
        "multi_margin_loss[p=2,weight]": lambda r: multi_margin(r, p=2, weighted=True),
        "multi_margin_loss[1-D]": lambda r: multi_margin(r, rank=1),
        "multilabel_margin_loss": multilabel_margin,
        "multilabel_margin_loss[1-D]": lambda r: multilabel_margin(r, rank=1),
    }
    return {
        f"{name} {reduction}": (lambda b=build, r=reduction: b(r))
        for name, build in per_reduction.items()
        for reduction in ("none", "mean", "sum")
    }


def chain(fn, depth: int = 3) -> list[str]:
    """The names along the first input of each node from ``fn`` down, ``depth`` of them."""
    names = []
    while fn is not None and len(names) < depth:
        names.append(fn.name())
        following = [f for f, _ in fn.next_functions if f is not None]
        fn = following[0] if following else None
    return names


def cotangent(lib, loss):
    """Fixed weights for an unreduced loss's elements (1 for a 0-d one), so that its gradient
    depends on every element's derivative."""
    n = max(loss.numel(), 1)
    return lib.tensor([0.5 + i / n for i in range(n)], dtype=loss.dtype).reshape(loss.shape)
