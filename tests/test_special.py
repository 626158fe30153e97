"""``ferrograd.special`` and the special-function tensor methods (``lgamma``, ``digamma``,
``polygamma``, ``erfinv``, ...): values against PyTorch's (recorded below), gradients and second
gradients against finite differences, errors as PyTorch's."""

from __future__ import annotations

import math

import numpy as np
import pytest

import ferrograd as fg
from ferrograd import special
from ferrograd.autograd import gradcheck, gradgradcheck
from helpers import to_np

# fmt: off
# Inputs and torch 2.x float64 results (torch.lgamma, torch.special.*, ...).
X = [-3.7, -2.5, -0.3, 1e-08, 0.2, 0.5, 0.9, 1.0, 1.1, 1.9, 2.0, 2.2, 3.3, 7.5, 24.0, 150.0,
    10000.0]
XE = [-6.0, -2.0, -1.2, -0.5, -1e-09, 0.0, 0.3, 1.0, 1.49, 1.51, 2.5, 5.0, 10.0, 27.0]
P = [-0.999999, -0.9, -0.3, 0.0, 1e-10, 0.2, 0.5, 0.8, 0.97, 0.999, 0.999999999999]
Q = [1e-300, 1e-20, 1e-05, 0.01, 0.2, 0.5, 0.7, 0.975, 0.999999]
A = [0.1, 0.5, 1.0, 3.0, 20.0, 500.0]
XG = [0.05, 0.7, 1.0, 4.0, 25.0, 480.0]
S = [1.5, 2.0, 3.0, 4.5, 11.0, 2.0]
QZ = [0.1, 1.0, 2.5, 100.0, 0.5, -1.5]
TORCH = {
    'lgamma': [-1.3797399049658245, -0.05624371649767405, 1.4648400508576025, 18.42068073818021,
        1.5240638224307845, 0.5723649429247001, 0.06637623973474295, 0.0, -0.049872441259839764,
        -0.03898427592308336, 0.0, 0.09694746679063887, 0.9870985778947344, 7.534364236758733,
        51.60667556776438, 600.0094705553274, 82099.71749644238],
    'digamma': [-0.8450768588704183, 1.1031566406452433, 2.1133097796353986, -100000000.57721564,
        -5.289039896592188, -1.9635100260214229, -0.7549269499470513, -0.5772156649015328,
        -0.4237549404110768, 0.3561841611640596, 0.422784335098467, 0.5442934367411445,
        1.0348224890596216, 1.9467574842460869, 3.1570758461853075, 5.007298257075679,
        9.21029037114285],
    'polygamma1': [14.842421864106473, 9.53924664493752, 13.945160267262267,
        1.0000000000000004e+16, 26.267377204400756, 4.934802202073678, 1.922539960375435,
        1.6449340676383375, 1.4332991514890074, 0.6879720585111349, 0.6449340670881899,
        0.572932761171789, 0.3535015419034924, 0.14261589669891445, 0.04254677436833837,
        0.006688938271165995, 0.00010000500016666666],
    'polygamma2': [-68.89345468867353, -0.1082040516417282, 67.63908119988314, -2e+24,
        -251.4780361144359, -16.828796644234316, -3.201797043794721, -2.404113806319188,
        -1.8614573783440063, -0.45831281882901354, -0.4041138063191886, -0.32062870702852553,
        -0.12375118526494273, -0.02030525253664467, -0.0018099552443483942,
        -4.4741728380430464e-05, -1.0001000050000002e-08],
    'polygamma3': [768.9946494408655, 194.74787621918756, 766.6198904191684,
        5.999999999999999e+32, 3753.2449948647254, 97.40909103400242, 9.73901409377673,
        6.493939402266829, 4.512876790266706, 0.5940666772243748, 0.4939394022668293,
        0.3514763462072616, 0.08584966733688494, 0.005772436656578693, 0.0001539691272490145,
        5.985448553818361e-07, 2.0003000200000004e-12],
    'erfc': [2.0, 1.9953222650189528, 1.9103139782296354, 1.5204998778130465, 1.0000000011283792,
        1.0, 0.6713732405408726, 0.15729920705028513, 0.03510213515679579, 0.03272325187128836,
        0.0004069520174449589, 1.537459794428035e-12, 2.088487583762545e-45, 5.23705e-319],
    'erfcx': [8622463094230390.0, 108.94090438997797, 8.062854217063865, 1.952360489182557,
        1.0000000011283796, 1.0, 0.7345993345676554, 0.427583576155807, 0.3232292938008237,
        0.31995676958333286, 0.2108063640611436, 0.11070463773306861, 0.05614099274382259,
        0.02088160799042094],
    'log_ndtr': [-20.73676894997471, -3.7831843336820317, -2.1622175060437394,
        -1.1759117615936185, -0.6931471813578299, -0.6931471805599453, -0.48141016158848127,
        -0.17275377902344985, -0.07054276978051989, -0.06776688626645397, -0.006229025485860001,
        -2.866516129637633e-07, -7.619853024160498e-24, -7.389481006884617e-161],
    'ndtr': [9.865876449133282e-10, 0.02275013194817921, 0.11506967022170828, 0.3085375387259869,
        0.49999999960105773, 0.5, 0.6179114221889527, 0.841344746068543, 0.9318878820332746,
        0.9344782879110836, 0.9937903346742238, 0.9999997133484282, 1.0, 1.0],
    'erfinv': [-3.458910737275499, -1.1630871536766743, -0.2724627147267543, 0.0,
        8.862269254527581e-11, 0.1791434546212917, 0.4769362762044699, 0.9061938024368233,
        1.5344856217777179, 2.3267537655135246, 5.042031898572696],
    'ndtri': [-37.0470962993612, -9.262340089798409, -4.264890793922825, -2.3263478740408408,
        -0.8416212335729142, 0.0, 0.5244005127080407, 1.959963984540054, 4.753424308817087],
    'gammainc': [0.7755386354510307, 0.7632764293621428, 0.6321205588285577, 0.7618966944464556,
        0.8664251659143496, 0.186281973134904],
    'gammaincc': [0.2244613645489694, 0.23672357063785732, 0.36787944117144245,
        0.2381033055535443, 0.13357483408565038, 0.813718026865096],
    'zeta': [34.052975515075595, 1.6449340668482266, 0.11810202582086368, 2.907517834802497e-08,
        2048.011604072633, 9.379246644989124],
    'mvlgamma3': [3.4166518077332357, 1.5963125911388552, 21.49327233740008],
    'xlogy': [0.0, 0.0, -1.3862943611198906, -2.0794415416798357, -math.inf],
    'xlog1py': [0.0, 0.0, 0.8109302162163288, -2.4141568686511503, 0.0],
    'entr': [-math.inf, 0.0, 0.34657359027997264, -0.0, -3.295836866004329],
    'logit': [-13.815509557963773, -2.197224577336219, 0.0, 2.5866893440979433,
        13.815509557935018],
    'sinc': [1.0, 0.9003163161571061, 3.8981718325193755e-17, 0.12732395447351627, 1.0],
    'lgamma_f32': [1.5240638256072998, 0.9870985150337219, 600.0094604492188],
}
# fmt: on


