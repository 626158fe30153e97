//! Dtype conversion (see [`Scalar::cast`]).

use half::slice::HalfFloatSliceExt;

use super::map::map_array;
use super::scalar::Scalar;
use crate::array::{alloc, bf16, f16, DType, Element, NdArray};
use crate::error::Result;
use crate::kernels::parallel;

/// `a` converted to `dtype` (see [`Scalar::cast`]).
pub fn cast(a: &NdArray, dtype: DType) -> Result<NdArray> {
    if a.is_contiguous() {
        // float32 <-> float16/bfloat16, the conversions of every 16-bit float kernel: `half`'s
        // slice conversions (F16C instructions where the CPU has them), several times faster
        // than one element at a time.
        match (a.dtype(), dtype) {
            (DType::Float32, DType::Float16) => return narrow_floats::<f16>(a),
            (DType::Float32, DType::BFloat16) => return narrow_floats::<bf16>(a),
            (DType::Float16, DType::Float32) => return widen_floats::<f16>(a),
            (DType::BFloat16, DType::Float32) => return widen_floats::<bf16>(a),
            _ => {}
        }
    }
    crate::with_dtype!(a.dtype(), S => {
        crate::with_dtype!(dtype, D => map_array(a, |v: S| v.cast::<D>()))
    })
}

/// The contiguous float32 `a` rounded to the 16-bit float `H`.
fn narrow_floats<H: Element>(a: &NdArray) -> Result<NdArray>
where
    [H]: HalfFloatSliceExt,
{
    let src = a.as_slice::<f32>()?;
    let mut out: Vec<H> = alloc::zeroed(src.len())?;
    parallel::for_each_chunk(&mut out, 1, |start, chunk| {
        chunk.convert_from_f32_slice(&src[start..start + chunk.len()])
    });
    NdArray::from_vec(out, a.shape())
}

/// The contiguous 16-bit float `a` as float32 (exact).
fn widen_floats<H: Element>(a: &NdArray) -> Result<NdArray>
where
    [H]: HalfFloatSliceExt,
{
    let src = a.as_slice::<H>()?;
    let mut out: Vec<f32> = alloc::zeroed(src.len())?;
    parallel::for_each_chunk(&mut out, 1, |start, chunk| {
        src[start..start + chunk.len()].convert_to_f32_slice(chunk)
    });
    NdArray::from_vec(out, a.shape())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::cpu::test_util::*;

    #[test]
    fn casts_follow_torch() {
        let f = f32s(&[-1.7, -0.2, 0.0, 2.9, f32::NAN], &[5]);
        // NaN becomes x86's "integer indefinite" value, as in PyTorch on the CPU.
        assert_eq!(
            vals::<i64>(&cast(&f, DType::Int64).unwrap()),
            vec![-1, 0, 0, 2, i64::MIN]
        );
        assert_eq!(
            vals::<bool>(&cast(&f, DType::Bool).unwrap()),
            vec![true, true, false, true, true]
        );
        let i = i64s(&[1 << 40 | 5, -1], &[2]);
        assert_eq!(vals::<i32>(&cast(&i, DType::Int32).unwrap()), vec![5, -1]);
        assert_eq!(
            vals::<f64>(&cast(&i, DType::Float64).unwrap()),
            vec![(1i64 << 40 | 5) as f64, -1.0]
        );
        let b = bools(&[true, false], &[2]);
        assert_eq!(
            vals::<f32>(&cast(&b, DType::Float32).unwrap()),
            vec![1.0, 0.0]
        );
        assert_eq!(vals::<i32>(&cast(&b, DType::Int32).unwrap()), vec![1, 0]);
        assert_eq!(cast(&b, DType::Int32).unwrap().shape(), &[2]);
    }

    #[test]
    fn casts_into_narrow_types_follow_pytorch() {
        let floats = f32s(&[300.5, -1.5, -300.7, 1e10, f32::NAN], &[5]);
        assert_eq!(
            vals::<u8>(&cast(&floats, DType::UInt8).unwrap()),
            vec![44, 255, 212, 0, 0]
        );
        assert_eq!(
            vals::<i8>(&cast(&floats, DType::Int8).unwrap()),
            vec![44, -1, -44, 0, 0]
        );
        assert_eq!(
            vals::<i32>(&cast(&floats, DType::Int32).unwrap()),
            vec![300, -1, -300, i32::MIN, i32::MIN]
        );
        let half = cast(&f32s(&[1.0 / 3.0, 65520.0], &[2]), DType::Float16).unwrap();
        assert_eq!(
            vals::<f16>(&half),
            vec![f16::from_f32(0.333_251_95), f16::INFINITY]
        );
        let ints = i64s(&[-1, 256, 300], &[3]);
        assert_eq!(
            vals::<u8>(&cast(&ints, DType::UInt8).unwrap()),
            vec![255, 0, 44]
        );
    }
}
