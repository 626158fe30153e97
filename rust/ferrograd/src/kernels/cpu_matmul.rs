//! Batched matrix products `[..., n, k] @ [..., k, m]` with broadcast batch dimensions.
//!
//! Floats go through the `gemm` crate (rayon inside one product once it is big enough), except
//! tiny products, where a plain loop beats its setup. Integers use the same plain loop with
//! wrapping arithmetic; `bool` is logical (or of ands), where PyTorch refuses bool matmul.
//! Many small products in one batch run in parallel across the batch instead.

use gemm::Parallelism;

use super::cpu_elementwise::Scalar;
use super::parallel;
use crate::array::shape::{broadcast_shapes, broadcast_strides, numel, Dims};
use crate::array::NdArray;
use crate::error::{Error, Result};

/// Products with fewer multiply-adds (`n·k·m`) than this take the plain loop.
const GEMM_MIN_WORK: usize = 16 * 16 * 16;
/// Products with at least this many multiply-adds let `gemm` use rayon's threads. Below it
/// the split and the pool's wake-up cost more than they save (measured on 2 cores: an MLP's
/// 64x784x256 and 784x64x256 products, 12.8M multiply-adds, ran no faster split; see
/// docs/PERFORMANCE.md).
const GEMM_PARALLEL_WORK: usize = 1 << 24;

/// An element type with a matrix product kernel.
trait MatmulElement: Scalar {
    /// `out = a · b` for row-major `a` (n×k), `b` (k×m) and a zeroed `out` (n×m), all non-empty.
    /// `threads`: whether the product may use rayon itself.
    fn matmul_into(out: &mut [Self], a: &[Self], b: &[Self], [n, k, m]: [usize; 3], threads: bool) {
        let _ = (n, threads);
        plain_matmul(out, a, b, k, m);
    }
}

impl MatmulElement for i32 {}
impl MatmulElement for i64 {}
impl MatmulElement for bool {}

macro_rules! gemm_element {
    ($t:ty) => {
        impl MatmulElement for $t {
            fn matmul_into(
                out: &mut [Self],
                a: &[Self],
                b: &[Self],
                [n, k, m]: [usize; 3],
                threads: bool,
            ) {
                let work = n * k * m;
                if work < GEMM_MIN_WORK {
                    return plain_matmul(out, a, b, k, m);
                }
                assert!(
                    out.len() == n * m && a.len() == n * k && b.len() == k * m,
                    "matmul operand sizes"
                );
                let pool = rayon::current_num_threads();
                let parallelism = if threads && work >= GEMM_PARALLEL_WORK && pool > 1 {
                    Parallelism::Rayon(pool)
                } else {
                    Parallelism::None
                };
                // SAFETY: the three buffers hold exactly n×m, n×k and k×m elements (checked above),
                // row-major with the strides given; `$t` is f32 or f64, which gemm supports.
                unsafe {
                    gemm::gemm(
                        n,
                        m,
                        k,
                        out.as_mut_ptr(),
                        1,
                        m as isize,
                        false,
                        a.as_ptr(),
                        1,
                        k as isize,
                        b.as_ptr(),
                        1,
                        m as isize,
                        0.0,
                        1.0,
                        false,
                        false,
                        false,
                        parallelism,
                    )
                }
            }
        }
    };
}

gemm_element!(f32);
gemm_element!(f64);

/// `out += a · b` row by row: each row of `out` accumulates rows of `b` scaled by `a`'s entries,
/// a unit-stride inner loop that vectorises.
fn plain_matmul<T: Scalar>(out: &mut [T], a: &[T], b: &[T], k: usize, m: usize) {
    for (o_row, a_row) in out.chunks_exact_mut(m).zip(a.chunks_exact(k)) {
        for (&av, b_row) in a_row.iter().zip(b.chunks_exact(m)) {
            for (o, &bv) in o_row.iter_mut().zip(b_row) {
                *o = o.add(av.mul(bv));
            }
        }
    }
}

