//! The Rust types that back each dtype, and conversions between them.

pub use half::{bf16, f16};

use super::dtype::DType;
use super::storage::CpuBuffer;

/// A Rust scalar type that can be the element of an array.
pub trait Element: Copy + Send + Sync + PartialOrd + Default + std::fmt::Debug + 'static {
    /// The dtype whose elements this type is.
    const DTYPE: DType;
    /// The value as an `f64` (exact for every type but the 64-bit integers beyond 2^53).
    fn to_f64(self) -> f64;
    /// The value of `v` in this type, converted as a cast does (floats round, integers truncate
    /// toward zero and wrap).
    fn from_f64(v: f64) -> Self;
    /// Moves `data` into a host buffer without copying.
    fn into_buffer(data: Vec<Self>) -> CpuBuffer;
    /// This type's zero.
    fn zero() -> Self {
        Self::from_f64(0.0)
    }
    /// This type's one.
    fn one() -> Self {
        Self::from_f64(1.0)
    }
}

/// A float truncated toward zero into an `i32`, as x86's conversion (PyTorch's CPU `static_cast`)
/// does: a value outside the range (or NaN) gives `i32::MIN`, where Rust's `as` would saturate.
/// int8 and int16 take the low bits of this, as PyTorch's do.
#[inline(always)]
pub(crate) fn float_to_i32(v: f64) -> i32 {
    if v > -2_147_483_649.0 && v < 2_147_483_648.0 {
        v as i32
    } else {
        i32::MIN
    }
}

/// `float_to_i32` for `i64` (uint8 takes the low bits of this: PyTorch converts a float to uint8
/// through int64, so negative values wrap rather than being undefined).
#[inline(always)]
pub(crate) fn float_to_i64(v: f64) -> i64 {
    if (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&v) {
        v as i64
    } else {
        i64::MIN
    }
}

macro_rules! element {
    ($ty:ty, $dtype:ident, |$v:ident| $to:expr, |$f:ident| $from:expr) => {
        impl Element for $ty {
            const DTYPE: DType = DType::$dtype;
            #[inline(always)]
            fn to_f64(self) -> f64 {
                let $v = self;
                $to
            }
            #[inline(always)]
            fn from_f64($f: f64) -> Self {
                $from
            }
            fn into_buffer(data: Vec<Self>) -> CpuBuffer {
                CpuBuffer::from_vec(data)
            }
        }
    };
}

element!(f32, Float32, |v| v as f64, |f| f as f32);
element!(f64, Float64, |v| v, |f| f);
element!(i64, Int64, |v| v as f64, |f| float_to_i64(f));
element!(i32, Int32, |v| v as f64, |f| float_to_i32(f));
element!(i16, Int16, |v| v as f64, |f| float_to_i32(f) as i16);
element!(i8, Int8, |v| v as f64, |f| float_to_i32(f) as i8);
element!(u8, UInt8, |v| v as f64, |f| float_to_i64(f) as u8);
element!(bool, Bool, |v| if v { 1.0 } else { 0.0 }, |f| f != 0.0);
// A double becomes a 16-bit float through float32, as PyTorch's `Half(double)` does.
element!(f16, Float16, |v| v.to_f64(), |f| f16::from_f32(f as f32));
element!(bf16, BFloat16, |v| v.to_f64(), |f| bf16::from_f32(f as f32));

/// Runs `$body` with `$T` bound to the Rust element type of `$dtype`.
#[macro_export]
macro_rules! with_dtype {
    ($dtype:expr, $T:ident => $body:expr) => {
        match $dtype {
            $crate::DType::Float32 => {
                type $T = f32;
                $body
            }
            $crate::DType::Float64 => {
                type $T = f64;
                $body
            }
            $crate::DType::Int64 => {
                type $T = i64;
                $body
            }
            $crate::DType::Int32 => {
                type $T = i32;
                $body
            }
            $crate::DType::Bool => {
                type $T = bool;
                $body
            }
            $crate::DType::UInt8 => {
                type $T = u8;
                $body
            }
            $crate::DType::Int8 => {
                type $T = i8;
                $body
            }
            $crate::DType::Int16 => {
                type $T = i16;
                $body
            }
            $crate::DType::Float16 => {
                type $T = $crate::array::f16;
                $body
            }
            $crate::DType::BFloat16 => {
                type $T = $crate::array::bf16;
                $body
            }
        }
    };
}
