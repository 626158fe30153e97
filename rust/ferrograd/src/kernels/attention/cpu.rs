//! Scaled dot-product attention on the CPU, forward and backward, in the manner of
//! FlashAttention: queries are taken in blocks of `BLOCK_Q` rows and keys in blocks of
//! `BLOCK_K`, so no `(L, S)` score matrix is ever held, only one `BLOCK_Q × BLOCK_K` tile per
//! thread. The forward keeps a running maximum and sum per query row (the online softmax) and
//! saves each row's log-sum-exp; the backward recomputes every tile's probabilities from it.
//! The products inside a tile go through `gemm`; `exp` through the `vecmath` slice kernels.
//!
//! Layout: `q` is `(N, L, E)` with `N` the product of the batch dimensions (heads innermost),
//! `k` `(N / G, S, E)` and `v` `(N / G, S, Ev)`, where each key/value head serves `G`
//! consecutive query heads (grouped-query attention; `G = 1` otherwise). Work is split over
//! the key/value heads, so the backward accumulates each `dk`, `dv` in one task.

use std::mem::MaybeUninit;
use std::ops::{Add, AddAssign, Div, Mul, MulAssign, Sub};
use std::sync::atomic::{AtomicBool, Ordering};

use super::{AttentionDropout, AttentionSpec};

use crate::array::shape::broadcast_strides;
use crate::array::{alloc, DType, Element, NdArray};
use crate::error::{Error, Result};
use crate::kernels::parallel;
use crate::kernels::vecmath::{kernel_f32, kernel_f64, Isa, SliceKernel};
use crate::kernels::UnaryOp;

/// Query rows per tile.
const BLOCK_Q: usize = 64;
/// Keys per tile.
const BLOCK_K: usize = 128;

/// The element types attention computes in.
trait Real:
    Element
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + AddAssign
    + MulAssign
{
    const ZERO: Self;
    const ONE: Self;
    const NEG_INF: Self;
    fn exp_kernel() -> Option<SliceKernel<Self>>;
    fn exp(self) -> Self;
    fn ln(self) -> Self;
}

macro_rules! real {
    ($t:ty, $kernel:ident) => {
        impl Real for $t {
            const ZERO: $t = 0.0;
            const ONE: $t = 1.0;
            const NEG_INF: $t = <$t>::NEG_INFINITY;
            fn exp_kernel() -> Option<SliceKernel<$t>> {
                $kernel(UnaryOp::Exp)
            }
            fn exp(self) -> $t {
                <$t>::exp(self)
            }
            fn ln(self) -> $t {
                <$t>::ln(self)
            }
        }
    };
}

real!(f32, kernel_f32);
real!(f64, kernel_f64);

/// The sizes of one attention call (see the module's layout).
#[derive(Clone, Copy, Debug)]
struct Sizes {
    /// Query heads, all batch dimensions together.
    n: usize,
    /// Query heads per key/value head.
    groups: usize,
    l: usize,
    s: usize,
    e: usize,
    ev: usize,
}

impl Sizes {
    fn of(q: &NdArray, k: &NdArray, v: &NdArray) -> Result<Sizes> {
        let (qs, ks, vs) = (q.shape(), k.shape(), v.shape());
        let nd = qs.len();
        if nd < 2 || ks.len() != nd || vs.len() != nd {
            return Err(Error::Shape(
                "attention: query, key and value need the same number of dimensions, at least 2"
                    .into(),
            ));
        }
        let n: usize = qs[..nd - 2].iter().product();
        let nk: usize = ks[..nd - 2].iter().product();
        let groups = n.checked_div(nk).unwrap_or(1).max(1);
        let heads_fit = nd < 3
            || (qs[..nd - 3] == ks[..nd - 3] && qs[nd - 3] == ks[nd - 3] * groups)
                && ks[..nd - 2] == vs[..nd - 2];
        if !heads_fit || ks[nd - 1] != qs[nd - 1] || ks[nd - 2] != vs[nd - 2] {
            return Err(Error::Shape(format!(
                "attention: query {qs:?}, key {ks:?} and value {vs:?} do not fit together"
            )));
        }
        Ok(Sizes {
            n,
            groups,
            l: qs[nd - 2],
            s: ks[nd - 2],
            e: qs[nd - 1],
            ev: vs[nd - 1],
        })
    }
}

/// How the scores are masked: an additive float mask read through broadcast strides, and/or
/// the causal rule (key `j` is visible to query `i` when `j <= i`).
struct Masking<'a, T> {
    additive: Option<Additive<'a, T>>,
    causal: bool,
}

