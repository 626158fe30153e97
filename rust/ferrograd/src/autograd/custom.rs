//! User-defined derivative rules (custom autograd Functions).

use crate::error::Result;
use crate::tensor::Tensor;

/// The backward of a node defined outside the crate, e.g. a Python `autograd.Function`.
pub trait CustomBackward: Send + Sync {
    /// The node's name, as `grad_fn` shows it (e.g. `MyFunctionBackward`).
    fn name(&self) -> String;
    /// One gradient per output in, one per input out (`None` where there is none). `saved` are
    /// the values saved when the node was recorded, checked against in-place changes.
    fn backward(
        &self,
        saved: &[Option<Tensor>],
        grad_outputs: &[Option<Tensor>],
    ) -> Result<Vec<Option<Tensor>>>;
    /// Called when backward frees the graph (without `retain_graph`).
    fn release(&self) {}
}

/// What a custom function saves for its backward: any tensor, or one of its own outputs
/// (kept without a reference cycle, see `Saved`).
pub enum SaveSpec {
    /// A tensor the rule will read (an input or any other tensor).
    Tensor(crate::tensor::Tensor),
    /// The function's output with this index.
    Output(usize),
}

/// Wraps the outputs of a custom function's forward as tensors, recording one node whose
/// backward is `backward` when grad mode is on and an input requires grad. Outputs marked in
/// `non_differentiable` never require grad.
pub fn apply_custom(
    backward: std::sync::Arc<dyn CustomBackward>,
    inputs: &[&Tensor],
    outputs: Vec<crate::NdArray>,
    save: Vec<SaveSpec>,
    non_differentiable: &[bool],
) -> Result<Vec<Tensor>> {
    use crate::tensor::{needs_recording, record_many};

    // No tangent rule for custom nodes: refuse dual inputs rather than drop their tangents.
    super::forward::refuse_dual_inputs(inputs, || format!("custom Function {}", backward.name()))?;
    if !needs_recording(inputs) {
        return Ok(outputs.into_iter().map(Tensor::from_array).collect());
    }
    let count = outputs.len();
    if let Some(SaveSpec::Output(i)) = save
        .iter()
        .find(|s| matches!(s, SaveSpec::Output(i) if *i >= count))
    {
        return Err(crate::Error::Index(format!(
            "saved output {i} but the function has {count} outputs"
        )));
    }
    let tensors = record_many(
        super::arena::NodeKind::Custom(Box::new(backward)),
        inputs,
        outputs,
        |outs| {
            save.iter()
                .map(|s| match s {
                    SaveSpec::Tensor(t) => super::saved::Saved::input(t),
                    SaveSpec::Output(i) => super::saved::Saved::output(&outs[*i]),
                })
                .collect()
        },
    )?;
    for (tensor, &constant) in tensors.iter().zip(non_differentiable) {
        if constant {
            tensor.detach_();
        }
    }
    Ok(tensors)
}
