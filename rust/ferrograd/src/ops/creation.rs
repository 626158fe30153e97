//! Tensor factories: constants, ranges and random numbers from one seeded generator.

use parking_lot::Mutex;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;

use crate::array::shape::check_storage;
use crate::array::{alloc, DType, Device, Element, NdArray};
use crate::error::{require_float, Error, Result};
use crate::kernels::{self, Number};
use crate::tensor::Tensor;

/// PyTorch's default CPU seed, so unseeded programs are reproducible too.
const DEFAULT_SEED: u64 = 67_280_421_310_721;

static GENERATOR: Mutex<Option<StdRng>> = Mutex::new(None);

/// Seeds the global generator used by `rand`, `randn`, `randint` and dropout.
pub fn manual_seed(seed: u64) {
    *GENERATOR.lock() = Some(StdRng::seed_from_u64(seed));
}

fn with_rng<R>(f: impl FnOnce(&mut StdRng) -> R) -> R {
    let mut guard = GENERATOR.lock();
    f(guard.get_or_insert_with(|| StdRng::seed_from_u64(DEFAULT_SEED)))
}

/// A tensor of `shape` and `dtype` whose elements are `value(i)` (an `f64` converted to
/// `dtype`) for `i` in `0..numel`: the size checked for overflow, the memory allocated
/// fallibly, and no intermediate buffer of `f64`s.
/// PyTorch's `arange` errors (RuntimeError there), in its words.
fn step_is_zero() -> Error {
    Error::Unsupported("step must be nonzero".into())
}

fn inconsistent_bounds() -> Error {
    Error::Unsupported("upper bound and lower bound inconsistent with step sign".into())
}

fn from_fn(shape: &[usize], dtype: DType, mut value: impl FnMut(usize) -> f64) -> Result<Tensor> {
    let n = check_storage(shape, dtype.size_in_bytes())?;
    crate::with_dtype!(dtype, T => Tensor::from_vec(alloc::collect(n, (0..n).map(|i| T::from_f64(value(i))))?, shape))
}

impl Tensor {
    /// A tensor of `shape` filled with `value` (as `dtype`). For shapes the engine makes
    /// itself; `try_full` checks a shape from user input.
    pub fn full(shape: &[usize], value: f64, dtype: DType) -> Tensor {
        Tensor::from_array(NdArray::full(shape, value, dtype))
    }

    /// `full` with the size checked for overflow and the memory allocated fallibly, made on
    /// `device` (by its backend, see `kernels::full_on`).
    pub fn try_full(shape: &[usize], value: f64, dtype: DType, device: Device) -> Result<Tensor> {
        kernels::full_on(shape, value, dtype, device).map(Tensor::from_array)
    }

    /// `try_full` with an integer value, exact for every int64 (an `f64` holds integers only
    /// up to 2**53): the value is cast to `dtype` as `to_dtype` casts, then repeated.
    pub fn try_full_int(
        shape: &[usize],
        value: i64,
        dtype: DType,
        device: Device,
    ) -> Result<Tensor> {
        let element = kernels::cast(&NdArray::scalar(value), dtype)?;
        kernels::fill_on(shape, &element, device).map(Tensor::from_array)
    }

    /// A tensor of zeros.
    ///
    /// ```
    /// let z = ferrograd::Tensor::zeros(&[2, 3], ferrograd::DType::Float32);
    /// assert_eq!(z.sum().unwrap().item().unwrap(), 0.0);
    /// ```
    pub fn zeros(shape: &[usize], dtype: DType) -> Tensor {
        Self::full(shape, 0.0, dtype)
    }

    /// A tensor of ones.
    pub fn ones(shape: &[usize], dtype: DType) -> Tensor {
        Self::full(shape, 1.0, dtype)
    }

