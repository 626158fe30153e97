//! `nn`, `optim` and `serialize` against PyTorch: forward values and optimizer trajectories
//! recorded from PyTorch 2 (float64) as literals, gradients against finite differences, state
//! dicts through safetensors files (one written by the Python package), and an MLP that learns.

use ferrograd::nn::functional::{self as F, GeluApproximate, Reduction};
use ferrograd::nn::{self, Module, StateDict, TensorKind};
use ferrograd::optim::{
    Adam, AdamConfig, AdamW, CosineAnnealingLR, LrScheduler, Optimizer, RMSprop, RMSpropConfig,
    Sgd, SgdConfig, StepLR,
};
use ferrograd::{serialize, DType, Device, Error, Tensor};

mod nn_checks;

use nn_checks::{assert_close, check_gradients, f64s, ramp, weighted_sum};

/// `x = [[1, 2, 3], [-1, 0.5, 2]]`, the input of the 2-D layer tests.
fn x23() -> Tensor {
    f64s(&[1.0, 2.0, 3.0, -1.0, 0.5, 2.0], &[2, 3])
}

// ------------------------------------------------------------------ forward values

#[test]
fn linear_matches_pytorch() {
    let layer = nn::Linear::from_parameters(
        f64s(&[0.1, -0.2, 0.3, 0.4, 0.5, -0.6], &[2, 3]),
        Some(f64s(&[0.01, -0.02], &[2])),
    )
    .unwrap();
    let y = layer.forward(&x23()).unwrap();
    assert_close(&y, &[0.61, -0.42, 0.41, -1.37], 1e-12);
    // a 1-D input is one sample
    let y1 = layer.forward(&f64s(&[1.0, 2.0, 3.0], &[3])).unwrap();
    assert_close(&y1, &[0.61, -0.42], 1e-12);
}

#[test]
fn norms_and_gelu_match_pytorch() {
    let mut ln = nn::LayerNorm::new(&[3], 1e-5).unwrap();
    ln.weight = Some(f64s(&[1.5, -0.5, 2.0], &[3]));
    ln.bias = Some(f64s(&[0.1, 0.2, 0.3], &[3]));
    assert_close(
        &ln.forward(&x23()).unwrap(),
        &[
            -1.7371035288625853,
            0.2,
            2.7494713718167803,
            -1.737111183393645,
            0.2,
            2.749481577858193,
        ],
        1e-12,
    );
    let mut rms = nn::RMSNorm::new(&[3], None).unwrap();
    rms.weight = Some(f64s(&[1.5, -0.5, 2.0], &[3]));
    assert_close(
        &rms.forward(&x23()).unwrap(),
        &[
            0.6943650748294136,
            -0.4629100498862757,
            2.7774602993176543,
            -1.1338934190276815,
            -0.1889822365046136,
            3.0237157840738176,
        ],
        1e-12,
    );
    rms.eps = Some(0.1);
    assert_close(
        &rms.forward(&x23()).unwrap(),
        &[
            0.6870429186215168,
            -0.4580286124143445,
            2.748171674486067,
            -1.1028219331407119,
            -0.18380365552345196,
            2.9408584883752313,
        ],
        1e-12,
    );
    assert_close(
        &F::gelu(&x23(), GeluApproximate::None).unwrap(),
        &[
            0.841344746068543,
            1.9544997361036416,
            2.99595030590511,
            -0.15865525393145702,
            0.34573123063700656,
            1.9544997361036416,
        ],
        1e-12,
    );
    assert_close(
        &F::gelu(&x23(), GeluApproximate::Tanh).unwrap(),
        &[
            0.8411919906082768,
            1.954597694087775,
            2.996362607918227,
            -0.15880800939172324,
            0.34571400982514394,
            1.954597694087775,
        ],
        1e-12,
    );
    // a trailing shape that does not match is a shape error
    assert!(matches!(
        nn::LayerNorm::new(&[4], 1e-5).unwrap().forward(&x23()),
        Err(Error::Shape(_))
    ));
}

fn conv2d_layer() -> nn::Conv2d {
    nn::Conv2d::from_parameters(
        ramp(&[3, 2, 2, 2], 20.0, 0.6),
        Some(f64s(&[0.1, -0.1, 0.2], &[3])),
    )
    .unwrap()
    .with_padding([1, 1])
}

