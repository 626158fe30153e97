//! Reductions: sum, nansum, mean, max and min over all elements or over dimensions.

use smallvec::smallvec;

use crate::array::shape::normalize_dim;
use crate::array::DType;
use crate::autograd::rules::{Op, Reduction};
use crate::autograd::saved::Saved;
use crate::error::{Error, Result};
use crate::kernels::{self, ArgReduceOp, BinaryOp, ReduceOp};
use crate::tensor::{record, Tensor};

/// Sorted, distinct, non-negative reduction axes.
pub(crate) fn normalize_axes(dims: &[isize], ndim: usize) -> Result<Vec<usize>> {
    let mut axes: Vec<usize> = dims
        .iter()
        .map(|&d| normalize_dim(d, ndim))
        .collect::<Result<_>>()?;
    axes.sort_unstable();
    if axes.windows(2).any(|w| w[0] == w[1]) {
        return Err(Error::Value(format!(
            "dim {dims:?} appears multiple times in the list of dims"
        )));
    }
    if ndim == 0 {
        axes.clear();
    }
    Ok(axes)
}

impl Tensor {
    /// Integer and bool sums are computed in int64, as in PyTorch.
    fn sum_dtype(&self) -> DType {
        let dtype = self.dtype();
        if dtype.is_floating() {
            dtype
        } else {
            DType::Int64
        }
    }

    fn sum_over(&self, axes: Vec<usize>, keepdim: bool, all: bool) -> Result<Tensor> {
        let input = self.data_as(self.sum_dtype())?;
        let out = kernels::reduce(ReduceOp::Sum, &input, &axes, keepdim)?;
        record(
            Op::Sum(Box::new(Reduction {
                axes: axes.into(),
                keepdim,
                count: 1,
                all,
            })),
            &[self],
            out,
            |_| smallvec![],
        )
    }

    /// The sum of every element, as a 0-d tensor (bool and integers sum as int64).
    ///
    /// ```
    /// use ferrograd::Tensor;
    /// let x = Tensor::from([[1.0f64, 2.0], [3.0, 4.0]]);
    /// assert_eq!(x.sum().unwrap().item().unwrap(), 10.0);
    /// ```
    pub fn sum(&self) -> Result<Tensor> {
        self.sum_over((0..self.ndim()).collect(), false, true)
    }

    /// The sum over `dims` (negative ones count from the end), keeping them as size 1 when
    /// `keepdim`.
    ///
    /// # Errors
    ///
    /// [`Error::Index`] for a dimension out of range.
    pub fn sum_dims(&self, dims: &[isize], keepdim: bool) -> Result<Tensor> {
        let axes = normalize_axes(dims, self.ndim())?;
        self.sum_over(axes, keepdim, false)
    }

    fn nansum_over(&self, axes: Vec<usize>, keepdim: bool) -> Result<Tensor> {
        let input = self.data_as(self.sum_dtype())?;
        let input = if input.dtype().is_floating() {
            let present = kernels::binary(BinaryOp::Eq, &input, &input)?;
            kernels::where_(&present, &input, &self.scalar_on(0.0, input.dtype())?)?
        } else {
            input
        };
        let out = kernels::reduce(ReduceOp::Sum, &input, &axes, keepdim)?;
        let reduction = Reduction {
            axes: axes.into(),
            keepdim,
            count: 1,
            all: false,
        };
        record(Op::NanSum(Box::new(reduction)), &[self], out, |_| {
            smallvec![Saved::input(self)]
        })
    }

    /// The sum of every element with NaNs counted as 0 (their gradient is 0), as a 0-d
    /// tensor; integers sum as int64, as [`sum`](Self::sum).
    ///
    /// ```
    /// use ferrograd::Tensor;
    /// let x = Tensor::from([1.0f64, f64::NAN, 2.0]);
    /// assert_eq!(x.nansum().unwrap().item().unwrap(), 3.0);
    /// ```
    pub fn nansum(&self) -> Result<Tensor> {
        self.nansum_over((0..self.ndim()).collect(), false)
    }

    /// [`nansum`](Self::nansum) over `dims`; see [`sum_dims`](Self::sum_dims).
    ///
    /// # Errors
    ///
    /// [`Error::Index`] for a dimension out of range.
    pub fn nansum_dims(&self, dims: &[isize], keepdim: bool) -> Result<Tensor> {
        let axes = normalize_axes(dims, self.ndim())?;
        self.nansum_over(axes, keepdim)
    }

    fn mean_over(&self, axes: Vec<usize>, keepdim: bool, all: bool) -> Result<Tensor> {
        if !self.dtype().is_floating() {
            return Err(Error::DType(format!(
                "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: {}",
                self.dtype().scalar_type_name()
            )));
        }
        let shape = self.shape();
        let count: usize = axes.iter().map(|&a| shape[a]).product();
        // float16/bfloat16: summed and divided in float32, rounded once (as PyTorch does).
        let input = self.data_as(self.dtype().compute_dtype())?;
        let sum = kernels::reduce(ReduceOp::Sum, &input, &axes, keepdim)?;
        let mean = kernels::binary(
            kernels::BinaryOp::Div,
            &sum,
            &self.scalar_on(count as f64, input.dtype())?,
        )?;
        let out = kernels::cast(&mean, self.dtype())?;
        record(
            Op::Mean(Box::new(Reduction {
                axes: axes.into(),
                keepdim,
                count,
                all,
            })),
            &[self],
            out,
            |_| smallvec![],
        )
    }

