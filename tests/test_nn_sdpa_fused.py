"""The fused ``F.scaled_dot_product_attention`` (one Rust kernel forward, one backward).

Outputs and gradients against values recorded from PyTorch 2.15 (``REFERENCE`` below: each
case's output and the gradients of query, key and value of ``(out * w).sum()``, flattened; the
inputs and weights are the formulas in ``_inputs``/``_weights``), finite differences in float64
(first order through the fused backward, second order through the composed rule), forward-mode
tangents, the tiled kernel against the composed form on shapes that span several tiles, and the
errors of bad input.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.nn.functional as F
from attention_checks import (
    FUSED,
    assert_fully_masked_rows_give_zeros,
    assert_same_values_and_gradients,
)
from ferrograd.autograd import gradcheck, gradgradcheck
from ferrograd.nn.attention import SDPBackend, sdpa_kernel


def _ramp(shape, phase):
    n = int(np.prod(shape))
    return (np.sin(np.arange(n) * 0.913 + phase) * 1.5).reshape(shape)


CASES = {
    "plain": dict(q=(1, 2, 2, 3), k=(1, 2, 3, 3), v=(1, 2, 3, 2)),
    "causal": dict(q=(2, 3, 2), k=(2, 4, 2), v=(2, 4, 2), is_causal=True),
    "scale": dict(q=(2, 2, 3), k=(2, 3, 3), v=(2, 3, 2), scale=0.3),
    "bool_mask_dead_row": dict(q=(2, 3, 2), k=(2, 3, 2), v=(2, 3, 2), mask="bool"),
    "float_mask_broadcast": dict(q=(2, 2, 2, 2), k=(2, 2, 3, 2), v=(2, 2, 3, 2), mask="float"),
    "gqa": dict(q=(1, 4, 2, 2), k=(1, 2, 3, 2), v=(1, 2, 3, 2), enable_gqa=True),
    "batch_broadcast": dict(q=(2, 2, 2, 2), k=(1, 2, 3, 2), v=(2, 1, 3, 2)),
    "five_dims_unbatched_kv": dict(q=(2, 1, 2, 2, 2), k=(3, 2), v=(3, 2)),
}


def _mask(kind, dtype):
    if kind == "bool":
        return fg.tensor([[True, False, True], [False, False, False], [False, True, True]])
    m = _ramp((2, 1, 2, 3), 0.4)
    m[0, 0, 1, 2] = -np.inf
    return fg.tensor(m, dtype=dtype)


def _inputs(spec, dtype):
    q, k, v = (
        fg.tensor(_ramp(spec[name], phase), dtype=dtype, requires_grad=True)
        for name, phase in (("q", 0.0), ("k", 1.0), ("v", 2.0))
    )
    kwargs = {x: spec[x] for x in ("is_causal", "scale", "enable_gqa") if x in spec}
    if "mask" in spec:
        kwargs["attn_mask"] = _mask(spec["mask"], dtype)
    return (q, k, v), kwargs


def _weights(out):
    return fg.tensor(
        np.cos(np.arange(out.numel()) * 0.37).reshape(tuple(out.shape)), dtype=out.dtype
    )


# Recorded from PyTorch 2.15 (float64) with the inputs above.
REFERENCE = {
    "plain": (
        [
            -0.146186007869,
            0.366344110744,
            -0.622578490712,
            -1.14992239466,
            0.173592656889,
            -0.949100691275,
            -0.597822650913,
            -0.176523663608,
        ],
        [
            0.296215910793,
            0.0752268277855,
            -0.204232385359,
            0.377276440681,
            0.539265225831,
            0.282109553334,
            -0.024933532741,
            0.0201240741074,
            0.0495402234256,
            0.378263438691,
            0.457793651105,
            0.181503272064,
        ],
        [
            0.100833857635,
            0.209139052172,
            0.15489070089,
            -0.109101330727,
            0.112953203781,
            0.247214743172,
            0.00826747309205,
            -0.322092255953,
            -0.402105444062,
            -0.555515431607,
            -0.179236055618,
            0.336354731016,
            -0.0104681957949,
            0.00554160090842,
            0.0172441825421,
            0.565983627401,
            0.17369445471,
            -0.353598913558,
        ],
        [
            0.431988496011,
            0.368727258848,
            0.61288771726,
            0.373419800837,
            0.693592345459,
            0.634841802663,
            -0.169363163337,
            -0.256892598014,
            0.0607847365342,
            -0.284347627614,
            -0.405302219791,
            -0.586041002684,
        ],
    ),
    "causal": (
        [
            1.36394614024,
            0.339910518469,
            1.02320717243,
            0.0688569425084,
            -0.867309803189,
            -0.0322371198301,
            0.180726805732,
            -1.06787323405,
            0.147420765216,
            -1.06151706441,
            -0.597230942227,
            -0.511408936238,
        ],
        [
            0,
            0,
            0.178743692554,
            0.506359756293,
            0.131698052214,
            0.0118623639349,
            0,
            0,
            -0.0426825469571,
            -0.0332157935288,
            -0.208866569128,
            -0.610333298388,
        ],
        [
            0.324909282041,
            0.130347915073,
            -0.373772801668,
            -0.229284454146,
            0.0488635196271,
            0.098936539073,
            0,
            0,
            -0.0575913126559,
            0.0422514605492,
            0.162633015201,
            -0.251804250157,
            -0.105041702545,
            0.209552789608,
            0,
            0,
        ],
        [
            1.63096173265,
            1.30746619625,
            0.130028401575,
            0.00106986638066,
            0.0681500489687,
            -0.207137447105,
            0,
            0,
            -1.85594422211,
            -2.01745338508,
            -0.446588681501,
            -0.321220168141,
            -0.133676712197,
            -0.0944311310129,
            0,
            0,
        ],
    ),
    "scale": (
        [
            -0.0319051474513,
            0.249929008302,
            -0.371815904801,
            -0.776486947484,
            0.13697129441,
            -0.671668916894,
            -0.296844213517,
            -0.0859933285498,
        ],
        [
            0.226837754013,
            0.167978607504,
            -0.0214420863963,
            0.283069008873,
            0.399381901566,
            0.205274795885,
            -0.0332870968527,
            0.0287112026763,
            0.0683936900636,
            0.176546600959,
            0.259915703909,
            0.141265055667,
        ],
        [
            0.0769556743838,
            0.105017183184,
            0.0514539771299,
            -0.080743958091,
            0.0354742282314,
            0.124120033765,
            0.00378828370718,
            -0.140491411415,
            -0.175574010895,
            -0.296866829193,
            -0.101792136159,
            0.172400600575,
            0.0011142371691,
            0.0124177931114,
            0.0140696064426,
            0.295752592024,
            0.0893743430477,
            -0.186470207018,
        ],
        [
            0.562652583364,
            0.464726434318,
            0.52447806598,
            0.339542308879,
            0.651337909385,
            0.572720119151,
            -0.194448592775,
            -0.334371925281,
            -0.00698738423993,
            -0.298129339916,
            -0.312444669578,
            -0.494779963114,
        ],
    ),
    "bool_mask_dead_row": (
        [
            1.09924573513,
            0.34900082835,
            0,
            0,
            -0.900144478847,
            -0.0377135632818,
            -0.492472429611,
            -0.0465329067954,
            0,
            0,
            -0.815589766518,
            -0.877734837331,
        ],
        [
            0.441116510085,
            0.383661759591,
            0,
            0,
            0.131255348801,
            0.00958102430893,
            -0.701736977797,
            -1.57855658252,
            0,
            0,
            -0.483213362963,
            -0.376039305027,
        ],
        [
            0,
            0.189750290541,
            -0.049002473402,
            -0.0992178860919,
            0.049002473402,
            -0.0905324044493,
            0.601010995668,
            -0.0897032252405,
            -0.0906514976232,
            0.180845071518,
            -0.510359498045,
            -0.0911418462774,
        ],
        [
            0.882308262051,
            0.822600119964,
            0.0215186942437,
            -0.0654046102405,
            0.18684466817,
            -0.100458410942,
            -0.208531200046,
            -0.293777975769,
            -0.34127487264,
            -0.241081424581,
            -0.902846230082,
            -0.915941507544,
        ],
    ),
    "float_mask_broadcast": (
        [
            0.504595176865,
            -0.0590519086369,
            1.24828093813,
            0.247900300656,
            -1.35689540323,
            -0.739655871753,
            1.26473712242,
            1.03565158803,
            1.04596660584,
            -0.0500430608084,
            0.356864042301,
            0.577693481035,
            -0.366715244009,
            0.323179753372,
            0.960531126495,
            0.861252144921,
        ],
        [
            0.633135811198,
            1.24108085418,
            0.0676020740261,
            0.191508686207,
            0.016864948578,
            0.00766226950831,
            0.197098852963,
            -0.191963825869,
            -0.16968683152,
            -0.353096771334,
            0.227535644465,
            -0.585063079498,
            -0.127495638016,
            -0.0667603422598,
            0.178531354168,
            0.391841965843,
        ],
        [
            0.123166391517,
            0.6949657094,
            -0.123166391517,
            -0.573898508513,
            0,
            -0.121067200887,
            0.203186331904,
            -0.0256423759564,
            -0.20752312275,
            0.0168614473567,
            0.00433679084588,
            0.00878092859969,
            -0.141234602597,
            0.242453464415,
            -0.207217232256,
            -0.151996664133,
            0.348451834853,
            -0.0904568002814,
            -0.114801840277,
            -0.204166814539,
            0.0983743039008,
            0.30723223239,
            0.016427536376,
            -0.10306541785,
        ],
        [
            1.32571354677,
            1.00436319103,
            0.260244682711,
            0.230436120867,
            0.15251032925,
            0.142189550447,
            -0.53838153036,
            -0.763888429674,
            -0.0600112241677,
            -0.106523984134,
            0.084512107934,
            -0.256868814503,
            -0.518394346339,
            -0.370236877211,
            -1.08650652837,
            -1.03355186467,
            -0.226756470035,
            -0.177624960869,
            -0.105300577327,
            0.216748983653,
            0.313425780213,
            0.553262252348,
            -0.0264032501121,
            0.0704912935536,
        ],
    ),
    "gqa": (
        [
            0.859315467019,
            0.132400384929,
            0.988506233602,
            0.0751901569064,
            -0.867309803189,
            -0.0322371198301,
            -0.636788783097,
            0.0949288525937,
            0.785350157323,
            0.140095152167,
            -0.520829304269,
            -0.588870037553,
            -1.3446788219,
            -0.684471514024,
            0.924668811528,
            0.490884362698,
        ],
        [
            0.519587155625,
            0.883296353667,
            0.21733189134,
            0.529891903665,
            0.131698052214,
            0.0118623639349,
            0.0325680422872,
            -0.251221003858,
            0.612585169216,
            -0.68397928895,
            -0.50380424985,
            -0.873704005309,
            -0.0345674983183,
            -0.0524179580002,
            -0.28965258526,
            0.469422228766,
        ],
        [
            0.463321912982,
            0.57367227072,
            -0.557771170058,
            -0.524087356592,
            0.0944492570758,
            -0.0495849141275,
            -0.771324377159,
            -0.130402538749,
            0.644266296874,
            0.474503450625,
            0.127058080285,
            -0.344100911876,
        ],
        [
            1.3288978194,
            0.996492615516,
            0.146393346895,
            -0.0301108600934,
            -0.25070325416,
            -0.716674121386,
            -0.329342751204,
            -0.0903929784535,
            -0.633202371428,
            -0.446408470541,
            -0.687390269339,
            -0.204109724196,
        ],
    ),
    "batch_broadcast": (
        [
            0.859315467019,
            0.132400384929,
            0.988506233602,
            0.0751901569064,
            -0.832386797907,
            0.334684069052,
            -0.209980646143,
            0.16383316384,
            1.31494273687,
            1.15868125585,
            -0.13597229888,
            -0.576087920955,
            -1.3446788219,
            -0.684471514024,
            0.924668811528,
            0.490884362698,
        ],
        [
            0.519587155625,
            0.883296353667,
            0.21733189134,
            0.529891903665,
            0.0385234381314,
            0.0363789280462,
            0.0684680122183,
            -0.385964640038,
            -0.156266687023,
            -0.314884807018,
            -0.766673904107,
            -0.681848279641,
            -0.0345674983183,
            -0.0524179580002,
            -0.28965258526,
            0.469422228766,
        ],
        [
            0.0387632366826,
            0.647742071681,
            -0.165816420973,
            -0.303405353867,
            0.127053184291,
            -0.344336717814,
            0.393791697313,
            0.477021062974,
            -0.275793804863,
            -0.433854257289,
            -0.117997892449,
            -0.0431668056848,
        ],
        [
            1.21583164003,
            0.833115950582,
            0.155325726489,
            0.0598517932901,
            -0.146569454385,
            -0.643260109836,
            -0.78303103508,
            -0.535244646061,
            -0.357225749902,
            -0.127830299499,
            -0.509678606989,
            -0.0778362276308,
        ],
    ),
    "five_dims_unbatched_kv": (
        [
            0.859315467019,
            0.132400384929,
            0.988506233602,
            0.0751901569064,
            -0.867309803189,
            -0.0322371198301,
            -0.636788783097,
            0.0949288525937,
            1.23443229913,
            0.250332931871,
            -0.543339735239,
            -0.59621730805,
            -0.87056928012,
            0.22321920745,
            1.06621103824,
            0.190020790515,
        ],
        [
            0.519587155625,
            0.883296353667,
            0.21733189134,
            0.529891903665,
            0.131698052214,
            0.0118623639349,
            0.0325680422872,
            -0.251221003858,
            -0.133715323722,
            -0.325778175446,
            -0.0674014036582,
            -0.569276200791,
            -0.0312835970357,
            -0.0108251993071,
            0.166313258697,
            0.344288245063,
        ],
        [
            0.221961300563,
            0.803834784335,
            -0.269450813477,
            -0.783109491874,
            0.0474895129144,
            -0.0207252924611,
        ],
        [
            0.648932666747,
            0.616899029089,
            -0.334027884806,
            -0.319159694333,
            -0.740252261775,
            -0.78894287391,
        ],
    ),
}


@pytest.mark.parametrize("dtype, tol", [(fg.float64, 1e-10), (fg.float32, 2e-6)])
@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_pytorch(name, dtype, tol):
    (q, k, v), kwargs = _inputs(CASES[name], dtype)
    out = F.scaled_dot_product_attention(q, k, v, **kwargs)
    assert type(out.grad_fn).__name__ == FUSED
    (out * _weights(out)).sum().backward()
    for got, want in zip((out.detach(), q.grad, k.grad, v.grad), REFERENCE[name], strict=True):
        np.testing.assert_allclose(got.numpy().ravel(), want, rtol=tol, atol=tol)


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradcheck_forward_ad_and_gradgradcheck(name):
    (q, k, v), kwargs = _inputs(CASES[name], fg.float64)

    def attention(q, k, v):
        return F.scaled_dot_product_attention(q, k, v, **kwargs)

    assert gradcheck(attention, (q, k, v), check_forward_ad=True)
    assert gradgradcheck(attention, (q, k, v))


def _composed(q, k, v, mask=None, is_causal=False, scale=None, groups=1):
    """The same attention from plain ops (the reference for shapes that span several tiles)."""
    if groups > 1:
        k, v = k.repeat_interleave(groups, -3), v.repeat_interleave(groups, -3)
    scale = 1 / math.sqrt(q.shape[-1]) if scale is None else scale
    scores = q @ k.transpose(-2, -1) * scale
    if is_causal:
        keep = fg.ones(q.shape[-2], k.shape[-2], dtype=fg.bool).tril()
        scores = scores.masked_fill(keep.logical_not(), -math.inf)
    if mask is not None:
        scores = scores + mask
    return scores.softmax(-1) @ v


@pytest.mark.parametrize(
    "shapes, kwargs",
    [
        (((2, 3, 150, 16), (2, 3, 300, 16), (2, 3, 300, 8)), {}),
        (((2, 3, 150, 16), (2, 3, 300, 16), (2, 3, 300, 8)), {"is_causal": True}),
        (((1, 2, 300, 8), (1, 2, 140, 8), (1, 2, 140, 8)), {"is_causal": True}),
        (((1, 4, 130, 8), (1, 2, 200, 8), (1, 2, 200, 4)), {"groups": 2, "scale": 0.2}),
        (((2, 2, 70, 8), (2, 2, 260, 8), (2, 2, 260, 8)), {"mask": (2, 1, 70, 260)}),
    ],
)
def test_tiles_agree_with_the_composed_form(shapes, kwargs):
    fg.manual_seed(0)
    q, k, v = (fg.randn(*s, dtype=fg.float64, requires_grad=True) for s in shapes)
    kwargs = dict(kwargs)
    groups = kwargs.pop("groups", 1)
    if "mask" in kwargs:
        kwargs["mask"] = fg.randn(*kwargs["mask"], dtype=fg.float64)
    mask = kwargs.pop("mask", None)
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, enable_gqa=groups > 1, **kwargs)
    want = _composed(q, k, v, mask=mask, groups=groups, **kwargs)
    assert_same_values_and_gradients(out, want, (q, k, v))


@pytest.mark.parametrize("is_causal, scale", [(False, None), (True, None), (True, 0.3)])
def test_self_attention_of_one_shape_skips_the_general_checks(monkeypatch, is_causal, scale):
    # query, key and value of one shape go straight to the fused op (the general path's
    # checks are never reached) and agree with the composed form, gradients included
    from ferrograd.nn import _attention

    def unexpected(*args, **kwargs):
        raise AssertionError("the general path was taken")

    fg.manual_seed(0)
    q, k, v = (fg.randn(2, 3, 9, 4, dtype=fg.float64, requires_grad=True) for _ in range(3))
    monkeypatch.setattr(_attention, "_check_sdpa_inputs", unexpected)
    out = F.scaled_dot_product_attention(q, k, v, is_causal=is_causal, scale=scale)
    want = _composed(q, k, v, is_causal=is_causal, scale=scale)
    assert_same_values_and_gradients(out, want, (q, k, v))
    # a different key shape, a mask or dropout still take the general path
    with pytest.raises(AssertionError, match="general path"):
        F.scaled_dot_product_attention(q, k[..., :5, :], v[..., :5, :])
    with pytest.raises(AssertionError, match="general path"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=fg.zeros(9, 9, dtype=fg.float64))
    with pytest.raises(AssertionError, match="general path"):
        F.scaled_dot_product_attention(q, k, v, dropout_p=0.1)


def test_unfusable_calls_take_the_composed_form():
    q = fg.randn(2, 3, 4, requires_grad=True)
    # a float mask that needs its own gradient
    mask = fg.zeros(3, 3, requires_grad=True)
    out = F.scaled_dot_product_attention(q, q, q, attn_mask=mask)
    assert type(out.grad_fn).__name__ != FUSED
    (grad_mask,) = fg.autograd.grad(out.sum(), mask)
    assert grad_mask.shape == mask.shape
    # PyTorch's choice of the math kernel, with dropout or without
    with sdpa_kernel(SDPBackend.MATH):
        assert type(F.scaled_dot_product_attention(q, q, q).grad_fn).__name__ != FUSED
        dropped = F.scaled_dot_product_attention(q, q, q, dropout_p=0.5)
        assert type(dropped.grad_fn).__name__ != FUSED
    # without gradients the fused op still runs, and gives the composed form's values
    with fg.no_grad():
        fused = F.scaled_dot_product_attention(q, q, q, is_causal=True)
        np.testing.assert_allclose(
            fused.numpy(), _composed(q, q, q, is_causal=True).numpy(), rtol=1e-6, atol=1e-6
        )


def test_fully_masked_rows_give_zeros_and_zero_gradients():
    assert_fully_masked_rows_give_zeros(0.0)


def test_saved_inputs_modified_in_place_are_caught():
    q = fg.randn(2, 3, 4, requires_grad=True)
    k = fg.randn(2, 3, 4)
    out = F.scaled_dot_product_attention(q, k, k)
    k.add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.sum().backward()


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: F.scaled_dot_product_attention(
                fg.randn(2, 3, 4),
                fg.randn(2, 3, 4),
                fg.randn(2, 3, 4),
                attn_mask=fg.zeros(3, 3, dtype=fg.float64),
            ),
            "Expected attn_mask dtype to be bool or float or to match query dtype",
        ),
        (
            lambda: F.scaled_dot_product_attention(
                fg.randn(2, 6, 4, 8), fg.randn(2, 4, 5, 8), fg.randn(2, 4, 5, 6), enable_gqa=True
            ),
            "Number of heads in key and value must divide the number of heads in query",
        ),
        (
            lambda: F.scaled_dot_product_attention(
                fg.randn(2, 6, 4, 8), fg.randn(2, 2, 5, 8), fg.randn(2, 2, 5, 6)
            ),
            "must match the size of tensor",
        ),
        (
            lambda: F.scaled_dot_product_attention(
                fg.randn(2, 4, 8), fg.randn(3, 5, 8), fg.randn(3, 5, 6)
            ),
            "must match the size of tensor",
        ),
        (
            lambda: F.scaled_dot_product_attention(
                fg.randn(2, 3, 4, 8),
                fg.randn(2, 3, 5, 8),
                fg.randn(2, 3, 5, 6),
                attn_mask=fg.zeros(3, 5),
            ),
            "must match the size of tensor",
        ),
        (
            lambda: F.scaled_dot_product_attention(
                fg.randn(2, 4, 8).long(), fg.randn(2, 5, 8).long(), fg.randn(2, 5, 6).long()
            ),
            "expected floating point inputs",
        ),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(RuntimeError, match=message):
        call()
