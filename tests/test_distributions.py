"""``ferrograd.distributions``: log-densities, entropies, moments, CDFs, transforms and KL
divergences against values recorded from PyTorch (float64), gradients against finite
differences (reparameterised samples at a fixed seed), sample statistics at fixed seeds, and
argument validation as PyTorch's."""

from __future__ import annotations

import math

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.distributions as D
from ferrograd import _special_math
from ferrograd.autograd import gradcheck, gradgradcheck
from ferrograd.distributions import constraints, transforms as T
from helpers import to_np

# fmt: off
# torch.distributions (2.x), float64, for the distributions built in `built()` below.
TORCH = {
    'normal.log_prob': [[-0.30579135264472734, -2.217085713764618], [-10.805791352644725,
        -3.817085713764618]],
    'normal.cdf': [[0.3445782583896759, 0.8643339390536173], [2.1124547024964357e-06,
        0.9821355794371834]],
    'normal.icdf': [-0.3407757827723004, 1.3631031310892017],
    'normal.entropy': [0.7257913526447274, 2.112085713764618],
    'categorical.log_prob': [[-1.6094379124341003, -1.2039728043259361], [-1.2039728043259361,
        -2.3025850929940455]],
    'categorical.entropy': [1.0296530140645737, 0.8979457248567798],
    'categorical.logits': [[-1.6094379124341003, -1.2039728043259361, -0.6931471805599453],
        [-0.5108256237659907, -2.3025850929940455, -1.2039728043259361]],
    'categorical_logits.log_prob': [[-1.371539031852683, -4.8621193825789675],
        [-2.871539031852683, -0.562119382578967]],
    'categorical_logits.entropy': [0.7667845440888865, 0.7220557621759067],
    'categorical_logits.probs': [[0.25371618163502524, 0.056611732240471294, 0.6896720861245036],
        [0.4222661896773787, 0.5699997352775688, 0.007734075045052595]],
    'categorical_logits.logits': [[-1.371539031852683, -2.871539031852683, -0.371539031852683],
        [-0.862119382578967, -0.562119382578967, -4.8621193825789675]],
    'onehot.log_prob': [-0.6931471805599453, -2.3025850929940455],
    'onehot.entropy': [1.0296530140645737, 0.8979457248567798],
    'onehot.mode': [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]],
    'onehot.variance': [[0.16000000000000003, 0.21, 0.25], [0.24, 0.09000000000000001, 0.21]],
    'bernoulli.log_prob': [[-0.10536051565782634, -0.35667494393873245], [-2.3025850929940455,
        -0.35667494393873245]],
    'bernoulli.entropy': [0.3250829733914482, 0.6108643020548935],
    'bernoulli.logits': [-2.197224577336219, 0.8472978603872034],
    'bernoulli_logits.log_prob': [[-0.5543552444685271, -0.1050833197686959],
        [-0.8543552444685272, -0.1050833197686959]],
    'bernoulli_logits.entropy': [0.6820224894250295, 0.3245343958320034],
    'bernoulli_logits.probs': [0.425557483188341, 0.9002495108803148],
    'binomial.log_prob': [[-1.1753853474740237, -1.537159819202353], [-6.019864021629681,
        -9.16290731874155]],
    'binomial.mode': [1.0, 6.0],
    'binomial_logits.log_prob': [[-6.943956520899519e-11, -9.094947017729282e-13],
        [-125.00000000006943, -205.21250825721884]],
    'binomial6.entropy': [1.5109781376341778, 1.0021106378624363],
    'uniform.log_prob': [-0.6931471805599453, -0.4054651081081644],
    'uniform.cdf': [0.75, 0.6666666666666666],
    'uniform.icdf': [0.5, -0.25],
    'uniform.entropy': [0.6931471805599453, 0.4054651081081644],
    'beta.log_prob': [-0.027933775095853042, -0.9571127263944103],
    'beta.entropy': [-0.5484172947105447, -0.23490664978800035],
    'beta.mode': [0.0, 0.3333333333333333],
    'beta.variance': [0.0625, 0.04],
    'gamma.log_prob': [-0.5190975166879679, -2.269430653942629],
    'gamma.entropy': [0.18939507231412173, 2.7638692422371665],
    'gamma.cdf': [0.6771398333767736, 0.216641510180737],
    'gamma.mode': [0.0, 5.0],
    'dirichlet.log_prob': [0.7401804350794791, 1.7175458509968105],
    'dirichlet.entropy': [-1.4815696872089312, -1.471473611449107],
    'dirichlet.mode': [[0.0, 0.0, 1.0], [0.8, 0.2, 0.0]],
    'dirichlet.variance': [[0.027210884353741496, 0.045351473922902494, 0.05442176870748299],
        [0.03936820003817522, 0.033105077304829165, 0.01878936820003817]],
    'dirichlet_small.mode': [1.0, 0.0, 0.0],
    'exponential.log_prob': [-1.1931471805599454, 0.4986122886681097],
    'exponential.cdf': [0.3934693402873666, 0.4511883639059736],
    'exponential.icdf': [0.7133498878774647, 0.7675283643313486],
    'exponential.entropy': [1.6931471805599454, -0.09861228866810978],
    'laplace.log_prob': [-1.1931471805599454, -3.4891743762340095],
    'laplace.cdf': [0.6967346701436833, 0.00915781944436711],
    'laplace.icdf': [-0.916290731874155, 1.1532476871297972],
    'laplace.entropy': [1.6931471805599454, 0.4891743762340093],
    'poisson.log_prob': [[-0.5, -1.6328763858683835], [-2.5794415416798357, -1.8560199371825927]],
    'poisson0.log_prob': [0.0, -math.inf],
    'lognormal.log_prob': [-0.12355043997339082, -2.2032489007071407],
    'lognormal.mean': [1.1331484530668263, 5.584528464276054],
    'lognormal.variance': [0.3646958540123867, 100.44370571752074],
    'lognormal.mode': [0.7788007830714049, 0.6440364210831414],
    'lognormal.entropy': [0.7257913526447274, 2.601260089998627],
    'lognormal.cdf': [0.2378146370546097, 0.532746981654669],
    'lognormal.icdf': [0.6565144224477011, 3.6840641219407404],
    'mvn.log_prob': [-3.747234192648297, -4.1456212894224915],
    'mvn.entropy': 4.3643712894224915,
    'mvn.scale_tril': [[1.4142135623730951, 0.0, 0.0], [0.21213203435596423, 0.9772410142846032,
        0.0], [-0.282842712474619, 0.2660551452502585, 0.8057385802391889]],
    'mvn.precision_matrix': [[0.6129032258064515, -0.25806451612903225, 0.3709677419354839],
        [-0.25806451612903225, 1.1612903225806455, -0.4193548387096775], [0.3709677419354839,
        -0.4193548387096775, 1.5403225806451615]],
    'mvn.variance': [2.0000000000000004, 1.0, 0.7999999999999999],
    'mvn_prec.log_prob': [-3.747234192648297, -4.145621289422491],
    'mvn_prec.scale_tril': [[1.414213562373095, 0.0, 0.0], [0.2121320343559642,
        0.9772410142846031, 0.0], [-0.28284271247461895, 0.2660551452502584, 0.8057385802391889]],
    'mvn_batch.log_prob': [-1.9866672305787774, -2.9889348042749226],
    'mvn_batch.entropy': [2.8866672305787775, 2.8866672305787775],
    'mvn_batch.covariance_matrix': [[[2.25, 0.6000000000000001], [0.6000000000000001,
        0.6499999999999999]], [[2.25, 0.6000000000000001], [0.6000000000000001,
        0.6499999999999999]]],
    'independent.log_prob': [-7.413065599614018, -24.400065017510308],
    'independent.entropy': [4.2568155996140185, 3.0528427952880817],
    'td_affine_sigmoid.log_prob': [[-0.6873486555074483], [-0.04188240831050827]],
    'td_affine_sigmoid.cdf': [[0.1936991075387855], [0.49789702557438575]],
    'td_affine_sigmoid.icdf': [[0.5091386489179077], [0.9730961947924467]],
    'td_tanh.log_prob': [-0.7821250808544642, 0.9889573614924494],
    'td_stick.log_prob': 2.2996333608366593,
    'td_stick.event_shape': [4.0],
    'td_power.log_prob': [-1.364334640283528],
    'td_neg.cdf': [0.7421538891941353, 0.5],
    'td_neg.icdf': [-2.0488010254160813, 1.5631031310892016],
    'stick.y': [[0.3103224420123704, 0.09026916871088567, 0.527957157790385,
        0.07145123148635886]],
    'stick.ladj': [-6.85258297341167],
    'tanh.ladj': [[-0.08868153985188065, -1.1873779431880092, -2.6500054947157285]],
    'sigmoid.ladj': [[-1.4087104889370543, -1.7265649346760623, -2.2538560220859454]],
    'affine_event.ladj': [3.1780538303479453],
    'compose.y': [[3.0041660239464334, 0.14956861922263506, 90.01713130052181]],
    'compose.ladj': [[1.7931471805599455, -1.2068528194400545, 5.193147180559945]],
    'compose.inv': [[0.30000000000000004, -1.2, 2.0]],
    'softmax.y': [[0.14931886218339122, 0.0333175416321614, 0.8173635961844474]],
    'softplus.ladj': [[-0.5543552444685271, -1.4632824673380311, -0.1269280110429725]],
    'kl.normal': [0.3493971805599453, 6.613443181623771],
    'kl.categorical': [0.2332113080895541, 1.2628643221541276],
    'kl.categorical_inf': math.inf,
    'kl.onehot': 0.2332113080895541,
    'kl.bernoulli': [0.368064207168497, 0.5826853020432394, 0.3566749439387321,
        0.5108256237659905],
    'kl.bernoulli_inf': [math.inf, math.inf],
    'kl.beta': [0.5484172947105447, 3.103627824431646],
    'kl.gamma': [1.9027602561586439, 11.54298357720289],
    'kl.dirichlet': [0.7884225066489858, 0.7783264308891618],
    'kl.uniform': [1.0986122886681098, math.inf],
    'kl.exponential': [1.6137056388801092, 0.43194562200144304],
    'kl.mvn': 1.2802695553405603,
    'kl.mvn_batch': [0.5611514602068832, 1.2652330928599447],
    'kl.independent': [3.625, 1.3739728043259363],
    'kl.laplace': [0.246412510416262, 1.2146750023301118],
    'kl.poisson': [0.15342640972002736, 0.15072828980712316],
    'kl.binomial': [0.41141439252525946, 0.10067756775344439],
    'kl.lognormal': [0.36314718055994527, 0.5376784432060453],
    'kl.normal_gamma': [math.inf],
    'cauchy.log_prob': [-1.3678734371636099, -2.77397042557968],
    'cauchy.cdf': [0.6475836176504333, 0.07797913037736925],
    'cauchy.icdf': [-1.3763819204711734, 1.2179627584016082],
    'cauchy.entropy': [2.5310242469692907, 1.3270514426433546],
    'halfnormal.log_prob': [0.28735582791521785, -1.2801885332046727],
    'halfnormal.cdf': [0.4514937644998529, 0.6046749137546152],
    'halfnormal.icdf': [0.1266735515678999, 2.072866778987579],
    'halfnormal.entropy': [0.0326441720847821, 1.4189385332046727],
    'halfnormal.mean': [0.3989422804014327, 1.5957691216057308],
    'halfnormal.variance': [0.09084505690810465, 1.4535209105296745],
    'halfcauchy.log_prob': [-0.06592022447747026, -1.6885066097550765],
    'halfcauchy.cdf': [0.34404173924526127, 0.44849485081219287],
    'halfcauchy.entropy': [1.1447298858494, 2.5310242469692907],
    'geometric.log_prob': [[-2.2788685663767296, 0.0], [-1.6094379124341003, -math.inf]],
    'geometric.entropy': [2.5020121176909393, 0.8726632886498479],
    'geometric.mean': [4.0, 0.4285714285714286],
    'geometric.variance': [20.0, 0.6122448979591838],
    'geometric_logits.log_prob': [-1.9397850625546684, -2.253856022085944],
    'gumbel.log_prob': [-1.1065306597126334, -2.3418316603666227],
    'gumbel.cdf': [0.5452392118926052, 0.10800897769659157],
    'gumbel.icdf': [-0.4758849953271107, 6.625918318281108],
    'gumbel.entropy': [1.5772156649015328, 2.493506396775688],
    'gumbel.mean': [0.5772156649015329, 2.4430391622538323],
    'gumbel.variance': [1.6449340668482264, 10.280837917801415],
    'chi2.log_prob': [-0.6940686538827155, -2.0537128973715806],
    'chi2.entropy': [1.374962912044623, 2.5407256909229567],
    'chi2.variance': [3.0, 12.0],
    'studentt.log_prob': [-1.2870435067870685, -2.0076068344347715, -2.1331685978791595],
    'studentt.entropy': [2.8169065804088937, 1.4565122872847038, 2.726114961082506],
    'studentt.mean': [math.nan, 1.0, -2.0],
    'studentt.variance': [math.nan, math.inf, 15.0],
    'multinomial.log_prob': [-1.8971199848858809, -2.5541281188299534],
    'multinomial.entropy': [2.5918085962714983, 2.296474398960703],
    'multinomial.mean': [[1.0, 1.5, 2.5], [3.0, 0.5, 1.5]],
    'multinomial.variance': [[0.8, 1.0499999999999998, 1.25], [1.2000000000000002, 0.45,
        1.0499999999999998]],
    'multinomial_zero.log_prob': -0.8667523889530004,
    'mixture.log_prob': [-2.603904591139097, -1.2936538844690293],
    'mixture.cdf': [0.3297974675238645, 0.3354667393387979],
    'mixture.mean': [1.0999999999999999, 0.25],
    'mixture.variance': [2.6649999999999996, 2.5625],
    'mixture_vec.log_prob': [-2.6860140484659745, -1.9628770645408709],
    'mixture_vec.mean': [1.2, -0.19999999999999996],
    'mixture_vec.variance': [1.414, 3.46],
}
# torch._standard_gamma_grad(alpha, x): PyTorch's approximation of the implicit gradient.
GAMMA_ALPHA = [0.3, 0.3, 1.0, 1.0, 2.5, 2.5, 7.0, 20.0, 20.0]
GAMMA_X = [0.05, 0.8, 0.3, 2.0, 1.0, 4.0, 6.5, 15.0, 24.0]
TORCH_GAMMA_GRAD = [0.49471098700419375, 2.4841371454684493, 0.5957784221754073,
    1.631722595569284, 0.6507681391819737, 1.3395387468383573, 0.9866032686569006,
    0.870233570034255, 1.1030903713910962]
