//! GELU and its derivative for both float types, through the best instruction set's kernels
//! and through the one-element path (the baseline loop's arithmetic): the value within its
//! bound in ulps wherever `Φ(x)` is a normal float, the left tail included; the derivative
//! within its bound in ulps of the larger of its two terms `Φ(x)` and `|x φ(x)|` (they cancel
//! on the left, so no bound relative to the sum holds there). Further left, where `Φ(x)` is
//! subnormal and rounding is absolute, the value is within 2.5 steps of `|x|` times the
//! smallest subnormal, and the derivative within its bound of the larger of those steps and
//! its scale's ulp.

use super::double_double::{dd_add, dd_mul, normal_reference, scale, Dd};
use super::{f32_inputs, random_bits, ulp_size, ulps, Rounded, VecMath};
use crate::array::{Element, NdArray};
use crate::kernels::vecmath::activation::{backward, forward, Activation};

/// A float format: `mantissa` bits after the point, `min_exp` the smallest normal exponent.
#[derive(Clone, Copy)]
struct Format {
    mantissa: i32,
    min_exp: i32,
}

impl Format {
    fn smallest_subnormal(self) -> f64 {
        ulp_size(0.0, self.mantissa, self.min_exp)
    }

    /// `|got - want|` in ulps of `want` at this precision.
    fn ulps(self, got: f64, (hi, lo): Dd) -> f64 {
        if !(hi.is_finite() && got.is_finite()) {
            return ulps(got, hi, self.mantissa, self.min_exp);
        }
        ((got - hi) - lo).abs() / ulp_size(hi, self.mantissa, self.min_exp)
    }
}

/// GELU's reference at one point: its value and derivative, `Φ(x)`, and the larger of the
/// derivative's two terms.
struct Expected {
    value: Dd,
    slope: Dd,
    cdf: f64,
    scale: f64,
}

/// The worst errors of one path (value in ulps, value in the subnormal tail in steps,
/// derivative) and where each was, with the bounds they are held to.
fn check_gelu<T: Element + Into<f64> + VecMath>(
    x: &[T],
    format: Format,
    bounds: [f64; 3],
    expected: impl Fn(f64) -> Expected,
) {
    let n = x.len();
    let slice = |a: &NdArray| a.as_slice::<T>().unwrap().to_vec();
    let input = NdArray::from_vec(x.to_vec(), &[n]).unwrap();
    let ones = NdArray::from_vec(vec![T::one(); n], &[n]).unwrap();
    let kernel = (
        slice(&forward(Activation::Gelu, &input).unwrap()),
        slice(&backward(Activation::Gelu, &ones, &input).unwrap()),
    );
    let one_element: (Vec<T>, Vec<T>) = x
        .iter()
        .map(|&v| (v.gelu_with::<Rounded>(), v.gelu_slope_with::<Rounded>()))
        .unzip();
    let min_positive = 2f64.powi(format.min_exp);
    for (path, (value, slope)) in [("kernel", kernel), ("one element", one_element)] {
        let mut worst = [(0.0f64, 0.0f64); 3];
        let mut record = |k: usize, e: f64, v: f64| {
            if e > worst[k].0 {
                worst[k] = (e, v);
            }
        };
        for ((&v, &y), &dy) in x.iter().zip(&value).zip(&slope) {
            let (v, y, dy): (f64, f64, f64) = (v.into(), y.into(), dy.into());
            let want = expected(v);
            let step = v.abs() * format.smallest_subnormal();
            if want.cdf >= min_positive || !v.is_finite() {
                record(0, format.ulps(y, want.value), v);
            } else {
                record(1, ((y - want.value.0) - want.value.1).abs() / step, v);
            }
            if v.is_finite() {
                let unit = ulp_size(want.scale, format.mantissa, format.min_exp).max(step);
                record(2, ((dy - want.slope.0) - want.slope.1).abs() / unit, v);
            }
        }
        let name = std::any::type_name::<T>();
        eprintln!("gelu {name} {path}: value, value in the subnormal tail, slope: {worst:?}");
        assert!(
            worst[0].0 <= bounds[0],
            "{name} {path}: gelu {:?}",
            worst[0]
        );
        assert!(
            worst[1].0 <= bounds[1],
            "{name} {path}: gelu in the subnormal tail {:?}",
            worst[1]
        );
        assert!(
            worst[2].0 <= bounds[2],
            "{name} {path}: gelu' {:?}",
            worst[2]
        );
    }
}

