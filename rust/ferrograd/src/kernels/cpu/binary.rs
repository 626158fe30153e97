//! Elementwise binary kernels with broadcasting, and their in-place forms.

use super::map::{map_binary, map_elements, Strided};
use super::scalar::Scalar;
use super::strided::{at, StridedWalk};
use crate::array::shape::{broadcast_shapes, Dims};
use crate::array::{Category, DType, Element, NdArray};
use crate::error::{Error, Result};
use crate::kernels::parallel;
use crate::kernels::BinaryOp;

/// Evaluates `$body` with `$f` bound to the element function of the (non-comparison) binary
/// `$op` for element type `$T`; comparisons return a `DType` error from the enclosing function.
macro_rules! with_binary_fn {
    ($op:expr, $T:ty, $f:ident => $body:expr) => {
        with_binary_fn!(@arms $op, $T, $f, $body, [
            Add add, Sub sub, Mul mul, Div div, FloorDiv floor_div, Rem rem, Pow pow,
            Maximum maximum, Minimum minimum, Atan2 atan2, LogAddExp logaddexp,
            LogAddExp2 logaddexp2, And and, Or or, Xor xor
        ])
    };
    (@arms $op:expr, $T:ty, $f:ident, $body:expr, [$($variant:ident $method:ident),*]) => {
        match $op {
            $(BinaryOp::$variant => {
                let $f = <$T as Scalar>::$method;
                $body
            })*
            op => return Err(Error::DType(format!("{op:?} is a comparison: its result is bool"))),
        }
    };
}

/// Dtype restrictions of the binary ops (PyTorch's, after the tensor layer has promoted).
fn check_binary(op: BinaryOp, dtype: DType) -> Result<()> {
    use BinaryOp::*;
    let category = dtype.category();
    let refused = match op {
        Div | Atan2 | LogAddExp | LogAddExp2 => category != Category::Floating,
        FloorDiv | Rem => category == Category::Bool,
        And | Or | Xor => category == Category::Floating,
        _ => false,
    };
    if op == Sub && category == Category::Bool {
        return Err(Error::NotImplemented(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.".into(),
        ));
    }
    if refused {
        return Err(Error::DType(format!(
            "{op:?} is not supported for {dtype} tensors"
        )));
    }
    Ok(())
}

/// Value checks that integer ops need before their loop: no zero divisor.
fn check_operand<T: Scalar + Sync>(op: BinaryOp, b: Strided<T>) -> Result<()> {
    if T::DTYPE.category() != Category::Integer {
        return Ok(());
    }
    let any = |test: fn(T) -> bool| -> Result<bool> {
        Ok(match b.dense() {
            Some(y) => y.iter().any(|&v| test(v)),
            None => map_elements(b, test)?.contains(&true),
        })
    };
    match op {
        BinaryOp::FloorDiv | BinaryOp::Rem if any(|v| v == T::zero())? => {
            Err(Error::Arithmetic("ZeroDivisionError".into()))
        }
        _ => Ok(()),
    }
}

/// Elementwise `op(a, b)` with broadcasting; comparisons go to `compare`.
pub fn binary(op: BinaryOp, a: &NdArray, b: &NdArray) -> Result<NdArray> {
    if op.is_comparison() {
        return super::compare::compare(op, a, b);
    }
    check_binary(op, a.dtype())?;
    let vector = match op {
        BinaryOp::Pow => crate::kernels::vecmath::pow::pow_arrays(a, b)?,
        BinaryOp::Atan2 => crate::kernels::vecmath::atan2_arrays(a, b)?,
        _ => None,
    };
    if let Some(out) = vector {
        return Ok(out);
    }
    crate::with_dtype!(a.dtype(), T => {
        let (x, y) = (Strided::<T>::of(a)?, Strided::<T>::of(b)?);
        check_operand(op, y)?;
        if a.numel() == 1 && b.numel() == 1 {
            // Scalar arithmetic: no loop, and the result is stored inline.
            let value = with_binary_fn!(op, T, f => f(x.first(), y.first()));
            return one_element(value, a.shape(), b.shape());
        }
        let (out, shape) = with_binary_fn!(op, T, f => map_binary(x, y, f)?);
        NdArray::from_vec(out, &shape)
    })
}

