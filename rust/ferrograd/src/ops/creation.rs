//! Tensor factories: constants, ranges and random numbers from one seeded generator.

use parking_lot::Mutex;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;

use crate::array::shape::numel;
use crate::array::{DType, Element, NdArray};
use crate::error::{Error, Result};
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

fn require_float(name: &str, dtype: DType) -> Result<()> {
    if !dtype.is_floating() {
        return Err(Error::DType(format!(
            "\"{name}\" not implemented for '{dtype}'"
        )));
    }
    Ok(())
}

fn from_f64s(values: Vec<f64>, shape: &[usize], dtype: DType) -> Result<Tensor> {
    crate::with_dtype!(dtype, T => Tensor::from_vec(values.into_iter().map(T::from_f64).collect::<Vec<T>>(), shape))
}

impl Tensor {
    pub fn full(shape: &[usize], value: f64, dtype: DType) -> Tensor {
        Tensor::from_array(NdArray::full(shape, value, dtype))
    }

    pub fn zeros(shape: &[usize], dtype: DType) -> Tensor {
        Self::full(shape, 0.0, dtype)
    }

    pub fn ones(shape: &[usize], dtype: DType) -> Tensor {
        Self::full(shape, 1.0, dtype)
    }

    /// Values from `start` (inclusive) to `end` (exclusive) in steps of `step`.
    pub fn arange(start: f64, end: f64, step: f64, dtype: DType) -> Result<Tensor> {
        if step == 0.0 {
            return Err(Error::Value("arange: step must be nonzero".into()));
        }
        if (end - start) * step < 0.0 {
            return Err(Error::Value(format!(
                "arange: upper bound and larger bound inconsistent with step sign (start={start}, end={end}, step={step})"
            )));
        }
        let n = ((end - start) / step).ceil().max(0.0) as usize;
        from_f64s(
            (0..n).map(|i| start + i as f64 * step).collect(),
            &[n],
            dtype,
        )
    }

    /// `steps` values evenly spaced from `start` to `end`, both included.
    pub fn linspace(start: f64, end: f64, steps: usize, dtype: DType) -> Result<Tensor> {
        let values = match steps {
            0 => vec![],
            1 => vec![start],
            n => {
                let step = (end - start) / (n - 1) as f64;
                (0..n)
                    .map(|i| {
                        if i == n - 1 {
                            end
                        } else {
                            start + i as f64 * step
                        }
                    })
                    .collect()
            }
        };
        from_f64s(values, &[steps], dtype)
    }

    /// An `n × m` matrix with ones on the diagonal.
    pub fn eye(n: usize, m: usize, dtype: DType) -> Result<Tensor> {
        let mut values = vec![0.0; n * m];
        for i in 0..n.min(m) {
            values[i * m + i] = 1.0;
        }
        from_f64s(values, &[n, m], dtype)
    }

    /// Uniform samples from `[0, 1)`.
    pub fn rand(shape: &[usize], dtype: DType) -> Result<Tensor> {
        require_float("rand", dtype)?;
        let values = with_rng(|rng| (0..numel(shape)).map(|_| rng.gen::<f64>()).collect());
        from_f64s(values, shape, dtype)
    }

    /// Standard normal samples.
    pub fn randn(shape: &[usize], dtype: DType) -> Result<Tensor> {
        require_float("normal", dtype)?;
        let values = with_rng(|rng| {
            (0..numel(shape))
                .map(|_| rng.sample::<f64, _>(StandardNormal))
                .collect()
        });
        from_f64s(values, shape, dtype)
    }

    /// Integers drawn uniformly from `[low, high)`.
    pub fn randint(low: i64, high: i64, shape: &[usize], dtype: DType) -> Result<Tensor> {
        if high <= low {
            return Err(Error::Value(format!(
                "random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
            )));
        }
        let values = with_rng(|rng| {
            (0..numel(shape))
                .map(|_| rng.gen_range(low..high) as f64)
                .collect()
        });
        from_f64s(values, shape, dtype)
    }

    /// Bernoulli samples: 1 with probability `p`, as `dtype` (for dropout masks).
    pub fn bernoulli(shape: &[usize], p: f64, dtype: DType) -> Result<Tensor> {
        if !(0.0..=1.0).contains(&p) {
            return Err(Error::Value(format!(
                "bernoulli: p must be in [0, 1], got {p}"
            )));
        }
        let values = with_rng(|rng| {
            (0..numel(shape))
                .map(|_| if rng.gen::<f64>() < p { 1.0 } else { 0.0 })
                .collect()
        });
        from_f64s(values, shape, dtype)
    }
}
