//! Helpers for the CPU kernels' unit tests.

use crate::array::{Element, NdArray};

pub(super) fn f32s(v: &[f32], shape: &[usize]) -> NdArray {
    NdArray::from_vec(v.to_vec(), shape).unwrap()
}
pub(super) fn i64s(v: &[i64], shape: &[usize]) -> NdArray {
    NdArray::from_vec(v.to_vec(), shape).unwrap()
}
pub(super) fn bools(v: &[bool], shape: &[usize]) -> NdArray {
    NdArray::from_vec(v.to_vec(), shape).unwrap()
}
pub(super) fn vals<T: Element>(a: &NdArray) -> Vec<T> {
    a.as_slice::<T>().unwrap().to_vec()
}
pub(super) fn close(a: &[f32], b: &[f32]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| (x - y).abs() <= 1e-6 * (1.0 + y.abs()) || (x.is_nan() && y.is_nan()))
}
