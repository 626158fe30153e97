//! `Tensor`: an `NdArray` plus autograd metadata. Operations on tensors live in `crate::ops`;
//! this module holds the type, its accessors and its autograd state.

mod record;
mod view;

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::Arc;

use parking_lot::{Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::array::{DType, Device, Dims, Element, NdArray};
use crate::autograd::arena::{self, NodeKind, NodeRef};
use crate::autograd::NodeHandle;
use crate::error::{Error, Result};

pub(crate) use record::{needs_recording, record, record_described, record_many};

/// A tensor: shared, reference-counted handle. `clone()` gives another handle to the same
/// tensor (like a second Python reference), not a copy of its data.
#[derive(Clone)]
pub struct Tensor(pub(crate) Arc<TensorCell>);

/// The elements of a tensor (its array: a layout over storage) and its version counter, shared
/// by the tensor and its detached aliases (`detach()`). A view has a cell of its own, for its
/// own layout, over its base's storage; its version counter is its base's (`base`), so an
/// in-place write through any view is seen by every saved value that aliases it.
pub(crate) struct DataCell {
    array: RwLock<NdArray>,
    /// The version of this cell's elements; for a view, unused (its base's counts).
    version: AtomicU32,
    /// The cell of the tensor this one is a view of (always a base, never a view itself).
    base: Option<triomphe::Arc<DataCell>>,
    /// The array's element count, readable without the lock (the binding asks it of both
    /// operands of every operator, to decide whether to release the GIL); written with it.
    numel: AtomicUsize,
}

impl DataCell {
    /// The version counter this cell's elements share with every view of them.
    fn version_counter(&self) -> &AtomicU32 {
        self.base
            .as_ref()
            .map_or(&self.version, |base| &base.version)
    }
}

/// What a view knows of where it came from.
pub(crate) struct ViewOf {
    /// The base tensor (never itself a view): PyTorch's `_base`, and the tensor whose history
    /// an in-place operation on the view rewrites.
    pub base: Tensor,
    /// Made while grad mode was on: only such views follow their base's history.
    pub tracks_history: bool,
    /// The version at which this view's `grad_fn` was last brought up to date with its base.
    pub synced_version: AtomicU32,
}

/// What a [`Tensor`] points to: its elements and its autograd state. Reached only through
/// `Tensor`.
pub struct TensorCell {
    data: triomphe::Arc<DataCell>,
    view: Option<Box<ViewOf>>,
    meta: Mutex<Meta>,
    /// `meta.requires_grad`, readable without the lock (every operation asks it of each
    /// input); written back whenever a `MetaGuard` is released.
    requires_grad: AtomicBool,
    /// Made in inference mode: may never be saved for backward. Fixed at creation.
    inference: bool,
}

impl TensorCell {
    fn new(data: triomphe::Arc<DataCell>, meta: Meta, inference: bool) -> TensorCell {
        TensorCell {
            data,
            view: None,
            requires_grad: AtomicBool::new(meta.requires_grad),
            meta: Mutex::new(meta),
            inference,
        }
    }
}

/// The locked autograd metadata of a tensor; releasing it publishes `requires_grad`.
pub(crate) struct MetaGuard<'a> {
    meta: MutexGuard<'a, Meta>,
    published: &'a AtomicBool,
}

impl Deref for MetaGuard<'_> {
    type Target = Meta;
    fn deref(&self) -> &Meta {
        &self.meta
    }
}

impl DerefMut for MetaGuard<'_> {
    fn deref_mut(&mut self) -> &mut Meta {
        &mut self.meta
    }
}

impl Drop for MetaGuard<'_> {
    fn drop(&mut self) {
        self.published
            .store(self.meta.requires_grad, Ordering::Release);
    }
}

#[derive(Default)]
pub(crate) struct Meta {
    pub requires_grad: bool,
    /// The node that produced this tensor (non-leaf tensors only).
    pub grad_fn: Option<NodeRef>,
    pub output_nr: u32,
    /// The `AccumulateGrad` node that holds the `.grad` of a leaf that requires grad.
    pub accumulator: Option<NodeRef>,
    /// The gradient kept by `retain_grad()` on a non-leaf tensor.
    pub retained_grad: Option<Tensor>,
    pub retains_grad: bool,
    /// The forward-mode tangent, with its dual level (see `autograd::forward`).
    pub tangent: Option<crate::autograd::forward::Tangent>,
}

