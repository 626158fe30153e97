//! The CPU implementations of the kernels (`kernels` checks operands and picks the device;
//! these compute on host arrays).

pub(super) mod binary;
pub(super) mod cast;
pub(super) mod compare;
pub(super) mod conv;
pub(super) mod index;
pub(super) mod map;
pub(super) mod matmul;
pub(super) mod nn;
pub(crate) mod optim;
pub(super) mod recurrent;
pub(super) mod recurrent_layer;
pub(super) mod reduce;
pub(super) mod scalar;
pub(super) mod scan;
pub(super) mod strided;
pub(super) mod ternary;
#[cfg(test)]
mod test_util;
mod transpose;
pub(super) mod unary;
