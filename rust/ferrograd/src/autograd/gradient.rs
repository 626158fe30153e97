//! Gradients as the backward pass carries them: tensors, or, between nodes that have a scalar
//! rule (`scalar_rules`), the bare value of a 0-d floating point gradient. A first-order pass
//! through a chain of scalar operations then runs without creating a tensor per node; a scalar
//! becomes a tensor only where something needs one (a leaf's `.grad`, a hook, another rule).

use smallvec::SmallVec;

use super::arena::{self, NodeId, NodeKind};
use super::mode::{is_anomaly_enabled, no_grad};
use super::saved::{LastRead, Saved};
use super::scalar_rules::{self, Pair};
use crate::array::{DType, NdArray};
use crate::error::Result;
use crate::tensor::Tensor;

/// The value of a 0-d host gradient of a floating dtype (held as `f64`, exactly: an `f32`
/// value widens without rounding).
#[derive(Clone, Copy, Debug)]
pub(super) struct ScalarGrad {
    pub value: f64,
    pub dtype: DType,
}

impl ScalarGrad {
    fn of(tensor: &Tensor) -> Option<ScalarGrad> {
        // Asked of every tensor gradient in a first-order pass: rule out the large ones
        // without taking the array's lock.
        if tensor.numel() != 1 {
            return None;
        }
        let array = tensor.read();
        Some(ScalarGrad {
            value: array.host_float_scalar()?,
            dtype: array.dtype(),
        })
    }

    fn to_tensor(self) -> Tensor {
        Tensor::from_array(NdArray::full(&[], self.value, self.dtype))
    }
}

pub(super) enum Gradient {
    Tensor(Tensor),
    Scalar(ScalarGrad),
}

impl Gradient {
    pub fn into_tensor(self) -> Tensor {
        match self {
            Gradient::Tensor(tensor) => tensor,
            Gradient::Scalar(scalar) => scalar.to_tensor(),
        }
    }

    /// The gradient as a scalar, if it is the value of a 0-d host float tensor.
    pub fn as_scalar(&self) -> Option<ScalarGrad> {
        match self {
            Gradient::Tensor(tensor) => ScalarGrad::of(tensor),
            Gradient::Scalar(scalar) => Some(*scalar),
        }
    }

    /// `self + other` (out of place; recorded under `create_graph`). Two scalars of one dtype
    /// add as the add kernel would; anything else adds as tensors.
    pub fn add(self, other: Gradient, create_graph: bool) -> Result<Gradient> {
        if let (Gradient::Scalar(a), Gradient::Scalar(b)) = (&self, &other) {
            if a.dtype == b.dtype {
                let value = match a.dtype {
                    DType::Float32 => (a.value as f32 + b.value as f32) as f64,
                    _ => a.value + b.value,
                };
                return Ok(Gradient::Scalar(ScalarGrad {
                    value,
                    dtype: a.dtype,
                }));
            }
        }
        let (a, b) = (self.into_tensor(), other.into_tensor());
        if !create_graph && can_add_in_place(&a, &b) {
            // A sum no one else sees (the usual first-order pass): `a` takes `b` in place, one
            // pass and no new buffer (a weight shared by every step of a recurrent network gets
            // a gradient per step).
            no_grad(|| a.add_(&b))?;
            return Ok(Gradient::Tensor(a));
        }
        Ok(Gradient::Tensor(if create_graph {
            a.add(&b)?
        } else {
            no_grad(|| a.add(&b))?
        }))
    }
}

/// Whether `a + b` may be written into `a`: `a` is the sum's shape and dtype and nothing else
/// reaches its elements; no forward-mode level is open (a gradient may carry a tangent then).
fn can_add_in_place(a: &Tensor, b: &Tensor) -> bool {
    if super::forward::is_active() {
        return false;
    }
    let same = {
        let (x, y) = Tensor::read_pair(a, b);
        x.shape() == y.shape() && x.dtype() == y.dtype() && x.device() == y.device()
    };
    same && a.owns_its_elements_alone()
}

/// Gradients for the input edges of a node, in edge order: (input slot, gradient).
pub(super) type EdgeGrads = SmallVec<[Option<(u32, Gradient)>; 2]>;

/// Runs node `id` on the scalar gradient `g` of its only output with its scalar rule, under one
/// arena lock. `None` (nothing changed) when the node isn't a pointwise operation on 0-d host
/// tensors of `g`'s dtype with such a rule, or a saved value can't be read cheaply: the caller
/// then runs it the general way. First-order passes without hooks only (the caller checks), and
/// not in anomaly mode or forward-mode AD.
pub(super) fn run_scalar_node(
    id: NodeId,
    g: ScalarGrad,
    retain_graph: bool,
    last: &mut LastRead,
) -> Option<EdgeGrads> {
    // Anomaly mode checks every gradient as a tensor; with a dual level open, gradients may
    // carry tangents (forward-over-reverse) that numbers can't.
    if is_anomaly_enabled() || super::forward::is_active() {
        return None;
    }
    // Saved outputs revived to read their version. Declared before the lock so that every
    // return drops them after it: dropping the last handle of a tensor can free nodes.
    let mut keep: SmallVec<[Tensor; 2]> = SmallVec::new();
    let mut arena = arena::lock();
    let node = arena.get_mut(id);
    let NodeKind::Op(op) = &node.kind else {
        return None;
    };
    if node.released || node.num_outputs != 1 || node.inputs.len() > 2 || node.saved.len() > 2 {
        return None;
    }
    let scalar_input = |i: &super::node_input::NodeInput| {
        i.shape_is(&[]) && i.dtype() == g.dtype && i.device().is_cpu()
    };
    let mut needs = [false; 2];
    for (need, input) in needs.iter_mut().zip(&node.inputs) {
        *need = input.edge().is_some();
        if *need && !scalar_input(input) {
            return None;
        }
    }
    let mut values: Pair<f64> = [None; 2];
    for (value, saved) in values.iter_mut().zip(&node.saved) {
        *value = saved.scalar_value(g.dtype, last, &mut keep)?;
    }
    let grads = scalar_rules::backward(op, g.dtype, g.value, values, needs)?;
    let mut out = EdgeGrads::new();
    for (input, grad) in node.inputs.iter().zip(grads) {
        if let Some(edge) = input.edge() {
            out.push(grad.map(|value| {
                (
                    edge.input_nr,
                    Gradient::Scalar(ScalarGrad {
                        value,
                        dtype: g.dtype,
                    }),
                )
            }));
        }
    }
    let freed: SmallVec<[Saved; 2]> = if retain_graph {
        SmallVec::new()
    } else {
        node.released = !node.saved.is_empty();
        std::mem::take(&mut node.saved)
    };
    drop(arena);
    drop((freed, keep));
    Some(out)
}
