//! Basic indexing (`t[i]`, `t[a:b:s]`, `t[None]`, `t[...]`) as strided views, and index assignment.

use smallvec::smallvec;

use crate::array::shape::{contiguous_strides, Dims, Strides};
use crate::autograd::rules::Op;
use crate::error::{Error, Result};
use crate::kernels;
use crate::tensor::{record, Tensor};

/// A strided window onto a contiguous array: element `i` of the view is
/// `flat[offset + Σ i_k · strides_k]`.
#[derive(Clone, Debug, PartialEq)]
pub struct StridedView {
    pub shape: Dims,
    pub strides: Strides,
    pub offset: isize,
}

/// One entry of an index expression.
#[derive(Clone, Debug)]
pub enum IndexItem {
    Int(i64),
    Slice {
        start: Option<i64>,
        stop: Option<i64>,
        step: i64,
    },
    NewAxis,
    Ellipsis,
}

/// The view selected by `items` on an array of `shape`.
pub fn view_for_index(shape: &[usize], items: &[IndexItem]) -> Result<StridedView> {
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
    let strides = contiguous_strides(shape);
    let mut view = StridedView {
        shape: Dims::new(),
        strides: Strides::new(),
        offset: 0,
    };
    let mut dim = 0usize;
    for item in items {
        match *item {
            IndexItem::NewAxis => {
                view.shape.push(1);
                view.strides.push(0);
            }
            IndexItem::Ellipsis => {
                let skip = shape.len() - consumed;
                for _ in 0..skip {
                    view.shape.push(shape[dim]);
                    view.strides.push(strides[dim]);
                    dim += 1;
                }
            }
            IndexItem::Int(i) => {
                let size = shape[dim] as i64;
                let j = if i < 0 { i + size } else { i };
                if j < 0 || j >= size {
                    return Err(Error::Index(format!(
                        "index {i} is out of bounds for dimension {dim} with size {size}"
                    )));
                }
                view.offset += j as isize * strides[dim];
                dim += 1;
            }
            IndexItem::Slice { start, stop, step } => {
                if step <= 0 {
                    return Err(Error::Value("step must be greater than zero".into()));
                }
                let size = shape[dim] as i64;
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
                view.offset += lo as isize * strides[dim];
                view.shape.push(len as usize);
                view.strides.push(step as isize * strides[dim]);
                dim += 1;
            }
        }
    }
    for d in dim..shape.len() {
        view.shape.push(shape[d]);
        view.strides.push(strides[d]);
    }
    Ok(view)
}

impl Tensor {
    /// `self[items]` (a copy of the selected elements; the gradient lands at their positions).
    pub fn index(&self, items: &[IndexItem]) -> Result<Tensor> {
        let view = view_for_index(&self.shape(), items)?;
        let name = if items.iter().any(|i| matches!(i, IndexItem::Slice { .. })) {
            "SliceBackward0"
        } else if items.iter().any(|i| matches!(i, IndexItem::Int(_))) {
            "SelectBackward0"
        } else {
            "UnsqueezeBackward0"
        };
        self.strided(view, name)
    }

    /// `self` with `src` (broadcast) written into the view; out of place, recorded as
    /// `CopySlices`.
    pub(crate) fn strided_assigned(&self, view: StridedView, src: &Tensor) -> Result<Tensor> {
        let mut out = self.data();
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
        if out.device().is_cpu() {
            kernels::strided_assign(&mut out, &value, &view.shape, &view.strides, view.offset)?;
        } else {
            // Device arrays: write through the host (a backend kernel can replace this later).
            let mut host = out.to_device(crate::Device::Cpu)?;
            kernels::strided_assign(
                &mut host,
                &value.to_device(crate::Device::Cpu)?,
                &view.shape,
                &view.strides,
                view.offset,
            )?;
            out = host.to_device(self.device())?;
        }
        record(
            Op::CopySlices(Box::new(view)),
            &[self, src],
            out,
            |_| smallvec![],
        )
    }

    /// `self[items] = value`, in place.
    pub fn index_put(&self, items: &[IndexItem], value: &Tensor) -> Result<()> {
        let view = view_for_index(&self.shape(), items)?;
        self.apply_inplace(|snapshot| snapshot.strided_assigned(view.clone(), value))
    }
}
