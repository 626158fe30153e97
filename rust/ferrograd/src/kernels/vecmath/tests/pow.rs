//! `pow` with a general exponent for both float types, through every instruction set's loop
//! (a constant exponent and a constant base) and the one-element path: within its ulp bound of
//! libm's `f64` `pow` (for `f32`, an exact reference; for `f64`, within 0.52 ulp itself), with
//! products `y ln x` up to the overflow threshold; C99's special values exactly; and the
//! baseline loop bit for bit as the one-element path.

use std::mem::MaybeUninit;

use super::{random_bits, same_bits, ulps_f32, ulps_f64};
use crate::kernels::vecmath::pow::{pow, Of, PowFloat, ToThe};
use crate::kernels::vecmath::{map_with, Isa};

fn by_exponent<T: PowFloat + Default>(isa: Isa, x: &[T], y: T) -> Vec<T> {
    let mut out = vec![MaybeUninit::<T>::uninit(); x.len()];
    map_with(isa, x, &mut out, ToThe(y));
    out.iter().map(|v| unsafe { v.assume_init() }).collect()
}

fn of_base<T: PowFloat + Default>(isa: Isa, b: T, y: &[T]) -> Vec<T> {
    let mut out = vec![MaybeUninit::<T>::uninit(); y.len()];
    map_with(isa, y, &mut out, Of(b));
    out.iter().map(|v| unsafe { v.assume_init() }).collect()
}

/// Exponents with little and large products, integers and not, both signs.
const EXPONENTS: [f64; 14] = [
    2.5,
    -2.5,
    0.1,
    1.0 / 3.0,
    7.3,
    -0.75,
    13.0,
    -7.0,
    100.5,
    -40.2,
    1e-5,
    4.0,
    0.0625,
    1.5,
];

/// Positive finite `f32`s from every exponent (subnormals included) and a sweep of `[0, 8]`.
fn f32_bases() -> Vec<f32> {
    let mut x: Vec<f32> = random_bits(1 << 16, 3)
        .map(|b| f32::from_bits((b as u32) & 0x7FFF_FFFF))
        .filter(|v| v.is_finite())
        .collect();
    x.extend((1..1 << 14).map(|i| 8.0 * i as f32 / (1 << 14) as f32));
    x
}

fn f64_bases() -> Vec<f64> {
    let mut x: Vec<f64> = random_bits(1 << 16, 5)
        .map(|b| f64::from_bits(b & 0x7FFF_FFFF_FFFF_FFFF))
        .filter(|v| v.is_finite())
        .collect();
    x.extend((1..1 << 14).map(|i| 8.0 * i as f64 / (1 << 14) as f64));
    x
}

/// Reports the largest error `(ulps, x, y)` and checks it against `bound`.
fn check_worst(name: &str, (ulps, x, y): (f64, f64, f64), bound: f64) {
    eprintln!("{name} pow: max {ulps:.3} ulp at {x:e} ^ {y:e}");
    assert!(ulps <= bound, "{name} pow: {ulps} ulp at {x:e} ^ {y:e}");
}

#[test]
fn pow_f32_within_one_ulp() {
    let x = f32_bases();
    let mut worst = (0.0, 0.0, 0.0);
    for isa in Isa::available() {
        for &y in &EXPONENTS {
            let y = y as f32;
            for (&v, &got) in x.iter().zip(&by_exponent(isa, &x, y)) {
                let e = ulps_f32(got, f64::from(v).powf(f64::from(y)));
                if e > worst.0 {
                    worst = (e, f64::from(v), f64::from(y));
                }
            }
        }
        // a constant base and random exponents: products over the whole range
        let y: Vec<f32> = random_bits(1 << 16, 9)
            .map(|b| (b >> 40) as f32 / (1u64 << 24) as f32 * 60.0 - 30.0)
            .collect();
        for b in [0.001f32, 0.3, 1.7, 2.0, 10.0, 1e20] {
            for (&v, &got) in y.iter().zip(&of_base(isa, b, &y)) {
                let e = ulps_f32(got, f64::from(b).powf(f64::from(v)));
                if e > worst.0 {
                    worst = (e, f64::from(b), f64::from(v));
                }
            }
        }
    }
    check_worst("f32", worst, 1.0);
}

