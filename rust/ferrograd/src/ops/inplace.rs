//! In-place operations. The new value is computed out of place from a snapshot of the tensor
//! (its old elements and history), then written into the tensor's own elements, which its
//! base and every view of the same storage see; when the operation was recorded, the tensor
//! takes the result's place in the graph (a view rewrites its base's history instead, see
//! `tensor::view`). The shared version counter is bumped so saved values catch the change.
//! Without recording, binary updates run truly in place.

use crate::array::{Category, DType, NdArray};
use crate::autograd::mode::is_grad_enabled;
use crate::error::{Error, Result};
use crate::kernels::{self, BinaryOp};
use crate::tensor::{needs_recording, Meta, Tensor};

impl Tensor {
    fn check_inplace_allowed(&self) -> Result<()> {
        if self.is_inference() && !crate::autograd::mode::is_inference_mode_enabled() {
            return Err(Error::Autograd(
                "Inplace update to inference tensor outside InferenceMode is not allowed.".into(),
            ));
        }
        // The view check first, as PyTorch: a leaf that is itself a view is named as a view.
        if is_grad_enabled() && self.is_grad_requiring_view_of_a_leaf() {
            return Err(Error::Autograd(
                "a view of a leaf Variable that requires grad is being used in an in-place operation.".into(),
            ));
        }
        if is_grad_enabled() && self.requires_grad() && self.is_leaf() {
            return Err(Error::Autograd(
                "a leaf Variable that requires grad is being used in an in-place operation.".into(),
            ));
        }
        Ok(())
    }

    /// A new tensor with this one's current elements and history. When the operation may be
    /// recorded (and so save its input), the elements are copied: the write that follows must
    /// not change what was saved. Otherwise they are shared.
    fn snapshot(&self) -> Result<Tensor> {
        let meta = self.meta();
        let copy = Meta {
            tangent: meta.tangent.clone(),
            ..meta.history()
        };
        drop(meta);
        let data = self.data();
        let data = if is_grad_enabled() || crate::autograd::forward::is_active() {
            crate::kernels::materialize(&data)?
        } else {
            data
        };
        Ok(Tensor::with_history_of(data, self, copy))
    }

    /// Runs an in-place operation whose new value `compute` derives from a snapshot of `self`.
    pub fn apply_inplace(&self, compute: impl FnOnce(&Tensor) -> Result<Tensor>) -> Result<()> {
        self.check_inplace_allowed()?;
        let snapshot = self.snapshot()?;
        let result = compute(&snapshot)?;
        let result = if result.is_leaf() && tracks_derivatives(&snapshot) {
            snapshot.overwritten_by(&result)?
        } else {
            result
        };
        self.commit_inplace(result)
    }

    /// `value` in place of `self` as a recorded step: the new elements are `value`'s, and the
    /// old value's history gets a zero gradient (and tangent). An in-place write of a constant
    /// (`copy_`, `fill_`, `y[0] = 7`) into a tensor in the graph must cut the old history off,
    /// not keep it, and the tensor stays in the graph, as PyTorch's `CopyBackwards` does.
    fn overwritten_by(&self, value: &Tensor) -> Result<Tensor> {
        let never = Tensor::from_array(self.scalar_on(0.0, DType::Bool)?);
        self.where_(&never, value)
    }

    fn commit_inplace(&self, result: Tensor) -> Result<()> {
        let (shape, dtype) = (self.shape(), self.dtype());
        if result.shape() != shape {
            return Err(Error::Shape(format!(
                "output with shape {:?} doesn't match the broadcast shape {:?}",
                shape.as_slice(),
                result.shape().as_slice()
            )));
        }
        let result = if result.dtype() == dtype {
            result
        } else if result.dtype().category() <= dtype.category()
            || dtype.category() == Category::Floating
        {
            result.to_dtype(dtype)?
        } else {
            return Err(Error::DType(format!(
                "result type {} can't be cast to the desired output type {dtype}",
                result.dtype()
            )));
        };
        self.take_tangent_of(&result);
        self.write_elements(&result.read())?;
        // Under forward AD the base's tangent changes with its elements, dual result or not.
        if self.is_view() && (crate::autograd::forward::is_active() || !result.is_leaf()) {
            return self.rewrite_base_history(&result);
        }
        if !result.is_leaf() {
            self.rebase_onto(result);
        }
        Ok(())
    }

