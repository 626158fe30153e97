//! Devices, and the seam through which a device backend (CuPy on CUDA, or the NumPy-backed
//! test backend) runs kernels on foreign arrays.

use std::fmt;
use std::sync::Arc;

use parking_lot::RwLock;

use super::NdArray;
use crate::error::{Error, Result};
use crate::kernels::Kernel;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Device {
    Cpu,
    Cuda(u32),
    /// PyTorch's `meta` device: arrays with a shape and a dtype but no elements, whose
    /// kernels compute only their results' shapes and dtypes.
    Meta,
}

impl Device {
    pub fn parse(spec: &str) -> Result<Device> {
        let spec = spec.trim();
        match spec.split_once(':') {
            None if spec == "cpu" => Ok(Device::Cpu),
            None if spec == "cuda" => Ok(Device::Cuda(0)),
            None if spec == "meta" => Ok(Device::Meta),
            Some(("meta", "0")) => Ok(Device::Meta),
            Some(("cuda", index)) => index
                .parse()
                .map(Device::Cuda)
                .map_err(|_| Error::Value(format!("Invalid device string: '{spec}'"))),
            Some(("cpu", "0")) => Ok(Device::Cpu),
            _ => Err(Error::Value(format!(
                "Expected one of cpu, cuda, meta device type at start of device string: {spec}"
            ))),
        }
    }

    pub fn is_cpu(self) -> bool {
        self == Device::Cpu
    }
}

impl fmt::Display for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Device::Cpu => f.write_str("cpu"),
            Device::Cuda(i) => write!(f, "cuda:{i}"),
            Device::Meta => f.write_str("meta"),
        }
    }
}

/// A device backend: moves arrays between host and device, and runs kernels on its arrays.
/// `run` returns `Ok(None)` for a kernel it does not provide; the caller then computes on the
/// host and copies back, so a backend can start small and stay correct.
pub trait DeviceBackend: Send + Sync {
    fn to_device(&self, host: &NdArray, device: Device) -> Result<NdArray>;
    fn to_host(&self, array: &NdArray) -> Result<NdArray>;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_meta() {
        assert_eq!(Device::parse("meta").unwrap(), Device::Meta);
        assert_eq!(Device::Meta.to_string(), "meta");
        assert!(!Device::Meta.is_cpu());
        let err = Device::parse("metal").unwrap_err().to_string();
        assert!(
            err.contains("Expected one of cpu, cuda, meta device type"),
            "{err}"
        );
    }
}