#[test]
fn convolutions_match_pytorch() {
    let x = ramp(&[1, 2, 3, 3], 10.0, 0.5);
    let conv = conv2d_layer();
    assert_close(
        &conv.forward(&x).unwrap(),
        &[
            0.225, 0.285, 0.135, 0.07, 0.15, 0.02, -0.32, -0.23, -0.33, -1.0, -1.34, -0.77, -0.305,
            -0.855, -1.045, -0.56, -0.015, 0.085, 0.095, -0.01, 0.11, 0.3, 0.28, 0.05, 0.11, 0.24,
            0.22, -0.01, -0.065, -0.095, -0.125, -0.16, 0.245, 0.385, 0.555, 0.41, 0.57, 1.08,
            1.38, 0.83, 1.05, 1.98, 2.28, 1.25, 0.675, 1.165, 1.295, 0.74,
        ],
        1e-12,
    );
    let mut strided = conv2d_layer().with_stride([2, 2]);
    strided.bias = None;
    let y = strided.forward(&x).unwrap();
    assert_eq!(y.shape().as_slice(), &[1, 3, 2, 2]);
    assert_close(
        &y,
        &[
            0.125, 0.035, -0.43, -1.44, 0.085, 0.195, 0.21, 0.32, 0.045, 0.355, 0.85, 2.08,
        ],
        1e-12,
    );
    let mut conv1 =
        nn::Conv1d::from_parameters(ramp(&[2, 2, 3], 10.0, 0.5), Some(f64s(&[0.5, -0.5], &[2])))
            .unwrap();
    conv1.stride = 2;
    conv1.padding = 1;
    assert_close(
        &conv1.forward(&ramp(&[1, 2, 5], 5.0, 1.0)).unwrap(),
        &[1.14, 1.18, 0.58, -0.82, -0.18, 0.06],
        1e-12,
    );
}

#[test]
fn embedding_matches_pytorch() {
    let table = nn::Embedding::from_weight(ramp(&[4, 3], 1.0, 0.0)).unwrap();
    let rows = table
        .forward(&Tensor::from_vec(vec![3i64, 0, 1, 1], &[2, 2]).unwrap())
        .unwrap();
    assert_eq!(rows.shape().as_slice(), &[2, 2, 3]);
    assert_close(
        &rows,
        &[9.0, 10.0, 11.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 3.0, 4.0, 5.0],
        0.0,
    );
    assert!(table.forward(&Tensor::from(vec![4i64])).is_err());
}

fn batch_norm_input() -> Tensor {
    // arange(16).reshape(2, 2, 2, 2) ** 1.5 / 10
    let values: Vec<f64> = (0..16).map(|i| (i as f64).powf(1.5) / 10.0).collect();
    f64s(&values, &[2, 2, 2, 2])
}

fn batch_norm_f64() -> nn::BatchNorm {
    let mut bn = nn::BatchNorm::new(2).unwrap();
    bn.weight = f64s(&[2.0, 0.5], &[2]).requires_grad_().unwrap();
    // the reference copied the bias from a float32 tensor: ±0.1 rounded to float32
    let bias = f64::from(0.1f32);
    bn.bias = f64s(&[bias, -bias], &[2]).requires_grad_().unwrap();
    bn.running_mean = Tensor::zeros(&[2], DType::Float64);
    bn.running_var = Tensor::ones(&[2], DType::Float64);
    bn
}

#[test]
fn batch_norm_matches_pytorch_in_training_and_evaluation() {
    let mut bn = batch_norm_f64();
    let x = batch_norm_input();
    assert_close(
        &bn.forward(&x).unwrap(),
        &[
            -2.141080655497039,
            -1.9996403097337225,
            -1.741026945006595,
            -1.4061350601905187,
            -0.7152175155730652,
            -0.6316542689548962,
            -0.5392558449215884,
            -0.4387983140946258,
            1.059349028426513,
            1.6778086801125043,
            2.3316558010412285,
            3.0190694727685616,
            0.16681178230003024,
            0.3061464132829166,
            0.45094858737603777,
            0.6010191486642613,
        ],
        1e-12,
    );
    assert_close(
        &bn.running_mean,
        &[0.1584470573012694, 0.31414609636535196],
        1e-12,
    );
    assert_close(
        &bn.running_var,
        &[1.1285089146579228, 1.3138540587246978],
        1e-12,
    );
    assert_eq!(bn.num_batches_tracked.to_vec::<i64>().unwrap(), [1]);
    bn.eval();
    assert_close(
        &bn.forward(&x).unwrap(),
        &[
            -0.198304462367984,
            -0.01003686753919051,
            0.334196709556501,
            0.7799626566188019,
            0.111933925090807,
            0.25066326639634356,
            0.40406051964551726,
            0.5708372743171694,
            4.061704913027896,
            4.88492059800944,
            5.75523963023927,
            6.670238232159404,
            1.5762540473718627,
            1.8075734654125561,
            2.0479699440623045,
            2.2971128502971214,
        ],
        1e-12,
    );
    assert_eq!(bn.num_batches_tracked.to_vec::<i64>().unwrap(), [1]);
}

#[test]
fn losses_match_pytorch() {
    let logits = f64s(&[1.0, 2.0, 0.5, 0.1, -1.0, 3.0], &[2, 3]);
    let target = Tensor::from(vec![1i64, 2]);
    let ce = |r| {
        F::cross_entropy(&logits, &target, r)
            .unwrap()
            .item()
            .unwrap()
    };
    assert!((ce(Reduction::Mean) - 0.2675715015342181).abs() < 1e-12);
    assert!((ce(Reduction::Sum) - 0.5351430030684362).abs() < 1e-12);
    let flipped = f64s(&[-1.0, 0.5, 2.0, 1.0, 2.0, 3.0], &[2, 3]);
    let mse = F::mse_loss(&x23(), &flipped, Reduction::Mean).unwrap();
    assert!((mse.item().unwrap() - 2.4166666666666665).abs() < 1e-12);
    // target: sigmoid of x flipped along dim 1
    let target_probs = f64s(&[3.0, 2.0, 1.0, 2.0, 0.5, -1.0], &[2, 3])
        .sigmoid()
        .unwrap();
    let bce = F::binary_cross_entropy_with_logits(&x23(), &target_probs, Reduction::Mean).unwrap();
    assert!((bce.item().unwrap() - 0.837897380640832).abs() < 1e-12);
    assert!(matches!(
        F::mse_loss(
            &x23(),
            &Tensor::zeros(&[3], DType::Float64),
            Reduction::Mean
        ),
        Err(Error::Shape(_))
    ));
}

