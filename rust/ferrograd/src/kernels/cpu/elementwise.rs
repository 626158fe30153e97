//! Elementwise CPU kernels: unary maps, broadcasting binary ops, in-place binary ops, `where`
//! and casts. Also the two pieces the other kernel files share: [`Scalar`], the per-dtype
//! arithmetic, and [`StridedWalk`], a row-by-row walk over strided operands.
//!
//! Every kernel is one generic function monomorphised per dtype with `with_dtype!` and per op
//! with a function item, so the inner loops are plain slice loops the compiler vectorises.

use std::mem::MaybeUninit;
use std::ops::Range;

use half::slice::HalfFloatSliceExt;
use smallvec::SmallVec;

use crate::array::layout::is_row_major;
use crate::array::shape::{broadcast_shapes, broadcast_strides, numel, Dims, Strides};
use crate::array::{alloc, bf16, f16, Category, DType, Element, Layout, NdArray};
use crate::error::{Error, Result};
use crate::kernels::parallel;
#[cfg(test)]
use crate::kernels::vecmath::exp_f32;
use crate::kernels::vecmath::VecMath;
use crate::kernels::{BinaryOp, UnaryOp};

// ---------------------------------------------------------------------------------------------
// Per-dtype arithmetic
// ---------------------------------------------------------------------------------------------

/// The arithmetic of one element type, as PyTorch defines it: integers wrap, floats follow
/// IEEE, `bool` is logical (`add` = or, `mul` = and). The kernels check dtype and operand
/// restrictions before a loop starts, so no method here fails; the floating-point functions
/// default to a round trip through `f64` and are only called on floats.
pub(crate) trait Scalar: Element {
    /// The identity of `maximum` (the smallest value) and of `minimum` (the largest).
    const LOWEST: Self;
    const HIGHEST: Self;

    fn add(self, o: Self) -> Self;
    fn sub(self, o: Self) -> Self;
    fn mul(self, o: Self) -> Self;
    /// Python's floor division (integers: the divisor is checked non-zero first).
    fn floor_div(self, o: Self) -> Self;
    /// Python's remainder, with the sign of the divisor.
    fn rem(self, o: Self) -> Self;
    /// Integers: the exponent is checked non-negative first.
    fn pow(self, o: Self) -> Self;
    /// NaN-propagating maximum and minimum.
    fn maximum(self, o: Self) -> Self;
    fn minimum(self, o: Self) -> Self;
    fn and(self, o: Self) -> Self;
    fn or(self, o: Self) -> Self;
    fn xor(self, o: Self) -> Self;
    fn not(self) -> Self;
    fn neg(self) -> Self;
    fn abs(self) -> Self;
    fn sign(self) -> Self;
    fn square(self) -> Self {
        self.mul(self)
    }
    fn relu(self) -> Self;
    fn is_nan(self) -> bool {
        false
    }

    /// Conversion to another element type with C (`as`) semantics: floats truncate toward zero
    /// into integers, integers wrap into narrower ones, anything non-zero is `true`.
    fn cast<D: Scalar>(self) -> D;
    fn from_f32(v: f32) -> Self;
    fn from_i32(v: i32) -> Self;
    fn from_i64(v: i64) -> Self;
    fn from_bool(v: bool) -> Self;

    fn div(self, o: Self) -> Self {
        Self::from_f64(self.to_f64() / o.to_f64())
    }
    fn atan2(self, o: Self) -> Self {
        Self::from_f64(self.to_f64().atan2(o.to_f64()))
    }
    fn exp(self) -> Self {
        Self::from_f64(self.to_f64().exp())
    }
    fn log(self) -> Self {
        Self::from_f64(self.to_f64().ln())
    }
    fn sqrt(self) -> Self {
        Self::from_f64(self.to_f64().sqrt())
    }
    fn rsqrt(self) -> Self {
        Self::from_f64(1.0 / self.to_f64().sqrt())
    }
    fn sin(self) -> Self {
        Self::from_f64(self.to_f64().sin())
    }
    fn cos(self) -> Self {
        Self::from_f64(self.to_f64().cos())
    }
    fn tan(self) -> Self {
        Self::from_f64(self.to_f64().tan())
    }
    fn tanh(self) -> Self {
        Self::from_f64(self.to_f64().tanh())
    }
    fn sigmoid(self) -> Self {
        Self::from_f64(1.0 / (1.0 + (-self.to_f64()).exp()))
    }
    fn log1p(self) -> Self {
        Self::from_f64(self.to_f64().ln_1p())
    }
    fn expm1(self) -> Self {
        Self::from_f64(self.to_f64().exp_m1())
    }
    fn erf(self) -> Self {
        Self::from_f64(libm::erf(self.to_f64()))
    }
    fn reciprocal(self) -> Self {
        Self::from_f64(1.0 / self.to_f64())
    }
    fn floor(self) -> Self {
        self
    }
    fn ceil(self) -> Self {
        self
    }
    fn round(self) -> Self {
        self
    }
    fn trunc(self) -> Self {
        self
    }
}

/// The conversions of a numeric element type: `cast` goes through the source's widest exact
/// form (`$wide`, converted by `D::$cast_from`); `$from_float` turns the `f64` `$f` into `$t`.
macro_rules! numeric_conversions {
    ($t:ty, |$v:ident| $wide:expr, $cast_from:ident, |$f:ident| $from_float:expr) => {
        #[inline(always)]
        fn cast<D: Scalar>(self) -> D {
            let $v = self;
            D::$cast_from($wide)
        }
        #[inline(always)]
        fn from_f32(v: f32) -> Self {
            let $f = v as f64;
            $from_float
        }
        #[inline(always)]
        fn from_i32(v: i32) -> Self {
            v as $t
        }
        #[inline(always)]
        fn from_i64(v: i64) -> Self {
            v as $t
        }
        #[inline(always)]
        fn from_bool(v: bool) -> Self {
            v as u8 as $t
        }
    };
}

macro_rules! float_scalar {
    ($t:ident, $cast_from:ident) => {
        impl Scalar for $t {
            const LOWEST: Self = $t::NEG_INFINITY;
            const HIGHEST: Self = $t::INFINITY;

            numeric_conversions!($t, |v| v, $cast_from, |f| f as $t);

            #[inline(always)]
            fn add(self, o: Self) -> Self {
                self + o
            }
            #[inline(always)]
            fn sub(self, o: Self) -> Self {
                self - o
            }
            #[inline(always)]
            fn mul(self, o: Self) -> Self {
                self * o
            }
            #[inline(always)]
            fn div(self, o: Self) -> Self {
                self / o
            }
            /// PyTorch's `div_floor_floating`: exact where `floor(a / b)` would round wrongly
            /// (`1.0 // 0.1 == 9.0`).
            #[inline(always)]
            fn floor_div(self, o: Self) -> Self {
                if o == 0.0 {
                    return self / o;
                }
                let m = self % o;
                let mut div = (self - m) / o;
                if m != 0.0 && ((o < 0.0) != (m < 0.0)) {
                    div -= 1.0;
                }
                if div == 0.0 {
                    return (0.0 as $t).copysign(self / o);
                }
                let f = div.floor();
                if div - f > 0.5 {
                    f + 1.0
                } else {
                    f
                }
            }
            #[inline(always)]
            fn rem(self, o: Self) -> Self {
                let m = self % o;
                if m != 0.0 && ((o < 0.0) != (m < 0.0)) {
                    m + o
                } else {
                    m
                }
            }
            #[inline(always)]
            fn pow(self, o: Self) -> Self {
                self.powf(o)
            }
            #[inline(always)]
            fn maximum(self, o: Self) -> Self {
                // `|`, not `||`: both sides are cheap and a branch-free select vectorises.
                if self.is_nan() | (self > o) {
                    self
                } else {
                    o
                }
            }
            #[inline(always)]
            fn minimum(self, o: Self) -> Self {
                if self.is_nan() | (self < o) {
                    self
                } else {
                    o
                }
            }
            // Bitwise ops are rejected for floats before any loop; these only keep the trait total.
            fn and(self, o: Self) -> Self {
                ((self as i64) & (o as i64)) as $t
            }
            fn or(self, o: Self) -> Self {
                ((self as i64) | (o as i64)) as $t
            }
            fn xor(self, o: Self) -> Self {
                ((self as i64) ^ (o as i64)) as $t
            }
            fn not(self) -> Self {
                (!(self as i64)) as $t
            }
            #[inline(always)]
            fn neg(self) -> Self {
                -self
            }
            #[inline(always)]
            fn abs(self) -> Self {
                self.abs()
            }
            #[inline(always)]
            fn sign(self) -> Self {
                if self > 0.0 {
                    1.0
                } else if self < 0.0 {
                    -1.0
                } else if self.is_nan() {
                    self
                } else {
                    0.0 // +0 for -0 too, as PyTorch
                }
            }
            #[inline(always)]
            fn relu(self) -> Self {
                if self < 0.0 {
                    0.0
                } else {
                    self
                }
            }
            #[inline(always)]
            fn is_nan(self) -> bool {
                self.is_nan()
            }
            #[inline(always)]
            fn atan2(self, o: Self) -> Self {
                self.atan2(o)
            }
            #[inline(always)]
            fn exp(self) -> Self {
                VecMath::exp(self)
            }
            #[inline(always)]
            fn log(self) -> Self {
                VecMath::log(self)
            }
            #[inline(always)]
            fn sqrt(self) -> Self {
                self.sqrt()
            }
            #[inline(always)]
            fn rsqrt(self) -> Self {
                1.0 / self.sqrt()
            }
            #[inline(always)]
            fn sin(self) -> Self {
                VecMath::sin(self)
            }
            #[inline(always)]
            fn cos(self) -> Self {
                VecMath::cos(self)
            }
            #[inline(always)]
            fn tan(self) -> Self {
                self.tan()
            }
            #[inline(always)]
            fn tanh(self) -> Self {
                VecMath::tanh(self)
            }
            #[inline(always)]
            fn sigmoid(self) -> Self {
                VecMath::sigmoid(self)
            }
            #[inline(always)]
            fn log1p(self) -> Self {
                VecMath::log1p(self)
            }
            #[inline(always)]
            fn expm1(self) -> Self {
                VecMath::expm1(self)
            }
            #[inline(always)]
            fn erf(self) -> Self {
                VecMath::erf(self)
            }
            #[inline(always)]
            fn reciprocal(self) -> Self {
                1.0 / self
            }
            #[inline(always)]
            fn floor(self) -> Self {
                self.floor()
            }
            #[inline(always)]
            fn ceil(self) -> Self {
                self.ceil()
            }
            #[inline(always)]
            fn round(self) -> Self {
                self.round_ties_even()
            }
            #[inline(always)]
            fn trunc(self) -> Self {
                self.trunc()
            }
        }
    };
}

