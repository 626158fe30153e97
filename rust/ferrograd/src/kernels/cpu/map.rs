//! The loops that map an element function over operands, shared by the kernels: [`Strided`]
//! (an operand read in place through its layout), unary and broadcasting binary maps.

use std::mem::MaybeUninit;

use super::strided::{for_gathered, gather_row, StridedWalk, GATHER_BLOCK};
use crate::array::layout::is_row_major;
use crate::array::shape::{broadcast_shapes, numel, Dims, Strides};
use crate::array::{alloc, Element, Layout, NdArray};
use crate::error::{Error, Result};
use crate::kernels::parallel;

/// `out[i] = f(a[i])`, in parallel when large.
pub(in crate::kernels) fn map_unary<T: Copy + Sync, U: Copy + Default + Send>(
    a: &[T],
    f: impl Fn(T) -> U + Sync,
) -> Result<Vec<U>> {
    let n = a.len();
    let mut out: Vec<U> = alloc::with_capacity(n)?;
    parallel::for_each_chunk(&mut out.spare_capacity_mut()[..n], 1, |s, o| {
        let e = s + o.len();
        for (o, &x) in o.iter_mut().zip(&a[s..e]) {
            o.write(f(x));
        }
    });
    // SAFETY: the chunks cover `0..n` and each of their elements was written.
    unsafe { out.set_len(n) };
    Ok(out)
}

/// One output row of a broadcast binary op, picking the loop by the operands' inner strides.
/// Writes every element of `out`, which may be uninitialised memory.
#[inline(always)]
fn binary_row<T: Element, U, F: Fn(T, T) -> U>(
    out: &mut [MaybeUninit<U>],
    a: &[T],
    b: &[T],
    [pa, pb]: [isize; 2],
    [sa, sb]: [isize; 2],
    f: &F,
) {
    let n = out.len();
    let (ua, ub) = (pa as usize, pb as usize);
    match (sa, sb) {
        (1, 1) => {
            for ((o, &x), &y) in out.iter_mut().zip(&a[ua..ua + n]).zip(&b[ub..ub + n]) {
                o.write(f(x, y));
            }
        }
        (1, 0) => {
            let y = b[ub];
            for (o, &x) in out.iter_mut().zip(&a[ua..ua + n]) {
                o.write(f(x, y));
            }
        }
        (0, 1) => {
            let x = a[ua];
            for (o, &y) in out.iter_mut().zip(&b[ub..ub + n]) {
                o.write(f(x, y));
            }
        }
        _ => {
            // Both operands gathered a block at a time, then the contiguous loop.
            let mut block = [MaybeUninit::<T>::uninit(); GATHER_BLOCK];
            for_gathered(a, pa, sa, n, |done, x| {
                let o = &mut out[done..done + x.len()];
                let y = gather_row(b, pb + sb * done as isize, sb, &mut block[..x.len()]);
                for ((o, &x), &y) in o.iter_mut().zip(x).zip(y) {
                    o.write(f(x, y));
                }
            });
        }
    }
}

/// An operand as a kernel reads it: the part of the storage its layout reaches, and where the
/// layout puts each element in it (a view is read in place, never copied first). Only that part
/// is borrowed, so a kernel may write another, non-overlapping view of the same storage.
#[derive(Clone, Copy)]
pub(in crate::kernels) struct Strided<'a, T> {
    pub(in crate::kernels) data: &'a [T],
    pub(in crate::kernels) shape: &'a [usize],
    pub(in crate::kernels) strides: &'a [isize],
    pub(in crate::kernels) offset: isize,
    contiguous: bool,
}

impl<'a, T: Element> Strided<'a, T> {
    pub(in crate::kernels) fn of(a: &'a NdArray) -> Result<Self> {
        let span = a.layout().span().ok_or_else(|| {
            Error::Index(format!(
                "a view of shape {:?} and strides {:?} reaches outside its storage",
                a.shape(),
                a.strides()
            ))
        })?;
        // An empty view may sit at any offset, even past its storage's end (`zeros(0, 16)[:, 4:]`):
        // it reaches no element, so it borrows none.
        let (span, offset) = match numel(a.shape()) {
            0 => (0..0, 0),
            _ => (span.clone(), a.offset() - span.start),
        };
        Ok(Strided {
            data: &a.storage_slice::<T>()?[span],
            shape: a.shape(),
            strides: a.strides(),
            offset: offset as isize,
            contiguous: a.is_contiguous(),
        })
    }

