"""Reference cases for convolution, pooling, padding, resampling and rearranging (see
nn_reference.py): each runs unchanged on ferrograd and on PyTorch."""

from __future__ import annotations

CASES: dict = {}


def _functional(build):
    """A case from ``build(F, mk) -> (outputs, leaves)``."""

    def case(lib, mk):
        out, leaves = build(lib.nn.functional, mk)
        return {"out": out, "grad_of": leaves}

    return case


def _add(name, build):
    CASES[name] = _functional(build)


# --- convolution --------------------------------------------------------------------------------

_CONV1D = {
    "plain": ((2, 3, 9), (4, 3, 3), {}),
    "stride,padding,dilation": ((2, 3, 11), (4, 3, 3), {"stride": 2, "padding": 2, "dilation": 2}),
    "groups": ((2, 4, 8), (6, 2, 3), {"groups": 2, "padding": 1}),
    "same,even kernel": ((1, 2, 7), (3, 2, 4), {"padding": "same"}),
    "same,dilated": ((1, 2, 7), (3, 2, 3), {"padding": "same", "dilation": 2}),
    "valid": ((2, 2, 6), (2, 2, 2), {"padding": "valid"}),
    "unbatched": ((3, 8), (2, 3, 3), {"stride": 3}),
}
for _name, (_x, _w, _kw) in _CONV1D.items():

    def _build(F, mk, x=_x, w=_w, kw=_kw):
        xt, wt, bt = mk.f(*x), mk.f(*w, seed=1), mk.f(w[0], seed=2)
        return F.conv1d(xt, wt, bt, **kw), [xt, wt, bt]

    _add(f"F.conv1d[{_name}]", _build)

_CONV2D = {
    "groups,dilation": (
        (2, 4, 7, 6),
        (4, 2, 3, 2),
        {"groups": 2, "dilation": (2, 1), "padding": 1},
    ),
    "same,even kernel": ((1, 2, 5, 6), (3, 2, 2, 4), {"padding": "same"}),
    "depthwise": ((2, 3, 5, 5), (6, 1, 3, 3), {"groups": 3, "stride": 2}),
}
for _name, (_x, _w, _kw) in _CONV2D.items():

    def _build(F, mk, x=_x, w=_w, kw=_kw):
        xt, wt, bt = mk.f(*x), mk.f(*w, seed=1), mk.f(w[0], seed=2)
        return F.conv2d(xt, wt, bt, **kw), [xt, wt, bt]

    _add(f"F.conv2d[{_name}]", _build)

_CONV3D = {
    "plain": ((2, 2, 4, 5, 4), (3, 2, 2, 3, 2), {}),
    "stride,padding,dilation": (
        (1, 2, 6, 5, 5),
        (2, 2, 2, 2, 3),
        {"stride": (2, 1, 2), "padding": (1, 0, 1), "dilation": (2, 1, 1)},
    ),
    "groups": ((1, 4, 3, 4, 4), (4, 2, 3, 2, 2), {"groups": 2, "padding": 1}),
    "same": ((1, 2, 4, 4, 3), (2, 2, 2, 3, 2), {"padding": "same"}),
    "unbatched": ((2, 3, 3, 3), (2, 2, 2, 2, 2), {}),
}
for _name, (_x, _w, _kw) in _CONV3D.items():

    def _build(F, mk, x=_x, w=_w, kw=_kw):
        xt, wt, bt = mk.f(*x), mk.f(*w, seed=1), mk.f(w[0], seed=2)
        return F.conv3d(xt, wt, bt, **kw), [xt, wt, bt]

    _add(f"F.conv3d[{_name}]", _build)

