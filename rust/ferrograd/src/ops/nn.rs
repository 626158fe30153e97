//! Neural-network operations: softmax / log-softmax / logsumexp, gather / scatter-add /
//! index-select along a dimension, concatenation, sorting, the `im2col` window kernel and the
//! pooling built on it (convolution is `ops/conv.rs`). Each records one node whose rule (here
//! for softmax, gather, scatter-add and cat, in `autograd::rules` for the others) is written
//! with these same differentiable operations, so double backward works through all of them.

use smallvec::smallvec;

use crate::array::shape::{contiguous_strides, normalize_dim, Dims};
use crate::array::{DType, NdArray, StridedView};
use crate::autograd::op_rule::{single_grad, Grads, OpRule, RuleInputs, TangentInputs};
use crate::autograd::rules::{when, Op};
use crate::autograd::saved::Saved;
use crate::error::{require_float, Error, Result};
use crate::kernels::nn::{self as k, Window2d};
use crate::tensor::{record, Tensor};

fn float_dtype(t: &Tensor, op: &str) -> Result<DType> {
    let dtype = t.dtype();
    require_float(op, dtype)?;
    Ok(dtype)
}

fn axis_of(t: &Tensor, dim: isize) -> Result<usize> {
    let ndim = t.ndim();
    let axis = normalize_dim(dim, ndim)?;
    Ok(if ndim == 0 { 0 } else { axis })
}

fn index_array(index: &Tensor, op: &str) -> Result<NdArray> {
    let data = index.data();
    match data.dtype() {
        DType::Int64 | DType::Int32 => Ok(data),
        other => Err(Error::DType(format!(
            "{op}(): Expected dtype int64 for index, got {other}"
        ))),
    }
}

/// The gradient of `softmax` (`log_softmax` when `log`) along `axis` from the output `y` and
/// its gradient `g`, by the fused row kernel; `None` where it does not apply, or where the
/// result must itself be differentiable (the rule's recorded ops compute it then).
fn softmax_gradient(g: &Tensor, y: &Tensor, axis: usize, log: bool) -> Result<Option<Tensor>> {
    let recorded = (crate::autograd::mode::is_grad_enabled()
        && (g.requires_grad() || y.requires_grad()))
        || crate::autograd::forward::any_dual(&[g, y]);
    if recorded {
        return Ok(None);
    }
    let gx = crate::kernels::softmax_kernels::backward(&g.data(), &y.data(), axis, log)?;
    Ok(gx.map(Tensor::from_array))
}

pub(super) fn isize_shape(shape: &[usize]) -> Vec<isize> {
    shape.iter().map(|&s| s as isize).collect()
}

impl Tensor {
    /// `exp(x) / sum(exp(x))` along `dim`, computed stably.
    pub fn softmax(&self, dim: isize) -> Result<Tensor> {
        float_dtype(self, "softmax")?;
        let axis = axis_of(self, dim)?;
        let out = k::softmax(&self.read(), axis, false)?;
        let op = Op::rule(SoftmaxOf { axis, log: false });
        record(op, &[self], out, |out| smallvec![Saved::output(out)])
    }

    /// `x - logsumexp(x)` along `dim`, computed stably.
    pub fn log_softmax(&self, dim: isize) -> Result<Tensor> {
        float_dtype(self, "log_softmax")?;
        let axis = axis_of(self, dim)?;
        let out = k::softmax(&self.read(), axis, true)?;
        let op = Op::rule(SoftmaxOf { axis, log: true });
        record(op, &[self], out, |out| smallvec![Saved::output(out)])
    }

    /// `log(sum(exp(x), dim))`, computed stably.
    pub fn logsumexp(&self, dim: isize, keepdim: bool) -> Result<Tensor> {
        float_dtype(self, "logsumexp")?;
        let axis = axis_of(self, dim)?;
        let out = k::logsumexp(&self.read(), axis, keepdim)?;
        record(Op::LogSumExp { axis, keepdim }, &[self], out, |out| {
            smallvec![Saved::input(self), Saved::output(out)]
        })
    }

