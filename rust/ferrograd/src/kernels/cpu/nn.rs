//! CPU kernels for neural networks: numerically stable softmax / log-softmax / logsumexp along an
//! axis, gather and scatter-add along a dimension (PyTorch's `gather` / `scatter_add`),
//! concatenation, argsort, and the 2-D window kernels behind convolution and pooling
//! (`im2col`, its adjoint `col2im`, and max-pool argmax indices).

use super::scalar::Scalar;
use crate::array::shape::{check_storage, contiguous_strides, numel, Dims};
use crate::array::{alloc, DType, Element, NdArray};
use crate::error::{Error, Result};
use crate::kernels::nn::Window2d;
use crate::kernels::vecmath::Isa;
use std::mem::MaybeUninit;

/// Floating element types (the kernels call their inherent `exp` and `ln`).
trait Real:
    Element + std::ops::Add<Output = Self> + std::ops::Sub<Output = Self> + std::ops::Mul<Output = Self>
{
    const NEG_INF: Self;
    fn is_nan(self) -> bool;
}

impl Real for f32 {
    const NEG_INF: f32 = f32::NEG_INFINITY;
    fn is_nan(self) -> bool {
        f32::is_nan(self)
    }
}

impl Real for f64 {
    const NEG_INF: f64 = f64::NEG_INFINITY;
    fn is_nan(self) -> bool {
        f64::is_nan(self)
    }
}

/// Runs `$body` with `$T` bound to `f32` or `f64`; other dtypes are a `DType` error.
macro_rules! with_real {
    ($dtype:expr, $op:expr, $T:ident => $body:expr) => {
        match $dtype {
            DType::Float32 => {
                type $T = f32;
                $body
            }
            DType::Float64 => {
                type $T = f64;
                $body
            }
            other => Err(Error::expected_float($op, other)),
        }
    };
}

/// `shape` split around `axis`: (outer, size, inner).
fn split(shape: &[usize], axis: usize) -> (usize, usize, usize) {
    if shape.is_empty() {
        return (1, 1, 1);
    }
    (
        numel(&shape[..axis]),
        shape[axis],
        numel(&shape[axis + 1..]),
    )
}

/// The maximum of a lane (NaN propagates; an all `-inf` lane gives `-inf`).
fn lane_max<T: Real>(x: &[T], base: usize, size: usize, inner: usize) -> T {
    let mut m = T::NEG_INF;
    for j in 0..size {
        let v = x[base + j * inner];
        if v.is_nan() {
            return v;
        }
        if v > m {
            m = v;
        }
    }
    m
}

/// `softmax` (or `log_softmax` when `log`) of `a` along `axis`, subtracting each lane's max.
pub fn softmax(a: &NdArray, axis: usize, log: bool) -> Result<NdArray> {
    if let Some(out) = crate::kernels::vecmath::softmax::forward(a, axis, log)? {
        return Ok(out);
    }
    let name = if log { "log_softmax" } else { "softmax" };
    with_real!(a.dtype(), name, T => {
        let x = a.as_slice::<T>()?;
        let (outer, size, inner) = split(a.shape(), axis);
        let mut out = alloc::zeroed::<T>(x.len())?;
        for o in 0..outer {
            for i in 0..inner {
                let base = o * size * inner + i;
                let m = lane_max(x, base, size, inner);
                let shift = if m == T::NEG_INF { T::zero() } else { m };
                let mut total = T::zero();
                for j in 0..size {
                    let e = (x[base + j * inner] - shift).exp();
                    total += e;
                    if !log {
                        out[base + j * inner] = e;
                    }
                }
                if log {
                    let log_total = total.ln();
                    for j in 0..size {
                        out[base + j * inner] = (x[base + j * inner] - shift) - log_total;
                    }
                } else {
                    let inv = T::one().to_f64() / total.to_f64();
                    let inv = T::from_f64(inv);
                    for j in 0..size {
                        out[base + j * inner] *= inv;
                    }
                }
            }
        }
        NdArray::from_vec(out, a.shape())
    })
}

/// `log(sum(exp(a), axis))`, computed as `max + log(sum(exp(a - max)))`.
pub fn logsumexp(a: &NdArray, axis: usize, keepdim: bool) -> Result<NdArray> {
    with_real!(a.dtype(), "logsumexp", T => {
        let x = a.as_slice::<T>()?;
        let (outer, size, inner) = split(a.shape(), axis);
        let mut out = vec![T::zero(); outer * inner];
        for o in 0..outer {
            for i in 0..inner {
                let base = o * size * inner + i;
                let m = lane_max(x, base, size, inner);
                let shift = m;
                let value = if m.to_f64().is_infinite() || m.is_nan() {
                    m
                } else {
                    let mut total = T::zero();
                    for j in 0..size {
                        total += (x[base + j * inner] - shift).exp();
                    }
                    shift + total.ln()
                };
                out[o * inner + i] = value;
            }
        }
        let mut shape: Dims = a.shape().into();
        if !shape.is_empty() {
            if keepdim {
                shape[axis] = 1;
            } else {
                shape.remove(axis);
            }
        }
        NdArray::from_vec(out, &shape)
    })
}

