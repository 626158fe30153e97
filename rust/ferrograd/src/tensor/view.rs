//! Views: tensors whose elements are another tensor's storage seen through a new layout.
//!
//! A view has its own `DataCell` (its layout) over its base's storage, shares its base's version
//! counter, and keeps the base tensor (`_base`). Its `grad_fn` is a strided-view node over the
//! base's history. When that history changes (an in-place operation on the base or on any view
//! of it rewrites the base's `grad_fn`, see `rewrite_base_history`), the view's node is made
//! again from the base's new history the next time it is asked for (`sync_view_history`), as
//! PyTorch regenerates a view's `grad_fn` when its version counter moved.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use parking_lot::RwLock;
use smallvec::smallvec;

use super::{record, DataCell, Meta, Tensor, TensorCell, ViewOf};
use crate::array::{Layout, NdArray};
use crate::autograd::mode::{is_grad_enabled, is_inference_mode_enabled, GradModeGuard};
use crate::autograd::rules::{ClassName, Op, StridedOf};
use crate::error::{Error, Result};
use crate::ops::StridedView;

impl Tensor {
    /// The tensor this one is a view of (PyTorch's `_base`; `None` for a tensor that is not a
    /// view).
    pub fn base(&self) -> Option<Tensor> {
        self.0.view.as_ref().map(|v| v.base.clone())
    }

    /// Whether this tensor is a view of another tensor's elements (see [`base`](Self::base)).
    pub fn is_view(&self) -> bool {
        self.0.view.is_some()
    }

    /// The tensor whose storage and history a view of this one belongs to.
    fn root(&self) -> Tensor {
        self.base().unwrap_or_else(|| self.clone())
    }

    /// The array of a new view of this tensor: its storage seen through `layout` (computed from
    /// this tensor's layout). Inline elements move to a shared buffer first.
    pub(crate) fn view_array(&self, layout: impl FnOnce(&Layout) -> Layout) -> Result<NdArray> {
        let mut array = self.write();
        array.share_elements();
        let new = layout(array.layout());
        array.view(new)
    }

    /// A view of this tensor through the layout `layout` makes of its own, recorded as the
    /// strided view `name` (its gradient is scattered back through the same layout made on a
    /// contiguous tensor of this shape).
    pub(crate) fn strided_view(
        &self,
        name: &'static str,
        layout: impl Fn(&Layout) -> Layout,
    ) -> Result<Tensor> {
        let input_shape = self.shape();
        let logical = layout(&Layout::contiguous(&input_shape, 0));
        let array = self.view_array(layout)?;
        let op = Op::Strided(Box::new(StridedOf {
            name,
            view: StridedView::of(&logical),
            input_shape,
        }));
        self.wrap_view(op, array)
    }

    /// A view of this tensor under another shape with the same elements in the same order
    /// (`view`, `unsqueeze`, `squeeze`, `flatten`, ...): its gradient is reshaped back.
    pub(crate) fn reshape_view(
        &self,
        name: ClassName,
        layout: impl FnOnce(&Layout) -> Layout,
    ) -> Result<Tensor> {
        let array = self.view_array(layout)?;
        self.wrap_view(Op::Reshape { name }, array)
    }

    /// Records `op` (a view op) on this tensor with `array` as its output, and makes the
    /// result a view of this tensor's base.
    pub(crate) fn wrap_view(&self, op: Op, array: NdArray) -> Result<Tensor> {
        let out = record(op, &[self], array, |_| smallvec![])?;
        Ok(out.into_view_of(&self.root()))
    }

    /// This freshly made tensor as a view of `base` (a tensor that is not a view).
    fn into_view_of(mut self, base: &Tensor) -> Tensor {
        let data = triomphe::Arc::new(DataCell {
            array: RwLock::new(self.data()),
            version: AtomicU32::new(0),
            numel: std::sync::atomic::AtomicUsize::new(self.numel()),
            base: Some(base.0.data.clone()),
        });
        let view = Box::new(ViewOf {
            base: base.clone(),
            tracks_history: is_grad_enabled() && !is_inference_mode_enabled(),
            synced_version: AtomicU32::new(base.version()),
        });
        if let Some(cell) = Arc::get_mut(&mut self.0) {
            cell.data = data;
            cell.view = Some(view);
            return self;
        }
        // Shared already (forward AD keeps recorded outputs): a new cell with the same history.
        let meta = std::mem::take(&mut *self.meta());
        let cell = TensorCell::new(data, meta, self.0.inference);
        Tensor(Arc::new(TensorCell {
            view: Some(view),
            ..cell
        }))
    }

