//! Derivative rules of the pointwise operations, evaluated on plain numbers for 0-d floating
//! point tensors. A first-order backward pass uses them to carry a scalar gradient from node to
//! node without creating a tensor per node (a long chain of scalar operations, the scalar tail
//! of a loss). Each rule performs the same element operations, in the same order and in the
//! same dtype, as its tensor rule in `rules.rs` (through the kernels' element arithmetic), so
//! the two paths give identical bits; `tests::matches_tensor_rules` checks that they do.

use smallvec::SmallVec;

use super::rules::Op;
use crate::array::DType;
use crate::kernels::ElementMath;

/// The gradient of each input of `op` (`None` where the input needs none), given the gradient
/// `g` of its 0-d output and the node's saved values, all in `dtype`. `None` when the operation
/// has no scalar rule: the caller takes the tensor path.
pub(super) fn backward(op: &Op, dtype: DType, g: f64, saved: &[Option<f64>], needs: &[bool]) -> Option<SmallVec<[Option<f64>; 2]>> {
    match dtype {
        DType::Float32 => typed::<f32>(op, g as f32, saved, needs),
        DType::Float64 => typed::<f64>(op, g, saved, needs),
        _ => None,
    }
}

fn typed<T: ElementMath>(op: &Op, g: T, saved: &[Option<f64>], needs: &[bool]) -> Option<SmallVec<[Option<f64>; 2]>> {
    // A missing saved value is an internal error on the tensor path; here it declines.
    let s = |i: usize| saved.get(i).copied().flatten().map(T::from_f64);
    let need = |i: usize| needs.get(i).copied().unwrap_or(false);
    let when = |need: bool, f: &dyn Fn() -> Option<T>| if need { f().map(Some) } else { Some(None) };
    let (one, zero) = (T::one(), T::zero());
    let grads: SmallVec<[Option<T>; 2]> = match op {
        Op::Neg => smallvec::smallvec![Some(g.neg())],
        Op::Add => smallvec::smallvec![Some(g), Some(g)],
        Op::Sub | Op::Rsub => smallvec::smallvec![Some(g), when(need(1), &|| Some(g.neg()))?],
        Op::Mul => smallvec::smallvec![when(need(0), &|| Some(g.mul(s(1)?)))?, when(need(1), &|| Some(g.mul(s(0)?)))?],
        Op::Div => smallvec::smallvec![
            when(need(0), &|| Some(g.div(s(1)?)))?,
            when(need(1), &|| Some(g.mul(s(0)?).div(s(1)?.mul(s(1)?)).neg()))?
        ],
        Op::Pow { .. } => smallvec::smallvec![
            when(need(0), &|| {
                let (a, b) = (s(0)?, s(1)?);
                Some(if b != zero { g.mul(b).mul(a.pow(b.sub(one))) } else { zero })
            })?,
            when(need(1), &|| {
                let (a, b) = (s(0)?, s(1)?);
                Some(if a == zero && b >= zero { zero } else { g.mul(a.pow(b)).mul(a.log()) })
            })?
        ],
        _ => smallvec::smallvec![unary(op, g, s(0)?)?],
    };
    Some(grads.into_iter().map(|grad| grad.map(T::to_f64)).collect())
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
