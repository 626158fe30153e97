//! `where`: the one ternary elementwise kernel.

use super::strided::{at, StridedWalk};
use crate::array::shape::{broadcast_shapes, broadcast_strides, numel};
use crate::array::{alloc, Element, NdArray};
use crate::error::Result;
use crate::kernels::parallel;

/// `cond ? a : b`, broadcasting all three.
pub fn where_(cond: &NdArray, a: &NdArray, b: &NdArray) -> Result<NdArray> {
    let shape = broadcast_shapes(&broadcast_shapes(cond.shape(), a.shape())?, b.shape())?;
    let c = cond.as_slice::<bool>()?;
    crate::with_dtype!(a.dtype(), T => {
        let out = where_typed(c, cond.shape(), a.as_slice::<T>()?, a.shape(), b.as_slice::<T>()?, b.shape(), &shape)?;
        NdArray::from_vec(out, &shape)
    })
}

fn where_typed<T: Element>(
    c: &[bool],
    c_shape: &[usize],
    a: &[T],
    a_shape: &[usize],
    b: &[T],
    b_shape: &[usize],
    shape: &[usize],
) -> Result<Vec<T>> {
    let n = numel(shape);
    let mut out = alloc::zeroed::<T>(n)?;
    if c.len() == n {
        // The common case, a mask against a gradient and a constant (relu's, clamp's and
        // where's own backward): each value operand whole or a single element, walked as one
        // vectorisable loop with no index arithmetic.
        if let (Some(a), Some(b)) = (Dense::of(a, n), Dense::of(b, n)) {
            parallel::for_each_chunk(&mut out, 1, |s, o| {
                let c = &c[s..s + o.len()];
                match (a, b) {
                    (Dense::All(a), Dense::All(b)) => select(o, c, &a[s..], &b[s..]),
                    (Dense::All(a), Dense::One(b)) => select(o, c, &a[s..], b),
                    (Dense::One(a), Dense::All(b)) => select(o, c, a, &b[s..]),
                    (Dense::One(a), Dense::One(b)) => select(o, c, a, b),
                }
            });
            return Ok(out);
        }
    }
    let strides = [
        broadcast_strides(c_shape, shape),
        broadcast_strides(a_shape, shape),
        broadcast_strides(b_shape, shape),
    ];
    let walk = StridedWalk::new(shape, [&strides[0], &strides[1], &strides[2]], [0; 3]);
    let [sc, sa, sb] = walk.inner_strides();
    walk.fill_rows(&mut out, |o, [pc, pa, pb]| {
        for (i, o) in o.iter_mut().enumerate() {
            *o = if c[at(pc, sc, i)] {
                a[at(pa, sa, i)]
            } else {
                b[at(pb, sb, i)]
            };
        }
    });
    Ok(out)
}

/// A value operand of `where` on the dense path.
#[derive(Clone, Copy)]
enum Dense<'a, T> {
    /// One element per output element, in order.
    All(&'a [T]),
    /// One element for all.
    One(T),
}

impl<'a, T: Copy> Dense<'a, T> {
    /// `x` as a dense operand of an output of `n` elements, if it is one.
    fn of(x: &'a [T], n: usize) -> Option<Self> {
        match x.len() {
            len if len == n => Some(Dense::All(x)),
            1 => Some(Dense::One(x[0])),
            _ => None,
        }
    }
}

/// A value operand's elements, as many as an output slice has: a slice's, or the one value
/// repeated. Iterators (rather than indexing) keep the loop free of bounds checks and branches,
/// so that it compiles to vector blends: a branch on a random mask mispredicts half the time.
trait Values<T>: Copy {
    fn values(self, n: usize) -> impl Iterator<Item = T>;
}

impl<T: Copy> Values<T> for &[T] {
    #[inline(always)]
    fn values(self, n: usize) -> impl Iterator<Item = T> {
        self[..n].iter().copied()
    }
}

impl<T: Element> Values<T> for T {
    #[inline(always)]
    fn values(self, n: usize) -> impl Iterator<Item = T> {
        std::iter::repeat_n(self, n)
    }
}

/// `out[i] = c[i] ? a[i] : b[i]`; slices are at least as long as `out`.
#[inline(always)]
fn select<T: Copy>(out: &mut [T], c: &[bool], a: impl Values<T>, b: impl Values<T>) {
    let n = out.len();
    for (((o, &c), x), y) in out
        .iter_mut()
        .zip(&c[..n])
        .zip(a.values(n))
        .zip(b.values(n))
    {
        *o = if c { x } else { y };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::cpu::test_util::*;

    #[test]
    fn where_broadcasts_all_three() {
        let c = bools(&[true, false], &[2, 1]);
        let a = f32s(&[1.0, 2.0, 3.0], &[3]);
        let b = f32s(&[-1.0], &[]);
        let r = where_(&c, &a, &b).unwrap();
        assert_eq!(r.shape(), &[2, 3]);
        assert_eq!(vals::<f32>(&r), vec![1.0, 2.0, 3.0, -1.0, -1.0, -1.0]);
        let c = bools(&[true, false, true], &[3]);
        let r = where_(&c, &a, &f32s(&[7.0, 8.0, 9.0], &[3])).unwrap();
        assert_eq!(vals::<f32>(&r), vec![1.0, 8.0, 3.0]);
    }

    #[test]
    fn where_of_whole_operands_and_single_values() {
        // the dense path: each value operand whole or one element, in every combination
        let c = bools(&[true, false, false, true], &[2, 2]);
        let a = f32s(&[1.0, 2.0, 3.0, 4.0], &[2, 2]);
        let b = f32s(&[5.0, 6.0, 7.0, 8.0], &[2, 2]);
        let (one_a, one_b) = (f32s(&[-1.0], &[]), f32s(&[-2.0], &[1, 1]));
        let cases = [
            (&a, &b, vec![1.0, 6.0, 7.0, 4.0]),
            (&a, &one_b, vec![1.0, -2.0, -2.0, 4.0]),
            (&one_a, &b, vec![-1.0, 6.0, 7.0, -1.0]),
            (&one_a, &one_b, vec![-1.0, -2.0, -2.0, -1.0]),
        ];
        for (a, b, expected) in cases {
            let r = where_(&c, a, b).unwrap();
            assert_eq!(r.shape(), &[2, 2]);
            assert_eq!(vals::<f32>(&r), expected);
        }
    }
}