// ------------------------------------------------------------------ gradients

#[test]
fn layer_gradients_match_finite_differences() {
    let x = x23().requires_grad_().unwrap();
    let linear = nn::Linear::from_parameters(
        f64s(&[0.1, -0.2, 0.3, 0.4, 0.5, -0.6], &[2, 3]),
        Some(f64s(&[0.01, -0.02], &[2])),
    )
    .unwrap();
    let params = linear.parameters();
    check_gradients(&[&x, &params[0], &params[1]], || {
        weighted_sum(linear.forward(&x)?)
    });

    let mut ln = nn::LayerNorm::new(&[3], 1e-5).unwrap();
    ln.weight = Some(f64s(&[1.5, -0.5, 2.0], &[3]).requires_grad_().unwrap());
    ln.bias = Some(f64s(&[0.1, 0.2, 0.3], &[3]).requires_grad_().unwrap());
    let p = ln.parameters();
    check_gradients(&[&x, &p[0], &p[1]], || weighted_sum(ln.forward(&x)?));

    let mut rms = nn::RMSNorm::new(&[3], Some(1e-3)).unwrap();
    rms.weight = Some(f64s(&[1.5, -0.5, 2.0], &[3]).requires_grad_().unwrap());
    let p = rms.parameters();
    check_gradients(&[&x, &p[0]], || weighted_sum(rms.forward(&x)?));

    for approximate in [GeluApproximate::None, GeluApproximate::Tanh] {
        check_gradients(&[&x], || weighted_sum(F::gelu(&x, approximate)?));
    }
    let target = f64s(&[0.2, 0.9, 0.5, 0.1, 0.0, 1.0], &[2, 3]);
    check_gradients(&[&x], || {
        F::binary_cross_entropy_with_logits(&x, &target, Reduction::Mean)
    });
    let classes = Tensor::from(vec![2i64, 0]);
    check_gradients(&[&x], || F::cross_entropy(&x, &classes, Reduction::Mean));
}

#[test]
fn convolution_and_batch_norm_gradients_match_finite_differences() {
    let x = ramp(&[1, 2, 3, 3], 10.0, 0.5).requires_grad_().unwrap();
    let conv = conv2d_layer().with_stride([2, 1]);
    let p = conv.parameters();
    check_gradients(&[&x, &p[0], &p[1]], || weighted_sum(conv.forward(&x)?));

    let x1 = ramp(&[2, 2, 5], 5.0, 1.0).requires_grad_().unwrap();
    let mut conv1 = nn::Conv1d::from_parameters(ramp(&[2, 2, 3], 10.0, 0.5), None).unwrap();
    conv1.padding = 1;
    let p = conv1.parameters();
    check_gradients(&[&x1, &p[0]], || weighted_sum(conv1.forward(&x1)?));

    let xb = batch_norm_input().requires_grad_().unwrap();
    let bn = batch_norm_f64();
    let p = bn.parameters();
    check_gradients(&[&xb, &p[0], &p[1]], || weighted_sum(bn.forward(&xb)?));

    let table = nn::Embedding::from_weight(ramp(&[4, 3], 3.0, 1.0)).unwrap();
    let index = Tensor::from_vec(vec![3i64, 0, 1, 1], &[2, 2]).unwrap();
    let p = table.parameters();
    check_gradients(&[&p[0]], || weighted_sum(table.forward(&index)?));
}

// ------------------------------------------------------------------ optimizers

/// The starting `p = [1, -2, 3]` and `q = [[0.5, -0.5], [2, 1]]` of the optimizer tests.
fn start_pq() -> (Tensor, Tensor) {
    let p = f64s(&[1.0, -2.0, 3.0], &[3]).requires_grad_().unwrap();
    let q = f64s(&[0.5, -0.5, 2.0, 1.0], &[2, 2])
        .requires_grad_()
        .unwrap();
    (p, q)
}

/// `steps` steps of `opt` on `sum(p² · [1, 2, 3]) + sum(sin p) + sum(q³) + sum(q[0] · q[1])`.
fn run_steps(opt: &mut dyn Optimizer, p: &Tensor, q: &Tensor, steps: usize) {
    let row = |i: i64| q.index_select(0, &Tensor::from(vec![i])).unwrap();
    for _ in 0..steps {
        opt.zero_grad().unwrap();
        let loss = (((p * p).unwrap() * f64s(&[1.0, 2.0, 3.0], &[3]))
            .unwrap()
            .sum()
            .unwrap()
            + p.sin().unwrap().sum().unwrap())
        .unwrap();
        let loss = (loss + q.pow(&Tensor::from(3.0f64)).unwrap().sum().unwrap()).unwrap();
        let loss = (loss + (row(0) * row(1)).unwrap().sum().unwrap()).unwrap();
        loss.backward().unwrap();
        opt.step().unwrap();
    }
}

