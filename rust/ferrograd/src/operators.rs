//! `std::ops` operators and `From` conversions for [`Tensor`].
//!
//! Operators return `Result<Tensor>` (an operation can fail: shapes that do not broadcast,
//! dtypes that do not mix), so an expression is written with `?` at each step:
//!
//! ```
//! use ferrograd::Tensor;
//!
//! # fn main() -> ferrograd::Result<()> {
//! let a = Tensor::from(vec![1.0f32, 2.0, 3.0]);
//! let b = Tensor::from(vec![10.0f32, 20.0, 30.0]);
//! let c = ((&a + &b)? * 2.0)?;
//! assert_eq!(c.to_vec::<f32>()?, [22.0, 44.0, 66.0]);
//! assert_eq!((1.0 - &a)?.to_vec::<f32>()?, [0.0, -1.0, -2.0]);
//! assert_eq!((-&a)?.to_vec::<f32>()?, [-1.0, -2.0, -3.0]);
//! # Ok(())
//! # }
//! ```
//!
//! A scalar operand is an `f64` (so a plain literal such as `2.0` needs no suffix) made a 0-d
//! tensor, which takes the other operand's floating dtype (it does not turn a float32 tensor
//! into float64), as Python scalars do in PyTorch.

use std::ops::{Add, Div, Mul, Neg, Sub};

use crate::array::Element;
use crate::error::Result;
use crate::tensor::Tensor;

macro_rules! binary_operator {
    ($trait:ident, $method:ident) => {
        impl $trait<&Tensor> for &Tensor {
            type Output = Result<Tensor>;
            fn $method(self, rhs: &Tensor) -> Result<Tensor> {
                Tensor::$method(self, rhs)
            }
        }
        impl $trait<Tensor> for &Tensor {
            type Output = Result<Tensor>;
            fn $method(self, rhs: Tensor) -> Result<Tensor> {
                Tensor::$method(self, &rhs)
            }
        }
        impl $trait<&Tensor> for Tensor {
            type Output = Result<Tensor>;
            fn $method(self, rhs: &Tensor) -> Result<Tensor> {
                Tensor::$method(&self, rhs)
            }
        }
        impl $trait<Tensor> for Tensor {
            type Output = Result<Tensor>;
            fn $method(self, rhs: Tensor) -> Result<Tensor> {
                Tensor::$method(&self, &rhs)
            }
        }
        binary_operator!(@scalar $trait, $method, f64);
    };
    (@scalar $trait:ident, $method:ident, $scalar:ty) => {
        impl $trait<$scalar> for &Tensor {
            type Output = Result<Tensor>;
            fn $method(self, rhs: $scalar) -> Result<Tensor> {
                Tensor::$method(self, &Tensor::scalar(rhs))
            }
        }
        impl $trait<$scalar> for Tensor {
            type Output = Result<Tensor>;
            fn $method(self, rhs: $scalar) -> Result<Tensor> {
                Tensor::$method(&self, &Tensor::scalar(rhs))
            }
        }
        impl $trait<&Tensor> for $scalar {
            type Output = Result<Tensor>;
            fn $method(self, rhs: &Tensor) -> Result<Tensor> {
                Tensor::$method(&Tensor::scalar(self), rhs)
            }
        }
        impl $trait<Tensor> for $scalar {
            type Output = Result<Tensor>;
            fn $method(self, rhs: Tensor) -> Result<Tensor> {
                Tensor::$method(&Tensor::scalar(self), &rhs)
            }
        }
    };
}

binary_operator!(Add, add);
binary_operator!(Sub, sub);
binary_operator!(Mul, mul);
binary_operator!(Div, div);

impl Neg for &Tensor {
    type Output = Result<Tensor>;
    fn neg(self) -> Result<Tensor> {
        Tensor::neg(self)
    }
}

impl Neg for Tensor {
    type Output = Result<Tensor>;
    fn neg(self) -> Result<Tensor> {
        Tensor::neg(&self)
    }
}

macro_rules! from_scalar {
    ($($ty:ty),*) => {$(
        /// A 0-d tensor holding the value.
        impl From<$ty> for Tensor {
            fn from(value: $ty) -> Tensor {
                Tensor::scalar(value)
            }
        }
    )*};
}

from_scalar!(f32, f64, i32, i64, bool);

/// A 1-D tensor of the values.
impl<T: Element> From<Vec<T>> for Tensor {
    fn from(values: Vec<T>) -> Tensor {
        let n = values.len();
        Tensor::from_vec(values, &[n]).expect("a vector fits a 1-D shape of its length")
    }
}

/// A 1-D tensor of a copy of the values.
impl<T: Element> From<&[T]> for Tensor {
    fn from(values: &[T]) -> Tensor {
        Tensor::from(values.to_vec())
    }
}

/// A 1-D tensor of the array's values.
impl<T: Element, const N: usize> From<[T; N]> for Tensor {
    fn from(values: [T; N]) -> Tensor {
        Tensor::from(values.to_vec())
    }
}

/// A 2-D tensor of `M` rows of `N` values.
impl<T: Element, const N: usize, const M: usize> From<[[T; N]; M]> for Tensor {
    fn from(rows: [[T; N]; M]) -> Tensor {
        let values: Vec<T> = rows.iter().flatten().copied().collect();
        Tensor::from_vec(values, &[M, N]).expect("M rows of N values fit an (M, N) shape")
    }
}
