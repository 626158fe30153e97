//! Shape operations. Reshapes share the elements (no copy); transposes, permutations and
//! expansions are strided views gathered into a new contiguous array.

use smallvec::smallvec;

use super::StridedView;
use crate::array::shape::{contiguous_strides, normalize_dim, numel, Dims, Strides};
use crate::array::DType;
use crate::autograd::rules::{ClassName, Op, StridedOf};
use crate::error::{Error, Result};
use crate::kernels;
use crate::tensor::{record, Tensor};

impl Tensor {
    fn reshape_as_named(&self, shape: &[usize], name: ClassName) -> Result<Tensor> {
        let out = self.read().reshaped(shape)?;
        record(Op::Reshape { name }, &[self], out, |_| smallvec![])
    }

    /// The same elements under `shape`; one entry may be -1 (inferred).
    pub fn reshape(&self, shape: &[isize]) -> Result<Tensor> {
        let shape = infer_shape(shape, self.numel())?;
        self.reshape_as_named(&shape, &"ViewBackward0")
    }

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
        let mut out: Dims = shape[..start].into();
        out.push(numel(&shape[start..=end]));
        out.extend_from_slice(&shape[end + 1..]);
        self.reshape_as_named(&out, &"ViewBackward0")
    }

    pub fn unsqueeze(&self, dim: isize) -> Result<Tensor> {
        let mut shape = self.shape();
        let d = normalize_dim(dim, shape.len() + 1)?;
        shape.insert(d, 1);
        self.reshape_as_named(&shape, &"UnsqueezeBackward0")
    }

    /// Removes size-1 dimensions: all of them, or the given one (a no-op if its size is not 1).
    pub fn squeeze(&self, dim: Option<isize>) -> Result<Tensor> {
        let shape = self.shape();
        let out: Dims = match dim {
            None => shape.iter().copied().filter(|&s| s != 1).collect(),
            Some(dim) => {
                let d = normalize_dim(dim, shape.len())?;
                shape
                    .iter()
                    .enumerate()
                    .filter(|&(i, &s)| !(i == d && s == 1))
                    .map(|(_, &s)| s)
                    .collect()
            }
        };
        let name: ClassName = if dim.is_none() {
            &"SqueezeBackward0"
        } else {
            &"SqueezeBackward1"
        };
        self.reshape_as_named(&out, name)
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
        let strides = contiguous_strides(&shape);
        let view = StridedView {
            shape: order.iter().map(|&d| shape[d]).collect(),
            strides: order.iter().map(|&d| strides[d]).collect(),
            offset: 0,
        };
        self.strided(view, name)
    }

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

    /// Broadcasts to `shape` (-1 keeps a dimension); the gradient sums over the expansion.
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
        let own_strides = contiguous_strides(&own);
        let mut out: Dims = Dims::new();
        let mut strides: Strides = Strides::new();
        for (i, &size) in shape.iter().enumerate() {
            if i < lead {
                if size < 0 {
                    return Err(Error::Shape(format!("expand: -1 is not allowed in a leading, non-existing dimension ({shape:?})")));
                }
                out.push(size as usize);
                strides.push(0);
                continue;
            }
            let have = own[i - lead];
            let want = if size < 0 { have } else { size as usize };
            if have == want {
                out.push(want);
                strides.push(own_strides[i - lead]);
            } else if have == 1 {
                out.push(want);
                strides.push(0);
            } else {
                return Err(Error::Shape(format!(
                    "The expanded size of the tensor ({want}) must match the existing size ({have}) at non-singleton dimension {i}.  Target sizes: {shape:?}.  Tensor sizes: {:?}",
                    own.as_slice()
                )));
            }
        }
        self.strided(
            StridedView {
                shape: out,
                strides,
                offset: 0,
            },
            "ExpandBackward0",
        )
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

    /// A copy with its own elements, recorded (`CloneBackward0`).
    pub fn clone_tensor(&self) -> Result<Tensor> {
        let data = self.data();
        let copy = kernels::gather(&data, data.shape(), &contiguous_strides(data.shape()), 0)?;
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
            s if s < 0 => return Err(Error::Shape(format!("invalid shape dimension {s}"))),
            s => known *= s as usize,
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
