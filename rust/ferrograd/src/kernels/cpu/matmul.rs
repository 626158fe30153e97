//! Batched matrix products `[..., n, k] @ [..., k, m]` with broadcast batch dimensions, either
//! operand optionally read transposed (its last two axes swapped) and the product optionally
//! added to a broadcast initial value (a bias).
//!
//! Floats go through the `gemm` crate (rayon inside one product once it is big enough), except
//! tiny products, where a plain loop beats its setup. Integers use the same plain loop with
//! wrapping arithmetic; `bool` is logical (or of ands), where PyTorch refuses bool matmul.
//! Many small products in one batch run in parallel across the batch instead. Transposed
//! operands are read in place through their strides (gemm packs its operands anyway), except
//! that a product against a transposed right operand of more columns than the left has rows
//! (a `Linear` weight) is computed transposed and the result transposed back, so that gemm
//! packs the smaller operand.

use gemm::Parallelism;

use super::index;
use super::scalar::Scalar;
use crate::array::shape::{broadcast_shapes, broadcast_strides, numel, Dims};
use crate::array::NdArray;
use crate::error::{Error, Result};
use crate::kernels::parallel;

/// Products with fewer multiply-adds (`n·k·m`) than this take the plain loop.
const GEMM_MIN_WORK: usize = 16 * 16 * 16;
/// Products with at least this many multiply-adds let `gemm` use rayon's threads. Below it
/// the split and the pool's wake-up cost more than they save (measured on 2 cores: an MLP's
/// 64x784x256 and 784x64x256 products, 12.8M multiply-adds, ran no faster split; see
/// docs/PERFORMANCE.md).
const GEMM_PARALLEL_WORK: usize = 1 << 24;
/// gemm computes a product of at most this many output elements with its dot-product
/// ("horizontal") kernel when the left operand is read along rows and the right along columns
/// (`a` row-major, `b` read transposed: a `Linear` weight), with no packing at all.
const DOT_TILE_ELEMENTS: usize = 256;

/// The most rows of a product against a right operand read transposed that are computed as
/// tiles of [`DOT_TILE_ELEMENTS`] outputs through gemm's dot-product kernel, for depth `k`.
/// Otherwise gemm, writing a row-major output, packs the whole transposed right operand (a
/// strided gather of the weight) on every call, which on a few rows costs more than the product:
/// a 16×512 input against a 128×512 weight took 63 µs, as tiles 16 µs; 8×128 against 384×128
/// 19 → 12 µs. Each tile reads its rows and columns whole, so tiles lose once the rows are many
/// and the depth short (64×128 against 128×128: 17 µs direct, 27 µs as tiles). Measured on
/// AVX-512, where gemm's dot-product kernel is 4×4; AVX2's is 2×2 and wins only up to 8 rows.
/// Elsewhere gemm has no such kernel (docs/PERFORMANCE.md).
fn dot_tile_max_rows(k: usize) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        if is_x86_feature_detected!("avx512f") {
            return (k / 8).min(64);
        }
        if is_x86_feature_detected!("fma") {
            return (k / 8).min(8);
        }
    }
    let _ = k;
    0
}

/// Which operands of a product are read transposed (last two axes swapped).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Transposed {
    /// Read the left operand transposed.
    pub a: bool,
    /// Read the right operand transposed.
    pub b: bool,
}

/// Row and column strides (in elements) of a `rows`×`cols` matrix stored row-major, or stored
/// as its transpose (`cols`×`rows` row-major) when `trans`.
fn strides(trans: bool, rows: usize, cols: usize) -> [isize; 2] {
    if trans {
        [1, rows as isize]
    } else {
        [cols as isize, 1]
    }
}

/// One product's operands: `a` is n×k and `b` k×m as read, with the strides to read them.
pub(super) struct Operands<'a, T> {
    a: &'a [T],
    b: &'a [T],
    a_strides: [isize; 2],
    b_strides: [isize; 2],
}