fn index_values(index: &NdArray, op: &str) -> Result<Vec<i64>> {
    match index.dtype() {
        DType::Int64 => Ok(index.as_slice::<i64>()?.to_vec()),
        DType::Int32 => Ok(index.as_slice::<i32>()?.iter().map(|&v| v as i64).collect()),
        other => Err(Error::DType(format!(
            "{op}(): Expected dtype int64 for index, got {other}"
        ))),
    }
}

/// Checks PyTorch's rule for `gather`/`scatter_add`: same number of dimensions, and the index no
/// larger than `other` in every dimension except `axis` (`skip_axis`) .
fn check_index_shape(
    op: &str,
    index: &[usize],
    other: &[usize],
    axis: usize,
    skip_axis: bool,
    what: &str,
) -> Result<()> {
    if index.len() != other.len().max(1) && !(index.is_empty() && other.is_empty()) {
        return Err(Error::Shape(format!(
            "{op}(): Index tensor must have the same number of dimensions as {what} tensor (index shape {index:?}, {what} shape {other:?})"
        )));
    }
    for (d, (&i, &o)) in index.iter().zip(other).enumerate() {
        if (d != axis || !skip_axis) && i > o {
            return Err(Error::Shape(format!(
                "{op}(): Size does not match at dimension {d} expected index {index:?} to be smaller than {what} {other:?} apart from dimension {axis}"
            )));
        }
    }
    Ok(())
}

/// For every position `p` of `index` (row-major), calls `f(k, a_offset, src_offset)` where
/// `a_offset` is `p` in a tensor of shape `a_shape` with the `axis` coordinate replaced by
/// `index[p]` and `src_offset` is `p` in a tensor of shape `src_shape`. The offsets of each
/// row of `index` (its last axis) start from the row's base, so the loop over a row adds one
/// term (a gather or scatter per element; max pooling's values and gradient go through here).
fn walk_index(
    op: &str,
    idx: &[i64],
    index_shape: &[usize],
    a_shape: &[usize],
    src_shape: &[usize],
    axis: usize,
    mut f: impl FnMut(usize, usize, usize),
) -> Result<()> {
    let size = if a_shape.is_empty() { 1 } else { a_shape[axis] };
    let checked = |raw: i64| {
        // Negative indices do not wrap: PyTorch's gather and scatter_add refuse them.
        usize::try_from(raw)
            .ok()
            .filter(|&j| j < size)
            .ok_or_else(|| {
                Error::Index(format!(
                    "{op}(): index {raw} is out of bounds for dimension {axis} with size {size}"
                ))
            })
    };
    let Some(last) = index_shape.len().checked_sub(1) else {
        if let Some(&raw) = idx.first() {
            checked(raw)?;
            f(0, 0, 0);
        }
        return Ok(());
    };
    let (a_strides, s_strides) = (contiguous_strides(a_shape), contiguous_strides(src_shape));
    let row_len = index_shape[last];
    let along = a_strides[axis] as usize;
    let mut counter = vec![0usize; last];
    for (r, row) in idx.chunks_exact(row_len.max(1)).enumerate() {
        let (mut a_base, mut s_base) = (0, 0);
        for (d, &c) in counter.iter().enumerate() {
            a_base += if d == axis {
                0
            } else {
                c * a_strides[d] as usize
            };
            s_base += c * s_strides[d] as usize;
        }
        for (i, &raw) in row.iter().enumerate() {
            let j = checked(raw)?;
            // Within a row only the last coordinate moves (stride 1 in both, being contiguous).
            let a_offset = a_base + j * along + if axis == last { 0 } else { i };
            f(r * row_len + i, a_offset, s_base + i);
        }
        for d in (0..last).rev() {
            counter[d] += 1;
            if counter[d] < index_shape[d] {
                break;
            }
            counter[d] = 0;
        }
    }
    Ok(())
}

/// `out[p] = a[p with p[axis] = index[p]]`; the result has `index`'s shape.
pub fn gather_dim(a: &NdArray, axis: usize, index: &NdArray) -> Result<NdArray> {
    check_index_shape("gather", index.shape(), a.shape(), axis, true, "input")?;
    let idx = index_values(index, "gather")?;
    crate::with_dtype!(a.dtype(), T => {
        let x = a.as_slice::<T>()?;
        let mut out = alloc::zeroed::<T>(idx.len())?;
        walk_index("gather", &idx, index.shape(), a.shape(), index.shape(), axis, |k, ao, _| out[k] = x[ao])?;
        NdArray::from_vec(out, index.shape())
    })
}

