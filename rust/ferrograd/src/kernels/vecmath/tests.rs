//! Accuracy of the vector functions in ulps against `f64` references (for `f32`) and against
//! the platform's libm (for `f64`), on dense sweeps and random bit patterns; their special
//! values; and the agreement, bit for bit, of every instruction set's loop with the
//! one-element functions.

use std::mem::MaybeUninit;

use super::*;

mod atan;
mod bases;
mod double_double;
mod gelu;
mod pow;

use double_double::erf_reference;

/// Random bit patterns (splitmix64), so that every exponent is visited.
fn random_bits(n: usize, seed: u64) -> impl Iterator<Item = u64> {
    let mut s = seed;
    (0..n).map(move |_| {
        s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    })
}

/// `|got - want|` in units of the last place of `want` rounded to the result's precision
/// (`mantissa` bits after the point, `min_exp` the smallest normal exponent); 0 when both are
/// the same special value, infinite when only one is.
fn ulps(got: f64, want: f64, mantissa: i32, min_exp: i32) -> f64 {
    if want.is_nan() || got.is_nan() {
        return if want.is_nan() && got.is_nan() {
            0.0
        } else {
            f64::INFINITY
        };
    }
    if want.is_infinite() || got.is_infinite() {
        return if got == want { 0.0 } else { f64::INFINITY };
    }
    (got - want).abs() / ulp_size(want, mantissa, min_exp)
}