/// An element type with a matrix product kernel.
pub(super) trait MatmulElement: Scalar {
    /// `out += a · b` for a row-major `out` (n×m), all non-empty; `out = a · b` (`out` not
    /// read) unless `accumulate`. `threads`: whether the product may use rayon itself.
    fn matmul_into(
        out: &mut [Self],
        accumulate: bool,
        x: &Operands<Self>,
        [n, k, m]: [usize; 3],
        threads: bool,
    ) {
        let _ = threads;
        plain_matmul(out, accumulate, x, [n, k, m]);
    }

    /// A fresh `n×m` product `a · b` written without zeroing the output first (the zero fill of
    /// a large output costs a pass over it), or `None` where this type has no such kernel.
    fn product(x: &Operands<Self>, dims: [usize; 3]) -> Option<Vec<Self>> {
        let _ = (x, dims);
        None
    }
}

impl MatmulElement for i32 {}
impl MatmulElement for i64 {}
impl MatmulElement for i16 {}
impl MatmulElement for i8 {}
impl MatmulElement for u8 {}
impl MatmulElement for bool {}
// Never reached with these: `kernels::dispatch` multiplies 16-bit floats as f32 and rounds.
impl MatmulElement for crate::array::f16 {}
impl MatmulElement for crate::array::bf16 {}

/// One gemm call, `dst = dst + lhs · rhs` (`dst` read only when `read_dst`), for a `rows`×`cols`
/// `dst` of row stride `dst_rs` and contiguous rows; each operand is given with its row and
/// column strides.
///
/// # Safety
/// The operands address `rows`×`depth` and `depth`×`cols` elements and `dst` `rows`×`cols`
/// elements (valid for writes, and reads when `read_dst`) through their strides.
#[allow(clippy::too_many_arguments)]
unsafe fn gemm_call<T: Copy + 'static>(
    dst: *mut T,
    dst_rs: usize,
    read_dst: bool,
    (lhs, [lhs_rs, lhs_cs]): (*const T, [isize; 2]),
    (rhs, [rhs_rs, rhs_cs]): (*const T, [isize; 2]),
    [rows, cols, depth]: [usize; 3],
    one: T,
    parallelism: Parallelism,
) {
    // SAFETY: as the caller guarantees.
    unsafe {
        gemm::gemm(
            rows,
            cols,
            depth,
            dst,
            1,
            dst_rs as isize,
            read_dst,
            lhs,
            lhs_cs,
            lhs_rs,
            rhs,
            rhs_cs,
            rhs_rs,
            one,
            one,
            false,
            false,
            false,
            parallelism,
        )
    }
}

