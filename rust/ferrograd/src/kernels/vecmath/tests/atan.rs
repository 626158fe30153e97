//! `atan2` through every instruction set's loops (two slices, a constant `x`, a constant `y`)
//! and the one-element path: within its ulp bound of libm's `f64` `atan2` (for `f32`, an exact
//! reference), C99's special values bit for bit, and the baseline loop bit for bit as the
//! one-element path.

use std::mem::MaybeUninit;

use super::{check_within, random_bits, run, same_bits, ulps_f32, ulps_f64, worst_ulps};
use crate::kernels::vecmath::atan::{atan2, Angle, Atan2Float, Inverse, Over, Under};
use crate::kernels::vecmath::{map2_with, map_with, Isa};

fn written<T: Copy>(out: Vec<MaybeUninit<T>>) -> Vec<T> {
    out.iter().map(|v| unsafe { v.assume_init() }).collect()
}

/// `atan2(y[i], x[i])` by the two-slice loop of `isa`.
fn angles<T: Atan2Float + Send + Sync>(isa: Isa, y: &[T], x: &[T]) -> Vec<T> {
    let mut out = vec![MaybeUninit::<T>::uninit(); y.len()];
    map2_with(isa, y, x, &mut out, Angle);
    written(out)
}

/// `atan2(y[i], x)` and `atan2(x, y[i])` by the constant-operand loops of `isa`.
fn against<T: Atan2Float + Send + Sync>(isa: Isa, v: &[T], c: T) -> (Vec<T>, Vec<T>) {
    let mut over = vec![MaybeUninit::<T>::uninit(); v.len()];
    let mut under = vec![MaybeUninit::<T>::uninit(); v.len()];
    map_with(isa, v, &mut over, Over(c));
    map_with(isa, v, &mut under, Under(c));
    (written(over), written(under))
}

/// Pairs of both signs: random bit patterns (every exponent, subnormals), ratios near 1 (where
/// the polynomial's sum is largest), near 0 and near the switch between `y/x` and `x/y`.
fn pairs(bits: impl Fn(u64) -> f64) -> (Vec<f64>, Vec<f64>) {
    let mut y = Vec::new();
    let mut x = Vec::new();
    let mut r = random_bits(1 << 18, 23);
    for _ in 0..1 << 16 {
        let (a, b) = (bits(r.next().unwrap()), bits(r.next().unwrap()));
        if a.is_finite() && b.is_finite() {
            y.push(a);
            x.push(b);
        }
    }
    for i in 0..1 << 15 {
        let u = (r.next().unwrap() >> 11) as f64 / (1u64 << 53) as f64;
        let scale = [1.0, 3e-7, 1e300, 2e-310][i % 4];
        let ratio = [
            1.0 - u * 0.3,
            1.0 + u * 1e-6,
            u * 1e-3,
            1.0 / (1.0 - u * 0.5),
        ][i / 4 % 4];
        let signs = [(1.0, 1.0), (-1.0, 1.0), (1.0, -1.0), (-1.0, -1.0)][i / 16 % 4];
        y.push(signs.0 * scale * ratio);
        x.push(signs.1 * scale);
    }
    (y, x)
}

fn check_worst(name: &str, (ulps, y, x): (f64, f64, f64), bound: f64) {
    eprintln!("{name} atan2: max {ulps:.3} ulp at ({y:e}, {x:e})");
    assert!(ulps <= bound, "{name} atan2: {ulps} ulp at ({y:e}, {x:e})");
}

#[test]
fn atan2_f64_within_two_ulp_of_libm() {
    let (y, x) = pairs(f64::from_bits);
    let constants = [1.0, -1.0, 0.7, -3e5, 2e-300];
    let mut worst = (0.0, 0.0, 0.0);
    let mut check = |yv: f64, xv: f64, got: f64| {
        let e = ulps_f64(got, yv.atan2(xv));
        if e > worst.0 {
            worst = (e, yv, xv);
        }
    };
    for isa in Isa::available() {
        for ((&yv, &xv), &got) in y.iter().zip(&x).zip(&angles(isa, &y, &x)) {
            check(yv, xv, got);
        }
        for c in constants {
            let (over, under) = against(isa, &y, c);
            for ((&v, &o), &u) in y.iter().zip(&over).zip(&under) {
                check(v, c, o);
                check(c, v, u);
            }
        }
    }
    check_worst("f64", worst, 2.0);
}

#[test]
fn atan2_f32_within_one_ulp() {
    let (y, x) = pairs(|b| f64::from(f32::from_bits(b as u32)));
    let (y, x): (Vec<f32>, Vec<f32>) = y
        .iter()
        .zip(&x)
        .map(|(&a, &b)| (a as f32, b as f32))
        .unzip();
    let mut worst = (0.0, 0.0, 0.0);
    let mut check = |yv: f32, xv: f32, got: f32| {
        let (yv, xv) = (f64::from(yv), f64::from(xv));
        let e = ulps_f32(got, yv.atan2(xv));
        if e > worst.0 {
            worst = (e, yv, xv);
        }
    };
    for isa in Isa::available() {
        for ((&yv, &xv), &got) in y.iter().zip(&x).zip(&angles(isa, &y, &x)) {
            check(yv, xv, got);
        }
        for c in [1.0f32, -1.0, 0.7, -3e5, 2e-30] {
            let (over, under) = against(isa, &y, c);
            for ((&v, &o), &u) in y.iter().zip(&over).zip(&under) {
                check(v, c, o);
                check(c, v, u);
            }
        }
    }
    check_worst("f32", worst, 1.0);
}

