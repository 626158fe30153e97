//! How an op family outside `autograd/` gives the engine its derivatives: it implements
//! [`OpRule`] beside its forward, and its forward records `Op::rule(its value)`. The engine
//! calls the rule's `backward` in a backward pass and its `tangent` in forward mode, and names
//! the node with `name`; it knows nothing else of the family. This is JAX's registration of a
//! rule beside its primitive: an op's derivative stays next to the kernel call and the values it
//! saves, and `autograd/` depends on nothing in `ops/` (a test in `tests/layering.rs` checks).
//!
//! The three methods have no defaults, so a family without a tangent rule does not compile (a
//! multi-output family, which forward mode refuses before asking, says so in its `tangent`).
//! The value is the node's non-tensor facts (an axis, a flag); it is behind one shared pointer
//! in `Op`, so it may be of any size and is never copied.
//!
//! A family's impl, next to its forward (a running sum along `axis` here):
//!
//! ```ignore
//! #[derive(Debug)]
//! struct RunningSum { axis: usize }
//!
//! impl Tensor {
//!     pub fn running_sum(&self, axis: usize) -> Result<Tensor> {
//!         let out = kernel(&self.read(), axis)?;
//!         record(Op::rule(RunningSum { axis }), &[self], out, |_| smallvec![])
//!     }
//! }
//!
//! impl OpRule for RunningSum {
//!     fn name(&self) -> &'static str {
//!         "CumsumBackward0"
//!     }
//!
//!     fn backward(&self, grads: &[Option<Tensor>], r: &RuleInputs) -> Result<Grads> {
//!         let g = single_grad(grads)?;
//!         r.one_input(|| g.cumsum_along(self.axis, true))
//!     }
//!
//!     fn tangent(&self, cx: &TangentInputs) -> Result<Tensor> {
//!         cx.t0()?.cumsum_along(self.axis, false)
//!     }
//! }
//! ```
//!
//! Saved values come back in the order the forward's `save` closure listed them; a family reads
//! them through a small accessor of its own (`fn y(r) -> r.saved(1)`) or a struct of named
//! fields written next to that closure, so a position is never read far from where it was chosen.

use std::fmt::Debug;

pub(crate) use super::forward::TangentInputs;
pub(crate) use super::rules::{Grads, RuleInputs};
use crate::error::{Error, Result};
use crate::tensor::Tensor;

/// The derivatives of one op family (see the module documentation).
pub(crate) trait OpRule: Send + Sync + Debug + 'static {
    /// PyTorch's class name for the node (`grad_fn`'s name), e.g. `"SoftmaxBackward0"`.
    fn name(&self) -> &'static str;

    /// The gradients of the inputs (one per input, `None` where none is needed or it is zero),
    /// given the gradients of the outputs (one per output, `None` for an output that got none;
    /// a single-output node always gets `Some`). Written with recorded tensor operations, so
    /// that under `create_graph` the result differentiates again.
    fn backward(&self, grads: &[Option<Tensor>], r: &RuleInputs) -> Result<Grads>;

    /// The output's tangent given the inputs' tangents (J·v), in forward mode.
    fn tangent(&self, cx: &TangentInputs) -> Result<Tensor>;
}

/// The gradient of a single-output node's output.
pub(crate) fn single_grad(grads: &[Option<Tensor>]) -> Result<&Tensor> {
    grads.first().and_then(Option::as_ref).ok_or_else(|| {
        Error::Autograd("internal error: a backward rule ran without a gradient".into())
    })
}

/// The error of a multi-output family's `tangent` (forward mode refuses their dual inputs
/// before a tangent is asked for).
pub(crate) fn no_multi_output_tangent() -> Error {
    Error::Autograd("internal error: a tangent asked of a multi-output node".into())
}