    /// `out[p] = self[p with p[dim] = index[p]]` (PyTorch's `gather`).
    pub fn gather(&self, dim: isize, index: &Tensor) -> Result<Tensor> {
        let axis = axis_of(self, dim)?;
        let idx = index_array(index, "gather")?;
        let out = k::gather_dim(&self.read(), axis, &idx)?;
        let index = Tensor::from_array(idx);
        record(Op::rule(GatherOf { axis }), &[self], out, |_| {
            smallvec![Saved::input(&index)]
        })
    }

    /// `self` with `src[p]` added at `[p with p[dim] = index[p]]` (out of place).
    pub fn scatter_add(&self, dim: isize, index: &Tensor, src: &Tensor) -> Result<Tensor> {
        let axis = axis_of(self, dim)?;
        let idx = index_array(index, "scatter_add")?;
        let dtype = self.dtype();
        let out = k::scatter_add_dim(&self.read(), axis, &idx, &src.data_as(dtype)?)?;
        let index = Tensor::from_array(idx);
        record(Op::rule(ScatterAddOf { axis }), &[self, src], out, |_| {
            smallvec![Saved::input(&index)]
        })
    }

    /// The entries at `index` (1-D) along `dim`.
    pub fn index_select(&self, dim: isize, index: &Tensor) -> Result<Tensor> {
        let axis = axis_of(self, dim)?;
        let idx = index_array(index, "index_select")?;
        let out = crate::kernels::index_select(&self.read(), axis, &idx)?;
        let out = if self.ndim() == 0 {
            out.reshaped(&[])?
        } else {
            out
        };
        let index = Tensor::from_array(idx);
        record(Op::IndexSelect { axis }, &[self], out, |_| {
            smallvec![Saved::input(&index)]
        })
    }

    /// Zeros with `size` entries along `dim`, with the slices of `self` added at `index` (the
    /// adjoint of `index_select`; repeated indices accumulate).
    pub fn index_add_zeros(&self, dim: isize, index: &Tensor, size: usize) -> Result<Tensor> {
        let axis = axis_of(self, dim)?;
        let idx = index_array(index, "index_add")?;
        let out = crate::kernels::index_add(&self.read(), axis, &idx, size)?;
        let index = Tensor::from_array(idx);
        record(
            Op::IndexAdd {
                axis: axis as u32,
                size,
            },
            &[self],
            out,
            |_| smallvec![Saved::input(&index)],
        )
    }

    /// Concatenation along `dim` (dtypes promote; other dimensions must agree).
    pub fn cat(tensors: &[Tensor], dim: isize) -> Result<Tensor> {
        let first = tensors
            .first()
            .ok_or_else(|| Error::Value("cat(): expected a non-empty list of Tensors".into()))?;
        if let Some(i) = tensors.iter().position(|t| t.ndim() == 0) {
            return Err(Error::Shape(format!(
                "zero-dimensional tensor (at position {i}) cannot be concatenated"
            )));
        }
        let axis = normalize_dim(dim, first.ndim())?;
        let dtype = tensors
            .iter()
            .skip(1)
            .fold(first.dtype(), |d, t| DType::promote(d, t.dtype()));
        // The joined size, checked: inputs that each fit can sum past what memory addresses.
        let mut joined = first.shape();
        joined[axis] = tensors
            .iter()
            .try_fold(0usize, |n, t| {
                n.checked_add(*t.shape().get(axis).unwrap_or(&0))
            })
            .ok_or_else(|| {
                Error::Shape(format!(
                    "cat(): the sizes along dimension {axis} add up past what memory can address"
                ))
            })?;
        crate::array::shape::check_storage(&joined, dtype.size_in_bytes())?;
        let arrays: Vec<NdArray> = tensors
            .iter()
            .map(|t| t.data_as(dtype))
            .collect::<Result<_>>()?;
        let refs: Vec<&NdArray> = arrays.iter().collect();
        let out = k::cat(&refs, axis)?;
        let sizes: Dims = tensors.iter().map(|t| t.shape()[axis]).collect();
        let inputs: Vec<&Tensor> = tensors.iter().collect();
        record(
            Op::rule(CatOf { axis, sizes }),
            &inputs,
            out,
            |_| smallvec![],
        )
    }