/// Three steps from [`start_pq`]; returns the final `(p, q)`.
fn three_steps(make: impl Fn(Vec<Tensor>) -> Box<dyn Optimizer>) -> (Tensor, Tensor) {
    let (p, q) = start_pq();
    run_steps(&mut *make(vec![p.clone(), q.clone()]), &p, &q, 3);
    (p, q)
}

fn check_trajectory(
    make: impl Fn(Vec<Tensor>) -> Box<dyn Optimizer>,
    expected_p: &[f64],
    expected_q: &[f64],
) {
    let (p, q) = three_steps(make);
    assert_close(&p, expected_p, 1e-12);
    assert_close(&q, expected_q, 1e-12);
}

#[test]
fn sgd_matches_pytorch() {
    let sgd = |config: SgdConfig| {
        move |ps: Vec<Tensor>| Box::new(Sgd::new(ps, config).unwrap()) as Box<dyn Optimizer>
    };
    check_trajectory(
        sgd(SgdConfig {
            lr: 0.1,
            ..Default::default()
        }),
        &[0.3320504102631904, -0.5152433640215568, 0.10899799159104476],
        &[
            0.07348517695312498,
            -1.1874269167968752,
            0.45160828124999997,
            0.61115578125,
        ],
    );
    check_trajectory(
        sgd(SgdConfig {
            lr: 0.05,
            momentum: 0.9,
            dampening: 0.1,
            weight_decay: 0.01,
            ..Default::default()
        }),
        &[0.3549147689906745, -0.17784260668021168, -0.619641113149629],
        &[
            -0.05246093547280647,
            -1.0058548825186906,
            -0.2594190390906447,
            0.4834810373724879,
        ],
    );
    check_trajectory(
        sgd(SgdConfig {
            lr: 0.05,
            momentum: 0.8,
            nesterov: true,
            weight_decay: 0.1,
            ..Default::default()
        }),
        &[
            0.15786179189953697,
            -0.04025392842453998,
            -0.7801196257136613,
        ],
        &[
            -0.06498826163141938,
            -1.2481178676099747,
            -0.20499755830869726,
            0.45666736389504564,
        ],
    );
    let bad = Sgd::new(
        vec![],
        SgdConfig {
            nesterov: true,
            ..Default::default()
        },
    );
    assert!(matches!(bad, Err(Error::Value(_))));
}

#[test]
fn adam_and_adamw_match_pytorch() {
    let adam = |config: AdamConfig| {
        move |ps: Vec<Tensor>| Box::new(Adam::new(ps, config).unwrap()) as Box<dyn Optimizer>
    };
    let adamw = |config: AdamConfig| {
        move |ps: Vec<Tensor>| Box::new(AdamW::new(ps, config).unwrap()) as Box<dyn Optimizer>
    };
    check_trajectory(
        adam(AdamConfig {
            lr: 0.1,
            ..Default::default()
        }),
        &[0.7005866648102933, -1.7007644381054952, 2.7003897639578596],
        &[
            0.2022684124366599,
            -0.8004685891199939,
            1.7015827380501882,
            0.7079710759180678,
        ],
    );
    check_trajectory(
        adam(AdamConfig {
            lr: 0.1,
            betas: (0.8, 0.9),
            weight_decay: 0.1,
            amsgrad: true,
            ..Default::default()
        }),
        &[0.7006772659293615, -1.7008324219971798, 2.7004291837054275],
        &[
            0.20247978434080988,
            -0.8006170886012206,
            1.701694517867193,
            0.7081470137846156,
        ],
    );
    check_trajectory(
        adamw(AdamConfig {
            lr: 0.1,
            ..AdamConfig::adamw()
        }),
        &[0.6978967598909216, -1.695089710249155, 2.691712007467457],
        &[
            0.2010986439620536,
            -0.7986731362641277,
            1.6959292270848503,
            0.7053764402037449,
        ],
    );
    check_trajectory(
        adamw(AdamConfig {
            lr: 0.05,
            weight_decay: 0.5,
            amsgrad: true,
            ..AdamConfig::adamw()
        }),
        &[0.7807786932250665, -1.7078128171419407, 2.6345459081340405],
        &[
            0.31789569849907884,
            -0.6098150181115781,
            1.7081808639115224,
            0.7826277178108876,
        ],
    );
    let bad = Adam::new(
        vec![],
        AdamConfig {
            betas: (1.0, 0.999),
            ..Default::default()
        },
    );
    assert!(matches!(bad, Err(Error::Value(_))));
}