float_scalar!(f32, from_f32);
float_scalar!(f64, from_f64);

/// Integer arithmetic, wrapping as PyTorch's does (`uint8 200 + 100 == 44`). `$float_to` is the
/// integer a float converts through (see `element::float_to_i32`); `$abs` and `$sign` differ
/// between signed and unsigned types. The sign tests below are constant for unsigned types.
macro_rules! int_scalar {
    (
        $t:ident,
        |$v:ident| $wide:expr,
        $cast_from:ident,
        $float_to:path,
        |$x:ident| abs $abs:expr,
        sign $sign:expr
    ) => {
        #[allow(unused_comparisons)]
        impl Scalar for $t {
            const LOWEST: Self = $t::MIN;
            const HIGHEST: Self = $t::MAX;

            numeric_conversions!($t, |$v| $wide, $cast_from, |f| $float_to(f) as $t);

            #[inline(always)]
            fn add(self, o: Self) -> Self {
                self.wrapping_add(o)
            }
            #[inline(always)]
            fn sub(self, o: Self) -> Self {
                self.wrapping_sub(o)
            }
            #[inline(always)]
            fn mul(self, o: Self) -> Self {
                self.wrapping_mul(o)
            }
            #[inline(always)]
            fn floor_div(self, o: Self) -> Self {
                if o == 0 {
                    return 0;
                }
                let q = self.wrapping_div(o);
                if self.wrapping_rem(o) != 0 && ((self < 0) != (o < 0)) {
                    q - 1
                } else {
                    q
                }
            }
            #[inline(always)]
            fn rem(self, o: Self) -> Self {
                if o == 0 {
                    return 0;
                }
                let r = self.wrapping_rem(o);
                if r != 0 && ((r < 0) != (o < 0)) {
                    r + o
                } else {
                    r
                }
            }
            /// Square-and-multiply with wrapping, exact for any non-negative exponent. A
            /// negative exponent gives 1 / self**-o truncated toward zero, as PyTorch's integer
            /// pow: 0 unless the base is 1 or -1.
            #[inline(always)]
            fn pow(self, o: Self) -> Self {
                if o < 0 {
                    let minus_one = (0 as $t).wrapping_sub(1);
                    return match self {
                        1 => 1,
                        _ if self == minus_one && o % 2 != 0 => minus_one,
                        _ if self == minus_one => 1,
                        _ => 0,
                    };
                }
                let (mut base, mut e, mut acc) = (self, o as u64, 1 as $t);
                while e > 0 {
                    if e & 1 == 1 {
                        acc = acc.wrapping_mul(base);
                    }
                    base = base.wrapping_mul(base);
                    e >>= 1;
                }
                acc
            }
            #[inline(always)]
            fn maximum(self, o: Self) -> Self {
                Ord::max(self, o)
            }
            #[inline(always)]
            fn minimum(self, o: Self) -> Self {
                Ord::min(self, o)
            }
            #[inline(always)]
            fn and(self, o: Self) -> Self {
                self & o
            }
            #[inline(always)]
            fn or(self, o: Self) -> Self {
                self | o
            }
            #[inline(always)]
            fn xor(self, o: Self) -> Self {
                self ^ o
            }
            #[inline(always)]
            fn not(self) -> Self {
                !self
            }
            #[inline(always)]
            fn neg(self) -> Self {
                self.wrapping_neg()
            }
            #[inline(always)]
            fn abs(self) -> Self {
                let $x = self;
                $abs
            }
            #[inline(always)]
            fn sign(self) -> Self {
                let $x = self;
                $sign
            }
            #[inline(always)]
            fn relu(self) -> Self {
                Ord::max(self, 0)
            }
        }
    };
}

use crate::array::element::{float_to_i32, float_to_i64};

int_scalar!(i64, |v| v, from_i64, float_to_i64, |x| abs x.wrapping_abs(), sign x.signum());
int_scalar!(i32, |v| v, from_i32, float_to_i32, |x| abs x.wrapping_abs(), sign x.signum());
int_scalar!(i16, |v| v as i64, from_i64, float_to_i32, |x| abs x.wrapping_abs(), sign x.signum());
int_scalar!(i8, |v| v as i64, from_i64, float_to_i32, |x| abs x.wrapping_abs(), sign x.signum());
int_scalar!(u8, |v| v as i64, from_i64, float_to_i64, |x| abs x, sign (x != 0) as u8);

impl Scalar for bool {
    const LOWEST: Self = false;
    const HIGHEST: Self = true;

    #[inline(always)]
    fn add(self, o: Self) -> Self {
        self | o
    }
    /// Rejected before any loop (PyTorch has no bool subtraction); xor keeps the trait total.
    fn sub(self, o: Self) -> Self {
        self ^ o
    }
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        self & o
    }
    /// Rejected before any loop, like `rem`.
    fn floor_div(self, o: Self) -> Self {
        self & o
    }
    fn rem(self, _o: Self) -> Self {
        false
    }
    /// `a ** b` on {0, 1}: only `0 ** 1` is 0.
    #[inline(always)]
    fn pow(self, o: Self) -> Self {
        self | !o
    }
    #[inline(always)]
    fn maximum(self, o: Self) -> Self {
        self | o
    }
    #[inline(always)]
    fn minimum(self, o: Self) -> Self {
        self & o
    }
    #[inline(always)]
    fn and(self, o: Self) -> Self {
        self & o
    }
    #[inline(always)]
    fn or(self, o: Self) -> Self {
        self | o
    }
    #[inline(always)]
    fn xor(self, o: Self) -> Self {
        self ^ o
    }
    #[inline(always)]
    fn not(self) -> Self {
        !self
    }
    fn neg(self) -> Self {
        self
    }
    fn abs(self) -> Self {
        self
    }
    fn sign(self) -> Self {
        self
    }
    fn relu(self) -> Self {
        self
    }
    #[inline(always)]
    fn cast<D: Scalar>(self) -> D {
        D::from_bool(self)
    }
    #[inline(always)]
    fn from_f32(v: f32) -> Self {
        v != 0.0
    }
    #[inline(always)]
    fn from_i32(v: i32) -> Self {
        v != 0
    }
    #[inline(always)]
    fn from_i64(v: i64) -> Self {
        v != 0
    }
    #[inline(always)]
    fn from_bool(v: bool) -> Self {
        v
    }
}

/// float16 and bfloat16: each operation computes in `f32` and rounds its result, as PyTorch's
/// CPU kernels do element by element. Kernels that accumulate (reductions, products) never
/// reach these: `kernels::dispatch` runs them on `f32` copies (see `kernels::opmath`); these serve
/// the element-at-a-time paths (in-place updates, scatters, casts, the scalar gradient rules).
macro_rules! reduced_float_scalar {
    ($t:ident) => {
        impl Scalar for $t {
            const LOWEST: Self = $t::NEG_INFINITY;
            const HIGHEST: Self = $t::INFINITY;

            reduced_float_scalar!(@binary $t, add sub mul div floor_div rem pow maximum minimum
                and or xor atan2);
            reduced_float_scalar!(@unary $t, not neg abs sign relu exp log sqrt rsqrt sin cos tan
                tanh sigmoid log1p expm1 erf reciprocal floor ceil round trunc);

            #[inline(always)]
            fn is_nan(self) -> bool {
                self.is_nan()
            }
            #[inline(always)]
            fn cast<D: Scalar>(self) -> D {
                D::from_f32(self.to_f32())
            }
            #[inline(always)]
            fn from_f32(v: f32) -> Self {
                $t::from_f32(v)
            }
            #[inline(always)]
            fn from_i32(v: i32) -> Self {
                $t::from_f32(v as f32)
            }
            #[inline(always)]
            fn from_i64(v: i64) -> Self {
                $t::from_f32(v as f32)
            }
            #[inline(always)]
            fn from_bool(v: bool) -> Self {
                $t::from_f32(v as u8 as f32)
            }
        }
    };
    (@binary $t:ident, $($method:ident)*) => {
        $(
            #[inline(always)]
            fn $method(self, o: Self) -> Self {
                $t::from_f32(<f32 as Scalar>::$method(self.to_f32(), o.to_f32()))
            }
        )*
    };
    (@unary $t:ident, $($method:ident)*) => {
        $(
            #[inline(always)]
            fn $method(self) -> Self {
                $t::from_f32(<f32 as Scalar>::$method(self.to_f32()))
            }
        )*
    };
}