/// The matrix offsets (in matrices) of batch entry `i` in `a` and `b`.
fn batch_offsets(mut i: usize, batch: &[usize], sa: &[isize], sb: &[isize]) -> (usize, usize) {
    let (mut p, mut q) = (0, 0);
    for d in (0..batch.len()).rev() {
        let idx = i % batch[d];
        i /= batch[d];
        p += idx * sa[d] as usize;
        q += idx * sb[d] as usize;
    }
    (p, q)
}

fn matmul_typed<T: MatmulElement>(
    x: &[T],
    y: &[T],
    [a_batch, b_batch, batch]: [&[usize]; 3],
    dims: [usize; 3],
) -> Vec<T> {
    let [n, k, m] = dims;
    let nb = numel(batch);
    let mut out = vec![T::zero(); nb * n * m];
    if out.is_empty() || k == 0 {
        return out;
    }
    // Every matrix of `a` against the one matrix of `b`: a single tall product.
    if y.len() == k * m && x.len() == nb * n * k {
        T::matmul_into(&mut out, x, y, [nb * n, k, m], true);
        return out;
    }
    let (sa, sb) = (
        broadcast_strides(a_batch, batch),
        broadcast_strides(b_batch, batch),
    );
    let (ma, mb, mo) = (n * k, k * m, n * m);
    let product = |i: usize, o: &mut [T], threads: bool| {
        let (p, q) = batch_offsets(i, batch, &sa, &sb);
        T::matmul_into(
            o,
            &x[p * ma..(p + 1) * ma],
            &y[q * mb..(q + 1) * mb],
            dims,
            threads,
        );
    };
    if n * k * m >= GEMM_PARALLEL_WORK {
        for (i, o) in out.chunks_exact_mut(mo).enumerate() {
            product(i, o, true);
        }
    } else {
        parallel::for_each_chunk_costed(&mut out, mo, k, |start, chunk| {
            for (j, o) in chunk.chunks_exact_mut(mo).enumerate() {
                product(start / mo + j, o, false);
            }
        });
    }
    out
}

