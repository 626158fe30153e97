//! `NdArray`: a dense, row-major array of one dtype on one device. It carries no autograd
//! state; `Tensor` (in `tensor`) wraps it. Arrays are always contiguous and share their storage
//! cheaply (`Clone` is an `Arc` clone); writes go through `make_mut`, copying a shared buffer first.

pub mod device;
pub mod dtype;
pub mod element;
pub mod shape;
pub mod storage;

use std::sync::Arc;

pub use device::{Device, DeviceBackend};
pub use dtype::{Category, DType};
pub use element::Element;
pub use shape::Dims;
pub use storage::{CpuBuffer, ExternalBuffer, ForeignArray, InlineElements, Storage};

use crate::error::{Error, Result};

#[derive(Clone, Debug)]
pub struct NdArray {
    storage: Storage,
    shape: Dims,
    dtype: DType,
}

impl NdArray {
    pub fn from_buffer(buffer: CpuBuffer, shape: &[usize]) -> Result<NdArray> {
        check_len(shape, buffer.len())?;
        let dtype = buffer.dtype();
        Ok(NdArray {
            storage: Storage::Cpu(Arc::new(buffer)),
            shape: Dims::from_slice(shape),
            dtype,
        })
    }

    /// An array owning `data`; a few elements are kept inline (see `Storage::Inline`).
    pub fn from_vec<T: Element>(data: Vec<T>, shape: &[usize]) -> Result<NdArray> {
        Self::inline(&data, shape).unwrap_or_else(|| Self::from_buffer(T::into_buffer(data), shape))
    }

    /// An array of copies of `values`: inline when they fit, so a scalar result allocates
    /// nothing.
    pub fn from_slice<T: Element>(values: &[T], shape: &[usize]) -> Result<NdArray> {
        Self::inline(values, shape)
            .unwrap_or_else(|| Self::from_buffer(T::into_buffer(values.to_vec()), shape))
    }

    /// `values` as an inline array (`None` when they don't fit).
    fn inline<T: Element>(values: &[T], shape: &[usize]) -> Option<Result<NdArray>> {
        let elements = InlineElements::new(values)?;
        Some(check_len(shape, values.len()).map(|()| NdArray {
            storage: Storage::Inline(elements),
            shape: Dims::from_slice(shape),
            dtype: T::DTYPE,
        }))
    }

    pub fn from_foreign(array: Arc<dyn ForeignArray>, shape: &[usize], dtype: DType) -> NdArray {
        NdArray {
            storage: Storage::Foreign(array),
            shape: Dims::from_slice(shape),
            dtype,
        }
    }

    pub fn scalar<T: Element>(value: T) -> NdArray {
        Self::from_slice(&[value], &[]).expect("one element for a 0-d shape")
    }

    /// An array of `shape` filled with `value` (converted to `dtype`).
    pub fn full(shape: &[usize], value: f64, dtype: DType) -> NdArray {
        crate::with_dtype!(dtype, T => {
            Self::from_vec(vec![T::from_f64(value); shape::numel(shape)], shape).expect("numel matches")
        })
    }

    pub fn zeros(shape: &[usize], dtype: DType) -> NdArray {
        Self::full(shape, 0.0, dtype)
    }

    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    pub fn dtype(&self) -> DType {
        self.dtype
    }

    pub fn ndim(&self) -> usize {
        self.shape.len()
    }

    pub fn numel(&self) -> usize {
        shape::numel(&self.shape)
    }

    pub fn device(&self) -> Device {
        self.storage.device()
    }

    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    /// The same elements under another shape with as many elements (no copy).
    pub fn reshaped(&self, shape: &[usize]) -> Result<NdArray> {
        if shape::numel(shape) != self.numel() {
            return Err(Error::Shape(format!(
                "shape '{shape:?}' is invalid for input of size {}",
                self.numel()
            )));
        }
        Ok(NdArray {
            storage: self.storage.clone(),
            shape: Dims::from_slice(shape),
            dtype: self.dtype,
        })
    }

    fn not_on_host(&self) -> Error {
        not_on_host(self.device())
    }

    fn wrong_dtype<T: Element>(&self) -> Error {
        wrong_dtype::<T>(self.dtype)
    }

    /// The address of the first element of a host array (for zero-copy export and aliasing
    /// checks); it stays valid while this array is neither moved nor written.
    pub fn host_ptr(&self) -> Result<*const u8> {
        match &self.storage {
            Storage::Cpu(buffer) => Ok(buffer.as_ptr()),
            Storage::Inline(elements) => Ok(elements.as_ptr()),
            Storage::Foreign(_) => Err(self.not_on_host()),
        }
    }