# fmt: on


def t(values, requires_grad=False):
    return fg.tensor(values, dtype=fg.float64, requires_grad=requires_grad)


def assert_close(actual, expected, rtol=1e-10, atol=1e-12):
    got = to_np(actual) if isinstance(actual, fg.Tensor) else np.asarray(actual)
    np.testing.assert_allclose(got, np.asarray(expected, dtype=np.float64), rtol=rtol, atol=atol)


LOC = [0.5, -1.0, 0.0]
COV = [[2.0, 0.3, -0.4], [0.3, 1.0, 0.2], [-0.4, 0.2, 0.8]]
SCALE_TRIL_Q = [[1.0, 0.0, 0.0], [0.5, 2.0, 0.0], [-0.3, 0.1, 0.9]]


def mvn():
    return D.MultivariateNormal(t(LOC), t(COV))


def mvn_batch():
    return D.MultivariateNormal(
        t([[0.0, 0.0], [1.0, -1.0]]), scale_tril=t([[1.5, 0.0], [0.4, 0.7]])
    )


def independent_normal():
    base = D.Normal(t([[0.0, 1.0, 2.0], [-1.0, 0.5, 0.0]]), t([[1.0, 2.0, 0.5], [0.3, 1.0, 1.0]]))
    return D.Independent(base, 1)


PROBS = [[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]]
CATEGORY_VALUES = [[0, 2], [1, 1]]
BERNOULLI_VALUES = [[0.0, 1.0], [1.0, 1.0]]

