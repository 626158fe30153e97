//! State dicts as safetensors files, the format `ferrograd.save` writes from Python.
//!
//! [`save_state_dict`] writes the tensors under their names plus the metadata that makes
//! Python's `ferrograd.load` return them as an ordered dict, so
//! `model.load_state_dict(ferrograd.load(path))` works there; [`load_state_dict`] reads files
//! written by `ferrograd.save(model.state_dict(), path)` (or any flat safetensors file) back,
//! in the order they were saved.
//!
//! ```
//! use ferrograd::nn::{self, Module};
//! use ferrograd::serialize;
//!
//! # fn main() -> ferrograd::Result<()> {
//! let model = nn::Linear::new(3, 2, true)?;
//! let path = std::env::temp_dir().join(format!("ferrograd-doc-{}.safetensors", std::process::id()));
//! serialize::save_state_dict(&model.state_dict(), &path)?;
//! let restored = nn::Linear::new(3, 2, true)?;
//! restored.load_state_dict(&serialize::load_state_dict(&path)?, true)?;
//! assert_eq!(restored.weight.to_vec::<f32>()?, model.weight.to_vec::<f32>()?);
//! # std::fs::remove_file(&path).ok();
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

use safetensors::tensor::{Dtype, SafeTensors, View};

use crate::array::element::{bf16, f16};
use crate::array::DType;
use crate::error::{Error, Result};
use crate::nn::StateDict;
use crate::tensor::Tensor;

/// The metadata key under which `ferrograd.save` records the nesting of the saved object.
const STRUCTURE: &str = "structure";

fn code_of(dtype: DType) -> Dtype {
    match dtype {
        DType::Bool => Dtype::BOOL,
        DType::UInt8 => Dtype::U8,
        DType::Int8 => Dtype::I8,
        DType::Int16 => Dtype::I16,
        DType::Int32 => Dtype::I32,
        DType::Int64 => Dtype::I64,
        DType::Float16 => Dtype::F16,
        DType::BFloat16 => Dtype::BF16,
        DType::Float32 => Dtype::F32,
        DType::Float64 => Dtype::F64,
    }
}

fn name_of(code: Dtype) -> &'static str {
    match code {
        Dtype::BOOL => "BOOL",
        Dtype::U8 => "U8",
        Dtype::I8 => "I8",
        Dtype::I16 => "I16",
        Dtype::I32 => "I32",
        Dtype::I64 => "I64",
        Dtype::F16 => "F16",
        Dtype::BF16 => "BF16",
        Dtype::F32 => "F32",
        _ => "F64",
    }
}

/// One tensor's little-endian bytes, ready for the writer.
struct Stored {
    dtype: Dtype,
    shape: Vec<usize>,
    bytes: Vec<u8>,
}

impl Stored {
    fn of(tensor: &Tensor) -> Result<Stored> {
        let bytes = match tensor.dtype() {
            DType::Bool => tensor.to_vec::<bool>()?.into_iter().map(u8::from).collect(),
            DType::UInt8 => tensor.to_vec::<u8>()?,
            DType::Int8 => le_bytes(tensor.to_vec::<i8>()?, i8::to_le_bytes),
            DType::Int16 => le_bytes(tensor.to_vec::<i16>()?, i16::to_le_bytes),
            DType::Float16 => le_bytes(tensor.to_vec::<f16>()?, f16::to_le_bytes),
            DType::BFloat16 => le_bytes(tensor.to_vec::<bf16>()?, bf16::to_le_bytes),
            DType::Int32 => le_bytes(tensor.to_vec::<i32>()?, i32::to_le_bytes),
            DType::Int64 => le_bytes(tensor.to_vec::<i64>()?, i64::to_le_bytes),
            DType::Float32 => le_bytes(tensor.to_vec::<f32>()?, f32::to_le_bytes),
            DType::Float64 => le_bytes(tensor.to_vec::<f64>()?, f64::to_le_bytes),
        };
        Ok(Stored {
            dtype: code_of(tensor.dtype()),
            shape: tensor.shape().to_vec(),
            bytes,
        })
    }
}

fn le_bytes<T, const N: usize>(values: Vec<T>, f: fn(T) -> [u8; N]) -> Vec<u8> {
    values.into_iter().flat_map(f).collect()
}

impl View for &Stored {
    fn dtype(&self) -> Dtype {
        self.dtype
    }
    fn shape(&self) -> &[usize] {
        &self.shape
    }
    fn data(&self) -> Cow<'_, [u8]> {
        Cow::Borrowed(&self.bytes)
    }
    fn data_len(&self) -> usize {
        self.bytes.len()
    }
}

/// The `structure` record `ferrograd.load` reads: an ordered dict of tensors, one per key.
fn structure_of(state: &StateDict, stored: &[Stored]) -> String {
    let items: Vec<serde_json::Value> = state
        .iter()
        .zip(stored)
        .map(|((name, tensor), s)| {
            serde_json::json!([name, {
                "t": "tensor",
                "key": name,
                "dtype": name_of(s.dtype),
                "shape": s.shape,
                "requires_grad": tensor.requires_grad(),
            }])
        })
        .collect();
    serde_json::json!({"t": "odict", "items": items}).to_string()
}

