//! The `NdArray` methods that may copy elements, and so run a kernel (`array` itself runs none).

use super::materialize;
use crate::array::{shape, Element, NdArray};
use crate::error::{Error, Result};

impl NdArray {
    /// The same elements under another shape with as many elements: a view when the strides
    /// allow one, else a copy (`reshape`'s rule).
    pub fn reshaped(&self, shape: &[usize]) -> Result<NdArray> {
        if shape::numel(shape) != self.numel() {
            return Err(Error::Shape(format!(
                "shape '{shape:?}' is invalid for input of size {}",
                self.numel()
            )));
        }
        match self.reshaped_view(shape) {
            Some(view) => Ok(view),
            None => self.contiguous()?.reshaped(shape),
        }
    }

    /// The elements in row-major order in storage of their own: this array itself when it is
    /// contiguous already, else a copy.
    pub fn contiguous(&self) -> Result<NdArray> {
        if self.is_contiguous() {
            return Ok(self.clone());
        }
        materialize(self)
    }

    /// The elements converted to `f64`, in row-major order (host arrays only).
    pub fn to_f64_vec(&self) -> Result<Vec<f64>> {
        let dense = self.contiguous()?;
        crate::with_dtype!(self.dtype(), T => Ok(dense.as_slice::<T>()?.iter().map(|v| v.to_f64()).collect()))
    }

    /// The single element of a one-element array, as `f64`.
    pub fn item_f64(&self) -> Result<f64> {
        if self.numel() != 1 {
            return Err(Error::Value(format!(
                "a Tensor with {} elements cannot be converted to Scalar",
                self.numel()
            )));
        }
        Ok(self.to_f64_vec()?[0])
    }
}