struct Additive<'a, T> {
    data: &'a [T],
    /// The offset of each query head's `(L, S)` plane.
    plane: Vec<usize>,
    row_stride: usize,
    col_stride: usize,
}

impl<'a, T: Real> Masking<'a, T> {
    fn new(mask: Option<&'a NdArray>, q: &NdArray, s: usize, causal: bool) -> Result<Self> {
        let Some(mask) = mask else {
            return Ok(Masking {
                additive: None,
                causal,
            });
        };
        let qs = q.shape();
        let nd = qs.len();
        let mut full = qs[..nd - 2].to_vec();
        full.extend([qs[nd - 2], s]);
        let ms = mask.shape();
        let fits = ms.len() <= full.len()
            && ms
                .iter()
                .rev()
                .zip(full.iter().rev())
                .all(|(&m, &f)| m == 1 || m == f);
        if !fits {
            return Err(Error::Shape(format!(
                "attention: a mask of shape {ms:?} does not broadcast to {full:?}"
            )));
        }
        let strides = broadcast_strides(ms, &full);
        let batch = &full[..nd - 2];
        let n: usize = batch.iter().product();
        let plane = (0..n)
            .map(|mut i| {
                let mut off = 0;
                for d in (0..batch.len()).rev() {
                    off += (i % batch[d]) * strides[d] as usize;
                    i /= batch[d];
                }
                off
            })
            .collect();
        Ok(Masking {
            additive: Some(Additive {
                data: mask.as_slice::<T>()?,
                plane,
                row_stride: strides[nd - 2] as usize,
                col_stride: strides[nd - 1] as usize,
            }),
            causal,
        })
    }

    /// Applies the mask to a tile of scores `rows × cols` for head `head`, query rows from
    /// `i0`, keys from `j0`.
    fn apply(&self, tile: &mut [T], head: usize, i0: usize, j0: usize, cols: usize) {
        for (r, row) in tile.chunks_exact_mut(cols).enumerate() {
            let i = i0 + r;
            if let Some(m) = &self.additive {
                let start = m.plane[head] + i * m.row_stride + j0 * m.col_stride;
                if m.col_stride == 1 {
                    for (x, &a) in row.iter_mut().zip(&m.data[start..start + cols]) {
                        *x += a;
                    }
                } else {
                    for (c, x) in row.iter_mut().enumerate() {
                        *x += m.data[start + c * m.col_stride];
                    }
                }
            }
            if self.causal && j0 + cols > i + 1 {
                let first_hidden = (i + 1).saturating_sub(j0);
                row[first_hidden..].fill(T::NEG_INF);
            }
        }
    }

    /// The keys query rows `i0..i1` may see: all, or those up to `i1 - 1` when causal.
    fn key_end(&self, i1: usize, s: usize) -> usize {
        if self.causal {
            i1.min(s)
        } else {
            s
        }
    }
}

/// A row-major matrix in a slice, or its transpose, as `gemm` reads it.
#[derive(Clone, Copy)]
struct Mat<'a, T> {
    data: &'a [T],
    /// Row and column strides of the matrix as read.
    rs: isize,
    cs: isize,
}

impl<'a, T> Mat<'a, T> {
    /// `data` holds a row-major matrix `cols` wide.
    fn rows(data: &'a [T], cols: usize) -> Self {
        Mat {
            data,
            rs: cols as isize,
            cs: 1,
        }
    }

    /// `data` holds a row-major matrix `cols` wide, read transposed.
    fn transposed(data: &'a [T], cols: usize) -> Self {
        Mat {
            data,
            rs: 1,
            cs: cols as isize,
        }
    }
}

/// `dst = beta · a · b`, or `dst += beta · a · b` when `accumulate`, for a row-major `m × n`
/// `dst`, `a` read as `m × k` and `b` as `k × n`.
fn product<T: Real>(
    dst: &mut [T],
    accumulate: bool,
    [m, k, n]: [usize; 3],
    a: Mat<T>,
    b: Mat<T>,
    beta: T,
) {
    assert!(dst.len() >= m * n, "attention: product output size");
    let last = |x: &Mat<T>, r: usize, c: usize| {
        (r.saturating_sub(1) as isize * x.rs + c.saturating_sub(1) as isize * x.cs) as usize
    };
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if !accumulate {
            dst[..m * n].fill(T::ZERO);
        }
        return;
    }
    assert!(
        last(&a, m, k) < a.data.len() && last(&b, k, n) < b.data.len(),
        "attention: product operand sizes"
    );
    // SAFETY: `dst` holds m×n elements and every element the operands' strides address lies
    // within their slices (both checked above); gemm supports f32 and f64.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.as_mut_ptr(),
            1,
            n as isize,
            accumulate,
            a.data.as_ptr(),
            a.cs,
            a.rs,
            b.data.as_ptr(),
            b.cs,
            b.rs,
            T::ONE,
            beta,
            false,
            false,
            false,
            gemm::Parallelism::None,
        )
    }
}