    /// `self op= other`; `out_of_place` is the matching out-of-place operation.
    /// Whether `self` can be updated from `other` truly in place: nothing to record, no
    /// tangents, the result keeps `self`'s dtype, no aliasing, both on the host.
    fn updatable_in_place_from(&self, other: &Tensor) -> bool {
        !needs_recording(&[self, other])
            && !crate::autograd::forward::any_dual(&[self, other])
            && super::result_type(self, other) == self.dtype()
            && !self.shares_data(other)
            && self.device().is_cpu()
            && other.device().is_cpu()
    }

    fn binary_inplace(
        &self,
        other: &Tensor,
        op: BinaryOp,
        out_of_place: fn(&Tensor, &Tensor) -> Result<Tensor>,
    ) -> Result<()> {
        let dtype = self.dtype();
        // A 16-bit float updated from a scalar of another dtype reads that scalar at its own
        // precision (see `Tensor::binary`): computed out of place.
        let exact_source = !dtype.is_reduced_float() || other.dtype() == dtype;
        if self.updatable_in_place_from(other)
            && exact_source
            && (op != BinaryOp::Div || dtype.is_floating())
        {
            self.check_inplace_allowed()?;
            let src = other.data_as(dtype)?;
            kernels::binary_assign(op, &mut self.write(), &src)?;
            self.bump_version();
            return Ok(());
        }
        self.apply_inplace(|snapshot| out_of_place(snapshot, other))
    }

    /// `self += other` in place (`other` broadcast to this tensor's shape and cast to its dtype).
    ///
    /// # Errors
    ///
    /// As the out-of-place op, and [`Error::Autograd`] when the write is not allowed (a leaf
    /// that requires grad under grad mode, or a value saved for backward).
    ///
    /// ```
    /// use ferrograd::Tensor;
    /// let x = Tensor::from(vec![1.0f32, 2.0]);
    /// x.add_(&Tensor::from(1.0f32)).unwrap();
    /// assert_eq!(x.to_vec::<f32>().unwrap(), vec![2.0, 3.0]);
    /// ```
    pub fn add_(&self, other: &Tensor) -> Result<()> {
        self.binary_inplace(other, BinaryOp::Add, Tensor::add)
    }
    /// `self += alpha * other` (PyTorch's `add_(other, alpha=...)`), in one pass over the
    /// elements when nothing needs recording: the parameter update of SGD.
    pub fn add_scaled_(&self, other: &Tensor, alpha: f64) -> Result<()> {
        let dtype = self.dtype();
        if dtype.is_floating() && self.updatable_in_place_from(other) {
            self.check_inplace_allowed()?;
            let src = other.data_as(dtype)?;
            kernels::scaled_add_assign(&mut self.write(), &src, alpha)?;
            self.bump_version();
            return Ok(());
        }
        let scale = Tensor::from_array(other.scalar_on(alpha, other.dtype())?);
        self.add_(&other.mul(&scale)?)
    }
    /// `self -= other` in place (`other` broadcast to this tensor's shape and cast to its dtype).
    ///
    /// # Errors
    ///
    /// As the out-of-place op, and [`Error::Autograd`] when the write is not allowed (a leaf
    /// that requires grad under grad mode, or a value saved for backward).
    pub fn sub_(&self, other: &Tensor) -> Result<()> {
        self.binary_inplace(other, BinaryOp::Sub, Tensor::sub)
    }
    /// `self *= other` in place (`other` broadcast to this tensor's shape and cast to its dtype).
    ///
    /// # Errors
    ///
    /// As the out-of-place op, and [`Error::Autograd`] when the write is not allowed (a leaf
    /// that requires grad under grad mode, or a value saved for backward).
    pub fn mul_(&self, other: &Tensor) -> Result<()> {
        self.binary_inplace(other, BinaryOp::Mul, Tensor::mul)
    }
    /// `self /= other` in place (`other` broadcast to this tensor's shape and cast to its dtype).
    ///
    /// # Errors
    ///
    /// As the out-of-place op, and [`Error::Autograd`] when the write is not allowed (a leaf
    /// that requires grad under grad mode, or a value saved for backward).
    pub fn div_(&self, other: &Tensor) -> Result<()> {
        self.binary_inplace(other, BinaryOp::Div, Tensor::div)
    }
    /// Raises the elements to `other`'s in place; see [`add_`](Self::add_) for broadcasting and errors.
    pub fn pow_(&self, other: &Tensor) -> Result<()> {
        self.binary_inplace(other, BinaryOp::Pow, Tensor::pow)
    }
    /// [`remainder`](Self::remainder) in place; see [`add_`](Self::add_) for broadcasting and errors.
    pub fn remainder_(&self, other: &Tensor) -> Result<()> {
        self.binary_inplace(other, BinaryOp::Rem, Tensor::remainder)
    }
    /// [`floor_divide`](Self::floor_divide) in place; see [`add_`](Self::add_) for broadcasting and errors.
    pub fn floor_divide_(&self, other: &Tensor) -> Result<()> {
        self.binary_inplace(other, BinaryOp::FloorDiv, Tensor::floor_divide)
    }
    /// [`bitwise_and`](Self::bitwise_and) in place (bool and integer tensors).
    pub fn bitwise_and_(&self, other: &Tensor) -> Result<()> {
        self.binary_inplace(other, BinaryOp::And, Tensor::bitwise_and)
    }
    /// [`bitwise_or`](Self::bitwise_or) in place (bool and integer tensors).
    pub fn bitwise_or_(&self, other: &Tensor) -> Result<()> {
        self.binary_inplace(other, BinaryOp::Or, Tensor::bitwise_or)
    }
    /// [`bitwise_xor`](Self::bitwise_xor) in place (bool and integer tensors).
    pub fn bitwise_xor_(&self, other: &Tensor) -> Result<()> {
        self.binary_inplace(other, BinaryOp::Xor, Tensor::bitwise_xor)
    }