macro_rules! gemm_element {
    ($t:ty, $gemm_into:ident) => {
        /// `dst = a · b`, or `dst += a · b` when `accumulate`, through gemm, for a row-major n×m
        /// `dst`.
        ///
        /// # Safety
        /// `dst` is valid for writes (and, when `accumulate`, reads) of n×m elements, and `x`'s
        /// operands hold n×k and k×m elements, addressed within their buffers by their strides.
        unsafe fn $gemm_into(
            dst: *mut $t,
            accumulate: bool,
            x: &Operands<$t>,
            [n, k, m]: [usize; 3],
            threads: bool,
        ) {
            let pool = parallel::num_threads();
            let parallelism = if threads && n * k * m >= GEMM_PARALLEL_WORK && pool > 1 {
                parallel::gemm_parallelism(pool)
            } else {
                Parallelism::None
            };
            let ([a_rs, a_cs], [b_rs, b_cs]) = (x.a_strides, x.b_strides);
            // `dst[i.., j..] = 1·dst + 1·a[i.., :]·b[:, j..]` for `rows`×`cols` of the output,
            // `dst` not read unless `accumulate`.
            let block = |i: usize, j: usize, [rows, cols]: [usize; 2]| {
                // SAFETY: as the caller guarantees: `i + rows <= n` and `j + cols <= m`, so the
                // offsets address rows of `a`, columns of `b` and elements of `dst` within
                // them.
                unsafe {
                    gemm_call(
                        dst.add(i * m + j),
                        m,
                        accumulate,
                        (x.a.as_ptr().offset(i as isize * a_rs), x.a_strides),
                        (x.b.as_ptr().offset(j as isize * b_cs), x.b_strides),
                        [rows, cols, k],
                        1.0,
                        parallelism,
                    )
                }
            };
            // `a` row-major against `b` read transposed: a `Linear` weight.
            let weight_like = a_cs == 1 && b_rs == 1;
            let tiles = weight_like
                && matches!(parallelism, Parallelism::None)
                && n <= dot_tile_max_rows(k);
            if weight_like && n < m && !tiles {
                // A `Linear` weight of more outputs than the input has rows: written row-major,
                // gemm packs the operand that runs along the output's rows, here the whole
                // weight through a strided gather on every call. The product transposed,
                // `bᵀ aᵀ` into a scratch matrix, packs the smaller input instead, and
                // transposing the scratch into `dst` costs less than the gather
                // (docs/PERFORMANCE.md). Without memory for the scratch, the direct product.
                if let Ok(mut scratch) = crate::array::alloc::with_capacity::<$t>(m * n) {
                    // SAFETY: the scratch holds m×n elements, written whole (not read) before
                    // `set_len`; `bᵀ` is m×k and `aᵀ` k×n through the operands' strides
                    // swapped.
                    unsafe {
                        gemm_call(
                            scratch.as_mut_ptr(),
                            n,
                            false,
                            (x.b.as_ptr(), [b_cs, b_rs]),
                            (x.a.as_ptr(), [a_cs, a_rs]),
                            [m, n, k],
                            1.0,
                            parallelism,
                        );
                        scratch.set_len(m * n);
                    }
                    // SAFETY: `dst` is valid for n×m writes, and reads when `accumulate` (the
                    // caller's contract).
                    return unsafe {
                        super::transpose::transpose_into(&scratch, [m, n], dst, accumulate)
                    };
                }
            }
            if !tiles {
                return block(0, 0, [n, m]);
            }
            let rows = n.min(16);
            let cols = DOT_TILE_ELEMENTS / rows;
            for i in (0..n).step_by(rows) {
                for j in (0..m).step_by(cols) {
                    block(i, j, [rows.min(n - i), cols.min(m - j)]);
                }
            }
        }

        impl MatmulElement for $t {
            fn matmul_into(
                out: &mut [Self],
                accumulate: bool,
                x: &Operands<Self>,
                [n, k, m]: [usize; 3],
                threads: bool,
            ) {
                if n * k * m < GEMM_MIN_WORK {
                    return plain_matmul(out, accumulate, x, [n, k, m]);
                }
                assert!(
                    out.len() == n * m && x.a.len() == n * k && x.b.len() == k * m,
                    "matmul operand sizes"
                );
                // SAFETY: `out` holds n×m elements and the operands n×k and k×m (checked above).
                unsafe { $gemm_into(out.as_mut_ptr(), accumulate, x, [n, k, m], threads) }
            }

            fn product(x: &Operands<Self>, [n, k, m]: [usize; 3]) -> Option<Vec<Self>> {
                if n * k * m < GEMM_MIN_WORK || x.a.len() != n * k || x.b.len() != k * m {
                    return None;
                }
                // Out of memory: `None`, and the caller's zeroed buffer reports it.
                let mut out = crate::array::alloc::with_capacity(n * m).ok()?;
                // SAFETY: the capacity holds n×m elements, which gemm writes without reading
                // (`accumulate` false) before `set_len` exposes them; operand sizes checked above.
                unsafe {
                    $gemm_into(out.as_mut_ptr(), false, x, [n, k, m], true);
                    out.set_len(n * m);
                }
                Some(out)
            }
        }
    };
}

gemm_element!(f32, gemm_into_f32);
gemm_element!(f64, gemm_into_f64);

/// `out += a · b` row by row (`out = a · b` unless `accumulate`): each row of `out`
/// accumulates rows of `b` scaled by `a`'s entries, a unit-stride inner loop that vectorises
/// when `b` is not transposed.
fn plain_matmul<T: Scalar>(
    out: &mut [T],
    accumulate: bool,
    x: &Operands<T>,
    [_, k, m]: [usize; 3],
) {
    if !accumulate {
        out.fill(T::default());
    }
    let ([a_rs, a_cs], [b_rs, b_cs]) = (x.a_strides, x.b_strides);
    for (i, o_row) in out.chunks_exact_mut(m).enumerate() {
        for t in 0..k {
            let av = x.a[i * a_rs as usize + t * a_cs as usize];
            let b_row = t * b_rs as usize;
            if b_cs == 1 {
                for (o, &bv) in o_row.iter_mut().zip(&x.b[b_row..b_row + m]) {
                    *o = o.add(av.mul(bv));
                }
            } else {
                for (j, o) in o_row.iter_mut().enumerate() {
                    *o = o.add(av.mul(x.b[b_row + j * b_cs as usize]));
                }
            }
        }
    }
}

