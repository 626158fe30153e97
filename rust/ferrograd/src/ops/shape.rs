//! Shape operations. They return views that share the input's storage wherever PyTorch does
//! (`view`, `reshape` when the strides allow, `squeeze`, `unsqueeze`, `flatten`, `permute`,
//! `transpose`, `expand`, ...): a new layout, no element moved (see `tensor::view`).

use smallvec::smallvec;

use super::StridedView;
use crate::array::shape::{normalize_dim, numel, Dims};
use crate::array::DType;
use crate::autograd::rules::{ClassName, Op, StridedOf};
use crate::error::{Error, Result};
use crate::kernels;
use crate::tensor::{record, Tensor};

impl Tensor {
    /// The same elements under `shape` (as many), as a view when the strides allow one, else
    /// a copy (PyTorch's `reshape`).
    fn reshape_as_named(&self, shape: &[usize], name: ClassName) -> Result<Tensor> {
        let viewable = self.read().layout().reshaped(shape).is_some();
        if viewable {
            return self.reshape_view(name, |l| l.reshaped(shape).expect("checked above"));
        }
        // As PyTorch's `_unsafe_view`: the result reshapes a private copy and is not a view
        // (no `_base`), since nothing else can see that copy.
        let copy = self.clone_tensor()?;
        let array = copy.view_array(|l| l.reshaped(shape).expect("contiguous"))?;
        record(
            Op::Reshape {
                name: &"UnsafeViewBackward0",
            },
            &[&copy],
            array,
            |_| smallvec![],
        )
    }

    /// The same elements under `shape`; one entry may be -1 (inferred).
    pub fn reshape(&self, shape: &[isize]) -> Result<Tensor> {
        let shape = infer_shape(shape, self.numel())?;
        self.reshape_as_named(&shape, &"ViewBackward0")
    }

    /// `view(shape)`: a view under `shape`, or an error when the strides allow none.
    pub fn view_shape(&self, shape: &[isize]) -> Result<Tensor> {
        let shape = infer_shape(shape, self.numel())?;
        if self.read().layout().reshaped(&shape).is_none() {
            return Err(Error::Shape(format!(
                "view size is not compatible with input tensor's size and stride (at least one dimension spans across \
                 two contiguous subspaces): a tensor of shape {:?} and strides {:?} viewed as {:?}. Use .reshape(...) instead.",
                self.shape().as_slice(),
                self.strides().as_slice(),
                shape.as_slice()
            )));
        }
        self.reshape_as_named(&shape, &"ViewBackward0")
    }

    /// The strides of this tensor's layout, in elements.
    pub fn strides(&self) -> crate::array::shape::Strides {
        self.read().strides().into()
    }

    /// Where this tensor's first element sits in its storage, in elements.
    pub fn storage_offset(&self) -> usize {
        self.read().offset()
    }

    /// Whether the elements are row-major with no gaps in storage.
    pub fn is_contiguous(&self) -> bool {
        self.read().is_contiguous()
    }

    /// This tensor if it is contiguous, else a row-major copy (recorded as a clone).
    pub fn contiguous_tensor(&self) -> Result<Tensor> {
        if self.is_contiguous() {
            return Ok(self.clone());
        }
        self.clone_tensor()
    }

    /// Merges dimensions `start_dim..=end_dim` into one (a view when the strides allow, else a
    /// copy).
    ///
    /// # Errors
    ///
    /// [`Error::Index`] for a dimension out of range or `start_dim` after `end_dim`.
    pub fn flatten(&self, start_dim: isize, end_dim: isize) -> Result<Tensor> {
        let shape = self.shape();
        if shape.is_empty() {
            return self.reshape_as_named(&[1], &"ViewBackward0");
        }
        let start = normalize_dim(start_dim, shape.len())?;
        let end = normalize_dim(end_dim, shape.len())?;
        if start > end {
            return Err(Error::Value(
                "flatten() has invalid args: start_dim cannot come after end_dim".into(),
            ));
        }
        if start == end {
            return Ok(self.clone());
        }
        let mut out: Dims = shape[..start].into();
        out.push(numel(&shape[start..=end]));
        out.extend_from_slice(&shape[end + 1..]);
        self.reshape_as_named(&out, &"ViewBackward0")
    }