/// Scratch tiles and the `exp` slice kernel of one task.
struct Tiles<T> {
    scores: Vec<T>,
    probs: Vec<T>,
    isa: Isa,
    exp: SliceKernel<T>,
}

impl<T: Real> Tiles<T> {
    /// Tiles as large as the problem's: zeroing two whole 64×128 tiles took longer than the
    /// attention of a few tokens (each step of a generation).
    fn new(sz: &Sizes) -> Result<Self> {
        let exp = T::exp_kernel().ok_or_else(|| {
            Error::Unsupported("internal error: no vector exp for attention".into())
        })?;
        let len = BLOCK_Q.min(sz.l) * BLOCK_K.min(sz.s);
        Ok(Tiles {
            scores: alloc::zeroed(len)?,
            probs: alloc::zeroed(len)?,
            isa: Isa::best(),
            exp,
        })
    }

    /// `probs[..len] = exp(scores[..len])`.
    fn exp(&mut self, len: usize) {
        let out = &mut self.probs[..len];
        // SAFETY: `MaybeUninit<T>` has `T`'s layout and the slice kernel writes every element,
        // so `out` only ever holds initialised values.
        let out = unsafe { &mut *(out as *mut [T] as *mut [MaybeUninit<T>]) };
        (self.exp)(self.isa, &self.scores[..len], out)
    }
}

/// One query head's operands.
struct Head<'a, T> {
    index: usize,
    q: &'a [T],
    k: &'a [T],
    v: &'a [T],
}

/// The inputs shared by every head.
struct Problem<'a, T> {
    q: &'a [T],
    k: &'a [T],
    v: &'a [T],
    masking: Masking<'a, T>,
    scale: T,
    dropout: Option<AttentionDropout>,
    sz: Sizes,
}

impl<'a, T: Real> Problem<'a, T> {
    fn new(x: [&'a NdArray; 3], mask: Option<&'a NdArray>, spec: AttentionSpec) -> Result<Self> {
        let sz = Sizes::of(x[0], x[1], x[2])?;
        Ok(Problem {
            q: x[0].as_slice()?,
            k: x[1].as_slice()?,
            v: x[2].as_slice()?,
            masking: Masking::new(mask, x[0], sz.s, spec.causal)?,
            scale: T::from_f64(spec.scale),
            dropout: spec.dropout,
            sz,
        })
    }

    /// `1 / (1 - p)` with dropout, else 1.
    fn kept_scale(&self) -> T {
        self.dropout.map_or(T::ONE, |d| T::from_f64(d.keep_scale()))
    }

    fn head(&self, n: usize) -> Head<'a, T> {
        let Sizes { l, s, e, ev, .. } = self.sz;
        let m = n / self.sz.groups;
        Head {
            index: n,
            q: &self.q[n * l * e..(n + 1) * l * e],
            k: &self.k[m * s * e..(m + 1) * s * e],
            v: &self.v[m * s * ev..(m + 1) * s * ev],
        }
    }

    /// The masked, scaled scores of query rows `i0..i0+rows` against keys `j0..j0+cols` into
    /// `tiles.scores`.
    fn scores(
        &self,
        h: &Head<T>,
        tiles: &mut Tiles<T>,
        [i0, rows]: [usize; 2],
        [j0, cols]: [usize; 2],
    ) {
        let e = self.sz.e;
        let tile = &mut tiles.scores[..rows * cols];
        product(
            tile,
            false,
            [rows, e, cols],
            Mat::rows(&h.q[i0 * e..(i0 + rows) * e], e),
            Mat::transposed(&h.k[j0 * e..(j0 + cols) * e], e),
            self.scale,
        );
        self.masking.apply(tile, h.index, i0, j0, cols);
    }

