"""The less common ``ferrograd.distributions`` families (low-rank normal, relaxed
(Concrete) distributions, Weibull, Pareto, negative binomial, von Mises, inverse gamma,
continuous Bernoulli, F, generalized Pareto, Kumaraswamy, logistic normal, LKJ, Wishart), the
structured transforms and their KL pairs: values against PyTorch's (recorded as numbers),
reparameterised samples and densities against finite differences, sample statistics at fixed
seeds, and bad arguments raising as PyTorch does."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.distributions as D
from ferrograd.autograd import gradcheck, gradgradcheck
from ferrograd.distributions import constraints, transforms as T
from helpers import to_np


def t(values, requires_grad=False):
    return fg.tensor(values, dtype=fg.float64, requires_grad=requires_grad)


def assert_close(actual, expected, rtol=1e-10, atol=1e-12):
    got = to_np(actual) if isinstance(actual, fg.Tensor) else np.asarray(actual)
    np.testing.assert_allclose(got, np.asarray(expected, dtype=np.float64), rtol=rtol, atol=atol)


LOC = [0.5, -1.0, 0.0]
COV = [[2.0, 0.3, -0.4], [0.3, 1.0, 0.2], [-0.4, 0.2, 0.8]]
SCALE_TRIL_Q = [[1.0, 0.0, 0.0], [0.5, 2.0, 0.0], [-0.3, 0.1, 0.9]]
COV_FACTOR = [[1.0, 0.5], [-0.3, 0.8], [0.2, -1.1]]
COV_DIAG = [0.5, 1.5, 0.7]
CORR_CHOLESKY = [[1.0, 0.0, 0.0], [0.6, 0.8, 0.0], [0.36, 0.48, 0.8]]
WISHART_VALUE = [[3.0, 0.5, -0.2], [0.5, 2.0, 0.4], [-0.2, 0.4, 1.5]]


def lowrank():
    return D.LowRankMultivariateNormal(t(LOC), t(COV_FACTOR), t(COV_DIAG))


def lowrank_batch():
    return D.LowRankMultivariateNormal(
        t([[0.0, 0.0], [1.0, -1.0]]), t([[1.5], [0.4]]), t([0.6, 0.9])
    )


def lowrank_q():
    return D.LowRankMultivariateNormal(t([0.5, -0.5]), t([[0.3, 1.0], [-0.7, 0.2]]), t([1.2, 0.4]))


def wishart():
    return D.Wishart(t([4.0, 6.0]), t(COV))


def ladj(transform, x):
    return transform.log_abs_det_jacobian(x, transform(x))


# fmt: off
# torch.distributions (PyTorch 2.15), float64, for the cases in VALUE_CASES below.
TORCH = {
    'lowrank.log_prob': [-4.1964145317550825, -3.9583083244804236],
    'lowrank.entropy': 5.138898383931826,
    'lowrank.variance': [1.75, 2.23, 1.9500000000000002],
    'lowrank.covariance_matrix': [[1.75, 0.10000000000000003, -0.35000000000000003],
        [0.10000000000000003, 2.23, -0.9400000000000002], [-0.35000000000000003,
        -0.9400000000000002, 1.9500000000000002]],
    'lowrank.precision_matrix': [[0.593640241917522, 0.02295817842273888, 0.11761783199410625],
        [0.02295817842273888, 0.563674679185156, 0.2758408004523103], [0.11761783199410625,
        0.2758408004523103, 0.6669008172426198]],
    'lowrank.scale_tril': [[1.3228756555322954, 0.0, 0.0], [0.07559289460184543,
        1.4914039406833128, 0.0], [-0.2645751311064591, -0.6168684250482039,
        1.224529846993755]],
    'lowrank_batch.log_prob': [-2.380102921482657, -2.893819569359395],
    'lowrank_batch.entropy': [3.327228062407121, 3.327228062407121],
    'relaxed_bernoulli.log_prob': [-0.25279481345134047, -0.003466207976486224],
    'relaxed_bernoulli_logits.log_prob': [[-0.4414292639977775, -0.9763423388007229],
        [1.8350789582063034, 2.523025489349151]],
    'relaxed_onehot.log_prob': [0.27637489060978204, -1.0115754031012028],
    'relaxed_onehot_logits.log_prob': [0.6122690764876797, -1.881424539911143],
    'weibull.log_prob': [-0.4259947228908858, -0.7759655458344646],
    'weibull.cdf': [0.3498236337797326, 0.4007042121544616],
    'weibull.icdf': [0.11732922467303347, 3.3012511961342135],
    'weibull.entropy': [1.1092968018380756, 1.202488886473734],
    'weibull.mean': [1.2658235060572836, 2.232448778923123],
    'weibull.variance': [3.4268355536531527, 0.6583305304279918],
    'weibull.mode': [math.nan, 2.1839511618407474],
    'pareto.log_prob': [-1.3013448427221919, -2.3671236141316165],
    'pareto.cdf': [0.18350341907227397, 0.875],
    'pareto.icdf': [1.5625, 4.308869380063768],
    'pareto.entropy': [3.6931471805599454, 0.9278682252251689],
    'pareto.mean': [math.inf, 3.0, 3.0],
    'pareto.variance': [math.inf, 3.0, 2.2222222222222223],
    'negbin.log_prob': [[-1.070024831816197, -2.231835311857196], [-4.045366415722454,
        -1.7210096880912054]],
    'negbin.mean': [1.2857142857142856, 2.0000000000000004],
    'negbin.variance': [1.8367346938775506, 10.000000000000005],
    'negbin.mode': [0.0, 26.0],
    'negbin_logits.log_prob': [-0.0, -2.3228066157067553],
    'vonmises.log_prob': [-1.4217585158819206, -0.7525196336576663, -8.283433310286231],
    'vonmises.variance': [0.7575003832967004, 0.13647740531006647, 0.04261852235623431],
    'invgamma.log_prob': [-1.7986914639040446, -9.087196820661973],
    'invgamma.entropy': [3.44037239592632, -0.9142808917080778],
    'invgamma.mean': [math.inf, 0.2],
    'invgamma.variance': [math.inf, 0.04000000000000001],
    'invgamma.mode': [0.8823529411764706, 0.1],
    'invgamma.cdf': [0.025552612283643472, 0.9998453469297353],
    'cb.log_prob': [0.19842802409409477, -1.6666677216115033e-07, 0.465533128365784],
    'cb.entropy': [-0.07641445280335896, -1.666667611699424e-07, -0.17963111600005544],
    'cb.mean': [0.3880141871111483, 0.4998333332888889, 0.6698803866865813],
    'cb.variance': [0.0758978008069574, 0.08333331666667512, 0.0665088624225558],
    'cb.cdf': [0.45366139281807033, 0.5, 0.5999432668494109],
    'cb.icdf': [0.18386589225024355, 0.5, 0.9109128037501729],
    'cb_logits.log_prob': [0.6385606384288042, 0.24968146961081183],
    'fisher.log_prob': [-0.8062735796405981, -1.0146471332878018, -2.5974381157039],
    'fisher.mean': [3.0, 1.5, math.nan],
    'fisher.variance': [math.nan, 4.05, math.nan],
    'fisher.mode': [math.nan, 0.44999999999999996, 0.375],
    'gpd.log_prob': [-0.6056350836256877, -1.1931471805599454, 0.43161709984277874],
    'gpd.cdf': [0.3724131061138255, 0.3934693402873666, 0.3533069179278317],
    'gpd.icdf': [0.23078199997062676, 2.386294361119891, -0.24763396319187148],
    'gpd.entropy': [1.3, 1.6931471805599454, -0.09314718055994531],
    'gpd.mean': [1.4285714285714286, math.nan, -0.6428571428571428],
    'gpd.variance': [5.102040816326531, math.nan, 0.07086167800453516],
    'kumaraswamy.log_prob': [-0.0824254086015343, -0.4746865771501179],
    'kumaraswamy.entropy': [-0.6593568997616617, -0.2084261358947218],
    'kumaraswamy.mean': [0.2285714285714285, 0.457142857142857],
    'kumaraswamy.variance': [0.05857761286332713, 0.04102040816326541],
    'kumaraswamy.mode': [math.nan, math.nan],
    'kumaraswamy.cdf': [0.6958362936953986, 0.953344],
    'logistic_normal.log_prob': 2.2996333608366593,
    'lkj.log_prob': [-2.307880695655081, -1.7312010946981775],
    'wishart.log_prob': [-9.050337788571127, -10.365938216869043],
    'wishart.entropy': [12.18541843373242, 14.23530541155835],
    'wishart.mean': [[[8.0, 1.2, -1.6], [1.2, 4.0, 0.8], [-1.6, 0.8, 3.2]], [[12.0,
        1.7999999999999998, -2.4000000000000004], [1.7999999999999998, 6.0, 1.2000000000000002],
        [-2.4000000000000004, 1.2000000000000002, 4.800000000000001]]],
    'wishart.variance': [[[32.0, 8.36, 7.040000000000001], [8.36, 8.0, 3.3600000000000003],
        [7.040000000000001, 3.3600000000000003, 5.120000000000001]], [[48.0, 12.54,
        10.560000000000002], [12.54, 12.0, 5.040000000000001], [10.560000000000002,
        5.040000000000001, 7.6800000000000015]]],
    'wishart.mode': [[[math.nan, math.nan, math.nan], [math.nan, math.nan, math.nan], [math.nan,
        math.nan, math.nan]], [[4.0, 0.6, -0.8], [0.6, 2.0, 0.4], [-0.8, 0.4, 1.6]]],
    'wishart_prec.log_prob': -11.120350584328662,
    'wishart_tril.entropy': [14.106342334107003, 17.092705430212366],
    'corr_cholesky.y': [[[1.0, 0.0, 0.0], [0.2913126124515909, 0.9566279119002483, 0.0],
        [-0.8336546070121552, 0.5324190848181971, 0.1467988907613492]], [[1.0, 0.0, 0.0], [0.0,
        1.0, 0.0], [0.46211715726000974, -0.3369459146727663, 0.8203140761630635]]],
    'corr_cholesky.ladj': [-4.519753949349623, -0.5162504916504976],
    'lower_cholesky.y': [[1.3498588075760032, 0.0], [2.0, 1.6487212707001282]],
    'positive_definite.y': [[1.822118800390509, 2.6997176151520064], [2.6997176151520064,
        6.7182818284590455]],
    'cat.y': [[1.3498588075760032, 0.23147521650098238, 0.8807970779778823]],
    'cat.ladj': [[0.3, -1.7265649346760623, -2.2538560220859454]],
    'cat_batch.ladj': [[0.3, -1.2], [1.0986122886681098, 1.0986122886681098],
        [1.0986122886681098, 1.0986122886681098]],
    'stack.y': [[1.3498588075760032, 0.26328246733803123], [7.38905609893065, 0.9130152523999526]],
    'stack.ladj': [[0.3, -1.4632824673380311], [2.0, -0.5130152523999526]],
    'cdf_transform.y': [0.460172162722971, 0.19766254312269244, 0.7733726476231317],
    'cdf_transform.ladj': [-1.617085713764618, -1.973335713764618, -1.893335713764618],
    'reshape.y': [[0.3, -1.2], [2.0, 0.0], [0.5, -0.4]],
    'kl.lowrank_lowrank': [0.27148141515351765, 0.27148141515351765],
    'kl.mvn_lowrank': 0.45607933783167054,
    'kl.lowrank_mvn': [0.6093411309918562, 2.47890634838316],
    'kl.pareto_pareto': [1.941108482171808, math.inf],
    'kl.pareto_exponential': [math.inf, 3.166666666666667],
    'kl.pareto_gamma': [3.415840112297449, 1.0782327246298626],
    'kl.pareto_normal': [math.inf, 19.02215046608159],
    'kl.uniform_pareto': [1.5609045646772195, math.inf],
    'kl.cb_cb': [0.12866151363677047, 0.029595073570914343, 0.17949523835012693],
    'kl.beta_cb': [0.6566242928414385, 0.17991298700115543],
    'kl.uniform_cb': [0.5582128556806598, math.inf],
    'kl.cb_exponential': [0.7046993277198952, 0.778986587921763],
    'kl.cb_normal': [1.6995549944548938, 3.6551695708405694],
    'kl.cb_uniform': [0.7695616333633042, math.inf],
    'kl.normal_pareto': [math.inf],
    'kl.pareto_beta': [math.inf],
    'kl.wishart_wishart': [0.0, 0.0],
}
# fmt: on

VALUE_CASES = {
    "lowrank.log_prob": lambda: lowrank().log_prob(t([[0.1, 0.2, 0.3], [1.0, -2.0, 0.5]])),
    "lowrank.entropy": lambda: lowrank().entropy(),
    "lowrank.variance": lambda: lowrank().variance,
    "lowrank.covariance_matrix": lambda: lowrank().covariance_matrix,
    "lowrank.precision_matrix": lambda: lowrank().precision_matrix,
    "lowrank.scale_tril": lambda: lowrank().scale_tril,
    "lowrank_batch.log_prob": lambda: lowrank_batch().log_prob(t([0.3, -0.2])),
    "lowrank_batch.entropy": lambda: lowrank_batch().entropy(),
    "relaxed_bernoulli.log_prob": lambda: D.RelaxedBernoulli(
        t([0.5, 2.0]), probs=t([0.3, 0.8])
    ).log_prob(t([0.2, 0.9])),
    "relaxed_bernoulli_logits.log_prob": lambda: D.RelaxedBernoulli(
        t(0.7), logits=t([-1.0, 2.0])
    ).log_prob(t([[0.4, 0.6], [0.01, 0.99]])),
    "relaxed_onehot.log_prob": lambda: D.RelaxedOneHotCategorical(
        t(0.5), probs=t([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]])
    ).log_prob(t([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]])),
    "relaxed_onehot_logits.log_prob": lambda: D.RelaxedOneHotCategorical(
        t(1.5), logits=t([[1.0, -0.5, 2.0], [0.0, 0.3, -4.0]])
    ).log_prob(t([0.3, 0.3, 0.4])),
    "weibull.log_prob": lambda: D.Weibull(t([1.0, 2.5]), t([0.7, 3.0])).log_prob(t([0.3, 2.0])),
    "weibull.cdf": lambda: D.Weibull(t([1.0, 2.5]), t([0.7, 3.0])).cdf(t([0.3, 2.0])),
    "weibull.icdf": lambda: D.Weibull(t([1.0, 2.5]), t([0.7, 3.0])).icdf(t([0.2, 0.9])),
    "weibull.entropy": lambda: D.Weibull(t([1.0, 2.5]), t([0.7, 3.0])).entropy(),
    "weibull.mean": lambda: D.Weibull(t([1.0, 2.5]), t([0.7, 3.0])).mean,
    "weibull.variance": lambda: D.Weibull(t([1.0, 2.5]), t([0.7, 3.0])).variance,
    "weibull.mode": lambda: D.Weibull(t([1.0, 2.5]), t([0.7, 3.0])).mode,
    "pareto.log_prob": lambda: D.Pareto(t([1.0, 2.0]), t([0.5, 3.0])).log_prob(t([1.5, 4.0])),
    "pareto.cdf": lambda: D.Pareto(t([1.0, 2.0]), t([0.5, 3.0])).cdf(t([1.5, 4.0])),
    "pareto.icdf": lambda: D.Pareto(t([1.0, 2.0]), t([0.5, 3.0])).icdf(t([0.2, 0.9])),
    "pareto.entropy": lambda: D.Pareto(t([1.0, 2.0]), t([0.5, 3.0])).entropy(),
    "pareto.mean": lambda: D.Pareto(t([1.0, 2.0, 1.0]), t([0.5, 3.0, 1.5])).mean,
    "pareto.variance": lambda: D.Pareto(t([1.0, 2.0, 1.0]), t([0.5, 3.0, 2.5])).variance,
    "negbin.log_prob": lambda: D.NegativeBinomial(t([3.0, 0.5]), probs=t([0.3, 0.8])).log_prob(
        t([[0.0, 2.0], [5.0, 1.0]])
    ),
    "negbin.mean": lambda: D.NegativeBinomial(t([3.0, 0.5]), probs=t([0.3, 0.8])).mean,
    "negbin.variance": lambda: D.NegativeBinomial(t([3.0, 0.5]), probs=t([0.3, 0.8])).variance,
    "negbin.mode": lambda: D.NegativeBinomial(t([3.0, 7.5]), probs=t([0.3, 0.8])).mode,
    "negbin_logits.log_prob": lambda: D.NegativeBinomial(
        t([0.0, 4.0]), logits=t([-1.0, 0.5])
    ).log_prob(t([0.0, 3.0])),
    "vonmises.log_prob": lambda: D.VonMises(t([0.0, 1.0, -2.0]), t([0.5, 4.0, 12.0])).log_prob(
        t([0.3, 1.5, 3.0])
    ),
    "vonmises.variance": lambda: D.VonMises(t([0.0, 1.0, -2.0]), t([0.5, 4.0, 12.0])).variance,
    "invgamma.log_prob": lambda: D.InverseGamma(t([0.7, 3.0]), t([1.5, 0.4])).log_prob(
        t([0.5, 4.0])
    ),
    "invgamma.entropy": lambda: D.InverseGamma(t([0.7, 3.0]), t([1.5, 0.4])).entropy(),
    "invgamma.mean": lambda: D.InverseGamma(t([0.7, 3.0]), t([1.5, 0.4])).mean,
    "invgamma.variance": lambda: D.InverseGamma(t([0.7, 3.0]), t([1.5, 0.4])).variance,
    "invgamma.mode": lambda: D.InverseGamma(t([0.7, 3.0]), t([1.5, 0.4])).mode,
    "invgamma.cdf": lambda: D.InverseGamma(t([0.7, 3.0]), t([1.5, 0.4])).cdf(t([0.5, 4.0])),
    "cb.log_prob": lambda: D.ContinuousBernoulli(probs=t([0.2, 0.4995, 0.9])).log_prob(
        t([0.3, 0.5, 0.8])
    ),
    "cb.entropy": lambda: D.ContinuousBernoulli(probs=t([0.2, 0.4995, 0.9])).entropy(),
    "cb.mean": lambda: D.ContinuousBernoulli(probs=t([0.2, 0.4995, 0.9])).mean,
    "cb.variance": lambda: D.ContinuousBernoulli(probs=t([0.2, 0.4995, 0.9])).variance,
    "cb.cdf": lambda: D.ContinuousBernoulli(probs=t([0.2, 0.4995, 0.9])).cdf(t([0.3, 0.5, 0.8])),
    "cb.icdf": lambda: D.ContinuousBernoulli(probs=t([0.2, 0.4995, 0.9])).icdf(t([0.3, 0.5, 0.8])),
    "cb_logits.log_prob": lambda: D.ContinuousBernoulli(logits=t([-2.0, 3.0])).log_prob(
        t([0.1, 0.7])
    ),
    "fisher.log_prob": lambda: D.FisherSnedecor(t([1.5, 5.0, 8.0]), t([3.0, 6.0, 2.0])).log_prob(
        t([0.5, 1.2, 3.0])
    ),
    "fisher.mean": lambda: D.FisherSnedecor(t([1.5, 5.0, 8.0]), t([3.0, 6.0, 2.0])).mean,
    "fisher.variance": lambda: D.FisherSnedecor(t([1.5, 5.0, 8.0]), t([3.0, 6.0, 2.0])).variance,
    "fisher.mode": lambda: D.FisherSnedecor(t([1.5, 5.0, 8.0]), t([3.0, 6.0, 2.0])).mode,
    "gpd.log_prob": lambda: D.GeneralizedPareto(
        t([0.0, 1.0, -1.0]), t([1.0, 2.0, 0.5]), t([0.3, 0.0, -0.4])
    ).log_prob(t([0.5, 2.0, -0.8])),
    "gpd.cdf": lambda: D.GeneralizedPareto(
        t([0.0, 1.0, -1.0]), t([1.0, 2.0, 0.5]), t([0.3, 0.0, -0.4])
    ).cdf(t([0.5, 2.0, -0.8])),
    "gpd.icdf": lambda: D.GeneralizedPareto(
        t([0.0, 1.0, -1.0]), t([1.0, 2.0, 0.5]), t([0.3, 0.0, -0.4])
    ).icdf(t([0.2, 0.5, 0.9])),
    "gpd.entropy": lambda: D.GeneralizedPareto(
        t([0.0, 1.0, -1.0]), t([1.0, 2.0, 0.5]), t([0.3, 0.0, -0.4])
    ).entropy(),
    "gpd.mean": lambda: (
        D.GeneralizedPareto(t([0.0, 1.0, -1.0]), t([1.0, 2.0, 0.5]), t([0.3, 1.5, -0.4])).mean
    ),
    "gpd.variance": lambda: (
        D.GeneralizedPareto(t([0.0, 1.0, -1.0]), t([1.0, 2.0, 0.5]), t([0.3, 0.7, -0.4])).variance
    ),
    "kumaraswamy.log_prob": lambda: D.Kumaraswamy(t([0.5, 2.0]), t([1.5, 3.0])).log_prob(
        t([0.3, 0.8])
    ),
    "kumaraswamy.entropy": lambda: D.Kumaraswamy(t([0.5, 2.0]), t([1.5, 3.0])).entropy(),
    "kumaraswamy.mean": lambda: D.Kumaraswamy(t([0.5, 2.0]), t([1.5, 3.0])).mean,
    "kumaraswamy.variance": lambda: D.Kumaraswamy(t([0.5, 2.0]), t([1.5, 3.0])).variance,
    "kumaraswamy.mode": lambda: D.Kumaraswamy(t([0.5, 2.0]), t([1.5, 3.0])).mode,
    "kumaraswamy.cdf": lambda: D.Kumaraswamy(t([0.5, 2.0]), t([1.5, 3.0])).cdf(t([0.3, 0.8])),
    "logistic_normal.log_prob": lambda: D.LogisticNormal(
        t([0.1, -0.2, 0.3]), t([1.0, 0.7, 1.5])
    ).log_prob(t([0.1, 0.2, 0.3, 0.4])),
    "lkj.log_prob": lambda: D.LKJCholesky(3, t([0.5, 2.0])).log_prob(t(CORR_CHOLESKY)),
    "wishart.log_prob": lambda: wishart().log_prob(t(WISHART_VALUE)),
    "wishart.entropy": lambda: wishart().entropy(),
    "wishart.mean": lambda: wishart().mean,
    "wishart.variance": lambda: wishart().variance,
    "wishart.mode": lambda: wishart().mode,
    "wishart_prec.log_prob": lambda: D.Wishart(t(6.0), precision_matrix=t(COV)).log_prob(
        t(WISHART_VALUE)
    ),
    "wishart_tril.entropy": lambda: D.Wishart(t([4.0, 7.5]), scale_tril=t(SCALE_TRIL_Q)).entropy(),
    "corr_cholesky.y": lambda: T.CorrCholeskyTransform()(t([[0.3, -1.2, 2.0], [0.0, 0.5, -0.4]])),
    "corr_cholesky.ladj": lambda: ladj(
        T.CorrCholeskyTransform(), t([[0.3, -1.2, 2.0], [0.0, 0.5, -0.4]])
    ),
    "lower_cholesky.y": lambda: T.LowerCholeskyTransform()(t([[0.3, -1.2], [2.0, 0.5]])),
    "positive_definite.y": lambda: T.PositiveDefiniteTransform()(t([[0.3, -1.2], [2.0, 0.5]])),
    "cat.y": lambda: T.CatTransform(
        [T.ExpTransform(), T.SigmoidTransform()], dim=-1, lengths=[1, 2]
    )(t([[0.3, -1.2, 2.0]])),
    "cat.ladj": lambda: ladj(
        T.CatTransform([T.ExpTransform(), T.SigmoidTransform()], dim=-1, lengths=[1, 2]),
        t([[0.3, -1.2, 2.0]]),
    ),
    "cat_batch.ladj": lambda: ladj(
        T.CatTransform([T.ExpTransform(), T.AffineTransform(1.0, 3.0)], dim=0, lengths=[1, 2]),
        t([[0.3, -1.2], [2.0, 0.1], [0.5, 0.5]]),
    ),
    "stack.y": lambda: T.StackTransform([T.ExpTransform(), T.SoftplusTransform()], dim=1)(
        t([[0.3, -1.2], [2.0, 0.4]])
    ),
    "stack.ladj": lambda: ladj(
        T.StackTransform([T.ExpTransform(), T.SoftplusTransform()], dim=1),
        t([[0.3, -1.2], [2.0, 0.4]]),
    ),
    "cdf_transform.y": lambda: T.CumulativeDistributionTransform(D.Normal(t(0.5), t(2.0)))(
        t([0.3, -1.2, 2.0])
    ),
    "cdf_transform.ladj": lambda: ladj(
        T.CumulativeDistributionTransform(D.Normal(t(0.5), t(2.0))), t([0.3, -1.2, 2.0])
    ),
    "reshape.y": lambda: T.ReshapeTransform((2, 3), (3, 2))(
        t([[0.3, -1.2, 2.0], [0.0, 0.5, -0.4]])
    ),
    "kl.lowrank_lowrank": lambda: D.kl_divergence(lowrank_batch(), lowrank_q()),
    "kl.mvn_lowrank": lambda: D.kl_divergence(
        D.MultivariateNormal(t([0.3, 0.1]), t([[1.0, 0.2], [0.2, 0.5]])), lowrank_q()
    ),
    "kl.lowrank_mvn": lambda: D.kl_divergence(
        lowrank_batch(), D.MultivariateNormal(t([0.3, 0.1]), t([[1.0, 0.2], [0.2, 0.5]]))
    ),
    "kl.pareto_pareto": lambda: D.kl_divergence(
        D.Pareto(t([1.0, 2.0]), t([0.5, 3.0])), D.Pareto(t([0.5, 3.0]), t([1.5, 2.0]))
    ),
    "kl.pareto_exponential": lambda: D.kl_divergence(
        D.Pareto(t([1.0, 2.0]), t([0.5, 3.0])), D.Exponential(t([0.7, 1.5]))
    ),
    "kl.pareto_gamma": lambda: D.kl_divergence(
        D.Pareto(t([1.0, 2.0]), t([1.5, 3.0])), D.Gamma(t([0.7, 2.0]), t([1.5, 0.4]))
    ),
    "kl.pareto_normal": lambda: D.kl_divergence(
        D.Pareto(t([1.0, 2.0]), t([1.5, 3.0])), D.Normal(t([0.5, -1.0]), t([2.0, 0.7]))
    ),
    "kl.uniform_pareto": lambda: D.kl_divergence(
        D.Uniform(t([1.0, 0.5]), t([3.0, 2.0])), D.Pareto(t([0.5, 1.0]), t([1.5, 2.0]))
    ),
    "kl.cb_cb": lambda: D.kl_divergence(
        D.ContinuousBernoulli(probs=t([0.2, 0.4995, 0.9])),
        D.ContinuousBernoulli(probs=t([0.6, 0.3, 0.5002])),
    ),
    "kl.beta_cb": lambda: D.kl_divergence(
        D.Beta(t([0.5, 2.0]), t([1.5, 3.0])), D.ContinuousBernoulli(probs=t([0.6, 0.3]))
    ),
    "kl.uniform_cb": lambda: D.kl_divergence(
        D.Uniform(t([0.1, 0.0]), t([0.7, 0.5])), D.ContinuousBernoulli(probs=t([0.6, 0.3]))
    ),
    "kl.cb_exponential": lambda: D.kl_divergence(
        D.ContinuousBernoulli(probs=t([0.2, 0.9])), D.Exponential(t([0.7, 1.5]))
    ),
    "kl.cb_normal": lambda: D.kl_divergence(
        D.ContinuousBernoulli(probs=t([0.2, 0.9])), D.Normal(t([0.5, -1.0]), t([2.0, 0.7]))
    ),
    "kl.cb_uniform": lambda: D.kl_divergence(
        D.ContinuousBernoulli(probs=t([0.2, 0.9])), D.Uniform(t([-0.5, 0.0]), t([1.5, 2.0]))
    ),
    "kl.normal_pareto": lambda: D.kl_divergence(
        D.Normal(t([0.5]), t([2.0])), D.Pareto(t([1.0]), t([1.0]))
    ),
    "kl.pareto_beta": lambda: D.kl_divergence(
        D.Pareto(t([1.0]), t([2.0])), D.Beta(t([1.0]), t([1.0]))
    ),
    "kl.wishart_wishart": lambda: D.kl_divergence(wishart(), D.Wishart(t([4.0, 6.0]), t(COV))),
}


# PyTorch evaluates log I0 by a polynomial fit (relative error about 1e-7); ferrograd uses the
# exact exponentially scaled Bessel function, so these agree to the fit's accuracy.
LOOSER = {"vonmises.log_prob": 1e-7, "vonmises.variance": 2e-6}


def test_every_recorded_value_has_a_case():
    assert set(VALUE_CASES) == set(TORCH)


@pytest.mark.parametrize("key", sorted(VALUE_CASES))
def test_values_match_pytorch(key):
    assert_close(VALUE_CASES[key](), TORCH[key], rtol=LOOSER.get(key, 1e-10))


# ----------------------------------------------------------------------------- shapes


def all_families():
    """One instance of each family, with a batch of 2."""
    return [
        lowrank_batch(),
        D.RelaxedBernoulli(t(0.5), probs=t([0.3, 0.8])),
        D.RelaxedOneHotCategorical(t(0.5), logits=t([[1.0, -0.5, 2.0], [0.0, 0.3, -4.0]])),
        D.Weibull(t([1.0, 2.5]), t([0.7, 3.0])),
        D.Pareto(t([1.0, 2.0]), t([2.5, 3.0])),
        D.NegativeBinomial(t([3.0, 0.5]), probs=t([0.3, 0.8])),
        D.VonMises(t([0.0, 1.0]), t([0.5, 4.0])),
        D.InverseGamma(t([3.0, 4.0]), t([1.5, 0.4])),
        D.ContinuousBernoulli(probs=t([0.2, 0.9])),
        D.FisherSnedecor(t([5.0, 8.0]), t([6.0, 9.0])),
        D.GeneralizedPareto(t([0.0, 1.0]), t([1.0, 2.0]), t([0.3, -0.4])),
        D.Kumaraswamy(t([0.5, 2.0]), t([1.5, 3.0])),
        D.LogisticNormal(t([[0.1, -0.2, 0.3], [0.0, 0.0, 0.0]]), t([1.0, 0.7, 1.5])),
        D.LKJCholesky(3, t([0.5, 2.0])),
        wishart(),
    ]


EVENT_SHAPES = [(2,), (), (3,), (), (), (), (), (), (), (), (), (), (4,), (3, 3), (3, 3)]


@pytest.mark.parametrize(("index", "event"), list(enumerate(EVENT_SHAPES)))
def test_batch_event_sample_and_expanded_shapes(index, event):
    fg.manual_seed(index)
    dist = all_families()[index]
    assert dist.batch_shape == (2,) and dist.event_shape == event
    assert dist.sample().shape == (2, *event)
    samples = dist.sample((5, 3))
    assert samples.shape == (5, 3, 2, *event) and not samples.requires_grad
    assert dist.log_prob(samples).shape == (5, 3, 2)
    assert bool(dist.support.check(samples).all())
    if dist.has_rsample:
        assert dist.rsample((4,)).shape == (4, 2, *event)
    expanded = dist.expand((3, 2))
    assert type(expanded) is type(dist)
    assert expanded.batch_shape == (3, 2) and expanded.event_shape == event
    assert expanded.sample((2,)).shape == (2, 3, 2, *event)
    assert_close(
        expanded.log_prob(samples[0, 0]),
        np.broadcast_to(to_np(dist.log_prob(samples[0, 0])), (3, 2)),
    )
    assert repr(dist).startswith(type(dist).__name__ + "(")


def test_scalar_parameters_give_an_empty_batch():
    for dist in (
        D.Weibull(1.0, 2.0),
        D.Pareto(1.0, 2.0),
        D.FisherSnedecor(3.0, 4.0),
        D.GeneralizedPareto(0.0, 1.0, 0.2),
        D.Kumaraswamy(2.0, 3.0),
        D.InverseGamma(2.0, 3.0),
        D.ContinuousBernoulli(0.3),
        D.NegativeBinomial(3.0, 0.4),
        D.VonMises(0.0, 1.0),
        D.LKJCholesky(2),
        D.RelaxedBernoulli(t(0.5), logits=0.3),
    ):
        assert dist.batch_shape == (), dist
        assert dist.sample().shape == dist.event_shape
    assert D.LogisticNormal(0.0, 1.0).event_shape == (2,)
    assert D.LogisticNormal(0.0, 1.0).batch_shape == ()


# ----------------------------------------------------------------------------- sampling

N = 40_000


def _seeded_samples(dist, seed, n=N):
    fg.manual_seed(seed)
    return to_np(dist.sample((n,)))


@pytest.mark.parametrize(
    "make",
    [
        lambda: lowrank(),
        lambda: D.Weibull(t([1.0, 2.5]), t([1.7, 3.0])),
        lambda: D.Pareto(t([1.0, 2.0]), t([4.5, 6.0])),
        lambda: D.NegativeBinomial(t([3.0, 0.5]), probs=t([0.3, 0.6])),
        lambda: D.InverseGamma(t([5.0, 6.0]), t([1.5, 0.4])),
        lambda: D.ContinuousBernoulli(probs=t([0.2, 0.9, 0.5])),
        lambda: D.FisherSnedecor(t([5.0, 8.0]), t([12.0, 15.0])),
        lambda: D.GeneralizedPareto(t([0.0, 1.0]), t([1.0, 2.0]), t([0.1, -0.4])),
        lambda: D.Kumaraswamy(t([0.5, 2.0]), t([1.5, 3.0])),
        lambda: wishart(),
    ],
)
def test_sample_moments_match_mean_and_variance(make):
    dist = make()
    x = _seeded_samples(dist, 11)
    mean, var = to_np(dist.mean), to_np(dist.variance)
    standard_error = np.sqrt(var / N)
    assert (np.abs(x.mean(0) - mean) < 5 * standard_error + 1e-12).all()
    np.testing.assert_allclose(x.var(0), var, rtol=0.1)


def _ks_statistic(u):
    u = np.sort(u)
    n = len(u)
    return max(np.max(np.arange(1, n + 1) / n - u), np.max(u - np.arange(n) / n))


@pytest.mark.parametrize(
    "make",
    [
        lambda: D.Weibull(t(1.5), t(0.7)),
        lambda: D.Pareto(t(2.0), t(1.5)),
        lambda: D.GeneralizedPareto(t(1.0), t(2.0), t(-0.4)),
        lambda: D.GeneralizedPareto(t(1.0), t(2.0), t(0.0)),
        lambda: D.Kumaraswamy(t(0.5), t(1.5)),
        lambda: D.ContinuousBernoulli(probs=t(0.8)),
        lambda: D.InverseGamma(t(2.0), t(0.5)),
    ],
)
def test_samples_follow_the_cdf(make):
    dist = make()
    fg.manual_seed(12)
    x = dist.sample((5000,))
    # The cdf at the samples is uniform; 1.63 / sqrt(n) is the 1 % point of the KS statistic.
    assert _ks_statistic(to_np(dist.cdf(x))) < 1.63 / math.sqrt(5000)


def test_von_mises_samples_have_the_circular_mean_and_variance():
    dist = D.VonMises(t([0.5, -3.0, 2.0]), t([0.3, 4.0, 50.0]))
    x = _seeded_samples(dist, 13)
    assert (np.abs(x) <= math.pi).all()
    resultant = np.exp(1j * x).mean(0)
    assert_close(np.angle(resultant[1:]), to_np(dist.loc)[1:], atol=0.02)
    assert_close(1 - np.abs(resultant), to_np(dist.variance), atol=0.01)


def test_lkj_samples_are_correlation_factors_with_the_lkj_marginal():
    dist = D.LKJCholesky(3, t([1.0, 2.0]))
    L = _seeded_samples(dist, 14, 20_000)
    R = L @ np.swapaxes(L, -1, -2)
    assert_close(np.diagonal(R, axis1=-2, axis2=-1), np.ones((20_000, 2, 3)), atol=1e-12)
    # Each correlation is 2 B - 1 with B ~ Beta(η - 1 + d/2, η - 1 + d/2): variance 1/(2η + d - 1).
    r = R[:, :, 1, 0]
    assert_close(r.mean(0), [0.0, 0.0], atol=0.01)
    assert_close(r.var(0), [1 / 4, 1 / 6], rtol=0.05)


def test_relaxed_samples_recover_the_probabilities():
    probs = [0.3, 0.8]
    x = _seeded_samples(D.RelaxedBernoulli(t(0.3), probs=t(probs)), 15)
    assert ((x > 0) & (x < 1)).all()
    assert_close((x > 0.5).mean(0), probs, atol=0.01)  # logistic noise: P(X > 1/2) = p
    categorical = [0.2, 0.3, 0.5]
    y = _seeded_samples(D.RelaxedOneHotCategorical(t(0.2), probs=t(categorical)), 16)
    assert_close(y.sum(-1), np.ones(N), atol=1e-12)
    counts = np.bincount(y.argmax(-1), minlength=3) / N  # Gumbel-max: argmax is categorical
    assert_close(counts, categorical, atol=0.01)


# ----------------------------------------------------------------------------- gradients


def _rsample_fixed(make, shape=(3,), seed=3):
    """rsample at a fixed seed as a function of the parameters (deterministic)."""

    def fn(*params):
        fg.manual_seed(seed)
        return make(*params).rsample(shape)

    return fn


def _symmetric(m):
    return (m + m.mT) / 2


@pytest.mark.parametrize(
    ("make", "params"),
    [
        (D.LowRankMultivariateNormal, ([0.5, -1.0, 0.0], COV_FACTOR, COV_DIAG)),
        (lambda temp, p: D.RelaxedBernoulli(temp, probs=p), (0.7, [0.3, 0.8])),
        (lambda temp, lg: D.RelaxedBernoulli(temp, logits=lg), ([0.7, 2.0], [-0.3, 1.2])),
        (
            lambda temp, lg: D.RelaxedOneHotCategorical(temp, logits=lg),
            (0.6, [[1.0, -0.5, 2.0], [0.0, 0.3, -4.0]]),
        ),
        (lambda temp, p: D.RelaxedOneHotCategorical(temp, probs=p), (1.3, [0.2, 0.3, 0.5])),
        (D.Weibull, ([1.0, 2.5], [0.7, 3.0])),
        (D.Pareto, ([1.0, 2.0], [0.5, 3.0])),
        (lambda rate: D.InverseGamma(t([0.7, 3.0]), rate), ([1.5, 0.4],)),
        (lambda p: D.ContinuousBernoulli(probs=p), ([0.2, 0.4995, 0.9],)),
        (lambda lg: D.ContinuousBernoulli(logits=lg), ([-2.0, 3.0],)),
        (D.GeneralizedPareto, ([0.0, 1.0, -1.0], [1.0, 2.0, 0.5], [0.3, 0.2, -0.4])),
        (D.Kumaraswamy, ([0.5, 2.0], [1.5, 3.0])),
        (D.LogisticNormal, ([0.1, -0.2, 0.3], [1.0, 0.7, 1.5])),
        (lambda tril: D.Wishart(t([4.0, 6.0]), scale_tril=tril.tril()), (SCALE_TRIL_Q,)),
        (lambda cov: D.Wishart(t(5.0), _symmetric(cov)), (COV,)),
    ],
)
def test_rsample_is_differentiable(make, params):
    tensors = tuple(t(p, requires_grad=True) for p in params)
    assert gradcheck(_rsample_fixed(make), tensors)


def test_fisher_snedecor_rsample_gradients_are_unbiased():
    # Its gradient in the degrees of freedom goes through the gamma sampler's implicit one,
    # which finite differences of a fixed-seed draw cannot see; E[dX/dθ] = dE[X]/dθ can.
    df2 = t([12.0, 20.0], requires_grad=True)
    fg.manual_seed(17)
    D.FisherSnedecor(t([5.0, 8.0]), df2).rsample((N,)).mean(0).sum().backward()
    d2 = to_np(df2)
    assert_close(df2.grad, -2 / (d2 - 2) ** 2, rtol=0.05)  # mean d2 / (d2 - 2)


@pytest.mark.parametrize(
    ("fn", "params"),
    [
        (
            lambda loc, w, d: D.LowRankMultivariateNormal(loc, w, d).log_prob(t([[0.1, 0.2, 0.3]])),
            (LOC, COV_FACTOR, COV_DIAG),
        ),
        (lambda w, d: D.LowRankMultivariateNormal(t(LOC), w, d).entropy(), (COV_FACTOR, COV_DIAG)),
        (
            lambda w, d: D.LowRankMultivariateNormal(t(LOC), w, d).precision_matrix,
            (COV_FACTOR, COV_DIAG),
        ),
        (lambda w, d: D.LowRankMultivariateNormal(t(LOC), w, d).scale_tril, (COV_FACTOR, COV_DIAG)),
        (
            lambda loc, w, d: D.kl_divergence(
                D.LowRankMultivariateNormal(loc, w, d),
                D.LowRankMultivariateNormal(
                    t([0.0, 1.0, 0.5]), t([[0.3], [1.0], [-0.5]]), t([1.2, 0.4, 2.0])
                ),
            ),
            (LOC, COV_FACTOR, COV_DIAG),
        ),
        (
            lambda w, d: D.kl_divergence(
                D.MultivariateNormal(t(LOC), t(COV)), D.LowRankMultivariateNormal(t(LOC), w, d)
            ),
            (COV_FACTOR, COV_DIAG),
        ),
        (
            lambda w, tril: D.kl_divergence(
                D.LowRankMultivariateNormal(t(LOC), w, t(COV_DIAG)),
                D.MultivariateNormal(t([0.0, 0.0, 1.0]), scale_tril=tril.tril()),
            ),
            (COV_FACTOR, SCALE_TRIL_Q),
        ),
        (
            lambda temp, p: D.RelaxedBernoulli(temp, probs=p).log_prob(t([0.2, 0.9])),
            ([0.5, 2.0], [0.3, 0.8]),
        ),
        (
            lambda temp, lg: D.RelaxedOneHotCategorical(temp, logits=lg).log_prob(
                t([0.1, 0.2, 0.7])
            ),
            (0.5, [1.0, -0.5, 2.0]),
        ),
        (lambda s, c: D.Weibull(s, c).log_prob(t([0.3, 2.0])), ([1.0, 2.5], [0.7, 3.0])),
        (lambda s, c: D.Weibull(s, c).entropy(), ([1.0, 2.5], [0.7, 3.0])),
        (lambda s, a: D.Pareto(s, a).log_prob(t([1.5, 4.0])), ([1.0, 2.0], [0.5, 3.0])),
        (
            lambda n, p: D.NegativeBinomial(n, probs=p).log_prob(t([0.0, 2.0])),
            ([3.0, 0.5], [0.3, 0.8]),
        ),
        (lambda loc, k: D.VonMises(loc, k).log_prob(t([0.3, 1.5])), ([0.0, 1.0], [0.5, 4.0])),
        (lambda c, r: D.InverseGamma(c, r).log_prob(t([0.5, 4.0])), ([0.7, 3.0], [1.5, 0.4])),
        (lambda c, r: D.InverseGamma(c, r).entropy(), ([0.7, 3.0], [1.5, 0.4])),
        (
            lambda p: D.ContinuousBernoulli(probs=p).log_prob(t([0.3, 0.5, 0.8])),
            ([0.2, 0.4995, 0.9],),
        ),
        (lambda p: D.ContinuousBernoulli(probs=p).entropy(), ([0.2, 0.4995, 0.9],)),
        (
            lambda a, b: D.FisherSnedecor(a, b).log_prob(t([0.5, 1.2])),
            ([1.5, 5.0], [3.0, 6.0]),
        ),
        (
            lambda loc, s, c: D.GeneralizedPareto(loc, s, c).log_prob(t([0.5, 2.0, -0.8])),
            ([0.0, 1.0, -1.0], [1.0, 2.0, 0.5], [0.3, 0.2, -0.4]),
        ),
        (lambda a, b: D.Kumaraswamy(a, b).entropy(), ([0.5, 2.0], [1.5, 3.0])),
        (lambda a, b: D.Kumaraswamy(a, b).log_prob(t([0.3, 0.8])), ([0.5, 2.0], [1.5, 3.0])),
        (lambda eta: D.LKJCholesky(3, eta).log_prob(t(CORR_CHOLESKY)), ([0.5, 2.0],)),
        (lambda df: wishart_of(df, t(COV)).log_prob(t(WISHART_VALUE)), ([4.0, 6.0],)),
        (lambda cov: wishart_of(t(4.5), _symmetric(cov)).log_prob(t(WISHART_VALUE)), (COV,)),
        (lambda cov: wishart_of(t(4.5), _symmetric(cov)).entropy(), (COV,)),
        (
            lambda s, a: D.kl_divergence(D.Pareto(s, a), D.Pareto(t([0.5, 1.0]), t([1.5, 2.0]))),
            ([1.0, 2.0], [0.5, 3.0]),
        ),
        (
            lambda s, a: D.kl_divergence(D.Pareto(s, a), D.Normal(t([0.5, -1.0]), t([2.0, 0.7]))),
            ([1.0, 2.0], [2.5, 3.0]),
        ),
        (
            lambda p: D.kl_divergence(
                D.ContinuousBernoulli(probs=p), D.ContinuousBernoulli(probs=t([0.6, 0.3]))
            ),
            ([0.2, 0.9],),
        ),
        (
            lambda a, b: D.kl_divergence(D.Beta(a, b), D.ContinuousBernoulli(probs=t([0.6, 0.3]))),
            ([0.5, 2.0], [1.5, 3.0]),
        ),
    ],
)
def test_gradients_of_densities_entropies_and_kl(fn, params):
    tensors = tuple(t(p, requires_grad=True) for p in params)
    assert gradcheck(fn, tensors)
    assert gradgradcheck(fn, tensors)


def wishart_of(df, cov):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # df below n warns of singular samples
        return D.Wishart(df, cov)


def test_log_prob_is_differentiable_in_the_value():
    value = t([0.3, 0.6], requires_grad=True)
    for dist in (
        D.Weibull(t(1.0), t(2.0)),
        D.Kumaraswamy(t(2.0), t(3.0)),
        D.ContinuousBernoulli(probs=t(0.3)),
        D.RelaxedBernoulli(t(0.4), probs=t(0.3)),
        D.VonMises(t(0.2), t(2.0)),
    ):
        assert gradcheck(dist.log_prob, (value,))
    matrix = t(WISHART_VALUE, requires_grad=True)
    assert gradcheck(lambda m: wishart().log_prob(_symmetric(m)), (matrix,))


# ----------------------------------------------------------------------------- transforms

VECTOR = [[0.3, -1.2, 2.0], [0.0, 0.5, -0.4]]


@pytest.mark.parametrize(
    ("transform", "x"),
    [
        (T.CorrCholeskyTransform(), VECTOR),
        (T.CatTransform([T.ExpTransform(), T.SigmoidTransform()], -1, [1, 2]), VECTOR),
        (T.StackTransform([T.ExpTransform(), T.AffineTransform(1.0, -2.0)], 0), VECTOR),
        (T.ReshapeTransform((2, 3), (3, 2)), VECTOR),
        (T.CumulativeDistributionTransform(D.Normal(t(0.5), t(2.0))), VECTOR),
        (T.LowerCholeskyTransform(), [[0.3, 0.0], [2.0, 0.5]]),
    ],
)
def test_transforms_invert(transform, x):
    x = t(x)
    y = transform(x)
    assert y.shape == transform.forward_shape(x.shape)
    assert transform.inverse_shape(y.shape) == x.shape
    assert_close(transform.inv(y), x, rtol=1e-9, atol=1e-12)
    assert bool(transform.codomain.check(y).all())


def test_positive_definite_transform_maps_onto_positive_definite_matrices():
    transform = T.PositiveDefiniteTransform()
    y = transform(t([[[0.3, -1.2], [2.0, 0.5]], [[-3.0, 7.0], [0.1, 1.0]]]))
    assert constraints.positive_definite.check(y).tolist() == [True, True]
    lower = T.LowerCholeskyTransform()(t([[[0.3, 0.0], [2.0, 0.5]], [[-3.0, 0.0], [0.1, 1.0]]]))
    assert_close(transform.inv(y), T.LowerCholeskyTransform().inv(lower))


def _jacobian(fn, x):
    """The Jacobian of ``fn`` (a vector map) at the vector ``x``, row by row by autograd."""
    x = x.detach().requires_grad_()
    y = fn(x)
    rows = [fg.autograd.grad(y[i], x, retain_graph=True)[0] for i in range(y.shape[0])]
    return np.stack([to_np(r) for r in rows])


def test_corr_cholesky_log_det_is_that_of_its_jacobian():
    transform = T.CorrCholeskyTransform()
    x = t([0.3, -1.2, 2.0, 0.1, -0.7, 0.4])  # a 4 x 4 factor
    # The map to the strictly lower entries, which determine the factor.
    rows, cols = np.tril_indices(4, -1)
    jac = _jacobian(lambda v: transform(v)[rows.tolist(), cols.tolist()], x)
    expected = np.linalg.slogdet(jac)[1]
    assert_close(transform.log_abs_det_jacobian(x, transform(x)), expected, rtol=1e-9)
    x = t(VECTOR, requires_grad=True)
    assert gradcheck(lambda v: transform.log_abs_det_jacobian(v, transform(v)), (x,))
    assert gradcheck(transform, (x,))


def test_cat_and_stack_log_dets_are_their_parts():
    x = t(VECTOR)
    cat = T.CatTransform([T.ExpTransform(), T.SigmoidTransform()], dim=-1, lengths=[1, 2])
    parts = np.concatenate(
        [to_np(x[:, :1]), to_np(T.SigmoidTransform().log_abs_det_jacobian(x[:, 1:], None))], -1
    )
    assert_close(cat.log_abs_det_jacobian(x, cat(x)), parts)
    assert cat.event_dim == 0 and cat.bijective and cat.length == 3
    vector_cat = T.CatTransform(
        [T.IndependentTransform(T.ExpTransform(), 1), T.ExpTransform()], dim=-1, lengths=[2, 1]
    )
    assert vector_cat.event_dim == 1
    assert vector_cat.log_abs_det_jacobian(x, vector_cat(x)).shape == (2,)
    stack = T.StackTransform([T.ExpTransform(), T.AbsTransform()], dim=0)
    assert not stack.bijective
    assert isinstance(stack.domain, type(constraints.stack([constraints.real], 0)))


def test_transformed_distribution_through_reshape():
    base = D.Normal(t([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]), t(1.0))
    dist = D.TransformedDistribution(base, T.ReshapeTransform((6,), (2, 3)))
    assert dist.batch_shape == () and dist.event_shape == (2, 3)
    value = t([[0.0, 1.0, 2.0], [0.5, -0.5, 0.3]])
    assert_close(dist.log_prob(value), to_np(base.log_prob(value.reshape(6))).sum())
    with pytest.raises(ValueError, match="Shape mismatch"):
        T.ReshapeTransform((2, 3), (3, 2)).forward_shape((3, 2))


def test_constraint_registry_has_the_matrix_and_joined_transforms():
    assert isinstance(D.biject_to(constraints.corr_cholesky), T.CorrCholeskyTransform)
    assert isinstance(D.transform_to(constraints.corr_cholesky), T.CorrCholeskyTransform)
    assert isinstance(D.transform_to(constraints.lower_cholesky), T.LowerCholeskyTransform)
    assert isinstance(D.transform_to(constraints.positive_definite), T.PositiveDefiniteTransform)
    joined = D.biject_to(constraints.cat([constraints.positive, constraints.real], -1, [1, 2]))
    assert isinstance(joined, T.CatTransform) and joined.lengths == [1, 2]
    assert joined.transforms[0] == D.biject_to(constraints.positive)
    y = joined(t(VECTOR))
    assert_close(y[:, 1:], t(VECTOR)[:, 1:])
    stacked = D.transform_to(constraints.stack([constraints.simplex, constraints.positive], 0))
    assert isinstance(stacked.transforms[0], T.SoftmaxTransform)


def test_cached_structured_transforms_return_the_input():
    for transform in (
        T.CatTransform([T.ExpTransform(), T.SigmoidTransform()], -1, [1, 2], cache_size=1),
        T.StackTransform([T.ExpTransform(), T.SigmoidTransform()], 0, cache_size=1),
        T.ReshapeTransform((3,), (3, 1), cache_size=1),
        T.CumulativeDistributionTransform(D.Normal(t(0.0), t(1.0))).with_cache(),
    ):
        x = t(VECTOR)
        assert transform.inv(transform(x)) is x


# ----------------------------------------------------------------------------- errors


def test_constructor_errors_as_pytorch():
    with pytest.raises(ValueError, match="loc must be at least one-dimensional"):
        D.LowRankMultivariateNormal(t(0.0), t([[1.0]]), t([1.0]))
    with pytest.raises(ValueError, match="cov_factor must be at least two-dimensional"):
        D.LowRankMultivariateNormal(t([0.0]), t([1.0]), t([1.0]))
    with pytest.raises(ValueError, match="cov_factor must be a batch of matrices with shape 2 x m"):
        D.LowRankMultivariateNormal(t([0.0, 1.0]), t([[1.0]]), t([1.0, 1.0]))
    with pytest.raises(ValueError, match=r"cov_diag must be a batch of vectors with shape"):
        D.LowRankMultivariateNormal(t([0.0, 1.0]), t([[1.0], [2.0]]), t([1.0]))
    with pytest.raises(ValueError, match="Incompatible batch shapes: loc"):
        D.LowRankMultivariateNormal(t([[0.0, 1.0]] * 3), t([[[1.0], [2.0]]] * 2), t([1.0, 1.0]))
    with pytest.raises(RuntimeError, match="not positive-definite"):
        D.LowRankMultivariateNormal(t([0.0, 1.0]), t([[1.0], [2.0]]), t([1.0, -1.0]))
    with pytest.raises(ValueError, match="Expected dim to be an integer greater than or equal"):
        D.LKJCholesky(1)
    with pytest.raises(AssertionError, match="Exactly one of covariance_matrix"):
        D.Wishart(t(3.0))
    with pytest.raises(
        ValueError, match=r"Value of df=1.5 expected to be greater than ndim - 1 = 2"
    ):
        D.Wishart(t(1.5), fg.eye(3, dtype=fg.float64))
    with pytest.raises(ValueError, match="scale_tril must be at least two-dimensional"):
        D.Wishart(t(3.0), t([1.0]))
    with pytest.warns(UserWarning, match="Low df values detected"):
        D.Wishart(t(2.5), fg.eye(3, dtype=fg.float64))
    with pytest.raises(ValueError, match="Either `probs` or `logits`"):
        D.RelaxedBernoulli(t(0.5), probs=t(0.3), logits=t(0.2))
    with pytest.raises(ValueError, match="Either `probs` or `logits`"):
        D.NegativeBinomial(t(2.0))
    with pytest.raises(ValueError, match="The parameter probs has invalid values"):
        D.ContinuousBernoulli(probs=t(1.5), validate_args=False)
    # Without an explicit validate_args the probabilities are clamped first (as in PyTorch).
    assert D.ContinuousBernoulli(probs=t(1.5)).probs.item() < 1


def test_transform_constructor_errors_as_pytorch():
    with pytest.raises(AssertionError, match=r"lengths \(2\) must match transforms \(1\)"):
        T.CatTransform([T.ExpTransform()], lengths=[1, 2])
    with pytest.raises(AssertionError, match="All elements of tseq must be Transform instances"):
        T.StackTransform([1])
    with pytest.raises(AssertionError, match=r"x.size\(0\) = 3 must equal length 2"):
        T.CatTransform([T.ExpTransform(), T.ExpTransform()], dim=0)(t([1.0, 2.0, 3.0]))
    with pytest.raises(AssertionError, match=r"must equal len\(transforms\) 1"):
        T.StackTransform([T.ExpTransform()], dim=0)(t([1.0, 2.0]))
    with pytest.raises(AssertionError, match="dim 2 out of range"):
        T.StackTransform([T.ExpTransform()], dim=2)(t([1.0]))
    with pytest.raises(ValueError, match="in_shape, out_shape have different numbers"):
        T.ReshapeTransform((2, 3), (4,))
    with pytest.raises(ValueError, match="Input is not a flattened lower-diagonal number"):
        T.CorrCholeskyTransform().forward_shape((4,))
    with pytest.raises(ValueError, match="Input is not square"):
        T.CorrCholeskyTransform().inverse_shape((3, 4))


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: D.Pareto(t(1.0), t(-1.0)), r"parameter rate .* GreaterThan\(lower_bound=0.0\)"),
        (lambda: D.Weibull(t(-1.0), t(1.0)), r"parameter scale .* of distribution Weibull"),
        (lambda: D.NegativeBinomial(t(2.0), probs=t(1.0)), "HalfOpenInterval"),
        (lambda: D.NegativeBinomial(t(-2.0), probs=t(0.5)), r"GreaterThanEq\(lower_bound=0"),
        (lambda: D.VonMises(t(0.0), t(0.0)), "parameter concentration"),
        (lambda: D.InverseGamma(t(0.0), t(1.0)), "of distribution Gamma"),
        (lambda: D.FisherSnedecor(t(1.0), t(-1.0)), "of distribution Gamma"),
        (lambda: D.GeneralizedPareto(t(0.0), t(0.0), t(0.1)), "parameter scale"),
        (lambda: D.Kumaraswamy(t(0.0), t(1.0)), "parameter concentration1"),
        (lambda: D.LogisticNormal(t([0.0]), t([0.0])), "parameter scale"),
        (lambda: D.LKJCholesky(3, t(-1.0)), "of distribution Dirichlet"),
        (lambda: D.RelaxedBernoulli(t(0.5), probs=t([1.3])), "LogitRelaxedBernoulli"),
        (lambda: D.RelaxedOneHotCategorical(t(0.5), logits=t([0.3, math.nan])), "Real"),
        (
            lambda: D.LowRankMultivariateNormal(
                t([0.0, math.nan]), t([[1.0], [2.0]]), t([1.0, 1.0])
            ),
            "parameter loc",
        ),
        (
            lambda: D.Wishart(t(3.0), t([[1.0, 2.0], [0.0, 1.0]])),
            "PositiveDefinite",
        ),
    ],
)
def test_bad_parameters_raise_as_pytorch(make, words):
    with pytest.raises(ValueError, match=words):
        make()


@pytest.mark.parametrize(
    ("dist", "value", "words"),
    [
        (lambda: D.Pareto(t(1.0), t(2.0)), 0.5, r"GreaterThanEq\(lower_bound=1.0\)"),
        (lambda: D.NegativeBinomial(t(2.0), probs=t(0.5)), 1.5, "IntegerGreaterThan"),
        (
            lambda: D.GeneralizedPareto(t(0.0), t(1.0), t(-0.5)),
            3.0,
            r"Interval\(lower_bound=0.0, upper_bound=2.0\)",
        ),
        (lambda: D.LKJCholesky(2, t(1.0)), [[1.0, 0.0], [0.5, 0.5]], "CorrCholesky"),
        (
            lambda: wishart_of(t(3.0), fg.eye(2, dtype=fg.float64)),
            [[1.0, 2.0], [2.0, 1.0]],
            "PositiveDefinite",
        ),
        (lambda: D.Kumaraswamy(t(1.0), t(2.0)), 1.5, "Interval"),
        (lambda: D.RelaxedOneHotCategorical(t(1.0), probs=t([0.5, 0.5])), [0.5, 0.6], "Simplex"),
        (lambda: D.Weibull(t(1.0), t(2.0)), -0.5, "GreaterThan"),
    ],
)
def test_values_outside_the_support_raise_as_pytorch(dist, value, words):
    with pytest.raises(ValueError, match=words):
        dist().log_prob(t(value))


# ----------------------------------------------------------------------------- KL


@pytest.mark.parametrize(
    ("p", "q"),
    [
        (lambda: D.Normal(t(0.0), t(1.0)), lambda: D.Pareto(t(1.0), t(1.0))),
        (lambda: D.Laplace(t(0.0), t(1.0)), lambda: D.ContinuousBernoulli(t(0.3))),
        (lambda: D.Exponential(t(1.0)), lambda: D.Pareto(t(1.0), t(1.0))),
        (lambda: D.Gamma(t(1.0), t(2.0)), lambda: D.ContinuousBernoulli(t(0.3))),
        (lambda: D.Gumbel(t(0.0), t(1.0)), lambda: D.Pareto(t(1.0), t(1.0))),
        (lambda: D.Pareto(t(1.0), t(2.0)), lambda: D.Uniform(t(0.0), t(5.0))),
        (lambda: D.Pareto(t(1.0), t(2.0)), lambda: D.ContinuousBernoulli(t(0.3))),
        (lambda: D.ContinuousBernoulli(t(0.3)), lambda: D.Pareto(t(1.0), t(1.0))),
        (lambda: D.Beta(t(1.0), t(2.0)), lambda: D.Pareto(t(1.0), t(1.0))),
    ],
)
def test_kl_is_infinite_where_q_misses_part_of_p(p, q):
    assert D.kl_divergence(p(), q()).item() == math.inf


def test_kl_conditions_and_dispatch():
    # Below these bounds the KL is infinite (as PyTorch answers).
    pareto = D.kl_divergence(D.Pareto(t([1.0, 0.5]), t(2.0)), D.Pareto(t(0.8), t(2.0)))
    assert pareto.tolist()[1] == math.inf and math.isfinite(pareto.tolist()[0])
    heavy = D.Pareto(t([1.0, 1.0]), t([0.8, 1.5]))
    assert D.kl_divergence(heavy, D.Exponential(t(1.0))).tolist()[0] == math.inf
    assert D.kl_divergence(heavy, D.Normal(t(0.0), t(1.0))).tolist() == [math.inf, math.inf]
    with pytest.raises(ValueError, match="different event shapes"):
        D.kl_divergence(
            D.LowRankMultivariateNormal(t([0.0]), t([[1.0]]), t([1.0])),
            D.LowRankMultivariateNormal(t([0.0, 1.0]), t([[1.0], [1.0]]), t([1.0, 1.0])),
        )
    with pytest.raises(NotImplementedError):  # different transforms of the same base
        D.kl_divergence(D.Weibull(t(1.0), t(1.0)), D.Weibull(t(1.0), t(2.0)))
    with pytest.raises(NotImplementedError, match="No KL"):
        D.kl_divergence(D.VonMises(t(0.0), t(1.0)), D.VonMises(t(0.0), t(2.0)))


def test_lowrank_kl_matches_the_full_covariance_formula():
    p = lowrank()
    q = D.MultivariateNormal(t([0.0, 0.0, 1.0]), scale_tril=t(SCALE_TRIL_Q))
    full = D.MultivariateNormal(p.loc, p.covariance_matrix)
    assert_close(D.kl_divergence(p, q), D.kl_divergence(full, q), rtol=1e-10)
    assert_close(D.kl_divergence(q, p), D.kl_divergence(q, full), rtol=1e-10)
    assert_close(p.log_prob(t(LOC)), full.log_prob(t(LOC)), rtol=1e-12)