    /// A view with a new dimension of size 1 at `dim` (in `-(ndim+1)..=ndim`).
    ///
    /// ```
    /// let x = ferrograd::Tensor::from(vec![1.0f32, 2.0]);
    /// assert_eq!(x.unsqueeze(0).unwrap().shape().as_slice(), &[1, 2]);
    /// ```
    pub fn unsqueeze(&self, dim: isize) -> Result<Tensor> {
        let d = normalize_dim(dim, self.ndim() + 1)?;
        self.reshape_view(&"UnsqueezeBackward0", |l| l.unsqueezed(d))
    }

    /// Removes size-1 dimensions: all of them, or the given one (a no-op if its size is not 1).
    pub fn squeeze(&self, dim: Option<isize>) -> Result<Tensor> {
        let shape = self.shape();
        let drop: Vec<usize> = match dim {
            None => (0..shape.len()).filter(|&i| shape[i] == 1).collect(),
            Some(dim) => {
                let d = normalize_dim(dim, shape.len())?;
                if shape.get(d) == Some(&1) {
                    vec![d]
                } else {
                    vec![]
                }
            }
        };
        let name: ClassName = if dim.is_none() {
            &"SqueezeBackward0"
        } else {
            &"SqueezeBackward1"
        };
        self.reshape_view(name, |l| l.without_dims(&drop))
    }

    /// A copy of the strided view `view` of this tensor's elements, recorded as `name`.
    pub(crate) fn strided(&self, view: StridedView, name: &'static str) -> Result<Tensor> {
        let input_shape = self.shape();
        let out = kernels::gather(&self.read(), &view.shape, &view.strides, view.offset)?;
        record(
            Op::Strided(Box::new(StridedOf {
                name,
                view,
                input_shape,
            })),
            &[self],
            out,
            |_| smallvec![],
        )
    }

    /// The adjoint of `strided`: zeros of `out_shape` with this tensor added at the view.
    pub(crate) fn strided_scatter(&self, view: StridedView, out_shape: &[usize]) -> Result<Tensor> {
        let out = kernels::scatter_add(
            &self.read(),
            out_shape,
            &view.shape,
            &view.strides,
            view.offset,
        )?;
        record(
            Op::StridedScatter(Box::new(view)),
            &[self],
            out,
            |_| smallvec![],
        )
    }

    /// A view with the dimensions reordered: dimension `i` of the result is `dims[i]` of this
    /// tensor.
    ///
    /// # Errors
    ///
    /// [`Error::Index`] unless `dims` names each dimension once.
    pub fn permute(&self, dims: &[isize]) -> Result<Tensor> {
        self.permute_named(dims, "PermuteBackward0")
    }

    fn permute_named(&self, dims: &[isize], name: &'static str) -> Result<Tensor> {
        let shape = self.shape();
        if dims.len() != shape.len() {
            return Err(Error::Shape(format!(
                "permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = {} is not equal to len(dims) = {}",
                shape.len(),
                dims.len()
            )));
        }
        let order: Vec<usize> = dims
            .iter()
            .map(|&d| normalize_dim(d, shape.len()))
            .collect::<Result<_>>()?;
        let mut seen = vec![false; shape.len()];
        for &d in &order {
            if std::mem::replace(&mut seen[d], true) {
                return Err(Error::Value(format!(
                    "permute(): duplicate dims are not allowed (dims {dims:?})"
                )));
            }
        }
        self.strided_view(name, |l| l.permuted(&order))
    }

    /// A view with dimensions `dim0` and `dim1` swapped.
    pub fn transpose(&self, dim0: isize, dim1: isize) -> Result<Tensor> {
        let ndim = self.ndim();
        if ndim == 0 {
            return self.reshape_as_named(&[], &"TransposeBackward0");
        }
        let (a, b) = (normalize_dim(dim0, ndim)?, normalize_dim(dim1, ndim)?);
        let mut order: Vec<isize> = (0..ndim as isize).collect();
        order.swap(a, b);
        self.permute_named(&order, "TransposeBackward0")
    }

    /// `.T`: reverses all dimensions.
    pub fn t_all(&self) -> Result<Tensor> {
        let order: Vec<isize> = (0..self.ndim() as isize).rev().collect();
        self.permute_named(&order, "PermuteBackward0")
    }