/// The batched product of `a` (`[..., n, k]`) and `b` (`[..., k, m]`), both at least 2-D.
pub fn matmul(a: &NdArray, b: &NdArray) -> Result<NdArray> {
    let (ra, rb) = (a.ndim(), b.ndim());
    if ra < 2 || rb < 2 || a.shape()[ra - 1] != b.shape()[rb - 2] {
        return Err(Error::Shape(format!(
            "mat1 and mat2 shapes cannot be multiplied ({:?} and {:?})",
            a.shape(),
            b.shape()
        )));
    }
    let dims = [a.shape()[ra - 2], a.shape()[ra - 1], b.shape()[rb - 1]];
    let (a_batch, b_batch) = (&a.shape()[..ra - 2], &b.shape()[..rb - 2]);
    let batch = broadcast_shapes(a_batch, b_batch)?;
    let mut out_shape: Dims = batch.clone();
    out_shape.extend([dims[0], dims[2]]);
    crate::with_dtype!(a.dtype(), T => {
        let out = matmul_typed::<T>(a.as_slice()?, b.as_slice()?, [a_batch, b_batch, &batch], dims);
        NdArray::from_vec(out, &out_shape)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference product in f64 with explicit broadcasting of the batch.
    fn reference(x: &[f64], xs: &[usize], y: &[f64], ys: &[usize]) -> (Vec<usize>, Vec<f64>) {
        let (ra, rb) = (xs.len(), ys.len());
        let (n, k, m) = (xs[ra - 2], xs[ra - 1], ys[rb - 1]);
        let batch = broadcast_shapes(&xs[..ra - 2], &ys[..rb - 2]).unwrap();
        let (sa, sb) = (
            broadcast_strides(&xs[..ra - 2], &batch),
            broadcast_strides(&ys[..rb - 2], &batch),
        );
        let mut out = vec![];
        for i in 0..numel(&batch) {
            let (p, q) = batch_offsets(i, &batch, &sa, &sb);
            for r in 0..n {
                for c in 0..m {
                    out.push(
                        (0..k)
                            .map(|t| x[p * n * k + r * k + t] * y[q * k * m + t * m + c])
                            .sum(),
                    );
                }
            }
        }
        let mut shape = batch.to_vec();
        shape.extend([n, m]);
        (shape, out)
    }

    fn check(xs: &[usize], ys: &[usize]) {
        let x: Vec<f64> = (0..numel(xs))
            .map(|i| ((i * 7) % 11) as f64 - 5.0)
            .collect();
        let y: Vec<f64> = (0..numel(ys))
            .map(|i| ((i * 5) % 13) as f64 - 6.0)
            .collect();
        let (shape, want) = reference(&x, xs, &y, ys);
        let got = matmul(
            &NdArray::from_vec(x.clone(), xs).unwrap(),
            &NdArray::from_vec(y.clone(), ys).unwrap(),
        )
        .unwrap();
        assert_eq!(got.shape(), shape.as_slice(), "{xs:?} @ {ys:?}");
        assert_eq!(
            got.as_slice::<f64>().unwrap(),
            want.as_slice(),
            "{xs:?} @ {ys:?}"
        );
        let xf: Vec<f32> = x.iter().map(|&v| v as f32).collect();
        let yf: Vec<f32> = y.iter().map(|&v| v as f32).collect();
        let got = matmul(
            &NdArray::from_vec(xf, xs).unwrap(),
            &NdArray::from_vec(yf, ys).unwrap(),
        )
        .unwrap();
        let want32: Vec<f32> = want.iter().map(|&v| v as f32).collect();
        assert_eq!(
            got.as_slice::<f32>().unwrap(),
            want32.as_slice(),
            "f32 {xs:?} @ {ys:?}"
        );
        let xi: Vec<i64> = x.iter().map(|&v| v as i64).collect();
        let yi: Vec<i64> = y.iter().map(|&v| v as i64).collect();
        let got = matmul(
            &NdArray::from_vec(xi, xs).unwrap(),
            &NdArray::from_vec(yi, ys).unwrap(),
        )
        .unwrap();
        let wanti: Vec<i64> = want.iter().map(|&v| v as i64).collect();
        assert_eq!(
            got.as_slice::<i64>().unwrap(),
            wanti.as_slice(),
            "i64 {xs:?} @ {ys:?}"
        );
    }

    #[test]
    fn small_and_gemm_sized_products_match_the_reference() {
        check(&[2, 3], &[3, 4]);
        check(&[1, 5], &[5, 1]);
        check(&[33, 40], &[40, 17]);
        check(&[70, 65], &[65, 80]);
    }

    #[test]
    fn batches_broadcast() {
        check(&[4, 2, 3], &[3, 5]);
        check(&[2, 3], &[4, 3, 5]);
        check(&[2, 1, 3, 4], &[3, 4, 2]);
        check(&[3, 1, 20, 30], &[1, 2, 30, 25]);
        check(&[64, 8, 8], &[64, 8, 8]);
        check(&[2, 70, 64], &[2, 64, 66]);
    }

    #[test]
    fn empty_and_degenerate_shapes() {
        let a = NdArray::zeros(&[2, 0], crate::DType::Float32);
        let b = NdArray::zeros(&[0, 3], crate::DType::Float32);
        let r = matmul(&a, &b).unwrap();
        assert_eq!(r.shape(), &[2, 3]);
        assert!(r.as_slice::<f32>().unwrap().iter().all(|&v| v == 0.0));
        let r = matmul(
            &NdArray::zeros(&[0, 4, 2], crate::DType::Float64),
            &NdArray::zeros(&[2, 3], crate::DType::Float64),
        )
        .unwrap();
        assert_eq!(r.shape(), &[0, 4, 3]);
        assert!(matches!(
            matmul(&NdArray::zeros(&[2, 3], crate::DType::Float32), &b),
            Err(Error::Shape(_))
        ));
        assert!(matches!(
            matmul(&NdArray::zeros(&[3], crate::DType::Float32), &b),
            Err(Error::Shape(_))
        ));
    }

    #[test]
    fn bool_matmul_is_logical() {
        let a = NdArray::from_vec(vec![true, false, false, false], &[2, 2]).unwrap();
        let b = NdArray::from_vec(vec![false, true, true, true], &[2, 2]).unwrap();
        let r = matmul(&a, &b).unwrap();
        assert_eq!(r.as_slice::<bool>().unwrap(), &[false, true, false, false]);
    }
}
