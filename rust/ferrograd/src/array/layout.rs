//! `Layout`: how an array's elements sit in its storage — shape, strides (in elements) and the
//! offset of the first element. Views are new layouts over the same storage; the functions
//! here compute them without touching any element.

use smallvec::SmallVec;

use super::shape::{contiguous_strides, numel, Dims, Strides};
use crate::error::{Error, Result};

/// How an array's elements sit in its storage: shape, strides in elements (possibly 0 or
/// negative) and the offset of the first element. Every view is a new layout over the same
/// storage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    shape: Dims,
    strides: Strides,
    offset: usize,
    /// Row-major with no gaps (PyTorch's `is_contiguous`): cached, every kernel asks it.
    contiguous: bool,
}

/// PyTorch's contiguity rule: strides of size-1 dimensions do not matter, nor anything for an
/// empty array.
pub(crate) fn is_row_major(shape: &[usize], strides: &[isize]) -> bool {
    if numel(shape) == 0 {
        return true;
    }
    let mut expected = 1isize;
    for (&d, &s) in shape.iter().zip(strides).rev() {
        if d != 1 {
            if s != expected {
                return false;
            }
            expected *= d as isize;
        }
    }
    true
}

impl Layout {
    /// A row-major layout of `shape` starting at `offset`.
    pub fn contiguous(shape: &[usize], offset: usize) -> Layout {
        Layout {
            shape: Dims::from_slice(shape),
            strides: contiguous_strides(shape),
            offset,
            contiguous: true,
        }
    }

    /// A layout from its parts, as given (not checked against any storage).
    pub fn new(shape: Dims, strides: Strides, offset: usize) -> Layout {
        debug_assert_eq!(shape.len(), strides.len());
        let contiguous = is_row_major(&shape, &strides);
        Layout {
            shape,
            strides,
            offset,
            contiguous,
        }
    }

    /// The size of each dimension.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// The step in elements between neighbours along each dimension.
    pub fn strides(&self) -> &[isize] {
        &self.strides
    }

    /// The position of the first element in the storage.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The number of dimensions.
    pub fn ndim(&self) -> usize {
        self.shape.len()
    }

    /// The number of elements (the product of the shape; 1 for a 0-d layout).
    pub fn numel(&self) -> usize {
        numel(&self.shape)
    }

    /// Whether the elements are row-major with no gaps (PyTorch's `is_contiguous`).
    pub fn is_contiguous(&self) -> bool {
        self.contiguous
    }

    /// The storage positions the layout touches, as a half-open range (empty when it has no
    /// elements); `None` when a position would be negative or overflow.
    pub fn span(&self) -> Option<std::ops::Range<usize>> {
        if self.numel() == 0 {
            return Some(self.offset..self.offset);
        }
        let (mut lo, mut hi) = (self.offset as i128, self.offset as i128);
        for (&d, &s) in self.shape.iter().zip(&self.strides) {
            let reach = (d as i128 - 1) * s as i128;
            if reach < 0 {
                lo += reach;
            } else {
                hi += reach;
            }
        }
        (lo >= 0 && hi < usize::MAX as i128).then(|| lo as usize..hi as usize + 1)
    }

    /// An `Index` error unless every position lies inside a storage of `len` elements.
    pub fn check_within(&self, len: usize) -> Result<()> {
        match self.span() {
            Some(span) if span.is_empty() || span.end <= len => Ok(()),
            _ => Err(Error::Index(format!(
                "setStorage: sizes {:?}, strides {:?}, storage offset {} requiring a storage of more elements \
                 than the {len} available (out of bounds for storage of size {len})",
                self.shape.as_slice(),
                self.strides.as_slice(),
                self.offset
            ))),
        }
    }

    /// The dimensions reordered: dimension `i` of the result is dimension `order[i]` of this one.
    pub fn permuted(&self, order: &[usize]) -> Layout {
        Layout::new(
            order.iter().map(|&d| self.shape[d]).collect(),
            order.iter().map(|&d| self.strides[d]).collect(),
            self.offset,
        )
    }

    /// Dimension `dim` cut to `len` entries, every `step`-th from `start`.
    pub fn sliced(&self, dim: usize, start: usize, len: usize, step: usize) -> Layout {
        let mut out = self.clone();
        if len > 0 {
            out.offset = (self.offset as isize + start as isize * self.strides[dim]) as usize;
        }
        out.shape[dim] = len;
        out.strides[dim] *= step as isize;
        Layout::new(out.shape, out.strides, out.offset)
    }