    /// The elements as one row-major slice, when they lie that way in the storage.
    pub(in crate::kernels) fn dense(&self) -> Option<&'a [T]> {
        let start = self.offset as usize;
        self.contiguous
            .then(|| &self.data[start..start + numel(self.shape)])
    }

    /// The strides that read this operand broadcast to `shape`: zero along the dimensions it
    /// is repeated over.
    pub(in crate::kernels) fn broadcast_strides(&self, shape: &[usize]) -> Strides {
        let lead = shape.len() - self.shape.len();
        (0..shape.len())
            .map(|d| match d.checked_sub(lead) {
                Some(k) if self.shape[k] != 1 => self.strides[k],
                _ => 0,
            })
            .collect()
    }

    /// The permutation of the dimensions that makes the layout row-major, when the elements
    /// fill their span with no gaps (a transpose or permutation of a contiguous array).
    pub(in crate::kernels) fn dense_order(&self) -> Option<Dims> {
        let mut order: Dims = (0..self.shape.len()).collect();
        order.sort_by_key(|&d| std::cmp::Reverse(self.strides[d]));
        let shape: Dims = order.iter().map(|&d| self.shape[d]).collect();
        let strides: Strides = order.iter().map(|&d| self.strides[d]).collect();
        is_row_major(&shape, &strides).then_some(order)
    }

    /// The first element (of a one-element operand).
    pub(in crate::kernels) fn first(&self) -> T
    where
        T: Copy,
    {
        self.data[self.offset as usize]
    }
}

/// `f` of each element of `a`, as a new array. Elements that fill their span (a contiguous
/// array, a transpose, a permutation) are mapped in storage order and the result has `a`'s
/// strides, as PyTorch's has; any other view is read in place into a row-major result.
pub(in crate::kernels) fn map_array<T: Element, U: Element>(
    a: &NdArray,
    f: impl Fn(T) -> U + Sync,
) -> Result<NdArray> {
    let x = Strided::<T>::of(a)?;
    if x.contiguous || x.dense_order().is_none() {
        return NdArray::from_vec(map_elements(x, f)?, a.shape());
    }
    let layout = Layout::new(x.shape.into(), x.strides.into(), x.offset as usize);
    NdArray::from_buffer_strided(U::into_buffer(map_unary(x.data, f)?), layout)
}

/// `out[i] = f(a[i])` over `a`'s elements in row-major order, in parallel when large.
pub(in crate::kernels) fn map_elements<T, U>(
    a: Strided<T>,
    f: impl Fn(T) -> U + Sync,
) -> Result<Vec<U>>
where
    T: Element + Sync,
    U: Copy + Default + Send,
{
    if let Some(x) = a.dense() {
        return map_unary(x, f);
    }
    let n = numel(a.shape);
    let mut out: Vec<U> = alloc::with_capacity(n)?;
    let walk = StridedWalk::new(a.shape, [a.strides], [a.offset]);
    let [stride] = walk.inner_strides();
    walk.fill_rows(&mut out.spare_capacity_mut()[..n], |o, [p]| {
        if stride == 1 {
            let (p, len) = (p as usize, o.len());
            for (o, &x) in o.iter_mut().zip(&a.data[p..p + len]) {
                o.write(f(x));
            }
        } else {
            for_gathered(a.data, p, stride, o.len(), |done, x| {
                for (o, &x) in o[done..].iter_mut().zip(x) {
                    o.write(f(x));
                }
            });
        }
    });
    // SAFETY: the walk's rows cover `0..n` and every element of each row was written.
    unsafe { out.set_len(n) };
    Ok(out)
}

/// `f(a, b)` with broadcasting, reading both operands through their strides.
pub(in crate::kernels) fn map_binary<T, U, F>(
    a: Strided<T>,
    b: Strided<T>,
    f: F,
) -> Result<(Vec<U>, Dims)>
where
    T: Element + Sync,
    U: Copy + Default + Send,
    F: Fn(T, T) -> U + Sync,
{
    let shape = broadcast_shapes(a.shape, b.shape)?;
    let n = numel(&shape);
    let mut out: Vec<U> = alloc::with_capacity(n)?;
    if let (Some(x), Some(y)) = (a.dense(), b.dense()) {
        let steps = if x.len() == n && y.len() == n {
            Some([1, 1])
        } else if x.len() == n && y.len() == 1 {
            Some([1, 0])
        } else if x.len() == 1 && y.len() == n {
            Some([0, 1])
        } else {
            None
        };
        if let Some([sa, sb]) = steps {
            // The results are written straight into the new buffer: no zero-fill first, which
            // was an extra pass over the output (12% of `a * b` on 4M elements).
            parallel::for_each_chunk(&mut out.spare_capacity_mut()[..n], 1, |s, o| {
                let p = s as isize;
                binary_row(o, x, y, [p * sa, p * sb], [sa, sb], &f);
            });
            // SAFETY: the chunks cover `0..n` and `binary_row` wrote every element.
            unsafe { out.set_len(n) };
            return Ok((out, shape));
        }
    }
    let (sa, sb) = (a.broadcast_strides(&shape), b.broadcast_strides(&shape));
    let walk = StridedWalk::new(&shape, [&sa, &sb], [a.offset, b.offset]);
    let strides = walk.inner_strides();
    walk.fill_rows(&mut out.spare_capacity_mut()[..n], |o, pos| {
        binary_row(o, a.data, b.data, pos, strides, &f)
    });
    // SAFETY: the walk's rows cover `0..n` and `binary_row` wrote every element.
    unsafe { out.set_len(n) };
    Ok((out, shape))
}
