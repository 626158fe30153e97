//! [`Scalar`]: the arithmetic of each element type, shared by every CPU kernel (and, through
//! `kernels::ElementMath`, by code that must compute exactly as the kernels do).

use crate::array::{bf16, f16, Element};
use crate::kernels::vecmath::{bases, VecMath};

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
    fn logaddexp(self, o: Self) -> Self {
        Self::from_f64(<f64 as Scalar>::logaddexp(self.to_f64(), o.to_f64()))
    }
    fn logaddexp2(self, o: Self) -> Self {
        Self::from_f64(<f64 as Scalar>::logaddexp2(self.to_f64(), o.to_f64()))
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
    fn atan(self) -> Self {
        Self::from_f64(self.to_f64().atan())
    }
    fn log2(self) -> Self {
        Self::from_f64(self.to_f64().log2())
    }
    fn log10(self) -> Self {
        Self::from_f64(self.to_f64().log10())
    }
    fn exp2(self) -> Self {
        Self::from_f64(self.to_f64().exp2())
    }
    fn asin(self) -> Self {
        Self::from_f64(self.to_f64().asin())
    }
    fn acos(self) -> Self {
        Self::from_f64(self.to_f64().acos())
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
                crate::kernels::vecmath::pow::pow(self, o)
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
                crate::kernels::vecmath::atan::atan2(self, o)
            }
            /// `max + log1p(exp(-|a - b|))`; equal infinities give themselves (the formula
            /// would give `inf - inf`), NaN propagates.
            #[inline(always)]
            fn logaddexp(self, o: Self) -> Self {
                if self == o && self.is_infinite() {
                    return self;
                }
                Scalar::maximum(self, o) + VecMath::log1p(VecMath::exp(-(self - o).abs()))
            }
            /// `logaddexp` in base 2: `max + log1p(2^-|a - b|) / ln 2`.
            #[inline(always)]
            fn logaddexp2(self, o: Self) -> Self {
                if self == o && self.is_infinite() {
                    return self;
                }
                let tail = VecMath::exp(-(self - o).abs() * std::f64::consts::LN_2 as Self);
                Scalar::maximum(self, o) + VecMath::log1p(tail) * std::f64::consts::LOG2_E as Self
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
                VecMath::tan(self)
            }
            #[inline(always)]
            fn atan(self) -> Self {
                crate::kernels::vecmath::atan::atan(self)
            }
            #[inline(always)]
            fn log2(self) -> Self {
                bases::one(bases::BaseFunction::Log2, self)
            }
            #[inline(always)]
            fn log10(self) -> Self {
                bases::one(bases::BaseFunction::Log10, self)
            }
            #[inline(always)]
            fn exp2(self) -> Self {
                bases::one(bases::BaseFunction::Exp2, self)
            }
            #[inline(always)]
            fn asin(self) -> Self {
                crate::kernels::vecmath::atan::asin(self)
            }
            #[inline(always)]
            fn acos(self) -> Self {
                crate::kernels::vecmath::atan::acos(self)
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
                and or xor atan2 logaddexp logaddexp2);
            reduced_float_scalar!(@unary $t, not neg abs sign relu exp log sqrt rsqrt sin cos tan
                atan asin acos log2 log10 exp2 tanh sigmoid log1p expm1 erf reciprocal floor ceil round trunc);

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