reduced_float_scalar!(f16);
reduced_float_scalar!(bf16);

// ---------------------------------------------------------------------------------------------
// Strided walks
// ---------------------------------------------------------------------------------------------

/// A row-major walk over `shape` that reads `N` operands through their own element strides.
/// Dimensions of size 1 are dropped and neighbours that every operand can step through as one
/// are merged, so the innermost row is as long as possible; callers run a tight loop per row
/// (choosing it by the operands' inner strides) and pay for the multi-index once per row.
pub(in crate::kernels) struct StridedWalk<const N: usize> {
    outer: Dims,
    outer_strides: [Strides; N],
    inner: usize,
    inner_strides: [isize; N],
    start: [isize; N],
    rows: usize,
}

impl<const N: usize> StridedWalk<N> {
    pub(in crate::kernels) fn new(
        shape: &[usize],
        strides: [&[isize]; N],
        start: [isize; N],
    ) -> Self {
        let mut outer = Dims::new();
        let mut outer_strides: [Strides; N] = std::array::from_fn(|_| Strides::new());
        for (d, &size) in shape.iter().enumerate() {
            if size == 1 {
                continue;
            }
            let merge = !outer.is_empty()
                && outer_strides
                    .iter()
                    .zip(&strides)
                    .all(|(own, s)| own[own.len() - 1] == s[d] * size as isize);
            if merge {
                *outer.last_mut().expect("non-empty") *= size;
            } else {
                outer.push(size);
            }
            for (own, s) in outer_strides.iter_mut().zip(&strides) {
                if merge {
                    *own.last_mut().expect("non-empty") = s[d];
                } else {
                    own.push(s[d]);
                }
            }
        }
        let total = numel(shape);
        let (inner, inner_strides) = match outer.pop() {
            Some(n) => (
                n,
                std::array::from_fn(|k| outer_strides[k].pop().unwrap_or(0)),
            ),
            None => (1, [0; N]),
        };
        let rows = total.checked_div(inner).unwrap_or(0);
        StridedWalk {
            outer,
            outer_strides,
            inner,
            inner_strides,
            start,
            rows,
        }
    }

    /// The length of one row.
    pub(in crate::kernels) fn inner(&self) -> usize {
        self.inner
    }

    /// Each operand's stride along a row.
    pub(in crate::kernels) fn inner_strides(&self) -> [isize; N] {
        self.inner_strides
    }

    /// The size of the innermost outer dimension and each operand's stride along it.
    pub(in crate::kernels) fn last_outer(&self) -> Option<(usize, [isize; N])> {
        let size = *self.outer.last()?;
        Some((
            size,
            std::array::from_fn(|k| self.outer_strides[k][self.outer.len() - 1]),
        ))
    }

    pub(in crate::kernels) fn rows(&self) -> usize {
        self.rows
    }

    /// Calls `f(row, starts)` for each row in `rows`, with each operand's position of the row's
    /// first element.
    pub(in crate::kernels) fn for_rows(
        &self,
        rows: Range<usize>,
        mut f: impl FnMut(usize, [isize; N]),
    ) {
        if rows.is_empty() {
            return;
        }
        let nd = self.outer.len();
        let mut index: Dims = SmallVec::from_elem(0, nd);
        let mut pos = self.start;
        let mut rest = rows.start;
        for d in (0..nd).rev() {
            index[d] = rest % self.outer[d];
            rest /= self.outer[d];
            for (p, s) in pos.iter_mut().zip(&self.outer_strides) {
                *p += index[d] as isize * s[d];
            }
        }
        for row in rows {
            f(row, pos);
            for d in (0..nd).rev() {
                index[d] += 1;
                for (p, s) in pos.iter_mut().zip(&self.outer_strides) {
                    *p += s[d];
                }
                if index[d] < self.outer[d] {
                    break;
                }
                index[d] = 0;
                for (p, s) in pos.iter_mut().zip(&self.outer_strides) {
                    *p -= s[d] * self.outer[d] as isize;
                }
            }
        }
    }

    /// Fills the contiguous `out` (of `numel(shape)` elements) row by row with `f(out_row, starts)`,
    /// in parallel when large.
    pub(in crate::kernels) fn fill_rows<U: Send>(
        &self,
        out: &mut [U],
        f: impl Fn(&mut [U], [isize; N]) + Sync,
    ) {
        if self.rows == 0 {
            return;
        }
        let inner = self.inner;
        parallel::for_each_chunk(out, inner, |start, chunk| {
            let first = start / inner;
            let count = chunk.len() / inner;
            let mut rows = chunk.chunks_exact_mut(inner);
            self.for_rows(first..first + count, |_, pos| {
                if let Some(row) = rows.next() {
                    f(row, pos)
                }
            });
        });
    }
}

/// The position of element `i` of a row that starts at `start` and steps by `stride`.
#[inline(always)]
pub(in crate::kernels) fn at(start: isize, stride: isize, i: usize) -> usize {
    (start + stride * i as isize) as usize
}

/// Elements of a strided row handled per step: gathered into a buffer this long on the stack,
/// then run through the same loop as contiguous elements (so it vectorises).
pub(in crate::kernels) const GATHER_BLOCK: usize = 256;

/// Copies the `out.len()` elements at `start`, `start + stride`, ... of `data` into `out` (whose
/// slots may be uninitialised) and returns them.
#[inline(always)]
pub(in crate::kernels) fn gather_row<'o, T: Copy>(
    data: &[T],
    start: isize,
    stride: isize,
    out: &'o mut [MaybeUninit<T>],
) -> &'o [T] {
    debug_assert!(stride >= 0, "views have no negative strides");
    let (start, n) = (start as usize, out.len());
    match stride {
        0 => {
            let x = data[start];
            out.iter_mut().for_each(|o| {
                o.write(x);
            });
        }
        1 => {
            for (o, &x) in out.iter_mut().zip(&data[start..start + n]) {
                o.write(x);
            }
        }
        s => {
            let s = s as usize;
            let last = start + s * n.saturating_sub(1);
            assert!(last < data.len(), "a strided row reaches past its storage");
            for (i, o) in out.iter_mut().enumerate() {
                // SAFETY: positions grow with `i` and the last one was checked above. (Indexing
                // with a check per element, or `step_by`, ran at a third of this speed.)
                o.write(unsafe { *data.get_unchecked(start + s * i) });
            }
        }
    }
    // SAFETY: every slot of `out` was written above; `MaybeUninit<T>` has `T`'s layout.
    unsafe { &*(out as *const [MaybeUninit<T>] as *const [T]) }
}

/// Calls `f(done, block)` for the row of `n` elements at `start` with `stride`, `block` holding
/// the next (up to) `GATHER_BLOCK` of them and `done` the number handled before.
#[inline(always)]
pub(in crate::kernels) fn for_gathered<T: Copy>(
    data: &[T],
    start: isize,
    stride: isize,
    n: usize,
    mut f: impl FnMut(usize, &[T]),
) {
    let mut block = [MaybeUninit::<T>::uninit(); GATHER_BLOCK];
    let mut done = 0;
    while done < n {
        let len = GATHER_BLOCK.min(n - done);
        f(
            done,
            gather_row(
                data,
                start + stride * done as isize,
                stride,
                &mut block[..len],
            ),
        );
        done += len;
    }
}

// ---------------------------------------------------------------------------------------------
// Loop drivers shared by the kernels
// ---------------------------------------------------------------------------------------------

/// `out[i] = f(a[i])`, in parallel when large.
pub(in crate::kernels) fn map_unary<T: Copy + Sync, U: Copy + Default + Send>(
    a: &[T],
    f: impl Fn(T) -> U + Sync,
) -> Result<Vec<U>> {
    let n = a.len();
    let mut out: Vec<U> = alloc::with_capacity(n)?;
    parallel::for_each_chunk(&mut out.spare_capacity_mut()[..n], 1, |s, o| {
        let e = s + o.len();
        for (o, &x) in o.iter_mut().zip(&a[s..e]) {
            o.write(f(x));
        }
    });
    // SAFETY: the chunks cover `0..n` and each of their elements was written.
    unsafe { out.set_len(n) };
    Ok(out)
}

