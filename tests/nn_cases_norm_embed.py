"""Reference cases for normalization and embeddings (see nn_reference.py): each runs unchanged
on ferrograd and on PyTorch."""

from __future__ import annotations

CASES: dict = {}


def _stats(m):
    """The running statistics a module holds after its forward, as extra outputs."""
    return tuple(b for b in (m.running_mean, m.running_var) if b is not None)


def _norm_module(build, shape, train=True, steps=1):
    def case(lib, mk):
        m = mk.fill(build(lib.nn).double())
        m.train(train)
        x = mk.f(*shape, scale=1.5, offset=0.3)
        out = m(x)
        for k in range(1, steps):
            out = m(mk.f(*shape, seed=k, offset=-0.2))
        tracked = _stats(m) if hasattr(m, "running_mean") else ()
        if getattr(m, "num_batches_tracked", None) is not None:
            tracked = (*tracked, m.num_batches_tracked)
        return {"out": (out, *tracked), "grad_of": [x, *m.parameters()], "module": m}

    return case


_NORMS = {
    "BatchNorm1d[2d input]": (lambda nn: nn.BatchNorm1d(3), (5, 3)),
    "BatchNorm1d[3d input,no affine]": (
        lambda nn: nn.BatchNorm1d(3, affine=False, momentum=0.3),
        (2, 3, 4),
    ),
    "BatchNorm1d[momentum None]": (lambda nn: nn.BatchNorm1d(2, momentum=None), (4, 2), True, 3),
    "BatchNorm2d[no bias]": (lambda nn: nn.BatchNorm2d(2, bias=False), (2, 2, 3, 3)),
    "BatchNorm2d[no running stats]": (
        lambda nn: nn.BatchNorm2d(2, track_running_stats=False),
        (2, 2, 2, 3),
    ),
    "BatchNorm3d": (lambda nn: nn.BatchNorm3d(2, eps=1e-3), (2, 2, 2, 3, 2)),
    "BatchNorm2d[eval]": (lambda nn: nn.BatchNorm2d(3), (2, 3, 2, 2), False),
    "InstanceNorm1d": (lambda nn: nn.InstanceNorm1d(3), (2, 3, 5)),
    "InstanceNorm1d[unbatched,affine]": (lambda nn: nn.InstanceNorm1d(3, affine=True), (3, 5)),
    "InstanceNorm2d[affine,tracked]": (
        lambda nn: nn.InstanceNorm2d(2, affine=True, track_running_stats=True),
        (3, 2, 3, 4),
    ),
    "InstanceNorm2d[tracked,eval]": (
        lambda nn: nn.InstanceNorm2d(2, track_running_stats=True),
        (2, 2, 3, 3),
        False,
    ),
    "InstanceNorm3d": (lambda nn: nn.InstanceNorm3d(2, affine=True), (1, 2, 2, 3, 2)),
    "GroupNorm": (lambda nn: nn.GroupNorm(2, 4), (3, 4, 5)),
    "GroupNorm[4d,no affine]": (
        lambda nn: nn.GroupNorm(3, 6, affine=False, eps=1e-3),
        (2, 6, 2, 3),
    ),
    "GroupNorm[one group]": (lambda nn: nn.GroupNorm(1, 3, bias=False), (2, 3, 2, 2)),
    "LayerNorm": (lambda nn: nn.LayerNorm(4), (2, 3, 4)),
    "LayerNorm[2 dims,no bias]": (lambda nn: nn.LayerNorm((3, 4), bias=False), (2, 3, 4)),
    "LayerNorm[no affine]": (lambda nn: nn.LayerNorm([4], elementwise_affine=False), (5, 4)),
    "RMSNorm": (lambda nn: nn.RMSNorm(4), (2, 3, 4)),
    "RMSNorm[eps,2 dims]": (lambda nn: nn.RMSNorm([3, 4], eps=1e-2), (2, 3, 4)),
    "RMSNorm[no affine]": (lambda nn: nn.RMSNorm(4, elementwise_affine=False), (3, 4)),
    "LocalResponseNorm[3d]": (
        lambda nn: nn.LocalResponseNorm(3, alpha=0.1, beta=0.6, k=1.5),
        (2, 5, 4),
    ),
    "LocalResponseNorm[4d,even]": (lambda nn: nn.LocalResponseNorm(4, alpha=0.2), (1, 6, 3, 2)),
    "LocalResponseNorm[5d]": (
        lambda nn: nn.LocalResponseNorm(2, alpha=0.3, beta=1.0),
        (1, 3, 2, 2, 2),
    ),
}
for _name, _spec in _NORMS.items():
    CASES[f"nn.{_name}"] = _norm_module(*_spec)


