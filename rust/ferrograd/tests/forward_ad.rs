//! Forward-mode AD: the tangent of every operation against central differences (J·v as a
//! directional derivative, float64), dual levels, and forward-over-reverse.

use ferrograd::autograd::forward::{
    current_dual_level, enter_dual_level, exit_dual_level, DualLevel,
};
use ferrograd::autograd::{grad, no_grad, BackwardOptions};
use ferrograd::ops::IndexItem;
use ferrograd::ops::Window2d;
use ferrograd::{DType, Error, Result, Tensor};

/// Deterministic values in ±[0.3, 1.3) (away from the kinks of abs, relu, clamp, ...).
fn values(n: usize, seed: u64) -> Vec<f64> {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let u = (state >> 11) as f64 / (1u64 << 53) as f64;
            let v = 0.3 + (u * 2.0 % 1.0);
            if u < 0.5 {
                -v
            } else {
                v
            }
        })
        .collect()
}

fn t(shape: &[usize], seed: u64) -> Tensor {
    Tensor::from_vec(values(shape.iter().product(), seed), shape).unwrap()
}

fn index(values: Vec<i64>, shape: &[usize]) -> Tensor {
    Tensor::from_vec(values, shape).unwrap()
}

fn perturbed(x: &Tensor, v: &Tensor, eps: f64) -> Tensor {
    x.add(&v.mul(&Tensor::scalar(eps)).unwrap()).unwrap()
}

/// Checks the tangent of `f` at `inputs` against central differences, for every non-empty
/// set of dual inputs.
fn check(name: &str, f: impl Fn(&[Tensor]) -> Result<Tensor>, inputs: &[Tensor]) {
    let n = inputs.len();
    let directions: Vec<Tensor> = inputs
        .iter()
        .enumerate()
        .map(|(i, x)| t(&x.shape(), 1000 + i as u64))
        .collect();
    for subset in 1..(1u32 << n) {
        let dual_at = |i: usize| subset & (1 << i) != 0;
        let tangent = {
            let _level = DualLevel::new().unwrap();
            let args: Vec<Tensor> = inputs
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    if dual_at(i) {
                        x.make_dual(&directions[i]).unwrap()
                    } else {
                        x.clone()
                    }
                })
                .collect();
            let out = f(&args).unwrap_or_else(|e| panic!("{name}: {e}"));
            out.tangent()
                .unwrap_or_else(|| panic!("{name}: the output has no tangent"))
        };
        let eps = 1e-6;
        let shifted = |sign: f64| -> Vec<Tensor> {
            inputs
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    if dual_at(i) {
                        perturbed(x, &directions[i], sign * eps)
                    } else {
                        x.clone()
                    }
                })
                .collect()
        };
        let (plus, minus) = (f(&shifted(1.0)).unwrap(), f(&shifted(-1.0)).unwrap());
        let numeric: Vec<f64> = plus
            .to_vec::<f64>()
            .unwrap()
            .iter()
            .zip(minus.to_vec::<f64>().unwrap())
            .map(|(p, m)| (p - m) / (2.0 * eps))
            .collect();
        assert_eq!(tangent.shape(), plus.shape(), "{name}: tangent shape");
        let analytic = tangent.to_vec::<f64>().unwrap();
        for (k, (a, b)) in analytic.iter().zip(&numeric).enumerate() {
            assert!(
                (a - b).abs() <= 1e-5 * (1.0 + b.abs()),
                "{name} (dual inputs {subset:b}) element {k}: tangent {a} vs numeric {b}"
            );
        }
    }
}

#[test]
fn unary_tangents_match_finite_differences() {
    type F = fn(&Tensor) -> Result<Tensor>;
    let cases: &[(&str, F)] = &[
        ("neg", Tensor::neg),
        ("abs", Tensor::abs),
        ("exp", Tensor::exp),
        ("sqrt", |x| x.abs()?.sqrt()),
        ("rsqrt", |x| x.abs()?.rsqrt()),
        ("log", |x| x.abs()?.log()),
        ("sin", Tensor::sin),
        ("cos", Tensor::cos),
        ("tan", Tensor::tan),
        ("tanh", Tensor::tanh),
        ("sigmoid", Tensor::sigmoid),
        ("relu", Tensor::relu),
        ("log1p", |x| x.abs()?.log1p()),
        ("expm1", Tensor::expm1),
        ("erf", Tensor::erf),
        ("reciprocal", Tensor::reciprocal),
        ("square", Tensor::square),
        ("clamp", |x| x.clamp(Some(-0.9), Some(0.8))),
        ("clamp_min", |x| x.clamp(Some(0.5), None)),
        ("clone", Tensor::clone_tensor),
    ];
    for (name, f) in cases {
        check(name, |a| f(&a[0]), &[t(&[2, 3], 1)]);
    }
}