/// One `n×k` by `k×m` product into a row-major `out` (`n×m`): `out = op(a) · op(b)`, or
/// `out += ...` when `accumulate`, each operand stored row-major or (as `trans` says) as its
/// transpose. `threads`: whether the product may use the pool itself (not inside a task that
/// already runs on it).
pub(super) fn product_into<T: MatmulElement>(
    out: &mut [T],
    accumulate: bool,
    (a, b): (&[T], &[T]),
    trans: Transposed,
    [n, k, m]: [usize; 3],
    threads: bool,
) {
    assert!(
        out.len() == n * m && a.len() == n * k && b.len() == k * m,
        "matrix product operand sizes"
    );
    let x = Operands {
        a,
        b,
        a_strides: strides(trans.a, n, k),
        b_strides: strides(trans.b, k, m),
    };
    T::matmul_into(out, accumulate, &x, [n, k, m], threads)
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

/// The whole batch as one product where it is one: a single pair of matrices, or every matrix of
/// a row-major `a` against the one matrix of `b` (a single tall product).
fn one_product<'a, T>(
    (x, y): (&'a [T], &'a [T]),
    nb: usize,
    [n, k, m]: [usize; 3],
    trans: Transposed,
) -> Option<(Operands<'a, T>, [usize; 3])> {
    let whole = Operands {
        a: x,
        b: y,
        a_strides: strides(trans.a, n, k),
        b_strides: strides(trans.b, k, m),
    };
    if y.len() != k * m {
        None
    } else if x.len() == n * k {
        Some((whole, [n, k, m]))
    } else if !trans.a && x.len() == nb * n * k {
        Some((whole, [nb * n, k, m]))
    } else {
        None
    }
}

/// `out += x · y` for every batch entry; `out` holds the whole (batch, n, m) result.
fn matmul_typed<T: MatmulElement>(
    out: &mut [T],
    (x, y): (&[T], &[T]),
    [a_batch, b_batch, batch]: [&[usize]; 3],
    dims: [usize; 3],
    trans: Transposed,
) {
    let [n, k, m] = dims;
    let nb = numel(batch);
    if out.is_empty() || k == 0 {
        return;
    }
    if let Some((whole, dims)) = one_product((x, y), nb, dims, trans) {
        T::matmul_into(out, true, &whole, dims, true);
        return;
    }
    let (a_strides, b_strides) = (strides(trans.a, n, k), strides(trans.b, k, m));
    let (sa, sb) = (
        broadcast_strides(a_batch, batch),
        broadcast_strides(b_batch, batch),
    );
    let (ma, mb, mo) = (n * k, k * m, n * m);
    let product = |i: usize, o: &mut [T], threads: bool| {
        let (p, q) = batch_offsets(i, batch, &sa, &sb);
        let one = Operands {
            a: &x[p * ma..(p + 1) * ma],
            b: &y[q * mb..(q + 1) * mb],
            a_strides,
            b_strides,
        };
        T::matmul_into(o, true, &one, dims, threads);
    };
    if n * k * m >= GEMM_PARALLEL_WORK {
        for (i, o) in out.chunks_exact_mut(mo).enumerate() {
            product(i, o, true);
        }
    } else {
        parallel::for_each_chunk_costed(out, mo, k, |start, chunk| {
            for (j, o) in chunk.chunks_exact_mut(mo).enumerate() {
                product(start / mo + j, o, false);
            }
        });
    }
}

/// The (rows, cols) of a matrix operand as the product reads it.
fn read_dims(a: &NdArray, trans: bool) -> [usize; 2] {
    let r = a.ndim();
    let (rows, cols) = (a.shape()[r - 2], a.shape()[r - 1]);
    if trans {
        [cols, rows]
    } else {
        [rows, cols]
    }
}