def f64(values, requires_grad=False):
    return fg.tensor(values, dtype=fg.float64, requires_grad=requires_grad)


def assert_close(actual, expected, rtol=1e-12, atol=0.0):
    np.testing.assert_allclose(
        to_np(actual), np.asarray(expected, dtype=np.float64), rtol=rtol, atol=atol
    )


@pytest.mark.parametrize(
    ("name", "call", "inputs", "rtol"),
    [
        ("lgamma", fg.lgamma, X, 1e-12),
        ("digamma", fg.digamma, X, 1e-12),
        # PyTorch's trigamma is good to ~5e-10 (its polygamma(1, 0.5) is 3e-10 off π²/2).
        ("polygamma1", lambda t: fg.polygamma(1, t), X, 1e-9),
        ("polygamma2", lambda t: fg.polygamma(2, t), X, 1e-11),
        ("polygamma3", lambda t: fg.polygamma(3, t), X, 1e-12),
        ("erfc", fg.erfc, XE, 1e-11),
        ("erfcx", special.erfcx, XE, 1e-12),
        ("log_ndtr", special.log_ndtr, XE, 1e-12),
        # PyTorch's ndtr(-6) is 1.3e-10 off Φ(-6) = 9.8658764503769814e-10.
        ("ndtr", special.ndtr, XE, 1e-9),
        ("erfinv", fg.erfinv, P, 1e-12),
        ("ndtri", special.ndtri, Q, 1e-12),
        ("mvlgamma3", lambda t: fg.mvlgamma(t, 3), [1.2, 2.0, 7.5], 1e-13),
        ("entr", special.entr, [-1.0, 0.0, 0.25, 1.0, 3.0], 1e-14),
        ("logit", lambda t: fg.logit(t, eps=1e-6), [0.0, 0.1, 0.5, 0.93, 1.0], 1e-11),
        ("sinc", special.sinc, [0.0, 0.25, 1.0, -2.5, 1e-9], 1e-12),
    ],
)
def test_unary_values_match_pytorch(name, call, inputs, rtol):
    atol = 1e-30 if name == "sinc" else 0.0  # sinc(1) is 0 up to rounding
    assert_close(call(f64(inputs)), TORCH[name], rtol=rtol, atol=atol)