    /// Broadcasts to `shape` (-1 keeps a dimension) as a view with stride 0 on the new and the
    /// stretched dimensions; the gradient sums over the expansion.
    pub fn expand(&self, shape: &[isize]) -> Result<Tensor> {
        let own = self.shape();
        if shape.len() < own.len() {
            return Err(Error::Shape(format!(
                "expand: the number of sizes provided ({}) must be greater or equal to the number of dimensions in the tensor ({})",
                shape.len(),
                own.len()
            )));
        }
        let lead = shape.len() - own.len();
        let mut out: Dims = Dims::new();
        for (i, &size) in shape.iter().enumerate() {
            if i < lead {
                if size < 0 {
                    return Err(Error::Shape(format!("The expanded size of the tensor ({size}) isn't allowed in a leading, non-existing dimension {i} ({shape:?})")));
                }
                out.push(size as usize);
                continue;
            }
            let have = own[i - lead];
            let want = match size {
                -1 => have,
                s if s < 0 => {
                    return Err(Error::Shape(format!(
                        "The expanded size of the tensor ({s}) isn't allowed: sizes are non-negative, or -1 to keep a dimension.  Target sizes: {shape:?}.  Tensor sizes: {:?}",
                        own.as_slice()
                    )))
                }
                s => s as usize,
            };
            if have != want && have != 1 {
                return Err(Error::Shape(format!(
                    "The expanded size of the tensor ({want}) must match the existing size ({have}) at non-singleton dimension {i}.  Target sizes: {shape:?}.  Tensor sizes: {:?}",
                    own.as_slice()
                )));
            }
            out.push(want);
        }
        crate::array::shape::check_numel(&out)?;
        self.strided_view("ExpandBackward0", |l| l.expanded(&out))
    }

    /// The diagonal of dimensions `dim1` and `dim2` (above the main one for `offset` > 0) as
    /// a view, in a new last dimension.
    pub fn diagonal(&self, offset: isize, dim1: isize, dim2: isize) -> Result<Tensor> {
        let ndim = self.ndim();
        let (d1, d2) = (normalize_dim(dim1, ndim)?, normalize_dim(dim2, ndim)?);
        if d1 == d2 || ndim < 2 {
            return Err(Error::Shape(format!(
                "diagonal dimensions cannot be identical {dim1}, {dim2} (and the tensor needs 2 or more dimensions, it has {ndim})"
            )));
        }
        self.strided_view("DiagonalBackward0", |l| l.diagonal(offset, d1, d2))
    }

    /// Every window of `size` elements, `step` apart, along `dim`, as a view with the window in
    /// a new last dimension (`Tensor.unfold`).
    pub fn unfold(&self, dim: isize, size: usize, step: usize) -> Result<Tensor> {
        let ndim = self.ndim();
        let d = normalize_dim(dim, ndim)?;
        let extent = if ndim == 0 { 1 } else { self.shape()[d] };
        if size > extent {
            return Err(Error::Shape(format!(
                "maximum size for tensor at dimension {d} is {extent} but size is {size}"
            )));
        }
        if step == 0 {
            return Err(Error::Shape(format!("step is {step} but must be > 0")));
        }
        self.strided_view("UnfoldBackward0", |l| l.unfolded(d, size, step))
    }

    /// A view of this tensor's storage through `size` and `stride`, starting at
    /// `storage_offset` (this tensor's own offset when `None`), as `Tensor.as_strided`.
    pub fn as_strided(
        &self,
        size: &[usize],
        stride: &[isize],
        storage_offset: Option<usize>,
    ) -> Result<Tensor> {
        if size.len() != stride.len() {
            return Err(Error::Shape(format!(
                "mismatch in length of strides and shape: {} strides for {} sizes",
                stride.len(),
                size.len()
            )));
        }
        if let Some(s) = stride.iter().find(|&&s| s < 0) {
            return Err(Error::Shape(format!("as_strided: Negative strides are not supported at the moment, got strides: {stride:?} ({s})")));
        }
        crate::array::shape::check_numel(size)?;
        let (own, numel) = (self.read().layout().clone(), self.numel());
        let offset = storage_offset.unwrap_or(own.offset());
        let layout = crate::array::Layout::new(size.into(), stride.into(), offset);
        layout.check_within(self.read().storage_len())?;
        // For the gradient, the view in this tensor's row-major elements: it exists when this
        // tensor is contiguous and the view reads only its elements.
        let relative = crate::array::Layout::new(
            size.into(),
            stride.into(),
            offset.wrapping_sub(own.offset()),
        );
        let inside =
            own.is_contiguous() && offset >= own.offset() && relative.check_within(numel).is_ok();
        if !inside && crate::tensor::needs_recording(&[self]) {
            return Err(Error::Autograd(
                "as_strided: a view that reads outside the elements of a non-contiguous (or offset) input is not differentiable; \
                 call .contiguous() first"
                    .into(),
            ));
        }
        let relative = if inside {
            relative
        } else {
            crate::array::Layout::contiguous(size, 0)
        };
        let array = self.view_array(|_| layout.clone())?;
        let op = Op::Strided(Box::new(StridedOf {
            name: "AsStridedBackward0",
            view: StridedView::of(&relative),
            input_shape: self.shape(),
        }));
        self.wrap_view(op, array)
    }

