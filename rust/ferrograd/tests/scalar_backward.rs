//! A first-order backward pass carries the gradients of 0-d floating point tensors through
//! pointwise nodes as bare numbers; the same graph on one-element tensors of shape [1] runs
//! the tensor rules. Both paths must give the same bits, and the scalar path must keep every
//! behaviour of the engine (saved-value checks, freeing, hooks, higher derivatives).

use std::sync::{Arc, Mutex};

use ferrograd::autograd::{grad, BackwardOptions};
use ferrograd::{DType, Result, Tensor};

type Unary = fn(&Tensor) -> Result<Tensor>;
type Binary = fn(&Tensor, &Tensor) -> Result<Tensor>;

const UNARY: &[(&str, Unary)] = &[
    ("neg", Tensor::neg),
    ("exp", Tensor::exp),
    ("log", Tensor::log),
    ("sqrt", Tensor::sqrt),
    ("rsqrt", Tensor::rsqrt),
    ("sin", Tensor::sin),
    ("cos", Tensor::cos),
    ("tan", Tensor::tan),
    ("tanh", Tensor::tanh),
    ("sigmoid", Tensor::sigmoid),
    ("relu", Tensor::relu),
    ("log1p", Tensor::log1p),
    ("expm1", Tensor::expm1),
    ("reciprocal", Tensor::reciprocal),
    // Not covered by the scalar rules: must still be right between scalar nodes.
    ("abs", Tensor::abs),
    ("erf", Tensor::erf),
];

const BINARY: &[(&str, Binary)] = &[
    ("add", Tensor::add),
    ("sub", Tensor::sub),
    ("rsub", Tensor::rsub),
    ("mul", Tensor::mul),
    ("div", Tensor::div),
    ("pow", Tensor::pow),
    ("maximum", Tensor::maximum),
];

const VALUES: &[f64] = &[-2.5, -1.0, -0.3, 0.0, 0.5, 1.0, 1.7, 3.0];

fn leaf(value: f64, dtype: DType, shape: &[usize], requires_grad: bool) -> Tensor {
    let t = Tensor::full(shape, value, dtype);
    if requires_grad {
        t.requires_grad_().unwrap()
    } else {
        t
    }
}

/// The gradients of `inputs` (as `f64` bits; `None`: no gradient) after `backward` of
/// `sin(f(inputs) * 0.75) * 1.5`, so that `f`'s node gets its gradient from another node.
fn gradients(
    f: &dyn Fn(&[Tensor]) -> Result<Tensor>,
    values: &[(f64, bool)],
    dtype: DType,
    shape: &[usize],
) -> Vec<Option<u64>> {
    let inputs: Vec<Tensor> = values
        .iter()
        .map(|&(v, rg)| leaf(v, dtype, shape, rg))
        .collect();
    let out = f(&inputs)
        .unwrap()
        .mul(&leaf(0.75, dtype, shape, false))
        .unwrap()
        .sin()
        .unwrap()
        .mul(&leaf(1.5, dtype, shape, false))
        .unwrap();
    out.backward().unwrap();
    let bits = |g: Tensor| {
        let v = g
            .reshape(&[-1])
            .unwrap()
            .to_dtype(DType::Float64)
            .unwrap()
            .to_vec::<f64>()
            .unwrap()[0];
        // Every NaN is the same NaN here.
        if v.is_nan() {
            f64::NAN.to_bits()
        } else {
            v.to_bits()
        }
    };
    inputs.iter().map(|t| t.grad().map(bits)).collect()
}

fn assert_same_bits(name: &str, f: &dyn Fn(&[Tensor]) -> Result<Tensor>, values: &[(f64, bool)]) {
    for dtype in [DType::Float32, DType::Float64] {
        let scalar = gradients(f, values, dtype, &[]);
        let tensor = gradients(f, values, dtype, &[1]);
        assert_eq!(
            scalar, tensor,
            "{name} at {values:?} in {dtype}: scalar path differs from the tensor rules"
        );
        assert!(
            scalar
                .iter()
                .zip(values)
                .all(|(g, &(_, rg))| g.is_some() == rg),
            "{name}: gradients where none was asked"
        );
    }
}

#[test]
fn unary_rules_match_the_tensor_rules_bit_for_bit() {
    for &(name, op) in UNARY {
        for &v in VALUES {
            assert_same_bits(name, &|x| op(&x[0]), &[(v, true)]);
        }
    }
}

#[test]
fn binary_rules_match_the_tensor_rules_bit_for_bit() {
    for &(name, op) in BINARY {
        for &a in VALUES {
            for &b in VALUES {
                for needs in [(true, true), (true, false), (false, true)] {
                    assert_same_bits(name, &|x| op(&x[0], &x[1]), &[(a, needs.0), (b, needs.1)]);
                }
            }
        }
    }
}

#[test]
fn gradients_meeting_at_a_node_are_summed_as_the_tensor_path_sums_them() {
    // x reaches the output along four paths; its gradients are added in the pass.
    let f = |x: &[Tensor]| -> Result<Tensor> {
        let x = &x[0];
        x.mul(x)?.add(&x.exp()?)?.sub(&x.sigmoid()?.mul(x)?)
    };
    for &v in VALUES {
        assert_same_bits("x*x + exp(x) - sigmoid(x)*x", &f, &[(v, true)]);
    }
}