/// The result of a binary operation on two one-element arrays.
fn one_element<T: Element>(value: T, a_shape: &[usize], b_shape: &[usize]) -> Result<NdArray> {
    NdArray::from_slice(&[value], &broadcast_shapes(a_shape, b_shape)?)
}

/// `dst = op(dst, src)` in place; `src` broadcasts to `dst`'s shape.
pub fn binary_assign(op: BinaryOp, dst: &mut NdArray, src: &NdArray) -> Result<()> {
    check_binary(op, dst.dtype())?;
    let shape: Dims = dst.shape().into();
    let broadcast = broadcast_shapes(&shape, src.shape())?;
    if broadcast != shape {
        return Err(Error::Shape(format!(
            "output with shape {:?} doesn't match the broadcast shape {:?}",
            shape.as_slice(),
            broadcast.as_slice()
        )));
    }
    crate::with_dtype!(dst.dtype(), T => {
        let s = Strided::<T>::of(src)?;
        check_operand(op, s)?;
        // SAFETY: `kernels::binary_assign` sends a source that may overlap `dst` out of place,
        // so `src`'s borrow (`s`) never reaches these elements.
        let d = unsafe { dst.as_mut_slice_shared::<T>() }?;
        with_binary_fn!(op, T, f => assign_typed(d, &shape, s, f));
        Ok(())
    })
}

/// `dst += alpha * src` for floating dtypes (one pass; the SGD update).
pub fn scaled_add_assign(dst: &mut NdArray, src: &NdArray, alpha: f64) -> Result<()> {
    let shape: Dims = dst.shape().into();
    if broadcast_shapes(&shape, src.shape())? != shape {
        return Err(Error::Shape(format!(
            "output with shape {:?} doesn't match the broadcast shape of {:?}",
            shape.as_slice(),
            src.shape()
        )));
    }
    fn run<T: Element + std::ops::Add<Output = T> + std::ops::Mul<Output = T>>(
        dst: &mut NdArray,
        shape: &[usize],
        src: &NdArray,
        alpha: f64,
    ) -> Result<()> {
        let (s, a) = (Strided::<T>::of(src)?, T::from_f64(alpha));
        // SAFETY: as in `binary_assign` (`kernels::scaled_add_assign` checks the overlap).
        let d = unsafe { dst.as_mut_slice_shared::<T>() }?;
        assign_typed(d, shape, s, |o, y| o + a * y);
        Ok(())
    }
    match dst.dtype() {
        DType::Float32 => run::<f32>(dst, &shape, src, alpha),
        DType::Float64 => run::<f64>(dst, &shape, src, alpha),
        other => Err(Error::DType(format!(
            "add_ with alpha expects a floating point tensor, got {other}"
        ))),
    }
}