#[test]
fn binary_tangents_match_finite_differences() {
    type F = fn(&Tensor, &Tensor) -> Result<Tensor>;
    let cases: &[(&str, F)] = &[
        ("add", Tensor::add),
        ("sub", Tensor::sub),
        ("rsub", Tensor::rsub),
        ("mul", Tensor::mul),
        ("div", Tensor::div),
        ("pow", |a, b| a.abs()?.pow(b)),
        ("remainder", Tensor::remainder),
        ("atan2", Tensor::atan2),
        ("maximum", Tensor::maximum),
        ("minimum", Tensor::minimum),
    ];
    for (name, f) in cases {
        // Same shapes, and broadcasting either way.
        check(name, |a| f(&a[0], &a[1]), &[t(&[2, 3], 2), t(&[2, 3], 3)]);
        check(name, |a| f(&a[0], &a[1]), &[t(&[2, 3], 4), t(&[3], 5)]);
        check(name, |a| f(&a[0], &a[1]), &[t(&[2, 1], 6), t(&[1, 3], 7)]);
    }
    check(
        "pow scalar exponent",
        |a| a[0].abs()?.pow(&Tensor::scalar(2.5f64)),
        &[t(&[4], 8)],
    );
    check(
        "where",
        |a| a[0].where_(&a[0].gt(&a[1])?, &a[1]),
        &[t(&[2, 3], 9), t(&[3], 10)],
    );
}

#[test]
fn reduction_tangents_match_finite_differences() {
    let x = t(&[2, 3, 4], 11);
    check("sum", |a| a[0].sum(), std::slice::from_ref(&x));
    check(
        "sum_dims",
        |a| a[0].sum_dims(&[0, 2], false),
        std::slice::from_ref(&x),
    );
    check(
        "sum_dims keepdim",
        |a| a[0].sum_dims(&[1], true),
        std::slice::from_ref(&x),
    );
    check("mean", |a| a[0].mean(), std::slice::from_ref(&x));
    check(
        "mean_dims",
        |a| a[0].mean_dims(&[-1], false),
        std::slice::from_ref(&x),
    );
    check(
        "mean_dims keepdim",
        |a| a[0].mean_dims(&[0, 1], true),
        std::slice::from_ref(&x),
    );
    check("max", |a| a[0].max(), std::slice::from_ref(&x));
    check("min", |a| a[0].min(), std::slice::from_ref(&x));
    check(
        "max_dim",
        |a| Ok(a[0].max_dim(1, false)?.0),
        std::slice::from_ref(&x),
    );
    check(
        "min_dim keepdim",
        |a| Ok(a[0].min_dim(2, true)?.0),
        std::slice::from_ref(&x),
    );
    check(
        "logsumexp",
        |a| a[0].logsumexp(1, false),
        std::slice::from_ref(&x),
    );
    check(
        "logsumexp keepdim",
        |a| a[0].logsumexp(-1, true),
        std::slice::from_ref(&x),
    );
    check("softmax", |a| a[0].softmax(1), std::slice::from_ref(&x));
    check("log_softmax", |a| a[0].log_softmax(-1), &[x]);
}

#[test]
fn shape_and_index_tangents_match_finite_differences() {
    let x = t(&[2, 3, 4], 12);
    check(
        "reshape",
        |a| a[0].reshape(&[4, -1]),
        std::slice::from_ref(&x),
    );
    check("flatten", |a| a[0].flatten(1, 2), std::slice::from_ref(&x));
    check(
        "unsqueeze/squeeze",
        |a| a[0].unsqueeze(1)?.squeeze(Some(1))?.unsqueeze(0),
        std::slice::from_ref(&x),
    );
    check(
        "transpose",
        |a| a[0].transpose(0, 2),
        std::slice::from_ref(&x),
    );
    check(
        "permute",
        |a| a[0].permute(&[1, 2, 0]),
        std::slice::from_ref(&x),
    );
    check(
        "expand",
        |a| a[0].expand(&[5, 2, 3, 4]),
        std::slice::from_ref(&x),
    );
    let items = [
        IndexItem::Int(1),
        IndexItem::Slice {
            start: Some(0),
            stop: None,
            step: 2,
        },
    ];
    check("index", |a| a[0].index(&items), std::slice::from_ref(&x));
    check(
        "index_put (CopySlices)",
        |a| {
            let y = a[0].clone_tensor()?;
            y.index_put(&[IndexItem::Int(0)], &a[1])?;
            Ok(y)
        },
        &[x.clone(), t(&[3, 4], 13)],
    );
    check(
        "in-place mul_",
        |a| {
            let y = a[0].mul(&Tensor::scalar(1.0f64))?;
            y.mul_(&a[1])?;
            y.add_(&a[1])?;
            Ok(y)
        },
        &[x.clone(), t(&[4], 14)],
    );
    let idx = index(vec![2, 0, 1, 1, 0, 2], &[2, 3, 1]);
    check(
        "gather",
        |a| a[0].gather(1, &idx.expand(&[2, 3, 4]).unwrap()),
        std::slice::from_ref(&x),
    );
    let idx = index(vec![2, 0], &[2]);
    check(
        "index_select",
        |a| a[0].index_select(1, &idx),
        std::slice::from_ref(&x),
    );
    check(
        "index_add_zeros",
        |a| a[0].index_add_zeros(1, &idx, 4),
        &[t(&[2, 2, 3], 49)],
    );
    let idx = index(vec![0, 1, 0, 1, 1, 0, 0, 1], &[2, 4]);
    check(
        "scatter_add",
        |a| a[0].scatter_add(1, &idx, &a[1]),
        &[t(&[2, 3], 15), t(&[2, 4], 16)],
    );
    check(
        "cat",
        |a| Tensor::cat(&[a[0].clone(), a[1].clone()], 1),
        &[t(&[2, 3], 17), t(&[2, 2], 18)],
    );
    check(
        "stack",
        |a| Tensor::stack(&[a[0].clone(), a[1].clone()], 0),
        &[t(&[2, 3], 19), t(&[2, 3], 20)],
    );
    check("sort", |a| Ok(a[0].sort(-1, true)?.0), &[t(&[2, 5], 21)]);
}