/// The shape of `op(a) @ op(b)`, or the error for operands that cannot be multiplied.
pub fn product_shape(a: &NdArray, b: &NdArray, trans: Transposed) -> Result<Dims> {
    let (ra, rb) = (a.ndim(), b.ndim());
    let mismatch = || {
        Error::Shape(format!(
            "mat1 and mat2 shapes cannot be multiplied ({:?}{} and {:?}{})",
            a.shape(),
            if trans.a { " transposed" } else { "" },
            b.shape(),
            if trans.b { " transposed" } else { "" },
        ))
    };
    if ra < 2 || rb < 2 {
        return Err(mismatch());
    }
    let ([n, k], [k2, m]) = (read_dims(a, trans.a), read_dims(b, trans.b));
    if k != k2 {
        return Err(mismatch());
    }
    let mut shape = broadcast_shapes(&a.shape()[..ra - 2], &b.shape()[..rb - 2])?;
    shape.extend([n, m]);
    // Operands that fit can make a product that does not ([2^32, 1] @ [1, 2^32]).
    crate::array::shape::check_storage(&shape, a.dtype().size_in_bytes())?;
    Ok(shape)
}

/// `init` broadcast to `shape`, as a fresh array this product may write into.
fn initial(init: &NdArray, shape: &[usize]) -> Result<NdArray> {
    if broadcast_shapes(init.shape(), shape)?.as_slice() != shape {
        return Err(Error::Shape(format!(
            "the bias of shape {:?} does not broadcast to the product's shape {shape:?}",
            init.shape()
        )));
    }
    // A bias repeated along the leading axes (a linear layer's): its elements, row after row.
    let own = init
        .shape()
        .iter()
        .position(|&d| d != 1)
        .map_or(&[][..], |i| &init.shape()[i..]);
    if init.is_contiguous() && shape.ends_with(own) {
        return crate::with_dtype!(init.dtype(), T => {
            let row = init.as_slice::<T>()?;
            let total = numel(shape);
            let repeated = match row {
                [one] => crate::array::alloc::filled(*one, total)?,
                _ => {
                    let mut v = crate::array::alloc::with_capacity(total)?;
                    for _ in 0..total.checked_div(row.len()).unwrap_or(0) {
                        v.extend_from_slice(row);
                    }
                    v
                }
            };
            NdArray::from_vec(repeated, shape)
        });
    }
    let view = broadcast_strides(init.shape(), shape);
    let out = index::gather(init, shape, &view, 0)?;
    if out.shares_storage_with(init) {
        // Already the whole of `init` (no broadcast): copy it rather than write into it.
        return crate::with_dtype!(init.dtype(), T => NdArray::from_vec(crate::array::alloc::copied(init.as_slice::<T>()?)?, shape));
    }
    Ok(out)
}