/// A copy of `a` with `src[p]` added at `a[p with p[axis] = index[p]]` for every position `p`
/// of `index` (repeated targets accumulate).
pub fn scatter_add_dim(
    a: &NdArray,
    axis: usize,
    index: &NdArray,
    src: &NdArray,
) -> Result<NdArray> {
    check_index_shape("scatter_add", index.shape(), a.shape(), axis, true, "self")?;
    check_index_shape(
        "scatter_add",
        index.shape(),
        src.shape(),
        axis,
        false,
        "src",
    )?;
    if a.dtype() != src.dtype() {
        return Err(Error::DType(format!(
            "scatter_add(): Expected self.dtype to be equal to src.dtype, got {} and {}",
            a.dtype(),
            src.dtype()
        )));
    }
    let idx = index_values(index, "scatter_add")?;
    crate::with_dtype!(a.dtype(), T => {
        let mut out = alloc::copied(a.as_slice::<T>()?)?;
        let s = src.as_slice::<T>()?;
        walk_index("scatter_add", &idx, index.shape(), a.shape(), src.shape(), axis, |_, ao, so| {
            out[ao] = out[ao].add(s[so])
        })?;
        NdArray::from_vec(out, a.shape())
    })
}

/// Concatenation along `axis` of arrays that agree in every other dimension (one dtype).
pub fn cat(inputs: &[&NdArray], axis: usize) -> Result<NdArray> {
    let first = inputs[0];
    let mut shape: Dims = first.shape().into();
    let total: usize = inputs.iter().map(|a| a.shape()[axis]).sum();
    shape[axis] = total;
    let (outer, _, inner) = split(&shape, axis);
    crate::with_dtype!(first.dtype(), T => {
        let mut out: Vec<T> = alloc::with_capacity(numel(&shape))?;
        for o in 0..outer {
            for a in inputs {
                let x = a.as_slice::<T>()?;
                let block = a.shape()[axis] * inner;
                out.extend_from_slice(&x[o * block..(o + 1) * block]);
            }
        }
        NdArray::from_vec(out, &shape)
    })
}

/// The indices that sort `a` along `axis` (stable; NaN sorts as the largest value).
pub fn argsort(a: &NdArray, axis: usize, descending: bool) -> Result<NdArray> {
    let dense = a.contiguous()?;
    crate::with_dtype!(a.dtype(), T => argsort_lanes(dense.as_slice::<T>()?, a.shape(), axis, descending))
}

/// Stable argsort of each lane along `axis`, comparing elements in their own type (int64 keys
/// past 2**53 stay distinct); NaN sorts last ascending and first descending, as PyTorch.
fn argsort_lanes<T: Element>(
    x: &[T],
    shape: &[usize],
    axis: usize,
    descending: bool,
) -> Result<NdArray> {
    let (outer, size, inner) = split(shape, axis);
    let mut out = alloc::zeroed::<i64>(x.len())?;
    let mut lane: Vec<usize> = Vec::with_capacity(size);
    #[allow(clippy::eq_op)] // `v != v` is the NaN test that works for every element type
    let is_nan = |v: T| v != v;
    for o in 0..outer {
        for i in 0..inner {
            let base = o * size * inner + i;
            lane.clear();
            lane.extend(0..size);
            let key = |j: usize| x[base + j * inner];
            let cmp = |p: &usize, q: &usize| {
                let (u, v) = (key(*p), key(*q));
                match (is_nan(u), is_nan(v)) {
                    (true, true) => std::cmp::Ordering::Equal,
                    (true, false) => std::cmp::Ordering::Greater,
                    (false, true) => std::cmp::Ordering::Less,
                    _ => u.partial_cmp(&v).expect("no NaN"),
                }
            };
            if descending {
                lane.sort_by(|p, q| cmp(q, p));
            } else {
                lane.sort_by(cmp);
            }
            for (j, &src) in lane.iter().enumerate() {
                out[base + j * inner] = src as i64;
            }
        }
    }
    NdArray::from_vec(out, shape)
}

/// The output size of a window sweep along one dimension.
pub fn window_out(
    size: usize,
    kernel: usize,
    stride: usize,
    padding: usize,
    dilation: usize,
) -> Option<usize> {
    // Checked: the sizes come from the user (a kernel of 0, a padding of 2^62).
    let span = kernel
        .checked_sub(1)?
        .checked_mul(dilation)?
        .checked_add(1)?;
    let padded = padding.checked_mul(2)?.checked_add(size)?;
    if padded < span || stride == 0 {
        return None;
    }
    Some((padded - span) / stride + 1)
}

fn check_nchw(a: &NdArray, op: &str) -> Result<[usize; 4]> {
    match *a.shape() {
        [n, c, h, w] => Ok([n, c, h, w]),
        _ => Err(Error::Shape(format!(
            "{op}: expected a 4-D input (N, C, H, W), got shape {:?}",
            a.shape()
        ))),
    }
}