_TRANSPOSED = {
    1: {
        "plain": ((2, 3, 5), (3, 2, 3), {}),
        "stride,padding,output_padding": (
            (1, 2, 4),
            (2, 3, 3),
            {"stride": 3, "padding": 1, "output_padding": 2},
        ),
        "groups,dilation": ((2, 4, 5), (4, 1, 3), {"groups": 2, "dilation": 2, "stride": 2}),
        "output_padding beyond padding": (
            (1, 2, 3),
            (2, 2, 2),
            {"stride": 3, "padding": 0, "output_padding": 1, "dilation": 2},
        ),
        "unbatched": ((3, 4), (3, 2, 2), {"stride": 2}),
    },
    2: {
        "plain": ((2, 3, 4, 3), (3, 2, 3, 3), {}),
        "stride,padding,output_padding": (
            (1, 2, 3, 4),
            (2, 3, 3, 2),
            {"stride": (2, 3), "padding": (1, 0), "output_padding": (1, 2)},
        ),
        "groups,dilation": (
            (2, 4, 3, 3),
            (4, 2, 2, 3),
            {"groups": 2, "dilation": (2, 1), "padding": 1},
        ),
    },
    3: {
        "plain": ((1, 2, 3, 2, 3), (2, 2, 2, 2, 2), {}),
        "stride,padding,output_padding,groups": (
            (1, 4, 2, 3, 2),
            (4, 1, 3, 2, 2),
            {"stride": (2, 1, 2), "padding": (1, 0, 1), "output_padding": (1, 0, 1), "groups": 2},
        ),
        "dilation": ((1, 2, 2, 2, 2), (2, 3, 2, 2, 2), {"dilation": (2, 1, 2), "stride": 2}),
    },
}
for _dims, _configs in _TRANSPOSED.items():
    for _name, (_x, _w, _kw) in _configs.items():

        def _build(F, mk, x=_x, w=_w, kw=_kw, dims=_dims):
            groups = kw.get("groups", 1)
            xt, wt, bt = mk.f(*x), mk.f(*w, seed=1), mk.f(w[1] * groups, seed=2)
            fn = getattr(F, f"conv_transpose{dims}d")
            return fn(xt, wt, bt, **kw), [xt, wt, bt]

        _add(f"F.conv_transpose{_dims}d[{_name}]", _build)


def _conv_module(build, shape, call=None):
    def case(lib, mk):
        m = mk.fill(build(lib.nn).double())
        x = mk.f(*shape)
        out = m(x) if call is None else call(m, x)
        return {"out": out, "grad_of": [x, *m.parameters()], "module": m}

    return case


_CONV_MODULES = {
    "Conv1d[reflect]": (
        lambda nn: nn.Conv1d(2, 3, 3, padding=2, padding_mode="reflect"),
        (2, 2, 7),
    ),
    "Conv1d[circular,same]": (
        lambda nn: nn.Conv1d(2, 2, 4, padding="same", padding_mode="circular", bias=False),
        (1, 2, 6),
    ),
    "Conv2d[replicate]": (
        lambda nn: nn.Conv2d(2, 4, (3, 2), padding=(1, 2), padding_mode="replicate", groups=2),
        (1, 2, 5, 4),
    ),
    "Conv2d[circular]": (
        lambda nn: nn.Conv2d(1, 2, 3, padding=1, padding_mode="circular", stride=2),
        (2, 1, 5, 5),
    ),
    "Conv3d[reflect]": (
        lambda nn: nn.Conv3d(2, 2, 3, padding=1, padding_mode="reflect"),
        (1, 2, 3, 4, 3),
    ),
    "Conv3d[zeros]": (lambda nn: nn.Conv3d(2, 4, (2, 3, 1), stride=(1, 2, 1)), (2, 2, 3, 5, 2)),
    "ConvTranspose1d": (lambda nn: nn.ConvTranspose1d(3, 2, 3, stride=2, padding=1), (2, 3, 4)),
    "ConvTranspose2d": (
        lambda nn: nn.ConvTranspose2d(2, 4, 3, stride=2, padding=1, output_padding=1, groups=2),
        (1, 2, 3, 3),
    ),
    "ConvTranspose3d": (
        lambda nn: nn.ConvTranspose3d(2, 2, 2, stride=2, bias=False),
        (1, 2, 2, 2, 2),
    ),
}
for _name, (_build, _shape) in _CONV_MODULES.items():
    CASES[f"nn.{_name}"] = _conv_module(_build, _shape)

CASES["nn.ConvTranspose2d[output_size]"] = _conv_module(
    lambda nn: nn.ConvTranspose2d(2, 3, 3, stride=3, padding=1),
    (1, 2, 3, 3),
    call=lambda m, x: m(x, output_size=(9, 8)),
)


