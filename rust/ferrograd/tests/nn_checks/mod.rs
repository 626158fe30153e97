//! Helpers the `nn` test files share: float64 tensors from literals, comparisons with a
//! tolerance, and gradients checked against central finite differences.

// each test crate that includes this module uses a subset of it
#![allow(dead_code)]

use ferrograd::{no_grad, DType, Result, Tensor};

/// A float64 tensor of `shape` holding `values`.
pub fn f64s(values: &[f64], shape: &[usize]) -> Tensor {
    Tensor::from_vec(values.to_vec(), shape).unwrap()
}

/// Asserts that `actual` (any dtype) equals `expected` element by element within `tolerance`,
/// relative to `1 + |expected|`.
pub fn assert_close(actual: &Tensor, expected: &[f64], tolerance: f64) {
    let actual = actual
        .to_dtype(DType::Float64)
        .unwrap()
        .to_vec::<f64>()
        .unwrap();
    assert_eq!(actual.len(), expected.len(), "{actual:?} vs {expected:?}");
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!(
            (a - e).abs() <= tolerance * (1.0 + e.abs()),
            "element {i}: {a} vs {e} (all: {actual:?})"
        );
    }
}

/// `arange(n) / scale - shift` in `shape`.
pub fn ramp(shape: &[usize], scale: f64, shift: f64) -> Tensor {
    let n = shape.iter().product::<usize>();
    f64s(
        &(0..n).map(|i| i as f64 / scale - shift).collect::<Vec<_>>(),
        shape,
    )
}

/// Checks the gradient `backward` gives each tensor in `inputs` against central differences
/// of `loss()`, element by element (float64).
pub fn check_gradients(inputs: &[&Tensor], loss: impl Fn() -> Result<Tensor>) {
    for t in inputs {
        t.set_grad(None).unwrap();
    }
    loss().unwrap().backward().unwrap();
    let h = 1e-6;
    for (k, t) in inputs.iter().enumerate() {
        let analytic = t
            .grad()
            .expect("backward reached the input")
            .to_vec::<f64>()
            .unwrap();
        let base = t.to_vec::<f64>().unwrap();
        let shape = t.shape().to_vec();
        let at = |values: &[f64]| {
            no_grad(|| t.copy_(&f64s(values, &shape))).unwrap();
            let value = no_grad(&loss).unwrap().item().unwrap();
            no_grad(|| t.copy_(&f64s(&base, &shape))).unwrap();
            value
        };
        for i in 0..base.len() {
            let (mut up, mut down) = (base.clone(), base.clone());
            up[i] += h;
            down[i] -= h;
            let numeric = (at(&up) - at(&down)) / (2.0 * h);
            assert!(
                (numeric - analytic[i]).abs() <= 1e-6 * (1.0 + numeric.abs()),
                "input {k}, element {i}: backward {} vs finite difference {numeric}",
                analytic[i]
            );
        }
    }
}

/// `sum(y · c)` for a fixed, uneven `c` of `y`'s shape: every output element matters.
pub fn weighted_sum(y: Tensor) -> Result<Tensor> {
    let n = y.numel();
    let c: Vec<f64> = (0..n).map(|i| ((i * 7 % 11) as f64 - 5.0) / 4.0).collect();
    y.mul(&f64s(&c, &y.shape()))?.sum()
}
