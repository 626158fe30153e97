//! Where an array's elements live: a CPU buffer, or a foreign buffer owned by a device backend.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use super::device::Device;
use super::dtype::DType;
use super::element::Element;

/// Elements in host memory. Arrays own a `Vec`, or borrow memory from an owner that outlives
/// them (a NumPy array passed to `from_numpy`).
pub enum CpuBuffer {
    F32(Vec<f32>),
    F64(Vec<f64>),
    I64(Vec<i64>),
    I32(Vec<i32>),
    Bool(Vec<bool>),
    External(ExternalBuffer),
}

/// Host memory that belongs to someone else; `owner` keeps it alive.
pub struct ExternalBuffer {
    pub ptr: *mut u8,
    pub len: usize,
    pub dtype: DType,
    pub owner: Box<dyn Any + Send + Sync>,
}

// SAFETY: the pointer is only dereferenced through `Element::slice{,_mut}`, and the owner that
// keeps it valid is itself `Send + Sync`.
unsafe impl Send for ExternalBuffer {}
unsafe impl Sync for ExternalBuffer {}

impl CpuBuffer {
    pub fn dtype(&self) -> DType {
        match self {
            CpuBuffer::F32(_) => DType::Float32,
            CpuBuffer::F64(_) => DType::Float64,
            CpuBuffer::I64(_) => DType::Int64,
            CpuBuffer::I32(_) => DType::Int32,
            CpuBuffer::Bool(_) => DType::Bool,
            CpuBuffer::External(e) => e.dtype,
        }
    }

    pub fn len(&self) -> usize {
        match self {
            CpuBuffer::F32(v) => v.len(),
            CpuBuffer::F64(v) => v.len(),
            CpuBuffer::I64(v) => v.len(),
            CpuBuffer::I32(v) => v.len(),
            CpuBuffer::Bool(v) => v.len(),
            CpuBuffer::External(e) => e.len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The address of the first element (for zero-copy export).
    pub fn as_ptr(&self) -> *const u8 {
        match self {
            CpuBuffer::F32(v) => v.as_ptr() as *const u8,
            CpuBuffer::F64(v) => v.as_ptr() as *const u8,
            CpuBuffer::I64(v) => v.as_ptr() as *const u8,
            CpuBuffer::I32(v) => v.as_ptr() as *const u8,
            CpuBuffer::Bool(v) => v.as_ptr() as *const u8,
            CpuBuffer::External(e) => e.ptr as *const u8,
        }
    }

    /// An owned copy (a borrowed buffer becomes an owned `Vec`).
    pub fn to_owned_buffer(&self) -> CpuBuffer {
        crate::with_dtype!(self.dtype(), T => {
            use super::element::Element;
            T::into_buffer(T::slice(self).expect("dtype matches").to_vec())
        })
    }
}

impl Clone for CpuBuffer {
    fn clone(&self) -> Self {
        self.to_owned_buffer()
    }
}

impl fmt::Debug for CpuBuffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CpuBuffer({}, len={})", self.dtype(), self.len())
    }
}

/// An array's elements held by a device backend (a CuPy array, or a NumPy array in the
/// test backend). The backend that made it is the only one that reads it.
pub trait ForeignArray: Send + Sync + fmt::Debug {
    fn device(&self) -> Device;
    fn as_any(&self) -> &dyn Any;
}

#[derive(Clone, Debug)]
pub enum Storage {
    Cpu(Arc<CpuBuffer>),
    /// The elements of a host array of at most `InlineElements::BYTES` bytes (a scalar, a
    /// tiny tensor), kept in the array itself: no allocation and no reference count, which
    /// are most of the cost of a scalar operation. Cloning copies them.
    Inline(InlineElements),
    Foreign(Arc<dyn ForeignArray>),
}

impl Storage {
    pub fn device(&self) -> Device {
        match self {
            Storage::Cpu(_) | Storage::Inline(_) => Device::Cpu,
            Storage::Foreign(f) => f.device(),
        }
    }
}

/// Host elements stored by value; the array's shape says how many there are and its dtype
/// what they are. Aligned for every element type.
#[derive(Clone, Copy, Debug, Default)]
pub struct InlineElements([u64; 2]);