def test_binary_values_match_pytorch():
    # PyTorch's P(500, 480) is 3e-10 off (SciPy agrees with ferrograd's to 1e-15).
    assert_close(special.gammainc(f64(A), f64(XG)), TORCH["gammainc"], rtol=1e-9)
    assert_close(special.gammaincc(f64(A), f64(XG)), TORCH["gammaincc"], rtol=1e-10)
    assert_close(special.zeta(f64(S), f64(QZ)), TORCH["zeta"], rtol=1e-12)
    x, y = f64([0.0, 0.0, 2.0, -1.5, 3.0]), f64([0.0, 5.0, 0.5, 4.0, 0.0])
    assert_close(fg.xlogy(x, y), TORCH["xlogy"])
    assert_close(special.xlog1py(x, y), TORCH["xlog1py"])


def test_float32_inputs_are_computed_in_double_and_rounded():
    out = fg.lgamma(fg.tensor([0.2, 3.3, 150.0]))
    assert out.dtype == fg.float32
    assert_close(out, TORCH["lgamma_f32"], rtol=1e-7)


def test_special_values_at_poles_and_edges_as_pytorch():
    assert_close(
        fg.digamma(f64([0.0, -0.0, -1.0, math.inf, -math.inf])),
        [-math.inf, math.inf, math.nan, math.inf, math.nan],
    )
    assert_close(fg.lgamma(f64([0.0, -1.0, -math.inf])), [math.inf] * 3)
    assert_close(fg.erfinv(f64([1.0, -1.0, 1.5])), [math.inf, -math.inf, math.nan])
    assert_close(special.ndtri(f64([0.0, 1.0, 0.5, 2.0])), [-math.inf, math.inf, 0.0, math.nan])
    assert_close(
        special.gammainc(f64([0.0, -1.0, 1.0]), f64([1.0, 1.0, -1.0])), [1.0, math.nan, math.nan]
    )
    assert_close(special.zeta(f64([2.5, 0.5]), f64([-1.5, 1.0])), [math.nan, math.nan])
    assert_close(fg.xlogy(f64([0.0]), f64([math.nan])), [math.nan])


def test_integer_inputs_give_the_default_float():
    for out in (
        fg.lgamma(fg.tensor([1, 2])),
        fg.polygamma(1, fg.tensor([1, 2])),
        fg.erfc(fg.tensor([0])),
    ):
        assert out.dtype == fg.float32


def test_numbers_take_the_tensors_dtype():
    assert fg.xlogy(2, fg.tensor([3.0])).dtype == fg.float32
    assert_close(fg.xlogy(2, fg.tensor([3.0])), [2 * math.log(3.0)], rtol=1e-7)
    assert_close(fg.xlogy(fg.tensor([3.0]), 2.0), [3 * math.log(2.0)], rtol=1e-7)


@pytest.mark.parametrize(
    ("call", "inputs"),
    [
        (fg.lgamma, [-2.5, 0.3, 1.5, 4.0, 30.0]),
        (fg.digamma, [-2.5, 0.3, 1.5, 4.0, 30.0]),
        (lambda t: fg.polygamma(1, t), [0.3, 1.5, 4.0]),
        (lambda t: fg.polygamma(3, t), [0.3, 1.5, 4.0]),
        (fg.erfc, [-1.7, 0.2, 1.4, 1.6, 3.0]),
        (special.erfcx, [-1.7, 0.2, 1.4, 1.6, 3.0]),
        (fg.erfinv, [-0.95, -0.2, 0.4, 0.9]),
        (special.ndtri, [0.01, 0.3, 0.6, 0.97]),
        (special.log_ndtr, [-12.0, -1.0, 0.5, 3.0]),
        (special.ndtr, [-2.0, 0.1, 1.0]),
        (lambda t: fg.mvlgamma(t, 3), [1.6, 2.5, 9.0]),
        (lambda t: fg.xlogy(t, t * t + 0.5), [-1.0, 0.5, 2.0]),
        (lambda t: special.xlog1py(t, t * t), [-1.0, 0.5, 2.0]),
        (special.entr, [0.1, 0.5, 2.0]),
        (fg.logit, [0.1, 0.5, 0.8]),
        (special.sinc, [-1.3, 0.4, 2.2]),
        (lambda t: special.gammainc(f64([0.5, 2.0, 40.0]), t), [0.3, 2.5, 38.0]),
        (lambda t: special.gammaincc(f64([0.5, 2.0, 40.0]), t), [0.3, 2.5, 45.0]),
    ],
)
def test_gradients_and_second_gradients(call, inputs):
    x = f64(inputs, requires_grad=True)
    assert gradcheck(call, (x,))
    assert gradgradcheck(call, (x,))


