//! The derivatives of the op table's pointwise operations, evaluated on plain numbers for 0-d
//! floating point tensors. A first-order backward pass uses them to carry a scalar gradient
//! from node to node without creating a tensor per node (a long chain of scalar operations, the
//! scalar tail of a loss). They are the rows' own derivative expressions (`ops::table`),
//! computed with `Num` instead of tensors, so they perform the same element operations in the
//! same order and dtype as the tensor rules and give identical bits;
//! `tests/scalar_backward.rs` checks that they do.

use super::calc::Num;
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
    let g = Num(g);
    let saved = saved.map(|v| v.map(|v| Num(T::from_f64(v))));
    // A missing saved value is an internal error on the tensor path; here it declines.
    let grads: Pair<Num<T>> = match op {
        Op::Unary(f) if needs[0] => [Some(f.derivative(&g, saved[0].as_ref()).ok()?), None],
        Op::Binary(f) => {
            let saved = [saved[0].as_ref(), saved[1].as_ref()];
            let differentiable = f.differentiable();
            let grad = |i: usize| match needs[i] && differentiable[i] {
                true => f.derivative(i, &g, saved).ok().map(Some),
                false => Some(None),
            };
            [grad(0)?, grad(1)?]
        }
        _ => return None,
    };
    Some(grads.map(|grad| grad.map(|n| n.0.to_f64())))
}