    /// Joins tensors of one shape along a new dimension `dim`.
    pub fn stack(tensors: &[Tensor], dim: isize) -> Result<Tensor> {
        let first = tensors
            .first()
            .ok_or_else(|| Error::Value("stack expects a non-empty TensorList".into()))?;
        let shape = first.shape();
        for (i, t) in tensors.iter().enumerate() {
            if t.shape() != shape {
                return Err(Error::Shape(format!(
                    "stack expects each tensor to be equal size, but got {:?} at entry 0 and {:?} at entry {i}",
                    shape.as_slice(),
                    t.shape().as_slice()
                )));
            }
        }
        let axis = normalize_dim(dim, shape.len() + 1)? as isize;
        let expanded: Vec<Tensor> = tensors
            .iter()
            .map(|t| t.unsqueeze(axis))
            .collect::<Result<_>>()?;
        Tensor::cat(&expanded, axis)
    }

    /// `(values, indices)` sorted along `dim` (stable); values are differentiable.
    pub fn sort(&self, dim: isize, descending: bool) -> Result<(Tensor, Tensor)> {
        let axis = axis_of(self, dim)?;
        if self.ndim() == 0 {
            return Ok((self.clone_tensor()?, Tensor::scalar(0i64)));
        }
        let indices = Tensor::from_array(k::argsort(&self.read(), axis, descending)?);
        Ok((self.gather(axis as isize, &indices)?, indices))
    }

    /// `(N, C, H, W)` → `(N, C·kh·kw, L)`: the sliding windows as columns (`unfold`).
    pub fn im2col(&self, window: Window2d) -> Result<Tensor> {
        let out = k::im2col(&self.read(), window)?;
        record(Op::Im2col(Box::new(window)), &[self], out, |_| smallvec![])
    }

    /// The adjoint of `im2col` (`fold`): columns back to `(N, C, H, W)`, overlaps summed.
    pub fn col2im(&self, window: Window2d, size: [usize; 2]) -> Result<Tensor> {
        let out = k::col2im(&self.read(), window, size)?;
        record(
            Op::Col2im(Box::new((window, size))),
            &[self],
            out,
            |_| smallvec![],
        )
    }

    fn check_pool_input(&self, op: &str) -> Result<[usize; 4]> {
        match *self.shape().as_slice() {
            [n, c, h, w] => Ok([n, c, h, w]),
            ref s => Err(Error::Shape(format!(
                "{op}: expected a 4-D input (N, C, H, W), got shape {s:?}"
            ))),
        }
    }

    /// Max pooling: `(values, indices)`, indices flat within each `H·W` plane (as PyTorch's
    /// `return_indices=True`). The values are a `gather`, so they are differentiable twice.
    pub fn max_pool2d(&self, window: Window2d) -> Result<(Tensor, Tensor)> {
        let [n, c, h, w] = self.check_pool_input("max_pool2d")?;
        window.check("max_pool2d")?;
        for d in 0..2 {
            if 2 * window.padding[d] > window.kernel[d] {
                return Err(Error::Value(format!(
                    "max_pool2d: pad should be at most half of effective kernel size, but got pad={:?} and kernel_size={:?}",
                    window.padding, window.kernel
                )));
            }
        }
        let idx = k::max_pool2d_indices(&self.read(), window)?;
        let (oh, ow) = (idx.shape()[2], idx.shape()[3]);
        let indices = Tensor::from_array(idx);
        let flat = self.reshape(&[n as isize, c as isize, (h * w) as isize])?;
        let picked = flat.gather(
            2,
            &indices.reshape(&[n as isize, c as isize, (oh * ow) as isize])?,
        )?;
        let values = picked.reshape(&isize_shape(&[n, c, oh, ow]))?;
        Ok((values, indices))
    }

