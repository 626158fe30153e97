//! Arrays made from a value rather than from other arrays: fills and ranges. On the CPU the host
//! writes them; for a device its backend makes them (the `Full` and `Arange` kernels), so the
//! constants that operations combine with device tensors (a number operand, a backward's seed,
//! a rule's zeros) never cross from the host. A backend without these kernels gets the host's
//! array copied over.

use super::{device, Kernel};
use crate::array::{alloc, shape::check_storage, DType, Device, Element, NdArray};
use crate::error::{Error, Result};

/// A number a device kernel is given, held exactly: a bool, an integer or a float.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// A bool.
    Bool(bool),
    /// An integer (every integer dtype's values fit).
    Int(i64),
    /// A float (every floating dtype's values fit).
    Float(f64),
}

impl Number {
    /// The element of the 0-d host array `element`, widened without loss.
    fn of(element: &NdArray) -> Result<Number> {
        let dtype = element.dtype();
        Ok(if dtype == DType::Bool {
            Number::Bool(element.item_f64()? != 0.0)
        } else if dtype.is_floating() {
            Number::Float(element.item_f64()?)
        } else {
            Number::Int(super::cast(element, DType::Int64)?.as_slice::<i64>()?[0])
        })
    }
}

/// An array of `shape` on `device` filled with `value` converted to `dtype` (as
/// [`NdArray::try_full`] converts it).
pub fn full_on(shape: &[usize], value: f64, dtype: DType, device: Device) -> Result<NdArray> {
    if device.is_cpu() {
        return NdArray::try_full(shape, value, dtype);
    }
    fill_on(shape, &NdArray::try_full(&[], value, dtype)?, device)
}

/// An array of `shape` on `device` whose every element is `element` (a 0-d host array, whose
/// dtype the result has): for values a float64 would not hold exactly (large int64s).
pub fn fill_on(shape: &[usize], element: &NdArray, device: Device) -> Result<NdArray> {
    let host = || -> Result<NdArray> {
        if shape.is_empty() {
            return Ok(element.clone());
        }
        let n = check_storage(shape, element.dtype().size_in_bytes())?;
        crate::with_dtype!(element.dtype(), T => {
            let value = element.as_slice::<T>()?[0];
            NdArray::from_vec(alloc::filled(value, n)?, shape)
        })
    };
    if device.is_cpu() {
        return host();
    }
    let kernel = Kernel::Full {
        shape,
        value: Number::of(element)?,
        dtype: element.dtype(),
    };
    made_on(&kernel, shape, element.dtype(), device, host)
}

/// The `len` values `start + i·step` as `dtype`, on `device`: computed in int64 when `start`
/// and `step` are integers (then cast to `dtype`, as `to_dtype` casts), else in float64 (then
/// converted to `dtype`).
pub fn arange_on(
    start: Number,
    step: Number,
    len: usize,
    dtype: DType,
    device: Device,
) -> Result<NdArray> {
    // An integer range is made in int64 first.
    let made_as = match start {
        Number::Int(_) => dtype.size_in_bytes().max(DType::Int64.size_in_bytes()),
        Number::Bool(_) | Number::Float(_) => dtype.size_in_bytes(),
    };
    check_storage(&[len], made_as)?;
    let host = || -> Result<NdArray> {
        match (start, step) {
            (Number::Int(start), Number::Int(step)) => {
                let values = alloc::collect(len, (0..len as i64).map(|i| start + i * step))?;
                let range = NdArray::from_vec(values, &[len])?;
                match dtype {
                    DType::Int64 => Ok(range),
                    _ => super::cast(&range, dtype),
                }
            }
            (Number::Float(start), Number::Float(step)) => {
                crate::with_dtype!(dtype, T => NdArray::from_vec(
                    alloc::collect(len, (0..len).map(|i| T::from_f64(start + i as f64 * step)))?,
                    &[len],
                ))
            }
            _ => Err(Error::Value(
                "arange: start and step must both be integers or both floats".into(),
            )),
        }
    };
    if device.is_cpu() {
        return host();
    }
    let kernel = Kernel::Arange {
        start,
        step,
        len,
        dtype,
    };
    made_on(&kernel, &[len], dtype, device, host)
}

/// `kernel`'s array from `device`'s backend, or, when it does not make it, `host`'s copied over.
fn made_on(
    kernel: &Kernel,
    shape: &[usize],
    dtype: DType,
    device: Device,
    host: impl FnOnce() -> Result<NdArray>,
) -> Result<NdArray> {
    let backend = device::backend_for(device)?;
    let Some(out) = backend.run(kernel, &[], device)? else {
        return backend.to_device(&host()?, device);
    };
    if out.shape() != shape || out.dtype() != dtype {
        return Err(Error::Device(format!(
            "the {device} backend made an array of shape {:?} and dtype {} for {kernel:?}",
            out.shape(),
            out.dtype()
        )));
    }
    Ok(out)
}