    /// One head's output `(L, Ev)` and log-sum-exp per row `(L)`.
    fn forward_head(&self, h: &Head<T>, tiles: &mut Tiles<T>, out: &mut [T], lse: &mut [T]) {
        let Sizes { l, s, ev, .. } = self.sz;
        let kept_scale = self.kept_scale();
        out.fill(T::ZERO);
        let mut max = [T::NEG_INF; BLOCK_Q];
        let mut sum = [T::ZERO; BLOCK_Q];
        for i0 in (0..l).step_by(BLOCK_Q) {
            let rows = BLOCK_Q.min(l - i0);
            max[..rows].fill(T::NEG_INF);
            sum[..rows].fill(T::ZERO);
            let key_end = self.masking.key_end(i0 + rows, s);
            let o = &mut out[i0 * ev..(i0 + rows) * ev];
            for j0 in (0..key_end).step_by(BLOCK_K) {
                let cols = BLOCK_K.min(key_end - j0);
                self.scores(h, tiles, [i0, rows], [j0, cols]);
                for r in 0..rows {
                    let row = &mut tiles.scores[r * cols..(r + 1) * cols];
                    let top = row.iter().fold(max[r], |a, &b| if b > a { b } else { a });
                    if top == T::NEG_INF {
                        // Nothing visible yet: exp(-inf - -inf) would be NaN.
                        row.fill(T::NEG_INF);
                        continue;
                    }
                    let rescale = (max[r] - top).exp();
                    for x in row.iter_mut() {
                        *x = *x - top;
                    }
                    max[r] = top;
                    sum[r] *= rescale;
                    if rescale != T::ONE {
                        for x in &mut o[r * ev..(r + 1) * ev] {
                            *x *= rescale;
                        }
                    }
                }
                tiles.exp(rows * cols);
                let row_probs = tiles.probs[..rows * cols].chunks_exact(cols);
                for (total, row) in sum.iter_mut().zip(row_probs) {
                    *total += lane_sum(row);
                }
                if let Some(d) = &self.dropout {
                    // The sums normalise all weights; only the kept ones reach the output.
                    drop_tile(d, &mut tiles.probs[..rows * cols], h.index, i0, j0, cols);
                }
                product(
                    o,
                    true,
                    [rows, cols, ev],
                    Mat::rows(&tiles.probs[..rows * cols], cols),
                    Mat::rows(&h.v[j0 * ev..(j0 + cols) * ev], ev),
                    T::ONE,
                );
            }
            for r in 0..rows {
                let row = &mut o[r * ev..(r + 1) * ev];
                if sum[r] == T::ZERO {
                    // A query that may see no key: zeros, as PyTorch gives.
                    row.fill(T::ZERO);
                    lse[i0 + r] = T::NEG_INF;
                } else {
                    let inv = T::ONE / sum[r] * kept_scale;
                    for x in row.iter_mut() {
                        *x *= inv;
                    }
                    lse[i0 + r] = max[r] + sum[r].ln();
                }
            }
        }
    }
}

/// A sum in eight lanes, so that the compiler may vectorise it.
fn lane_sum<T: Real>(x: &[T]) -> T {
    let mut lanes = [T::ZERO; 8];
    let mut chunks = x.chunks_exact(8);
    for c in &mut chunks {
        for (a, &b) in lanes.iter_mut().zip(c) {
            *a += b;
        }
    }
    let mut total = chunks.remainder().iter().fold(T::ZERO, |a, &b| a + b);
    for a in lanes {
        total += a;
    }
    total
}

/// Zeros the dropped weights of a tile `rows × cols` of head `head` (query rows from `i0`,
/// keys from `j0`).
fn drop_tile<T: Real>(
    d: &AttentionDropout,
    tile: &mut [T],
    head: usize,
    i0: usize,
    j0: usize,
    cols: usize,
) {
    let mut keep = [false; BLOCK_K];
    for (r, row) in tile.chunks_exact_mut(cols).enumerate() {
        d.row(head, i0 + r, j0, &mut keep[..cols]);
        for (x, &k) in row.iter_mut().zip(&keep) {
            *x *= one_if(k);
        }
    }
}

/// 1 where `kept`, else 0: a table read, so that the dropout mask multiplies. Written as `if`,
/// the compiler made branches of some of the selects, mispredicted on about half the weights
/// at `p = 0.5` (the backward ran 20 % slower there than at 0.1 or 0.9).
#[inline(always)]
fn one_if<T: Real>(kept: bool) -> T {
    [T::ZERO, T::ONE][usize::from(kept)]
}

