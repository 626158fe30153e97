//! The one-input pointwise ops. Each row:
//!
//! `Variant method "grad_fn class" Kernel result saved(name) |g| derivative;`
//!
//! - `method`: the op's name (the `Tensor` method, the Python name, the device kernel's name);
//! - `Kernel`: the `kernels::UnaryOp` that computes it;
//! - `result`: `same` (the input's dtype) or `float` (integer inputs give the default float);
//! - `saved(name)`: `input(x)`, `output(y)` or `nothing()`: what the node keeps, and the name
//!   the derivative reads it by;
//! - the derivative: the gradient of the input given `g`, the gradient of the output (in
//!   forward mode `g` is the input's tangent and the result the output's tangent).

use std::f64::consts::{LN_10, LN_2};

use crate::autograd::calc::Calc;
use crate::error::Result;
use crate::kernels::activation_kernels::OutputSlope;
use crate::kernels::UnaryOp;
use crate::tensor::Tensor;

use super::{ResultDtype, SavedValue};

macro_rules! unary_ops {
    ($(
        $(#[doc = $doc:expr])*
        $variant:ident $method:ident $node:literal $kernel:ident $result:ident
        $saved:ident($($v:ident)?) |$g:ident| $derivative:expr;
    )*) => {
        /// A one-input pointwise op of the table.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Unary {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Unary {
            /// Every row, in table order.
            pub const ALL: &'static [Unary] = &[$(Unary::$variant,)*];

            /// The op's name: its `Tensor` method, its Python name, its device kernel.
            pub fn name(self) -> &'static str {
                match self {
                    $(Unary::$variant => stringify!($method),)*
                }
            }

            /// PyTorch's class name of its `grad_fn`.
            pub fn node_name(self) -> &'static str {
                match self {
                    $(Unary::$variant => $node,)*
                }
            }

            /// The row whose [`name`](Self::name) is `name`, or `None`.
            ///
            /// ```
            /// use ferrograd::op_table::Unary;
            /// assert_eq!(Unary::from_name("exp").unwrap().node_name(), "ExpBackward0");
            /// ```
            pub fn from_name(name: &str) -> Option<Unary> {
                match name {
                    $(stringify!($method) => Some(Unary::$variant),)*
                    _ => None,
                }
            }

            /// The elementwise kernel that computes the op.
            pub fn kernel(self) -> UnaryOp {
                match self {
                    $(Unary::$variant => UnaryOp::$kernel,)*
                }
            }

            /// The dtype the op computes in.
            pub fn result_dtype(self) -> ResultDtype {
                match self {
                    $(Unary::$variant => result_dtype!($result),)*
                }
            }

            /// Which value the op's node keeps for its derivative.
            pub fn saves(self) -> SavedValue {
                match self {
                    $(Unary::$variant => saved_value!($saved),)*
                }
            }

            /// The input's gradient (or the output's tangent) from `g`, the output's gradient
            /// (or the input's tangent), and the value the node saved.
            pub(crate) fn derivative<C: Calc>(self, g: &C, saved: Option<&C>) -> Result<C> {
                match self {
                    $(Unary::$variant => {
                        let $g = g;
                        $( let $v = saved.ok_or_else(super::missing)?; )?
                        let _ = saved;
                        $derivative
                    })*
                }
            }
        }

        impl Tensor {
            $(
                $(#[doc = $doc])*
                pub fn $method(&self) -> Result<Tensor> {
                    self.unary(Unary::$variant)
                }
            )*
        }
    };
}

/// `(1 - x²)^(-1/2)`, the slope of `asin` (PyTorch's `(-x·x + 1).rsqrt()`).
fn cosine_reciprocal<C: Calc>(x: &C) -> Result<C> {
    x.neg()?
        .mul(x)?
        .add(&x.constant(1.0)?)?
        .pow(&x.constant(-0.5)?)
}