impl Meta {
    /// This tensor's place in the graph (gradient flag, `grad_fn`, leaf sink), for a new
    /// tensor that continues the same history.
    pub(crate) fn history(&self) -> Meta {
        Meta {
            requires_grad: self.requires_grad,
            grad_fn: self.grad_fn.clone(),
            output_nr: self.output_nr,
            accumulator: self.accumulator.clone(),
            ..Meta::default()
        }
    }
}

impl Tensor {
    /// A leaf tensor that does not require grad.
    pub fn from_array(array: NdArray) -> Tensor {
        Self::with_meta(array, Meta::default())
    }

    fn with_meta(array: NdArray, meta: Meta) -> Tensor {
        Self::assemble(
            array,
            meta,
            crate::autograd::mode::is_inference_mode_enabled(),
        )
    }

    fn assemble(array: NdArray, meta: Meta, inference: bool) -> Tensor {
        let numel = AtomicUsize::new(array.numel());
        let data = triomphe::Arc::new(DataCell {
            array: RwLock::new(array),
            version: AtomicU32::new(0),
            numel,
            base: None,
        });
        Tensor(Arc::new(TensorCell::new(data, meta, inference)))
    }

    /// A tensor of `shape` holding `data` in row-major order (no copy).
    ///
    /// # Errors
    ///
    /// [`Error::Shape`] when `data.len()` is not the product of `shape`.
    ///
    /// ```
    /// let x = ferrograd::Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]).unwrap();
    /// assert_eq!(x.shape().as_slice(), &[2, 3]);
    /// assert!(ferrograd::Tensor::from_vec(vec![1.0f32, 2.0], &[3]).is_err());
    /// ```
    pub fn from_vec<T: Element>(data: Vec<T>, shape: &[usize]) -> Result<Tensor> {
        Ok(Self::from_array(NdArray::from_vec(data, shape)?))
    }

    /// A 0-d tensor holding `value`.
    pub fn scalar<T: Element>(value: T) -> Tensor {
        Self::from_array(NdArray::scalar(value))
    }

    /// A recorded output rebuilt from a node's saved values (its original tensor was dropped).
    pub(crate) fn from_saved_output(array: NdArray, grad_fn: NodeRef, output_nr: u32) -> Tensor {
        Self::with_meta(
            array,
            Meta {
                requires_grad: true,
                grad_fn: Some(grad_fn),
                output_nr,
                ..Meta::default()
            },
        )
    }

    /// The elements (a cheap shared handle; writing to it copies first).
    pub fn data(&self) -> NdArray {
        self.0.data.array.read().clone()
    }

    /// The elements in a buffer this tensor shares with the returned array (never inline):
    /// for zero-copy export, where writes through the export must reach the tensor.
    pub fn shared_data(&self) -> NdArray {
        let mut array = self.0.data.array.write();
        array.share_elements();
        array.clone()
    }