#[test]
fn matmul_and_nn_tangents_match_finite_differences() {
    check(
        "mm",
        |a| a[0].matmul(&a[1]),
        &[t(&[2, 3], 22), t(&[3, 4], 23)],
    );
    check("mv", |a| a[0].matmul(&a[1]), &[t(&[2, 3], 24), t(&[3], 25)]);
    check("vm", |a| a[0].matmul(&a[1]), &[t(&[3], 26), t(&[3, 2], 27)]);
    check("dot", |a| a[0].matmul(&a[1]), &[t(&[3], 28), t(&[3], 29)]);
    check(
        "bmm broadcast",
        |a| a[0].matmul(&a[1]),
        &[t(&[2, 2, 3], 30), t(&[3, 2], 31)],
    );
    let window = Window2d {
        kernel: [2, 2],
        stride: [1, 1],
        padding: [1, 0],
        dilation: [1, 1],
    };
    check("im2col", |a| a[0].im2col(window), &[t(&[1, 2, 3, 3], 32)]);
    check(
        "col2im",
        |a| a[0].col2im(window, [3, 3]),
        &[t(&[1, 8, 8], 33)],
    );
    check(
        "conv2d",
        |a| a[0].conv2d(&a[1], Some(&a[2]), [1, 1], [1, 1], [1, 1], 1),
        &[t(&[1, 2, 3, 3], 34), t(&[2, 2, 2, 2], 35), t(&[2], 36)],
    );
    let pool = Window2d {
        kernel: [2, 2],
        stride: [2, 2],
        padding: [0, 0],
        dilation: [1, 1],
    };
    check(
        "max_pool2d",
        |a| Ok(a[0].max_pool2d(pool)?.0),
        &[t(&[1, 2, 4, 4], 37)],
    );
    check(
        "avg_pool2d",
        |a| a[0].avg_pool2d(pool),
        &[t(&[1, 2, 4, 4], 38)],
    );
}

#[test]
fn tangents_propagate_under_no_grad_and_without_requires_grad() {
    let _level = DualLevel::new().unwrap();
    let x = t(&[3], 40);
    let v = Tensor::ones(&[3], DType::Float64);
    let dual = x.make_dual(&v).unwrap();
    let y = no_grad(|| dual.exp()).unwrap();
    assert!(!y.requires_grad());
    assert_eq!(
        y.tangent().unwrap().to_vec::<f64>().unwrap(),
        y.to_vec::<f64>().unwrap()
    );
    // The primal itself has no tangent; make_dual leaves it alone.
    assert!(x.tangent().is_none());
    let (primal, tangent) = dual.unpack_dual();
    assert!(primal.tangent().is_none() && primal.shares_data(&dual));
    assert!(tangent.unwrap().same(&v));
}

