//! Devices: where an array's elements live (the backends that run kernels on them are
//! `kernels::device`).

use std::fmt;

use crate::error::{Error, Result};

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