# Each case: a key of TORCH and what ferrograd computes for it.
VALUE_CASES = {
    "normal.log_prob": lambda: D.Normal(t([0.3, -1.2]), t([0.5, 2.0])).log_prob(
        t([[0.1, 1.0], [-2.0, 3.0]])
    ),
    "normal.cdf": lambda: D.Normal(t([0.3, -1.2]), t([0.5, 2.0])).cdf(t([[0.1, 1.0], [-2.0, 3.0]])),
    "normal.icdf": lambda: D.Normal(t([0.3, -1.2]), t([0.5, 2.0])).icdf(t([0.1, 0.9])),
    "normal.entropy": lambda: D.Normal(t([0.3, -1.2]), t([0.5, 2.0])).entropy(),
    "categorical.log_prob": lambda: D.Categorical(probs=t(PROBS)).log_prob(
        fg.tensor(CATEGORY_VALUES)
    ),
    "categorical.entropy": lambda: D.Categorical(probs=t(PROBS)).entropy(),
    "categorical.logits": lambda: D.Categorical(probs=t(PROBS)).logits,
    "categorical_logits.log_prob": lambda: D.Categorical(
        logits=t([[1.0, -0.5, 2.0], [0.0, 0.3, -4.0]])
    ).log_prob(fg.tensor(CATEGORY_VALUES)),
    "categorical_logits.entropy": lambda: D.Categorical(
        logits=t([[1.0, -0.5, 2.0], [0.0, 0.3, -4.0]])
    ).entropy(),
    "categorical_logits.probs": lambda: (
        D.Categorical(logits=t([[1.0, -0.5, 2.0], [0.0, 0.3, -4.0]])).probs
    ),
    "categorical_logits.logits": lambda: (
        D.Categorical(logits=t([[1.0, -0.5, 2.0], [0.0, 0.3, -4.0]])).logits
    ),
    "onehot.log_prob": lambda: D.OneHotCategorical(probs=t(PROBS)).log_prob(
        t([[0.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    ),
    "onehot.entropy": lambda: D.OneHotCategorical(probs=t(PROBS)).entropy(),
    "onehot.mode": lambda: D.OneHotCategorical(probs=t(PROBS)).mode,
    "onehot.variance": lambda: D.OneHotCategorical(probs=t(PROBS)).variance,
    "bernoulli.log_prob": lambda: D.Bernoulli(probs=t([0.1, 0.7])).log_prob(t(BERNOULLI_VALUES)),
    "bernoulli.entropy": lambda: D.Bernoulli(probs=t([0.1, 0.7])).entropy(),
    "bernoulli.logits": lambda: D.Bernoulli(probs=t([0.1, 0.7])).logits,
    "bernoulli_logits.log_prob": lambda: D.Bernoulli(logits=t([-0.3, 2.2])).log_prob(
        t(BERNOULLI_VALUES)
    ),
    "bernoulli_logits.entropy": lambda: D.Bernoulli(logits=t([-0.3, 2.2])).entropy(),
    "bernoulli_logits.probs": lambda: D.Bernoulli(logits=t([-0.3, 2.2])).probs,
    "binomial.log_prob": lambda: D.Binomial(t([5.0, 10.0]), probs=t([0.3, 0.6])).log_prob(
        t([[2.0, 7.0], [5.0, 0.0]])
    ),
    "binomial.mode": lambda: D.Binomial(t([5.0, 10.0]), probs=t([0.3, 0.6])).mode,
    "binomial_logits.log_prob": lambda: D.Binomial(
        t([5.0, 10.0]), logits=t([-25.0, 30.0])
    ).log_prob(t([[0.0, 10.0], [5.0, 3.0]])),
    "binomial6.entropy": lambda: D.Binomial(6, probs=t([0.3, 0.9])).entropy(),
    "uniform.log_prob": lambda: D.Uniform(t([0.0, -1.0]), t([2.0, 0.5])).log_prob(t([1.5, 0.0])),
    "uniform.cdf": lambda: D.Uniform(t([0.0, -1.0]), t([2.0, 0.5])).cdf(t([1.5, 0.0])),
    "uniform.icdf": lambda: D.Uniform(t([0.0, -1.0]), t([2.0, 0.5])).icdf(t([0.25, 0.5])),
    "uniform.entropy": lambda: D.Uniform(t([0.0, -1.0]), t([2.0, 0.5])).entropy(),
    "beta.log_prob": lambda: D.Beta(t([0.5, 2.0]), t([1.5, 3.0])).log_prob(t([0.3, 0.8])),
    "beta.entropy": lambda: D.Beta(t([0.5, 2.0]), t([1.5, 3.0])).entropy(),
    "beta.mode": lambda: D.Beta(t([0.5, 2.0]), t([1.5, 3.0])).mode,
    "beta.variance": lambda: D.Beta(t([0.5, 2.0]), t([1.5, 3.0])).variance,
    "gamma.log_prob": lambda: D.Gamma(t([0.7, 3.0]), t([1.5, 0.4])).log_prob(t([0.5, 4.0])),
    "gamma.entropy": lambda: D.Gamma(t([0.7, 3.0]), t([1.5, 0.4])).entropy(),
    "gamma.cdf": lambda: D.Gamma(t([0.7, 3.0]), t([1.5, 0.4])).cdf(t([0.5, 4.0])),
    "gamma.mode": lambda: D.Gamma(t([0.7, 3.0]), t([1.5, 0.4])).mode,
    "dirichlet.log_prob": lambda: D.Dirichlet(t([[0.5, 1.0, 2.0], [3.0, 1.5, 0.7]])).log_prob(
        t([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
    ),
    "dirichlet.entropy": lambda: D.Dirichlet(t([[0.5, 1.0, 2.0], [3.0, 1.5, 0.7]])).entropy(),
    "dirichlet.mode": lambda: D.Dirichlet(t([[0.5, 1.0, 2.0], [3.0, 1.5, 0.7]])).mode,
    "dirichlet.variance": lambda: D.Dirichlet(t([[0.5, 1.0, 2.0], [3.0, 1.5, 0.7]])).variance,
    "dirichlet_small.mode": lambda: D.Dirichlet(t([0.5, 0.9, 0.2])).mode,
    "exponential.log_prob": lambda: D.Exponential(t([0.5, 3.0])).log_prob(t([1.0, 0.2])),
    "exponential.cdf": lambda: D.Exponential(t([0.5, 3.0])).cdf(t([1.0, 0.2])),
    "exponential.icdf": lambda: D.Exponential(t([0.5, 3.0])).icdf(t([0.3, 0.9])),
    "exponential.entropy": lambda: D.Exponential(t([0.5, 3.0])).entropy(),
    "laplace.log_prob": lambda: D.Laplace(t([0.0, 1.0]), t([1.0, 0.3])).log_prob(t([0.5, -0.2])),
    "laplace.cdf": lambda: D.Laplace(t([0.0, 1.0]), t([1.0, 0.3])).cdf(t([0.5, -0.2])),
    "laplace.icdf": lambda: D.Laplace(t([0.0, 1.0]), t([1.0, 0.3])).icdf(t([0.2, 0.7])),
    "laplace.entropy": lambda: D.Laplace(t([0.0, 1.0]), t([1.0, 0.3])).entropy(),
    "poisson.log_prob": lambda: D.Poisson(t([0.5, 4.0])).log_prob(t([[0.0, 3.0], [2.0, 5.0]])),
    "poisson0.log_prob": lambda: D.Poisson(t([0.0, 0.0])).log_prob(t([0.0, 2.0])),
    "lognormal.log_prob": lambda: D.LogNormal(t([0.0, 1.0]), t([0.5, 1.2])).log_prob(t([0.7, 3.0])),
    "lognormal.mean": lambda: D.LogNormal(t([0.0, 1.0]), t([0.5, 1.2])).mean,
    "lognormal.variance": lambda: D.LogNormal(t([0.0, 1.0]), t([0.5, 1.2])).variance,
    "lognormal.mode": lambda: D.LogNormal(t([0.0, 1.0]), t([0.5, 1.2])).mode,
    "lognormal.entropy": lambda: D.LogNormal(t([0.0, 1.0]), t([0.5, 1.2])).entropy(),
    "lognormal.cdf": lambda: D.LogNormal(t([0.0, 1.0]), t([0.5, 1.2])).cdf(t([0.7, 3.0])),
    "lognormal.icdf": lambda: D.LogNormal(t([0.0, 1.0]), t([0.5, 1.2])).icdf(t([0.2, 0.6])),
    "mvn.log_prob": lambda: mvn().log_prob(t([[0.1, 0.2, 0.3], [1.0, -2.0, 0.5]])),
    "mvn.entropy": lambda: mvn().entropy(),
    "mvn.scale_tril": lambda: mvn().scale_tril,
    "mvn.precision_matrix": lambda: mvn().precision_matrix,
    "mvn.variance": lambda: mvn().variance,
    "mvn_prec.log_prob": lambda: D.MultivariateNormal(
        t(LOC), precision_matrix=fg.tensor(np.linalg.inv(np.array(COV)))
    ).log_prob(t([[0.1, 0.2, 0.3], [1.0, -2.0, 0.5]])),
    "mvn_prec.scale_tril": lambda: (
        D.MultivariateNormal(
            t(LOC), precision_matrix=fg.tensor(np.linalg.inv(np.array(COV)))
        ).scale_tril
    ),
    "mvn_batch.log_prob": lambda: mvn_batch().log_prob(t([0.3, -0.2])),
    "mvn_batch.entropy": lambda: mvn_batch().entropy(),
    "mvn_batch.covariance_matrix": lambda: mvn_batch().covariance_matrix,
    "independent.log_prob": lambda: independent_normal().log_prob(
        t([[0.5, 0.5, 0.5], [1.0, 1.0, 1.0]])
    ),
    "independent.entropy": lambda: independent_normal().entropy(),
    "td_affine_sigmoid.log_prob": lambda: affine_sigmoid().log_prob(t([[0.3], [0.8]])),
    "td_affine_sigmoid.cdf": lambda: affine_sigmoid().cdf(t([[0.3], [0.8]])),
    "td_affine_sigmoid.icdf": lambda: affine_sigmoid().icdf(t([[0.3], [0.8]])),
    "td_tanh.log_prob": lambda: D.TransformedDistribution(
        D.Normal(t([0.0, 1.0]), t([1.0, 0.5])), T.TanhTransform()
    ).log_prob(t([-0.5, 0.9])),
    "td_stick.log_prob": lambda: stick_breaking().log_prob(t([0.1, 0.2, 0.3, 0.4])),
    "td_stick.event_shape": lambda: list(stick_breaking().event_shape),
    "td_power.log_prob": lambda: D.TransformedDistribution(
        D.Exponential(t([1.5])), [T.PowerTransform(t(2.0))]
    ).log_prob(t([0.7])),
    "td_neg.cdf": lambda: D.TransformedDistribution(
        D.Normal(t(0.5), t(1.0)), [T.AffineTransform(0.0, -2.0)]
    ).cdf(t([0.3, -1.0])),
    "td_neg.icdf": lambda: D.TransformedDistribution(
        D.Normal(t(0.5), t(1.0)), [T.AffineTransform(0.0, -2.0)]
    ).icdf(t([0.3, 0.9])),
    "stick.y": lambda: T.StickBreakingTransform()(t([[0.3, -1.2, 2.0]])),
    "stick.ladj": lambda: _ladj(T.StickBreakingTransform()),
    "tanh.ladj": lambda: _ladj(T.TanhTransform()),
    "sigmoid.ladj": lambda: _ladj(T.SigmoidTransform()),
    "affine_event.ladj": lambda: T.AffineTransform(
        1.0, t([2.0, 3.0, -4.0]), event_dim=1
    ).log_abs_det_jacobian(t([[0.3, -1.2, 2.0]]), t([[0.3, -1.2, 2.0]])),
    "compose.y": lambda: compose()(t([[0.3, -1.2, 2.0]])),
    "compose.ladj": lambda: _ladj(compose()),
    "compose.inv": lambda: compose().inv(compose()(t([[0.3, -1.2, 2.0]]))),
    "softmax.y": lambda: T.SoftmaxTransform()(t([[0.3, -1.2, 2.0]])),
    "softplus.ladj": lambda: _ladj(T.SoftplusTransform()),
    "kl.normal": lambda: D.kl_divergence(
        D.Normal(t([0.0, 1.0]), t([1.0, 2.0])), D.Normal(t([0.5, -1.0]), t([2.0, 0.7]))
    ),
    "kl.categorical": lambda: D.kl_divergence(
        D.Categorical(probs=t([[0.2, 0.3, 0.5], [0.5, 0.5, 0.0]])),
        D.Categorical(probs=t([[0.4, 0.4, 0.2], [0.1, 0.2, 0.7]])),
    ),
    "kl.categorical_inf": lambda: D.kl_divergence(
        D.Categorical(probs=t([0.2, 0.8])), D.Categorical(probs=t([1.0, 0.0]))
    ),
    "kl.onehot": lambda: D.kl_divergence(
        D.OneHotCategorical(probs=t([0.2, 0.3, 0.5])), D.OneHotCategorical(probs=t([0.4, 0.4, 0.2]))
    ),
    "kl.bernoulli": lambda: D.kl_divergence(
        D.Bernoulli(probs=t([0.1, 0.7, 0.0, 1.0])), D.Bernoulli(probs=t([0.5, 0.2, 0.3, 0.6]))
    ),
    "kl.bernoulli_inf": lambda: D.kl_divergence(
        D.Bernoulli(probs=t([0.3, 0.3])), D.Bernoulli(probs=t([0.0, 1.0]))
    ),
    "kl.beta": lambda: D.kl_divergence(
        D.Beta(t([0.5, 2.0]), t([1.5, 3.0])), D.Beta(t([1.0, 4.0]), t([1.0, 0.5]))
    ),
    "kl.gamma": lambda: D.kl_divergence(
        D.Gamma(t([0.7, 3.0]), t([1.5, 0.4])), D.Gamma(t([2.0, 1.0]), t([1.0, 2.0]))
    ),
    "kl.dirichlet": lambda: D.kl_divergence(
        D.Dirichlet(t([[0.5, 1.0, 2.0], [3.0, 1.5, 0.7]])), D.Dirichlet(t([1.0, 1.0, 1.0]))
    ),
    "kl.uniform": lambda: D.kl_divergence(
        D.Uniform(t([0.0, 0.0]), t([1.0, 2.0])), D.Uniform(t([-1.0, 0.5]), t([2.0, 3.0]))
    ),
    "kl.exponential": lambda: D.kl_divergence(
        D.Exponential(t([0.5, 3.0])), D.Exponential(t([2.0, 1.0]))
    ),
    "kl.mvn": lambda: D.kl_divergence(
        mvn(), D.MultivariateNormal(t([0.0, 0.0, 1.0]), scale_tril=t(SCALE_TRIL_Q))
    ),
    "kl.mvn_batch": lambda: D.kl_divergence(
        mvn_batch(), D.MultivariateNormal(t([0.2, 0.1]), t([[1.0, 0.2], [0.2, 2.0]]))
    ),
    "kl.independent": lambda: D.kl_divergence(
        independent_normal(), D.Independent(D.Normal(t([0.0, 0.0, 0.0]), t([1.0, 1.0, 1.0])), 1)
    ),
    "kl.laplace": lambda: D.kl_divergence(
        D.Laplace(t([0.0, 1.0]), t([1.0, 0.3])), D.Laplace(t([0.5, 0.0]), t([2.0, 1.0]))
    ),
    "kl.poisson": lambda: D.kl_divergence(D.Poisson(t([0.5, 4.0])), D.Poisson(t([1.0, 3.0]))),
    "kl.binomial": lambda: D.kl_divergence(
        D.Binomial(5, t([0.3, 0.6])), D.Binomial(5, t([0.5, 0.5]))
    ),
    "kl.lognormal": lambda: D.kl_divergence(
        D.LogNormal(t([0.0, 1.0]), t([0.5, 1.2])), D.LogNormal(t([0.3, 0.0]), t([1.0, 1.0]))
    ),
    "kl.normal_gamma": lambda: D.kl_divergence(
        D.Normal(t([0.0]), t([1.0])), D.Gamma(t([1.0]), t([1.0]))
    ),
}


def affine_sigmoid():
    return D.TransformedDistribution(
        D.Normal(t([0.2]), t([1.3])), [T.AffineTransform(1.0, 2.0), T.SigmoidTransform()]
    )


def stick_breaking():
    return D.TransformedDistribution(
        D.Normal(t([0.1, -0.2, 0.3]), t([1.0, 0.7, 1.5])), T.StickBreakingTransform()
    )


def compose():
    return T.ComposeTransform([T.AffineTransform(0.5, 2.0), T.ExpTransform()])


def _ladj(transform):
    x = t([[0.3, -1.2, 2.0]])
    return transform.log_abs_det_jacobian(x, transform(x))


def mixture():
    weights = D.Categorical(probs=t([[0.3, 0.7], [0.5, 0.5]]))
    return D.MixtureSameFamily(
        weights, D.Normal(t([[-1.0, 2.0], [0.0, 0.5]]), t([[0.5, 1.0], [1.0, 2.0]]))
    )


def vector_mixture():
    components = D.Independent(
        D.Normal(t([[0.0, 1.0], [2.0, -1.0]]), t([[1.0, 0.5], [0.3, 2.0]])), 1
    )
    return D.MixtureSameFamily(D.Categorical(probs=t([0.4, 0.6])), components)


STUDENT_T = ([0.8, 1.5, 5.0], [0.0, 1.0, -2.0], [1.0, 0.5, 3.0])
MULTINOMIAL_PROBS = [[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]]

VALUE_CASES.update(
    {
        "cauchy.log_prob": lambda: D.Cauchy(t([0.0, 1.0]), t([1.0, 0.3])).log_prob(t([0.5, -0.2])),
        "cauchy.cdf": lambda: D.Cauchy(t([0.0, 1.0]), t([1.0, 0.3])).cdf(t([0.5, -0.2])),
        "cauchy.icdf": lambda: D.Cauchy(t([0.0, 1.0]), t([1.0, 0.3])).icdf(t([0.2, 0.7])),
        "cauchy.entropy": lambda: D.Cauchy(t([0.0, 1.0]), t([1.0, 0.3])).entropy(),
        "halfnormal.log_prob": lambda: D.HalfNormal(t([0.5, 2.0])).log_prob(t([0.3, 1.7])),
        "halfnormal.cdf": lambda: D.HalfNormal(t([0.5, 2.0])).cdf(t([0.3, 1.7])),
        "halfnormal.icdf": lambda: D.HalfNormal(t([0.5, 2.0])).icdf(t([0.2, 0.7])),
        "halfnormal.entropy": lambda: D.HalfNormal(t([0.5, 2.0])).entropy(),
        "halfnormal.mean": lambda: D.HalfNormal(t([0.5, 2.0])).mean,
        "halfnormal.variance": lambda: D.HalfNormal(t([0.5, 2.0])).variance,
        "halfcauchy.log_prob": lambda: D.HalfCauchy(t([0.5, 2.0])).log_prob(t([0.3, 1.7])),
        "halfcauchy.cdf": lambda: D.HalfCauchy(t([0.5, 2.0])).cdf(t([0.3, 1.7])),
        "halfcauchy.entropy": lambda: D.HalfCauchy(t([0.5, 2.0])).entropy(),
        "geometric.log_prob": lambda: D.Geometric(probs=t([0.2, 1.0])).log_prob(
            t([[3.0, 0.0], [0.0, 2.0]])
        ),
        "geometric.entropy": lambda: D.Geometric(probs=t([0.2, 0.7])).entropy(),
        "geometric.mean": lambda: D.Geometric(probs=t([0.2, 0.7])).mean,
        "geometric.variance": lambda: D.Geometric(probs=t([0.2, 0.7])).variance,
        "geometric_logits.log_prob": lambda: D.Geometric(logits=t([-1.0, 2.0])).log_prob(
            t([2.0, 1.0])
        ),
        "gumbel.log_prob": lambda: D.Gumbel(t([0.0, 1.0]), t([1.0, 2.5])).log_prob(t([0.5, -1.0])),
        "gumbel.cdf": lambda: D.Gumbel(t([0.0, 1.0]), t([1.0, 2.5])).cdf(t([0.5, -1.0])),
        "gumbel.icdf": lambda: D.Gumbel(t([0.0, 1.0]), t([1.0, 2.5])).icdf(t([0.2, 0.9])),
        "gumbel.entropy": lambda: D.Gumbel(t([0.0, 1.0]), t([1.0, 2.5])).entropy(),
        "gumbel.mean": lambda: D.Gumbel(t([0.0, 1.0]), t([1.0, 2.5])).mean,
        "gumbel.variance": lambda: D.Gumbel(t([0.0, 1.0]), t([1.0, 2.5])).variance,
        "chi2.log_prob": lambda: D.Chi2(t([1.5, 6.0])).log_prob(t([0.4, 5.0])),
        "chi2.entropy": lambda: D.Chi2(t([1.5, 6.0])).entropy(),
        "chi2.variance": lambda: D.Chi2(t([1.5, 6.0])).variance,
        "studentt.log_prob": lambda: D.StudentT(*map(t, STUDENT_T)).log_prob(t([0.3, 2.0, -1.0])),
        "studentt.entropy": lambda: D.StudentT(*map(t, STUDENT_T)).entropy(),
        "studentt.mean": lambda: D.StudentT(*map(t, STUDENT_T)).mean,
        "studentt.variance": lambda: D.StudentT(*map(t, STUDENT_T)).variance,
        "multinomial.log_prob": lambda: D.Multinomial(5, probs=t(MULTINOMIAL_PROBS)).log_prob(
            t([[1.0, 1.0, 3.0], [5.0, 0.0, 0.0]])
        ),
        "multinomial.entropy": lambda: D.Multinomial(5, probs=t(MULTINOMIAL_PROBS)).entropy(),
        "multinomial.mean": lambda: D.Multinomial(5, probs=t(MULTINOMIAL_PROBS)).mean,
        "multinomial.variance": lambda: D.Multinomial(5, probs=t(MULTINOMIAL_PROBS)).variance,
        "multinomial_zero.log_prob": lambda: D.Multinomial(
            4, logits=t([0.0, -math.inf, 1.0])
        ).log_prob(t([1.0, 0.0, 3.0])),
        "mixture.log_prob": lambda: mixture().log_prob(t([0.3, -0.4])),
        "mixture.cdf": lambda: mixture().cdf(t([0.3, -0.4])),
        "mixture.mean": lambda: mixture().mean,
        "mixture.variance": lambda: mixture().variance,
        "mixture_vec.log_prob": lambda: vector_mixture().log_prob(t([[0.5, 0.5], [2.0, -2.0]])),
        "mixture_vec.mean": lambda: vector_mixture().mean,
        "mixture_vec.variance": lambda: vector_mixture().variance,
    }
)


def test_every_recorded_value_has_a_case():
    assert set(VALUE_CASES) == set(TORCH)


@pytest.mark.parametrize("key", sorted(VALUE_CASES))
def test_values_match_pytorch(key):
    assert_close(VALUE_CASES[key](), TORCH[key])


# ----------------------------------------------------------------------------- shapes


def test_batch_event_and_sample_shapes():
    cases = [
        (D.Normal(t([0.0, 1.0]), t([1.0, 2.0])), (2,), ()),
        (D.Categorical(probs=t(PROBS)), (2,), ()),
        (D.OneHotCategorical(probs=t(PROBS)), (2,), (3,)),
        (D.Dirichlet(t([[1.0, 2.0, 3.0]])), (1,), (3,)),
        (D.Beta(t([1.0, 2.0]), 3.0), (2,), ()),
        (mvn_batch(), (2,), (2,)),
        (independent_normal(), (2,), (3,)),
        (stick_breaking(), (), (4,)),
        (D.Normal(0.0, 1.0), (), ()),
    ]
    for dist, batch, event in cases:
        assert dist.batch_shape == batch and dist.event_shape == event, dist
        assert isinstance(dist.batch_shape, fg.Size)
        assert dist.sample().shape == (*batch, *event)
        assert dist.sample((4, 5)).shape == (4, 5, *batch, *event)
        if dist.has_rsample:
            assert dist.rsample((3,)).shape == (3, *batch, *event)
        assert dist.log_prob(dist.sample((6,))).shape == (6, *batch)


def test_numbers_become_default_dtype_tensors():
    n = D.Normal(0.0, 1.0)
    assert n.loc.dtype == fg.float32 and n.loc.shape == ()
    assert D.Normal(t([0.0]), 1.0).scale.dtype == fg.float64


def test_expand_shares_parameters():
    n = D.Normal(t([0.0, 1.0]), t([1.0, 2.0]))
    wide = n.expand((3, 2))
    assert wide.batch_shape == (3, 2) and type(wide) is D.Normal
    assert_close(
        wide.log_prob(t([0.5, 0.5])), np.broadcast_to(to_np(n.log_prob(t([0.5, 0.5]))), (3, 2))
    )
    c = D.Categorical(logits=t([0.0, 1.0, 2.0])).expand((4,))
    assert c.batch_shape == (4,) and c.sample().shape == (4,)
    for dist in (
        D.Beta(t(1.0), t(2.0)),
        D.Gamma(t(1.0), t(2.0)),
        mvn(),
        D.LogNormal(t(0.0), t(1.0)),
        D.Dirichlet(t([1.0, 2.0])),
        D.Bernoulli(probs=t(0.3)),
        D.Binomial(3, t(0.3)),
        D.Uniform(t(0.0), t(1.0)),
        D.Exponential(t(1.0)),
        D.Laplace(t(0.0), t(1.0)),
        D.Poisson(t(1.0)),
        D.OneHotCategorical(probs=t([0.5, 0.5])),
        D.Independent(D.Normal(t([0.0]), t([1.0])), 1),
    ):
        wide = dist.expand((5,))
        assert wide.batch_shape == (5,) and wide.event_shape == dist.event_shape
        assert wide.sample().shape == (5, *dist.event_shape)


def test_enumerate_support():
    c = D.Categorical(probs=t(PROBS))
    assert to_np(c.enumerate_support()).tolist() == [[0, 0], [1, 1], [2, 2]]
    assert c.enumerate_support(expand=False).shape == (3, 1)
    assert to_np(D.Bernoulli(probs=t([0.3])).enumerate_support()).tolist() == [[0.0], [1.0]]
    assert D.OneHotCategorical(probs=t(PROBS)).enumerate_support().shape == (3, 2, 3)
    assert D.Binomial(4, t([0.3, 0.6])).enumerate_support().shape == (5, 2)
    with pytest.raises(NotImplementedError, match="Inhomogeneous"):
        D.Binomial(t([4.0, 5.0]), t([0.3, 0.6])).enumerate_support()
    with pytest.raises(NotImplementedError, match="cartesian product"):
        D.Independent(D.Bernoulli(probs=t([0.3, 0.4])), 1).enumerate_support()


def test_moments():
    n = D.Normal(t([0.3]), t([2.0]))
    assert_close(n.mean, [0.3])
    assert_close(n.mode, [0.3])
    assert_close(n.variance, [4.0])
    assert_close(n.stddev, [2.0])
    g = D.Gamma(t([3.0]), t([2.0]))
    assert_close(g.mean, [1.5])
    assert_close(g.variance, [0.75])
    assert_close(g.stddev, [math.sqrt(0.75)])
    assert np.isnan(to_np(D.Categorical(probs=t(PROBS)).mean)).all()
    assert to_np(D.Categorical(probs=t(PROBS)).mode).tolist() == [2, 0]
    assert_close(D.Bernoulli(probs=t([0.2, 0.5, 0.9])).mode, [0.0, math.nan, 1.0])
    assert_close(D.Poisson(t([2.5])).mode, [2.0])
    assert_close(D.Uniform(t([1.0]), t([3.0])).stddev, [2 / math.sqrt(12)])
    assert_close(D.Laplace(t([0.0]), t([2.0])).stddev, [2 * math.sqrt(2)])
    assert_close(D.Exponential(t([4.0])).mode, [0.0])
    assert_close(D.Binomial(t([10.0]), t([0.25])).variance, [1.875])
    assert_close(D.Beta(t([2.0]), t([3.0])).mean, [0.4])
    assert_close(D.Dirichlet(t([1.0, 3.0])).mean, [0.25, 0.75])
    assert_close(independent_normal().variance, [[1.0, 4.0, 0.25], [0.09, 1.0, 1.0]])
    assert_close(
        D.Normal(t([0.0]), t([1.0])).perplexity(), [math.exp(0.5 * math.log(2 * math.pi * math.e))]
    )


# ----------------------------------------------------------------------------- sampling


def _seeded(fn, seed=0):
    fg.manual_seed(seed)
    return fn()


def assert_moments(samples, mean, variance, sigmas=5.0):
    """The sample mean within ``sigmas`` standard errors and the sample variance within 3 %."""
    x = to_np(samples)
    n = x.shape[0]
    mean, variance = np.asarray(mean, dtype=np.float64), np.asarray(variance, dtype=np.float64)
    assert (np.abs(x.mean(0) - mean) < sigmas * np.sqrt(variance / n)).all(), (x.mean(0), mean)
    np.testing.assert_allclose(x.var(0), variance, rtol=0.03)


def ks_statistic(samples: np.ndarray, cdf_values: np.ndarray) -> float:
    """The Kolmogorov-Smirnov distance of sorted samples' empirical CDF from ``cdf_values``
    (the model CDF at those sorted samples)."""
    n = samples.size
    return float(
        max((np.arange(1, n + 1) / n - cdf_values).max(), (cdf_values - np.arange(n) / n).max())
    )


N = 100_000


@pytest.mark.parametrize(
    "make",
    [
        lambda: D.Normal(t([0.3, -2.0]), t([0.5, 3.0])),
        lambda: D.Uniform(t([0.0, -1.0]), t([2.0, 0.5])),
        lambda: D.Exponential(t([0.5, 3.0])),
        lambda: D.Laplace(t([0.0, 1.0]), t([1.0, 0.3])),
        lambda: D.Gamma(t([0.3, 4.0]), t([1.5, 0.4])),
        lambda: D.LogNormal(t([0.0, 0.5]), t([0.3, 0.6])),
        lambda: D.Beta(t([0.5, 2.0]), t([1.5, 3.0])),
    ],
)
def test_continuous_samples_follow_the_cdf(make):
    dist = make()
    samples = _seeded(lambda: dist.sample((N,)))
    assert_moments(samples, to_np(dist.mean), to_np(dist.variance))
    sorted_samples = np.sort(to_np(samples), axis=0)
    if isinstance(dist, D.Beta):
        # Beta has no cdf: compare with the regularized incomplete beta via its Dirichlet
        # samples' Gamma construction instead, through the moments above and the support.
        assert sorted_samples.min() > 0 and sorted_samples.max() < 1
        return
    cdf = to_np(dist.cdf(t(sorted_samples)))
    for j in range(cdf.shape[1]):
        assert ks_statistic(sorted_samples[:, j], cdf[:, j]) < 1.95 / math.sqrt(N)


@pytest.mark.parametrize(
    "make",
    [
        lambda: D.Bernoulli(probs=t(0.1)),
        lambda: D.Bernoulli(logits=t(0.8)),
        lambda: D.Poisson(t(0.5)),
        lambda: D.Poisson(t(12.0)),
        lambda: D.Binomial(5, t(0.3)),
        lambda: D.Binomial(40, t(0.9)),
        lambda: D.Categorical(probs=t([0.2, 0.3, 0.5])),
    ],
)
def test_discrete_sample_frequencies_follow_the_mass_function(make):
    dist = make()
    samples = to_np(_seeded(lambda: dist.sample((N,)), seed=1))
    support = np.arange(int(samples.max()) + 1)
    values = fg.tensor(support) if isinstance(dist, D.Categorical) else t(support.astype(float))
    expected = np.exp(to_np(dist.log_prob(values))) * N
    counts = np.array([(samples == k).sum() for k in support], dtype=np.float64)
    keep = expected > 20  # where the chi-squared approximation holds
    chi2 = ((counts - expected) ** 2 / expected)[keep].sum()
    dof = int(keep.sum())
    assert chi2 < dof + 5 * math.sqrt(2 * dof)


def test_vector_samples():
    d = D.Dirichlet(t([0.5, 1.0, 2.0]))
    x = _seeded(lambda: d.sample((N,)))
    assert_close(x.sum(-1), np.ones(N))
    assert_moments(x, to_np(d.mean), to_np(d.variance))
    m = mvn()
    y = to_np(_seeded(lambda: m.sample((N,))))
    np.testing.assert_allclose(np.cov(y.T), COV, atol=0.03)
    assert (np.abs(y.mean(0) - LOC) < 0.03).all()
    oh = D.OneHotCategorical(probs=t([0.2, 0.3, 0.5]))
    z = to_np(_seeded(lambda: oh.sample((N,))))
    assert (z.sum(-1) == 1).all()
    np.testing.assert_allclose(z.mean(0), [0.2, 0.3, 0.5], atol=0.01)


def test_sampling_is_reproducible_and_has_no_gradient():
    loc = t([0.0, 1.0], requires_grad=True)
    n = D.Normal(loc, t([1.0, 1.0]))
    a = _seeded(lambda: n.sample((3,)))
    b = _seeded(lambda: n.sample((3,)))
    assert np.array_equal(to_np(a), to_np(b))
    assert not a.requires_grad
    assert n.rsample().requires_grad


# ----------------------------------------------------------------------------- gradients


def _rsample_fixed(make, shape=(4,), seed=3):
    """A function of the parameters giving rsample at a fixed seed (deterministic)."""

    def fn(*params):
        fg.manual_seed(seed)
        return make(*params).rsample(shape)

    return fn


@pytest.mark.parametrize(
    ("make", "params"),
    [
        (D.Normal, ([0.3, -1.0], [0.5, 2.0])),
        (D.Laplace, ([0.3, -1.0], [0.5, 2.0])),
        (D.Uniform, ([0.0, -1.0], [2.0, 0.5])),
        (D.Exponential, ([0.5, 3.0],)),
        (D.LogNormal, ([0.3, -1.0], [0.5, 0.2])),
        (lambda rate: D.Gamma(t([0.7, 3.0]), rate), ([1.5, 0.4],)),
        (
            lambda loc, tril: D.MultivariateNormal(loc, scale_tril=tril.tril()),
            ([0.5, -1.0], [[1.5, 0.0], [0.4, 0.7]]),
        ),
        (lambda loc, cov: D.MultivariateNormal(loc, (cov + cov.transpose(-2, -1)) / 2), (LOC, COV)),
        (
            lambda loc, scale: D.TransformedDistribution(
                D.Normal(loc, scale), [T.AffineTransform(1.0, 2.0), T.TanhTransform()]
            ),
            ([0.3], [0.5]),
        ),
        (lambda loc, scale: D.Independent(D.Normal(loc, scale), 1), ([0.3, -1.0], [0.5, 2.0])),
    ],
)
def test_rsample_is_differentiable(make, params):
    tensors = tuple(t(p, requires_grad=True) for p in params)
    fn = _rsample_fixed(make)
    assert gradcheck(fn, tensors)


def test_gamma_rsample_gradient_is_the_implicit_one():
    alpha = t([0.3, 1.0, 2.5, 20.0], requires_grad=True)
    fg.manual_seed(4)
    x = D.Gamma(alpha, t([1.0, 1.0, 1.0, 1.0])).rsample()
    (g,) = fg.autograd.grad(x.sum(), alpha)
    # dx/dα = -(∂P(α, x)/∂α) / p(x; α), the α-derivative by central differences of P.
    a, xv = to_np(alpha), to_np(x)
    h = 1e-5
    upper = xv >= a + 1
    p_plus = np.where(upper, -_special_math.gammaincc(a + h, xv), _special_math.gammainc(a + h, xv))
    p_minus = np.where(
        upper, -_special_math.gammaincc(a - h, xv), _special_math.gammainc(a - h, xv)
    )
    density = np.exp((a - 1) * np.log(xv) - xv - _special_math.lgamma(a))
    assert_close(g, -(p_plus - p_minus) / (2 * h) / density, rtol=1e-6)


def test_gamma_gradient_matches_pytorchs():
    # PyTorch approximates the same derivative (series, asymptotic and rational fits); they
    # agree to its accuracy.
    got = _special_math.standard_gamma_grad(np.array(GAMMA_X), np.array(GAMMA_ALPHA))
    np.testing.assert_allclose(got, TORCH_GAMMA_GRAD, rtol=3e-3)


def test_gamma_family_rsample_gradients_are_unbiased():
    # E[dX/dθ] = d E[X]/dθ for reparameterised samples.
    conc = t([0.4, 2.0], requires_grad=True)
    rate = t([2.0, 0.5], requires_grad=True)
    fg.manual_seed(5)
    D.Gamma(conc, rate).rsample((N,)).mean(0).sum().backward()
    assert_close(conc.grad, 1 / to_np(rate), rtol=0.02)
    c1 = t([0.5, 3.0], requires_grad=True)
    c0 = t([2.0, 1.5], requires_grad=True)
    fg.manual_seed(6)
    D.Beta(c1, c0).rsample((N,)).mean(0).sum().backward()
    total = to_np(c1) + to_np(c0)
    assert_close(c1.grad, to_np(c0) / total**2, rtol=0.03)
    assert_close(c0.grad, -to_np(c1) / total**2, rtol=0.03)
    conc = t([0.5, 1.0, 2.0], requires_grad=True)
    fg.manual_seed(7)
    D.Dirichlet(conc).rsample((N,)).mean(0)[0].backward()
    c, s = to_np(conc), to_np(conc).sum()
    expected = -c[0] / s**2 + np.array([1 / s, 0, 0])
    assert_close(conc.grad, expected, atol=0.005, rtol=0)


def test_a_second_derivative_through_the_gamma_sampler_raises():
    alpha = t([1.5], requires_grad=True)
    fg.manual_seed(0)
    x = D.Gamma(alpha, t([1.0])).rsample()
    (g,) = fg.autograd.grad(x.sum(), alpha, create_graph=True)
    with pytest.raises(NotImplementedError, match="_standard_gamma_grad"):
        g.sum().backward()


@pytest.mark.parametrize(
    ("fn", "params"),
    [
        (
            lambda loc, scale: D.Normal(loc, scale).log_prob(t([0.1, 2.0])),
            ([0.3, -1.0], [0.5, 2.0]),
        ),
        (lambda loc, scale: D.Normal(loc, scale).cdf(t([0.1, 2.0])), ([0.3, -1.0], [0.5, 2.0])),
        (lambda loc, scale: D.Normal(loc, scale).icdf(t([0.1, 0.7])), ([0.3, -1.0], [0.5, 2.0])),
        (lambda scale: D.Normal(t(0.0), scale).entropy(), ([0.5, 2.0],)),
        (lambda c1, c0: D.Beta(c1, c0).log_prob(t([0.3, 0.8])), ([0.5, 2.0], [1.5, 3.0])),
        (lambda c1, c0: D.Beta(c1, c0).entropy(), ([0.5, 2.0], [1.5, 3.0])),
        (lambda c, r: D.Gamma(c, r).log_prob(t([0.5, 4.0])), ([0.7, 3.0], [1.5, 0.4])),
        (lambda c, r: D.Gamma(c, r).entropy(), ([0.7, 3.0], [1.5, 0.4])),
        (lambda c: D.Dirichlet(c).log_prob(t([0.2, 0.3, 0.5])), ([0.5, 1.0, 2.0],)),
        (lambda c: D.Dirichlet(c).entropy(), ([0.5, 1.0, 2.0],)),
        (
            lambda logits: D.Categorical(logits=logits).log_prob(fg.tensor([0, 2])),
            ([[1.0, -0.5, 2.0], [0.0, 0.3, -4.0]],),
        ),
        (
            lambda logits: D.Categorical(logits=logits).entropy(),
            ([[1.0, -0.5, 2.0], [0.0, 0.3, -4.0]],),
        ),
        (lambda probs: D.Categorical(probs=probs).entropy(), ([0.2, 0.3, 0.5],)),
        (lambda probs: D.Bernoulli(probs=probs).log_prob(t([0.0, 1.0])), ([0.1, 0.7],)),
        (lambda logits: D.Bernoulli(logits=logits).entropy(), ([-0.3, 2.2],)),
        (lambda probs: D.Binomial(t([5.0, 10.0]), probs).log_prob(t([2.0, 7.0])), ([0.3, 0.6],)),
        (lambda rate: D.Poisson(rate).log_prob(t([0.0, 3.0])), ([0.5, 4.0],)),
        (lambda rate: D.Exponential(rate).log_prob(t([1.0, 0.2])), ([0.5, 3.0],)),
        (
            lambda loc, scale: D.Laplace(loc, scale).log_prob(t([0.5, -0.2])),
            ([0.0, 1.0], [1.0, 0.3]),
        ),
        (lambda lo, hi: D.Uniform(lo, hi).entropy(), ([0.0, -1.0], [2.0, 0.5])),
        (
            lambda loc, scale: D.LogNormal(loc, scale).log_prob(t([0.7, 3.0])),
            ([0.0, 1.0], [0.5, 1.2]),
        ),
        (
            lambda loc, cov: D.MultivariateNormal(loc, (cov + cov.transpose(-2, -1)) / 2).log_prob(
                t([[0.1, 0.2, 0.3]])
            ),
            (LOC, COV),
        ),
        (
            lambda loc, prec: D.MultivariateNormal(
                loc, precision_matrix=(prec + prec.transpose(-2, -1)) / 2
            ).log_prob(t([0.1, 0.2, 0.3])),
            (LOC, np.linalg.inv(COV).tolist()),
        ),
        (
            lambda tril: D.MultivariateNormal(t([0.0, 0.0]), scale_tril=tril.tril()).entropy(),
            ([[1.5, 0.0], [0.4, 0.7]],),
        ),
        (
            lambda loc, scale: stick_breaking_of(loc, scale).log_prob(t([0.1, 0.2, 0.3, 0.4])),
            ([0.1, -0.2, 0.3], [1.0, 0.7, 1.5]),
        ),
        (
            lambda a, b: D.kl_divergence(D.Normal(a, b), D.Normal(t([0.5, -1.0]), t([2.0, 0.7]))),
            ([0.0, 1.0], [1.0, 2.0]),
        ),
        (
            lambda a, b: D.kl_divergence(D.Beta(a, b), D.Beta(t([1.0, 4.0]), t([1.0, 0.5]))),
            ([0.5, 2.0], [1.5, 3.0]),
        ),
        (
            lambda a, b: D.kl_divergence(D.Gamma(t([0.7, 3.0]), t([1.5, 0.4])), D.Gamma(a, b)),
            ([2.0, 1.0], [1.0, 2.0]),
        ),
        (
            lambda c: D.kl_divergence(D.Dirichlet(c), D.Dirichlet(t([1.0, 2.0, 1.0]))),
            ([0.5, 1.0, 2.0],),
        ),
        (
            lambda logits: D.kl_divergence(
                D.Categorical(logits=logits), D.Categorical(probs=t([0.4, 0.4, 0.2]))
            ),
            ([1.0, -0.5, 2.0],),
        ),
        (
            lambda p: D.kl_divergence(D.Bernoulli(probs=p), D.Bernoulli(probs=t([0.5, 0.2]))),
            ([0.1, 0.7],),
        ),
        (
            lambda loc, cov: D.kl_divergence(
                D.MultivariateNormal(loc, (cov + cov.transpose(-2, -1)) / 2),
                D.MultivariateNormal(t([0.0, 0.0, 1.0]), scale_tril=t(SCALE_TRIL_Q)),
            ),
            (LOC, COV),
        ),
        (
            lambda a, b: D.kl_divergence(D.Laplace(a, b), D.Laplace(t([0.5, 0.0]), t([2.0, 1.0]))),
            ([0.0, 1.0], [1.0, 0.3]),
        ),
        (lambda r: D.kl_divergence(D.Poisson(r), D.Poisson(t([1.0, 3.0]))), ([0.5, 4.0],)),
        (lambda r: D.kl_divergence(D.Exponential(r), D.Exponential(t([2.0, 1.0]))), ([0.5, 3.0],)),
        (
            lambda lo: D.kl_divergence(
                D.Uniform(lo, t([1.0, 2.0])), D.Uniform(t([-1.0, -0.5]), t([2.0, 3.0]))
            ),
            ([0.0, 0.0],),
        ),
    ],
)
def test_gradients_of_densities_entropies_and_kl(fn, params):
    tensors = tuple(t(p, requires_grad=True) for p in params)
    assert gradcheck(fn, tensors)
    assert gradgradcheck(fn, tensors)


def stick_breaking_of(loc, scale):
    return D.TransformedDistribution(D.Normal(loc, scale), T.StickBreakingTransform())


def test_log_prob_is_differentiable_in_the_value():
    value = t([0.3, 0.6], requires_grad=True)
    for dist in (
        D.Normal(t(0.0), t(1.0)),
        D.Beta(t(2.0), t(3.0)),
        D.Gamma(t(2.0), t(3.0)),
        D.LogNormal(t(0.0), t(1.0)),
    ):
        assert gradcheck(dist.log_prob, (value,))


# ----------------------------------------------------------------------------- validation


def test_parameter_validation_as_pytorch():
    with pytest.raises(
        ValueError,
        match=r"Expected parameter scale \(Tensor of shape \(2,\)\) of distribution Normal"
        r".*GreaterThan\(lower_bound=0.0\)",
    ):
        D.Normal(t([0.0, 0.0]), t([1.0, -1.0]))
    with pytest.raises(ValueError, match="constraint Simplex"):
        D.Categorical(probs=t([0.5, -0.1]))
    with pytest.raises(ValueError, match="LessThan"):
        D.Uniform(1.0, 0.0)
    with pytest.raises(ValueError, match="PositiveDefinite"):
        D.MultivariateNormal(t([0.0, 0.0]), t([[1.0, 2.0], [2.0, 1.0]]))
    with pytest.raises(ValueError, match="LowerCholesky"):
        D.MultivariateNormal(t([0.0, 0.0]), scale_tril=t([[1.0, 0.5], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="concentration"):
        D.Dirichlet(t([1.0, 0.0]))
    with pytest.raises(ValueError, match="IntegerGreaterThan"):
        D.Binomial(t([2.5]), t([0.5]))
    with pytest.raises(ValueError, match="Interval"):
        D.Bernoulli(probs=t([1.5]))
    with pytest.raises(ValueError, match="GreaterThanEq"):
        D.Poisson(t([-1.0]))
    D.Normal(t([0.0]), t([-1.0]), validate_args=False)  # no check when turned off


def test_constructor_errors_as_pytorch():
    with pytest.raises(ValueError, match="Either `probs` or `logits`"):
        D.Categorical(probs=t([0.5, 0.5]), logits=t([0.0, 0.0]))
    with pytest.raises(ValueError, match="Either `probs` or `logits`"):
        D.Bernoulli()
    with pytest.raises(ValueError, match="at least one-dimensional"):
        D.Categorical(probs=t(0.5))
    with pytest.raises(ValueError, match="at least one-dimensional"):
        D.Dirichlet(t(1.0))
    with pytest.raises(ValueError, match="Exactly one of covariance_matrix"):
        D.MultivariateNormal(t([0.0, 0.0]))
    with pytest.raises(ValueError, match="Exactly one of covariance_matrix"):
        D.MultivariateNormal(t([0.0, 0.0]), t(COV[:2]), scale_tril=t(COV[:2]))
    with pytest.raises(ValueError, match="loc must be at least one-dimensional"):
        D.MultivariateNormal(t(0.0), t([[1.0]]))
    with pytest.raises(ValueError, match="covariance_matrix must be at least two-dimensional"):
        D.MultivariateNormal(t([0.0, 0.0]), t([1.0, 1.0]))
    with pytest.raises(
        ValueError,
        match=r"reinterpreted_batch_ndims <= len\(base_distribution.batch_shape\), actual 1 vs 0",
    ):
        D.Independent(D.Normal(0.0, 1.0), 1)
    with pytest.raises(ValueError, match="transforms must be a Transform or list"):
        D.TransformedDistribution(D.Normal(0.0, 1.0), "x")
    with pytest.raises(RuntimeError, match="must match the size"):
        D.Normal(t([0.0, 0.0]), t([1.0, 1.0, 1.0]))


def test_sample_validation_as_pytorch():
    with pytest.raises(ValueError, match="The value argument to log_prob must be a Tensor"):
        D.Normal(0.0, 1.0).log_prob(0.5)
    with pytest.raises(
        ValueError, match=r"within the support \(Interval\(lower_bound=0.0, upper_bound=1.0\)\)"
    ):
        D.Uniform(0.0, 1.0).log_prob(fg.tensor(2.0))
    with pytest.raises(ValueError, match="Boolean"):
        D.Bernoulli(probs=t([0.5])).log_prob(t([0.5]))
    with pytest.raises(ValueError, match="Real"):
        D.Normal(0.0, 1.0).log_prob(fg.tensor([math.nan]))
    with pytest.raises(ValueError, match="IntegerInterval"):
        D.Categorical(probs=t(PROBS)).log_prob(fg.tensor([3, 0]))
    with pytest.raises(ValueError, match="Simplex"):
        D.Dirichlet(t([1.0, 1.0])).log_prob(t([0.5, 0.6]))
    with pytest.raises(ValueError, match="not broadcastable with batch_shape"):
        D.Normal(t([0.0, 0.0]), t([1.0, 1.0])).log_prob(t([0.0, 0.0, 0.0]))
    with pytest.raises(ValueError, match="right-most size of value must match event_shape"):
        mvn().log_prob(t([0.0, 0.0]))
    # Outside the support without validation: the density is 0 (log -inf), as in PyTorch.
    assert to_np(D.Uniform(0.0, 1.0, validate_args=False).log_prob(fg.tensor(2.0))) == -np.inf


def test_default_validation_can_be_turned_off():
    try:
        D.Distribution.set_default_validate_args(False)
        D.Normal(t([0.0]), t([-1.0]))  # accepted
        assert D.Normal(0.0, 1.0, validate_args=True)._validate_args
    finally:
        D.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        D.Normal(t([0.0]), t([-1.0]))
    with pytest.raises(ValueError):
        D.Distribution.set_default_validate_args("yes")


def test_probs_and_logits_are_computed_lazily():
    c = D.Categorical(probs=t([0.25, 0.75]))
    assert "logits" not in c.__dict__
    assert_close(c.logits, np.log([0.25, 0.75]))
    assert "logits" in c.__dict__
    assert isinstance(D.Categorical.logits, property)
    b = D.Bernoulli(logits=t([0.0]))
    assert "probs" not in b.__dict__ and to_np(b.probs).tolist() == [0.5]


def test_reprs_as_pytorch():
    assert repr(D.Normal(0.0, 1.0)) == "Normal(loc: 0.0, scale: 1.0)"
    assert repr(D.Normal(t([0.0, 1.0]), t([1.0, 1.0]))).startswith("Normal(loc: ")
    assert repr(D.Independent(D.Normal(0.0, 1.0).expand((2,)), 1)).startswith("Independent(Normal(")
    assert repr(D.Beta(1.0, 2.0)) == "Beta()"
    assert repr(constraints.positive) == "GreaterThan(lower_bound=0.0)"
    assert repr(constraints.unit_interval) == "Interval(lower_bound=0.0, upper_bound=1.0)"
    assert (
        repr(constraints.integer_interval(0, 3)) == "IntegerInterval(lower_bound=0, upper_bound=3)"
    )
    assert repr(constraints.real_vector) == "IndependentConstraint(Real(), 1)"
    assert repr(constraints.simplex) == "Simplex()"
    assert repr(T.ExpTransform().inv) == "_InverseTransform(ExpTransform())"


# ----------------------------------------------------------------------------- constraints


def test_constraints_check_values():
    x = t([-1.0, 0.0, 0.5, 1.0, math.nan])
    assert to_np(constraints.real.check(x)).tolist() == [True, True, True, True, False]
    assert to_np(constraints.positive.check(x)).tolist() == [False, False, True, True, False]
    assert to_np(constraints.nonnegative.check(x)).tolist() == [False, True, True, True, False]
    assert to_np(constraints.unit_interval.check(x)).tolist() == [False, True, True, True, False]
    assert to_np(constraints.half_open_interval(0.0, 1.0).check(x)).tolist() == [
        False,
        True,
        True,
        False,
        False,
    ]
    assert to_np(constraints.boolean.check(x)).tolist() == [False, True, False, True, False]
    assert to_np(constraints.nonnegative_integer.check(x)).tolist() == [
        False,
        True,
        False,
        True,
        False,
    ]
    assert to_np(constraints.simplex.check(t([[0.2, 0.8], [0.5, 0.6]]))).tolist() == [True, False]
    assert to_np(constraints.real_vector.check(t([[0.0, math.nan], [1.0, 2.0]]))).tolist() == [
        False,
        True,
    ]
    assert to_np(constraints.one_hot.check(t([[0.0, 1.0], [1.0, 1.0]]))).tolist() == [True, False]
    pd = t([[[2.0, 0.5], [0.5, 1.0]], [[1.0, 2.0], [2.0, 1.0]]])
    assert to_np(constraints.positive_definite.check(pd)).tolist() == [True, False]
    assert to_np(
        constraints.lower_cholesky.check(t([[[1.0, 0.0], [0.5, 1.0]], [[1.0, 0.0], [0.5, -1.0]]]))
    ).tolist() == [True, False]
    assert constraints.real_vector.event_dim == 1 and constraints.lower_cholesky.event_dim == 2
    assert constraints.nonnegative_integer.is_discrete and not constraints.real.is_discrete
    assert constraints.is_dependent(constraints.dependent) and not constraints.is_dependent(
        constraints.real
    )
    with pytest.raises(ValueError, match="dependent"):
        constraints.dependent.check(x)
    assert constraints.is_dependent(D.Uniform.support)
    assert D.Categorical.support.event_dim == 0 and D.Categorical.support.is_discrete


# ----------------------------------------------------------------------------- transforms


@pytest.mark.parametrize(
    "transform",
    [
        T.ExpTransform(),
        T.AffineTransform(0.5, -2.0),
        T.SigmoidTransform(),
        T.TanhTransform(),
        T.SoftplusTransform(),
        T.StickBreakingTransform(),
        T.ComposeTransform(
            [T.AffineTransform(0.5, 2.0), T.ExpTransform(), T.PowerTransform(t(1.5))]
        ),
    ],
)
def test_transforms_invert_and_their_log_det_matches_autograd(transform):
    x = t([[0.3, -1.2, 0.8]], requires_grad=True)
    y = transform(x)
    assert_close(transform.inv(y), to_np(x), rtol=1e-9)
    assert transform.bijective
    if transform.domain.event_dim == 0:
        (dydx,) = fg.autograd.grad(y.sum(), x)  # elementwise maps: the diagonal Jacobian
        assert_close(transform.log_abs_det_jacobian(x, y), np.log(np.abs(to_np(dydx))), rtol=1e-9)
    assert gradcheck(lambda v: transform.log_abs_det_jacobian(v, transform(v)), (x,))


def test_stick_breaking_log_det_against_the_jacobian():
    x = t([0.3, -1.2, 0.8])
    sb = T.StickBreakingTransform()
    eps = 1e-6
    columns = []
    for i in range(3):
        step = np.zeros(3)
        step[i] = eps
        columns.append((to_np(sb(x + t(step))) - to_np(sb(x - t(step))))[:3] / (2 * eps))
    jacobian = np.stack(columns, axis=1)  # the first k coordinates determine the simplex point
    assert_close(sb.log_abs_det_jacobian(x, sb(x)), np.log(abs(np.linalg.det(jacobian))), rtol=1e-6)


def test_transform_properties():
    exp = T.ExpTransform()
    assert exp.inv.inv is exp
    assert exp == T.ExpTransform() and exp != T.SigmoidTransform()
    assert T.AffineTransform(0.0, 2.0) == T.AffineTransform(0.0, 2.0)
    assert T.AffineTransform(0.0, 2.0) != T.AffineTransform(0.0, 3.0)
    assert T.AffineTransform(0.0, -2.0).sign == -1
    assert to_np(T.AffineTransform(0.0, t([2.0, -3.0])).sign).tolist() == [1.0, -1.0]
    assert T.ComposeTransform([T.ExpTransform(), T.AffineTransform(0.0, -1.0)]).sign == -1
    assert T.StickBreakingTransform().forward_shape((3, 4)) == (3, 5)
    assert T.StickBreakingTransform().inverse_shape((3, 5)) == (3, 4)
    assert T.SigmoidTransform().codomain is constraints.unit_interval
    assert repr(T.TanhTransform().codomain) == "Interval(lower_bound=-1.0, upper_bound=1.0)"
    assert T.ExpTransform().with_cache(1)._cache_size == 1
    with pytest.raises(ValueError, match="cache_size must be 0 or 1"):
        T.ExpTransform(cache_size=2)
    with pytest.raises(NotImplementedError):
        T.SoftmaxTransform().log_abs_det_jacobian(t([0.0, 0.0]), t([0.5, 0.5]))


def test_cached_transforms_return_the_exact_input():
    tanh = T.TanhTransform(cache_size=1)
    x = t([30.0])  # tanh(30) rounds to 1: the inverse would give inf without the cache
    y = tanh(x)
    assert tanh.inv(y) is x
    assert np.isinf(to_np(T.TanhTransform().inv(y))).all()


# ----------------------------------------------------------------------------- kl registry


def test_kl_dispatch_and_errors():
    with pytest.raises(NotImplementedError, match="No KL"):
        D.kl_divergence(D.Uniform(0.0, 1.0), D.Laplace(0.0, 1.0))
    with pytest.raises(NotImplementedError, match="different exponential families"):
        D.kl_divergence(D.Beta(1.0, 1.0), D.Normal(0.0, 1.0))
    with pytest.raises(ValueError, match="different event shapes"):
        D.kl_divergence(mvn(), mvn_batch())
    with pytest.raises(NotImplementedError, match=r"q\.total_count > p\.total_count"):
        D.kl_divergence(D.Binomial(3, t([0.5])), D.Binomial(5, t([0.5])))
    assert_close(D.kl_divergence(D.Binomial(5, t([0.5])), D.Binomial(3, t([0.5]))), [math.inf])
    assert_close(D.kl_divergence(D.Laplace(t(0.0), t(1.0)), D.Exponential(t(1.0))), math.inf)

    class Shifted(D.Normal):
        pass

    # A subclass uses its parent's registration until it gets its own.
    p, q = Shifted(t(0.0), t(1.0)), D.Normal(t(1.0), t(1.0))
    assert_close(D.kl_divergence(p, q), 0.5)

    @D.register_kl(Shifted, D.Normal)
    def _kl_shifted(p, q):
        return p.loc * 0 + 42.0

    assert_close(D.kl_divergence(p, q), 42.0)
    with pytest.raises(TypeError, match="Distribution subclass"):
        D.register_kl(int, D.Normal)


def test_kl_of_exponential_families_by_bregman_divergence():
    # The generic formula agrees with the closed forms.
    from ferrograd.distributions.kl import _kl_expfamily_expfamily

    p, q = D.Gamma(t([0.7, 3.0]), t([1.5, 0.4])), D.Gamma(t([2.0, 1.0]), t([1.0, 2.0]))
    assert_close(_kl_expfamily_expfamily(p, q), TORCH["kl.gamma"], rtol=1e-9)
    p, q = D.Normal(t([0.0, 1.0]), t([1.0, 2.0])), D.Normal(t([0.5, -1.0]), t([2.0, 0.7]))
    assert_close(_kl_expfamily_expfamily(p, q), TORCH["kl.normal"], rtol=1e-9)
    gamma = D.Gamma(t([0.7, 3.0]), t([1.5, 0.4]))
    assert_close(D.ExponentialFamily.entropy(gamma), TORCH["gamma.entropy"], rtol=1e-9)


def test_straight_through_one_hot_samples_carry_the_probs_gradient():
    probs = t([0.2, 0.3, 0.5], requires_grad=True)
    d = D.OneHotCategoricalStraightThrough(probs=probs)
    fg.manual_seed(0)
    sample = d.rsample()
    assert (to_np(sample).sum() == 1) and sample.requires_grad
    weights = np.array([1.0, 2.0, 3.0])
    (sample * t(weights)).sum().backward()
    # The gradient of (probs / probs.sum()) · w, the probabilities being normalised.
    assert_close(probs.grad, weights - weights @ to_np(probs))


# ----------------------------------------------------------------------------- more families


def test_more_families_shapes():
    cases = [
        (D.Cauchy(t([0.0, 1.0]), t([1.0, 2.0])), (2,), ()),
        (D.HalfNormal(t([1.0, 2.0])), (2,), ()),
        (D.HalfCauchy(t(1.0)), (), ()),
        (D.Geometric(probs=t([0.3, 0.5])), (2,), ()),
        (D.Gumbel(t([0.0, 1.0]), t(2.0)), (2,), ()),
        (D.Chi2(t([3.0])), (1,), ()),
        (D.StudentT(t([3.0, 4.0])), (2,), ()),
        (D.Multinomial(4, probs=t(MULTINOMIAL_PROBS)), (2,), (3,)),
        (mixture(), (2,), ()),
        (vector_mixture(), (), (2,)),
    ]
    for dist, batch, event in cases:
        assert dist.batch_shape == batch and dist.event_shape == event, dist
        assert dist.sample((4, 5)).shape == (4, 5, *batch, *event)
        assert dist.log_prob(dist.sample((6,))).shape == (6, *batch)
        assert dist.expand((3, *batch)).sample().shape == (3, *batch, *event)


@pytest.mark.parametrize(
    "make",
    [
        lambda: D.Cauchy(t([0.0, 1.0]), t([1.0, 0.3])),
        lambda: D.HalfNormal(t([0.5, 2.0])),
        lambda: D.HalfCauchy(t([0.5, 2.0])),
        lambda: D.Gumbel(t([0.0, 1.0]), t([1.0, 2.5])),
        lambda: D.Chi2(t([1.5, 6.0])),
        lambda: mixture(),
    ],
)
def test_more_continuous_samples_follow_the_cdf(make):
    dist = make()
    samples = np.sort(to_np(_seeded(lambda: dist.sample((N,)), seed=2)), axis=0)
    cdf = to_np(dist.cdf(t(samples)))
    for j in range(cdf.shape[1]):
        assert ks_statistic(samples[:, j], cdf[:, j]) < 1.95 / math.sqrt(N)


def test_more_sample_moments():
    t_dist = D.StudentT(t([5.0, 9.0]), t([1.0, -2.0]), t([0.5, 3.0]))
    assert_moments(
        _seeded(lambda: t_dist.sample((N,))), to_np(t_dist.mean), to_np(t_dist.variance), sigmas=6
    )
    geometric = D.Geometric(probs=t([0.2, 0.7]))
    draws = _seeded(lambda: geometric.sample((N,)))
    assert (to_np(draws) == np.round(to_np(draws))).all() and to_np(draws).min() == 0
    assert_moments(draws, to_np(geometric.mean), to_np(geometric.variance))
    multinomial = D.Multinomial(7, probs=t(MULTINOMIAL_PROBS))
    counts = _seeded(lambda: multinomial.sample((N,)))
    assert (to_np(counts).sum(-1) == 7).all()
    assert_moments(counts, to_np(multinomial.mean), to_np(multinomial.variance))
    vector = vector_mixture()
    assert_moments(_seeded(lambda: vector.sample((N,))), to_np(vector.mean), to_np(vector.variance))


@pytest.mark.parametrize(
    ("fn", "params"),
    [
        (
            lambda loc, scale: D.Cauchy(loc, scale).log_prob(t([0.5, -0.2])),
            ([0.0, 1.0], [1.0, 0.3]),
        ),
        (lambda loc, scale: D.Cauchy(loc, scale).cdf(t([0.5, -0.2])), ([0.0, 1.0], [1.0, 0.3])),
        (lambda scale: D.HalfNormal(scale).log_prob(t([0.3, 1.7])), ([0.5, 2.0],)),
        (lambda p: D.Geometric(probs=p).log_prob(t([3.0, 1.0])), ([0.2, 0.7],)),
        (lambda p: D.Geometric(probs=p).entropy(), ([0.2, 0.7],)),
        (
            lambda loc, scale: D.Gumbel(loc, scale).log_prob(t([0.5, -1.0])),
            ([0.0, 1.0], [1.0, 2.5]),
        ),
        (lambda df: D.Chi2(df).log_prob(t([0.4, 5.0])), ([1.5, 6.0],)),
        (
            lambda df, loc, scale: D.StudentT(df, loc, scale).log_prob(t([0.3, 2.0, -1.0])),
            STUDENT_T,
        ),
        (lambda df, loc, scale: D.StudentT(df, loc, scale).entropy(), STUDENT_T),
        (
            lambda logits: D.Multinomial(5, logits=logits).log_prob(t([1.0, 1.0, 3.0])),
            ([0.3, -1.0, 0.5],),
        ),
        (
            lambda w, loc: D.MixtureSameFamily(
                D.Categorical(logits=w), D.Normal(loc, t([0.5, 1.0]))
            ).log_prob(t([0.3, -0.4])),
            ([0.2, -0.1], [-1.0, 2.0]),
        ),
    ],
)
def test_more_gradients(fn, params):
    tensors = tuple(t(p, requires_grad=True) for p in params)
    assert gradcheck(fn, tensors)
    assert gradgradcheck(fn, tensors)


def test_more_rsample_gradients():
    for make, params in (
        (D.Cauchy, ([0.3, -1.0], [0.5, 2.0])),
        (D.HalfNormal, ([0.5, 2.0],)),
        (D.Gumbel, ([0.3, -1.0], [0.5, 2.0])),
        (
            lambda df, loc, scale: D.StudentT(t([3.0, 6.0]), loc, scale),
            ([3.0, 6.0], [0.3, -1.0], [0.5, 2.0]),
        ),
    ):
        tensors = tuple(t(p, requires_grad=True) for p in params)
        assert gradcheck(_rsample_fixed(make), tensors)


def test_more_errors_as_pytorch():
    with pytest.raises(ValueError, match="to be positive"):
        D.Geometric(probs=t([0.0, 0.5]))
    with pytest.raises(NotImplementedError, match="inhomogeneous total_count"):
        D.Multinomial(t([3.0]), probs=t([0.5, 0.5]))
    with pytest.raises(ValueError, match="needs to be an  instance of"):
        D.MixtureSameFamily(D.Normal(0.0, 1.0), D.Normal(t([0.0, 1.0]), t([1.0, 1.0])))
    with pytest.raises(
        ValueError, match=r"does not equal `component_distribution.batch_shape\[-1\]`"
    ):
        D.MixtureSameFamily(
            D.Categorical(probs=t([0.5, 0.5])), D.Normal(t([0.0, 1.0, 2.0]), t(1.0))
        )
    with pytest.raises(ValueError, match="Multinomial"):
        D.Multinomial(3, probs=t([0.5, 0.5])).log_prob(t([-1.0, 4.0]))
    assert_close(D.HalfNormal(t(1.0), validate_args=False).log_prob(t(-1.0)), -math.inf)
    assert_close(D.StudentT(t([0.5, 1.5, 3.0])).variance, [math.nan, math.inf, 3.0])


def test_biject_to_and_transform_to():
    x = t([-2.0, 0.3, 4.0])
    cases = [
        constraints.real,
        constraints.positive,
        constraints.greater_than(1.5),
        constraints.less_than(-1.0),
        constraints.interval(-2.0, 3.0),
        constraints.unit_interval,
        constraints.real_vector,
        constraints.simplex,
    ]
    for constraint in cases:
        for registry in (D.biject_to, D.transform_to):
            transform = registry(constraint)
            y = transform(x)
            assert bool(constraint.check(y).all()), (constraint, y)
            if registry is D.biject_to:
                assert_close(transform.inv(y), to_np(x), rtol=1e-9)
    assert D.biject_to(constraints.simplex)(x).shape == (4,)
    assert D.transform_to(constraints.simplex)(x).shape == (3,)
    with pytest.raises(NotImplementedError, match="Cannot transform _LowerCholesky"):
        D.biject_to(constraints.lower_cholesky)
    with pytest.raises(TypeError, match="Constraint subclass or instance"):
        D.biject_to.register(int)(lambda c: None)
