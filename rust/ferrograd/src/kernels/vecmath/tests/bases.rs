//! `log2`, `log10` and `exp2` through every instruction set's loop: within an ulp of libm's
//! `f64` functions (for `f32`, exact references), integers at the powers of the base, C99's
//! special values, and the baseline loop bit for bit as the one-element path.

use super::{check_within, random_bits, run, same_bits, ulps_f32, ulps_f64, worst_ulps};
use crate::kernels::vecmath::bases::{one, BaseFunction};
use crate::kernels::vecmath::{in_base, Isa};

/// A function's name, its kernel and libm's `f64` version.
type Case = (&'static str, BaseFunction, fn(f64) -> f64);

const FUNCTIONS: [Case; 3] = [
    ("log2", BaseFunction::Log2, f64::log2),
    ("log10", BaseFunction::Log10, f64::log10),
    ("exp2", BaseFunction::Exp2, f64::exp2),
];

fn inputs(f: BaseFunction) -> Vec<f64> {
    let mut x: Vec<f64> = random_bits(1 << 17, 41)
        .map(|b| f64::from_bits(b & 0x7FFF_FFFF_FFFF_FFFF))
        .filter(|v| v.is_finite())
        .collect();
    x.extend((1..1 << 15).map(|i| 4.0 * i as f64 / (1 << 15) as f64));
    x.extend((0..1 << 10).map(|i| 1.0 + (i as f64 - 512.0) * f64::EPSILON));
    if f == BaseFunction::Exp2 {
        // arguments over the whole range, to overflow and into the subnormal results
        x = random_bits(1 << 17, 43)
            .map(|b| (b >> 11) as f64 / (1u64 << 53) as f64 * 2200.0 - 1100.0)
            .collect();
        x.extend((0..1 << 14).map(|i| (i as f64 - 8192.0) / 1024.0));
    }
    x
}

#[test]
fn bases_within_one_ulp() {
    for (name, f, reference) in FUNCTIONS {
        let x = inputs(f);
        let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
        // glibc's `log10` is itself up to 2 ulp off (its documented bound): at 0.5744628...
        // it gives -0.24073802079175302 where the 40-digit value rounds to ...308, ours
        let bound = if f == BaseFunction::Log10 { 2.0 } else { 1.0 };
        for isa in Isa::available() {
            let got = run(in_base::<f64>(f).unwrap(), isa, &x);
            let worst = worst_ulps(&x, &got, reference, ulps_f64);
            check_within(&format!("{name} f64 {isa:?}"), worst, bound);
            let got = run(in_base::<f32>(f).unwrap(), isa, &x32);
            let worst = worst_ulps(&x32, &got, reference, ulps_f32);
            check_within(&format!("{name} f32 {isa:?}"), worst, 1.0);
        }
    }
}

/// `2^k` from its bits (`powi` overflows on the way to the subnormal ones).
fn power_of_two(k: i32) -> f64 {
    if k >= -1022 {
        f64::from_bits(((k + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (k + 1074))
    }
}

#[test]
fn logarithms_of_powers_are_integers() {
    let log2 = |x: &[f64], isa| run(in_base::<f64>(BaseFunction::Log2).unwrap(), isa, x);
    let log10 = |x: &[f64], isa| run(in_base::<f64>(BaseFunction::Log10).unwrap(), isa, x);
    let log2_32 = |x: &[f32], isa| run(in_base::<f32>(BaseFunction::Log2).unwrap(), isa, x);
    let log10_32 = |x: &[f32], isa| run(in_base::<f32>(BaseFunction::Log10).unwrap(), isa, x);
    for isa in Isa::available() {
        let k: Vec<i32> = (-1074..1024).collect();
        let x: Vec<f64> = k.iter().map(|&k| power_of_two(k)).collect();
        let got = log2(&x, isa);
        let bad: Vec<(i32, f64)> = k
            .iter()
            .zip(&got)
            .filter(|(&k, &v)| v != f64::from(k))
            .map(|(&k, &v)| (k, v))
            .collect();
        assert!(bad.is_empty(), "{bad:?}");
        let k: Vec<i32> = (-149..128).collect();
        let x: Vec<f32> = k.iter().map(|&k| power_of_two(k) as f32).collect();
        assert!(log2_32(&x, isa)
            .iter()
            .zip(&k)
            .all(|(&v, &k)| v == k as f32));
        // the powers of 10 that f64 (f32) holds exactly
        let x: Vec<f64> = (0..23).map(|k| 10f64.powi(k)).collect();
        let got = log10(&x, isa);
        assert!(
            got.iter().enumerate().all(|(k, &v)| v == k as f64),
            "{got:?}"
        );
        let x: Vec<f32> = (0..11).map(|k| 10f32.powi(k)).collect();
        let got = log10_32(&x, isa);
        assert!(
            got.iter().enumerate().all(|(k, &v)| v == k as f32),
            "{got:?}"
        );
    }
}

#[test]
fn bases_special_values() {
    let inf = f64::INFINITY;
    let x = [0.0, -0.0, -1.0, inf, -inf, f64::NAN, 1.0];
    let logs = [-inf, -inf, f64::NAN, inf, f64::NAN, f64::NAN, 0.0];
    let exps = [1.0, 1.0, 0.5, inf, 0.0, f64::NAN, 2.0];
    let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
    for isa in Isa::available() {
        for (f, want) in [
            (BaseFunction::Log2, logs),
            (BaseFunction::Log10, logs),
            (BaseFunction::Exp2, exps),
        ] {
            let got = run(in_base::<f64>(f).unwrap(), isa, &x);
            assert_eq!(same_bits(&got, &want), None, "{got:?}");
            let got = run(in_base::<f32>(f).unwrap(), isa, &x32);
            let want32: Vec<f32> = want.iter().map(|&v| v as f32).collect();
            assert_eq!(same_bits(&got, &want32), None, "{got:?}");
        }
    }
}

#[test]
fn bases_baseline_loop_is_the_one_element_path() {
    for (_, f, _) in FUNCTIONS {
        let x = inputs(f);
        let one_by_one: Vec<f64> = x.iter().map(|&v| one(f, v)).collect();
        assert_eq!(
            same_bits(&run(in_base(f).unwrap(), Isa::Baseline, &x), &one_by_one),
            None
        );
        let x: Vec<f32> = x.iter().map(|&v| v as f32).collect();
        let one_by_one: Vec<f32> = x.iter().map(|&v| one(f, v)).collect();
        assert_eq!(
            same_bits(&run(in_base(f).unwrap(), Isa::Baseline, &x), &one_by_one),
            None
        );
    }
}

/// Where libm's `log10` is 2 ulp off, ours is the 40-digit value rounded (mpmath).
#[test]
fn log10_where_libm_is_two_ulp_off() {
    let x = [0.574_462_890_625];
    let want = [-0.240_738_020_791_753_08];
    for isa in Isa::available() {
        let got = run(in_base::<f64>(BaseFunction::Log10).unwrap(), isa, &x);
        assert_eq!(same_bits(&got, &want), None, "{got:?}");
    }
}
