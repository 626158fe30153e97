//! Values a node keeps for its derivative rule, with the version they had when saved, so that a
//! later in-place change is caught instead of silently giving a wrong gradient.

use std::sync::Weak;

use smallvec::SmallVec;

use super::arena::NodeId;
use crate::array::{DType, NdArray};
use crate::error::{Error, Result};
use crate::tensor::{Tensor, TensorCell};

#[derive(Clone)]
pub enum Saved {
    /// An input of the node: kept alive by the node.
    Input { tensor: Tensor, version: u32 },
    /// An output of the node (boxed: rarer and larger than an input).
    Output(Box<SavedOutput>),
    /// A slot the rule will not read in any backward of this node (e.g. `b` of `a * b` when
    /// only `b` requires grad).
    Absent,
    /// What the saved-tensor hooks' `pack` made of the value (boxed: rare).
    Packed(Box<PackedSaved>),
}

/// A value handed to saved-tensor hooks when it was saved (`torch.autograd.graph.
/// saved_tensors_hooks`): `unpack` gives the tensor back when the rule needs it.
pub trait PackedTensor: Send + Sync {
    /// The saved tensor again (e.g. copied back from where `pack` put it).
    fn unpack(&self) -> Result<Tensor>;
}

/// Hooks that transform every value saved for backward while they are installed on a thread
/// (`mode::push_saved_tensor_hooks`): `pack` runs when a node is recorded, outside the arena
/// lock, so it may run operations.
pub trait SavedTensorHooks: Send + Sync {
    /// What to keep instead of `tensor` until the backward pass unpacks it.
    fn pack(&self, tensor: &Tensor) -> Result<std::sync::Arc<dyn PackedTensor>>;
}

/// A packed saved value. A packed output was handed to `pack` without its history (so a hook
/// that keeps it makes no reference cycle through the node); unpacked, it gets the node back
/// as its `grad_fn`, as an unpacked output does. In-place changes are not checked for packed
/// values: the original tensor is not kept.
#[derive(Clone)]
pub struct PackedSaved {
    pub value: std::sync::Arc<dyn PackedTensor>,
    pub output_nr: Option<u32>,
}

/// Holding the output tensor itself would make a reference cycle (its `grad_fn` is the node
/// that saves it), so the node keeps the values and a weak link.
#[derive(Clone)]
pub struct SavedOutput {
    pub data: NdArray,
    pub cell: Weak<TensorCell>,
    pub version: u32,
    pub output_nr: u32,
}

/// The value of the saved input read last in a backward pass, at the version it was read at.
/// Its version unchanged, the tensor holds the same value (every write advances the version),
/// so the value is reused without locking the array again. The tensor itself is kept: it can't
/// be freed, and its address reused by another, while it is remembered.
#[derive(Default)]
pub(crate) struct LastRead(Option<(Tensor, u32, DType, f64)>);

impl LastRead {
    fn get(&self, tensor: &Tensor, version: u32, dtype: DType) -> Option<f64> {
        let (last, last_version, last_dtype, value) = self.0.as_ref()?;
        let same = std::sync::Arc::ptr_eq(&last.0, &tensor.0)
            && *last_version == version
            && *last_dtype == dtype;
        same.then_some(*value)
    }

    /// Remembers `value`; returns the tensor remembered before, for the caller to drop after
    /// the arena lock (dropping a tensor can free nodes).
    fn set(&mut self, tensor: &Tensor, version: u32, dtype: DType, value: f64) -> Option<Tensor> {
        self.0
            .replace((tensor.clone(), version, dtype, value))
            .map(|(previous, ..)| previous)
    }
}

impl Saved {
    pub fn input(tensor: &Tensor) -> Saved {
        Saved::Input {
            tensor: tensor.clone(),
            version: tensor.version(),
        }
    }