def _cross_map_lrn(lib, mk):
    # values only: PyTorch's backward of this legacy layer is not the derivative of its forward
    # (torch.autograd.gradcheck fails on it); ferrograd's gradient is the derivative
    m = lib.nn.CrossMapLRN2d(3, alpha=0.2, beta=0.5, k=2.0)
    x = mk.f(1, 5, 2, 3, scale=1.5, grad=False)
    return {"out": m(x), "module": m}


CASES["nn.CrossMapLRN2d"] = _cross_map_lrn


def _functional_norms(lib, mk):
    F = lib.nn.functional
    x = mk.f(3, 4, 5, scale=1.5)
    w, b = mk.f(4, seed=1), mk.f(4, seed=2)
    mean = lib.zeros(4, dtype=lib.float64)
    var = lib.ones(4, dtype=lib.float64)
    lw, lb = mk.f(5, seed=3), mk.f(5, seed=4)
    outs = (
        F.batch_norm(x, mean, var, w, b, training=True, momentum=0.2, eps=1e-4),
        mean,
        var,
        F.batch_norm(x, mean, var, w, b, training=False),
        F.instance_norm(x, weight=w, bias=b, eps=1e-3),
        F.group_norm(x, 2, w, b),
        F.layer_norm(x, (5,), lw, lb, eps=1e-3),
        F.rms_norm(x, (4, 5), None, eps=None),
        F.rms_norm(x, [5], lw, 1e-3),
        F.local_response_norm(x, 2, alpha=0.5),
        F.normalize(x, p=1.0, dim=2),
        F.normalize(x),
    )
    return {"out": outs, "grad_of": [x, w, b, lw, lb]}


CASES["F.norms"] = _functional_norms


def _dropout_eval(lib, mk):
    nn = lib.nn
    x = mk.f(2, 3, 4, 4)
    mods = (
        nn.Dropout(0.3),
        nn.Dropout1d(0.5),
        nn.Dropout2d(0.2),
        nn.Dropout3d(0.4),
        nn.AlphaDropout(0.5),
        nn.FeatureAlphaDropout(0.1),
    )
    outs = tuple(m.eval()(x if not isinstance(m, nn.Dropout1d) else x[0]) for m in mods)
    F = lib.nn.functional
    extra = (F.dropout(x, 1.0), F.alpha_dropout(x, 0.5), F.dropout(x, 0.0, training=True))
    return {"out": (*outs, *extra), "grad_of": [x]}


CASES["dropout[eval,p=0,p=1]"] = _dropout_eval


# --- embeddings ---------------------------------------------------------------------------------


def _embedding(lib, mk):
    F = lib.nn.functional
    w = mk.f(6, 3)
    idx = lib.tensor([[0, 2, 5], [2, 2, 1]])
    w2 = mk.f(6, 3, seed=1)
    w3 = mk.f(6, 3, seed=2)
    return {
        "out": (
            F.embedding(idx, w),
            F.embedding(idx, w2, padding_idx=2),
            F.embedding(idx, w3, scale_grad_by_freq=True, padding_idx=-1),
        ),
        "grad_of": [w, w2, w3],
    }


CASES["F.embedding[padding_idx,scale_grad_by_freq]"] = _embedding


def _embedding_max_norm(lib, mk):
    w = mk.f(5, 4, scale=2.0)
    with lib.no_grad():
        table = w.clone()
    idx = lib.tensor([4, 1, 1, 3])
    out = lib.nn.functional.embedding(idx, table, max_norm=1.5, norm_type=3.0)
    return {"out": (out, table)}