    pub(crate) fn read(&self) -> RwLockReadGuard<'_, NdArray> {
        self.0.data.array.read()
    }

    /// The elements if no write is in progress or queued (never blocks).
    pub(crate) fn try_read(&self) -> Option<RwLockReadGuard<'_, NdArray>> {
        self.0.data.array.try_read()
    }

    /// Both tensors' arrays, read together. The reads are recursive because `a` and `b` may be
    /// one tensor (`x * x`): a plain second read could wait behind a queued writer forever.
    pub(crate) fn read_pair<'a>(
        a: &'a Tensor,
        b: &'a Tensor,
    ) -> (RwLockReadGuard<'a, NdArray>, RwLockReadGuard<'a, NdArray>) {
        (
            a.0.data.array.read_recursive(),
            b.0.data.array.read_recursive(),
        )
    }

    pub(crate) fn write(&self) -> RwLockWriteGuard<'_, NdArray> {
        self.0.data.array.write()
    }

    /// The size of each dimension.
    pub fn shape(&self) -> Dims {
        Dims::from_slice(self.read().shape())
    }

    /// The element type.
    pub fn dtype(&self) -> DType {
        self.read().dtype()
    }

    /// Where the elements live.
    pub fn device(&self) -> Device {
        self.read().device()
    }

    /// The number of dimensions.
    pub fn ndim(&self) -> usize {
        self.read().ndim()
    }

    /// The number of elements.
    pub fn numel(&self) -> usize {
        self.0.data.numel.load(Ordering::Acquire)
    }

    /// The elements as a `Vec` of `T` (host tensors of dtype `T` only).
    pub fn to_vec<T: Element>(&self) -> Result<Vec<T>> {
        let host = self.data().to_device(Device::Cpu)?.contiguous()?;
        Ok(host.as_slice::<T>()?.to_vec())
    }

    /// The elements converted to `i64` (host or device).
    pub fn to_vec_i64(&self) -> Result<Vec<i64>> {
        let host = crate::kernels::cast(&self.data().to_device(Device::Cpu)?, DType::Int64)?;
        Ok(host.as_slice::<i64>()?.to_vec())
    }

    /// The single element as `f64`.
    pub fn item(&self) -> Result<f64> {
        self.data().to_device(Device::Cpu)?.item_f64()
    }

    /// How many times this tensor's elements were modified in place.
    pub fn version(&self) -> u32 {
        self.0.data.version_counter().load(Ordering::Acquire)
    }

    pub(crate) fn bump_version(&self) {
        self.0.data.version_counter().fetch_add(1, Ordering::AcqRel);
    }

    /// True when both handles are the same tensor.
    pub fn same(&self, other: &Tensor) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// True when both tensors share one element buffer (one is a detached alias of the other).
    pub fn shares_data(&self, other: &Tensor) -> bool {
        triomphe::Arc::ptr_eq(&self.0.data, &other.0.data)
    }

    /// A stable identifier of this tensor (its address), for hashing and debugging.
    pub fn id(&self) -> usize {
        Arc::as_ptr(&self.0) as usize
    }

    pub(crate) fn meta(&self) -> MetaGuard<'_> {
        MetaGuard {
            meta: self.0.meta.lock(),
            published: &self.0.requires_grad,
        }
    }

    /// Whether gradients flow to this tensor (a leaf marked with
    /// [`requires_grad_`](Self::requires_grad_), or the result of an op on one).
    pub fn requires_grad(&self) -> bool {
        self.sync_view_history();
        self.0.requires_grad.load(Ordering::Acquire)
    }

    /// Whether this tensor was made in inference mode.
    pub fn is_inference(&self) -> bool {
        self.0.inference
    }

    /// Whether the tensor has no `grad_fn` (made by the user, not by a recorded op). Only
    /// leaves that require grad get `.grad` filled by backward.
    pub fn is_leaf(&self) -> bool {
        self.sync_view_history();
        self.meta().grad_fn.is_none()
    }

    /// Which output of its `grad_fn` node this tensor is (0 for single-output ops).
    pub fn output_nr(&self) -> u32 {
        self.meta().output_nr
    }

    /// The node that produced this tensor, if it was recorded.
    pub fn grad_fn(&self) -> Option<NodeHandle> {
        self.sync_view_history();
        self.meta().grad_fn.clone().map(NodeHandle)
    }

    /// Turns gradient tracking on or off for a leaf (`requires_grad_()`).
    pub fn set_requires_grad(&self, requires_grad: bool) -> Result<&Tensor> {
        if requires_grad && !self.dtype().is_floating() {
            return Err(Error::Autograd(
                "only Tensors of floating point dtype can require gradients".into(),
            ));
        }
        let mut meta = self.meta();
        if meta.grad_fn.is_some() {
            if !requires_grad {
                return Err(Error::Autograd(
                    "you can only change requires_grad flags of leaf variables. If you want to use a computed \
                     variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."
                        .into(),
                ));
            }
            return Ok(self);
        }
        meta.requires_grad = requires_grad;
        if !requires_grad {
            meta.accumulator = None;
        }
        Ok(self)
    }

    /// Builder form of `set_requires_grad(true)` for Rust users.
    pub fn requires_grad_(self) -> Result<Tensor> {
        self.set_requires_grad(true)?;
        Ok(self)
    }

    /// Where gradients for this tensor go: its `grad_fn`, or the `AccumulateGrad` node of a leaf
    /// (created on first use). `None` when it does not require grad.
    pub(crate) fn gradient_edge(&self) -> Option<(NodeRef, u32)> {
        self.sync_view_history();
        let mut meta = self.meta();
        if let Some(node) = &meta.grad_fn {
            return Some((node.clone(), meta.output_nr));
        }
        if !meta.requires_grad {
            return None;
        }
        if meta.accumulator.is_none() {
            meta.accumulator = Some(crate::autograd::new_accumulator(self));
        }
        meta.accumulator.clone().map(|node| (node, 0))
    }

    /// `gradient_edge` without taking a new reference to the node (no arena lock when the node
    /// exists): for recording, where the borrowed tensor keeps the node alive until the new node
    /// holds its own reference.
    #[inline]
    pub(crate) fn gradient_edge_id(&self) -> Option<(crate::autograd::arena::NodeId, u32)> {
        // A tensor with a `grad_fn` always requires grad, so this lock-free read settles the
        // common case of a constant operand.
        if !self.requires_grad() {
            return None;
        }
        let mut meta = self.meta();
        if let Some(node) = &meta.grad_fn {
            return Some((node.id(), meta.output_nr));
        }
        if !meta.requires_grad {
            return None;
        }
        if meta.accumulator.is_none() {
            meta.accumulator = Some(crate::autograd::new_accumulator(self));
        }
        meta.accumulator.as_ref().map(|node| (node.id(), 0))
    }

    /// The accumulated gradient of a leaf (or, after `retain_grad()`, of a non-leaf).
    pub fn grad(&self) -> Option<Tensor> {
        let meta = self.meta();
        if meta.grad_fn.is_some() {
            return meta.retained_grad.clone();
        }
        let node = meta.accumulator.as_ref()?;
        match &arena::lock().get(node.id()).kind {
            NodeKind::AccumulateGrad { grad } => grad.clone(),
            _ => None,
        }
    }

    /// Replaces `.grad` (`None` clears it). The new gradient must match shape and device.
    pub fn set_grad(&self, grad: Option<Tensor>) -> Result<()> {
        if let Some(g) = &grad {
            if g.shape() != self.shape() {
                return Err(Error::Shape(format!(
                    "assigned grad has data of a different size: expected {:?}, got {:?}",
                    self.shape().as_slice(),
                    g.shape().as_slice()
                )));
            }
            if g.dtype() != self.dtype() {
                return Err(Error::DType(format!(
                    "assigned grad has data of a different type: expected {}, got {}",
                    self.dtype(),
                    g.dtype()
                )));
            }
            if g.device() != self.device() {
                return Err(Error::Device(format!(
                    "assigned grad has data located on a different device: expected {}, got {}",
                    self.device(),
                    g.device()
                )));
            }
        }
        let mut meta = self.meta();
        if meta.grad_fn.is_some() {
            meta.retained_grad = grad;
            return Ok(());
        }
        if grad.is_none() && meta.accumulator.is_none() {
            return Ok(());
        }
        if meta.accumulator.is_none() {
            meta.accumulator = Some(crate::autograd::new_accumulator(self));
        }
        let node = meta.accumulator.clone().expect("just set");
        drop(meta);
        let old = match &mut arena::lock().get_mut(node.id()).kind {
            NodeKind::AccumulateGrad { grad: slot } => std::mem::replace(slot, grad),
            _ => None,
        };
        drop(old);
        Ok(())
    }

    /// A new tensor sharing this tensor's elements and place in the graph (gradients reach the
    /// same node or leaf slot), without its tangent: dual tensors and their primals.
    pub(crate) fn alias(&self) -> Tensor {
        let _ = self.gradient_edge(); // a leaf's `AccumulateGrad` must exist before it is shared
        let copy = self.meta().history();
        Tensor(Arc::new(TensorCell::new(
            self.0.data.clone(),
            copy,
            self.0.inference,
        )))
    }

    /// A new leaf sharing this tensor's elements (and version counter), outside any graph; an
    /// inference tensor's stays one (as in PyTorch).
    pub fn detach(&self) -> Tensor {
        Tensor(Arc::new(TensorCell::new(
            self.0.data.clone(),
            Meta::default(),
            self.0.inference,
        )))
    }

    /// A new tensor of `array` with this tensor's history and inference flag (see `Meta::history`).
    pub(crate) fn with_history_of(array: NdArray, of: &Tensor, meta: Meta) -> Tensor {
        Self::assemble(array, meta, of.0.inference)
    }

    /// Detaches this tensor from its graph in place: it becomes a leaf that does not require grad.
    pub fn detach_(&self) {
        let old = std::mem::take(&mut *self.meta());
        drop(old);
    }

    /// Replaces this tensor's array (shape, dtype and storage may change: `.data = ...`); bumps
    /// the version. Not recorded.
    pub(crate) fn set_data_raw(&self, array: NdArray) {
        let mut current = self.write();
        self.0.data.numel.store(array.numel(), Ordering::Release);
        *current = array;
        drop(current);
        self.bump_version();
    }

    /// Replaces the elements, as `.data = ...` does: shape and dtype may change, and the
    /// tensor then shares `other`'s storage. Not recorded.
    pub fn set_data(&self, other: &Tensor) {
        self.set_data_raw(other.data());
    }

    /// Moves the storage this tensor views (shared with its base and every view of it) into the
    /// memory at `ptr`, which `owner` keeps valid, so that all of them see that memory from now
    /// on (`share_memory_`: shared memory). `Ok(false)` when it was moved before (it moves at
    /// most once). Errors for a device tensor, or memory of another size or alignment.
    ///
    /// # Safety
    /// `ptr` must point at `bytes` writeable bytes that stay valid while `owner` lives.
    pub unsafe fn move_storage_to(
        &self,
        ptr: *mut u8,
        bytes: usize,
        owner: Box<dyn std::any::Any + Send + Sync>,
    ) -> Result<bool> {
        let array = self.shared_data();
        let crate::array::Storage::Cpu(buffer) = array.storage() else {
            return Err(Error::Unsupported(format!(
                "share_memory_: only CPU tensors can be moved to shared memory, not {}",
                array.device()
            )));
        };
        let needed = buffer.len() * buffer.dtype().size_in_bytes();
        if bytes != needed || !(ptr as usize).is_multiple_of(buffer.dtype().size_in_bytes().max(1))
        {
            return Err(Error::Value(format!(
                "share_memory_: the new memory must hold {needed} aligned bytes, got {bytes}"
            )));
        }
        Ok(buffer.move_to(ptr, owner).is_ok())
    }

    /// Writes `values` (broadcast, same dtype and device) into this tensor's elements in place:
    /// every view of the same storage sees them. Bumps the version; not recorded.
    pub(crate) fn write_elements(&self, values: &NdArray) -> Result<()> {
        let mut array = self.write();
        let replaceable = !array.storage_is_shared()
            && !self.is_view()
            && values.is_contiguous()
            && !values.storage_is_shared();
        if replaceable
            && values.shape() == array.shape()
            && values.dtype() == array.dtype()
            && values.device() == array.device()
        {
            // Nothing else sees either storage: taking the new one is the same as copying it.
            *array = values.clone();
        } else {
            crate::kernels::copy_into(&mut array, values)?;
        }
        drop(array);
        self.bump_version();
        Ok(())
    }

    /// After an in-place operation recorded as `result` (whose elements this tensor now
    /// holds), this tensor takes `result`'s place in the graph.
    pub fn rebase_onto(&self, result: Tensor) {
        let (grad_fn, output_nr, requires_grad) = {
            let mut meta = result.meta();
            (meta.grad_fn.take(), meta.output_nr, meta.requires_grad)
        };
        self.take_history(grad_fn, output_nr, requires_grad);
    }

    /// Whether [`retain_grad`](Self::retain_grad) was called on this non-leaf.
    pub fn retains_grad(&self) -> bool {
        self.meta().retains_grad
    }

    pub(crate) fn set_retained_grad(&self, grad: Tensor) -> Result<()> {
        let previous = self.meta().retained_grad.take();
        let new = match previous {
            None => grad.detach_copy(),
            Some(old) => crate::autograd::mode::no_grad(|| old.detach_copy().add(&grad))?,
        };
        self.meta().retained_grad = Some(new);
        Ok(())
    }

    /// A leaf with its own cell (and no graph) holding these elements: this tensor's own
    /// storage when nothing else shares it, else a copy (writes to the result must not reach
    /// any other tensor, as they would through a shared storage).
    pub(crate) fn detach_copy(&self) -> Tensor {
        // Asked before taking the array: the taken copy would count as a second holder.
        let alone = self.owns_its_elements_alone();
        let array = self.data();
        if alone {
            return Tensor::from_array(array);
        }
        Tensor::from_array(crate::kernels::materialize(&array).unwrap_or(array))
    }

    /// Whether nothing but this handle reaches its (contiguous) elements, so that writing them
    /// in place changes no other tensor: no other handle to this tensor (a user's `g` given to
    /// `backward(g)`, a hook's), no detached alias, no view, no other array on the storage.
    pub(crate) fn owns_its_elements_alone(&self) -> bool {
        if Arc::strong_count(&self.0) > 1
            || triomphe::Arc::count(&self.0.data) > 1
            || self.is_view()
        {
            return false;
        }
        let array = self.read();
        !array.storage_is_shared() && array.is_contiguous()
    }

    pub(crate) fn mark_retains_grad(&self) {
        self.meta().retains_grad = true;
    }
}

impl fmt::Debug for Tensor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let data = self.data();
        write!(
            f,
            "Tensor(shape={:?}, dtype={}, device={}",
            data.shape(),
            data.dtype(),
            data.device()
        )?;
        if data.device().is_cpu() && data.numel() <= 16 {
            if let Ok(values) = data.to_f64_vec() {
                write!(f, ", values={values:?}")?;
            }
        }
        if self.requires_grad() {
            write!(f, ", requires_grad=true")?;
        }
        f.write_str(")")
    }
}