/// The unit in the last place of finite `want` at a precision of `mantissa` bits after the
/// point and smallest normal exponent `min_exp`.
fn ulp_size(want: f64, mantissa: i32, min_exp: i32) -> f64 {
    let e = (((want.abs().to_bits() >> 52) & 0x7FF) as i32 - 1023).max(min_exp);
    // 2^(e - mantissa), built from its bits: `powi` overflows on the way to a subnormal one.
    let k = e - mantissa;
    if k >= -1022 {
        f64::from_bits(((k + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (k + 1074))
    }
}

fn ulps_f32(got: f32, want: f64) -> f64 {
    let rounded = want as f32;
    if rounded.is_infinite() {
        // Past the overflow threshold the answer is exactly inf.
        return if got == rounded { 0.0 } else { f64::INFINITY };
    }
    ulps(got as f64, want, 23, -126)
}

fn ulps_f64(got: f64, want: f64) -> f64 {
    ulps(got, want, 52, -1022)
}

/// The largest error in ulps of `got[i]` against `reference(x[i])` (`ulps` of the result's
/// type), as `(ulps, x)`.
fn worst_ulps<T: Copy + Into<f64>>(
    x: &[T],
    got: &[T],
    reference: fn(f64) -> f64,
    ulps: fn(T, f64) -> f64,
) -> (f64, f64) {
    x.iter().zip(got).fold((0.0, 0.0), |worst, (&v, &g)| {
        let e = ulps(g, reference(v.into()));
        if e > worst.0 {
            (e, v.into())
        } else {
            worst
        }
    })
}

/// Reports `label`'s largest error `(ulps, x)` and checks it against `bound`.
fn check_within(label: &str, (ulps, x): (f64, f64), bound: f64) {
    eprintln!("{label}: max {ulps:.3} ulp at {x:e}");
    assert!(ulps <= bound, "{label}: {ulps} ulp at {x:e}");
}

fn run<T: Copy + Default>(kernel: SliceKernel<T>, isa: Isa, x: &[T]) -> Vec<T> {
    let mut out = vec![MaybeUninit::<T>::uninit(); x.len()];
    kernel(isa, x, &mut out);
    out.iter().map(|v| unsafe { v.assume_init() }).collect()
}

/// Every 509th `f32` bit pattern, random ones, and a dense sweep of `[-12, 12]`.
fn f32_inputs() -> Vec<f32> {
    let mut x: Vec<_> = (0..=u32::MAX).step_by(509).map(f32::from_bits).collect();
    x.extend(random_bits(1 << 20, 7).map(|b| f32::from_bits(b as u32)));
    x.extend((0..1 << 21).map(|i| -12.0 + 24.0 * i as f32 / (1 << 21) as f32));
    x
}

/// Random bit patterns, a dense sweep of `[-40, 40]`, and magnitudes spread from 1e-10 to 1e3.
fn f64_inputs() -> Vec<f64> {
    let mut x: Vec<_> = random_bits(1 << 21, 11).map(f64::from_bits).collect();
    x.extend((0..1 << 21).map(|i| -40.0 + 80.0 * i as f64 / (1 << 21) as f64));
    x.extend(random_bits(1 << 20, 13).map(|b| {
        let u = (b >> 11) as f64 / (1u64 << 53) as f64;
        let sign = if b & 1 == 0 { 1.0 } else { -1.0 };
        sign * 10f64.powf(-10.0 + 13.0 * u)
    }));
    x
}

fn sigmoid_ref(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

type Ref = fn(f64) -> f64;

fn f32_cases() -> Vec<(UnaryOp, Ref, f64)> {
    vec![
        (UnaryOp::Exp, f64::exp, 1.0),
        (UnaryOp::Expm1, f64::exp_m1, 1.5),
        (UnaryOp::Log, f64::ln, 1.0),
        (UnaryOp::Log1p, f64::ln_1p, 1.0),
        (UnaryOp::Tanh, f64::tanh, 2.5),
        (UnaryOp::Sigmoid, sigmoid_ref, 2.5),
        (UnaryOp::Sin, f64::sin, 1.0),
        (UnaryOp::Cos, f64::cos, 1.0),
        (UnaryOp::Tan, f64::tan, 1.0),
        (UnaryOp::Erf, libm::erf, 4.0),
    ]
}

fn f64_cases() -> Vec<(UnaryOp, Ref, f64)> {
    vec![
        (UnaryOp::Exp, f64::exp, 2.0),
        (UnaryOp::Expm1, f64::exp_m1, 2.0),
        (UnaryOp::Log, f64::ln, 2.0),
        (UnaryOp::Log1p, f64::ln_1p, 2.0),
        (UnaryOp::Tanh, f64::tanh, 2.0),
        (UnaryOp::Sigmoid, sigmoid_ref, 2.0),
    ]
}

#[test]
fn vecmath_f32_within_its_ulp_bounds() {
    let x = f32_inputs();
    for isa in Isa::available() {
        for (op, reference, bound) in f32_cases() {
            let y = run(kernel_f32(op).unwrap(), isa, &x);
            let (worst, at) = x
                .iter()
                .zip(&y)
                .map(|(&x, &y)| (ulps_f32(y, reference(x as f64)), x))
                .fold((0.0, 0.0), |a, b| if b.0 > a.0 { b } else { a });
            eprintln!("f32 {isa:?} {op:?}: max {worst:.3} ulp (at {at:e})");
            assert!(
                worst <= bound,
                "{isa:?} {op:?}: {worst} ulp at {at:e}: got {:e}",
                y[x.iter().position(|v| v.to_bits() == at.to_bits()).unwrap()]
            );
        }
    }
}

#[test]
fn vecmath_f64_within_its_ulp_bounds() {
    check_f64_cases(&f64_inputs(), f64_cases());
}

/// Each op's kernel on `x` within its bound of ulps from its reference.
fn check_f64_cases(x: &[f64], cases: Vec<(UnaryOp, Ref, f64)>) {
    for isa in Isa::available() {
        for &(op, reference, bound) in &cases {
            let y = run(kernel_f64(op).unwrap(), isa, x);
            let (worst, at) = x
                .iter()
                .zip(&y)
                .map(|(&x, &y)| (ulps_f64(y, reference(x)), x))
                .fold((0.0, 0.0), |a, b| if b.0 > a.0 { b } else { a });
            eprintln!("f64 {isa:?} {op:?}: max {worst:.3} ulp (at {at:e})");
            assert!(worst <= bound, "{isa:?} {op:?}: {worst} ulp at {at:e}");
        }
    }
}

/// An op and its one-element function.
type OneAtATime<T> = (UnaryOp, fn(T) -> T);

/// Bit-for-bit equal outputs of two runs (any NaN matches any NaN).
fn same_bits<T: Copy + Into<f64> + std::fmt::Debug>(a: &[T], b: &[T]) -> Option<usize> {
    a.iter().zip(b).position(|(&p, &q)| {
        let (p, q): (f64, f64) = (p.into(), q.into());
        !(p.to_bits() == q.to_bits() || (p.is_nan() && q.is_nan()))
    })
}

#[test]
fn vecmath_copies_with_the_same_multiply_add_agree_bit_for_bit() {
    // the baseline loop and the one-element path round every step (`Rounded`); the AVX2 and
    // AVX-512 loops fuse them (`Fused`), so those two agree with each other
    let x32: Vec<_> = f32_inputs().into_iter().step_by(7).collect();
    let x64: Vec<_> = f64_inputs().into_iter().step_by(7).collect();
    let scalar32: [OneAtATime<f32>; 10] = [
        (UnaryOp::Exp, VecMath::exp),
        (UnaryOp::Expm1, VecMath::expm1),
        (UnaryOp::Log, VecMath::log),
        (UnaryOp::Log1p, VecMath::log1p),
        (UnaryOp::Tanh, VecMath::tanh),
        (UnaryOp::Sigmoid, VecMath::sigmoid),
        (UnaryOp::Sin, VecMath::sin),
        (UnaryOp::Cos, VecMath::cos),
        (UnaryOp::Tan, VecMath::tan),
        (UnaryOp::Erf, VecMath::erf),
    ];
    let scalar64: [OneAtATime<f64>; 10] = [
        (UnaryOp::Exp, VecMath::exp),
        (UnaryOp::Expm1, VecMath::expm1),
        (UnaryOp::Log, VecMath::log),
        (UnaryOp::Log1p, VecMath::log1p),
        (UnaryOp::Tanh, VecMath::tanh),
        (UnaryOp::Sigmoid, VecMath::sigmoid),
        (UnaryOp::Sin, VecMath::sin),
        (UnaryOp::Cos, VecMath::cos),
        (UnaryOp::Tan, VecMath::tan),
        (UnaryOp::Erf, VecMath::erf),
    ];
    for (op, f) in scalar32 {
        check_agreement(op, kernel_f32(op).unwrap(), f, &x32);
    }
    for (op, f) in scalar64 {
        check_agreement(op, kernel_f64(op).unwrap(), f, &x64);
    }
}

/// The baseline loop of `kernel` gives `one_at_a_time`'s bits, and every fused copy the same
/// bits as the first.
fn check_agreement<T>(op: UnaryOp, kernel: SliceKernel<T>, one_at_a_time: fn(T) -> T, x: &[T])
where
    T: Copy + Default + Into<f64> + std::fmt::Debug + std::fmt::LowerExp,
{
    let scalar: Vec<T> = x.iter().map(|&v| one_at_a_time(v)).collect();
    let baseline = run(kernel, Isa::Baseline, x);
    if let Some(i) = same_bits(&baseline, &scalar) {
        let (v, b, w) = (x[i], baseline[i], scalar[i]);
        panic!("Baseline {op:?}({v:e}) = {b:e}, one at a time {w:e}");
    }
    let fused: Vec<Isa> = Isa::available()
        .into_iter()
        .filter(|&isa| isa != Isa::Baseline)
        .collect();
    let runs: Vec<Vec<T>> = fused.iter().map(|&isa| run(kernel, isa, x)).collect();
    for (isa, y) in fused.iter().zip(&runs).skip(1) {
        if let Some(i) = same_bits(y, &runs[0]) {
            let (v, got, first) = (x[i], y[i], runs[0][i]);
            panic!("{isa:?} {op:?}({v:e}) = {got:e}, {:?} {first:e}", fused[0]);
        }
    }
}

/// `(input, exact result)` pairs, compared bit for bit (any NaN matches any NaN).
fn check_exact<T: Copy + Default + std::fmt::Debug + Into<f64>>(
    op: UnaryOp,
    kernel: SliceKernel<T>,
    cases: &[(T, T)],
) {
    let x: Vec<T> = cases.iter().map(|c| c.0).collect();
    for isa in Isa::available() {
        let y = run(kernel, isa, &x);
        for (&(x, want), &got) in cases.iter().zip(&y) {
            let (g, w): (f64, f64) = (got.into(), want.into());
            let same = (g.is_nan() && w.is_nan())
                || (g == w && g.is_sign_negative() == w.is_sign_negative());
            assert!(same, "{isa:?} {op:?}({x:?}) = {got:?}, want {want:?}");
        }
    }
}

#[test]
fn vecmath_f32_special_values() {
    use f32 as F;
    let (inf, nan, tiny) = (F::INFINITY, F::NAN, F::from_bits(1));
    let sub = 1e-40;
    let k = |op| kernel_f32(op).unwrap();
    check_exact(
        UnaryOp::Exp,
        k(UnaryOp::Exp),
        &[
            (0.0, 1.0),
            (-0.0, 1.0),
            (inf, inf),
            (-inf, 0.0),
            (nan, nan),
            (88.73, inf),
            (F::MAX, inf),
            (-103.97, tiny),
            (-104.0, 0.0),
            (-104.5, 0.0),
            (-F::MAX, 0.0),
            (tiny, 1.0),
        ],
    );
    check_exact(
        UnaryOp::Expm1,
        k(UnaryOp::Expm1),
        &[
            (0.0, 0.0),
            (-0.0, -0.0),
            (inf, inf),
            (-inf, -1.0),
            (nan, nan),
            (88.73, inf),
            (-30.0, -1.0),
            (sub, sub),
            (-sub, -sub),
            (tiny, tiny),
        ],
    );
    check_exact(
        UnaryOp::Log,
        k(UnaryOp::Log),
        &[
            (0.0, -inf),
            (-0.0, -inf),
            (-1.0, nan),
            (-inf, nan),
            (inf, inf),
            (1.0, 0.0),
            (nan, nan),
            (-tiny, nan),
        ],
    );
    check_exact(
        UnaryOp::Log1p,
        k(UnaryOp::Log1p),
        &[
            (0.0, 0.0),
            (-0.0, -0.0),
            (-1.0, -inf),
            (-1.5, nan),
            (-inf, nan),
            (inf, inf),
            (nan, nan),
            (sub, sub),
            (-sub, -sub),
        ],
    );
    check_exact(
        UnaryOp::Tanh,
        k(UnaryOp::Tanh),
        &[
            (0.0, 0.0),
            (-0.0, -0.0),
            (inf, 1.0),
            (-inf, -1.0),
            (nan, nan),
            (10.0, 1.0),
            (-F::MAX, -1.0),
            (sub, sub),
            (-sub, -sub),
        ],
    );
    check_exact(
        UnaryOp::Sigmoid,
        k(UnaryOp::Sigmoid),
        &[
            (0.0, 0.5),
            (-0.0, 0.5),
            (inf, 1.0),
            (-inf, 0.0),
            (nan, nan),
            (-200.0, 0.0),
            (F::MAX, 1.0),
        ],
    );
    check_exact(
        UnaryOp::Sin,
        k(UnaryOp::Sin),
        &[
            (0.0, 0.0),
            (-0.0, -0.0),
            (inf, nan),
            (-inf, nan),
            (nan, nan),
            (sub, sub),
            (-sub, -sub),
            (1e30, (1e30f32 as f64).sin() as F),
            (-3e9, (-3e9f32 as f64).sin() as F),
        ],
    );
    check_exact(
        UnaryOp::Cos,
        k(UnaryOp::Cos),
        &[
            (0.0, 1.0),
            (-0.0, 1.0),
            (inf, nan),
            (-inf, nan),
            (nan, nan),
            (sub, 1.0),
            (1e30, (1e30f32 as f64).cos() as F),
            (F::MAX, (F::MAX as f64).cos() as F),
        ],
    );
}

#[test]
fn vecmath_f64_special_values() {
    use f64 as F;
    let (inf, nan, tiny) = (F::INFINITY, F::NAN, F::from_bits(1));
    let sub = 1e-310;
    let k = |op| kernel_f64(op).unwrap();
    check_exact(
        UnaryOp::Exp,
        k(UnaryOp::Exp),
        &[
            (0.0, 1.0),
            (-0.0, 1.0),
            (inf, inf),
            (-inf, 0.0),
            (nan, nan),
            (709.8, inf),
            (F::MAX, inf),
            (-746.0, 0.0),
            (-746.5, 0.0),
            (-F::MAX, 0.0),
            (tiny, 1.0),
            (-745.0, (-745f64).exp()),
        ],
    );
    check_exact(
        UnaryOp::Expm1,
        k(UnaryOp::Expm1),
        &[
            (0.0, 0.0),
            (-0.0, -0.0),
            (inf, inf),
            (-inf, -1.0),
            (nan, nan),
            (709.8, inf),
            (-50.0, -1.0),
            (sub, sub),
            (-sub, -sub),
        ],
    );
    check_exact(
        UnaryOp::Log,
        k(UnaryOp::Log),
        &[
            (0.0, -inf),
            (-0.0, -inf),
            (-1.0, nan),
            (-inf, nan),
            (inf, inf),
            (1.0, 0.0),
            (nan, nan),
            (-tiny, nan),
        ],
    );
    check_exact(
        UnaryOp::Log1p,
        k(UnaryOp::Log1p),
        &[
            (0.0, 0.0),
            (-0.0, -0.0),
            (-1.0, -inf),
            (-1.5, nan),
            (-inf, nan),
            (inf, inf),
            (nan, nan),
            (sub, sub),
            (-sub, -sub),
        ],
    );
    check_exact(
        UnaryOp::Tanh,
        k(UnaryOp::Tanh),
        &[
            (0.0, 0.0),
            (-0.0, -0.0),
            (inf, 1.0),
            (-inf, -1.0),
            (nan, nan),
            (30.0, 1.0),
            (-F::MAX, -1.0),
            (sub, sub),
            (-sub, -sub),
        ],
    );
    check_exact(
        UnaryOp::Sigmoid,
        k(UnaryOp::Sigmoid),
        &[
            (0.0, 0.5),
            (-0.0, 0.5),
            (inf, 1.0),
            (-inf, 0.0),
            (nan, nan),
            (-800.0, 0.0),
            (F::MAX, 1.0),
        ],
    );
}

#[test]
fn vecmath_arrays_take_the_slice_path_for_views_too() {
    use crate::array::NdArray;
    let data: Vec<f32> = (0..24).map(|i| i as f32 * 0.37 - 4.0).collect();
    let a = NdArray::from_vec(data, &[4, 6]).unwrap();
    let transposed = a.view(a.layout().permuted(&[1, 0])).unwrap();
    let narrowed = a.view(a.layout().sliced(1, 1, 3, 1)).unwrap();
    let values = |a: &NdArray| -> Vec<f32> {
        let dense = crate::kernels::cpu::index::materialize(a).unwrap();
        dense.as_slice::<f32>().unwrap().to_vec()
    };
    for view in [a.clone(), transposed, narrowed] {
        let got = unary(UnaryOp::Tanh, &view).unwrap().unwrap();
        assert_eq!(got.shape(), view.shape());
        let want: Vec<f32> = values(&view).iter().map(|&v| VecMath::tanh(v)).collect();
        assert_eq!(values(&got), want);
    }
}

/// Near every `j π/2` up to `TRIG_LIMIT`, where the reduction cancels most, then magnitudes
/// spread up to the limit and a little past it (libm's side).
fn f64_trig_inputs() -> Vec<f64> {
    let mut x = f64_inputs();
    x.extend(random_bits(1 << 19, 17).map(|b| {
        let j = (b >> 44) as f64; // below 2^20
        let near = j * std::f64::consts::FRAC_PI_2;
        let nudge = ((b & 0xFF) as i64 - 128) as u64;
        f64::from_bits(near.to_bits().wrapping_add(nudge))
    }));
    x.extend(random_bits(1 << 19, 19).map(|b| {
        let u = (b >> 11) as f64 / (1u64 << 53) as f64;
        let sign = if b & 1 == 0 { 1.0 } else { -1.0 };
        sign * 2f64.powf(21.0 * u)
    }));
    x
}

#[test]
fn vecmath_f64_sin_cos_tan_within_two_ulp_of_libm() {
    let cases: Vec<(UnaryOp, Ref, f64)> = vec![
        (UnaryOp::Sin, f64::sin, 2.0),
        (UnaryOp::Cos, f64::cos, 2.0),
        (UnaryOp::Tan, f64::tan, 2.0),
    ];
    check_f64_cases(&f64_trig_inputs(), cases);
}

/// `|got - want|` in ulps of `want`'s leading part, `want` a double-double.
fn ulps_dd(got: f64, (hi, lo): (f64, f64)) -> f64 {
    if !(hi.is_finite() && got.is_finite()) {
        return ulps_f64(got, hi);
    }
    ((got - hi) - lo).abs() / ulp_size(hi, 52, -1022)
}

/// Random magnitudes from 1e-300 to 7, a dense sweep of `[-7, 7]`, and random bit patterns.
fn f64_erf_inputs() -> Vec<f64> {
    let mut x: Vec<f64> = random_bits(1 << 17, 23)
        .map(|b| {
            let u = (b >> 11) as f64 / (1u64 << 53) as f64;
            let sign = if b & 1 == 0 { 1.0 } else { -1.0 };
            sign * 10f64.powf(-300.0 + 300.85 * u)
        })
        .collect();
    x.extend((0..1 << 18).map(|i| -7.0 + 14.0 * i as f64 / (1 << 18) as f64));
    x.extend(random_bits(1 << 15, 29).map(f64::from_bits));
    x
}

#[test]
fn vecmath_f64_erf_within_two_ulp() {
    let x = f64_erf_inputs();
    for isa in Isa::available() {
        let y = run(kernel_f64(UnaryOp::Erf).unwrap(), isa, &x);
        let (worst, at) = x
            .iter()
            .zip(&y)
            .map(|(&x, &y)| (ulps_dd(y, erf_reference(x)), x))
            .fold((0.0, 0.0), |a, b| if b.0 > a.0 { b } else { a });
        eprintln!("f64 {isa:?} Erf: max {worst:.3} ulp (at {at:e})");
        assert!(worst <= 2.0, "{isa:?} Erf: {worst} ulp at {at:e}");
    }
}

#[test]
fn vecmath_erf_reference_is_right_where_known() {
    // erf from mpmath 1.3 at 30 digits, rounded to f64, on both sides of the series' limit.
    for (x, want) in [
        (1e-5, 1.128_379_167_057_899_9e-5),
        (0.5, 0.520_499_877_813_046_5),
        (1.0, 0.842_700_792_949_714_9),
        (-2.25, -0.998_537_283_413_318_8),
        (3.0, 0.999_977_909_503_001_4),
        (5.0, 0.999_999_999_998_462_6),
    ] {
        let (h, l) = erf_reference(x);
        assert!(
            ((h - want) + l).abs() <= 2e-16 * want.abs(),
            "erf({x}) = {h:e} + {l:e}, want {want}"
        );
    }
}

/// `erf`'s special values, `saturated` the smallest argument tried where it rounds to 1.
fn erf_cases(saturated: f64, max: f64) -> Vec<(f64, f64)> {
    let (inf, nan) = (f64::INFINITY, f64::NAN);
    vec![
        (0.0, 0.0),
        (-0.0, -0.0),
        (inf, 1.0),
        (-inf, -1.0),
        (nan, nan),
        (saturated, 1.0),
        (-saturated, -1.0),
        (-30.0, -1.0),
        (max, 1.0),
        (-max, -1.0),
    ]
}

#[test]
fn vecmath_erf_and_f64_trig_special_values() {
    let cases32: Vec<(f32, f32)> = erf_cases(3.95, f32::MAX as f64)
        .into_iter()
        .map(|(x, y)| (x as f32, y as f32))
        .collect();
    check_exact(UnaryOp::Erf, kernel_f32(UnaryOp::Erf).unwrap(), &cases32);
    let cases64 = erf_cases(5.95, f64::MAX);
    check_exact(UnaryOp::Erf, kernel_f64(UnaryOp::Erf).unwrap(), &cases64);
    // libm's values at these points are the exact ones (signed zeros, NaN at infinities),
    // and beyond the limit its results are taken as they are.
    let specials = [
        0.0,
        -0.0,
        f64::INFINITY,
        -f64::INFINITY,
        f64::NAN,
        1e-310,
        -1e-310,
        1e300,
        f64::MAX,
        trig::TRIG_LIMIT,
        -trig::TRIG_LIMIT,
    ];
    for (op, f) in [(UnaryOp::Sin, f64::sin as Ref), (UnaryOp::Cos, f64::cos)] {
        let cases: Vec<(f64, f64)> = specials.iter().map(|&x| (x, f(x))).collect();
        check_exact(op, kernel_f64(op).unwrap(), &cases);
    }
}

#[test]
fn vecmath_softmax_rows_match_a_float64_reference() {
    use crate::array::NdArray;
    // Short rows, long rows whole in steps of the wide loops, and long rows with a remainder.
    for (rows, size) in [(3, 1), (5, 37), (4, 1024), (3, 100)] {
        let x: Vec<f64> = random_bits(rows * size, 31)
            .map(|b| (b >> 11) as f64 / (1u64 << 53) as f64 * 40.0 - 20.0)
            .collect();
        let g: Vec<f64> = x.iter().map(|v| (v * 3.7).sin()).collect();
        for log in [false, true] {
            let (mut want, mut want_grad) = (vec![], vec![]);
            for (r, gr) in x.chunks(size).zip(g.chunks(size)) {
                let m = r.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                let total: f64 = r.iter().map(|v| (v - m).exp()).sum();
                let y: Vec<f64> = r.iter().map(|v| (v - m).exp() / total).collect();
                let gy: f64 = gr.iter().zip(&y).map(|(g, y)| g * y).sum();
                let gs: f64 = gr.iter().sum();
                for ((&v, &yv), &gv) in r.iter().zip(&y).zip(gr) {
                    want.push(if log { v - m - total.ln() } else { yv });
                    want_grad.push(if log { gv - yv * gs } else { yv * (gv - gy) });
                }
            }
            let a32 = NdArray::from_vec(x.iter().map(|&v| v as f32).collect(), &[rows, size]);
            let y32 = softmax::forward(&a32.unwrap(), 1, log).unwrap().unwrap();
            let y64 = softmax::forward(
                &NdArray::from_vec(x.clone(), &[rows, size]).unwrap(),
                1,
                log,
            )
            .unwrap()
            .unwrap();
            let g64 = NdArray::from_vec(g.clone(), &[rows, size]).unwrap();
            let gx = softmax::backward(&g64, &y64, 1, log).unwrap().unwrap();
            let (y32, y64, gx) = (
                y32.as_slice::<f32>().unwrap(),
                y64.as_slice::<f64>().unwrap(),
                gx.as_slice::<f64>().unwrap(),
            );
            for i in 0..x.len() {
                let scale = want[i].abs().max(1e-30);
                assert!(
                    (y64[i] - want[i]).abs() <= 1e-13 * scale.max(1.0),
                    "f64 {log} {i}"
                );
                assert!(
                    (y32[i] as f64 - want[i]).abs()
                        <= 1e-5 * scale.max(if log { 1.0 } else { 0.0 }),
                    "f32 {log} {i}: {} vs {}",
                    y32[i],
                    want[i]
                );
                assert!((gx[i] - want_grad[i]).abs() <= 1e-12, "grad {log} {i}");
            }
        }
    }
    // NaN anywhere in a row makes it NaN; a row of -inf is NaN too (0/0).
    let x = vec![
        1.0f32,
        f32::NAN,
        2.0,
        f32::NEG_INFINITY,
        f32::NEG_INFINITY,
        f32::NEG_INFINITY,
    ];
    for log in [false, true] {
        let y = softmax::forward(&NdArray::from_vec(x.clone(), &[2, 3]).unwrap(), 1, log)
            .unwrap()
            .unwrap();
        assert!(y.as_slice::<f32>().unwrap().iter().all(|v| v.is_nan()));
    }
    // The same in long rows: a NaN in the remainder after the wide steps, a row of -inf.
    let mut long = vec![0.5f32; 100];
    long[97] = f32::NAN;
    long.extend([f32::NEG_INFINITY; 100]);
    for log in [false, true] {
        let y = softmax::forward(&NdArray::from_vec(long.clone(), &[2, 100]).unwrap(), 1, log)
            .unwrap()
            .unwrap();
        assert!(y.as_slice::<f32>().unwrap().iter().all(|v| v.is_nan()));
    }
}
