//! The seam through which a device backend (CuPy on CUDA, or the NumPy-backed test backend)
//! moves arrays to and from the host and runs kernels on foreign arrays.

use std::sync::Arc;

use parking_lot::RwLock;

use super::Kernel;
use crate::array::{Device, NdArray};
use crate::error::{Error, Result};

/// A device backend: moves arrays between host and device, and runs kernels on its arrays.
/// `run` returns `Ok(None)` for a kernel it does not provide; the caller then computes on the
/// host and copies back, so a backend can start small and stay correct.
pub trait DeviceBackend: Send + Sync {
    /// Copies a host array to `device`.
    fn to_device(&self, host: &NdArray, device: Device) -> Result<NdArray>;
    /// Copies a device array back to the host.
    fn to_host(&self, array: &NdArray) -> Result<NdArray>;
    /// Runs `kernel` on `inputs` (arrays of this backend on `device`); `Ok(None)` when the
    /// backend has no such kernel.
    fn run(&self, kernel: &Kernel, inputs: &[&NdArray], device: Device) -> Result<Option<NdArray>>;
}

static CUDA_BACKEND: RwLock<Option<Arc<dyn DeviceBackend>>> = RwLock::new(None);
static META_BACKEND: RwLock<Option<Arc<dyn DeviceBackend>>> = RwLock::new(None);

/// Installs (or, with `None`, removes) the backend for `cuda` devices.
pub fn register_cuda_backend(backend: Option<Arc<dyn DeviceBackend>>) {
    *CUDA_BACKEND.write() = backend;
}

/// Installs (or, with `None`, removes) the backend for the `meta` device.
pub fn register_meta_backend(backend: Option<Arc<dyn DeviceBackend>>) {
    *META_BACKEND.write() = backend;
}

pub fn backend_for(device: Device) -> Result<Arc<dyn DeviceBackend>> {
    match device {
        Device::Cpu => Err(Error::Device("the CPU has no device backend".into())),
        Device::Cuda(_) => CUDA_BACKEND.read().clone().ok_or_else(|| {
            Error::Device(format!(
                "no backend for device {device}: CUDA is not available (install CuPy with a GPU, e.g. pip install ferrograd[cuda12])"
            ))
        }),
        Device::Meta => META_BACKEND
            .read()
            .clone()
            .ok_or_else(|| Error::Device("no backend for the meta device".into())),
    }
}

impl NdArray {
    /// This array on `device` (the same array if it is there already).
    pub fn to_device(&self, device: Device) -> Result<NdArray> {
        let here = self.device();
        if here == device {
            return Ok(self.clone());
        }
        let host = if here.is_cpu() {
            self.contiguous()?
        } else {
            backend_for(here)?.to_host(self)?
        };
        if device.is_cpu() {
            Ok(host)
        } else {
            backend_for(device)?.to_device(&host, device)
        }
    }
}