pub(super) fn out_hw(w: &Window2d, h: usize, wd: usize, op: &str) -> Result<(usize, usize)> {
    let oh = window_out(h, w.kernel[0], w.stride[0], w.padding[0], w.dilation[0]);
    let ow = window_out(wd, w.kernel[1], w.stride[1], w.padding[1], w.dilation[1]);
    match (oh, ow) {
        (Some(a), Some(b)) if a > 0 && b > 0 => Ok((a, b)),
        _ => Err(Error::Shape(format!(
            "{op}: input of spatial size ({h}, {wd}) is too small for kernel {:?} with padding {:?}, dilation {:?} and stride {:?}",
            w.kernel, w.padding, w.dilation, w.stride
        ))),
    }
}

/// The output positions `o` (in `0..out`) whose input position `o·stride + offset - padding`
/// lies in `0..size`, as a range, with `offset` the kernel element's `k·dilation`. The window
/// kernels take the positions in between without a bounds check per element.
fn valid_outputs(
    size: usize,
    out: usize,
    stride: usize,
    offset: usize,
    padding: usize,
) -> std::ops::Range<usize> {
    // o·stride + offset >= padding, and o·stride + offset < size + padding.
    let lo = padding.saturating_sub(offset).div_ceil(stride);
    let hi = (size + padding)
        .checked_sub(offset)
        .map_or(0, |room| room.div_ceil(stride));
    lo.min(out)..hi.clamp(lo.min(out), out)
}

/// The input position of output position `o` for kernel element offset `offset` (valid only
/// for `o` in [`valid_outputs`]).
#[inline(always)]
fn input_at(o: usize, stride: usize, offset: usize, padding: usize) -> usize {
    o * stride + offset - padding
}

/// `(N, C, H, W)` → `(N, C·kh·kw, oh·ow)`: column `l` of sample `n` holds the window at output
/// position `l` (zero where it overlaps the padding); row `(c, ki, kj)` is [`unfold_row`].
pub fn im2col(a: &NdArray, w: &Window2d) -> Result<NdArray> {
    let [n, c, h, wd] = check_nchw(a, "im2col")?;
    let (oh, ow) = out_hw(w, h, wd, "im2col")?;
    let [kh, kw] = w.kernel;
    let (rows, cols) = (c * kh * kw, oh * ow);
    check_storage(&[n, c, kh, kw, oh, ow], a.dtype().size_in_bytes())?;
    crate::with_dtype!(a.dtype(), T => {
        let x = a.as_slice::<T>()?;
        let mut out = alloc::with_capacity::<T>(n * rows * cols)?;
        crate::kernels::parallel::for_each_chunk_costed(
            &mut out.spare_capacity_mut()[..n * rows * cols],
            cols,
            1,
            |start, chunk| {
                for (r, row) in chunk.chunks_exact_mut(cols).enumerate() {
                    let global = start / cols + r;
                    let (s, q) = (global / rows, global % rows);
                    let (ch, kk) = (q / (kh * kw), q % (kh * kw));
                    let plane = &x[(s * c + ch) * h * wd..(s * c + ch + 1) * h * wd];
                    unfold_row(plane, [h, wd], [kk / kw, kk % kw], w, [oh, ow], row);
                }
            },
        );
        // SAFETY: every row of every chunk was written whole above (zeros outside the input).
        unsafe { out.set_len(n * rows * cols) };
        NdArray::from_vec(out, &[n, rows, cols])
    })
}

/// Kernel element `(ki, kj)`'s row of a plane's unfolded windows: `row[oy·ow + ox]` is the
/// element under it in window `(oy, ox)`, zero in the padding. Each output line is a copy of
/// part of an input line (a plain slice copy at stride 1); every element of `row` is written.
pub(super) fn unfold_row<T: Element>(
    plane: &[T],
    [h, wd]: [usize; 2],
    [ki, kj]: [usize; 2],
    w: &Window2d,
    [oh, ow]: [usize; 2],
    row: &mut [MaybeUninit<T>],
) {
    let ([sy, sx], [py, px], [dy, dx]) = (w.stride, w.padding, w.dilation);
    let ys = valid_outputs(h, oh, sy, ki * dy, py);
    let xs = valid_outputs(wd, ow, sx, kj * dx, px);
    let zero = T::default();
    for (oy, dst) in row.chunks_exact_mut(ow).enumerate() {
        if !ys.contains(&oy) {
            dst.iter_mut().for_each(|d| {
                d.write(zero);
            });
            continue;
        }
        let line = &plane[input_at(oy, sy, ki * dy, py) * wd..][..wd];
        let (before, rest) = dst.split_at_mut(xs.start);
        let (inside, after) = rest.split_at_mut(xs.len());
        before.iter_mut().chain(after).for_each(|d| {
            d.write(zero);
        });
        if xs.is_empty() {
            continue;
        }
        let first = input_at(xs.start, sx, kj * dx, px);
        if sx == 1 {
            for (d, &v) in inside.iter_mut().zip(&line[first..]) {
                d.write(v);
            }
        } else {
            for (d, &v) in inside.iter_mut().zip(line[first..].iter().step_by(sx)) {
                d.write(v);
            }
        }
    }
}

