//! The CPU implementations of the kernels (`kernels` checks operands and picks the device;
//! these compute on host arrays).

pub(super) mod compare;
pub(super) mod elementwise;
pub(super) mod index;
pub(super) mod matmul;
pub(super) mod nn;
pub(crate) mod optim;
pub(super) mod recurrent;
pub(super) mod reduce;
pub(super) mod scan;
