//! Shapes, row-major strides and broadcasting.

use smallvec::SmallVec;

use crate::error::{Error, Result};

/// A shape or a stride list; four dimensions fit without a heap allocation.
pub type Dims = SmallVec<[usize; 4]>;
/// Strides in elements, one per dimension (inline up to 4 dimensions).
pub type Strides = SmallVec<[isize; 4]>;

/// The number of elements of `shape` (1 for `[]`).
pub fn numel(shape: &[usize]) -> usize {
    shape.iter().product()
}

/// The element count of `shape`, or a `Shape` error when it does not fit in memory addressing
/// (`isize::MAX` elements).
pub fn check_numel(shape: &[usize]) -> Result<usize> {
    shape
        .iter()
        .try_fold(1usize, |n, &d| n.checked_mul(d))
        .filter(|&n| n <= isize::MAX as usize)
        .ok_or_else(|| {
            Error::Shape(format!(
                "the shape {shape:?} has more elements than can be addressed"
            ))
        })
}

/// The element count of a tensor of `shape` whose elements take `itemsize` bytes, or a `Shape`
/// error (PyTorch's wording) when the size in bytes overflows what memory can address. Every
/// shape made from user input is checked so before anything is allocated or viewed.
pub fn check_storage(shape: &[usize], itemsize: usize) -> Result<usize> {
    shape
        .iter()
        .try_fold(1usize, |n, &d| n.checked_mul(d))
        .filter(|&n| {
            n.checked_mul(itemsize.max(1))
                .is_some_and(|bytes| bytes <= isize::MAX as usize)
        })
        .ok_or_else(|| {
            Error::Shape(format!(
                "Storage size calculation overflowed with sizes={shape:?}"
            ))
        })
}

/// Row-major (C-contiguous) strides, in elements.
pub fn contiguous_strides(shape: &[usize]) -> Strides {
    let mut strides: Strides = SmallVec::from_elem(0, shape.len());
    let mut step = 1isize;
    for (stride, &dim) in strides.iter_mut().zip(shape).rev() {
        *stride = step;
        step *= dim.max(1) as isize;
    }
    strides
}

/// The shape two shapes broadcast to, numpy style, or a `Shape` error naming both.
pub fn broadcast_shapes(a: &[usize], b: &[usize]) -> Result<Dims> {
    if a == b {
        return Ok(Dims::from_slice(a));
    }
    let ndim = a.len().max(b.len());
    let mut out: Dims = SmallVec::from_elem(0, ndim);
    for i in 0..ndim {
        let da = if i < ndim - a.len() {
            1
        } else {
            a[i - (ndim - a.len())]
        };
        let db = if i < ndim - b.len() {
            1
        } else {
            b[i - (ndim - b.len())]
        };
        out[i] = match (da, db) {
            (x, y) if x == y => x,
            (1, y) => y,
            (x, 1) => x,
            _ => {
                return Err(Error::Shape(format!(
                "shapes {a:?} and {b:?} cannot be broadcast together (dimension {i}: {da} vs {db})"
            )))
            }
        };
    }
    // Two shapes that each fit can broadcast to one that does not ([2^32, 1] and [1, 2^32]).
    check_numel(&out)?;
    Ok(out)
}

/// Strides that read an array of `shape` as if it had the (broadcast) shape `target`:
/// broadcast dimensions get stride 0.
pub fn broadcast_strides(shape: &[usize], target: &[usize]) -> Strides {
    let own = contiguous_strides(shape);
    let offset = target.len() - shape.len();
    (0..target.len())
        .map(|i| {
            if i < offset || shape[i - offset] == 1 {
                0
            } else {
                own[i - offset]
            }
        })
        .collect()
}

/// Resolves a possibly negative dimension index against `ndim` dimensions.
pub fn normalize_dim(dim: isize, ndim: usize) -> Result<usize> {
    let n = ndim.max(1) as isize;
    let d = if dim < 0 { dim + n } else { dim };
    if d < 0 || d >= n {
        return Err(Error::Index(format!(
            "Dimension out of range (expected to be in range of [{}, {}], but got {dim})",
            -n,
            n - 1
        )));
    }
    Ok(d as usize)
}

/// Iterates the flat offsets of a strided view in row-major order of `shape`.
pub struct StridedOffsets<'a> {
    shape: &'a [usize],
    strides: &'a [isize],
    index: Dims,
    offset: isize,
    remaining: usize,
}

impl<'a> StridedOffsets<'a> {
    /// The offsets of a view of `shape` with `strides` whose first element is at `start`.
    pub fn new(shape: &'a [usize], strides: &'a [isize], start: isize) -> Self {
        StridedOffsets {
            shape,
            strides,
            index: SmallVec::from_elem(0, shape.len()),
            offset: start,
            remaining: numel(shape),
        }
    }
}

impl Iterator for StridedOffsets<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let current = self.offset as usize;
        for d in (0..self.shape.len()).rev() {
            self.index[d] += 1;
            self.offset += self.strides[d];
            if self.index[d] < self.shape[d] {
                break;
            }
            self.offset -= self.strides[d] * self.shape[d] as isize;
            self.index[d] = 0;
        }
        Some(current)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broadcasting_follows_numpy() {
        assert_eq!(broadcast_shapes(&[3, 1], &[4]).unwrap().as_slice(), &[3, 4]);
        assert_eq!(broadcast_shapes(&[], &[2, 2]).unwrap().as_slice(), &[2, 2]);
        assert!(broadcast_shapes(&[3], &[4]).is_err());
        assert!(broadcast_shapes(&[1 << 32, 1], &[1, 1 << 32]).is_err());
    }

    #[test]
    fn storage_sizes_are_checked_for_overflow() {
        assert_eq!(check_storage(&[2, 3], 8).unwrap(), 6);
        assert_eq!(check_storage(&[], 4).unwrap(), 1);
        assert!(check_storage(&[1 << 32, 1 << 32], 4).is_err());
        assert!(check_storage(&[1 << 61], 4).is_err());
        assert!(check_storage(&[1 << 61], 1).is_ok());
    }

    #[test]
    fn strided_offsets_walk_a_transpose() {
        let offsets: Vec<usize> = StridedOffsets::new(&[3, 2], &[1, 3], 0).collect();
        assert_eq!(offsets, vec![0, 3, 1, 4, 2, 5]);
    }
}
