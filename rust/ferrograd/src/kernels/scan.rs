//! The scan kernels' public entry points: each checks its operands and goes through
//! `dispatch_strided`, so a device backend can provide the same `Kernel`, while the host
//! versions (in `cpu::scan`) read strided inputs in place.

use super::{cpu, dispatch_strided, Kernel, ScanOp};
use crate::array::NdArray;
use crate::error::{Error, Result};

/// The running `op` (sum, product, log-sum-exp) of `a` along `axis`, from the end when
/// `reverse`, in `a`'s dtype (log-sum-exp: floating point only).
pub fn scan(op: ScanOp, a: &NdArray, axis: usize, reverse: bool) -> Result<NdArray> {
    dispatch_strided(Kernel::Scan { op, axis, reverse }, &[a], |x| {
        cpu::scan::scan(op, x[0], axis, reverse)
    })
}

/// The index (Int64) of the running maximum (`max`) or minimum of `a` along `axis`: the last
/// of equal values, and the last NaN once one is met.
pub fn scan_arg_extreme(a: &NdArray, axis: usize, max: bool) -> Result<NdArray> {
    dispatch_strided(Kernel::ScanArgExtreme { max, axis }, &[a], |x| {
        cpu::scan::scan_arg_extreme(x[0], axis, max)
    })
}

/// `h_i = a_i·h_(i-1) + b_i` along `axis` with `h_(-1) = 0` (`h_i = a_i·h_(i+1) + b_i` with
/// `h_n = 0` when `reverse`), for floating `a` and `b` of one shape and dtype.
pub fn linear_scan(a: &NdArray, b: &NdArray, axis: usize, reverse: bool) -> Result<NdArray> {
    if a.shape() != b.shape() || a.dtype() != b.dtype() || !a.dtype().is_floating() {
        return Err(Error::Shape(format!(
            "linear_scan: expected floating operands of one shape and dtype, got {:?} ({}) and {:?} ({})",
            a.shape(),
            a.dtype(),
            b.shape(),
            b.dtype()
        )));
    }
    dispatch_strided(Kernel::LinearScan { axis, reverse }, &[a, b], |x| {
        cpu::scan::linear_scan(x[0], x[1], axis, reverse)
    })
}