#[test]
fn rmsprop_matches_pytorch() {
    let rmsprop = |config: RMSpropConfig| {
        move |ps: Vec<Tensor>| Box::new(RMSprop::new(ps, config).unwrap()) as Box<dyn Optimizer>
    };
    check_trajectory(
        rmsprop(RMSpropConfig {
            lr: 0.01,
            ..Default::default()
        }),
        &[0.7751180215543516, -1.7761255541367091, 2.7739457883652054],
        &[
            0.2828620912897796,
            -0.7394852906613919,
            1.7800087306907542,
            0.7981727934405943,
        ],
    );
    check_trajectory(
        rmsprop(RMSpropConfig {
            lr: 0.01,
            alpha: 0.9,
            momentum: 0.5,
            centered: true,
            weight_decay: 0.1,
            ..Default::default()
        }),
        &[0.881635794154928, -1.8817837669979114, 2.881427575448759],
        &[
            0.3830404021314336,
            -0.6207524960564323,
            1.882443225595011,
            0.8851710303610304,
        ],
    );
}

#[test]
fn schedulers_match_pytorch() {
    let mut opt = Sgd::new(
        vec![],
        SgdConfig {
            lr: 0.1,
            ..Default::default()
        },
    )
    .unwrap();
    let mut step = StepLR::new(&opt, 3, 0.5).unwrap();
    let lrs: Vec<f64> = (0..7)
        .map(|_| {
            step.step(&mut opt);
            opt.lr()
        })
        .collect();
    let expected = [0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025];
    assert!(
        lrs.iter().zip(expected).all(|(a, e)| (a - e).abs() < 1e-15),
        "{lrs:?}"
    );

    opt.set_lr(0.1);
    let mut cosine = CosineAnnealingLR::new(&opt, 5, 0.01).unwrap();
    let lrs: Vec<f64> = (0..5)
        .map(|_| {
            cosine.step(&mut opt);
            opt.lr()
        })
        .collect();
    let expected = [
        0.09140576474687263,
        0.06890576474687263,
        0.04109423525312736,
        0.018594235253127367,
        0.01,
    ];
    assert!(
        lrs.iter().zip(expected).all(|(a, e)| (a - e).abs() < 1e-15),
        "{lrs:?}"
    );
    assert_eq!(cosine.last_epoch(), 5);
}

/// Two steps, the optimizer's state through a safetensors file into a new optimizer, and a
/// third step: the same parameters as three uninterrupted steps.
fn check_resumes(make: impl Fn(Vec<Tensor>) -> Box<dyn Optimizer>, keys: &[&str]) {
    let (p, q) = start_pq();
    let mut first = make(vec![p.clone(), q.clone()]);
    assert!(first.state_dict().is_empty());
    run_steps(&mut *first, &p, &q, 2);
    let state = first.state_dict();
    assert_eq!(state.keys(), keys);
    if let Some(step) = state.get("state.0.step") {
        assert_eq!((step.dtype(), step.item().unwrap()), (DType::Float32, 2.0));
    }
    let bytes = serialize::state_dict_to_bytes(&state).unwrap();
    drop(first);
    let mut second = make(vec![p.clone(), q.clone()]);
    second
        .load_state_dict(&serialize::state_dict_from_bytes(&bytes).unwrap())
        .unwrap();
    run_steps(&mut *second, &p, &q, 1);
    let (p3, q3) = three_steps(&make);
    assert_close(&p, &p3.to_vec::<f64>().unwrap(), 0.0);
    assert_close(&q, &q3.to_vec::<f64>().unwrap(), 0.0);
}

#[test]
fn optimizer_state_round_trips_through_safetensors() {
    let both = |names: &[&str]| -> Vec<String> {
        (0..2)
            .flat_map(|i| names.iter().map(move |n| format!("state.{i}.{n}")))
            .collect()
    };
    let keys = both(&["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"]);
    let amsgrad = AdamConfig {
        lr: 0.1,
        amsgrad: true,
        weight_decay: 0.1,
        ..Default::default()
    };
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    check_resumes(|ps| Box::new(Adam::new(ps, amsgrad).unwrap()), &keys);
    check_resumes(|ps| Box::new(AdamW::new(ps, amsgrad).unwrap()), &keys);

    let keys = both(&["momentum_buffer"]);
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let nesterov = SgdConfig {
        lr: 0.05,
        momentum: 0.8,
        nesterov: true,
        ..Default::default()
    };
    check_resumes(|ps| Box::new(Sgd::new(ps, nesterov).unwrap()), &keys);
    let plain = SgdConfig {
        lr: 0.05,
        ..Default::default()
    };
    check_resumes(|ps| Box::new(Sgd::new(ps, plain).unwrap()), &[]);

    let keys = both(&["step", "square_avg", "momentum_buffer", "grad_avg"]);
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let centered = RMSpropConfig {
        lr: 0.01,
        momentum: 0.5,
        centered: true,
        ..Default::default()
    };
    check_resumes(|ps| Box::new(RMSprop::new(ps, centered).unwrap()), &keys);
}