    /// Moves inline elements into a heap buffer, so that clones of this array share them
    /// (zero-copy export needs memory that the tensor and the exported array both see).
    pub fn share_elements(&mut self) {
        if let Storage::Inline(elements) = self.storage {
            let numel = self.numel();
            let buffer = crate::with_dtype!(self.dtype, T => T::into_buffer(elements.slice::<T>(numel).to_vec()));
            self.storage = Storage::Cpu(Arc::new(buffer));
        }
    }

    /// The elements as a typed slice; fails for another dtype or a foreign array.
    pub fn as_slice<T: Element>(&self) -> Result<&[T]> {
        match &self.storage {
            Storage::Cpu(buffer) => T::slice(buffer).ok_or_else(|| self.wrong_dtype::<T>()),
            Storage::Inline(elements) if self.dtype == T::DTYPE => Ok(elements.slice(self.numel())),
            Storage::Inline(_) => Err(self.wrong_dtype::<T>()),
            Storage::Foreign(_) => Err(self.not_on_host()),
        }
    }

    /// Mutable elements, copying the buffer first if another array shares it.
    pub fn as_mut_slice<T: Element>(&mut self) -> Result<&mut [T]> {
        let (numel, dtype) = (self.numel(), self.dtype);
        match &mut self.storage {
            Storage::Inline(elements) if dtype == T::DTYPE => Ok(elements.slice_mut(numel)),
            Storage::Inline(_) => Err(wrong_dtype::<T>(dtype)),
            Storage::Cpu(buffer) => {
                let buffer = if matches!(**buffer, CpuBuffer::External(_)) {
                    // SAFETY: borrowed memory is shared with its owner on purpose (see `ExternalBuffer`);
                    // we only need a `&mut` view to write through the raw pointer.
                    unsafe { &mut *(Arc::as_ptr(buffer) as *mut CpuBuffer) }
                } else {
                    Arc::make_mut(buffer)
                };
                T::slice_mut(buffer).ok_or_else(|| wrong_dtype::<T>(dtype))
            }
            Storage::Foreign(f) => Err(not_on_host(f.device())),
        }
    }

    /// The elements converted to `f64`, in row-major order (host arrays only).
    pub fn to_f64_vec(&self) -> Result<Vec<f64>> {
        crate::with_dtype!(self.dtype, T => Ok(self.as_slice::<T>()?.iter().map(|v| v.to_f64()).collect()))
    }

    /// The value of a 0-d floating point array in host memory (`None` for any other array).
    pub fn host_float_scalar(&self) -> Option<f64> {
        if self.ndim() != 0 {
            return None;
        }
        match self.dtype {
            DType::Float32 => self.as_slice::<f32>().ok().map(|v| v[0] as f64),
            DType::Float64 => self.as_slice::<f64>().ok().map(|v| v[0]),
            _ => None,
        }
    }

    /// The single element of a one-element array, as `f64`.
    pub fn item_f64(&self) -> Result<f64> {
        if self.numel() != 1 {
            return Err(Error::Value(format!(
                "a Tensor with {} elements cannot be converted to Scalar",
                self.numel()
            )));
        }
        Ok(self.to_f64_vec()?[0])
    }

    /// This array on `device` (the same array if it is there already).
    pub fn to_device(&self, device: Device) -> Result<NdArray> {
        let here = self.device();
        if here == device {
            return Ok(self.clone());
        }
        let host = if here.is_cpu() {
            self.clone()
        } else {
            device::backend_for(here)?.to_host(self)?
        };
        if device.is_cpu() {
            Ok(host)
        } else {
            device::backend_for(device)?.to_device(&host, device)
        }
    }

    /// True when both arrays share one buffer (a cheap identity test; inline elements are
    /// copied, never shared).
    pub fn shares_storage_with(&self, other: &NdArray) -> bool {
        match (&self.storage, &other.storage) {
            (Storage::Cpu(a), Storage::Cpu(b)) => Arc::ptr_eq(a, b),
            (Storage::Foreign(a), Storage::Foreign(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

/// A `Shape` error unless `shape` holds exactly `len` elements.
fn check_len(shape: &[usize], len: usize) -> Result<()> {
    let expected = shape::numel(shape);
    if len != expected {
        return Err(Error::Shape(format!(
            "shape {shape:?} needs {expected} elements but the data has {len}"
        )));
    }
    Ok(())
}

fn not_on_host(device: Device) -> Error {
    Error::Device(format!("expected a CPU array but this one is on {device}"))
}

fn wrong_dtype<T: Element>(dtype: DType) -> Error {
    Error::DType(format!(
        "expected dtype {} but the array is {dtype}",
        T::DTYPE
    ))
}