    /// Values from `start` (inclusive) to `end` (exclusive) in steps of `step`, made on `device`.
    pub fn arange(start: f64, end: f64, step: f64, dtype: DType, device: Device) -> Result<Tensor> {
        if !start.is_finite() || !end.is_finite() {
            return Err(Error::Shape(format!("unsupported range: {start} -> {end}")));
        }
        if step == 0.0 {
            return Err(step_is_zero());
        }
        if (end - start) * step < 0.0 {
            return Err(inconsistent_bounds());
        }
        let size = ((end - start) / step).ceil().max(0.0);
        // PyTorch's bound: the element count is an int64.
        if size >= i64::MAX as f64 {
            return Err(Error::Shape("invalid size, possible overflow?".into()));
        }
        let (start, step) = (Number::Float(start), Number::Float(step));
        kernels::arange_on(start, step, size as usize, dtype, device).map(Tensor::from_array)
    }

    /// `arange` over integers, exact for every int64 (PyTorch computes an integer range in
    /// int64): the values are made as int64, then cast to `dtype`.
    pub fn arange_int(
        start: i64,
        end: i64,
        step: i64,
        dtype: DType,
        device: Device,
    ) -> Result<Tensor> {
        if step == 0 {
            return Err(step_is_zero());
        }
        let span = end as i128 - start as i128;
        if span * (step as i128) < 0 {
            return Err(inconsistent_bounds());
        }
        let step_wide = step as i128;
        let size = (span + step_wide - step_wide.signum()) / step_wide;
        let size = usize::try_from(size)
            .map_err(|_| Error::Shape("invalid size, possible overflow?".into()))?;
        let (start, step) = (Number::Int(start), Number::Int(step));
        kernels::arange_on(start, step, size, dtype, device).map(Tensor::from_array)
    }

    /// `steps` values evenly spaced from `start` to `end`, both included.
    pub fn linspace(start: f64, end: f64, steps: usize, dtype: DType) -> Result<Tensor> {
        let step = (end - start) / (steps.max(2) - 1) as f64;
        from_fn(&[steps], dtype, |i| match i {
            0 => start,
            i if i == steps - 1 => end,
            i => start + i as f64 * step,
        })
    }

    /// An `n × m` matrix with ones on the diagonal.
    pub fn eye(n: usize, m: usize, dtype: DType) -> Result<Tensor> {
        check_storage(&[n, m], dtype.size_in_bytes())?;
        crate::with_dtype!(dtype, T => {
            let mut values = alloc::zeroed::<T>(n * m)?;
            for i in 0..n.min(m) {
                values[i * m + i] = T::one();
            }
            Tensor::from_vec(values, &[n, m])
        })
    }

    /// Uniform samples from `[0, 1)`.
    pub fn rand(shape: &[usize], dtype: DType) -> Result<Tensor> {
        require_float("rand", dtype)?;
        with_rng(|rng| from_fn(shape, dtype, |_| rng.gen::<f64>()))
    }

    /// Standard normal samples.
    pub fn randn(shape: &[usize], dtype: DType) -> Result<Tensor> {
        require_float("normal", dtype)?;
        with_rng(|rng| from_fn(shape, dtype, |_| rng.sample::<f64, _>(StandardNormal)))
    }

    /// Integers drawn uniformly from `[low, high)`.
    pub fn randint(low: i64, high: i64, shape: &[usize], dtype: DType) -> Result<Tensor> {
        if high <= low {
            return Err(Error::Value(format!(
                "random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
            )));
        }
        with_rng(|rng| from_fn(shape, dtype, |_| rng.gen_range(low..high) as f64))
    }

    /// Bernoulli samples: 1 with probability `p`, as `dtype` (for dropout masks).
    pub fn bernoulli(shape: &[usize], p: f64, dtype: DType) -> Result<Tensor> {
        if !(0.0..=1.0).contains(&p) {
            return Err(Error::Value(format!(
                "bernoulli: p must be in [0, 1], got {p}"
            )));
        }
        with_rng(|rng| {
            from_fn(
                shape,
                dtype,
                |_| {
                    if rng.gen::<f64>() < p {
                        1.0
                    } else {
                        0.0
                    }
                },
            )
        })
    }
}
