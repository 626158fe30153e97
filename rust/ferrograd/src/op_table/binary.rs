//! The two-input pointwise ops (broadcasting, with PyTorch's type promotion). Each row:
//!
//! `Variant method "grad_fn class" Kernel result { derivative of a } { derivative of b };`
//!
//! - `method`: the op's name and `Tensor` method; `method(picked)` for a row that a hand-written
//!   method of that name picks (`pow` with a constant 0-d exponent is `PowBackward0`, else
//!   `PowBackward1`; `rsub` swaps its operands);
//! - `Kernel`: the `kernels::BinaryOp` that computes it;
//! - `result`: `same` (the promoted dtype) or `float` (integer operands give the default float);
//! - each derivative: `{ [operands it reads] |g| expression }`, the gradient of that input given
//!   `g`, the output's gradient (in forward mode `g` is that input's tangent and the result its
//!   term of the output's tangent), or `{ none }` for an input without a gradient. The node
//!   saves an operand only when the derivative of an input that needs a gradient reads it.

use crate::autograd::calc::Calc;
use crate::error::Result;
use crate::kernels::BinaryOp;
use crate::tensor::Tensor;

use super::ResultDtype;

macro_rules! binary_ops {
    ($(
        $(#[doc = $doc:expr])*
        $variant:ident $method:ident $(($picked:ident))? $node:literal $kernel:ident $result:ident
        $da:tt $db:tt;
    )*) => {
        /// A two-input pointwise op of the table.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Binary {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Binary {
            /// Every row, in table order.
            pub const ALL: &'static [Binary] = &[$(Binary::$variant,)*];

            /// The op's name (its `Tensor` method and Python name).
            pub fn name(self) -> &'static str {
                match self {
                    $(Binary::$variant => stringify!($method),)*
                }
            }

            /// PyTorch's class name of its `grad_fn`.
            pub fn node_name(self) -> &'static str {
                match self {
                    $(Binary::$variant => $node,)*
                }
            }

            /// The row a `Tensor` method of this name computes (rows picked by hand-written
            /// methods, `pow` and `rsub`, are not found here).
            pub fn from_name(name: &str) -> Option<Binary> {
                match name {
                    $(binary_method_name!([$($picked)?] $method $variant) => Some(Binary::$variant),)*
                    _ => None,
                }
            }

            /// The elementwise kernel that computes the op.
            pub fn kernel(self) -> BinaryOp {
                match self {
                    $(Binary::$variant => BinaryOp::$kernel,)*
                }
            }

            /// The dtype the op computes in.
            pub fn result_dtype(self) -> ResultDtype {
                match self {
                    $(Binary::$variant => result_dtype!($result),)*
                }
            }

            /// Whether each input has a gradient.
            pub fn differentiable(self) -> [bool; 2] {
                match self {
                    $(Binary::$variant => [binary_differentiable!($da), binary_differentiable!($db)],)*
                }
            }

            /// `reads()[i][j]`: whether the derivative of input `i` reads operand `j`.
            pub(crate) fn reads(self) -> [[bool; 2]; 2] {
                match self {
                    $(Binary::$variant => [binary_reads!($da), binary_reads!($db)],)*
                }
            }

            /// The gradient of input `input` (or its term of the output's tangent) from `g`,
            /// given the operands the node saved.
            pub(crate) fn derivative<C: Calc>(
                self,
                input: usize,
                g: &C,
                saved: [Option<&C>; 2],
            ) -> Result<C> {
                match (self, input) {
                    $(
                        (Binary::$variant, 0) => binary_derivative!($da, g, saved),
                        (Binary::$variant, _) => binary_derivative!($db, g, saved),
                    )*
                }
            }
        }

        impl Tensor {
            $( binary_method!([$($picked)?] $method $variant, concat!($($doc, "\n",)* "")); )*
        }
    };
}

/// `pow`'s gradient for its exponent: `g * a^b * log(a)`, zero where `a == 0 and b >= 0`.
fn pow_exponent_grad<C: Calc>(g: &C, a: &C, b: &C) -> Result<C> {
    let zero = g.constant(0.0)?;
    let value = g.mul(&a.pow(b)?)?.mul(&a.log()?)?;
    let undefined = C::and(&a.eq(&zero)?, &b.ge(&zero)?)?;
    zero.select(&undefined, &value)
}

/// The share of the gradient of `maximum`/`minimum` an operand gets: half on a tie, none
/// where it `loses`, else all of it (so both get all of it where either is NaN, as in PyTorch).
fn winner_share<C: Calc>(g: &C, loses: &C::Mask, tie: &C::Mask) -> Result<C> {
    let share = g.constant(0.0)?.select(loses, &g.constant(1.0)?)?;
    g.mul(&g.constant(0.5)?.select(tie, &share)?)
}