/// The bytes of a safetensors file holding `state` (see [`save_state_dict`]).
pub fn state_dict_to_bytes(state: &StateDict) -> Result<Vec<u8>> {
    let stored: Vec<Stored> = state
        .iter()
        .map(|(_, t)| Stored::of(t))
        .collect::<Result<_>>()?;
    let metadata = HashMap::from([
        ("format".to_string(), "ferrograd".to_string()),
        ("ferrograd_version".to_string(), "2".to_string()),
        (STRUCTURE.to_string(), structure_of(state, &stored)),
    ]);
    let views = state.keys().into_iter().zip(stored.iter());
    safetensors::serialize(views, Some(metadata))
        .map_err(|e| Error::Value(format!("save_state_dict: {e}")))
}

/// Writes `state` to `path` as a safetensors file that Python's `ferrograd.load` reads back as
/// the same ordered state dict (and any safetensors reader as a dict of tensors). The file is
/// written next to `path` and renamed over it, so a failed save leaves the old file intact.
pub fn save_state_dict(state: &StateDict, path: impl AsRef<Path>) -> Result<()> {
    let path = path.as_ref();
    let bytes = state_dict_to_bytes(state)?;
    let io = |e: std::io::Error| Error::Value(format!("save_state_dict({}): {e}", path.display()));
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(format!(".{}.tmp", std::process::id()));
    std::fs::write(&temporary, &bytes).map_err(io)?;
    std::fs::rename(&temporary, path).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        io(e)
    })
}

fn tensor_of(name: &str, dtype: Dtype, shape: &[usize], data: &[u8]) -> Result<Tensor> {
    fn decode<T: crate::array::Element, const N: usize>(
        data: &[u8],
        shape: &[usize],
        f: fn([u8; N]) -> T,
    ) -> Result<Tensor> {
        let values = data
            .chunks_exact(N)
            .map(|chunk| f(chunk.try_into().expect("chunks_exact yields N bytes")))
            .collect();
        Tensor::from_vec(values, shape)
    }
    match dtype {
        Dtype::BOOL => decode(data, shape, |[b]: [u8; 1]| b != 0),
        Dtype::U8 => decode(data, shape, |[b]: [u8; 1]| b),
        Dtype::I8 => decode(data, shape, i8::from_le_bytes),
        Dtype::I16 => decode(data, shape, i16::from_le_bytes),
        Dtype::F16 => decode(data, shape, f16::from_le_bytes),
        Dtype::BF16 => decode(data, shape, bf16::from_le_bytes),
        Dtype::I32 => decode(data, shape, i32::from_le_bytes),
        Dtype::I64 => decode(data, shape, i64::from_le_bytes),
        Dtype::F32 => decode(data, shape, f32::from_le_bytes),
        Dtype::F64 => decode(data, shape, f64::from_le_bytes),
        other => Err(Error::DType(format!(
            "load_state_dict: tensor {name:?} has dtype {other:?}, which ferrograd cannot hold"
        ))),
    }
}

/// The names in the order `ferrograd.save` recorded them, if the file has a flat ordered-dict
/// structure record; `None` for other files.
fn recorded_order(metadata: Option<&HashMap<String, String>>) -> Option<Vec<String>> {
    let structure: serde_json::Value = serde_json::from_str(metadata?.get(STRUCTURE)?).ok()?;
    if !matches!(structure["t"].as_str()?, "odict" | "dict") {
        return None;
    }
    structure["items"]
        .as_array()?
        .iter()
        .map(|item| Some(item[1]["key"].as_str()?.to_string()))
        .collect()
}

/// Reads a state dict from safetensors bytes (see [`load_state_dict`]).
pub fn state_dict_from_bytes(bytes: &[u8]) -> Result<StateDict> {
    let malformed = |e: safetensors::SafeTensorError| {
        Error::Value(format!(
            "load_state_dict: not a valid safetensors file: {e}"
        ))
    };
    let (_, metadata) = SafeTensors::read_metadata(bytes).map_err(malformed)?;
    let file = SafeTensors::deserialize(bytes).map_err(malformed)?;
    let order = recorded_order(metadata.metadata().as_ref()).unwrap_or_else(|| {
        // a file from elsewhere: the order its data was laid out in
        let mut by_offset: Vec<(usize, String)> = metadata
            .tensors()
            .into_iter()
            .map(|(name, info)| (info.data_offsets.0, name))
            .collect();
        by_offset.sort();
        by_offset.into_iter().map(|(_, name)| name).collect()
    });
    let mut state = StateDict::new();
    for name in order {
        let view = file.tensor(&name).map_err(malformed)?;
        state.insert(
            name.clone(),
            tensor_of(&name, view.dtype(), view.shape(), view.data())?,
        );
    }
    Ok(state)
}

/// Reads the state dict saved at `path` by [`save_state_dict`] or by Python's
/// `ferrograd.save(model.state_dict(), path)` (or any safetensors file of tensors), in saved
/// order. Tensors come back as plain (non-requires-grad) tensors; load them into a model with
/// [`Module::load_state_dict`](crate::nn::Module::load_state_dict).
pub fn load_state_dict(path: impl AsRef<Path>) -> Result<StateDict> {
    let path = path.as_ref();
    let bytes = std::fs::read(path)
        .map_err(|e| Error::Value(format!("load_state_dict({}): {e}", path.display())))?;
    state_dict_from_bytes(&bytes)
}