    /// Entry `index` of dimension `dim`, which disappears.
    pub fn selected(&self, dim: usize, index: usize) -> Layout {
        let mut out = self.clone();
        out.offset = (self.offset as isize + index as isize * self.strides[dim]) as usize;
        out.shape.remove(dim);
        out.strides.remove(dim);
        Layout::new(out.shape, out.strides, out.offset)
    }

    /// A new dimension of size 1 at `dim`.
    pub fn unsqueezed(&self, dim: usize) -> Layout {
        let mut out = self.clone();
        // The stride a contiguous tensor would have there (PyTorch's choice; it is never stepped).
        let stride = if dim < self.ndim() {
            self.strides[dim] * self.shape[dim] as isize
        } else {
            1
        };
        out.shape.insert(dim, 1);
        out.strides.insert(dim, stride);
        Layout::new(out.shape, out.strides, out.offset)
    }

    /// The dimensions in `drop` (all of size 1) removed.
    pub fn without_dims(&self, drop: &[usize]) -> Layout {
        let keep = |i: &usize| !drop.contains(i);
        Layout::new(
            (0..self.ndim())
                .filter(keep)
                .map(|i| self.shape[i])
                .collect(),
            (0..self.ndim())
                .filter(keep)
                .map(|i| self.strides[i])
                .collect(),
            self.offset,
        )
    }

    /// Broadcast to `shape` (as many or more dimensions; sizes equal, or 1 here): the new and
    /// the size-1 dimensions get stride 0.
    pub fn expanded(&self, shape: &[usize]) -> Layout {
        let lead = shape.len() - self.ndim();
        let strides = (0..shape.len())
            .map(|i| {
                if i < lead || self.shape[i - lead] != shape[i] {
                    0
                } else {
                    self.strides[i - lead]
                }
            })
            .collect();
        Layout::new(Dims::from_slice(shape), strides, self.offset)
    }

    /// The diagonal of dimensions `d1` and `d2` (`diagonal` offset `k`: above the main one when
    /// positive), as a last dimension.
    pub fn diagonal(&self, k: isize, d1: usize, d2: usize) -> Layout {
        let (rows, cols) = (self.shape[d1] as isize, self.shape[d2] as isize);
        let len = if k >= 0 {
            (cols - k).min(rows)
        } else {
            (rows + k).min(cols)
        }
        .max(0) as usize;
        let mut offset = self.offset as isize;
        if len > 0 {
            offset += if k >= 0 {
                k * self.strides[d2]
            } else {
                -k * self.strides[d1]
            };
        }
        let keep = |i: &usize| *i != d1 && *i != d2;
        let mut shape: Dims = (0..self.ndim())
            .filter(keep)
            .map(|i| self.shape[i])
            .collect();
        let mut strides: Strides = (0..self.ndim())
            .filter(keep)
            .map(|i| self.strides[i])
            .collect();
        shape.push(len);
        strides.push(self.strides[d1] + self.strides[d2]);
        Layout::new(shape, strides, offset as usize)
    }

    /// Windows of `size` along `dim`, `step` apart, as a new last dimension (`Tensor.unfold`).
    pub fn unfolded(&self, dim: usize, size: usize, step: usize) -> Layout {
        let (mut shape, mut strides) = (self.shape.clone(), self.strides.clone());
        let count = if self.ndim() == 0 {
            1
        } else {
            (self.shape[dim] - size) / step + 1
        };
        let stride = if self.ndim() == 0 {
            1
        } else {
            self.strides[dim]
        };
        if self.ndim() > 0 {
            shape[dim] = count;
            strides[dim] = stride * step as isize;
        }
        shape.push(size);
        strides.push(stride);
        Layout::new(shape, strides, self.offset)
    }

    /// The same elements under `shape` without a copy, when the strides allow it (PyTorch's
    /// `view` rule: each run of dimensions that are contiguous with each other may be split
    /// and merged freely, but not merged with another run).
    pub fn reshaped(&self, shape: &[usize]) -> Option<Layout> {
        if self.contiguous {
            return Some(Layout::contiguous(shape, self.offset));
        }
        let strides = view_strides(&self.shape, &self.strides, shape)?;
        Some(Layout::new(Dims::from_slice(shape), strides, self.offset))
    }
}