    /// Average pooling over each window, zero padding included in the count.
    pub fn avg_pool2d(&self, window: Window2d) -> Result<Tensor> {
        let [n, c, h, w] = self.check_pool_input("avg_pool2d")?;
        float_dtype(self, "avg_pool2d")?;
        window.check("avg_pool2d")?;
        let (oh, ow) = window
            .output_size(h, w)
            .filter(|&(a, b)| a > 0 && b > 0)
            .ok_or_else(|| {
                Error::Shape(format!(
                    "avg_pool2d: input of spatial size ({h}, {w}) is too small for kernel {:?}",
                    window.kernel
                ))
            })?;
        let planes = self.reshape(&[(n * c) as isize, 1, h as isize, w as isize])?;
        let cols = planes.im2col(window)?;
        cols.mean_dims(&[1], false)?
            .reshape(&isize_shape(&[n, c, oh, ow]))
    }
}

/// A `softmax` node (`log_softmax` when `log`) along `axis`; it saves its output `y`.
#[derive(Debug)]
struct SoftmaxOf {
    axis: usize,
    log: bool,
}

impl OpRule for SoftmaxOf {
    fn name(&self) -> &'static str {
        match self.log {
            false => "SoftmaxBackward0",
            true => "LogSoftmaxBackward0",
        }
    }

    fn backward(&self, grads: &[Option<Tensor>], r: &RuleInputs) -> Result<Grads> {
        let g = single_grad(grads)?;
        r.one_input(|| {
            let (y, axis) = (r.saved(0)?, self.axis);
            if let Some(gx) = softmax_gradient(g, y, axis, self.log)? {
                return Ok(gx);
            }
            let dims = [axis as isize];
            if self.log {
                // g - exp(y) * sum(g)
                g.sub(&y.exp()?.mul(&g.sum_dims(&dims, true)?)?)
            } else {
                // y * (g - sum(g * y))
                let gy = g.mul(y)?;
                gy.sub(&y.mul(&gy.sum_dims(&dims, true)?)?)
            }
        })
    }

    fn tangent(&self, cx: &TangentInputs) -> Result<Tensor> {
        let (t, y, dims) = (cx.t0()?, cx.out(), [self.axis as isize]);
        if self.log {
            // t - sum(softmax * t)
            t.sub(&y.exp()?.mul(t)?.sum_dims(&dims, true)?)
        } else {
            // y * (t - sum(t * y))
            y.mul(&t.sub(&t.mul(y)?.sum_dims(&dims, true)?)?)
        }
    }
}

/// A `gather` node along `axis`; it saves the index.
#[derive(Debug)]
struct GatherOf {
    axis: usize,
}

impl OpRule for GatherOf {
    fn name(&self) -> &'static str {
        "GatherBackward0"
    }

    fn backward(&self, grads: &[Option<Tensor>], r: &RuleInputs) -> Result<Grads> {
        let g = single_grad(grads)?;
        r.one_input(|| gather_backward(g, self.axis, r.saved(0)?, &r.inputs[0].shape()))
    }

    fn tangent(&self, cx: &TangentInputs) -> Result<Tensor> {
        cx.t0()?.gather(self.axis as isize, cx.saved(0)?)
    }
}

/// A `scatter_add` node along `axis` (inputs self, src); it saves the index.
#[derive(Debug)]
struct ScatterAddOf {
    axis: usize,
}