#[test]
fn levels_drop_tangents_on_exit_and_do_not_nest() {
    assert_eq!(current_dual_level(), None);
    let level = enter_dual_level().unwrap();
    assert_eq!(current_dual_level(), Some(level));
    assert!(matches!(enter_dual_level(), Err(Error::Autograd(_))));
    let dual = t(&[2], 41)
        .make_dual(&Tensor::ones(&[2], DType::Float64))
        .unwrap();
    let y = dual.sin().unwrap();
    assert!(y.tangent().is_some());
    exit_dual_level(level).unwrap();
    assert!(dual.tangent().is_none() && y.tangent().is_none());
    assert!(dual.sin().unwrap().tangent().is_none());
    assert!(matches!(exit_dual_level(0), Err(Error::Autograd(_))));
    // A new level does not see the old tangents.
    let _level = DualLevel::new().unwrap();
    assert!(dual.tangent().is_none());
    assert!(matches!(
        t(&[2], 42).make_dual(&Tensor::ones(&[3], DType::Float64)),
        Err(Error::Shape(_))
    ));
    assert!(matches!(
        Tensor::ones(&[2], DType::Int64).make_dual(&Tensor::ones(&[2], DType::Float64)),
        Err(Error::DType(_))
    ));
}

#[test]
fn make_dual_outside_a_level_is_an_error() {
    assert!(matches!(
        t(&[2], 43).make_dual(&t(&[2], 44)),
        Err(Error::Autograd(_))
    ));
}

#[test]
fn dual_of_a_leaf_keeps_its_gradient_slot() {
    let x = t(&[3], 45).requires_grad_().unwrap();
    let _level = DualLevel::new().unwrap();
    let dual = x.make_dual(&Tensor::ones(&[3], DType::Float64)).unwrap();
    dual.mul(&dual).unwrap().sum().unwrap().backward().unwrap();
    let expected: Vec<f64> = x.to_vec::<f64>().unwrap().iter().map(|v| 2.0 * v).collect();
    assert_eq!(x.grad().unwrap().to_vec::<f64>().unwrap(), expected);
}

/// Hessian-vector product by forward-over-reverse: the tangent of the gradient is H·v. The
/// function goes through outputs saved by their node (exp, tanh) and is then dropped, so the
/// backward unpacks them while the level is open.
#[test]
fn forward_over_reverse_gives_hessian_vector_products() {
    let f = |x: &Tensor| -> Result<Tensor> {
        let a = x
            .exp()?
            .mul(&x.tanh()?)?
            .index(&[IndexItem::Slice {
                start: Some(1),
                stop: None,
                step: 1,
            }])?
            .sum()?;
        let b = x
            .sigmoid()?
            .sum()?
            .add(&x.log_softmax(0)?.index(&[IndexItem::Int(0)])?)?;
        a.add(&b)?.add(&x.expand(&[2, 4])?.max()?)
    };
    let x = t(&[4], 46).requires_grad_().unwrap();
    let v = t(&[4], 47);
    let hv = {
        let _level = DualLevel::new().unwrap();
        let dual = x.make_dual(&v).unwrap();
        let y = f(&dual).unwrap();
        let g = grad(
            &[y],
            std::slice::from_ref(&dual),
            &[],
            BackwardOptions::default(),
            false,
        )
        .unwrap();
        g[0].as_ref()
            .unwrap()
            .tangent()
            .expect("the gradient has a tangent")
            .to_vec::<f64>()
            .unwrap()
    };
    // Central differences of the gradient along v.
    let grad_at = |x: &Tensor| -> Vec<f64> {
        let x = x.detach().requires_grad_().unwrap();
        let y = f(&x).unwrap();
        grad(&[y], &[x], &[], BackwardOptions::default(), false).unwrap()[0]
            .as_ref()
            .unwrap()
            .to_vec::<f64>()
            .unwrap()
    };
    let eps = 1e-6;
    let (plus, minus) = (
        grad_at(&perturbed(&x.detach(), &v, eps)),
        grad_at(&perturbed(&x.detach(), &v, -eps)),
    );
    for (k, a) in hv.iter().enumerate() {
        let b = (plus[k] - minus[k]) / (2.0 * eps);
        assert!(
            (a - b).abs() <= 1e-5 * (1.0 + b.abs()),
            "H·v element {k}: {a} vs {b}"
        );
    }
}

/// Reverse-over-forward: the tangent is recorded, so it can be differentiated.
#[test]
fn tangents_are_differentiable() {
    let x = t(&[3], 48).requires_grad_().unwrap();
    let _level = DualLevel::new().unwrap();
    let dual = x.make_dual(&Tensor::ones(&[3], DType::Float64)).unwrap();
    // d/dx of the tangent of sum(sin x) along ones = d/dx sum(cos x) = -sin x
    let jv = dual.sin().unwrap().sum().unwrap().tangent().unwrap();
    let g = grad(
        &[jv],
        std::slice::from_ref(&x),
        &[],
        BackwardOptions::default(),
        false,
    )
    .unwrap();
    let expected: Vec<f64> = x
        .to_vec::<f64>()
        .unwrap()
        .iter()
        .map(|v| -v.sin())
        .collect();
    for (a, b) in g[0]
        .as_ref()
        .unwrap()
        .to_vec::<f64>()
        .unwrap()
        .iter()
        .zip(expected)
    {
        assert!((a - b).abs() < 1e-12);
    }
}