/// The share of `logaddexp`'s gradient that `a` gets, `exp(a) / (exp(a) + exp(b))`, written
/// as PyTorch's `g / (1 + exp((b - a)·scale))` (`scale` is ln 2 for `logaddexp2`): NaN where
/// both are the same infinity.
fn logaddexp_share<C: Calc>(g: &C, a: &C, b: &C, scale: f64) -> Result<C> {
    let gap = b.sub(a)?;
    let gap = if scale == 1.0 {
        gap
    } else {
        gap.mul(&g.constant(scale)?)?
    };
    g.div(&g.constant(1.0)?.add(&gap.exp()?)?)
}

/// `g · side / (a² + b²)`, the share of `atan2(a, b)`'s gradient whose numerator is `side`
/// (`b` for `a`, `-a` for `b`), written as PyTorch's `g · side · (1 / (a² + b²))` with the
/// reciprocal 0 where `a² + b²` is: the gradient at the origin is 0, not 0/0.
fn atan2_share<C: Calc>(g: &C, side: &C, a: &C, b: &C) -> Result<C> {
    let norm = a.mul(a)?.add(&b.mul(b)?)?;
    let zero = g.constant(0.0)?;
    let reciprocal = zero.select(&norm.eq(&zero)?, &g.constant(1.0)?.div(&norm)?)?;
    g.mul(side)?.mul(&reciprocal)
}

binary_ops! {
    /// `self + other`.
    Add add "AddBackward0" Add same { [] |g| Ok(g.clone()) } { [] |g| Ok(g.clone()) };
    /// `self - other`.
    Sub sub "SubBackward0" Sub same { [] |g| Ok(g.clone()) } { [] |g| g.neg() };
    /// `other - self` (the reflected `scalar - tensor`); its inputs are (other, self).
    Rsub rsub(picked) "RsubBackward1" Sub same { [] |g| Ok(g.clone()) } { [] |g| g.neg() };
    /// `self * other`; `x.mul(&x)` is recorded once with both edges to `x`.
    Mul mul "MulBackward0" Mul same { [b] |g| g.mul(b) } { [a] |g| g.mul(a) };
    /// True division: integer operands give the default float dtype.
    Div div "DivBackward0" Div float
        { [b] |g| g.div(b) }
        { [a, b] |g| g.mul(a)?.div(&b.mul(b)?)?.neg() };
    /// Division by a number (PyTorch's `div.Scalar`, which composite functions such as
    /// `cross_entropy` call; a Python `x / 2` is `DivBackward0`).
    DivScalar div_scalar(picked) "DivBackward1" Div float { [b] |g| g.div(b) } { none };
    /// `self ** exponent`, a tensor exponent.
    Pow pow(picked) "PowBackward1" Pow same
        { [a, b] |g| g.times_power_slope(a, b) }
        { [a, b] |g| pow_exponent_grad(g, a, b) };
    /// `self ** exponent`, a constant 0-d exponent.
    PowScalar pow(picked) "PowBackward0" Pow same { [a, b] |g| g.times_power_slope(a, b) } { none };
    /// Python's remainder: the result takes the sign of the divisor.
    Remainder remainder "RemainderBackward0" Rem same
        { [] |g| Ok(g.clone()) }
        { [a, b] |g| g.mul(&a.floor_divide(b)?)?.neg() };
    /// The angle of the point `(other, self)`.
    Atan2 atan2 "Atan2Backward0" Atan2 float
        { [a, b] |g| atan2_share(g, b, a, b) }
        { [a, b] |g| atan2_share(g, &a.neg()?, a, b) };
    /// `ln(exp(self) + exp(other))`, without overflow.
    LogAddExp logaddexp "LogaddexpBackward0" LogAddExp float
        { [a, b] |g| logaddexp_share(g, a, b, 1.0) }
        { [a, b] |g| logaddexp_share(g, b, a, 1.0) };
    /// `log2(2^self + 2^other)`, without overflow.
    LogAddExp2 logaddexp2 "Logaddexp2Backward0" LogAddExp2 float
        { [a, b] |g| logaddexp_share(g, a, b, std::f64::consts::LN_2) }
        { [a, b] |g| logaddexp_share(g, b, a, std::f64::consts::LN_2) };
    /// The larger of each pair (the gradient is split evenly on ties).
    Maximum maximum "MaximumBackward0" Maximum same
        { [a, b] |g| winner_share(g, &a.lt(b)?, &a.eq(b)?) }
        { [a, b] |g| winner_share(g, &a.gt(b)?, &a.eq(b)?) };
    /// The smaller of each pair (the gradient is split evenly on ties).
    Minimum minimum "MinimumBackward0" Minimum same
        { [a, b] |g| winner_share(g, &a.gt(b)?, &a.eq(b)?) }
        { [a, b] |g| winner_share(g, &a.lt(b)?, &a.eq(b)?) };
}