CASES["F.embedding[max_norm renorms in place]"] = _embedding_max_norm


def _embedding_module(lib, mk):
    m = mk.fill(lib.nn.Embedding(7, 3, padding_idx=0, max_norm=2.0).double())
    idx = lib.tensor([[0, 3], [6, 3]])
    return {"out": m(idx), "grad_of": list(m.parameters()), "module": m}


CASES["nn.Embedding"] = _embedding_module


def _from_pretrained(lib, mk):
    table = mk.f(4, 2, grad=False)
    frozen = lib.nn.Embedding.from_pretrained(table)
    trained = lib.nn.Embedding.from_pretrained(
        mk.f(4, 2, seed=1, grad=False), freeze=False, padding_idx=1
    )
    idx = lib.tensor([1, 3, 1])
    return {
        "out": (frozen(idx), trained(idx)),
        "grad_of": [trained.weight],
        "module": trained,
    }


CASES["nn.Embedding.from_pretrained"] = _from_pretrained

_BAGS = {
    "sum,offsets": ({"mode": "sum"}, "offsets"),
    "mean,offsets,empty bag": ({"mode": "mean"}, "offsets_empty"),
    "max,offsets,empty bag": ({"mode": "max"}, "offsets_empty"),
    "sum,per_sample_weights": ({"mode": "sum"}, "weights"),
    "mean,2d": ({"mode": "mean"}, "2d"),
    "max,2d": ({"mode": "max"}, "2d"),
    "include_last_offset": ({"mode": "sum", "include_last_offset": True}, "last"),
    "mean,padding_idx": ({"mode": "mean", "padding_idx": 2}, "offsets"),
    "max,padding_idx": ({"mode": "max", "padding_idx": 2}, "offsets"),
    "sum,max_norm": ({"mode": "sum", "max_norm": 1.0}, "offsets"),
}
for _name, (_kw, _layout) in _BAGS.items():

    def _build(lib, mk, kw=_kw, layout=_layout):
        F = lib.nn.functional
        w = mk.f(6, 3, scale=1.5)
        table = w * 1.0 if "max_norm" in kw else w
        extra = {}
        if layout == "2d":
            idx = lib.tensor([[1, 2, 4], [0, 2, 2]])
            offsets = None
        else:
            idx = lib.tensor([1, 2, 4, 4, 0, 2, 5, 3])
            offsets = {
                "offsets": lib.tensor([0, 3, 5]),
                "offsets_empty": lib.tensor([0, 3, 3, 6]),
                "weights": lib.tensor([0, 2, 5]),
                "last": lib.tensor([0, 2, 5, 8]),
            }[layout]
        leaves = [w]
        if layout == "weights":
            psw = mk.f(8, seed=3)
            extra["per_sample_weights"] = psw
            leaves.append(psw)
        if "max_norm" in kw:
            table = table.detach()
            leaves = []
        out = F.embedding_bag(idx, table, offsets, **kw, **extra)
        return {"out": out, "grad_of": leaves}

    CASES[f"F.embedding_bag[{_name}]"] = _build


def _bag_module(lib, mk):
    m = mk.fill(lib.nn.EmbeddingBag(5, 2, mode="max", padding_idx=0).double())
    idx = lib.tensor([0, 1, 2, 0, 3])
    out = m(idx, lib.tensor([0, 2]))
    return {"out": out, "grad_of": list(m.parameters()), "module": m}


CASES["nn.EmbeddingBag"] = _bag_module


def _bag_pretrained(lib, mk):
    m = lib.nn.EmbeddingBag.from_pretrained(mk.f(4, 3, grad=False), mode="sum", freeze=False)
    out = m(lib.tensor([[0, 1], [3, 3]]))
    return {"out": out, "grad_of": [m.weight], "module": m}


CASES["nn.EmbeddingBag.from_pretrained"] = _bag_pretrained


def _one_hot(lib, mk):
    F = lib.nn.functional
    idx = lib.tensor([[0, 3], [2, 1]])
    return {"out": (F.one_hot(idx), F.one_hot(idx, 6))}


CASES["F.one_hot"] = _one_hot