    /// The mean of every element, as a 0-d tensor.
    ///
    /// # Errors
    ///
    /// [`Error::DType`] for a tensor that is not floating (as PyTorch).
    pub fn mean(&self) -> Result<Tensor> {
        self.mean_over((0..self.ndim()).collect(), false, true)
    }

    /// The mean over `dims`; see [`sum_dims`](Self::sum_dims).
    ///
    /// # Errors
    ///
    /// As [`mean`](Self::mean) and [`sum_dims`](Self::sum_dims).
    pub fn mean_dims(&self, dims: &[isize], keepdim: bool) -> Result<Tensor> {
        let axes = normalize_axes(dims, self.ndim())?;
        self.mean_over(axes, keepdim, false)
    }

    fn extreme_all(&self, op: ReduceOp) -> Result<Tensor> {
        let name = if op == ReduceOp::Max { "max" } else { "min" };
        if self.numel() == 0 {
            return Err(Error::Value(format!(
                "{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument."
            )));
        }
        let axes: Vec<usize> = (0..self.ndim()).collect();
        let out = kernels::reduce(op, &self.read(), &axes, false)?;
        let node = if op == ReduceOp::Max {
            Op::MaxAll
        } else {
            Op::MinAll
        };
        record(node, &[self], out, |out| {
            smallvec![Saved::input(self), Saved::output(out)]
        })
    }

    /// The largest element, as a 0-d tensor (its gradient is split evenly among ties, as
    /// PyTorch's).
    ///
    /// # Errors
    ///
    /// [`Error::Value`] for an empty tensor.
    pub fn max(&self) -> Result<Tensor> {
        self.extreme_all(ReduceOp::Max)
    }

    /// The smallest element; see [`max`](Self::max).
    pub fn min(&self) -> Result<Tensor> {
        self.extreme_all(ReduceOp::Min)
    }

    fn extreme_dim(&self, op: ArgReduceOp, dim: isize, keepdim: bool) -> Result<(Tensor, Tensor)> {
        let ndim = self.ndim();
        let axis = if ndim == 0 {
            0
        } else {
            normalize_dim(dim, ndim)?
        };
        let shape = self.shape();
        if ndim > 0 && shape[axis] == 0 {
            return Err(Error::Index(format!(
                "max(): Expected reduction dim {axis} to have non-zero size."
            )));
        }
        if ndim == 0 {
            return Ok((
                self.clone_tensor()?,
                Tensor::from_array(self.scalar_on(0.0, DType::Int64)?),
            ));
        }
        let data = self.data();
        let indices = kernels::arg_reduce(op, &data, axis, keepdim)?;
        let reduce = if op == ArgReduceOp::ArgMax {
            ReduceOp::Max
        } else {
            ReduceOp::Min
        };
        let values = kernels::reduce(reduce, &data, &[axis], keepdim)?;
        let indices = Tensor::from_array(indices);
        let node = Op::ExtremeDim {
            max: op == ArgReduceOp::ArgMax,
            axis,
            keepdim,
        };
        let values = record(node, &[self], values, |_| smallvec![Saved::input(&indices)])?;
        Ok((values, indices))
    }

    /// Maximum along `dim`: `(values, indices)`.
    pub fn max_dim(&self, dim: isize, keepdim: bool) -> Result<(Tensor, Tensor)> {
        self.extreme_dim(ArgReduceOp::ArgMax, dim, keepdim)
    }

    /// Minimum along `dim`: `(values, indices)`.
    pub fn min_dim(&self, dim: isize, keepdim: bool) -> Result<(Tensor, Tensor)> {
        self.extreme_dim(ArgReduceOp::ArgMin, dim, keepdim)
    }

    /// Index of the maximum: over the flattened tensor (`dim = None`) or along `dim`.
    pub fn argmax(&self, dim: Option<isize>, keepdim: bool) -> Result<Tensor> {
        self.arg_extreme(ArgReduceOp::ArgMax, dim, keepdim)
    }

    /// Index of the minimum; see [`argmax`](Self::argmax).
    pub fn argmin(&self, dim: Option<isize>, keepdim: bool) -> Result<Tensor> {
        self.arg_extreme(ArgReduceOp::ArgMin, dim, keepdim)
    }

    fn arg_extreme(&self, op: ArgReduceOp, dim: Option<isize>, keepdim: bool) -> Result<Tensor> {
        let data = self.data();
        if data.numel() == 0 {
            return Err(Error::Value(
                "argmax(): Expected reduction dim to be specified for input.numel() == 0.".into(),
            ));
        }
        match dim {
            None => {
                let flat = data.reshaped(&[data.numel()])?;
                let index = kernels::arg_reduce(op, &flat, 0, false)?;
                let index = if keepdim {
                    index.reshaped(&vec![1; data.ndim()])?
                } else {
                    index
                };
                Ok(Tensor::from_array(index))
            }
            Some(_) if data.ndim() == 0 => {
                Ok(Tensor::from_array(self.scalar_on(0.0, DType::Int64)?))
            }
            Some(d) => {
                let axis = normalize_dim(d, data.ndim())?;
                Ok(Tensor::from_array(kernels::arg_reduce(
                    op, &data, axis, keepdim,
                )?))
            }
        }
    }
}