#[test]
fn optimizer_load_state_dict_checks_before_changing_anything() {
    let (p, q) = start_pq();
    let mut adam = Adam::new(vec![p.clone(), q.clone()], AdamConfig::default()).unwrap();
    run_steps(&mut adam, &p, &q, 1);
    let good = adam.state_dict();
    let with = |name: &str, t: Tensor| {
        let mut state = good.clone();
        state.insert(name, t);
        state
    };
    let unknown = with(
        "state.0.momentum_buffer",
        Tensor::zeros(&[3], DType::Float64),
    );
    assert!(matches!(
        adam.load_state_dict(&unknown),
        Err(Error::Value(_))
    ));
    let no_such_param = with("state.2.exp_avg", Tensor::zeros(&[3], DType::Float64));
    assert!(matches!(
        adam.load_state_dict(&no_such_param),
        Err(Error::Value(_))
    ));
    let wrong_shape = with("state.1.exp_avg", Tensor::zeros(&[4], DType::Float64));
    assert!(matches!(
        adam.load_state_dict(&wrong_shape),
        Err(Error::Shape(_))
    ));
    let bad_step = with("state.1.step", Tensor::from(1.5f32));
    assert!(matches!(
        adam.load_state_dict(&bad_step),
        Err(Error::Value(_))
    ));
    let missing: StateDict = good
        .iter()
        .filter(|(k, _)| *k != "state.1.exp_avg")
        .map(|(k, t)| (k.to_string(), t.clone()))
        .collect();
    assert!(matches!(
        adam.load_state_dict(&missing),
        Err(Error::Value(_))
    ));
    // none of those changed the state
    let after = adam.state_dict();
    assert_eq!(after.keys(), good.keys());
    for (name, t) in good.iter() {
        let kept = after.get(name).unwrap();
        assert_close(
            kept,
            &t.to_dtype(DType::Float64).unwrap().to_vec::<f64>().unwrap(),
            0.0,
        );
    }
    // a float32 state loads into float64 parameters' buffers as float64
    let narrow: StateDict = good
        .iter()
        .map(|(k, t)| (k.to_string(), t.to_dtype(DType::Float32).unwrap()))
        .collect();
    adam.load_state_dict(&narrow).unwrap();
    assert_eq!(
        adam.state_dict().get("state.0.exp_avg").unwrap().dtype(),
        DType::Float64
    );
    let mut sgd = Sgd::new(vec![p.clone()], SgdConfig::default()).unwrap();
    let buffer = with(
        "state.0.momentum_buffer",
        Tensor::zeros(&[3], DType::Float64),
    );
    assert!(matches!(sgd.load_state_dict(&buffer), Err(Error::Value(_))));
}

#[test]
fn zero_grad_clears_gradients_and_parameters_without_one_are_skipped() {
    let used = f64s(&[1.0], &[1]).requires_grad_().unwrap();
    let unused = f64s(&[5.0], &[1]).requires_grad_().unwrap();
    let mut opt = Adam::new(vec![used.clone(), unused.clone()], AdamConfig::default()).unwrap();
    (&used * 3.0).unwrap().sum().unwrap().backward().unwrap();
    opt.step().unwrap();
    assert_eq!(unused.to_vec::<f64>().unwrap(), [5.0]);
    assert!(used.to_vec::<f64>().unwrap()[0] < 1.0);
    opt.zero_grad().unwrap();
    assert!(used.grad().is_none());
    let not_a_leaf = (&used * 2.0).unwrap();
    assert!(Sgd::new(vec![not_a_leaf], SgdConfig::default()).is_err());
}

// ------------------------------------------------------------------ state dicts and files

fn linear_batch_norm() -> nn::Sequential {
    nn::Sequential::new()
        .add(nn::Linear::new(3, 2, true).unwrap())
        .add(nn::BatchNorm::new(2).unwrap())
}

#[test]
fn state_dict_names_and_order_follow_pytorch() {
    let model = linear_batch_norm();
    let keys: Vec<String> = model
        .state_dict()
        .keys()
        .iter()
        .map(|k| k.to_string())
        .collect();
    assert_eq!(
        keys,
        [
            "0.weight",
            "0.bias",
            "1.weight",
            "1.bias",
            "1.running_mean",
            "1.running_var",
            "1.num_batches_tracked"
        ]
    );
    let names: Vec<String> = model
        .named_parameters()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(names, ["0.weight", "0.bias", "1.weight", "1.bias"]);
    assert_eq!(model.named_buffers().len(), 3);
    let mut kinds = Vec::new();
    model.visit(&mut |_, _, kind| kinds.push(kind));
    assert_eq!(
        kinds.iter().filter(|&&k| k == TensorKind::Buffer).count(),
        3
    );
    // the default initialisation stays within PyTorch's bound 1/sqrt(fan_in)
    let bound = 1.0 / 3f32.sqrt();
    let w = model.parameters()[0].to_vec::<f32>().unwrap();
    assert!(w.iter().all(|v| v.abs() <= bound) && w.iter().any(|&v| v != w[0]));
}

