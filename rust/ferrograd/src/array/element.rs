//! The Rust types that back each dtype, and conversions between them.

use super::dtype::DType;
use super::storage::CpuBuffer;

/// A Rust scalar type that can be the element of an array.
pub trait Element: Copy + Send + Sync + PartialOrd + Default + std::fmt::Debug + 'static {
    const DTYPE: DType;
    fn to_f64(self) -> f64;
    fn from_f64(v: f64) -> Self;
    fn into_buffer(data: Vec<Self>) -> CpuBuffer;
    fn zero() -> Self {
        Self::from_f64(0.0)
    }
    fn one() -> Self {
        Self::from_f64(1.0)
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
element!(i64, Int64, |v| v as f64, |f| f as i64);
element!(i32, Int32, |v| v as f64, |f| f as i32);
element!(bool, Bool, |v| if v { 1.0 } else { 0.0 }, |f| f != 0.0);

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
        }
    };
}