/// A dot product in eight lanes.
fn lane_dot<T: Real>(x: &[T], y: &[T]) -> T {
    let mut lanes = [T::ZERO; 8];
    let (mut cx, mut cy) = (x.chunks_exact(8), y.chunks_exact(8));
    for (a8, b8) in (&mut cx).zip(&mut cy) {
        for ((l, &a), &b) in lanes.iter_mut().zip(a8).zip(b8) {
            *l += a * b;
        }
    }
    let mut total = cx
        .remainder()
        .iter()
        .zip(cy.remainder())
        .fold(T::ZERO, |acc, (&a, &b)| acc + a * b);
    for l in lanes {
        total += l;
    }
    total
}

fn not_real(dtype: DType) -> Error {
    Error::DType(format!(
        "scaled_dot_product_attention: expected float32 or float64, got {dtype}"
    ))
}

/// Work per head, in multiply-adds, for the parallel split.
fn head_cost(sz: &Sizes) -> usize {
    (sz.l * sz.s * (sz.e + sz.ev)).max(1)
}

/// The forward pass: `[out (N·L·Ev) | lse (N·L)]`, flat.
pub fn forward(x: [&NdArray; 3], mask: Option<&NdArray>, spec: AttentionSpec) -> Result<NdArray> {
    match x[0].dtype() {
        DType::Float32 => forward_as::<f32>(x, mask, spec),
        DType::Float64 => forward_as::<f64>(x, mask, spec),
        other => Err(not_real(other)),
    }
}

fn forward_as<T: Real>(
    x: [&NdArray; 3],
    mask: Option<&NdArray>,
    spec: AttentionSpec,
) -> Result<NdArray> {
    let p = Problem::<T>::new(x, mask, spec)?;
    let Sizes { n, l, ev, .. } = p.sz;
    let mut packed = alloc::zeroed::<T>(n * l * (ev + 1))?;
    let (out, lse) = packed.split_at_mut(n * l * ev);
    let mut heads: Vec<(usize, &mut [T], &mut [T])> = pieces(out, l * ev, n)
        .into_iter()
        .zip(pieces(lse, l, n))
        .enumerate()
        .map(|(i, (o, s))| (i, o, s))
        .collect();
    let failed = AtomicBool::new(false);
    parallel::for_each_chunk_costed(&mut heads, 1, head_cost(&p.sz), |_, chunk| {
        let Ok(mut tiles) = Tiles::<T>::new(&p.sz) else {
            failed.store(true, Ordering::Relaxed);
            return;
        };
        for (i, o, s) in chunk.iter_mut() {
            p.forward_head(&p.head(*i), &mut tiles, o, s);
        }
    });
    drop(heads);
    out_of_memory(failed)?;
    NdArray::from_vec(packed, &[n * l * (ev + 1)])
}

/// The error of a task that could not allocate its scratch tiles.
fn out_of_memory(failed: AtomicBool) -> Result<()> {
    match failed.into_inner() {
        true => Err(Error::Unsupported(
            "scaled_dot_product_attention: out of memory for its tiles".into(),
        )),
        false => Ok(()),
    }
}

/// What the backward pass reads besides the forward's inputs.
pub struct Saved<'a> {
    pub out: &'a NdArray,
    pub lse: &'a NdArray,
    pub grad: &'a NdArray,
}

/// One key/value head's gradients (and those of its group of query heads).
struct Grads<'a, T> {
    dq: &'a mut [T],
    dk: &'a mut [T],
    dv: &'a mut [T],
}