#[test]
fn a_long_mixed_chain_matches_the_tensor_path() {
    let f = |x: &[Tensor]| -> Result<Tensor> {
        let c = Tensor::full(&x[0].shape(), 0.999, x[0].dtype());
        let mut y = x[0].clone();
        for i in 0..300 {
            y = match i % 4 {
                0 => y.mul(&c)?,
                1 => y.tanh()?,
                2 => y.add(&x[0])?,
                _ => y.sigmoid()?.mul(&y)?,
            };
        }
        Ok(y)
    };
    assert_same_bits("chain", &f, &[(0.3, true)]);
}

#[test]
fn retain_graph_lets_a_scalar_graph_run_twice_and_frees_it_otherwise() {
    let x = leaf(0.5, DType::Float64, &[], true);
    let y = x.exp().unwrap().mul(&x).unwrap().sin().unwrap();
    y.backward_with(
        None,
        BackwardOptions {
            retain_graph: true,
            create_graph: false,
        },
    )
    .unwrap();
    let first = x.grad().unwrap().item().unwrap();
    y.backward().unwrap();
    assert_eq!(x.grad().unwrap().item().unwrap(), 2.0 * first);
    let err = y.backward().unwrap_err();
    assert!(err.to_string().contains("retain_graph=True"), "{err}");
}

#[test]
fn an_in_place_change_of_a_saved_scalar_is_still_detected() {
    let x = leaf(2.0, DType::Float32, &[], true);
    let y = x.exp().unwrap();
    let z = y.sin().unwrap().mul(&Tensor::scalar(3.0f32)).unwrap();
    // `sin` saved y, and the scalar path reaches `sin` with a number.
    y.add_(&Tensor::scalar(1.0f32))
        .unwrap_or_else(|_| panic!("y is not a leaf: in place is allowed"));
    let err = z.backward().unwrap_err();
    assert!(
        err.to_string().contains("modified by an inplace operation"),
        "{err}"
    );
}

#[test]
fn hooks_see_scalar_gradients_as_tensors() {
    let x = leaf(1.5, DType::Float64, &[], true);
    let y = x.mul(&Tensor::scalar(2.0f64)).unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    y.register_hook(Arc::new(move |g: &Tensor| {
        log.lock().unwrap().push((g.shape().to_vec(), g.item()?));
        Ok(Some(g.mul(&Tensor::scalar(10.0f64))?))
    }))
    .unwrap();
    y.exp().unwrap().backward().unwrap();
    let expected = (2.0 * 1.5f64).exp();
    assert_eq!(*seen.lock().unwrap(), vec![(vec![], expected)]);
    assert_eq!(x.grad().unwrap().item().unwrap(), expected * 10.0 * 2.0);
}

#[test]
fn grad_of_a_scalar_chain_and_higher_derivatives_still_work() {
    let x = leaf(0.7, DType::Float64, &[], true);
    let y = x.sin().unwrap().mul(&x).unwrap();
    let options = BackwardOptions {
        retain_graph: true,
        create_graph: true,
    };
    let dy = grad(
        std::slice::from_ref(&y),
        std::slice::from_ref(&x),
        &[],
        options,
        false,
    )
    .unwrap()
    .remove(0)
    .unwrap();
    let d2y = grad(
        std::slice::from_ref(&dy),
        std::slice::from_ref(&x),
        &[],
        options,
        false,
    )
    .unwrap()
    .remove(0)
    .unwrap();
    let (s, c) = 0.7f64.sin_cos();
    assert!((dy.item().unwrap() - (c * 0.7 + s)).abs() < 1e-12);
    assert!((d2y.item().unwrap() - (2.0 * c - 0.7 * s)).abs() < 1e-12);
    assert!(x.grad().is_none(), "grad() must not accumulate into .grad");
}

#[test]
fn constants_saved_by_many_nodes_give_the_tensor_path_bits_and_their_changes_are_caught() {
    // The scalar path remembers the constant it read last; alternate two, and repeat each.
    let f = |x: &[Tensor]| -> Result<Tensor> {
        let (c, d) = (
            Tensor::full(&x[0].shape(), 0.75, x[0].dtype()),
            Tensor::full(&x[0].shape(), 1.5, x[0].dtype()),
        );
        let mut y = x[0].clone();
        for i in 0..64 {
            y = if i % 3 == 0 { y.mul(&d)? } else { y.mul(&c)? };
        }
        Ok(y)
    };
    assert_same_bits("alternating constants", &f, &[(0.3, true)]);

    let x = leaf(0.5, DType::Float32, &[], true);
    let c = Tensor::scalar(0.5f32);
    let mut y = x.clone();
    for _ in 0..10 {
        y = y.mul(&c).unwrap();
    }
    c.add_(&Tensor::scalar(1.0f32)).unwrap();
    let err = y.backward().unwrap_err();
    assert!(
        err.to_string().contains("modified by an inplace operation"),
        "{err}"
    );
}