#[test]
fn load_state_dict_checks_keys_and_shapes_before_copying() {
    let model = linear_batch_norm();
    let before = model.parameters()[0].to_vec::<f32>().unwrap();
    let mut state = linear_batch_norm().state_dict();
    state.insert("0.weight", Tensor::zeros(&[3, 2], DType::Float32));
    assert!(matches!(
        model.load_state_dict(&state, true),
        Err(Error::Shape(_))
    ));
    assert_eq!(model.parameters()[0].to_vec::<f32>().unwrap(), before);

    let mut partial = nn::StateDict::new();
    partial.insert("0.bias", Tensor::from(vec![7.0f32, 8.0]));
    let err = model.load_state_dict(&partial, true).unwrap_err();
    assert!(err.to_string().contains("1.running_var"), "{err}");
    model.load_state_dict(&partial, false).unwrap();
    assert_eq!(model.parameters()[1].to_vec::<f32>().unwrap(), [7.0, 8.0]);
    // the parameter is still a trainable leaf after loading
    assert!(model.parameters()[1].requires_grad() && model.parameters()[1].is_leaf());
}

fn temporary_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!(
        "ferrograd-{}-{name}.safetensors",
        std::process::id()
    ))
}

#[test]
fn safetensors_round_trip_keeps_names_order_dtypes_and_values() {
    let model = linear_batch_norm();
    model
        .forward(&Tensor::randn(&[4, 3], DType::Float32).unwrap())
        .unwrap();
    let path = temporary_path("round-trip");
    serialize::save_state_dict(&model.state_dict(), &path).unwrap();
    let loaded = serialize::load_state_dict(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(loaded.keys(), model.state_dict().keys());
    for ((_, a), (_, b)) in loaded.iter().zip(model.state_dict().iter()) {
        assert_eq!(a.dtype(), b.dtype());
        assert_eq!(a.shape(), b.shape());
        assert_eq!(
            a.to_dtype(DType::Float64).unwrap().to_vec::<f64>().unwrap(),
            b.to_dtype(DType::Float64).unwrap().to_vec::<f64>().unwrap()
        );
    }
    let restored = linear_batch_norm();
    restored.load_state_dict(&loaded, true).unwrap();
    assert_eq!(
        restored.named_buffers()[2].1.to_vec::<i64>().unwrap(),
        [1],
        "num_batches_tracked"
    );
    // bytes that are not safetensors are a clear error, not a panic
    let garbage = serialize::state_dict_from_bytes(b"not a safetensors file at all");
    assert!(matches!(garbage, Err(Error::Value(_))));
}

/// tests/fixtures/python_state_dict.safetensors is written by make_state_dict.py beside it: the
/// Python package's `ferrograd.save` of this model after one training batch.
#[test]
fn loads_a_state_dict_saved_by_the_python_package() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/python_state_dict.safetensors"
    );
    let state = serialize::load_state_dict(path).unwrap();
    let model = linear_batch_norm();
    assert_eq!(state.keys(), model.state_dict().keys());
    model.load_state_dict(&state, true).unwrap();
    let params = model.parameters();
    assert_close(&params[0], &[-0.25, -0.15, -0.05, 0.05, 0.15, 0.25], 1e-7);
    assert_close(&params[1], &[0.5, -1.5], 0.0);
    assert_eq!(
        state.get("1.num_batches_tracked").unwrap().dtype(),
        DType::Int64
    );

    // the same batch through the same model in Rust moves the running statistics the same way
    let fresh = linear_batch_norm();
    let mut initial = state.clone();
    initial.insert("1.running_mean", Tensor::zeros(&[2], DType::Float32));
    initial.insert("1.running_var", Tensor::ones(&[2], DType::Float32));
    initial.insert("1.num_batches_tracked", Tensor::from(0i64));
    fresh.load_state_dict(&initial, true).unwrap();
    let batch = Tensor::from([[1.0f32, 2.0, 3.0], [-1.0, 0.0, 4.0], [0.5, 0.5, 0.5]]);
    fresh.forward(&batch).unwrap();
    let ours = fresh.state_dict();
    for name in ["1.running_mean", "1.running_var", "1.num_batches_tracked"] {
        let expected = state
            .get(name)
            .unwrap()
            .to_dtype(DType::Float64)
            .unwrap()
            .to_vec::<f64>()
            .unwrap();
        assert_close(ours.get(name).unwrap(), &expected, 1e-6);
    }
}

// ------------------------------------------------------------------ training

/// Two interleaved spirals-free blobs: points around 4 centres, one class each.
fn four_blobs(n: usize) -> (Tensor, Tensor) {
    let centres = [[2.0f32, 2.0], [-2.0, 2.0], [-2.0, -2.0], [2.0, -2.0]];
    let noise = Tensor::randn(&[n, 2], DType::Float32)
        .unwrap()
        .to_vec::<f32>()
        .unwrap();
    let mut points = Vec::with_capacity(2 * n);
    let mut labels = Vec::with_capacity(n);
    for i in 0..n {
        let c = i % 4;
        points.push(centres[c][0] + 0.7 * noise[2 * i]);
        points.push(centres[c][1] + 0.7 * noise[2 * i + 1]);
        labels.push(c as i64);
    }
    (
        Tensor::from_vec(points, &[n, 2]).unwrap(),
        Tensor::from(labels),
    )
}

