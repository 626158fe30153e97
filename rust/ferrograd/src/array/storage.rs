//! Where an array's elements live: a CPU buffer, or a foreign buffer owned by a device backend.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use super::dtype::DType;
use super::device::Device;

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
    Foreign(Arc<dyn ForeignArray>),
}

impl Storage {
    pub fn device(&self) -> Device {
        match self {
            Storage::Cpu(_) => Device::Cpu,
            Storage::Foreign(f) => f.device(),
        }
    }
}
