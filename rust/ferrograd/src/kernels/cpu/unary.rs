//! Elementwise unary kernels (`op(a)` in `a`'s dtype).

use super::map::map_array;
use super::scalar::Scalar;
use crate::array::{Category, DType, NdArray};
use crate::error::{Error, Result};
use crate::kernels::UnaryOp;

fn is_float_op(op: UnaryOp) -> bool {
    use UnaryOp::*;
    matches!(
        op,
        Exp | Log
            | Sqrt
            | Rsqrt
            | Sin
            | Cos
            | Tan
            | Atan
            | Log2
            | Log10
            | Exp2
            | Asin
            | Acos
            | Tanh
            | Sigmoid
            | Log1p
            | Expm1
            | Erf
            | Reciprocal
    )
}

fn check_unary(op: UnaryOp, dtype: DType) -> Result<()> {
    let category = dtype.category();
    if is_float_op(op) && category != Category::Floating {
        return Err(Error::DType(format!(
            "{op:?} expects a floating point tensor, but got {dtype}"
        )));
    }
    match (op, category) {
        (UnaryOp::Neg, Category::Bool) => Err(Error::NotImplemented(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.".into(),
        )),
        (UnaryOp::Relu, Category::Bool) => Err(Error::NotImplemented(
            "Boolean inputs not supported for relu".into(),
        )),
        // PyTorch has no bool kernel for these (its kernels' names, as its errors give them).
        (UnaryOp::Abs, Category::Bool) => Err(no_bool_kernel("abs_cpu")),
        (UnaryOp::Floor, Category::Bool) => Err(no_bool_kernel("floor_vml_cpu")),
        (UnaryOp::Ceil, Category::Bool) => Err(no_bool_kernel("ceil_vml_cpu")),
        (UnaryOp::Round, Category::Bool) => Err(no_bool_kernel("round_vml_cpu")),
        (UnaryOp::Trunc, Category::Bool) => Err(no_bool_kernel("trunc_vml_cpu")),
        (UnaryOp::Not, Category::Floating) => Err(Error::DType(format!(
            "bitwise_not is only supported for integer and boolean tensors, but got {dtype}"
        ))),
        _ => Ok(()),
    }
}

fn no_bool_kernel(kernel: &str) -> Error {
    Error::NotImplemented(format!("\"{kernel}\" not implemented for 'Bool'"))
}