    /// The elements converted to `dtype`; differentiable between floating dtypes.
    pub fn to_dtype(&self, dtype: DType) -> Result<Tensor> {
        if dtype == self.dtype() {
            return Ok(self.clone());
        }
        let out = self.data_as(dtype)?;
        if !dtype.is_floating() {
            return Ok(Tensor::from_array(out));
        }
        record(Op::ToCopy, &[self], out, |_| smallvec![])
    }

    /// A row-major copy with storage of its own, recorded (`CloneBackward0`).
    pub fn clone_tensor(&self) -> Result<Tensor> {
        let copy = kernels::materialize(&self.read())?;
        record(Op::Clone, &[self], copy, |_| smallvec![])
    }

    /// Reduces a (broadcast) gradient to `shape` by summing over the broadcast dimensions.
    pub fn sum_to(&self, shape: &[usize]) -> Result<Tensor> {
        let own = self.shape();
        if own.as_slice() == shape {
            return Ok(self.clone());
        }
        if own.len() < shape.len() {
            return Err(Error::Shape(format!(
                "cannot sum a tensor of shape {:?} to shape {shape:?}",
                own.as_slice()
            )));
        }
        let lead = own.len() - shape.len();
        let mut axes: Vec<isize> = (0..lead as isize).collect();
        for (i, &size) in shape.iter().enumerate() {
            if size == 1 && own[lead + i] != 1 {
                axes.push((lead + i) as isize);
            } else if size != own[lead + i] {
                return Err(Error::Shape(format!(
                    "cannot sum a tensor of shape {:?} to shape {shape:?}",
                    own.as_slice()
                )));
            }
        }
        let summed = if axes.is_empty() {
            self.clone()
        } else {
            self.sum_dims(&axes, true)?
        };
        summed.reshape(&shape.iter().map(|&s| s as isize).collect::<Vec<_>>())
    }
}

/// Resolves a shape with at most one -1 entry against `numel` elements.
pub(crate) fn infer_shape(shape: &[isize], numel_in: usize) -> Result<Dims> {
    let mut infer = None;
    let mut known = 1usize;
    for (i, &s) in shape.iter().enumerate() {
        match s {
            -1 if infer.is_none() => infer = Some(i),
            -1 => return Err(Error::Shape("only one dimension can be inferred".into())),
            s if s < 0 => {
                return Err(Error::Shape(format!(
                    "invalid shape dimension {s} at index {i} of shape {shape:?}"
                )))
            }
            // Checked: a product that wraps could match the element count by accident.
            s => {
                known = known.checked_mul(s as usize).ok_or_else(|| {
                    Error::Shape(format!(
                        "shape '{shape:?}' is invalid for input of size {numel_in}"
                    ))
                })?
            }
        }
    }
    let mut out: Dims = shape.iter().map(|&s| s.max(0) as usize).collect();
    if let Some(i) = infer {
        if known == 0 || !numel_in.is_multiple_of(known) {
            return Err(Error::Shape(format!(
                "shape '{shape:?}' is invalid for input of size {numel_in}"
            )));
        }
        out[i] = numel_in / known;
    }
    if numel(&out) != numel_in {
        return Err(Error::Shape(format!(
            "shape '{shape:?}' is invalid for input of size {numel_in}"
        )));
    }
    Ok(out)
}
