//! Derivative rules of the pointwise operations, evaluated on plain numbers for 0-d floating
//! point tensors. A first-order backward pass uses them to carry a scalar gradient from node to
//! node without creating a tensor per node (a long chain of scalar operations, the scalar tail
//! of a loss). Each rule performs the same element operations, in the same order and in the
//! same dtype, as its tensor rule in `rules.rs` (through the kernels' element arithmetic), so
//! the two paths give identical bits; `tests/scalar_backward.rs` checks that they do.

use super::rules::Op;
use crate::array::DType;
use crate::kernels::ElementMath;

/// One value per input of a node with at most two inputs (every operation with a scalar rule);
/// fixed arrays, not vectors: this runs once per node of a long scalar chain.
pub(super) type Pair<T> = [Option<T>; 2];

/// The gradient of each input of `op` (`None` where the input needs none), given the gradient
/// `g` of its 0-d output and the node's saved values, all in `dtype`. `None` when the operation
/// has no scalar rule: the caller takes the tensor path.
pub(super) fn backward(
    op: &Op,
    dtype: DType,
    g: f64,
    saved: Pair<f64>,
    needs: [bool; 2],
) -> Option<Pair<f64>> {
    match dtype {
        DType::Float32 => typed::<f32>(op, g as f32, saved, needs),
        DType::Float64 => typed::<f64>(op, g, saved, needs),
        _ => None,
    }
}

fn typed<T: ElementMath>(op: &Op, g: T, saved: Pair<f64>, needs: [bool; 2]) -> Option<Pair<f64>> {
    // A missing saved value is an internal error on the tensor path; here it declines.
    let s = |i: usize| saved[i].map(T::from_f64);
    let when =
        |i: usize, f: &dyn Fn() -> Option<T>| if needs[i] { f().map(Some) } else { Some(None) };
    let (one, zero) = (T::one(), T::zero());
    let grads: Pair<T> = match op {
        Op::Neg => [Some(g.neg()), None],
        Op::Add => [Some(g), Some(g)],
        Op::Sub | Op::Rsub => [Some(g), when(1, &|| Some(g.neg()))?],
        Op::Mul => [
            when(0, &|| Some(g.mul(s(1)?)))?,
            when(1, &|| Some(g.mul(s(0)?)))?,
        ],
        Op::Div => [
            when(0, &|| Some(g.div(s(1)?)))?,
            when(1, &|| Some(g.mul(s(0)?).div(s(1)?.mul(s(1)?)).neg()))?,
        ],
        Op::Pow { .. } => [
            when(0, &|| {
                let (a, b) = (s(0)?, s(1)?);
                Some(if b != zero {
                    g.mul(b).mul(a.pow(b.sub(one)))
                } else {
                    zero
                })
            })?,
            when(1, &|| {
                let (a, b) = (s(0)?, s(1)?);
                Some(if a == zero && b >= zero {
                    zero
                } else {
                    g.mul(a.pow(b)).mul(a.log())
                })
            })?,
        ],
        _ => [unary(op, g, s(0)?)?, None],
    };
    Some(grads.map(|grad| grad.map(T::to_f64)))
}

/// One-input operations; `v` is the value the node saved (its input or its output).
fn unary<T: ElementMath>(op: &Op, g: T, v: T) -> Option<Option<T>> {
    let (one, two) = (T::one(), T::from_f64(2.0));
    let grad = match op {
        Op::Exp => g.mul(v),
        Op::Log => g.div(v),
        Op::Sqrt => g.div(v.mul(two)),
        Op::Rsqrt => g.mul(v.mul(v).mul(v)).mul(T::from_f64(-0.5)),
        Op::Sin => g.mul(v.cos()),
        Op::Cos => g.mul(v.sin()).neg(),
        Op::Tan => g.mul(v.mul(v).add(one)),
        Op::Tanh => g.mul(one.sub(v.mul(v))),
        Op::Sigmoid => g.mul(v.mul(one.sub(v))),
        Op::Relu => g.mul(if v > T::zero() { one } else { T::zero() }),
        Op::Log1p => g.div(v.add(one)),
        Op::Expm1 => g.mul(v.add(one)),
        Op::Reciprocal => g.mul(v.mul(v)).neg(),
        _ => return None,
    };
    Some(Some(grad))
}
