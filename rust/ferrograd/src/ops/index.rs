//! Basic indexing (`t[i]`, `t[a:b:s]`, `t[None]`, `t[...]`) as strided views, and index assignment.

use smallvec::smallvec;

use crate::array::{Layout, StridedView};
use crate::autograd::rules::Op;
use crate::error::{Error, Result};
use crate::kernels;
use crate::tensor::{record, Tensor};

/// One entry of an index expression.
#[derive(Clone, Debug)]
pub enum IndexItem {
    /// One position (negative counts from the end); removes the dimension, as `x[i]`.
    Int(i64),
    /// A range `start:stop:step` (bounds clamped, negative ones count from the end), as `x[a:b:s]`.
    Slice {
        /// The first position (`None`: from the start).
        start: Option<i64>,
        /// The position after the last (`None`: to the end).
        stop: Option<i64>,
        /// The step (positive).
        step: i64,
    },
    /// A new dimension of size 1, as `x[None]`.
    NewAxis,
    /// As many full slices as the dimensions not indexed otherwise, as `x[...]`.
    Ellipsis,
}

/// The layout `items` select from `layout` (ints drop a dimension, slices cut and step one,
/// `None` inserts one, `...` stands for the dimensions no other item names).
pub fn index_layout(layout: &Layout, items: &[IndexItem]) -> Result<Layout> {
    let shape = layout.shape();
    let consumed = items
        .iter()
        .filter(|i| matches!(i, IndexItem::Int(_) | IndexItem::Slice { .. }))
        .count();
    let ellipses = items
        .iter()
        .filter(|i| matches!(i, IndexItem::Ellipsis))
        .count();
    if ellipses > 1 {
        return Err(Error::Index(
            "an index can only have a single ellipsis ('...')".into(),
        ));
    }
    if consumed > shape.len() {
        return Err(Error::Index(format!(
            "too many indices for tensor of dimension {} (got {consumed})",
            shape.len()
        )));
    }
    let mut out = layout.clone();
    // `dim` walks the result's dimensions, `source` the indexed tensor's.
    let (mut dim, mut source) = (0usize, 0usize);
    for item in items {
        match *item {
            IndexItem::NewAxis => {
                out = out.unsqueezed(dim);
                dim += 1;
            }
            IndexItem::Ellipsis => {
                let skip = shape.len() - consumed;
                dim += skip;
                source += skip;
            }
            IndexItem::Int(i) => {
                let size = shape[source] as i64;
                let j = if i < 0 { i + size } else { i };
                if j < 0 || j >= size {
                    return Err(Error::Index(format!(
                        "index {i} is out of bounds for dimension {source} with size {size}"
                    )));
                }
                out = out.selected(dim, j as usize);
                source += 1;
            }
            IndexItem::Slice { start, stop, step } => {
                if step <= 0 {
                    return Err(Error::Value("step must be greater than zero".into()));
                }
                let size = shape[source] as i64;
                let clamp = |v: i64| {
                    if v < 0 {
                        (v + size).max(0)
                    } else {
                        v.min(size)
                    }
                };
                let lo = start.map_or(0, clamp);
                let hi = stop.map_or(size, clamp);
                let len = if hi > lo {
                    (hi - lo + step - 1) / step
                } else {
                    0
                };
                out = out.sliced(dim, lo as usize, len as usize, step as usize);
                dim += 1;
                source += 1;
            }
        }
    }
    Ok(out)
}

impl Tensor {
    /// `self[items]`: a view of the selected elements (the gradient lands at their positions).
    pub fn index(&self, items: &[IndexItem]) -> Result<Tensor> {
        index_layout(self.read().layout(), items)?;
        let name = if items.iter().any(|i| matches!(i, IndexItem::Slice { .. })) {
            "SliceBackward0"
        } else if items.iter().any(|i| matches!(i, IndexItem::Int(_))) {
            "SelectBackward0"
        } else {
            "UnsqueezeBackward0"
        };
        self.strided_view(name, |l| index_layout(l, items).expect("checked above"))
    }

    /// `self` with `src` (broadcast) written into the view (of its row-major elements); out of
    /// place, recorded as `CopySlices`.
    pub(crate) fn strided_assigned(&self, view: StridedView, src: &Tensor) -> Result<Tensor> {
        let mut out = kernels::materialize(&self.read())?;
        out.share_elements();
        let value = src.data_as(out.dtype())?;
        crate::array::shape::broadcast_shapes(&view.shape, value.shape()).and_then(|b| {
            if b.as_slice() == view.shape.as_slice() {
                Ok(())
            } else {
                Err(Error::Shape(format!(
                    "shape mismatch: value tensor of shape {:?} cannot be broadcast to indexing result of shape {:?}",
                    value.shape(),
                    view.shape.as_slice()
                )))
            }
        })?;
        let mut target = out.view(Layout::new(
            view.shape.clone(),
            view.strides.clone(),
            view.offset as usize,
        ))?;
        kernels::copy_into(&mut target, &value)?;
        record(
            Op::CopySlices(Box::new(view)),
            &[self, src],
            out,
            |_| smallvec![],
        )
    }

    /// `self[items] = value`, in place: `value` is copied into the view `self[items]`.
    pub fn index_put(&self, items: &[IndexItem], value: &Tensor) -> Result<()> {
        self.index(items)?.copy_(value)
    }
}
