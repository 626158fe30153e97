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
    if c.len() == n && a.len() == n && b.len() == n {
        parallel::for_each_chunk(&mut out, 1, |s, o| {
            let e = s + o.len();
            for (((o, &c), &x), &y) in o.iter_mut().zip(&c[s..e]).zip(&a[s..e]).zip(&b[s..e]) {
                *o = if c { x } else { y };
            }
        });
        return Ok(out);
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
}