impl<T: Real> Problem<'_, T> {
    /// Adds the gradients of query head `h` into `g` (its `dq` rows start at `dq_off`).
    #[allow(clippy::too_many_arguments)]
    fn backward_head(
        &self,
        h: &Head<T>,
        tiles: &mut Tiles<T>,
        (out, lse, grad): (&[T], &[T], &[T]),
        g: &mut Grads<T>,
        dq_off: usize,
        delta: &mut [T],
    ) {
        let Sizes { l, s, e, ev, .. } = self.sz;
        let dq = &mut g.dq[dq_off..dq_off + l * e];
        for (i, d) in delta.iter_mut().enumerate() {
            *d = lane_dot(&out[i * ev..(i + 1) * ev], &grad[i * ev..(i + 1) * ev]);
        }
        for j0 in (0..s).step_by(BLOCK_K) {
            let cols = BLOCK_K.min(s - j0);
            let first = if self.masking.causal {
                j0 - j0 % BLOCK_Q
            } else {
                0
            };
            for i0 in (first..l).step_by(BLOCK_Q) {
                let rows = BLOCK_Q.min(l - i0);
                self.scores(h, tiles, [i0, rows], [j0, cols]);
                for r in 0..rows {
                    let top = lse[i0 + r];
                    let row = &mut tiles.scores[r * cols..(r + 1) * cols];
                    if top == T::NEG_INF {
                        row.fill(T::NEG_INF);
                    } else {
                        for x in row.iter_mut() {
                            *x = *x - top;
                        }
                    }
                }
                tiles.exp(rows * cols);
                let go = &grad[i0 * ev..(i0 + rows) * ev];
                // dP = dO · Vᵀ into the scores tile
                product(
                    &mut tiles.scores[..rows * cols],
                    false,
                    [rows, ev, cols],
                    Mat::rows(go, ev),
                    Mat::transposed(&h.v[j0 * ev..(j0 + cols) * ev], ev),
                    T::ONE,
                );
                match &self.dropout {
                    None => {
                        // dS = P ∘ (dP - δ)
                        let (ds, probs) = (&mut tiles.scores, &tiles.probs);
                        for r in 0..rows {
                            let d = delta[i0 + r];
                            let span = r * cols..(r + 1) * cols;
                            for (x, &p) in ds[span.clone()].iter_mut().zip(&probs[span]) {
                                *x = p * (*x - d);
                            }
                        }
                    }
                    Some(drop) => {
                        let tile = ([i0, rows], [j0, cols]);
                        self.dropped_tile_grads(drop, tiles, h.index, tile, delta);
                    }
                }
                // dV += P̃ᵀ · dO · r (P̃ = P, or D ∘ P with dropout; r = 1, or 1 / (1 - p))
                product(
                    &mut g.dv[j0 * ev..(j0 + cols) * ev],
                    true,
                    [cols, rows, ev],
                    Mat::transposed(&tiles.probs[..rows * cols], cols),
                    Mat::rows(go, ev),
                    self.kept_scale(),
                );
                let ds = &tiles.scores[..rows * cols];
                // dQ += scale · dS · K, dK += scale · dSᵀ · Q
                product(
                    &mut dq[i0 * e..(i0 + rows) * e],
                    true,
                    [rows, cols, e],
                    Mat::rows(ds, cols),
                    Mat::rows(&h.k[j0 * e..(j0 + cols) * e], e),
                    self.scale,
                );
                product(
                    &mut g.dk[j0 * e..(j0 + cols) * e],
                    true,
                    [cols, rows, e],
                    Mat::transposed(ds, cols),
                    Mat::rows(&h.q[i0 * e..(i0 + rows) * e], e),
                    self.scale,
                );
            }
        }
    }

    /// With dropout mask `D` and `r = 1 / (1 - p)`, the output is `(D ∘ P) · V · r`, so the
    /// weights' gradient is `D ∘ dP · r` (where `dP = dO · Vᵀ`, in the scores tile) and
    /// `dS = P ∘ (D ∘ dP · r - δ)`, δ being still `rowsum(dO ∘ O)`. Leaves `dS` in the scores
    /// tile and `D ∘ P` in the probabilities tile.
    fn dropped_tile_grads(
        &self,
        drop: &AttentionDropout,
        tiles: &mut Tiles<T>,
        head: usize,
        ([i0, rows], [j0, cols]): ([usize; 2], [usize; 2]),
        delta: &[T],
    ) {
        let r_scale = self.kept_scale();
        let mut keep = [false; BLOCK_K];
        for r in 0..rows {
            drop.row(head, i0 + r, j0, &mut keep[..cols]);
            let d = delta[i0 + r];
            let span = r * cols..(r + 1) * cols;
            let row = tiles.scores[span.clone()].iter_mut();
            for ((x, p), &k) in row.zip(&mut tiles.probs[span]).zip(&keep) {
                let kept = one_if(k);
                *x = *p * (*x * kept * r_scale - d);
                *p *= kept;
            }
        }
    }
}

/// `count` consecutive pieces of `len` elements of `x` (empty ones when `len` is 0).
fn pieces<T>(x: &mut [T], len: usize, count: usize) -> Vec<&mut [T]> {
    match len {
        0 => (0..count).map(|_| &mut [][..]).collect(),
        _ => x.chunks_mut(len).collect(),
    }
}