    /// Fills with `value`. On a recorded tensor the fill is recorded too (its gradient is zero).
    pub fn fill_(&self, value: f64) -> Result<()> {
        self.fill_with_element(NdArray::full(&[], value, self.dtype()))
    }

    /// `fill_` with an integer value, exact for every int64 (cast to the dtype as `to_dtype`).
    pub fn fill_int_(&self, value: i64) -> Result<()> {
        self.fill_with_element(kernels::cast(&NdArray::scalar(value), self.dtype())?)
    }

    /// Fills with a 0-d host array of this tensor's dtype.
    fn fill_with_element(&self, value: NdArray) -> Result<()> {
        self.check_inplace_allowed()?;
        let value = kernels::fill_on(&[], &value, self.device())?;
        if tracks_derivatives(self) {
            let filled = Tensor::from_array(value);
            let shape: Vec<isize> = self.shape().iter().map(|&s| s as isize).collect();
            return self.apply_inplace(|_| filled.expand(&shape));
        }
        self.write_elements(&value)
    }

    /// Fills with zeros ([`fill_`](Self::fill_) with 0).
    pub fn zero_(&self) -> Result<()> {
        self.fill_(0.0)
    }

    /// Copies `src` (moved to this tensor's device, broadcast, cast) into this tensor's elements; recorded when `src` requires grad.
    pub fn copy_(&self, src: &Tensor) -> Result<()> {
        let (dtype, device) = (self.dtype(), self.device());
        let shape: Vec<isize> = self.shape().iter().map(|&s| s as isize).collect();
        self.apply_inplace(|_| {
            let src = src.to_device(device)?;
            let value = if dtype.is_floating() {
                src.to_dtype(dtype)?
            } else {
                Tensor::from_array(src.data_as(dtype)?)
            };
            value.expand(&shape)
        })
    }
}

/// Whether a write into `t` must be recorded: it is in the graph, or it carries a tangent.
fn tracks_derivatives(t: &Tensor) -> bool {
    needs_recording(&[t]) || crate::autograd::forward::any_dual(&[t])
}