/// The adjoint of [`im2col`]: `(N, C·kh·kw, oh·ow)` → `(N, C, H, W)`, summing overlapping windows.
pub fn col2im(cols: &NdArray, w: &Window2d, size: [usize; 2]) -> Result<NdArray> {
    let [h, wd] = size;
    let (oh, ow) = out_hw(w, h, wd, "col2im")?;
    let [kh, kw] = w.kernel;
    let (n, rows, l) = match *cols.shape() {
        [n, rows, l] if rows % (kh * kw) == 0 && l == oh * ow => (n, rows, l),
        _ => {
            return Err(Error::Shape(format!(
                "col2im: expected columns of shape (N, C*{kh}*{kw}, {}), got {:?}",
                oh * ow,
                cols.shape()
            )))
        }
    };
    let c = rows / (kh * kw);
    crate::with_dtype!(cols.dtype(), T => {
        let x = cols.as_slice::<T>()?;
        let mut out = alloc::zeroed::<T>(check_storage(&[n, c, h, wd], cols.dtype().size_in_bytes())?)?;
        if !out.is_empty() {
            crate::kernels::parallel::for_each_chunk_costed(&mut out, h * wd, kh * kw, |start, chunk| {
                for (p, plane) in chunk.chunks_exact_mut(h * wd).enumerate() {
                    let channel = start / (h * wd) + p;
                    let rows = &x[channel * kh * kw * l..(channel + 1) * kh * kw * l];
                    fold_plane(rows, w, [oh, ow], plane, [h, wd]);
                }
            });
        }
        NdArray::from_vec(out, &[n, c, h, wd])
    })
}

/// The adjoint of [`unfold_row`] over one channel's `kh·kw` rows (`rows`, of `oh·ow`
/// elements each): each adds its windows' elements back into `plane` (`h`×`wd`) as line
/// segments.
pub(super) fn fold_plane<T: Scalar>(
    rows: &[T],
    w: &Window2d,
    [oh, ow]: [usize; 2],
    plane: &mut [T],
    [h, wd]: [usize; 2],
) {
    let [kh, kw] = w.kernel;
    let ([sy, sx], [py, px], [dy, dx]) = (w.stride, w.padding, w.dilation);
    let l = oh * ow;
    for ki in 0..kh {
        let ys = valid_outputs(h, oh, sy, ki * dy, py);
        for kj in 0..kw {
            let row = &rows[(ki * kw + kj) * l..(ki * kw + kj + 1) * l];
            let xs = valid_outputs(wd, ow, sx, kj * dx, px);
            if xs.is_empty() {
                continue;
            }
            let first = input_at(xs.start, sx, kj * dx, px);
            for oy in ys.clone() {
                let line = &mut plane[input_at(oy, sy, ki * dy, py) * wd..][..wd];
                let src = &row[oy * ow + xs.start..oy * ow + xs.end];
                if sx == 1 {
                    for (d, &v) in line[first..].iter_mut().zip(src) {
                        *d = d.add(v);
                    }
                } else {
                    for (d, &v) in line[first..].iter_mut().step_by(sx).zip(src) {
                        *d = d.add(v);
                    }
                }
            }
        }
    }
}

/// For each window of a max pooling, the flat index (into `H·W`) of its largest element (the
/// first on ties; a NaN wins over numbers; padding never wins): `(N, C, oh, ow)` of `Int64`.
/// The elements are compared in their own type, one plane per task, all the plane's windows
/// at once: each kernel element's candidates for every window are first gathered side by
/// side, so that the comparison runs over long contiguous lanes, branch-free (compiled to
/// vector compares and blends; a scalar compare per window mispredicts on data, and a row of
/// windows is too short for vectors).
pub fn max_pool2d_indices(a: &NdArray, w: &Window2d) -> Result<NdArray> {
    let [n, c, h, wd] = check_nchw(a, "max_pool2d")?;
    let (oh, ow) = out_hw(w, h, wd, "max_pool2d")?;
    crate::with_dtype!(a.dtype(), T => {
        let x = a.as_slice::<T>()?;
        let mut out = alloc::with_capacity::<i64>(n * c * oh * ow)?;
        crate::kernels::parallel::for_each_chunk_costed(
            &mut out.spare_capacity_mut()[..n * c * oh * ow],
            oh * ow,
            w.kernel[0] * w.kernel[1],
            |start, chunk| {
                let mut windows = PoolPlane::<T>::new(w, [h, wd], [oh, ow]);
                for (p, plane_out) in chunk.chunks_exact_mut(oh * ow).enumerate() {
                    let plane_index = start / (oh * ow) + p;
                    windows.argmax(&x[plane_index * h * wd..(plane_index + 1) * h * wd]);
                    for (slot, &i) in plane_out.iter_mut().zip(&windows.at) {
                        slot.write(if i == NOWHERE { 0 } else { i as i64 });
                    }
                }
            },
        );
        // SAFETY: every window's slot was written above.
        unsafe { out.set_len(n * c * oh * ow) };
        NdArray::from_vec(out, &[n, c, oh, ow])
    })
}