/// The strides that give the elements of `(old, old_strides)` in row-major order under the
/// shape `new` (of as many elements), or `None` when no strides do.
fn view_strides(old: &[usize], old_strides: &[isize], new: &[usize]) -> Option<Strides> {
    if numel(old) == 0 || old.is_empty() {
        return Some(contiguous_strides(new));
    }
    let mut strides: Strides = SmallVec::from_elem(0, new.len());
    let mut next_new = new.len();
    // Walk the old dimensions from the last, in runs whose elements are evenly spaced
    // (`run_stride` apart); each run must be covered exactly by consecutive new dimensions.
    let mut run_stride = *old_strides.last()?;
    let (mut run_numel, mut covered) = (1usize, 1usize);
    for d in (0..old.len()).rev() {
        run_numel *= old[d];
        let run_ends =
            d == 0 || (old[d - 1] != 1 && old_strides[d - 1] != run_numel as isize * run_stride);
        if !run_ends {
            continue;
        }
        while next_new > 0 && (covered < run_numel || new[next_new - 1] == 1) {
            next_new -= 1;
            strides[next_new] = covered as isize * run_stride;
            covered *= new[next_new];
        }
        if covered != run_numel {
            return None;
        }
        if d > 0 {
            run_stride = old_strides[d - 1];
            run_numel = 1;
            covered = 1;
        }
    }
    (next_new == 0).then_some(strides)
}

/// A strided window onto a contiguous array: element `i` of the view is
/// `flat[offset + Σ i_k · strides_k]`.
#[derive(Clone, Debug, PartialEq)]
pub struct StridedView {
    /// The view's shape.
    pub shape: Dims,
    /// The step in the flat array between neighbours along each dimension.
    pub strides: Strides,
    /// The position of the view's first element in the flat array.
    pub offset: isize,
}

impl StridedView {
    /// The view a layout describes (over row-major elements when the layout was made from
    /// `Layout::contiguous`).
    pub fn of(layout: &Layout) -> StridedView {
        StridedView {
            shape: layout.shape().into(),
            strides: layout.strides().into(),
            offset: layout.offset() as isize,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(shape: &[usize], strides: &[isize], offset: usize) -> Layout {
        Layout::new(
            Dims::from_slice(shape),
            Strides::from_slice(strides),
            offset,
        )
    }

    #[test]
    fn contiguity_ignores_size_one_dimensions() {
        assert!(layout(&[2, 1, 3], &[3, 99, 1], 0).is_contiguous());
        assert!(!layout(&[3, 2], &[1, 3], 0).is_contiguous());
        assert!(layout(&[0, 5], &[7, 7], 4).is_contiguous());
    }

    #[test]
    fn reshape_of_a_transpose_is_a_view_only_where_pytorch_allows() {
        let t = Layout::contiguous(&[2, 3], 0).permuted(&[1, 0]);
        assert!(t.reshaped(&[6]).is_none());
        let s = t.reshaped(&[3, 2, 1]).unwrap();
        assert_eq!(s.strides(), &[1, 3, 3]);
        // [4, 6] cut to its first 3 columns: rows stay separate runs.
        let sliced = Layout::contiguous(&[4, 6], 0).sliced(1, 0, 3, 1);
        assert_eq!(sliced.reshaped(&[2, 2, 3]).unwrap().strides(), &[12, 6, 1]);
        assert!(sliced.reshaped(&[12]).is_none());
        // Every other column: evenly spaced, so one run.
        let stepped = Layout::contiguous(&[4, 6], 0).sliced(1, 0, 3, 2);
        assert_eq!(stepped.reshaped(&[12]).unwrap().strides(), &[2]);
    }

    #[test]
    fn diagonal_and_unfold_strides() {
        let d = Layout::contiguous(&[3, 4], 0).diagonal(1, 0, 1);
        assert_eq!(
            (d.shape(), d.strides(), d.offset()),
            (&[3usize][..], &[5isize][..], 1)
        );
        let u = Layout::contiguous(&[7], 0).unfolded(0, 3, 2);
        assert_eq!(
            (u.shape(), u.strides()),
            (&[3usize, 3][..], &[2isize, 1][..])
        );
    }

    #[test]
    fn span_bounds_are_checked() {
        assert!(layout(&[2, 2], &[2, 1], 1).check_within(4).is_err());
        assert!(layout(&[2, 2], &[2, 1], 0).check_within(4).is_ok());
        assert!(layout(&[0], &[1], 100).check_within(4).is_ok());
    }
}