def test_gradients_reduce_over_broadcast_operands():
    a = f64([[0.5], [3.0]])
    x = f64([0.4, 2.0, 5.0], requires_grad=True)
    assert gradcheck(lambda t: special.gammainc(a, t), (x,))


def test_grad_fn_names():
    x = f64([1.5], requires_grad=True)
    assert type(fg.lgamma(x).grad_fn).__name__ == "LgammaBackward"
    assert type(fg.digamma(x).grad_fn).__name__ == "DigammaBackward"
    assert type(fg.polygamma(2, x).grad_fn).__name__ == "PolygammaBackward"
    assert type(fg.erfinv(x * 0.1).grad_fn).__name__ == "ErfinvBackward"


def test_derivatives_pytorch_does_not_have_raise_as_pytorch():
    a = f64([1.5], requires_grad=True)
    with pytest.raises(NotImplementedError, match="igamma: input"):
        special.gammainc(a, f64([1.0])).backward()
    with pytest.raises(NotImplementedError, match="zeta"):
        special.zeta(a + 1, f64([1.0])).backward()


def test_errors_as_pytorch():
    with pytest.raises(RuntimeError, match="does not support negative n"):
        fg.polygamma(-1, f64([1.0]))
    with pytest.raises(RuntimeError, match="greater than or equal to 1"):
        fg.mvlgamma(f64([1.0]), 0)
    with pytest.raises(TypeError, match="must be Tensor"):
        fg.lgamma([1.0])
    with pytest.raises(TypeError, match="at least one Tensor"):
        special.xlogy(1.0, 2.0)


def test_tensor_methods_and_in_place_forms():
    x = f64([0.3, 2.5])
    assert_close(x.lgamma(), to_np(fg.lgamma(x)))
    assert_close(x.digamma(), to_np(fg.digamma(x)))
    assert_close(x.polygamma(2), to_np(fg.polygamma(2, x)))
    assert_close(x.mvlgamma(2), to_np(fg.mvlgamma(x, 2)))
    assert_close(x.erfc(), to_np(fg.erfc(x)))
    assert_close((x * 0.3).erfinv(), to_np(fg.erfinv(x * 0.3)))
    assert_close(x.xlogy(x), to_np(fg.xlogy(x, x)))
    assert_close((x * 0.3).logit(), to_np(fg.logit(x * 0.3)))
    y = x.clone()
    assert y.lgamma_() is y
    assert_close(y, to_np(fg.lgamma(x)))
    z = x.clone()
    z.polygamma_(1)
    assert_close(z, to_np(fg.polygamma(1, x)))


def test_igamma_names_and_erfc_in_place():
    # torch.igamma/igammac, their methods and in-place forms, and torch.erfc_, against
    # PyTorch 2.15's values.
    a, x = f64([1.0, 2.0]), f64([0.5, 3.0])
    lower, upper = (
        [0.3934693402873665, 0.8008517265285442],
        [0.6065306597126334, 0.1991482734714558],
    )
    for got in (fg.igamma(a, x), a.igamma(x), a.clone().igamma_(x)):
        assert_close(got, lower, rtol=1e-14)
    for got in (fg.igammac(a, x), a.igammac(x), a.clone().igammac_(x)):
        assert_close(got, upper, rtol=1e-14)
    b = f64([0.5, 1.0])
    assert fg.erfc_(b) is b
    assert_close(b, [0.4795001221869535, 0.15729920705028513], rtol=1e-14)


def test_aliases():
    x = f64([0.7, 3.0])
    assert special.gammaln is fg.lgamma
    assert special.psi is special.digamma
    assert_close(special.multigammaln(x + 1, 2), to_np(fg.mvlgamma(x + 1, 2)))
    assert_close(special.expit(x), to_np(x.sigmoid()))
    assert_close(special.exp2(x), 2.0 ** to_np(x))
    assert_close(special.round(f64([1.234]), decimals=2), [1.23])
    assert_close(special.log_softmax(x, 0), to_np(x.log_softmax(0)))