/// `d = f(d, s)` over the contiguous `d` of `shape`, `s` broadcasting to it.
fn assign_typed<T: Element + Send + Sync, F: Fn(T, T) -> T + Sync>(
    d: &mut [T],
    shape: &[usize],
    src: Strided<T>,
    f: F,
) {
    let n = d.len();
    if let Some(s) = src.dense().filter(|s| s.len() == n || s.len() == 1) {
        let step = usize::from(s.len() == n);
        parallel::for_each_chunk(d, 1, |start, o| {
            if step == 1 {
                let end = start + o.len();
                for (o, &y) in o.iter_mut().zip(&s[start..end]) {
                    *o = f(*o, y);
                }
            } else {
                let y = s[0];
                for o in o.iter_mut() {
                    *o = f(*o, y);
                }
            }
        });
        return;
    }
    let strides = src.broadcast_strides(shape);
    let walk = StridedWalk::new(shape, [&strides], [src.offset]);
    let [ss] = walk.inner_strides();
    let s = src.data;
    walk.fill_rows(d, |o, [ps]| {
        if ss == 1 {
            let ps = ps as usize;
            let end = ps + o.len();
            for (o, &y) in o.iter_mut().zip(&s[ps..end]) {
                *o = f(*o, y);
            }
        } else {
            for (i, o) in o.iter_mut().enumerate() {
                *o = f(*o, s[at(ps, ss, i)]);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::array::f16;
    use crate::kernels::cpu::test_util::*;

    #[test]
    fn binary_same_shape_scalar_and_broadcast() {
        let a = f32s(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]);
        let row = f32s(&[10.0, 20.0, 30.0], &[3]);
        let col = f32s(&[100.0, 200.0], &[2, 1]);
        let one = f32s(&[2.0], &[]);
        let b = |op, x: &NdArray, y: &NdArray| {
            let r = binary(op, x, y).unwrap();
            (r.shape().to_vec(), vals::<f32>(&r))
        };
        assert_eq!(
            b(BinaryOp::Add, &a, &a).1,
            vec![2.0, 4.0, 6.0, 8.0, 10.0, 12.0]
        );
        assert_eq!(
            b(BinaryOp::Mul, &a, &one).1,
            vec![2.0, 4.0, 6.0, 8.0, 10.0, 12.0]
        );
        assert_eq!(
            b(BinaryOp::Sub, &one, &a).1,
            vec![1.0, 0.0, -1.0, -2.0, -3.0, -4.0]
        );
        assert_eq!(
            b(BinaryOp::Add, &a, &row).1,
            vec![11.0, 22.0, 33.0, 14.0, 25.0, 36.0]
        );
        assert_eq!(
            b(BinaryOp::Sub, &a, &col).1,
            vec![-99.0, -98.0, -97.0, -196.0, -195.0, -194.0]
        );
        let (shape, v) = b(BinaryOp::Add, &col, &row);
        assert_eq!(shape, vec![2, 3]);
        assert_eq!(v, vec![110.0, 120.0, 130.0, 210.0, 220.0, 230.0]);
        // [2,1,3] + [4,1] -> [2,4,3]
        let x = f32s(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0], &[2, 1, 3]);
        let y = f32s(&[0.0, 10.0, 20.0, 30.0], &[4, 1]);
        let (shape, v) = b(BinaryOp::Add, &x, &y);
        assert_eq!(shape, vec![2, 4, 3]);
        let expect: Vec<f32> = (0..2)
            .flat_map(|i| {
                (0..4).flat_map(move |j| (0..3).map(move |k| (i * 3 + k) as f32 + 10.0 * j as f32))
            })
            .collect();
        assert_eq!(v, expect);
        assert!(matches!(
            binary(BinaryOp::Add, &a, &f32s(&[1.0, 2.0], &[2])),
            Err(Error::Shape(_))
        ));
        let empty = f32s(&[], &[0, 3]);
        assert_eq!(b(BinaryOp::Add, &empty, &row).0, vec![0, 3]);
    }

    #[test]
    fn binary_large_broadcast_runs_in_parallel_chunks() {
        let n = 300;
        let a: Vec<f32> = (0..n * n).map(|i| i as f32).collect();
        let b: Vec<f32> = (0..n).map(|i| i as f32).collect();
        let r = binary(BinaryOp::Add, &f32s(&a, &[n, n]), &f32s(&b, &[n, 1])).unwrap();
        let v = vals::<f32>(&r);
        assert!((0..n * n).all(|i| v[i] == (i + i / n) as f32));
        let r = binary(BinaryOp::Mul, &f32s(&a, &[n, n]), &f32s(&[2.0], &[1])).unwrap();
        assert!(vals::<f32>(&r)
            .iter()
            .enumerate()
            .all(|(i, &x)| x == 2.0 * i as f32));
    }

    #[test]
    fn division_family_follows_python() {
        let a = i64s(&[7, -7, 7, -7], &[4]);
        let b = i64s(&[2, 2, -2, -2], &[4]);
        assert_eq!(
            vals::<i64>(&binary(BinaryOp::FloorDiv, &a, &b).unwrap()),
            vec![3, -4, -4, 3]
        );
        assert_eq!(
            vals::<i64>(&binary(BinaryOp::Rem, &a, &b).unwrap()),
            vec![1, 1, -1, -1]
        );
        let z = i64s(&[1, 0, 1, 1], &[4]);
        assert!(
            matches!(binary(BinaryOp::FloorDiv, &a, &z), Err(Error::Arithmetic(m)) if m.contains("ZeroDivisionError"))
        );
        assert!(matches!(
            binary(BinaryOp::Rem, &a, &z),
            Err(Error::Arithmetic(_))
        ));
        assert!(matches!(
            binary(BinaryOp::Div, &a, &b),
            Err(Error::DType(_))
        ));
        let fa = f32s(&[7.0, -7.0, 7.0, -7.0, 1.0], &[5]);
        let fb = f32s(&[2.0, 2.0, -2.0, -2.0, 0.1], &[5]);
        assert_eq!(
            vals::<f32>(&binary(BinaryOp::FloorDiv, &fa, &fb).unwrap()),
            vec![3.0, -4.0, -4.0, 3.0, 9.0]
        );
        let r = vals::<f32>(&binary(BinaryOp::Rem, &fa, &fb).unwrap());
        assert_eq!(&r[..4], &[1.0, 1.0, -1.0, -1.0]);
        assert_eq!(
            vals::<f32>(&binary(BinaryOp::Div, &fa, &fb).unwrap())[0],
            3.5
        );
        let inf = vals::<f32>(
            &binary(BinaryOp::FloorDiv, &f32s(&[1.0], &[1]), &f32s(&[0.0], &[1])).unwrap(),
        );
        assert_eq!(inf, vec![f32::INFINITY]);
    }

    #[test]
    fn pow_max_min_atan2_bitwise() {
        let a = i64s(&[2, -3, 5], &[3]);
        let e = i64s(&[10, 3, 0], &[3]);
        assert_eq!(
            vals::<i64>(&binary(BinaryOp::Pow, &a, &e).unwrap()),
            vec![1024, -27, 1]
        );
        let (base, neg) = (
            i64s(&[0, 1, -1, -1, 2, -3], &[6]),
            i64s(&[-1, -1, -1, -2, -1, -2], &[6]),
        );
        assert_eq!(
            vals::<i64>(&binary(BinaryOp::Pow, &base, &neg).unwrap()),
            vec![0, 1, -1, 1, 0, 0]
        );
        let x = f32s(&[1.0, f32::NAN, 3.0], &[3]);
        let y = f32s(&[2.0, 0.0, f32::NAN], &[3]);
        let mx = vals::<f32>(&binary(BinaryOp::Maximum, &x, &y).unwrap());
        assert!(mx[0] == 2.0 && mx[1].is_nan() && mx[2].is_nan());
        let mn = vals::<f32>(&binary(BinaryOp::Minimum, &x, &y).unwrap());
        assert!(mn[0] == 1.0 && mn[1].is_nan() && mn[2].is_nan());
        assert_eq!(
            vals::<f32>(&binary(BinaryOp::Pow, &f32s(&[2.0], &[1]), &f32s(&[0.5], &[1])).unwrap()),
            vec![2f32.sqrt()]
        );
        let at = vals::<f32>(
            &binary(BinaryOp::Atan2, &f32s(&[1.0], &[1]), &f32s(&[-1.0], &[1])).unwrap(),
        );
        assert_eq!(at, vec![1f32.atan2(-1.0)]);
        assert!(matches!(
            binary(BinaryOp::Atan2, &a, &e),
            Err(Error::DType(_))
        ));
        assert_eq!(
            vals::<i64>(&binary(BinaryOp::And, &i64s(&[12], &[1]), &i64s(&[10], &[1])).unwrap()),
            vec![8]
        );
        assert_eq!(
            vals::<i64>(&binary(BinaryOp::Or, &i64s(&[12], &[1]), &i64s(&[10], &[1])).unwrap()),
            vec![14]
        );
        assert_eq!(
            vals::<i64>(&binary(BinaryOp::Xor, &i64s(&[12], &[1]), &i64s(&[10], &[1])).unwrap()),
            vec![6]
        );
        assert!(matches!(
            binary(BinaryOp::And, &x, &y),
            Err(Error::DType(_))
        ));
        let big = NdArray::from_vec(vec![i32::MAX], &[1]).unwrap();
        let one = NdArray::from_vec(vec![1i32], &[1]).unwrap();
        assert_eq!(
            vals::<i32>(&binary(BinaryOp::Add, &big, &one).unwrap()),
            vec![i32::MIN]
        );
    }

    #[test]
    fn bool_arithmetic_is_logical() {
        let a = bools(&[true, true, false, false], &[4]);
        let b = bools(&[true, false, true, false], &[4]);
        assert_eq!(
            vals::<bool>(&binary(BinaryOp::Add, &a, &b).unwrap()),
            vec![true, true, true, false]
        );
        assert_eq!(
            vals::<bool>(&binary(BinaryOp::Mul, &a, &b).unwrap()),
            vec![true, false, false, false]
        );
        assert_eq!(
            vals::<bool>(&binary(BinaryOp::Xor, &a, &b).unwrap()),
            vec![false, true, true, false]
        );
        assert_eq!(
            vals::<bool>(&binary(BinaryOp::Maximum, &a, &b).unwrap()),
            vec![true, true, true, false]
        );
        assert_eq!(
            vals::<bool>(&binary(BinaryOp::Minimum, &a, &b).unwrap()),
            vec![true, false, false, false]
        );
        assert!(
            matches!(binary(BinaryOp::Sub, &a, &b), Err(Error::NotImplemented(m)) if m.contains("logical_xor"))
        );
        assert!(matches!(
            binary(BinaryOp::Div, &a, &b),
            Err(Error::DType(_))
        ));
        assert_eq!(
            vals::<bool>(&binary(BinaryOp::Eq, &a, &b).unwrap()),
            vec![true, false, false, true]
        );
    }

    #[test]
    fn binary_assign_in_place() {
        let mut d = f32s(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]);
        let alias = d.clone();
        binary_assign(BinaryOp::Add, &mut d, &f32s(&[10.0, 20.0, 30.0], &[3])).unwrap();
        assert_eq!(vals::<f32>(&d), vec![11.0, 22.0, 33.0, 14.0, 25.0, 36.0]);
        assert_eq!(
            vals::<f32>(&alias),
            vec![11.0, 22.0, 33.0, 14.0, 25.0, 36.0],
            "arrays that share storage see writes (views alias)"
        );
        binary_assign(BinaryOp::Mul, &mut d, &f32s(&[2.0, 0.0], &[2, 1])).unwrap();
        assert_eq!(vals::<f32>(&d), vec![22.0, 44.0, 66.0, 0.0, 0.0, 0.0]);
        binary_assign(BinaryOp::Sub, &mut d, &f32s(&[1.0], &[])).unwrap();
        assert_eq!(vals::<f32>(&d), vec![21.0, 43.0, 65.0, -1.0, -1.0, -1.0]);
        let same = d.clone();
        binary_assign(BinaryOp::Add, &mut d, &same).unwrap();
        assert_eq!(vals::<f32>(&d), vec![42.0, 86.0, 130.0, -2.0, -2.0, -2.0]);
        let mut i = i64s(&[5, 6], &[2]);
        assert!(binary_assign(BinaryOp::FloorDiv, &mut i, &i64s(&[0], &[1])).is_err());
        assert!(binary_assign(BinaryOp::Add, &mut i, &i64s(&[1, 2, 3, 4], &[2, 2])).is_err());
    }

    #[test]
    fn small_integers_wrap_and_16_bit_floats_round_each_result() {
        let a = NdArray::from_vec(vec![200u8, 100], &[2]).unwrap();
        let sum = binary(BinaryOp::Add, &a, &a).unwrap();
        assert_eq!(vals::<u8>(&sum), vec![144, 200]);
        let h = NdArray::from_vec(vec![f16::from_f32(1.0), f16::from_f32(2.0)], &[2]).unwrap();
        let three = NdArray::from_vec(vec![f16::from_f32(3.0); 2], &[2]).unwrap();
        let q = binary(BinaryOp::Div, &h, &three).unwrap();
        assert_eq!(q.dtype(), DType::Float16);
        assert_eq!(
            vals::<f16>(&q),
            vec![f16::from_f32(0.333_251_95), f16::from_f32(0.666_503_9)]
        );
    }
}