def _conv_tbc(F, mk):
    x, w, b = mk.f(6, 2, 3), mk.f(3, 3, 4, seed=1), mk.f(4, seed=2)
    return F.conv_tbc(x, w, b, 1), [x, w, b]


_add("F.conv_tbc", _conv_tbc)


def _bilinear(F, mk):
    x1, x2 = mk.f(2, 3, 4), mk.f(2, 3, 5, seed=1)
    w, b = mk.f(2, 4, 5, seed=2), mk.f(2, seed=3)
    return F.bilinear(x1, x2, w, b), [x1, x2, w, b]


_add("F.bilinear", _bilinear)


def _bilinear_module(lib, mk):
    m = mk.fill(lib.nn.Bilinear(3, 2, 4).double())
    x1, x2 = mk.f(5, 3), mk.f(5, 2, seed=1)
    return {"out": m(x1, x2), "grad_of": [x1, x2, *m.parameters()], "module": m}


CASES["nn.Bilinear"] = _bilinear_module


# --- pooling ------------------------------------------------------------------------------------

_MAX_POOL = {
    1: {
        "plain": ((2, 3, 9), {"kernel_size": 3}),
        "stride,padding,dilation": (
            (1, 2, 10),
            {"kernel_size": 3, "stride": 2, "padding": 1, "dilation": 2},
        ),
        "ceil_mode": ((1, 2, 10), {"kernel_size": 3, "stride": 2, "ceil_mode": True}),
        "unbatched": ((2, 7), {"kernel_size": 2, "stride": 1}),
    },
    2: {
        "plain": ((2, 2, 6, 5), {"kernel_size": 2}),
        "ceil_mode,padding": (
            (1, 2, 7, 6),
            {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True},
        ),
        "dilation": ((1, 1, 7, 7), {"kernel_size": (2, 3), "dilation": (2, 1), "stride": 1}),
    },
    3: {
        "plain": ((1, 2, 4, 4, 4), {"kernel_size": 2}),
        "stride,padding,dilation": (
            (1, 2, 5, 6, 5),
            {
                "kernel_size": (2, 3, 2),
                "stride": (1, 2, 2),
                "padding": (1, 1, 0),
                "dilation": (2, 1, 1),
            },
        ),
        "ceil_mode": ((1, 1, 5, 5, 6), {"kernel_size": 2, "stride": 2, "ceil_mode": True}),
        "unbatched": ((2, 3, 4, 4), {"kernel_size": (1, 2, 2)}),
    },
}
for _dims, _configs in _MAX_POOL.items():
    for _name, (_shape, _kw) in _configs.items():

        def _build(F, mk, shape=_shape, kw=_kw, dims=_dims):
            x = mk.f(*shape)
            fn = getattr(F, f"max_pool{dims}d")
            return fn(x, return_indices=True, **kw), [x]

        _add(f"F.max_pool{_dims}d[{_name}]", _build)