impl OpRule for ScatterAddOf {
    fn name(&self) -> &'static str {
        "ScatterAddBackward0"
    }

    fn backward(&self, grads: &[Option<Tensor>], r: &RuleInputs) -> Result<Grads> {
        let g = single_grad(grads)?;
        let src = when(r.need(1), || {
            scatter_add_src_backward(g, self.axis, r.saved(0)?, &r.inputs[1].shape())
        })?;
        Ok(smallvec![Some(g.clone()), src])
    }

    fn tangent(&self, cx: &TangentInputs) -> Result<Tensor> {
        let base = cx.t_or_zeros(0)?;
        match cx.t(1) {
            Some(src) => base.scatter_add(self.axis as isize, cx.saved(0)?, src),
            None => Ok(base),
        }
    }
}

/// A `cat` node: its inputs' `sizes` along `axis`.
#[derive(Debug)]
struct CatOf {
    axis: usize,
    sizes: Dims,
}

impl OpRule for CatOf {
    fn name(&self) -> &'static str {
        "CatBackward0"
    }

    fn backward(&self, grads: &[Option<Tensor>], r: &RuleInputs) -> Result<Grads> {
        cat_backward(single_grad(grads)?, self.axis, &self.sizes, r.needs)
    }

    fn tangent(&self, cx: &TangentInputs) -> Result<Tensor> {
        let parts: Vec<Tensor> = (0..cx.num_inputs())
            .map(|i| cx.t_or_zeros(i))
            .collect::<Result<_>>()?;
        Tensor::cat(&parts, self.axis as isize)
    }
}

/// The gradient of `gather`: zeros of the input's shape with `g` added at the gathered places.
pub(crate) fn gather_backward(
    g: &Tensor,
    axis: usize,
    index: &Tensor,
    input_shape: &[usize],
) -> Result<Tensor> {
    Tensor::try_full(input_shape, 0.0, g.dtype(), g.device())?.scatter_add(axis as isize, index, g)
}

/// The gradient of `scatter_add` for `src`: `g` gathered at the index, placed in a zero tensor of
/// `src`'s shape when the index covers only part of `src`.
fn scatter_add_src_backward(
    g: &Tensor,
    axis: usize,
    index: &Tensor,
    src_shape: &[usize],
) -> Result<Tensor> {
    let picked = g.gather(axis as isize, index)?;
    let index_shape = index.shape();
    if index_shape.as_slice() == src_shape {
        return Ok(picked);
    }
    let view = StridedView {
        shape: index_shape.clone(),
        strides: contiguous_strides(src_shape),
        offset: 0,
    };
    picked.strided_scatter(view, src_shape)
}

/// The gradients of `cat`'s inputs: `g` split along `axis` into consecutive pieces of
/// `sizes`, in one pass that carries each piece's offset on from the last (`None` where
/// `needs` says an input takes no gradient). Linear in the number of inputs: summing the sizes
/// before each piece again made a 256k-input `cat` take seconds.
fn cat_backward(g: &Tensor, axis: usize, sizes: &[usize], needs: &[bool]) -> Result<Grads> {
    // The pieces are views of `g`'s row-major elements: lay them out once, not per piece (a
    // broadcast gradient, such as `sum`'s, is a stride-0 view).
    let g = &g.contiguous_tensor()?;
    let shape = g.shape();
    let strides = contiguous_strides(&shape);
    let mut grads = Grads::with_capacity(sizes.len());
    let mut start = 0;
    for (i, &size) in sizes.iter().enumerate() {
        grads.push(if needs.get(i).copied().unwrap_or(false) {
            let mut view_shape = shape.clone();
            view_shape[axis] = size;
            let offset = start as isize * strides[axis];
            let view = StridedView {
                shape: view_shape,
                strides: strides.clone(),
                offset,
            };
            Some(g.strided(view, "SliceBackward0")?)
        } else {
            None
        });
        start += size;
    }
    Ok(grads)
}