#[test]
fn pow_f64_within_two_ulp_of_libm() {
    let x = f64_bases();
    // bases near 1 with exponents that take `y ln x` to the overflow and underflow thresholds,
    // where an error in `ln x` counts most
    let near_one: Vec<f64> = random_bits(1 << 14, 17)
        .map(|b| 0.5 + 1.5 * (b >> 11) as f64 / (1u64 << 53) as f64)
        .collect();
    let mut worst = (0.0, 0.0, 0.0);
    let mut check = |v: f64, y: f64, got: f64| {
        let e = ulps_f64(got, v.powf(y));
        if e > worst.0 {
            worst = (e, v, y);
        }
    };
    for isa in Isa::available() {
        for &y in &EXPONENTS {
            for (&v, &got) in x.iter().zip(&by_exponent(isa, &x, y)) {
                check(v, y, got);
            }
        }
        for y in [1000.5, -1020.25, 707.0, -744.9] {
            for (&v, &got) in near_one.iter().zip(&by_exponent(isa, &near_one, y)) {
                check(v, y, got);
            }
        }
        let y: Vec<f64> = random_bits(1 << 16, 9)
            .map(|b| (b >> 11) as f64 / (1u64 << 53) as f64 * 1400.0 - 700.0)
            .collect();
        for b in [0.37, 1.0001, 2.0, std::f64::consts::E, 10.0] {
            for (&v, &got) in y.iter().zip(&of_base(isa, b, &y)) {
                check(b, v, got);
            }
        }
    }
    check_worst("f64", worst, 2.0);
}

/// Every pair of special and ordinary values, against C99's `pow` as libm computes it: the
/// same bits where the result is a zero, an infinity, a NaN or ±1, else within 2 ulp.
#[test]
fn pow_special_values_are_c99s() {
    let values = [
        0.0,
        -0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        1.0,
        -1.0,
        0.5,
        -0.5,
        2.0,
        -2.0,
        -3.7,
        5e-324,
        -5e-324,
        1e300,
        2.5,
        -2.5,
        3.0,
        -3.0,
        7.0,
        -8.0,
        4_503_599_627_370_497.0,  // 2^52 + 1, odd
        -9_007_199_254_740_994.0, // past 2^53: even
        16_777_217.0,
        1e-300,
    ];
    for isa in Isa::available() {
        for &y in &values {
            let got = by_exponent(isa, &values, y);
            let got32 = by_exponent(isa, &values.map(|v| v as f32), y as f32);
            for ((&x, &g), &g32) in values.iter().zip(&got).zip(&got32) {
                let want = x.powf(y);
                let want32 = f64::from(x as f32).powf(f64::from(y as f32));
                let exact = |w: f64| w.is_nan() || w.is_infinite() || w == 0.0 || w.abs() == 1.0;
                let same =
                    |g: f64, w: f64| (g.is_nan() && w.is_nan()) || g.to_bits() == w.to_bits();
                if exact(want) {
                    assert!(
                        same(g, want),
                        "{isa:?} f64 {x:e}^{y:e} = {g:e}, want {want:e}"
                    );
                } else {
                    assert!(ulps_f64(g, want) <= 2.0, "{isa:?} f64 {x:e}^{y:e} = {g:e}");
                }
                if exact(want32 as f32 as f64) {
                    let w = want32 as f32 as f64;
                    let g = f64::from(g32);
                    assert!(same(g, w), "{isa:?} f32 {x:e}^{y:e} = {g:e}, want {w:e}");
                } else {
                    assert!(
                        ulps_f32(g32, want32) <= 1.0,
                        "{isa:?} f32 {x:e}^{y:e} = {g32:e}"
                    );
                }
            }
        }
    }
}

#[test]
fn pow_baseline_loop_is_the_one_element_path() {
    let x = f64_bases();
    let x32 = f32_bases();
    for &y in &EXPONENTS {
        let one: Vec<f64> = x.iter().map(|&v| pow(v, y)).collect();
        assert_eq!(
            same_bits(&by_exponent(Isa::Baseline, &x, y), &one),
            None,
            "f64 ^ {y}"
        );
        let y = y as f32;
        let one: Vec<f32> = x32.iter().map(|&v| pow(v, y)).collect();
        assert_eq!(
            same_bits(&by_exponent(Isa::Baseline, &x32, y), &one),
            None,
            "f32 ^ {y}"
        );
    }
}