    /// `self` packed by `hooks` (an absent slot stays absent).
    pub(crate) fn packed(self, hooks: &dyn SavedTensorHooks) -> Result<Saved> {
        let (value, output_nr) = match self {
            Saved::Absent | Saved::Packed(_) => return Ok(self),
            Saved::Input { tensor, .. } => (hooks.pack(&tensor)?, None),
            Saved::Output(out) => {
                let tensor = match out.cell.upgrade() {
                    Some(cell) => Tensor(cell).detach(),
                    None => Tensor::from_array(out.data.clone()),
                };
                (hooks.pack(&tensor)?, Some(out.output_nr))
            }
        };
        Ok(Saved::Packed(Box::new(PackedSaved { value, output_nr })))
    }

    pub fn output(tensor: &Tensor) -> Saved {
        Saved::Output(Box::new(SavedOutput {
            data: tensor.data(),
            cell: std::sync::Arc::downgrade(&tensor.0),
            version: tensor.version(),
            output_nr: tensor.output_nr(),
        }))
    }

    /// The value of a saved 0-d host tensor of `dtype`, without unpacking it: `Some(None)` for
    /// an absent slot, `None` where the value can't be read so (another dtype or shape, a write
    /// in progress, an in-place change: the tensor path handles those and reports the error).
    /// Runs under the arena lock, so it never blocks, and a saved output it had to revive goes
    /// to `keep`, to be dropped after the lock (dropping the last handle frees nodes).
    /// `last` remembers the input read last, so a value saved by every node of a chain is
    /// locked and read once per pass.
    pub(crate) fn scalar_value(
        &self,
        dtype: DType,
        last: &mut LastRead,
        keep: &mut SmallVec<[Tensor; 2]>,
    ) -> Option<Option<f64>> {
        let of = |array: &NdArray| {
            if array.dtype() == dtype {
                array.host_float_scalar()
            } else {
                None
            }
        };
        match self {
            Saved::Absent => Some(None),
            Saved::Packed(_) => None,
            Saved::Input { tensor, version } => {
                if tensor.version() != *version {
                    return None;
                }
                if let Some(value) = last.get(tensor, *version, dtype) {
                    return Some(Some(value));
                }
                let value = of(&*tensor.try_read()?)?;
                keep.extend(last.set(tensor, *version, dtype, value));
                Some(Some(value))
            }
            Saved::Output(out) => {
                if let Some(cell) = out.cell.upgrade() {
                    let tensor = Tensor(cell);
                    let current = tensor.version();
                    keep.push(tensor);
                    if current != out.version {
                        return None;
                    }
                }
                of(&out.data).map(Some)
            }
        }
    }

    /// The saved tensor, checked against in-place modification. `node` is the node that saved
    /// it (an unpacked output gets it back as its `grad_fn`, for double backward).
    pub fn unpack(&self, node_name: &str, node: NodeId) -> Result<Option<Tensor>> {
        let (tensor, saved_version) = match self {
            Saved::Absent => return Ok(None),
            Saved::Packed(packed) => {
                let tensor = packed.value.unpack()?;
                return Ok(Some(match packed.output_nr {
                    Some(nr) => {
                        let grad_fn = super::arena::lock().new_ref(node);
                        Tensor::from_saved_output(tensor.data(), grad_fn, nr)
                    }
                    None => tensor,
                }));
            }
            Saved::Input { tensor, version } => (tensor.clone(), *version),
            Saved::Output(out) => match out.cell.upgrade() {
                Some(cell) => (Tensor(cell), out.version),
                None => {
                    let grad_fn = super::arena::lock().new_ref(node);
                    (
                        Tensor::from_saved_output(out.data.clone(), grad_fn, out.output_nr),
                        out.version,
                    )
                }
            },
        };
        let current = tensor.version();
        if current != saved_version {
            return Err(Error::Autograd(format!(
                "one of the variables needed for gradient computation has been modified by an inplace operation: \
                 [{}{:?}] is at version {current}; expected version {saved_version} instead. The output of {node_name} \
                 needed for its gradient was changed after it was saved.",
                tensor.dtype(),
                tensor.shape().as_slice()
            )));
        }
        Ok(Some(tensor))
    }
}
