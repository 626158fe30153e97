//! Devices: where an array's elements live (the backends that run kernels on them are
//! `kernels::device`).

use std::fmt;

use crate::error::{Error, Result};

/// Where an array's elements live. `Display` prints PyTorch's spelling (`cpu`, `cuda:0`, `meta`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Device {
    /// Host memory: the crate's own kernels compute on it.
    Cpu,
    /// A CUDA device by index; its arrays and kernels belong to a registered device backend.
    Cuda(u32),
    /// PyTorch's `meta` device: arrays with a shape and a dtype but no elements, whose
    /// kernels compute only their results' shapes and dtypes.
    Meta,
}

impl Device {
    /// Parses PyTorch's device strings: `"cpu"`, `"cuda"` (device 0), `"cuda:N"`, `"meta"`.
    ///
    /// # Errors
    ///
    /// [`Error::Value`] for any other string.
    ///
    /// ```
    /// use ferrograd::Device;
    /// assert_eq!(Device::parse("cuda:1").unwrap(), Device::Cuda(1));
    /// assert!(Device::parse("tpu").is_err());
    /// ```
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

    /// Whether this is the host.
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