/// `init + op(a) @ op(b)` (`init` broadcasting to the product's shape; zeros when absent), for
/// operands of one dtype, each at least 2-D, `op` transposing the operands `trans` names.
pub fn matmul(
    a: &NdArray,
    b: &NdArray,
    trans: Transposed,
    init: Option<&NdArray>,
) -> Result<NdArray> {
    let out_shape = product_shape(a, b, trans)?;
    let ([n, k], m) = (read_dims(a, trans.a), out_shape[out_shape.len() - 1]);
    let (ra, rb) = (a.ndim(), b.ndim());
    let (a_batch, b_batch) = (&a.shape()[..ra - 2], &b.shape()[..rb - 2]);
    let batch = &out_shape[..out_shape.len() - 2];
    crate::with_dtype!(a.dtype(), T => {
        let (x, y) = (a.as_slice::<T>()?, b.as_slice::<T>()?);
        let fresh = match (init, one_product((x, y), numel(batch), [n, k, m], trans)) {
            (None, Some((whole, dims))) => T::product(&whole, dims),
            _ => None,
        };
        if let Some(out) = fresh {
            return NdArray::from_vec(out, &out_shape);
        }
        let mut out = match init {
            Some(c) => initial(c, &out_shape)?,
            None => NdArray::try_full(&out_shape, 0.0, a.dtype())?,
        };
        matmul_typed::<T>(out.as_mut_slice()?, (x, y), [a_batch, b_batch, batch], [n, k, m], trans);
        Ok(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(a: &NdArray, b: &NdArray) -> Result<NdArray> {
        matmul(a, b, Transposed::default(), None)
    }

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

    /// Small integers (exact in every dtype) filling operands of shapes `xs` and `ys`.
    fn operands(xs: &[usize], ys: &[usize]) -> (Vec<f64>, Vec<f64>) {
        let x = (0..numel(xs)).map(|i| ((i * 7) % 11) as f64 - 5.0);
        let y = (0..numel(ys)).map(|i| ((i * 5) % 13) as f64 - 6.0);
        (x.collect(), y.collect())
    }

    fn check(xs: &[usize], ys: &[usize]) {
        let (x, y) = operands(xs, ys);
        let (shape, want) = reference(&x, xs, &y, ys);
        let got = plain(
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
        let got = plain(
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
        let got = plain(
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
        let r = plain(&a, &b).unwrap();
        assert_eq!(r.shape(), &[2, 3]);
        assert!(r.as_slice::<f32>().unwrap().iter().all(|&v| v == 0.0));
        let r = plain(
            &NdArray::zeros(&[0, 4, 2], crate::DType::Float64),
            &NdArray::zeros(&[2, 3], crate::DType::Float64),
        )
        .unwrap();
        assert_eq!(r.shape(), &[0, 4, 3]);
        assert!(matches!(
            plain(&NdArray::zeros(&[2, 3], crate::DType::Float32), &b),
            Err(Error::Shape(_))
        ));
        assert!(matches!(
            plain(&NdArray::zeros(&[3], crate::DType::Float32), &b),
            Err(Error::Shape(_))
        ));
    }

    #[test]
    fn bool_matmul_is_logical() {
        let a = NdArray::from_vec(vec![true, false, false, false], &[2, 2]).unwrap();
        let b = NdArray::from_vec(vec![false, true, true, true], &[2, 2]).unwrap();
        let r = plain(&a, &b).unwrap();
        assert_eq!(r.as_slice::<bool>().unwrap(), &[false, true, false, false]);
    }

    /// `v` (of `shape`, at least 2-D) with its last two axes swapped, and the swapped shape.
    fn swap_last(v: &[f64], shape: &[usize]) -> (Vec<f64>, Vec<usize>) {
        let r = shape.len();
        let (rows, cols) = (shape[r - 2], shape[r - 1]);
        let mut out = Vec::with_capacity(v.len());
        for matrix in v.chunks(rows * cols) {
            for c in 0..cols {
                out.extend((0..rows).map(|row| matrix[row * cols + c]));
            }
        }
        let mut swapped = shape.to_vec();
        swapped.swap(r - 2, r - 1);
        (out, swapped)
    }

    /// Every transposition of `xs @ ys`, with and without a bias of `bias_shape`, against the
    /// reference, in f64 and (through gemm above its threshold) f32.
    fn check_transposed(xs: &[usize], ys: &[usize], bias_shape: &[usize]) {
        let (x, y) = operands(xs, ys);
        let bias: Vec<f64> = (0..numel(bias_shape))
            .map(|i| (i % 5) as f64 - 2.0)
            .collect();
        let (shape, product) = reference(&x, xs, &y, ys);
        let bias_view = broadcast_strides(bias_shape, &shape);
        let offsets = crate::array::shape::contiguous_strides(&shape);
        let with_bias: Vec<f64> = product
            .iter()
            .enumerate()
            .map(|(flat, p)| {
                let at: isize = offsets
                    .iter()
                    .zip(&shape)
                    .zip(&bias_view)
                    .map(|((&o, &d), &s)| ((flat as isize / o) % d as isize) * s)
                    .sum();
                p + bias[at as usize]
            })
            .collect();
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let (xv, xshape) = if ta {
                swap_last(&x, xs)
            } else {
                (x.clone(), xs.to_vec())
            };
            let (yv, yshape) = if tb {
                swap_last(&y, ys)
            } else {
                (y.clone(), ys.to_vec())
            };
            let trans = Transposed { a: ta, b: tb };
            let init = NdArray::from_vec(bias.clone(), bias_shape).unwrap();
            for (bias, want) in [(None, &product), (Some(&init), &with_bias)] {
                let a = NdArray::from_vec(xv.clone(), &xshape).unwrap();
                let b = NdArray::from_vec(yv.clone(), &yshape).unwrap();
                let got = matmul(&a, &b, trans, bias).unwrap();
                assert_eq!(got.shape(), shape.as_slice(), "{trans:?} {xs:?} @ {ys:?}");
                assert_eq!(
                    got.as_slice::<f64>().unwrap(),
                    want.as_slice(),
                    "{trans:?} {bias:?}"
                );
                let f32s = |v: &[f64], s: &[usize]| {
                    NdArray::from_vec(v.iter().map(|&e| e as f32).collect::<Vec<f32>>(), s).unwrap()
                };
                let bias32 = bias.map(|_| f32s(init.as_slice::<f64>().unwrap(), bias_shape));
                let got = matmul(
                    &f32s(&xv, &xshape),
                    &f32s(&yv, &yshape),
                    trans,
                    bias32.as_ref(),
                )
                .unwrap();
                let want32: Vec<f32> = want.iter().map(|&v| v as f32).collect();
                assert_eq!(
                    got.as_slice::<f32>().unwrap(),
                    want32.as_slice(),
                    "f32 {trans:?} {bias:?}"
                );
            }
            assert_eq!(
                init.as_slice::<f64>().unwrap(),
                bias.as_slice(),
                "the bias is left as it was"
            );
        }
    }

    #[test]
    fn transposed_operands_and_bias_match_the_reference() {
        check_transposed(&[2, 3], &[3, 4], &[4]);
        check_transposed(&[64, 40], &[40, 24], &[24]);
        check_transposed(&[33, 20], &[20, 17], &[33, 1]);
        check_transposed(&[5, 6], &[6, 7], &[5, 7]);
        check_transposed(&[3, 20, 30], &[30, 25], &[25]);
        check_transposed(&[2, 1, 12, 30], &[3, 30, 20], &[3, 1, 20]);
        // biases repeated row after row: a number, a leading 1, over a batch
        check_transposed(&[5, 6], &[6, 7], &[]);
        check_transposed(&[5, 6], &[6, 7], &[1, 7]);
        check_transposed(&[4, 5, 6], &[6, 7], &[5, 7]);
    }

    #[test]
    fn few_rows_against_a_transposed_right_operand_match_the_reference() {
        // gemm's dot-product tiles (on CPUs that have them): one row; 17 rows, a tile of 16
        // and one of 1; columns past one tile with a remainder; a batch of 3-row products; the
        // row limit at depth 512 (64 rows) and one row past it
        check_transposed(&[1, 600], &[600, 300], &[300]);
        check_transposed(&[17, 128], &[128, 300], &[300]);
        check_transposed(&[2, 3, 40], &[40, 70], &[70]);
        check_transposed(&[64, 512], &[512, 40], &[40]);
        check_transposed(&[65, 512], &[512, 40], &[40]);
    }

    #[test]
    fn more_columns_than_rows_against_a_transposed_right_operand_match_the_reference() {
        // computed transposed and transposed back: rows past the dot-product tiles, a batch
        // folded into 24 rows, transpose tiles cut short both ways, and one row fewer than
        // columns
        check_transposed(&[2, 12, 30], &[30, 50], &[50]);
        check_transposed(&[37, 20], &[20, 70], &[37, 1]);
        check_transposed(&[40, 9], &[9, 41], &[]);
    }

    #[test]
    fn transposed_shape_mismatch_is_an_error() {
        let a = NdArray::zeros(&[4, 3], crate::DType::Float32);
        let b = NdArray::zeros(&[4, 5], crate::DType::Float32);
        assert!(matmul(&a, &b, Transposed { a: true, b: false }, None).is_ok());
        let err = matmul(&a, &b, Transposed { a: false, b: true }, None).unwrap_err();
        assert!(
            matches!(err, Error::Shape(ref m) if m.contains("transposed")),
            "{err:?}"
        );
        let bias = NdArray::zeros(&[4], crate::DType::Float32);
        assert!(matches!(
            matmul(&a, &b, Transposed { a: true, b: false }, Some(&bias)),
            Err(Error::Shape(_))
        ));
    }
}
