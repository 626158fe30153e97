//! The op table: every pointwise operation declared once, as one row of `unary.rs` or
//! `binary.rs`. A row names the op (the string the Python side, the device table and error
//! messages use), its `grad_fn` class, its kernel, its result dtype, the values its node saves
//! (by name) and its derivative: one expression per input, written with `Calc`, from which the
//! tensor backward rule, the forward-mode (tangent) rule and the scalar fast path of the
//! backward pass all come (see `autograd::calc`). The macros below turn the rows into an enum
//! with those facts as methods, and into the `Tensor` methods of the ops.
//!
//! Adding a pointwise op: a row here, a kernel (`kernels::UnaryOp`/`BinaryOp` and its element
//! function) if none fits, and the Python docstring; `tests/test_op_table.py` then checks its
//! gradients (gradcheck, gradgradcheck, forward mode) and its device kernel.
//!
//! The table sits beside `ops/` and `autograd/`, inside neither: the ops run its kernels and
//! get its `Tensor` methods, the backward, tangent and scalar rules evaluate its derivatives,
//! and `autograd/` depends on nothing in `ops/` (the other op families reach it through
//! `autograd::op_rule::OpRule`).

#[macro_use]
mod macros;
mod binary;
mod unary;

pub use binary::Binary;
pub use unary::Unary;

/// Which value a one-input op's node keeps for its derivative.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SavedValue {
    /// Nothing: the derivative reads only the gradient.
    Nothing,
    /// The input.
    Input,
    /// The output.
    Output,
}

/// The dtype a pointwise op computes in: its operands' (promoted) dtype, or the default float
/// dtype when that is an integer one (`exp` of an integer tensor is a float tensor).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResultDtype {
    /// The operands' promoted dtype.
    Same,
    /// The promoted dtype, or the default float dtype when that is bool or an integer.
    Float,
}

fn missing() -> crate::error::Error {
    crate::error::Error::Autograd(
        "internal error: a value the derivative rule needs was not saved".into(),
    )
}