/// On the sweeps of the other `f32` functions and a dense one of `[-15, 15]`, against `f64`
/// references (`Φ` from `erfc`, so that the left tail keeps its relative accuracy): within 4
/// ulp.
#[test]
fn vecmath_f32_gelu_within_four_ulp() {
    let mut x = f32_inputs();
    x.extend((0..1 << 21).map(|i| -15.0 + 30.0 * i as f32 / (1 << 21) as f32));
    let format = Format {
        mantissa: 23,
        min_exp: -126,
    };
    check_gelu(&x, format, [4.0, 2.5, 4.0], |x| {
        let cdf = 0.5 * libm::erfc(-x * std::f64::consts::FRAC_1_SQRT_2);
        let pdf = (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt();
        Expected {
            value: (x * cdf, 0.0),
            slope: (cdf + x * pdf, 0.0),
            cdf,
            scale: cdf.max((x * pdf).abs()),
        }
    });
}

/// On a dense sweep of `[-40, 40]` (`Φ` turns subnormal below -37.5), magnitudes spread from
/// 1e-300 to 40 and random bit patterns, against double-double references: within 2 ulp.
#[test]
fn vecmath_f64_gelu_within_two_ulp() {
    let mut x: Vec<f64> = (0..1 << 17)
        .map(|i| -40.0 + 80.0 * i as f64 / (1 << 17) as f64)
        .collect();
    x.extend(random_bits(1 << 16, 37).map(|b| {
        let u = (b >> 11) as f64 / (1u64 << 53) as f64;
        let sign = if b & 1 == 0 { 1.0 } else { -1.0 };
        sign * 10f64.powf(-300.0 + 301.6 * u)
    }));
    x.extend(random_bits(1 << 13, 41).map(f64::from_bits));
    let format = Format {
        mantissa: 52,
        min_exp: -1022,
    };
    check_gelu(&x, format, [2.0, 2.5, 2.0], |x| {
        let (cdf, pdf, k) = normal_reference(x);
        let x_pdf = dd_mul((x, 0.0), pdf);
        Expected {
            value: scale(dd_mul((x, 0.0), cdf), k),
            slope: scale(dd_add(cdf, x_pdf), k),
            cdf: scale(cdf, k).0,
            scale: scale(cdf, k).0.max(scale(x_pdf, k).0.abs()),
        }
    });
}

#[test]
fn vecmath_normal_reference_is_right_where_known() {
    // Φ(x) and φ(x) from mpmath 1.3 at 40 digits, rounded to f64, in each of the reference's
    // regimes.
    for (x, cdf, pdf) in [
        (
            -37.0,
            5.725_571_222_524_577e-300,
            2.120_006_551_524_605_6e-298,
        ),
        (
            -25.0,
            3.056_696_706_382_561e-138,
            7.653_929_736_419_392e-137,
        ),
        (-5.0, 2.866_515_718_791_939e-7, 1.486_719_514_734_297_7e-6),
        (-3.5, 2.326_290_790_355_250_4e-4, 8.726_826_950_457_6e-4),
        (-3.0, 1.349_898_031_630_094_6e-3, 4.431_848_411_938_007_5e-3),
        (-1.0, 0.158_655_253_931_457_05, 0.241_970_724_519_143_34),
        (0.5, 0.691_462_461_274_013_1, 0.352_065_326_764_299_47),
        (2.5, 0.993_790_334_674_223_8, 0.017_528_300_493_568_537),
        (4.0, 0.999_968_328_758_166_9, 1.338_302_257_648_853_4e-4),
    ] {
        let (got_cdf, got_pdf, k) = normal_reference(x);
        for (got, want) in [(scale(got_cdf, k), cdf), (scale(got_pdf, k), pdf)] {
            assert!(
                ((got.0 - want) + got.1).abs() <= 2e-16 * want,
                "at {x}: {got:?}, want {want:e}"
            );
        }
    }
}

/// The special values, for both float types: signed zeros, infinities (`-inf` gives NaN, as
/// `-inf · 0` does in PyTorch; the derivative is NaN at both) and NaN, and the far ends.
#[test]
fn vecmath_gelu_special_values() {
    fn check<T: Element + Into<f64>>(x: Vec<T>) {
        let n = x.len();
        let input = NdArray::from_vec(x.clone(), &[n]).unwrap();
        let ones = NdArray::from_vec(vec![T::one(); n], &[n]).unwrap();
        let value = forward(Activation::Gelu, &input).unwrap();
        let slope = backward(Activation::Gelu, &ones, &input).unwrap();
        let results = value
            .as_slice::<T>()
            .unwrap()
            .iter()
            .zip(slope.as_slice::<T>().unwrap());
        for (&x, (&y, &dy)) in x.iter().zip(results) {
            let (x, y, dy): (f64, f64, f64) = (x.into(), y.into(), dy.into());
            let (want, want_slope) = match x {
                _ if x == 0.0 => (x, 0.5),
                _ if !x.is_finite() => (if x == f64::INFINITY { x } else { f64::NAN }, f64::NAN),
                _ if x > 0.0 => (x, 1.0),
                _ => (-0.0, 0.0),
            };
            let same = |a: f64, b: f64| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan());
            assert!(
                same(y, want) && same(dy, want_slope),
                "{}: gelu({x}) = {y}, gelu'({x}) = {dy}",
                std::any::type_name::<T>()
            );
        }
    }
    let special = [
        0.0,
        -0.0,
        f64::INFINITY,
        -f64::INFINITY,
        f64::NAN,
        60.0,
        -60.0,
    ];
    check(
        special
            .iter()
            .map(|&v| v as f32)
            .chain([f32::MAX, -f32::MAX])
            .collect(),
    );
    check(special.into_iter().chain([f64::MAX, -f64::MAX]).collect());
}