/// Elementwise `op(a)` in `a`'s dtype (see `kernels::unary`).
pub fn unary(op: UnaryOp, a: &NdArray) -> Result<NdArray> {
    use UnaryOp::*;
    check_unary(op, a.dtype())?;
    let identity = match a.dtype().category() {
        Category::Floating => false,
        Category::Integer => matches!(op, Floor | Ceil | Round | Trunc),
        Category::Bool => matches!(op, Sign | Square),
    };
    if identity {
        // A new array, never an alias of the input (the result may be written in place).
        return super::index::materialize(a);
    }
    if let Some(out) = crate::kernels::vecmath::unary(op, a)? {
        return Ok(out);
    }
    crate::with_dtype!(a.dtype(), T => {
        match op {
            Neg => map_array(a, <T as Scalar>::neg),
            Abs => map_array(a, <T as Scalar>::abs),
            Sign => map_array(a, <T as Scalar>::sign),
            Exp => map_array(a, <T as Scalar>::exp),
            Log => map_array(a, <T as Scalar>::log),
            Sqrt => map_array(a, <T as Scalar>::sqrt),
            Rsqrt => map_array(a, <T as Scalar>::rsqrt),
            Sin => map_array(a, <T as Scalar>::sin),
            Cos => map_array(a, <T as Scalar>::cos),
            Tan => map_array(a, <T as Scalar>::tan),
            Atan => map_array(a, <T as Scalar>::atan),
            Log2 => map_array(a, <T as Scalar>::log2),
            Log10 => map_array(a, <T as Scalar>::log10),
            Exp2 => map_array(a, <T as Scalar>::exp2),
            Asin => map_array(a, <T as Scalar>::asin),
            Acos => map_array(a, <T as Scalar>::acos),
            Tanh => map_array(a, <T as Scalar>::tanh),
            Sigmoid => map_array(a, <T as Scalar>::sigmoid),
            Relu => map_array(a, <T as Scalar>::relu),
            Floor => map_array(a, <T as Scalar>::floor),
            Ceil => map_array(a, <T as Scalar>::ceil),
            Round => map_array(a, <T as Scalar>::round),
            Trunc => map_array(a, <T as Scalar>::trunc),
            Log1p => map_array(a, <T as Scalar>::log1p),
            Expm1 => map_array(a, <T as Scalar>::expm1),
            Erf => map_array(a, <T as Scalar>::erf),
            Reciprocal => map_array(a, <T as Scalar>::reciprocal),
            Square => map_array(a, <T as Scalar>::square),
            Not => map_array(a, <T as Scalar>::not),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::cpu::test_util::*;
    use crate::kernels::vecmath::exp_f32;

    #[test]
    fn unary_float_ops() {
        let a = f32s(&[-2.0, -0.5, 0.0, 0.5, 2.5], &[5]);
        let u = |op| vals::<f32>(&unary(op, &a).unwrap());
        assert_eq!(u(UnaryOp::Neg), vec![2.0, 0.5, -0.0, -0.5, -2.5]);
        assert_eq!(u(UnaryOp::Abs), vec![2.0, 0.5, 0.0, 0.5, 2.5]);
        assert_eq!(u(UnaryOp::Sign), vec![-1.0, -1.0, 0.0, 1.0, 1.0]);
        assert_eq!(u(UnaryOp::Relu), vec![0.0, 0.0, 0.0, 0.5, 2.5]);
        assert_eq!(u(UnaryOp::Round), vec![-2.0, -0.0, 0.0, 0.0, 2.0]);
        assert_eq!(u(UnaryOp::Floor), vec![-2.0, -1.0, 0.0, 0.0, 2.0]);
        assert_eq!(u(UnaryOp::Ceil), vec![-2.0, -0.0, 0.0, 1.0, 3.0]);
        assert_eq!(u(UnaryOp::Trunc), vec![-2.0, -0.0, 0.0, 0.0, 2.0]);
        assert_eq!(u(UnaryOp::Square), vec![4.0, 0.25, 0.0, 0.25, 6.25]);
        let expect = |f: fn(f32) -> f32| {
            a.as_slice::<f32>()
                .unwrap()
                .iter()
                .map(|&x| f(x))
                .collect::<Vec<_>>()
        };
        assert!(close(&u(UnaryOp::Exp), &expect(f32::exp)));
        assert!(close(&u(UnaryOp::Tanh), &expect(f32::tanh)));
        assert!(close(&u(UnaryOp::Expm1), &expect(f32::exp_m1)));
        assert!(close(
            &u(UnaryOp::Sigmoid),
            &expect(|x| 1.0 / (1.0 + (-x).exp()))
        ));
        assert!(close(
            &u(UnaryOp::Erf),
            &[-0.995_322_3, -0.520_499_9, 0.0, 0.520_499_9, 0.999_593]
        ));
        let big = f32s(&[-1000.0, 1000.0], &[2]);
        assert_eq!(
            vals::<f32>(&unary(UnaryOp::Sigmoid, &big).unwrap()),
            vec![0.0, 1.0]
        );
        let pos = NdArray::from_vec(vec![4.0f64, 0.25], &[2]).unwrap();
        assert_eq!(
            vals::<f64>(&unary(UnaryOp::Rsqrt, &pos).unwrap()),
            vec![0.5, 2.0]
        );
        assert_eq!(
            vals::<f64>(&unary(UnaryOp::Reciprocal, &pos).unwrap()),
            vec![0.25, 4.0]
        );
        assert_eq!(
            vals::<f64>(&unary(UnaryOp::Log, &pos).unwrap())[0],
            4f64.ln()
        );
    }

    #[test]
    fn vectorisable_exp_is_accurate() {
        let mut worst = 0.0f64;
        for i in -200_000..=200_000 {
            let x = i as f32 * 4.4e-4;
            let (got, want) = (exp_f32(x) as f64, (x as f64).exp());
            worst = worst.max((got - want).abs() / want);
        }
        assert!(worst < 2.5e-7, "relative error {worst}");
        assert_eq!(exp_f32(0.0), 1.0);
        assert_eq!(exp_f32(f32::INFINITY), f32::INFINITY);
        assert_eq!(exp_f32(89.0), f32::INFINITY);
        assert_eq!(exp_f32(f32::NEG_INFINITY), 0.0);
        assert!(exp_f32(f32::NAN).is_nan());
        let sub = exp_f32(-100.0) as f64;
        assert!((sub - (-100f64).exp()).abs() < 1e-45, "{sub}");
        assert!((exp_f32(88.7) as f64 / (88.7f32 as f64).exp() - 1.0).abs() < 3e-7);
    }

    #[test]
    fn unary_int_and_bool() {
        let a = i64s(&[-3, 0, 5], &[3]);
        assert_eq!(
            vals::<i64>(&unary(UnaryOp::Neg, &a).unwrap()),
            vec![3, 0, -5]
        );
        assert_eq!(
            vals::<i64>(&unary(UnaryOp::Abs, &a).unwrap()),
            vec![3, 0, 5]
        );
        assert_eq!(
            vals::<i64>(&unary(UnaryOp::Sign, &a).unwrap()),
            vec![-1, 0, 1]
        );
        assert_eq!(
            vals::<i64>(&unary(UnaryOp::Relu, &a).unwrap()),
            vec![0, 0, 5]
        );
        assert_eq!(
            vals::<i64>(&unary(UnaryOp::Square, &a).unwrap()),
            vec![9, 0, 25]
        );
        assert_eq!(
            vals::<i64>(&unary(UnaryOp::Not, &a).unwrap()),
            vec![2, -1, -6]
        );
        let floor = unary(UnaryOp::Floor, &a).unwrap();
        assert!(
            !floor.shares_storage_with(&a),
            "an identity result is a new array, not an alias"
        );
        assert!(matches!(unary(UnaryOp::Exp, &a), Err(Error::DType(_))));
        let b = bools(&[true, false], &[2]);
        assert_eq!(
            vals::<bool>(&unary(UnaryOp::Not, &b).unwrap()),
            vec![false, true]
        );
        assert!(
            matches!(unary(UnaryOp::Neg, &b), Err(Error::NotImplemented(m)) if m.contains("logical_not"))
        );
        assert!(matches!(
            unary(UnaryOp::Not, &f32s(&[1.0], &[1])),
            Err(Error::DType(_))
        ));
    }
}