/// One output row of a broadcast binary op, picking the loop by the operands' inner strides.
/// Writes every element of `out`, which may be uninitialised memory.
#[inline(always)]
fn binary_row<T: Element, U, F: Fn(T, T) -> U>(
    out: &mut [MaybeUninit<U>],
    a: &[T],
    b: &[T],
    [pa, pb]: [isize; 2],
    [sa, sb]: [isize; 2],
    f: &F,
) {
    let n = out.len();
    let (ua, ub) = (pa as usize, pb as usize);
    match (sa, sb) {
        (1, 1) => {
            for ((o, &x), &y) in out.iter_mut().zip(&a[ua..ua + n]).zip(&b[ub..ub + n]) {
                o.write(f(x, y));
            }
        }
        (1, 0) => {
            let y = b[ub];
            for (o, &x) in out.iter_mut().zip(&a[ua..ua + n]) {
                o.write(f(x, y));
            }
        }
        (0, 1) => {
            let x = a[ua];
            for (o, &y) in out.iter_mut().zip(&b[ub..ub + n]) {
                o.write(f(x, y));
            }
        }
        _ => {
            // Both operands gathered a block at a time, then the contiguous loop.
            let mut block = [MaybeUninit::<T>::uninit(); GATHER_BLOCK];
            for_gathered(a, pa, sa, n, |done, x| {
                let o = &mut out[done..done + x.len()];
                let y = gather_row(b, pb + sb * done as isize, sb, &mut block[..x.len()]);
                for ((o, &x), &y) in o.iter_mut().zip(x).zip(y) {
                    o.write(f(x, y));
                }
            });
        }
    }
}

/// An operand as a kernel reads it: the part of the storage its layout reaches, and where the
/// layout puts each element in it (a view is read in place, never copied first). Only that part
/// is borrowed, so a kernel may write another, non-overlapping view of the same storage.
#[derive(Clone, Copy)]
pub(in crate::kernels) struct Strided<'a, T> {
    pub(in crate::kernels) data: &'a [T],
    pub(in crate::kernels) shape: &'a [usize],
    pub(in crate::kernels) strides: &'a [isize],
    pub(in crate::kernels) offset: isize,
    contiguous: bool,
}

impl<'a, T: Element> Strided<'a, T> {
    pub(in crate::kernels) fn of(a: &'a NdArray) -> Result<Self> {
        let span = a.layout().span().ok_or_else(|| {
            Error::Index(format!(
                "a view of shape {:?} and strides {:?} reaches outside its storage",
                a.shape(),
                a.strides()
            ))
        })?;
        // An empty view may sit at any offset, even past its storage's end (`zeros(0, 16)[:, 4:]`):
        // it reaches no element, so it borrows none.
        let (span, offset) = match numel(a.shape()) {
            0 => (0..0, 0),
            _ => (span.clone(), a.offset() - span.start),
        };
        Ok(Strided {
            data: &a.storage_slice::<T>()?[span],
            shape: a.shape(),
            strides: a.strides(),
            offset: offset as isize,
            contiguous: a.is_contiguous(),
        })
    }

    /// The elements as one row-major slice, when they lie that way in the storage.
    pub(in crate::kernels) fn dense(&self) -> Option<&'a [T]> {
        let start = self.offset as usize;
        self.contiguous
            .then(|| &self.data[start..start + numel(self.shape)])
    }

    /// The strides that read this operand broadcast to `shape`: zero along the dimensions it
    /// is repeated over.
    pub(in crate::kernels) fn broadcast_strides(&self, shape: &[usize]) -> Strides {
        let lead = shape.len() - self.shape.len();
        (0..shape.len())
            .map(|d| match d.checked_sub(lead) {
                Some(k) if self.shape[k] != 1 => self.strides[k],
                _ => 0,
            })
            .collect()
    }

    /// The permutation of the dimensions that makes the layout row-major, when the elements
    /// fill their span with no gaps (a transpose or permutation of a contiguous array).
    pub(in crate::kernels) fn dense_order(&self) -> Option<Dims> {
        let mut order: Dims = (0..self.shape.len()).collect();
        order.sort_by_key(|&d| std::cmp::Reverse(self.strides[d]));
        let shape: Dims = order.iter().map(|&d| self.shape[d]).collect();
        let strides: Strides = order.iter().map(|&d| self.strides[d]).collect();
        is_row_major(&shape, &strides).then_some(order)
    }

    /// The first element (of a one-element operand).
    pub(in crate::kernels) fn first(&self) -> T
    where
        T: Copy,
    {
        self.data[self.offset as usize]
    }
}

/// `f` of each element of `a`, as a new array. Elements that fill their span (a contiguous
/// array, a transpose, a permutation) are mapped in storage order and the result has `a`'s
/// strides, as PyTorch's has; any other view is read in place into a row-major result.
pub(in crate::kernels) fn map_array<T: Element, U: Element>(
    a: &NdArray,
    f: impl Fn(T) -> U + Sync,
) -> Result<NdArray> {
    let x = Strided::<T>::of(a)?;
    if x.contiguous || x.dense_order().is_none() {
        return NdArray::from_vec(map_elements(x, f)?, a.shape());
    }
    let layout = Layout::new(x.shape.into(), x.strides.into(), x.offset as usize);
    NdArray::from_buffer_strided(U::into_buffer(map_unary(x.data, f)?), layout)
}

/// `out[i] = f(a[i])` over `a`'s elements in row-major order, in parallel when large.
pub(in crate::kernels) fn map_elements<T, U>(
    a: Strided<T>,
    f: impl Fn(T) -> U + Sync,
) -> Result<Vec<U>>
where
    T: Element + Sync,
    U: Copy + Default + Send,
{
    if let Some(x) = a.dense() {
        return map_unary(x, f);
    }
    let n = numel(a.shape);
    let mut out: Vec<U> = alloc::with_capacity(n)?;
    let walk = StridedWalk::new(a.shape, [a.strides], [a.offset]);
    let [stride] = walk.inner_strides();
    walk.fill_rows(&mut out.spare_capacity_mut()[..n], |o, [p]| {
        if stride == 1 {
            let (p, len) = (p as usize, o.len());
            for (o, &x) in o.iter_mut().zip(&a.data[p..p + len]) {
                o.write(f(x));
            }
        } else {
            for_gathered(a.data, p, stride, o.len(), |done, x| {
                for (o, &x) in o[done..].iter_mut().zip(x) {
                    o.write(f(x));
                }
            });
        }
    });
    // SAFETY: the walk's rows cover `0..n` and every element of each row was written.
    unsafe { out.set_len(n) };
    Ok(out)
}

/// `f(a, b)` with broadcasting, reading both operands through their strides.
pub(in crate::kernels) fn map_binary<T, U, F>(
    a: Strided<T>,
    b: Strided<T>,
    f: F,
) -> Result<(Vec<U>, Dims)>
where
    T: Element + Sync,
    U: Copy + Default + Send,
    F: Fn(T, T) -> U + Sync,
{
    let shape = broadcast_shapes(a.shape, b.shape)?;
    let n = numel(&shape);
    let mut out: Vec<U> = alloc::with_capacity(n)?;
    if let (Some(x), Some(y)) = (a.dense(), b.dense()) {
        let steps = if x.len() == n && y.len() == n {
            Some([1, 1])
        } else if x.len() == n && y.len() == 1 {
            Some([1, 0])
        } else if x.len() == 1 && y.len() == n {
            Some([0, 1])
        } else {
            None
        };
        if let Some([sa, sb]) = steps {
            // The results are written straight into the new buffer: no zero-fill first, which
            // was an extra pass over the output (12% of `a * b` on 4M elements).
            parallel::for_each_chunk(&mut out.spare_capacity_mut()[..n], 1, |s, o| {
                let p = s as isize;
                binary_row(o, x, y, [p * sa, p * sb], [sa, sb], &f);
            });
            // SAFETY: the chunks cover `0..n` and `binary_row` wrote every element.
            unsafe { out.set_len(n) };
            return Ok((out, shape));
        }
    }
    let (sa, sb) = (a.broadcast_strides(&shape), b.broadcast_strides(&shape));
    let walk = StridedWalk::new(&shape, [&sa, &sb], [a.offset, b.offset]);
    let strides = walk.inner_strides();
    walk.fill_rows(&mut out.spare_capacity_mut()[..n], |o, pos| {
        binary_row(o, a.data, b.data, pos, strides, &f)
    });
    // SAFETY: the walk's rows cover `0..n` and `binary_row` wrote every element.
    unsafe { out.set_len(n) };
    Ok((out, shape))
}

// ---------------------------------------------------------------------------------------------
// Unary
// ---------------------------------------------------------------------------------------------

fn is_float_op(op: UnaryOp) -> bool {
    use UnaryOp::*;
    matches!(
        op,
        Exp | Log
            | Sqrt
            | Rsqrt
            | Sin
            | Cos
            | Tan
            | Tanh
            | Sigmoid
            | Log1p
            | Expm1
            | Erf
            | Reciprocal
    )
}