unary_ops! {
    /// `-x`.
    Neg neg "NegBackward0" Neg same nothing() |g| g.neg();
    /// `|x|`.
    Abs abs "AbsBackward0" Abs same input(x) |g| g.mul(&x.sign()?);
    /// `e` to the power of each element.
    Exp exp "ExpBackward0" Exp float output(y) |g| g.mul(y);
    /// The natural logarithm.
    Log log "LogBackward0" Log float input(x) |g| g.div(x);
    /// The base-2 logarithm.
    Log2 log2 "Log2Backward0" Log2 float input(x) |g| g.div(&x.mul(&g.constant(LN_2)?)?);
    /// The base-10 logarithm.
    Log10 log10 "Log10Backward0" Log10 float input(x) |g| g.div(&x.mul(&g.constant(LN_10)?)?);
    /// `2` to the power of each element.
    Exp2 exp2 "Exp2Backward0" Exp2 float output(y) |g| g.mul(y)?.mul(&g.constant(LN_2)?);
    /// The square root (NaN below 0).
    Sqrt sqrt "SqrtBackward0" Sqrt float output(y) |g| g.times_output_slope(OutputSlope::Sqrt, y);
    /// `1 / sqrt(x)`.
    Rsqrt rsqrt "RsqrtBackward0" Rsqrt float output(y)
        |g| g.times_output_slope(OutputSlope::Rsqrt, y);
    /// The sine (radians).
    Sin sin "SinBackward0" Sin float input(x) |g| g.mul(&x.cos()?);
    /// The cosine (radians).
    Cos cos "CosBackward0" Cos float input(x) |g| g.mul(&x.sin()?)?.neg();
    /// The tangent (radians).
    Tan tan "TanBackward0" Tan float output(y) |g| g.times_output_slope(OutputSlope::Tan, y);
    /// The arctangent.
    Atan atan "AtanBackward0" Atan float input(x) |g| g.div(&x.mul(x)?.add(&g.constant(1.0)?)?);
    /// The arcsine (NaN outside [-1, 1]).
    Asin asin "AsinBackward0" Asin float input(x) |g| g.mul(&cosine_reciprocal(x)?);
    /// The arccosine (NaN outside [-1, 1]).
    Acos acos "AcosBackward0" Acos float input(x) |g| g.mul(&cosine_reciprocal(x)?)?.neg();
    /// The hyperbolic tangent.
    Tanh tanh "TanhBackward0" Tanh float output(y) |g| g.times_output_slope(OutputSlope::Tanh, y);
    /// The logistic sigmoid `1 / (1 + exp(-x))`.
    Sigmoid sigmoid "SigmoidBackward0" Sigmoid float output(y) |g| g.times_output_slope(OutputSlope::Logistic, y);
    /// `max(x, 0)`.
    Relu relu "ReluBackward0" Relu same output(y) |g| g.times_output_slope(OutputSlope::Relu, y);
    /// `log(1 + x)`, accurate near 0.
    Log1p log1p "Log1PBackward0" Log1p float input(x) |g| g.div(&x.add(&g.constant(1.0)?)?);
    /// `exp(x) - 1`, accurate near 0.
    Expm1 expm1 "Expm1Backward0" Expm1 float output(y) |g| g.times_output_slope(OutputSlope::Expm1, y);
    /// The error function.
    Erf erf "ErfBackward0" Erf float input(x)
        |g| g.mul(&g.constant(std::f64::consts::FRAC_2_SQRT_PI)?)?.mul(&x.mul(x)?.neg()?.exp()?);
    /// `1 / x`.
    Reciprocal reciprocal "ReciprocalBackward0" Reciprocal float output(y)
        |g| g.times_output_slope(OutputSlope::Reciprocal, y);
    /// -1, 0 or 1 by the sign of each element (zero gradient, as in PyTorch).
    Sign sign "SignBackward0" Sign same nothing() |g| g.zeros_like();
    /// Rounds down (zero gradient).
    Floor floor "FloorBackward0" Floor same nothing() |g| g.zeros_like();
    /// Rounds up (zero gradient).
    Ceil ceil "CeilBackward0" Ceil same nothing() |g| g.zeros_like();
    /// Rounds half to even (zero gradient).
    Round round "RoundBackward0" Round same nothing() |g| g.zeros_like();
    /// Rounds toward zero (zero gradient).
    Trunc trunc "TruncBackward0" Trunc same nothing() |g| g.zeros_like();
}