/// No element: a window wholly in the padding so far, or a kernel element in the padding.
const NOWHERE: usize = usize::MAX;

/// The running maximum of each window of one plane of a max pooling, and where it is.
struct PoolPlane<'w, T> {
    window: &'w Window2d,
    size: [usize; 2],
    out: [usize; 2],
    best: Vec<T>,
    at: Vec<usize>,
    /// One kernel element's candidate for each window, gathered side by side, and its position
    /// in the plane (`NOWHERE` in the padding).
    candidates: Vec<T>,
    positions: Vec<usize>,
    isa: Isa,
}

impl<'w, T: Element> PoolPlane<'w, T> {
    fn new(window: &'w Window2d, size: [usize; 2], out: [usize; 2]) -> Self {
        let windows = out[0] * out[1];
        PoolPlane {
            window,
            size,
            out,
            best: vec![T::default(); windows],
            at: vec![NOWHERE; windows],
            candidates: vec![T::default(); windows],
            positions: vec![NOWHERE; windows],
            isa: Isa::best(),
        }
    }

    /// Every window's argmax over `plane` into `at`.
    fn argmax(&mut self, plane: &[T]) {
        let ([h, wd], [oh, ow], w) = (self.size, self.out, self.window);
        let ([sy, sx], [py, px], [dy, dx]) = (w.stride, w.padding, w.dilation);
        self.at.fill(NOWHERE);
        for ki in 0..w.kernel[0] {
            let ys = valid_outputs(h, oh, sy, ki * dy, py);
            for kj in 0..w.kernel[1] {
                let xs = valid_outputs(wd, ow, sx, kj * dx, px);
                if ys.is_empty() || xs.is_empty() {
                    continue;
                }
                if ys.len() < oh || xs.len() < ow {
                    self.positions.fill(NOWHERE);
                }
                let first = input_at(xs.start, sx, kj * dx, px);
                for oy in ys.clone() {
                    let start = input_at(oy, sy, ki * dy, py) * wd + first;
                    let source = &plane[start..=start + (xs.len() - 1) * sx];
                    let row = oy * ow + xs.start..oy * ow + xs.end;
                    let values = &mut self.candidates[row.clone()];
                    let positions = &mut self.positions[row];
                    for (k, (value, position)) in values.iter_mut().zip(positions).enumerate() {
                        *value = source[k * sx];
                        *position = start + k * sx;
                    }
                }
                let lanes = (
                    &mut self.best[..],
                    &mut self.at[..],
                    &self.candidates[..],
                    &self.positions[..],
                );
                match self.isa {
                    Isa::Baseline => keep_larger(lanes),
                    // SAFETY: `Isa::best` only names instruction sets the CPU has.
                    #[cfg(target_arch = "x86_64")]
                    Isa::Avx2 => unsafe { keep_larger_avx2(lanes) },
                    #[cfg(target_arch = "x86_64")]
                    Isa::Avx512 => unsafe { keep_larger_avx512(lanes) },
                }
            }
        }
    }
}

/// The running maxima `best` (at `at`) against `candidates` (at `positions`, `NOWHERE` for
/// none); written branch-free so that it compiles to vector compares and blends.
#[inline(always)]
fn keep_larger<T: Element>((best, at, candidates, positions): PoolLanes<T>) {
    // NaN is the only value unequal to itself (integers never are).
    #[allow(clippy::eq_op)]
    let is_nan = |v: T| v != v;
    let lanes = best
        .iter_mut()
        .zip(at)
        .zip(candidates.iter().zip(positions));
    for ((best, at), (&v, &p)) in lanes {
        let b = *best;
        // (`bool` is one of the types instantiated: refused before.)
        #[allow(clippy::bool_comparison)]
        let wins = (p != NOWHERE) & ((*at == NOWHERE) | (v > b) | (is_nan(v) & !is_nan(b)));
        *best = if wins { v } else { b };
        *at = if wins { p } else { *at };
    }
}

type PoolLanes<'a, T> = (&'a mut [T], &'a mut [usize], &'a [T], &'a [usize]);