fn check_unary(op: UnaryOp, dtype: DType) -> Result<()> {
    let category = dtype.category();
    if is_float_op(op) && category != Category::Floating {
        return Err(Error::DType(format!(
            "{op:?} expects a floating point tensor, but got {dtype}"
        )));
    }
    match (op, category) {
        (UnaryOp::Neg, Category::Bool) => Err(Error::NotImplemented(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.".into(),
        )),
        (UnaryOp::Not, Category::Floating) => Err(Error::DType(format!(
            "bitwise_not is only supported for integer and boolean tensors, but got {dtype}"
        ))),
        _ => Ok(()),
    }
}

/// Elementwise `op(a)` in `a`'s dtype (see `kernels::unary`).
pub fn unary(op: UnaryOp, a: &NdArray) -> Result<NdArray> {
    use UnaryOp::*;
    check_unary(op, a.dtype())?;
    let identity = match a.dtype().category() {
        Category::Floating => false,
        Category::Integer => matches!(op, Floor | Ceil | Round | Trunc),
        Category::Bool => matches!(
            op,
            Abs | Sign | Square | Relu | Floor | Ceil | Round | Trunc
        ),
    };
    if identity {
        // A new array, never an alias of the input (the result may be written in place).
        return super::index::materialize(a);
    }
    if let Some(out) = crate::kernels::vecmath::unary(op, a)? {
        return Ok(out);
    }
    crate::with_dtype!(a.dtype(), T => {
        match op {
            Neg => map_array(a, <T as Scalar>::neg),
            Abs => map_array(a, <T as Scalar>::abs),
            Sign => map_array(a, <T as Scalar>::sign),
            Exp => map_array(a, <T as Scalar>::exp),
            Log => map_array(a, <T as Scalar>::log),
            Sqrt => map_array(a, <T as Scalar>::sqrt),
            Rsqrt => map_array(a, <T as Scalar>::rsqrt),
            Sin => map_array(a, <T as Scalar>::sin),
            Cos => map_array(a, <T as Scalar>::cos),
            Tan => map_array(a, <T as Scalar>::tan),
            Tanh => map_array(a, <T as Scalar>::tanh),
            Sigmoid => map_array(a, <T as Scalar>::sigmoid),
            Relu => map_array(a, <T as Scalar>::relu),
            Floor => map_array(a, <T as Scalar>::floor),
            Ceil => map_array(a, <T as Scalar>::ceil),
            Round => map_array(a, <T as Scalar>::round),
            Trunc => map_array(a, <T as Scalar>::trunc),
            Log1p => map_array(a, <T as Scalar>::log1p),
            Expm1 => map_array(a, <T as Scalar>::expm1),
            Erf => map_array(a, <T as Scalar>::erf),
            Reciprocal => map_array(a, <T as Scalar>::reciprocal),
            Square => map_array(a, <T as Scalar>::square),
            Not => map_array(a, <T as Scalar>::not),
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Binary
// ---------------------------------------------------------------------------------------------

/// Evaluates `$body` with `$f` bound to the element function of the (non-comparison) binary
/// `$op` for element type `$T`; comparisons return a `DType` error from the enclosing function.
macro_rules! with_binary_fn {
    ($op:expr, $T:ty, $f:ident => $body:expr) => {
        with_binary_fn!(@arms $op, $T, $f, $body, [
            Add add, Sub sub, Mul mul, Div div, FloorDiv floor_div, Rem rem, Pow pow,
            Maximum maximum, Minimum minimum, Atan2 atan2, And and, Or or, Xor xor
        ])
    };
    (@arms $op:expr, $T:ty, $f:ident, $body:expr, [$($variant:ident $method:ident),*]) => {
        match $op {
            $(BinaryOp::$variant => {
                let $f = <$T as Scalar>::$method;
                $body
            })*
            op => return Err(Error::DType(format!("{op:?} is a comparison: its result is bool"))),
        }
    };
}

/// Dtype restrictions of the binary ops (PyTorch's, after the tensor layer has promoted).
fn check_binary(op: BinaryOp, dtype: DType) -> Result<()> {
    use BinaryOp::*;
    let category = dtype.category();
    let refused = match op {
        Div | Atan2 => category != Category::Floating,
        FloorDiv | Rem => category == Category::Bool,
        And | Or | Xor => category == Category::Floating,
        _ => false,
    };
    if op == Sub && category == Category::Bool {
        return Err(Error::NotImplemented(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.".into(),
        ));
    }
    if refused {
        return Err(Error::DType(format!(
            "{op:?} is not supported for {dtype} tensors"
        )));
    }
    Ok(())
}

/// Value checks that integer ops need before their loop: no zero divisor.
fn check_operand<T: Scalar + Sync>(op: BinaryOp, b: Strided<T>) -> Result<()> {
    if T::DTYPE.category() != Category::Integer {
        return Ok(());
    }
    let any = |test: fn(T) -> bool| -> Result<bool> {
        Ok(match b.dense() {
            Some(y) => y.iter().any(|&v| test(v)),
            None => map_elements(b, test)?.contains(&true),
        })
    };
    match op {
        BinaryOp::FloorDiv | BinaryOp::Rem if any(|v| v == T::zero())? => {
            Err(Error::Arithmetic("ZeroDivisionError".into()))
        }
        _ => Ok(()),
    }
}

/// Elementwise `op(a, b)` with broadcasting; comparisons go to `compare`.
pub fn binary(op: BinaryOp, a: &NdArray, b: &NdArray) -> Result<NdArray> {
    if op.is_comparison() {
        return super::compare::compare(op, a, b);
    }
    check_binary(op, a.dtype())?;
    crate::with_dtype!(a.dtype(), T => {
        let (x, y) = (Strided::<T>::of(a)?, Strided::<T>::of(b)?);
        check_operand(op, y)?;
        if a.numel() == 1 && b.numel() == 1 {
            // Scalar arithmetic: no loop, and the result is stored inline.
            let value = with_binary_fn!(op, T, f => f(x.first(), y.first()));
            return one_element(value, a.shape(), b.shape());
        }
        let (out, shape) = with_binary_fn!(op, T, f => map_binary(x, y, f)?);
        NdArray::from_vec(out, &shape)
    })
}

/// The result of a binary operation on two one-element arrays.
fn one_element<T: Element>(value: T, a_shape: &[usize], b_shape: &[usize]) -> Result<NdArray> {
    NdArray::from_slice(&[value], &broadcast_shapes(a_shape, b_shape)?)
}

/// `dst = op(dst, src)` in place; `src` broadcasts to `dst`'s shape.
pub fn binary_assign(op: BinaryOp, dst: &mut NdArray, src: &NdArray) -> Result<()> {
    check_binary(op, dst.dtype())?;
    let shape: Dims = dst.shape().into();
    let broadcast = broadcast_shapes(&shape, src.shape())?;
    if broadcast != shape {
        return Err(Error::Shape(format!(
            "output with shape {:?} doesn't match the broadcast shape {:?}",
            shape.as_slice(),
            broadcast.as_slice()
        )));
    }
    crate::with_dtype!(dst.dtype(), T => {
        let s = Strided::<T>::of(src)?;
        check_operand(op, s)?;
        let d = dst.as_mut_slice::<T>()?;
        with_binary_fn!(op, T, f => assign_typed(d, &shape, s, f));
        Ok(())
    })
}

/// `dst += alpha * src` for floating dtypes (one pass; the SGD update).
pub fn scaled_add_assign(dst: &mut NdArray, src: &NdArray, alpha: f64) -> Result<()> {
    let shape: Dims = dst.shape().into();
    if broadcast_shapes(&shape, src.shape())? != shape {
        return Err(Error::Shape(format!(
            "output with shape {:?} doesn't match the broadcast shape of {:?}",
            shape.as_slice(),
            src.shape()
        )));
    }
    fn run<T: Element + std::ops::Add<Output = T> + std::ops::Mul<Output = T>>(
        dst: &mut NdArray,
        shape: &[usize],
        src: &NdArray,
        alpha: f64,
    ) -> Result<()> {
        let (s, a) = (Strided::<T>::of(src)?, T::from_f64(alpha));
        assign_typed(dst.as_mut_slice::<T>()?, shape, s, |o, y| o + a * y);
        Ok(())
    }
    match dst.dtype() {
        DType::Float32 => run::<f32>(dst, &shape, src, alpha),
        DType::Float64 => run::<f64>(dst, &shape, src, alpha),
        other => Err(Error::DType(format!(
            "add_ with alpha expects a floating point tensor, got {other}"
        ))),
    }
}

/// `d = f(d, s)` over the contiguous `d` of `shape`, `s` broadcasting to it.
fn assign_typed<T: Element + Send + Sync, F: Fn(T, T) -> T + Sync>(
    d: &mut [T],
    shape: &[usize],
    src: Strided<T>,
    f: F,
) {
    let n = d.len();
    if let Some(s) = src.dense().filter(|s| s.len() == n || s.len() == 1) {
        let step = usize::from(s.len() == n);
        parallel::for_each_chunk(d, 1, |start, o| {
            if step == 1 {
                let end = start + o.len();
                for (o, &y) in o.iter_mut().zip(&s[start..end]) {
                    *o = f(*o, y);
                }
            } else {
                let y = s[0];
                for o in o.iter_mut() {
                    *o = f(*o, y);
                }
            }
        });
        return;
    }
    let strides = src.broadcast_strides(shape);
    let walk = StridedWalk::new(shape, [&strides], [src.offset]);
    let [ss] = walk.inner_strides();
    let s = src.data;
    walk.fill_rows(d, |o, [ps]| {
        if ss == 1 {
            let ps = ps as usize;
            let end = ps + o.len();
            for (o, &y) in o.iter_mut().zip(&s[ps..end]) {
                *o = f(*o, y);
            }
        } else {
            for (i, o) in o.iter_mut().enumerate() {
                *o = f(*o, s[at(ps, ss, i)]);
            }
        }
    });
}

// ---------------------------------------------------------------------------------------------
// where, cast
// ---------------------------------------------------------------------------------------------

/// `cond ? a : b`, broadcasting all three.
pub fn where_(cond: &NdArray, a: &NdArray, b: &NdArray) -> Result<NdArray> {
    let shape = broadcast_shapes(&broadcast_shapes(cond.shape(), a.shape())?, b.shape())?;
    let c = cond.as_slice::<bool>()?;
    crate::with_dtype!(a.dtype(), T => {
        let out = where_typed(c, cond.shape(), a.as_slice::<T>()?, a.shape(), b.as_slice::<T>()?, b.shape(), &shape)?;
        NdArray::from_vec(out, &shape)
    })
}

fn where_typed<T: Element>(
    c: &[bool],
    c_shape: &[usize],
    a: &[T],
    a_shape: &[usize],
    b: &[T],
    b_shape: &[usize],
    shape: &[usize],
) -> Result<Vec<T>> {
    let n = numel(shape);
    let mut out = alloc::zeroed::<T>(n)?;
    if c.len() == n && a.len() == n && b.len() == n {
        parallel::for_each_chunk(&mut out, 1, |s, o| {
            let e = s + o.len();
            for (((o, &c), &x), &y) in o.iter_mut().zip(&c[s..e]).zip(&a[s..e]).zip(&b[s..e]) {
                *o = if c { x } else { y };
            }
        });
        return Ok(out);
    }
    let strides = [
        broadcast_strides(c_shape, shape),
        broadcast_strides(a_shape, shape),
        broadcast_strides(b_shape, shape),
    ];
    let walk = StridedWalk::new(shape, [&strides[0], &strides[1], &strides[2]], [0; 3]);
    let [sc, sa, sb] = walk.inner_strides();
    walk.fill_rows(&mut out, |o, [pc, pa, pb]| {
        for (i, o) in o.iter_mut().enumerate() {
            *o = if c[at(pc, sc, i)] {
                a[at(pa, sa, i)]
            } else {
                b[at(pb, sb, i)]
            };
        }
    });
    Ok(out)
}

/// `a` converted to `dtype` (see [`Scalar::cast`]).
pub fn cast(a: &NdArray, dtype: DType) -> Result<NdArray> {
    if a.is_contiguous() {
        // float32 <-> float16/bfloat16, the conversions of every 16-bit float kernel: `half`'s
        // slice conversions (F16C instructions where the CPU has them), several times faster
        // than one element at a time.
        match (a.dtype(), dtype) {
            (DType::Float32, DType::Float16) => return narrow_floats::<f16>(a),
            (DType::Float32, DType::BFloat16) => return narrow_floats::<bf16>(a),
            (DType::Float16, DType::Float32) => return widen_floats::<f16>(a),
            (DType::BFloat16, DType::Float32) => return widen_floats::<bf16>(a),
            _ => {}
        }
    }
    crate::with_dtype!(a.dtype(), S => {
        crate::with_dtype!(dtype, D => map_array(a, |v: S| v.cast::<D>()))
    })
}

/// The contiguous float32 `a` rounded to the 16-bit float `H`.
fn narrow_floats<H: Element>(a: &NdArray) -> Result<NdArray>
where
    [H]: HalfFloatSliceExt,
{
    let src = a.as_slice::<f32>()?;
    let mut out: Vec<H> = alloc::zeroed(src.len())?;
    parallel::for_each_chunk(&mut out, 1, |start, chunk| {
        chunk.convert_from_f32_slice(&src[start..start + chunk.len()])
    });
    NdArray::from_vec(out, a.shape())
}

/// The contiguous 16-bit float `a` as float32 (exact).
fn widen_floats<H: Element>(a: &NdArray) -> Result<NdArray>
where
    [H]: HalfFloatSliceExt,
{
    let src = a.as_slice::<H>()?;
    let mut out: Vec<f32> = alloc::zeroed(src.len())?;
    parallel::for_each_chunk(&mut out, 1, |start, chunk| {
        src[start..start + chunk.len()].convert_to_f32_slice(chunk)
    });
    NdArray::from_vec(out, a.shape())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f32s(v: &[f32], shape: &[usize]) -> NdArray {
        NdArray::from_vec(v.to_vec(), shape).unwrap()
    }
    fn i64s(v: &[i64], shape: &[usize]) -> NdArray {
        NdArray::from_vec(v.to_vec(), shape).unwrap()
    }
    fn bools(v: &[bool], shape: &[usize]) -> NdArray {
        NdArray::from_vec(v.to_vec(), shape).unwrap()
    }
    fn vals<T: Element>(a: &NdArray) -> Vec<T> {
        a.as_slice::<T>().unwrap().to_vec()
    }
    fn close(a: &[f32], b: &[f32]) -> bool {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| (x - y).abs() <= 1e-6 * (1.0 + y.abs()) || (x.is_nan() && y.is_nan()))
    }

    #[test]
    fn unary_float_ops() {
        let a = f32s(&[-2.0, -0.5, 0.0, 0.5, 2.5], &[5]);
        let u = |op| vals::<f32>(&unary(op, &a).unwrap());
        assert_eq!(u(UnaryOp::Neg), vec![2.0, 0.5, -0.0, -0.5, -2.5]);
        assert_eq!(u(UnaryOp::Abs), vec![2.0, 0.5, 0.0, 0.5, 2.5]);
        assert_eq!(u(UnaryOp::Sign), vec![-1.0, -1.0, 0.0, 1.0, 1.0]);
        assert_eq!(u(UnaryOp::Relu), vec![0.0, 0.0, 0.0, 0.5, 2.5]);
        assert_eq!(u(UnaryOp::Round), vec![-2.0, -0.0, 0.0, 0.0, 2.0]);
        assert_eq!(u(UnaryOp::Floor), vec![-2.0, -1.0, 0.0, 0.0, 2.0]);
        assert_eq!(u(UnaryOp::Ceil), vec![-2.0, -0.0, 0.0, 1.0, 3.0]);
        assert_eq!(u(UnaryOp::Trunc), vec![-2.0, -0.0, 0.0, 0.0, 2.0]);
        assert_eq!(u(UnaryOp::Square), vec![4.0, 0.25, 0.0, 0.25, 6.25]);
        let expect = |f: fn(f32) -> f32| {
            a.as_slice::<f32>()
                .unwrap()
                .iter()
                .map(|&x| f(x))
                .collect::<Vec<_>>()
        };
        assert!(close(&u(UnaryOp::Exp), &expect(f32::exp)));
        assert!(close(&u(UnaryOp::Tanh), &expect(f32::tanh)));
        assert!(close(&u(UnaryOp::Expm1), &expect(f32::exp_m1)));
        assert!(close(
            &u(UnaryOp::Sigmoid),
            &expect(|x| 1.0 / (1.0 + (-x).exp()))
        ));
        assert!(close(
            &u(UnaryOp::Erf),
            &[-0.995_322_3, -0.520_499_9, 0.0, 0.520_499_9, 0.999_593]
        ));
        let big = f32s(&[-1000.0, 1000.0], &[2]);
        assert_eq!(
            vals::<f32>(&unary(UnaryOp::Sigmoid, &big).unwrap()),
            vec![0.0, 1.0]
        );
        let pos = NdArray::from_vec(vec![4.0f64, 0.25], &[2]).unwrap();
        assert_eq!(
            vals::<f64>(&unary(UnaryOp::Rsqrt, &pos).unwrap()),
            vec![0.5, 2.0]
        );
        assert_eq!(
            vals::<f64>(&unary(UnaryOp::Reciprocal, &pos).unwrap()),
            vec![0.25, 4.0]
        );
        assert_eq!(
            vals::<f64>(&unary(UnaryOp::Log, &pos).unwrap())[0],
            4f64.ln()
        );
    }

    #[test]
    fn vectorisable_exp_is_accurate() {
        let mut worst = 0.0f64;
        for i in -200_000..=200_000 {
            let x = i as f32 * 4.4e-4;
            let (got, want) = (exp_f32(x) as f64, (x as f64).exp());
            worst = worst.max((got - want).abs() / want);
        }
        assert!(worst < 2.5e-7, "relative error {worst}");
        assert_eq!(exp_f32(0.0), 1.0);
        assert_eq!(exp_f32(f32::INFINITY), f32::INFINITY);
        assert_eq!(exp_f32(89.0), f32::INFINITY);
        assert_eq!(exp_f32(f32::NEG_INFINITY), 0.0);
        assert!(exp_f32(f32::NAN).is_nan());
        let sub = exp_f32(-100.0) as f64;
        assert!((sub - (-100f64).exp()).abs() < 1e-45, "{sub}");
        assert!((exp_f32(88.7) as f64 / (88.7f32 as f64).exp() - 1.0).abs() < 3e-7);
    }

    #[test]
    fn unary_int_and_bool() {
        let a = i64s(&[-3, 0, 5], &[3]);
        assert_eq!(
            vals::<i64>(&unary(UnaryOp::Neg, &a).unwrap()),
            vec![3, 0, -5]
        );
        assert_eq!(
            vals::<i64>(&unary(UnaryOp::Abs, &a).unwrap()),
            vec![3, 0, 5]
        );
        assert_eq!(
            vals::<i64>(&unary(UnaryOp::Sign, &a).unwrap()),
            vec![-1, 0, 1]
        );
        assert_eq!(
            vals::<i64>(&unary(UnaryOp::Relu, &a).unwrap()),
            vec![0, 0, 5]
        );
        assert_eq!(
            vals::<i64>(&unary(UnaryOp::Square, &a).unwrap()),
            vec![9, 0, 25]
        );
        assert_eq!(
            vals::<i64>(&unary(UnaryOp::Not, &a).unwrap()),
            vec![2, -1, -6]
        );
        let floor = unary(UnaryOp::Floor, &a).unwrap();
        assert!(
            !floor.shares_storage_with(&a),
            "an identity result is a new array, not an alias"
        );
        assert!(matches!(unary(UnaryOp::Exp, &a), Err(Error::DType(_))));
        let b = bools(&[true, false], &[2]);
        assert_eq!(
            vals::<bool>(&unary(UnaryOp::Not, &b).unwrap()),
            vec![false, true]
        );
        assert!(
            matches!(unary(UnaryOp::Neg, &b), Err(Error::NotImplemented(m)) if m.contains("logical_not"))
        );
        assert!(matches!(
            unary(UnaryOp::Not, &f32s(&[1.0], &[1])),
            Err(Error::DType(_))
        ));
    }

    #[test]
    fn binary_same_shape_scalar_and_broadcast() {
        let a = f32s(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]);
        let row = f32s(&[10.0, 20.0, 30.0], &[3]);
        let col = f32s(&[100.0, 200.0], &[2, 1]);
        let one = f32s(&[2.0], &[]);
        let b = |op, x: &NdArray, y: &NdArray| {
            let r = binary(op, x, y).unwrap();
            (r.shape().to_vec(), vals::<f32>(&r))
        };
        assert_eq!(
            b(BinaryOp::Add, &a, &a).1,
            vec![2.0, 4.0, 6.0, 8.0, 10.0, 12.0]
        );
        assert_eq!(
            b(BinaryOp::Mul, &a, &one).1,
            vec![2.0, 4.0, 6.0, 8.0, 10.0, 12.0]
        );
        assert_eq!(
            b(BinaryOp::Sub, &one, &a).1,
            vec![1.0, 0.0, -1.0, -2.0, -3.0, -4.0]
        );
        assert_eq!(
            b(BinaryOp::Add, &a, &row).1,
            vec![11.0, 22.0, 33.0, 14.0, 25.0, 36.0]
        );
        assert_eq!(
            b(BinaryOp::Sub, &a, &col).1,
            vec![-99.0, -98.0, -97.0, -196.0, -195.0, -194.0]
        );
        let (shape, v) = b(BinaryOp::Add, &col, &row);
        assert_eq!(shape, vec![2, 3]);
        assert_eq!(v, vec![110.0, 120.0, 130.0, 210.0, 220.0, 230.0]);
        // [2,1,3] + [4,1] -> [2,4,3]
        let x = f32s(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0], &[2, 1, 3]);
        let y = f32s(&[0.0, 10.0, 20.0, 30.0], &[4, 1]);
        let (shape, v) = b(BinaryOp::Add, &x, &y);
        assert_eq!(shape, vec![2, 4, 3]);
        let expect: Vec<f32> = (0..2)
            .flat_map(|i| {
                (0..4).flat_map(move |j| (0..3).map(move |k| (i * 3 + k) as f32 + 10.0 * j as f32))
            })
            .collect();
        assert_eq!(v, expect);
        assert!(matches!(
            binary(BinaryOp::Add, &a, &f32s(&[1.0, 2.0], &[2])),
            Err(Error::Shape(_))
        ));
        let empty = f32s(&[], &[0, 3]);
        assert_eq!(b(BinaryOp::Add, &empty, &row).0, vec![0, 3]);
    }

    #[test]
    fn binary_large_broadcast_runs_in_parallel_chunks() {
        let n = 300;
        let a: Vec<f32> = (0..n * n).map(|i| i as f32).collect();
        let b: Vec<f32> = (0..n).map(|i| i as f32).collect();
        let r = binary(BinaryOp::Add, &f32s(&a, &[n, n]), &f32s(&b, &[n, 1])).unwrap();
        let v = vals::<f32>(&r);
        assert!((0..n * n).all(|i| v[i] == (i + i / n) as f32));
        let r = binary(BinaryOp::Mul, &f32s(&a, &[n, n]), &f32s(&[2.0], &[1])).unwrap();
        assert!(vals::<f32>(&r)
            .iter()
            .enumerate()
            .all(|(i, &x)| x == 2.0 * i as f32));
    }

    #[test]
    fn division_family_follows_python() {
        let a = i64s(&[7, -7, 7, -7], &[4]);
        let b = i64s(&[2, 2, -2, -2], &[4]);
        assert_eq!(
            vals::<i64>(&binary(BinaryOp::FloorDiv, &a, &b).unwrap()),
            vec![3, -4, -4, 3]
        );
        assert_eq!(
            vals::<i64>(&binary(BinaryOp::Rem, &a, &b).unwrap()),
            vec![1, 1, -1, -1]
        );
        let z = i64s(&[1, 0, 1, 1], &[4]);
        assert!(
            matches!(binary(BinaryOp::FloorDiv, &a, &z), Err(Error::Arithmetic(m)) if m.contains("ZeroDivisionError"))
        );
        assert!(matches!(
            binary(BinaryOp::Rem, &a, &z),
            Err(Error::Arithmetic(_))
        ));
        assert!(matches!(
            binary(BinaryOp::Div, &a, &b),
            Err(Error::DType(_))
        ));
        let fa = f32s(&[7.0, -7.0, 7.0, -7.0, 1.0], &[5]);
        let fb = f32s(&[2.0, 2.0, -2.0, -2.0, 0.1], &[5]);
        assert_eq!(
            vals::<f32>(&binary(BinaryOp::FloorDiv, &fa, &fb).unwrap()),
            vec![3.0, -4.0, -4.0, 3.0, 9.0]
        );
        let r = vals::<f32>(&binary(BinaryOp::Rem, &fa, &fb).unwrap());
        assert_eq!(&r[..4], &[1.0, 1.0, -1.0, -1.0]);
        assert_eq!(
            vals::<f32>(&binary(BinaryOp::Div, &fa, &fb).unwrap())[0],
            3.5
        );
        let inf = vals::<f32>(
            &binary(BinaryOp::FloorDiv, &f32s(&[1.0], &[1]), &f32s(&[0.0], &[1])).unwrap(),
        );
        assert_eq!(inf, vec![f32::INFINITY]);
    }

    #[test]
    fn pow_max_min_atan2_bitwise() {
        let a = i64s(&[2, -3, 5], &[3]);
        let e = i64s(&[10, 3, 0], &[3]);
        assert_eq!(
            vals::<i64>(&binary(BinaryOp::Pow, &a, &e).unwrap()),
            vec![1024, -27, 1]
        );
        let (base, neg) = (
            i64s(&[0, 1, -1, -1, 2, -3], &[6]),
            i64s(&[-1, -1, -1, -2, -1, -2], &[6]),
        );
        assert_eq!(
            vals::<i64>(&binary(BinaryOp::Pow, &base, &neg).unwrap()),
            vec![0, 1, -1, 1, 0, 0]
        );
        let x = f32s(&[1.0, f32::NAN, 3.0], &[3]);
        let y = f32s(&[2.0, 0.0, f32::NAN], &[3]);
        let mx = vals::<f32>(&binary(BinaryOp::Maximum, &x, &y).unwrap());
        assert!(mx[0] == 2.0 && mx[1].is_nan() && mx[2].is_nan());
        let mn = vals::<f32>(&binary(BinaryOp::Minimum, &x, &y).unwrap());
        assert!(mn[0] == 1.0 && mn[1].is_nan() && mn[2].is_nan());
        assert_eq!(
            vals::<f32>(&binary(BinaryOp::Pow, &f32s(&[2.0], &[1]), &f32s(&[0.5], &[1])).unwrap()),
            vec![2f32.sqrt()]
        );
        let at = vals::<f32>(
            &binary(BinaryOp::Atan2, &f32s(&[1.0], &[1]), &f32s(&[-1.0], &[1])).unwrap(),
        );
        assert_eq!(at, vec![1f32.atan2(-1.0)]);
        assert!(matches!(
            binary(BinaryOp::Atan2, &a, &e),
            Err(Error::DType(_))
        ));
        assert_eq!(
            vals::<i64>(&binary(BinaryOp::And, &i64s(&[12], &[1]), &i64s(&[10], &[1])).unwrap()),
            vec![8]
        );
        assert_eq!(
            vals::<i64>(&binary(BinaryOp::Or, &i64s(&[12], &[1]), &i64s(&[10], &[1])).unwrap()),
            vec![14]
        );
        assert_eq!(
            vals::<i64>(&binary(BinaryOp::Xor, &i64s(&[12], &[1]), &i64s(&[10], &[1])).unwrap()),
            vec![6]
        );
        assert!(matches!(
            binary(BinaryOp::And, &x, &y),
            Err(Error::DType(_))
        ));
        let big = NdArray::from_vec(vec![i32::MAX], &[1]).unwrap();
        let one = NdArray::from_vec(vec![1i32], &[1]).unwrap();
        assert_eq!(
            vals::<i32>(&binary(BinaryOp::Add, &big, &one).unwrap()),
            vec![i32::MIN]
        );
    }

    #[test]
    fn bool_arithmetic_is_logical() {
        let a = bools(&[true, true, false, false], &[4]);
        let b = bools(&[true, false, true, false], &[4]);
        assert_eq!(
            vals::<bool>(&binary(BinaryOp::Add, &a, &b).unwrap()),
            vec![true, true, true, false]
        );
        assert_eq!(
            vals::<bool>(&binary(BinaryOp::Mul, &a, &b).unwrap()),
            vec![true, false, false, false]
        );
        assert_eq!(
            vals::<bool>(&binary(BinaryOp::Xor, &a, &b).unwrap()),
            vec![false, true, true, false]
        );
        assert_eq!(
            vals::<bool>(&binary(BinaryOp::Maximum, &a, &b).unwrap()),
            vec![true, true, true, false]
        );
        assert_eq!(
            vals::<bool>(&binary(BinaryOp::Minimum, &a, &b).unwrap()),
            vec![true, false, false, false]
        );
        assert!(
            matches!(binary(BinaryOp::Sub, &a, &b), Err(Error::NotImplemented(m)) if m.contains("logical_xor"))
        );
        assert!(matches!(
            binary(BinaryOp::Div, &a, &b),
            Err(Error::DType(_))
        ));
        assert_eq!(
            vals::<bool>(&binary(BinaryOp::Eq, &a, &b).unwrap()),
            vec![true, false, false, true]
        );
    }

    #[test]
    fn binary_assign_in_place() {
        let mut d = f32s(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]);
        let alias = d.clone();
        binary_assign(BinaryOp::Add, &mut d, &f32s(&[10.0, 20.0, 30.0], &[3])).unwrap();
        assert_eq!(vals::<f32>(&d), vec![11.0, 22.0, 33.0, 14.0, 25.0, 36.0]);
        assert_eq!(
            vals::<f32>(&alias),
            vec![11.0, 22.0, 33.0, 14.0, 25.0, 36.0],
            "arrays that share storage see writes (views alias)"
        );
        binary_assign(BinaryOp::Mul, &mut d, &f32s(&[2.0, 0.0], &[2, 1])).unwrap();
        assert_eq!(vals::<f32>(&d), vec![22.0, 44.0, 66.0, 0.0, 0.0, 0.0]);
        binary_assign(BinaryOp::Sub, &mut d, &f32s(&[1.0], &[])).unwrap();
        assert_eq!(vals::<f32>(&d), vec![21.0, 43.0, 65.0, -1.0, -1.0, -1.0]);
        let same = d.clone();
        binary_assign(BinaryOp::Add, &mut d, &same).unwrap();
        assert_eq!(vals::<f32>(&d), vec![42.0, 86.0, 130.0, -2.0, -2.0, -2.0]);
        let mut i = i64s(&[5, 6], &[2]);
        assert!(binary_assign(BinaryOp::FloorDiv, &mut i, &i64s(&[0], &[1])).is_err());
        assert!(binary_assign(BinaryOp::Add, &mut i, &i64s(&[1, 2, 3, 4], &[2, 2])).is_err());
    }

    #[test]
    fn where_broadcasts_all_three() {
        let c = bools(&[true, false], &[2, 1]);
        let a = f32s(&[1.0, 2.0, 3.0], &[3]);
        let b = f32s(&[-1.0], &[]);
        let r = where_(&c, &a, &b).unwrap();
        assert_eq!(r.shape(), &[2, 3]);
        assert_eq!(vals::<f32>(&r), vec![1.0, 2.0, 3.0, -1.0, -1.0, -1.0]);
        let c = bools(&[true, false, true], &[3]);
        let r = where_(&c, &a, &f32s(&[7.0, 8.0, 9.0], &[3])).unwrap();
        assert_eq!(vals::<f32>(&r), vec![1.0, 8.0, 3.0]);
    }

    #[test]
    fn casts_follow_torch() {
        let f = f32s(&[-1.7, -0.2, 0.0, 2.9, f32::NAN], &[5]);
        // NaN becomes x86's "integer indefinite" value, as in PyTorch on the CPU.
        assert_eq!(
            vals::<i64>(&cast(&f, DType::Int64).unwrap()),
            vec![-1, 0, 0, 2, i64::MIN]
        );
        assert_eq!(
            vals::<bool>(&cast(&f, DType::Bool).unwrap()),
            vec![true, true, false, true, true]
        );
        let i = i64s(&[1 << 40 | 5, -1], &[2]);
        assert_eq!(vals::<i32>(&cast(&i, DType::Int32).unwrap()), vec![5, -1]);
        assert_eq!(
            vals::<f64>(&cast(&i, DType::Float64).unwrap()),
            vec![(1i64 << 40 | 5) as f64, -1.0]
        );
        let b = bools(&[true, false], &[2]);
        assert_eq!(
            vals::<f32>(&cast(&b, DType::Float32).unwrap()),
            vec![1.0, 0.0]
        );
        assert_eq!(vals::<i32>(&cast(&b, DType::Int32).unwrap()), vec![1, 0]);
        assert_eq!(cast(&b, DType::Int32).unwrap().shape(), &[2]);
    }

    #[test]
    fn strided_walk_merges_and_drops_dims() {
        let walk = StridedWalk::new(&[2, 1, 3, 4], [&[12, 0, 4, 1]], [0]);
        assert_eq!(
            (walk.rows(), walk.inner(), walk.inner_strides()),
            (1, 24, [1])
        );
        let walk = StridedWalk::new(&[3, 2], [&[1, 3]], [0]);
        let mut starts = vec![];
        walk.for_rows(0..walk.rows(), |r, [p]| starts.push((r, p)));
        assert_eq!(starts, vec![(0, 0), (1, 1), (2, 2)]);
        let walk = StridedWalk::new(&[2, 3, 2], [&[6, 2, 1], &[0, 1, 0]], [0, 0]);
        let mut starts = vec![];
        walk.for_rows(1..4, |r, p| starts.push((r, p)));
        assert_eq!(starts, vec![(1, [2, 1]), (2, [4, 2]), (3, [6, 0])]);
        assert_eq!(StridedWalk::new(&[3, 0], [&[1, 1]], [0]).rows(), 0);
    }

    #[test]
    fn casts_into_narrow_types_follow_pytorch() {
        let floats = f32s(&[300.5, -1.5, -300.7, 1e10, f32::NAN], &[5]);
        assert_eq!(
            vals::<u8>(&cast(&floats, DType::UInt8).unwrap()),
            vec![44, 255, 212, 0, 0]
        );
        assert_eq!(
            vals::<i8>(&cast(&floats, DType::Int8).unwrap()),
            vec![44, -1, -44, 0, 0]
        );
        assert_eq!(
            vals::<i32>(&cast(&floats, DType::Int32).unwrap()),
            vec![300, -1, -300, i32::MIN, i32::MIN]
        );
        let half = cast(&f32s(&[1.0 / 3.0, 65520.0], &[2]), DType::Float16).unwrap();
        assert_eq!(
            vals::<f16>(&half),
            vec![f16::from_f32(0.333_251_95), f16::INFINITY]
        );
        let ints = i64s(&[-1, 256, 300], &[3]);
        assert_eq!(
            vals::<u8>(&cast(&ints, DType::UInt8).unwrap()),
            vec![255, 0, 44]
        );
    }

    #[test]
    fn small_integers_wrap_and_16_bit_floats_round_each_result() {
        let a = NdArray::from_vec(vec![200u8, 100], &[2]).unwrap();
        let sum = binary(BinaryOp::Add, &a, &a).unwrap();
        assert_eq!(vals::<u8>(&sum), vec![144, 200]);
        let h = NdArray::from_vec(vec![f16::from_f32(1.0), f16::from_f32(2.0)], &[2]).unwrap();
        let three = NdArray::from_vec(vec![f16::from_f32(3.0); 2], &[2]).unwrap();
        let q = binary(BinaryOp::Div, &h, &three).unwrap();
        assert_eq!(q.dtype(), DType::Float16);
        assert_eq!(
            vals::<f16>(&q),
            vec![f16::from_f32(0.333_251_95), f16::from_f32(0.666_503_9)]
        );
    }
}
