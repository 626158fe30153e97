//! What the row kernels (`softmax.rs`, `layer_norm.rs`) share: the element type they take,
//! reductions kept in `LANES` partial results so that they vectorise (their order differs from
//! a sequential one by rounding only), a new vector computed row by row in parallel chunks, and
//! one closure run compiled for the widest instruction set the CPU has.

use std::mem::MaybeUninit;
use std::ops::{Add, Div, Mul, Neg, Sub};

use super::{Isa, VecMath};
use crate::array::{alloc, Element};
use crate::error::Result;
use crate::kernels::parallel;

/// Partial results per reduction: a multiple of every vector width in use.
pub(super) const LANES: usize = 16;

pub(super) trait Real:
    VecMath
    + Element
    + PartialOrd
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
{
}
impl Real for f32 {}
impl Real for f64 {}

/// `Σ f(a_i, b_i)` over two slices of one length, in `LANES` partial sums.
#[inline(always)]
pub(super) fn sum_of<T: Real>(a: &[T], b: &[T], f: impl Fn(T, T) -> T) -> T {
    let zero = T::from_f64(0.0);
    let mut acc = [zero; LANES];
    let (ac, bc) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let (ar, br) = (ac.remainder(), bc.remainder());
    for (ca, cb) in ac.zip(bc) {
        for (s, (&va, &vb)) in acc.iter_mut().zip(ca.iter().zip(cb)) {
            *s = *s + f(va, vb);
        }
    }
    for (s, (&va, &vb)) in acc.iter_mut().zip(ar.iter().zip(br)) {
        *s = *s + f(va, vb);
    }
    acc.iter().fold(zero, |a, &b| a + b)
}

/// `f(start, rows)` over whole rows of a new vector of `n` elements, in parallel when large.
pub(super) fn by_rows<T: Element>(
    n: usize,
    size: usize,
    f: impl Fn(usize, &mut [MaybeUninit<T>]) + Sync,
) -> Result<Vec<T>> {
    by_chunks(n, size, |s, o| {
        for (i, r) in o.chunks_mut(size).enumerate() {
            f(s + i * size, r)
        }
    })
}

/// `f(start, rows)` over chunks of whole rows of a new vector of `n` elements (one chunk, or
/// parallel chunks when large); `f` writes every element of its chunk.
pub(super) fn by_chunks<T: Element>(
    n: usize,
    size: usize,
    f: impl Fn(usize, &mut [MaybeUninit<T>]) + Sync,
) -> Result<Vec<T>> {
    let mut out: Vec<T> = alloc::with_capacity(n)?;
    let cost = parallel::VECTOR_MATH_COST;
    parallel::for_each_chunk_costed(&mut out.spare_capacity_mut()[..n], size, cost, f);
    // SAFETY: the chunks cover `0..n` and `f` writes every element of its chunk.
    unsafe { out.set_len(n) };
    Ok(out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn run_avx2<R>(f: impl FnOnce() -> R) -> R {
    f()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
fn run_avx512<R>(f: impl FnOnce() -> R) -> R {
    f()
}

/// `f()` compiled for `isa`, which the CPU must run: `f` and what it inlines (the row
/// functions are `#[inline(always)]`) take that instruction set's vector registers.
#[inline(always)]
pub(super) fn with_isa<R>(isa: Isa, f: impl FnOnce() -> R) -> R {
    match isa {
        Isa::Baseline => f(),
        // SAFETY: `Isa::best` only names instruction sets the CPU has.
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => unsafe { run_avx2(f) },
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => unsafe { run_avx512(f) },
    }
}