impl InlineElements {
    pub const BYTES: usize = 16;

    /// The elements of `values`, when they fit.
    pub fn new<T: Element>(values: &[T]) -> Option<InlineElements> {
        if std::mem::size_of_val(values) > Self::BYTES {
            return None;
        }
        let mut inline = InlineElements::default();
        // SAFETY: `values` fits in the 16 bytes, which are aligned for any element type, and
        // every element type is plain data.
        unsafe {
            std::ptr::copy_nonoverlapping(
                values.as_ptr(),
                inline.0.as_mut_ptr() as *mut T,
                values.len(),
            )
        };
        Some(inline)
    }

    /// The first `len` elements as `T`; the caller knows they were stored as `T`.
    pub(crate) fn slice<T: Element>(&self, len: usize) -> &[T] {
        assert!(len * std::mem::size_of::<T>() <= Self::BYTES);
        // SAFETY: in bounds (checked above), aligned, and written as `T` by `new`.
        unsafe { std::slice::from_raw_parts(self.0.as_ptr() as *const T, len) }
    }

    pub(crate) fn slice_mut<T: Element>(&mut self, len: usize) -> &mut [T] {
        assert!(len * std::mem::size_of::<T>() <= Self::BYTES);
        // SAFETY: as in `slice`.
        unsafe { std::slice::from_raw_parts_mut(self.0.as_mut_ptr() as *mut T, len) }
    }

    pub(crate) fn as_ptr(&self) -> *const u8 {
        self.0.as_ptr() as *const u8
    }
}

#[cfg(test)]
mod tests {
    use crate::array::{DType, NdArray, Storage};

    fn is_inline(a: &NdArray) -> bool {
        matches!(a.storage(), Storage::Inline(_))
    }

    #[test]
    fn small_arrays_are_inline_and_large_ones_are_not() {
        assert!(is_inline(&NdArray::scalar(1.5f64)));
        assert!(is_inline(
            &NdArray::from_vec(vec![1.0f32, 2.0, 3.0, 4.0], &[2, 2]).unwrap()
        ));
        assert!(is_inline(
            &NdArray::from_vec(vec![true; 16], &[16]).unwrap()
        ));
        assert!(!is_inline(
            &NdArray::from_vec(vec![1.0f32; 5], &[5]).unwrap()
        ));
        assert!(!is_inline(&NdArray::from_vec(vec![1i64; 3], &[3]).unwrap()));
        let a = NdArray::from_slice(&[7i32, -8], &[2, 1]).unwrap();
        assert_eq!(a.as_slice::<i32>().unwrap(), &[7, -8]);
        assert_eq!(a.shape(), &[2, 1]);
    }

    #[test]
    fn inline_arrays_check_shape_and_dtype() {
        assert!(NdArray::from_slice(&[1.0f32, 2.0], &[3]).is_err());
        let a = NdArray::scalar(2.0f32);
        assert!(a.as_slice::<f64>().is_err());
        assert_eq!(a.dtype(), DType::Float32);
        assert_eq!(a.host_float_scalar(), Some(2.0));
    }

    #[test]
    fn inline_clones_are_independent_copies() {
        let a = NdArray::from_slice(&[1.0f64, 2.0], &[2]).unwrap();
        let mut b = a.clone();
        b.as_mut_slice::<f64>().unwrap()[0] = 9.0;
        assert_eq!(a.as_slice::<f64>().unwrap(), &[1.0, 2.0]);
        assert_eq!(b.as_slice::<f64>().unwrap(), &[9.0, 2.0]);
        assert!(!a.shares_storage_with(&b));
    }

    #[test]
    fn shared_elements_are_seen_by_clones() {
        let mut a = NdArray::from_slice(&[1.0f32, 2.0], &[2]).unwrap();
        a.share_elements();
        assert!(!is_inline(&a));
        let b = a.clone();
        assert!(a.shares_storage_with(&b));
        assert_eq!(a.host_ptr().unwrap(), b.host_ptr().unwrap());
        assert_eq!(b.as_slice::<f32>().unwrap(), &[1.0, 2.0]);
    }
}