/// Zeros, infinities, NaN and finite values of both signs, every pair: C99's `atan2` special
/// values (±0, ±π/4, ±π/2, ±3π/4, ±π, NaN) exactly as libm gives them.
#[test]
fn atan2_special_values_are_c99s() {
    let inf = f64::INFINITY;
    let v = [
        0.0,
        -0.0,
        inf,
        -inf,
        f64::NAN,
        1.0,
        -1.0,
        2.5,
        -1e-310,
        1e308,
    ];
    let (y, x): (Vec<f64>, Vec<f64>) = v
        .iter()
        .flat_map(|&a| v.iter().map(move |&b| (a, b)))
        .unzip();
    for isa in Isa::available() {
        for ((&yv, &xv), &got) in y.iter().zip(&x).zip(&angles(isa, &y, &x)) {
            let want = yv.atan2(xv);
            assert!(
                ulps_f64(got, want) <= 1.0,
                "atan2({yv}, {xv}) = {got}, libm {want}"
            );
            if want.is_nan() || want == 0.0 || want.is_infinite() {
                assert!(got.is_nan() == want.is_nan(), "atan2({yv}, {xv}) = {got}");
                assert!(
                    want.is_nan() || got.to_bits() == want.to_bits(),
                    "atan2({yv}, {xv})"
                );
            }
        }
        let (y32, x32): (Vec<f32>, Vec<f32>) = y
            .iter()
            .zip(&x)
            .map(|(&a, &b)| (a as f32, b as f32))
            .unzip();
        for ((&yv, &xv), &got) in y32.iter().zip(&x32).zip(&angles(isa, &y32, &x32)) {
            let want = f64::from(yv).atan2(f64::from(xv));
            assert!(
                ulps_f32(got, want) <= 1.0,
                "atan2({yv}, {xv}) = {got}, libm {want}"
            );
            if want.is_nan() || want == 0.0 {
                assert!(got.is_nan() == want.is_nan(), "atan2({yv}, {xv}) = {got}");
                assert!(want.is_nan() || got.to_bits() == (want as f32).to_bits());
            }
        }
    }
}

#[test]
fn atan2_baseline_loop_is_the_one_element_path() {
    let (y, x) = pairs(f64::from_bits);
    let one_by_one: Vec<f64> = y.iter().zip(&x).map(|(&a, &b)| atan2(a, b)).collect();
    assert_eq!(same_bits(&angles(Isa::Baseline, &y, &x), &one_by_one), None);
    let (y, x): (Vec<f32>, Vec<f32>) = y
        .iter()
        .zip(&x)
        .map(|(&a, &b)| (a as f32, b as f32))
        .unzip();
    let one_by_one: Vec<f32> = y.iter().zip(&x).map(|(&a, &b)| atan2(a, b)).collect();
    assert_eq!(same_bits(&angles(Isa::Baseline, &y, &x), &one_by_one), None);
}

/// `atan`, `asin` and `acos` of every instruction set's loop against libm's `f64` functions:
/// within 2 ulp for `f64`, 1 for `f32`; C99's values at 0, ±1 and the infinities, NaN outside
/// [-1, 1].
#[test]
fn inverse_functions_within_their_bounds() {
    type Pair = (fn(f64) -> f64, Inverse);
    let functions: [(&str, Pair); 3] = [
        ("atan", (f64::atan, Inverse::Tangent)),
        ("asin", (f64::asin, Inverse::Sine)),
        ("acos", (f64::acos, Inverse::Cosine)),
    ];
    let mut x: Vec<f64> = random_bits(1 << 16, 31)
        .map(f64::from_bits)
        .filter(|v| v.is_finite())
        .collect();
    // [-1, 1] densely, and near its ends
    x.extend((0..1 << 15).map(|i| -1.0 + 2.0 * i as f64 / (1 << 15) as f64));
    x.extend((0..1 << 10).map(|i| 1.0 - i as f64 * f64::EPSILON));
    x.extend((0..1 << 10).map(|i| -1.0 + i as f64 * f64::EPSILON * 0.5));
    x.extend([
        0.0,
        -0.0,
        1.0,
        -1.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        1e-310,
    ]);
    let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
    for (name, (reference, f)) in functions {
        let kernel_f64 = crate::kernels::vecmath::inverse::<f64>(f).unwrap();
        let kernel_f32 = crate::kernels::vecmath::inverse::<f32>(f).unwrap();
        for isa in Isa::available() {
            let got = run(kernel_f64, isa, &x);
            let worst = worst_ulps(&x, &got, reference, ulps_f64);
            check_within(&format!("{name} f64 {isa:?}"), worst, 2.0);
            let got = run(kernel_f32, isa, &x32);
            let worst = worst_ulps(&x32, &got, reference, ulps_f32);
            check_within(&format!("{name} f32 {isa:?}"), worst, 1.0);
        }
        // zeros keep their sign through atan and asin
        if f != Inverse::Cosine {
            let kernel = crate::kernels::vecmath::inverse::<f64>(f).unwrap();
            let got = run(kernel, Isa::best(), &[-0.0]);
            assert!(
                got[0] == 0.0 && got[0].is_sign_negative(),
                "{name}(-0) = {}",
                got[0]
            );
        }
    }
}