    /// Brings a view's `grad_fn` up to date with its base's history when the shared version
    /// counter moved since it was last set (an in-place operation may have rewritten it).
    #[inline]
    pub(crate) fn sync_view_history(&self) {
        // Asked by every operation of each input (`requires_grad`): one field test for tensors
        // that are not views, the rest out of line.
        if self.0.view.is_some() {
            self.sync_view_history_now();
        }
    }

    #[inline(never)]
    fn sync_view_history_now(&self) {
        let Some(view) = self.0.view.as_deref() else {
            return;
        };
        if !view.tracks_history {
            return;
        }
        let now = self.version();
        if view.synced_version.swap(now, Ordering::AcqRel) == now || !view.base.requires_grad() {
            return;
        }
        if let Ok(node) = self.view_node_over(&view.base) {
            let old = {
                let mut meta = self.meta();
                meta.requires_grad = true;
                meta.output_nr = 0;
                std::mem::replace(&mut meta.grad_fn, node)
            };
            drop(old);
        }
    }

    /// A new strided-view node from `base`'s current history to this view's elements.
    fn view_node_over(&self, base: &Tensor) -> Result<Option<crate::autograd::arena::NodeRef>> {
        let view = self.view_within(base)?;
        let _grad = GradModeGuard::new(true);
        let op = Op::Strided(Box::new(StridedOf {
            name: "AsStridedBackward0",
            view,
            input_shape: base.shape(),
        }));
        let node = record(op, &[base], self.data(), |_| smallvec![])?;
        let grad_fn = node.meta().grad_fn.take();
        Ok(grad_fn)
    }

    /// Where this view's elements sit among its base's, as a strided view of the base's
    /// row-major elements (the base's own layout must be row-major for that to exist).
    fn view_within(&self, base: &Tensor) -> Result<StridedView> {
        let base_layout = base.read().layout().clone();
        let own = self.read().layout().clone();
        if !base_layout.is_contiguous() || own.offset() < base_layout.offset() {
            return Err(Error::Autograd(
                "in-place operation on a view of a non-contiguous tensor is not supported under autograd; \
                 call .contiguous() on the base first"
                    .into(),
            ));
        }
        Ok(StridedView {
            shape: own.shape().into(),
            strides: own.strides().into(),
            offset: (own.offset() - base_layout.offset()) as isize,
        })
    }

    /// After an in-place operation on this view recorded as `result`: the base's history
    /// becomes "the old base with `result` written over this view's elements" (`CopySlices`),
    /// and this view's `grad_fn` a view of that.
    pub(crate) fn rewrite_base_history(&self, result: &Tensor) -> Result<()> {
        let base = self.root();
        let view = self.view_within(&base)?;
        let old_history = {
            let meta = base.meta();
            let history = Meta {
                tangent: meta.tangent.clone(),
                ..meta.history()
            };
            drop(meta);
            Tensor::with_history_of(base.data(), &base, history)
        };
        let copied = record(
            Op::CopySlices(Box::new(view)),
            &[&old_history, result],
            base.data(),
            |_| smallvec![],
        )?;
        base.take_tangent_of(&copied);
        let (grad_fn, requires_grad) = {
            let mut meta = copied.meta();
            (meta.grad_fn.take(), meta.requires_grad)
        };
        if grad_fn.is_some() {
            base.take_history(grad_fn, 0, requires_grad);
        }
        if let Some(own) = self.0.view.as_deref() {
            own.synced_version.store(u32::MAX, Ordering::Release);
        }
        self.sync_view_history();
        Ok(())
    }

    /// Gives this tensor the place in the graph `grad_fn` (output `output_nr`).
    pub(crate) fn take_history(
        &self,
        grad_fn: Option<crate::autograd::arena::NodeRef>,
        output_nr: u32,
        requires_grad: bool,
    ) {
        let old = {
            let mut meta = self.meta();
            meta.requires_grad = requires_grad;
            meta.output_nr = output_nr;
            meta.retained_grad = None;
            std::mem::replace(&mut meta.grad_fn, grad_fn)
        };
        drop(old);
    }

    /// Whether this tensor requires grad and is a view whose base is a leaf (in-place on it is
    /// refused under grad mode, as in PyTorch). The base need not require grad itself: a view
    /// made a leaf by `requires_grad_()`, and the views taken of it, count too.
    pub(crate) fn is_grad_requiring_view_of_a_leaf(&self) -> bool {
        self.requires_grad()
            && self
                .0
                .view
                .as_deref()
                .is_some_and(|v| v.tracks_history && v.base.is_leaf())
    }
}