// Named `target_feature` copies (as the softmax rows): the baseline's SSE2 has no blend of
// 64-bit lanes by a float compare, and LLVM left the loop scalar there, branching on the data.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn keep_larger_avx2<T: Element>(lanes: PoolLanes<T>) {
    keep_larger(lanes)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
fn keep_larger_avx512<T: Element>(lanes: PoolLanes<T>) {
    keep_larger(lanes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f64s(a: &NdArray) -> Vec<f64> {
        a.to_f64_vec().unwrap()
    }

    #[test]
    fn softmax_is_stable_and_sums_to_one() {
        let a =
            NdArray::from_vec(vec![1000.0f64, 1001.0, 1002.0, -5.0, 0.0, 5.0], &[2, 3]).unwrap();
        let s = f64s(&softmax(&a, 1, false).unwrap());
        assert!((s[0..3].iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!((s[2] - 0.665_240_955_774_821_6).abs() < 1e-12);
        let l = f64s(&softmax(&a, 1, true).unwrap());
        assert!((l[2] - s[2].ln()).abs() < 1e-12);
        let lse = f64s(&logsumexp(&a, 1, false).unwrap());
        assert!((lse[0] - (1002.0 + (s[2].recip()).ln())).abs() < 1e-9);
        let col = f64s(&softmax(&a, 0, false).unwrap());
        assert!((col[0] + col[3] - 1.0).abs() < 1e-12);
    }

    #[test]
    fn gather_scatter_and_cat() {
        let a = NdArray::from_vec(vec![1.0f64, 2.0, 3.0, 4.0], &[2, 2]).unwrap();
        let idx = NdArray::from_vec(vec![0i64, 0, 1, 0], &[2, 2]).unwrap();
        assert_eq!(
            f64s(&gather_dim(&a, 1, &idx).unwrap()),
            vec![1.0, 1.0, 4.0, 3.0]
        );
        let z = NdArray::zeros(&[2, 2], DType::Float64);
        assert_eq!(
            f64s(&scatter_add_dim(&z, 1, &idx, &a).unwrap()),
            vec![3.0, 0.0, 4.0, 3.0]
        );
        let c = cat(&[&a, &a], 1).unwrap();
        assert_eq!(c.shape(), &[2, 4]);
        assert_eq!(f64s(&c), vec![1.0, 2.0, 1.0, 2.0, 3.0, 4.0, 3.0, 4.0]);
        let bad = NdArray::from_vec(vec![2i64], &[1, 1]).unwrap();
        assert!(matches!(gather_dim(&a, 1, &bad), Err(Error::Index(_))));
    }

    /// Gather and scatter-add along each axis of a 3-D array, with an index smaller than the
    /// array in the other axes, against the definition.
    #[test]
    fn gather_scatter_along_every_axis() {
        let shape = [3, 4, 5];
        let a = NdArray::from_vec((0..60).map(|v| v as f64).collect(), &shape).unwrap();
        let index_shape = [2, 3, 4];
        for axis in 0..3 {
            let idx: Vec<i64> = (0..24).map(|v| (v * 7 % shape[axis]) as i64).collect();
            let index = NdArray::from_vec(idx.clone(), &index_shape).unwrap();
            let got = f64s(&gather_dim(&a, axis, &index).unwrap());
            let mut back = vec![0.0; 60];
            for (k, &j) in idx.iter().enumerate() {
                let mut p = [k / 12, k / 4 % 3, k % 4];
                p[axis] = j as usize;
                let offset = (p[0] * 4 + p[1]) * 5 + p[2];
                assert_eq!(got[k], offset as f64, "axis {axis}, position {k}");
                back[offset] += k as f64;
            }
            let src = NdArray::from_vec((0..24).map(|v| v as f64).collect(), &index_shape).unwrap();
            let zeros = NdArray::zeros(&shape, DType::Float64);
            assert_eq!(
                f64s(&scatter_add_dim(&zeros, axis, &index, &src).unwrap()),
                back
            );
        }
    }

    #[test]
    fn im2col_col2im_are_adjoint() {
        let w = Window2d {
            kernel: [2, 2],
            stride: [1, 2],
            padding: [1, 0],
            dilation: [1, 1],
        };
        let x = NdArray::from_vec(
            (0..2 * 3 * 4 * 5)
                .map(|v| v as f64 * 0.1)
                .collect::<Vec<_>>(),
            &[2, 3, 4, 5],
        )
        .unwrap();
        let cols = im2col(&x, &w).unwrap();
        let y = NdArray::from_vec(
            (0..cols.numel())
                .map(|v| (v % 7) as f64)
                .collect::<Vec<_>>(),
            cols.shape(),
        )
        .unwrap();
        let back = col2im(&y, &w, [4, 5]).unwrap();
        let lhs: f64 = f64s(&cols).iter().zip(f64s(&y)).map(|(a, b)| a * b).sum();
        let rhs: f64 = f64s(&x).iter().zip(f64s(&back)).map(|(a, b)| a * b).sum();
        assert!((lhs - rhs).abs() < 1e-9);
        let idx = max_pool2d_indices(
            &x,
            &Window2d {
                kernel: [2, 2],
                stride: [2, 2],
                padding: [0, 0],
                dilation: [1, 1],
            },
        )
        .unwrap();
        assert_eq!(idx.shape(), &[2, 3, 2, 2]);
        assert_eq!(&idx.as_slice::<i64>().unwrap()[..2], &[6, 8]);
    }

    /// The input position `(y, x)` of kernel element `(ki, kj)` at output `(oy, ox)`, if inside.
    fn source(w: &Window2d, [h, wd]: [usize; 2], [oy, ox, ki, kj]: [usize; 4]) -> Option<usize> {
        let y = (oy * w.stride[0] + ki * w.dilation[0]).checked_sub(w.padding[0])?;
        let x = (ox * w.stride[1] + kj * w.dilation[1]).checked_sub(w.padding[1])?;
        (y < h && x < wd).then_some(y * wd + x)
    }

    #[test]
    fn window_kernels_match_a_direct_loop() {
        let (n, c, h, wd) = (2, 3, 7, 9);
        let values: Vec<f64> = (0..n * c * h * wd)
            .map(|v| ((v * 37) % 23) as f64 - 11.0)
            .collect();
        let x = NdArray::from_vec(values.clone(), &[n, c, h, wd]).unwrap();
        for (kernel, stride, padding, dilation) in [
            ([3, 3], [1, 1], [0, 0], [1, 1]),
            ([3, 2], [2, 1], [1, 1], [1, 1]),
            ([2, 3], [3, 2], [1, 1], [2, 2]),
            ([3, 3], [1, 1], [4, 4], [2, 3]),
            ([1, 1], [2, 2], [0, 0], [1, 1]),
            ([5, 4], [1, 3], [2, 2], [1, 1]),
        ] {
            let w = Window2d {
                kernel,
                stride,
                padding,
                dilation,
            };
            let (oh, ow) = out_hw(&w, h, wd, "test").unwrap();
            let (rows, l) = (c * kernel[0] * kernel[1], oh * ow);
            let (mut cols, mut back, mut pooled) = (
                vec![0.0; n * rows * l],
                vec![0.0; n * c * h * wd],
                vec![0i64; n * c * l],
            );
            let weights: Vec<f64> = (0..n * rows * l).map(|v| (v % 5) as f64).collect();
            for (s, ch) in (0..n).flat_map(|s| (0..c).map(move |ch| (s, ch))) {
                let plane = (s * c + ch) * h * wd;
                for (oy, ox) in (0..oh).flat_map(|oy| (0..ow).map(move |ox| (oy, ox))) {
                    let mut best: Option<(f64, usize)> = None;
                    for (ki, kj) in (0..kernel[0]).flat_map(|i| (0..kernel[1]).map(move |j| (i, j)))
                    {
                        let q = (ch * kernel[0] + ki) * kernel[1] + kj;
                        let at = (s * rows + q) * l + oy * ow + ox;
                        if let Some(i) = source(&w, [h, wd], [oy, ox, ki, kj]) {
                            cols[at] = values[plane + i];
                            back[plane + i] += weights[at];
                            if best.is_none_or(|(b, _)| values[plane + i] > b) {
                                best = Some((values[plane + i], i));
                            }
                        }
                    }
                    pooled[(s * c + ch) * l + oy * ow + ox] = best.map_or(0, |(_, i)| i as i64);
                }
            }
            let label = format!("{w:?}");
            assert_eq!(f64s(&im2col(&x, &w).unwrap()), cols, "im2col {label}");
            let y = NdArray::from_vec(weights, &[n, rows, l]).unwrap();
            assert_eq!(
                f64s(&col2im(&y, &w, [h, wd]).unwrap()),
                back,
                "col2im {label}"
            );
            let idx = max_pool2d_indices(&x, &w).unwrap();
            assert_eq!(idx.as_slice::<i64>().unwrap(), pooled, "max_pool2d {label}");
        }
        // NaN wins over numbers, ties go to the first, integers compare exactly.
        let w = Window2d {
            kernel: [2, 2],
            stride: [2, 2],
            padding: [0, 0],
            dilation: [1, 1],
        };
        let argmax = |a: NdArray| max_pool2d_indices(&a, &w).unwrap().to_f64_vec().unwrap();
        let f = NdArray::from_vec(vec![1.0f32, f32::NAN, 5.0, 2.0], &[1, 1, 2, 2]).unwrap();
        assert_eq!(argmax(f), [1.0]);
        let big = (1i64 << 60) + 1;
        let i = NdArray::from_vec(vec![big - 1, big, big, 0], &[1, 1, 2, 2]).unwrap();
        assert_eq!(argmax(i), [1.0]);
    }
}