/// The backward pass: `[dq (N·L·E) | dk (N/G·S·E) | dv (N/G·S·Ev)]`, flat.
pub fn backward(
    x: [&NdArray; 3],
    mask: Option<&NdArray>,
    saved: Saved,
    spec: AttentionSpec,
) -> Result<NdArray> {
    match x[0].dtype() {
        DType::Float32 => backward_as::<f32>(x, mask, saved, spec),
        DType::Float64 => backward_as::<f64>(x, mask, saved, spec),
        other => Err(not_real(other)),
    }
}

fn backward_as<T: Real>(
    x: [&NdArray; 3],
    mask: Option<&NdArray>,
    saved: Saved,
    spec: AttentionSpec,
) -> Result<NdArray> {
    let p = Problem::<T>::new(x, mask, spec)?;
    let Sizes {
        n,
        groups,
        l,
        s,
        e,
        ev,
    } = p.sz;
    let (out, lse, grad) = (
        saved.out.as_slice::<T>()?,
        saved.lse.as_slice::<T>()?,
        saved.grad.as_slice::<T>()?,
    );
    let nk = n / groups;
    let total = n * l * e + nk * s * (e + ev);
    let mut packed = alloc::zeroed::<T>(total)?;
    let (dq, rest) = packed.split_at_mut(n * l * e);
    let (dk, dv) = rest.split_at_mut(nk * s * e);
    let mut units: Vec<(usize, Grads<T>)> = pieces(dq, groups * l * e, nk)
        .into_iter()
        .zip(pieces(dk, s * e, nk))
        .zip(pieces(dv, s * ev, nk))
        .map(|((dq, dk), dv)| Grads { dq, dk, dv })
        .enumerate()
        .collect();
    let failed = AtomicBool::new(false);
    let cost = head_cost(&p.sz) * 2 * groups;
    parallel::for_each_chunk_costed(&mut units, 1, cost, |_, chunk| {
        let (Ok(mut tiles), Ok(mut delta)) = (Tiles::<T>::new(&p.sz), alloc::zeroed::<T>(l)) else {
            failed.store(true, Ordering::Relaxed);
            return;
        };
        for (m, g) in chunk.iter_mut() {
            for j in 0..groups {
                let i = *m * groups + j;
                let rows = i * l * ev..(i + 1) * l * ev;
                let head_saved = (&out[rows.clone()], &lse[i * l..(i + 1) * l], &grad[rows]);
                p.backward_head(&p.head(i), &mut tiles, head_saved, g, j * l * e, &mut delta);
            }
        }
    });
    drop(units);
    out_of_memory(failed)?;
    NdArray::from_vec(packed, &[total])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp(n: usize, phase: f64) -> Vec<f64> {
        (0..n).map(|i| (i as f64 * 0.913 + phase).sin()).collect()
    }

    /// Attention the plain way, one head at a time, with the full score matrix, the weights
    /// multiplied by `factor` (dropout's, all ones without): `(out, P)`.
    fn naive(
        [q, k, v]: [&[f64]; 3],
        sz: Sizes,
        mask: Option<&[f64]>,
        (causal, scale): (bool, f64),
        factor: &[f64],
    ) -> (Vec<f64>, Vec<f64>) {
        let Sizes {
            n,
            groups,
            l,
            s,
            e,
            ev,
        } = sz;
        let mut out = vec![0.0; n * l * ev];
        let mut probs = vec![0.0; n * l * s];
        for h in 0..n {
            let m = h / groups;
            for i in 0..l {
                let mut row: Vec<f64> = (0..s)
                    .map(|j| {
                        let dot: f64 = (0..e)
                            .map(|x| q[(h * l + i) * e + x] * k[(m * s + j) * e + x])
                            .sum();
                        let add = mask.map_or(0.0, |a| a[i * s + j]);
                        if causal && j > i {
                            f64::NEG_INFINITY
                        } else {
                            dot * scale + add
                        }
                    })
                    .collect();
                let top = row.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                if top == f64::NEG_INFINITY {
                    continue;
                }
                row.iter_mut().for_each(|x| *x = (*x - top).exp());
                let total: f64 = row.iter().sum();
                for j in 0..s {
                    let p = row[j] / total;
                    probs[(h * l + i) * s + j] = p;
                    for x in 0..ev {
                        out[(h * l + i) * ev + x] +=
                            p * factor[(h * l + i) * s + j] * v[(m * s + j) * ev + x];
                    }
                }
            }
        }
        (out, probs)
    }

    fn array(data: Vec<f64>, shape: &[usize]) -> NdArray {
        NdArray::from_vec(data, shape).unwrap()
    }

    /// Shapes that span several tiles in both directions, with grouped heads, a mask with a
    /// row that sees nothing, the causal rule with more queries than keys, and dropout.
    #[test]
    fn tiles_agree_with_the_full_score_matrix() {
        let (l, s, e, ev) = (BLOCK_Q + 70, BLOCK_K + 9, 5, 3);
        let drop = AttentionDropout {
            p: 0.3,
            seed: 99,
            offset: 5,
        };
        for (causal, masked, dropout) in [
            (false, false, None),
            (true, false, None),
            (false, true, None),
            (true, false, Some(drop)),
            (false, true, Some(drop)),
        ] {
            let factor = match dropout {
                Some(d) => d
                    .mask(4, l, s)
                    .into_iter()
                    .map(|k| if k { d.keep_scale() } else { 0.0 })
                    .collect(),
                None => vec![1.0; 4 * l * s],
            };
            let sz = Sizes {
                n: 4,
                groups: 2,
                l,
                s,
                e,
                ev,
            };
            let (q, k, v) = (
                ramp(4 * l * e, 0.0),
                ramp(2 * s * e, 1.0),
                ramp(2 * s * ev, 2.0),
            );
            let mut mask = ramp(l * s, 3.0);
            mask[3 * s..4 * s].fill(f64::NEG_INFINITY);
            let mask = masked.then_some(mask);
            let arrays = [
                array(q.clone(), &[1, 4, l, e]),
                array(k.clone(), &[1, 2, s, e]),
                array(v.clone(), &[1, 2, s, ev]),
            ];
            let mask_array = mask.clone().map(|m| array(m, &[l, s]));
            let spec = AttentionSpec {
                causal,
                scale: 0.7,
                dropout,
            };
            let x = [&arrays[0], &arrays[1], &arrays[2]];
            let packed = forward(x, mask_array.as_ref(), spec).unwrap();
            let got = packed.as_slice::<f64>().unwrap();
            let (want, probs) = naive([&q, &k, &v], sz, mask.as_deref(), (causal, 0.7), &factor);
            for (a, b) in got[..want.len()].iter().zip(&want) {
                assert!((a - b).abs() < 1e-12, "{a} vs {b}");
            }
            // The backward against the formulas on the full matrices.
            let grad = ramp(4 * l * ev, 4.0);
            let lse = array(got[want.len()..].to_vec(), &[4 * l]);
            let saved = Saved {
                out: &array(want.clone(), &[4 * l * ev]),
                lse: &lse,
                grad: &array(grad.clone(), &[4 * l * ev]),
            };
            let packed = backward(x, mask_array.as_ref(), saved, spec).unwrap();
            let grads = packed.as_slice::<f64>().unwrap();
            let (dq, rest) = grads.split_at(4 * l * e);
            let (dk, dv) = rest.split_at(2 * s * e);
            let (mut wq, mut wk, mut wv) = (
                vec![0.0; dq.len()],
                vec![0.0; dk.len()],
                vec![0.0; dv.len()],
            );
            for h in 0..4 {
                let m = h / 2;
                for i in 0..l {
                    let row = |j: usize| probs[(h * l + i) * s + j];
                    let f = |j: usize| factor[(h * l + i) * s + j];
                    let dp: Vec<f64> = (0..s)
                        .map(|j| {
                            f(j) * (0..ev)
                                .map(|x| grad[(h * l + i) * ev + x] * v[(m * s + j) * ev + x])
                                .sum::<f64>()
                        })
                        .collect();
                    let delta: f64 = (0..s).map(|j| row(j) * dp[j]).sum();
                    for j in 0..s {
                        let ds = row(j) * (dp[j] - delta) * 0.7;
                        for x in 0..e {
                            wq[(h * l + i) * e + x] += ds * k[(m * s + j) * e + x];
                            wk[(m * s + j) * e + x] += ds * q[(h * l + i) * e + x];
                        }
                        for x in 0..ev {
                            wv[(m * s + j) * ev + x] += row(j) * f(j) * grad[(h * l + i) * ev + x];
                        }
                    }
                }
            }
            for (got, want) in [(dq, wq), (dk, wk), (dv, wv)] {
                for (a, b) in got.iter().zip(&want) {
                    assert!((a - b).abs() < 1e-11, "{a} vs {b}");
                }
            }
        }
    }
}