_AVG_POOL = {
    1: {
        "plain": ((2, 3, 9), {"kernel_size": 3}),
        "padding,exclude pad": (
            (1, 2, 8),
            {"kernel_size": 3, "padding": 1, "count_include_pad": False},
        ),
        "ceil_mode": ((1, 2, 10), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
        "ceil_mode,exclude pad": (
            (1, 2, 10),
            {
                "kernel_size": 4,
                "stride": 3,
                "padding": 2,
                "ceil_mode": True,
                "count_include_pad": False,
            },
        ),
    },
    2: {
        "plain": ((2, 2, 6, 5), {"kernel_size": 2}),
        "ceil_mode,padding": (
            (1, 2, 7, 6),
            {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True},
        ),
        "divisor_override": ((1, 1, 6, 6), {"kernel_size": 3, "padding": 1, "divisor_override": 4}),
        "exclude pad": (
            (1, 1, 5, 6),
            {"kernel_size": (3, 2), "padding": (1, 1), "count_include_pad": False},
        ),
    },
    3: {
        "plain": ((1, 2, 4, 4, 4), {"kernel_size": 2}),
        "padding,ceil_mode,exclude pad": (
            (1, 1, 5, 4, 5),
            {
                "kernel_size": 3,
                "stride": 2,
                "padding": 1,
                "ceil_mode": True,
                "count_include_pad": False,
            },
        ),
        "divisor_override": (
            (1, 1, 4, 4, 4),
            {"kernel_size": 2, "stride": 1, "divisor_override": 3},
        ),
    },
}
for _dims, _configs in _AVG_POOL.items():
    for _name, (_shape, _kw) in _configs.items():

        def _build(F, mk, shape=_shape, kw=_kw, dims=_dims):
            x = mk.f(*shape)
            return getattr(F, f"avg_pool{dims}d")(x, **kw), [x]

        _add(f"F.avg_pool{_dims}d[{_name}]", _build)

for _dims, _shape, _size in (
    (1, (2, 3, 10), 4),
    (2, (1, 2, 7, 9), (3, 4)),
    (3, (1, 2, 5, 6, 7), (2, 4, 3)),
):

    def _build_max(F, mk, shape=_shape, size=_size, dims=_dims):
        x = mk.f(*shape)
        return getattr(F, f"adaptive_max_pool{dims}d")(x, size, return_indices=True), [x]

    def _build_avg(F, mk, shape=_shape, size=_size, dims=_dims):
        x = mk.f(*shape)
        return getattr(F, f"adaptive_avg_pool{dims}d")(x, size), [x]

    _add(f"F.adaptive_max_pool{_dims}d", _build_max)
    _add(f"F.adaptive_avg_pool{_dims}d", _build_avg)


def _adaptive_none(F, mk):
    x = mk.f(1, 2, 5, 7)
    return (F.adaptive_avg_pool2d(x, (None, 3)), F.adaptive_max_pool2d(x, (2, None))), [x]


_add("F.adaptive_pool[None size]", _adaptive_none)

for _dims, _shape, _kw in (
    (1, (2, 3, 9), {"kernel_size": 3, "stride": 2}),
    (2, (1, 2, 6, 5), {"kernel_size": 2, "ceil_mode": True}),
    (3, (1, 2, 4, 4, 4), {"kernel_size": 2}),
):

    def _build(F, mk, shape=_shape, kw=_kw, dims=_dims):
        x = mk.positive(*shape)
        fn = getattr(F, f"lp_pool{dims}d")
        return (fn(x, 2.0, **kw), fn(x, 3.0, **kw)), [x]

    _add(f"F.lp_pool{_dims}d", _build)


for _dims, _shape, _k in ((1, (2, 2, 8), 2), (2, (1, 2, 6, 4), 2), (3, (1, 1, 4, 4, 2), 2)):

    def _build(F, mk, shape=_shape, k=_k, dims=_dims):
        x = mk.f(*shape)
        values, indices = getattr(F, f"max_pool{dims}d")(x, k, return_indices=True)
        v = values.detach().requires_grad_()
        unpool = getattr(F, f"max_unpool{dims}d")
        bigger = [s + 1 for s in shape[2:]]
        return (unpool(v, indices, k), unpool(v, indices, k, output_size=bigger)), [v]

    _add(f"F.max_unpool{_dims}d", _build)


def _fractional(F, mk):
    x = mk.f(2, 2, 9, 8)
    samples = mk.unit(2, 2, 2, seed=4, grad=False)
    out = F.fractional_max_pool2d(
        x, 3, output_size=(4, 5), return_indices=True, _random_samples=samples
    )
    x3 = mk.f(1, 2, 6, 7, 5, seed=1)
    samples3 = mk.unit(1, 2, 3, seed=5, grad=False)
    out3 = F.fractional_max_pool3d(
        x3, 2, output_ratio=0.6, return_indices=True, _random_samples=samples3
    )
    return (*out, *out3), [x, x3]


_add("F.fractional_max_pool", _fractional)


def _pool_module(build, shape, positive=False):
    def case(lib, mk):
        m = build(lib.nn)
        x = mk.positive(*shape) if positive else mk.f(*shape)
        return {"out": m(x), "grad_of": [x], "module": m}

    return case


_POOL_MODULES = {
    "MaxPool1d": (lambda nn: nn.MaxPool1d(3, stride=2, ceil_mode=True), (2, 3, 8)),
    "MaxPool2d[indices]": (lambda nn: nn.MaxPool2d(2, return_indices=True), (1, 2, 4, 5)),
    "MaxPool3d": (lambda nn: nn.MaxPool3d((2, 2, 1), stride=1, padding=(1, 0, 0)), (1, 1, 3, 3, 3)),
    "AvgPool1d": (lambda nn: nn.AvgPool1d(3, padding=1, count_include_pad=False), (1, 2, 7)),
    "AvgPool2d": (lambda nn: nn.AvgPool2d(3, stride=2, ceil_mode=True), (1, 2, 6, 7)),
    "AvgPool3d": (lambda nn: nn.AvgPool3d(2, divisor_override=5), (1, 1, 4, 2, 4)),
    "LPPool1d": (lambda nn: nn.LPPool1d(1.5, 2), (1, 2, 6)),
    "LPPool2d": (lambda nn: nn.LPPool2d(2, (2, 3), stride=1), (1, 2, 4, 5)),
    "LPPool3d": (lambda nn: nn.LPPool3d(2, 2), (1, 1, 4, 4, 2)),
    "AdaptiveAvgPool1d": (lambda nn: nn.AdaptiveAvgPool1d(3), (2, 2, 7)),
    "AdaptiveAvgPool2d": (lambda nn: nn.AdaptiveAvgPool2d((2, 3)), (1, 2, 5, 7)),
    "AdaptiveAvgPool3d": (lambda nn: nn.AdaptiveAvgPool3d(1), (1, 2, 3, 3, 3)),
    "AdaptiveMaxPool1d": (lambda nn: nn.AdaptiveMaxPool1d(3, return_indices=True), (2, 2, 7)),
    "AdaptiveMaxPool2d": (lambda nn: nn.AdaptiveMaxPool2d((3, 2)), (1, 2, 5, 7)),
    "AdaptiveMaxPool3d": (lambda nn: nn.AdaptiveMaxPool3d((2, 2, 1)), (1, 1, 3, 5, 2)),
}
for _name, (_build, _shape) in _POOL_MODULES.items():
    CASES[f"nn.{_name}"] = _pool_module(_build, _shape, positive=_name.startswith("LP"))


def _unpool_module(lib, mk):
    pool = lib.nn.MaxPool2d(2, stride=2, return_indices=True)
    unpool = lib.nn.MaxUnpool2d(2, stride=2)
    x = mk.f(1, 2, 4, 6)
    values, indices = pool(x)
    return {"out": unpool(values, indices, output_size=x.size()), "grad_of": [x], "module": unpool}


CASES["nn.MaxUnpool2d"] = _unpool_module


# --- unfold / fold, padding, resampling ----------------------------------------------------------


def _unfold_fold(F, mk):
    x = mk.f(2, 3, 5, 6)
    cols = F.unfold(x, (2, 3), dilation=(1, 2), padding=1, stride=(2, 1))
    c = mk.f(2, 3 * 2 * 2, 20, seed=1)
    folded = F.fold(c, (4, 5), 2, padding=(1, 0), stride=(1, 1))
    unbatched = F.unfold(x[0], 2)
    return (cols, folded, unbatched), [x, c]


_add("F.unfold,fold", _unfold_fold)


def _fold_modules(lib, mk):
    unfold = lib.nn.Unfold(kernel_size=2, stride=2)
    fold = lib.nn.Fold(output_size=(4, 6), kernel_size=2, stride=2)
    x = mk.f(1, 2, 4, 6)
    return {"out": fold(unfold(x) * 2.0), "grad_of": [x], "module": fold}


CASES["nn.Fold,Unfold"] = _fold_modules

_PADS = {
    "constant": ((2, 3, 4), (1, 2), {"value": 1.5}),
    "constant,2d,negative": ((1, 2, 4, 5), (1, -1, -2, 2), {}),
    "reflect,1d": ((2, 3, 5), (2, 4), {"mode": "reflect"}),
    "reflect,2d": ((1, 2, 4, 5), (1, 3, 2, 1), {"mode": "reflect"}),
    "reflect,3d": ((1, 1, 3, 4, 3), (1, 2, 2, 0, 1, 1), {"mode": "reflect"}),
    "replicate,1d": ((1, 2, 4), (3, 1), {"mode": "replicate"}),
    "replicate,2d": ((1, 2, 3, 4), (2, 2, 1, 3), {"mode": "replicate"}),
    "replicate,3d": ((1, 1, 2, 3, 2), (1, 1, 2, 1, 0, 2), {"mode": "replicate"}),
    "circular,1d": ((1, 2, 5), (2, 3), {"mode": "circular"}),
    "circular,2d": ((1, 1, 3, 4), (4, 1, 2, 3), {"mode": "circular"}),
    "circular,3d": ((1, 1, 3, 2, 3), (1, 2, 1, 1, 2, 0), {"mode": "circular"}),
    "unbatched reflect": ((2, 4, 5), (1, 1, 2, 2), {"mode": "reflect"}),
}
for _name, (_shape, _pad, _kw) in _PADS.items():

    def _build(F, mk, shape=_shape, pad=_pad, kw=_kw):
        x = mk.f(*shape)
        return F.pad(x, pad, **kw), [x]

    _add(f"F.pad[{_name}]", _build)


def _pad_modules(lib, mk):
    nn = lib.nn
    x1, x2, x3 = mk.f(1, 2, 5), mk.f(1, 2, 4, 4, seed=1), mk.f(1, 1, 3, 3, 3, seed=2)
    outs = (
        nn.ReflectionPad1d(2)(x1),
        nn.ReflectionPad2d((1, 0, 2, 1))(x2),
        nn.ReflectionPad3d(1)(x3),
        nn.ReplicationPad1d((3, 1))(x1),
        nn.ReplicationPad2d(2)(x2),
        nn.ReplicationPad3d((1, 0, 0, 1, 2, 0))(x3),
        nn.CircularPad1d(2)(x1),
        nn.CircularPad2d((1, 2, 0, 1))(x2),
        nn.CircularPad3d(1)(x3),
        nn.ConstantPad1d(2, -1.0)(x1),
        nn.ConstantPad2d((1, 0, 0, 2), 3.0)(x2),
        nn.ConstantPad3d(1, 0.5)(x3),
        nn.ZeroPad1d((1, 2))(x1),
        nn.ZeroPad2d(1)(x2),
        nn.ZeroPad3d((0, 1, 1, 0, 1, 1))(x3),
    )
    return {"out": outs, "grad_of": [x1, x2, x3]}


CASES["nn.*Pad*d"] = _pad_modules

_INTERPOLATE = {
    "nearest,scale": ((1, 2, 5), {"scale_factor": 1.7, "mode": "nearest"}),
    "nearest,size": ((1, 2, 4, 5), {"size": (7, 3), "mode": "nearest"}),
    "nearest,3d": ((1, 1, 2, 3, 4), {"scale_factor": (2, 1.5, 0.5), "mode": "nearest"}),
    "nearest-exact": ((1, 2, 5, 4), {"size": (3, 7), "mode": "nearest-exact"}),
    "nearest-exact,scale": ((1, 2, 6), {"scale_factor": 0.7, "mode": "nearest-exact"}),
    "linear": ((2, 2, 5), {"size": 8, "mode": "linear"}),
    "linear,align_corners": ((2, 2, 5), {"size": 3, "mode": "linear", "align_corners": True}),
    "linear,scale": ((1, 1, 6), {"scale_factor": 1.5, "mode": "linear"}),
    "bilinear": ((1, 2, 4, 5), {"size": (7, 3), "mode": "bilinear"}),
    "bilinear,align_corners": (
        (1, 2, 4, 5),
        {"scale_factor": 2, "mode": "bilinear", "align_corners": True},
    ),
    "bilinear,recompute": (
        (1, 1, 5, 5),
        {"scale_factor": 1.3, "mode": "bilinear", "recompute_scale_factor": True},
    ),
    "bicubic": ((1, 2, 5, 4), {"size": (8, 6), "mode": "bicubic"}),
    "bicubic,align_corners": (
        (1, 1, 4, 4),
        {"size": (3, 7), "mode": "bicubic", "align_corners": True},
    ),
    "bicubic,downscale": ((1, 1, 7, 6), {"scale_factor": 0.6, "mode": "bicubic"}),
    "trilinear": ((1, 1, 3, 4, 2), {"size": (5, 3, 4), "mode": "trilinear"}),
    "trilinear,align_corners": (
        (1, 2, 2, 3, 3),
        {"scale_factor": 2, "mode": "trilinear", "align_corners": True},
    ),
    "area": ((1, 2, 7, 5), {"size": (3, 2), "mode": "area"}),
    "area,1d": ((1, 2, 9), {"scale_factor": 0.5, "mode": "area"}),
}
for _name, (_shape, _kw) in _INTERPOLATE.items():

    def _build(F, mk, shape=_shape, kw=_kw):
        x = mk.f(*shape)
        return F.interpolate(x, **kw), [x]

    _add(f"F.interpolate[{_name}]", _build)


def _upsample_modules(lib, mk):
    nn = lib.nn
    x = mk.f(1, 2, 3, 4)
    ups = (
        nn.Upsample(scale_factor=2),
        nn.Upsample(size=(5, 5), mode="bilinear"),
        nn.Upsample(scale_factor=(1.5, 2.0), mode="bicubic", align_corners=True),
        nn.UpsamplingNearest2d(size=(6, 7)),
        nn.UpsamplingBilinear2d(scale_factor=2),
    )
    return {"out": tuple(u(x) for u in ups), "grad_of": [x]}


CASES["nn.Upsample*"] = _upsample_modules

_GRID_SAMPLE = [
    (mode, padding, align)
    for mode in ("bilinear", "nearest", "bicubic")
    for padding in ("zeros", "border", "reflection")
    for align in (False, True)
]
for _mode, _padding, _align in _GRID_SAMPLE:

    def _build(F, mk, mode=_mode, padding=_padding, align=_align):
        x = mk.f(2, 2, 4, 5)
        grid = mk.f(2, 3, 4, 2, seed=1, scale=0.7)  # some points fall outside [-1, 1]
        out = F.grid_sample(x, grid, mode=mode, padding_mode=padding, align_corners=align)
        return out, [x, grid] if mode != "nearest" else [x]

    _add(f"F.grid_sample[{_mode},{_padding},align={_align}]", _build)

for _mode, _padding, _align in _GRID_SAMPLE:
    if _mode == "bicubic":
        continue

    def _build(F, mk, mode=_mode, padding=_padding, align=_align):
        x = mk.f(1, 2, 3, 4, 3)
        grid = mk.f(1, 2, 3, 2, 3, seed=1, scale=0.7)
        out = F.grid_sample(x, grid, mode=mode, padding_mode=padding, align_corners=align)
        return out, [x, grid] if mode != "nearest" else [x]

    _add(f"F.grid_sample[5d,{_mode},{_padding},align={_align}]", _build)


def _affine_grid(F, mk):
    theta = mk.f(2, 2, 3)
    theta3 = mk.f(1, 3, 4, seed=1)
    return (
        F.affine_grid(theta, (2, 3, 4, 5), align_corners=False),
        F.affine_grid(theta, (2, 1, 3, 1), align_corners=True),
        F.affine_grid(theta3, (1, 2, 2, 3, 4), align_corners=False),
    ), [theta, theta3]


_add("F.affine_grid", _affine_grid)


def _affine_then_sample(F, mk):
    theta = mk.f(1, 2, 3, scale=0.5)
    x = mk.f(1, 3, 5, 6, seed=2)
    grid = F.affine_grid(theta, (1, 3, 4, 4), align_corners=False)
    return F.grid_sample(x, grid, align_corners=False), [theta, x]


_add("F.affine_grid+grid_sample", _affine_then_sample)


def _shuffles(F, mk):
    x = mk.f(2, 8, 3, 2)
    y = mk.f(1, 3, 4, 6, seed=1)
    return (
        F.pixel_shuffle(x, 2),
        F.pixel_unshuffle(y, 2),
        F.channel_shuffle(x, 4),
        F.pixel_shuffle(x[0], 2),
    ), [x, y]


_add("F.pixel_shuffle,unshuffle,channel_shuffle", _shuffles)


def _shuffle_modules(lib, mk):
    nn = lib.nn
    x = mk.f(1, 9, 2, 2)
    return {
        "out": (nn.PixelShuffle(3)(x), nn.PixelUnshuffle(2)(x), nn.ChannelShuffle(3)(x)),
        "grad_of": [x],
    }


CASES["nn.PixelShuffle,PixelUnshuffle,ChannelShuffle"] = _shuffle_modules