#[test]
fn an_mlp_learns_to_classify() {
    ferrograd::ops::manual_seed(7);
    let (x, y) = four_blobs(256);
    let mut model = nn::Sequential::new()
        .add(nn::Linear::new(2, 32, true).unwrap())
        .add(nn::GELU::default())
        .add(nn::Dropout::new(0.1).unwrap())
        .add(nn::Linear::new(32, 4, true).unwrap());
    let mut opt = AdamW::new(
        model.parameters(),
        AdamConfig {
            lr: 0.02,
            ..AdamConfig::adamw()
        },
    )
    .unwrap();
    let loss_of = |model: &nn::Sequential| {
        F::cross_entropy(&model.forward(&x).unwrap(), &y, Reduction::Mean).unwrap()
    };
    let first = loss_of(&model).item().unwrap();
    for _ in 0..150 {
        opt.zero_grad().unwrap();
        loss_of(&model).backward().unwrap();
        opt.step().unwrap();
    }
    model.eval();
    let last = loss_of(&model).item().unwrap();
    let predicted = model.forward(&x).unwrap().argmax(Some(1), false).unwrap();
    let accuracy = predicted
        .eq(&y)
        .unwrap()
        .to_dtype(DType::Float64)
        .unwrap()
        .mean()
        .unwrap()
        .item()
        .unwrap();
    assert!(last < first / 4.0, "loss {first} -> {last}");
    assert!(accuracy > 0.95, "accuracy {accuracy}");
}

// ------------------------------------------------------------------ ergonomics

#[test]
fn operators_and_display_follow_pytorch() {
    let a = Tensor::from([[1.0f32, 2.5], [-3.0, 4.0]]);
    assert_eq!(
        a.to_string(),
        "tensor([[ 1.0000,  2.5000],\n        [-3.0000,  4.0000]])"
    );
    assert_eq!(
        Tensor::from(vec![1e-5f32, 1.0]).to_string(),
        "tensor([1.0000e-05, 1.0000e+00])"
    );
    let w = Tensor::from(vec![1.0f64, 2.0]).requires_grad_().unwrap();
    assert_eq!(
        w.to_string(),
        "tensor([1., 2.], dtype=torch.float64, requires_grad=True)"
    );
    assert_eq!(
        (&w * 2.0).unwrap().to_string(),
        "tensor([2., 4.], dtype=torch.float64, grad_fn=<MulBackward0>)"
    );
    let cube = Tensor::arange(0.0, 24.0, 1.0, DType::Float32, Device::Cpu)
        .unwrap()
        .reshape(&[2, 3, 4])
        .unwrap();
    assert_eq!(
        cube.to_string(),
        "tensor([[[ 0.,  1.,  2.,  3.],\n         [ 4.,  5.,  6.,  7.],\n         [ 8.,  9., 10., 11.]],\n\n        [[12., 13., 14., 15.],\n         [16., 17., 18., 19.],\n         [20., 21., 22., 23.]]])"
    );
    assert_eq!(
        Tensor::from(vec![true, false]).to_string(),
        "tensor([ True, False])"
    );
    assert_eq!(
        Tensor::arange(0.0, 2000.0, 1.0, DType::Int64, Device::Cpu)
            .unwrap()
            .to_string(),
        "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])"
    );
    assert_eq!(
        Tensor::from(vec![1.0f32, f32::NAN, f32::INFINITY]).to_string(),
        "tensor([1., nan, inf])"
    );
    assert_eq!(
        Tensor::from(vec![0.0f32, 123.456, -0.5]).to_string(),
        "tensor([  0.0000, 123.4560,  -0.5000])"
    );

    let b = Tensor::from([[10.0f32, 20.0], [30.0, 40.0]]);
    assert_eq!(
        (&a + &b).unwrap().to_vec::<f32>().unwrap(),
        [11.0, 22.5, 27.0, 44.0]
    );
    assert_eq!(
        (&b - &a).unwrap().to_vec::<f32>().unwrap(),
        [9.0, 17.5, 33.0, 36.0]
    );
    assert_eq!(
        (&a * 2.0).unwrap().to_vec::<f32>().unwrap(),
        [2.0, 5.0, -6.0, 8.0]
    );
    assert_eq!(
        (10.0 / &b).unwrap().to_vec::<f32>().unwrap(),
        [1.0, 0.5, 1.0 / 3.0, 0.25]
    );
    assert_eq!(
        (-a.clone()).unwrap().to_vec::<f32>().unwrap(),
        [-1.0, -2.5, 3.0, -4.0]
    );
    // an f64 constant keeps a float32 tensor float32, as Python numbers do
    assert_eq!((a.clone() * 0.5f64).unwrap().dtype(), DType::Float32);
    // shapes that do not broadcast are an error, not a panic
    assert!((&a + &Tensor::from(vec![1.0f32, 2.0, 3.0])).is_err());
    // and errors are std errors
    let err: Box<dyn std::error::Error> =
        Box::new((&a + &Tensor::zeros(&[3], DType::Float32)).unwrap_err());
    assert!(!err.to_string().is_empty());
}
