//! Elementwise comparisons with broadcasting; the result is `Bool`. NaN compares as IEEE says
//! (unequal to everything, itself included), as in PyTorch. (`PartialOrd` methods rather than
//! operators: with `T = bool` clippy would have us rewrite `p < q` as `!p & q`.)

use super::map::{map_binary, Strided};
use crate::array::NdArray;
use crate::error::{Error, Result};
use crate::kernels::BinaryOp;

/// `op(a, b)` for a comparison `op`, broadcasting; both operands share a dtype.
pub fn compare(op: BinaryOp, a: &NdArray, b: &NdArray) -> Result<NdArray> {
    crate::with_dtype!(a.dtype(), T => {
        let (x, y) = (Strided::<T>::of(a)?, Strided::<T>::of(b)?);
        let (out, shape) = match op {
            BinaryOp::Eq => map_binary(x, y, |p: T, q: T| p.eq(&q))?,
            BinaryOp::Ne => map_binary(x, y, |p: T, q: T| p.ne(&q))?,
            BinaryOp::Lt => map_binary(x, y, |p: T, q: T| p.lt(&q))?,
            BinaryOp::Le => map_binary(x, y, |p: T, q: T| p.le(&q))?,
            BinaryOp::Gt => map_binary(x, y, |p: T, q: T| p.gt(&q))?,
            BinaryOp::Ge => map_binary(x, y, |p: T, q: T| p.ge(&q))?,
            _ => return Err(Error::Value(format!("{op:?} is not a comparison"))),
        };
        NdArray::from_vec(out, &shape)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::array::DType;

    fn cmp(op: BinaryOp, a: &NdArray, b: &NdArray) -> Vec<bool> {
        let r = compare(op, a, b).unwrap();
        assert_eq!(r.dtype(), DType::Bool);
        r.as_slice::<bool>().unwrap().to_vec()
    }

    #[test]
    fn all_comparisons_on_floats_with_nan() {
        let a = NdArray::from_vec(vec![1.0f32, 2.0, 3.0, f32::NAN], &[4]).unwrap();
        let b = NdArray::from_vec(vec![2.0f32, 2.0, 2.0, f32::NAN], &[4]).unwrap();
        assert_eq!(cmp(BinaryOp::Eq, &a, &b), vec![false, true, false, false]);
        assert_eq!(cmp(BinaryOp::Ne, &a, &b), vec![true, false, true, true]);
        assert_eq!(cmp(BinaryOp::Lt, &a, &b), vec![true, false, false, false]);
        assert_eq!(cmp(BinaryOp::Le, &a, &b), vec![true, true, false, false]);
        assert_eq!(cmp(BinaryOp::Gt, &a, &b), vec![false, false, true, false]);
        assert_eq!(cmp(BinaryOp::Ge, &a, &b), vec![false, true, true, false]);
    }

    #[test]
    fn comparisons_broadcast_and_take_any_dtype() {
        let a = NdArray::from_vec(vec![1i64, 2, 3], &[3, 1]).unwrap();
        let b = NdArray::from_vec(vec![2i64, 3], &[2]).unwrap();
        let r = compare(BinaryOp::Lt, &a, &b).unwrap();
        assert_eq!(r.shape(), &[3, 2]);
        assert_eq!(
            r.as_slice::<bool>().unwrap(),
            &[true, true, false, true, false, false]
        );
        let s = NdArray::scalar(2i32);
        let v = NdArray::from_vec(vec![1i32, 2, 3], &[3]).unwrap();
        assert_eq!(cmp(BinaryOp::Ge, &v, &s), vec![false, true, true]);
        assert_eq!(cmp(BinaryOp::Ge, &s, &v), vec![true, true, false]);
        let t = NdArray::from_vec(vec![true, false], &[2]).unwrap();
        assert_eq!(
            cmp(BinaryOp::Gt, &t, &NdArray::scalar(false)),
            vec![true, false]
        );
        assert!(compare(
            BinaryOp::Lt,
            &a,
            &NdArray::from_vec(vec![1i64, 2], &[1, 2, 1, 1]).unwrap()
        )
        .is_ok());
        assert!(matches!(
            compare(
                BinaryOp::Lt,
                &v,
                &NdArray::from_vec(vec![1i32, 2], &[2]).unwrap()
            ),
            Err(Error::Shape(_))
        ));
        assert!(matches!(
            compare(BinaryOp::Lt, &v, &b),
            Err(Error::DType(_))
        ));
        assert!(matches!(
            compare(BinaryOp::Add, &v, &v),
            Err(Error::Value(_))
        ));
    }
}
