//! Accuracy of the vector functions in ulps against `f64` references (for `f32`) and against
//! the platform's libm (for `f64`), on dense sweeps and random bit patterns; their special
//! values; and the agreement, bit for bit, of every instruction set's loop with the
//! one-element functions.

use std::mem::MaybeUninit;

use super::*;

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
    let e = (((want.abs().to_bits() >> 52) & 0x7FF) as i32 - 1023).max(min_exp);
    // 2^(e - mantissa), built from its bits: `powi` overflows on the way to a subnormal one.
    let k = e - mantissa;
    let ulp = if k >= -1022 {
        f64::from_bits(((k + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (k + 1074))
    };
    (got - want).abs() / ulp
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
    for (op, reference, bound) in f32_cases() {
        let y = run(kernel_f32(op).unwrap(), Isa::best(), &x);
        let (worst, at) = x
            .iter()
            .zip(&y)
            .map(|(&x, &y)| (ulps_f32(y, reference(x as f64)), x))
            .fold((0.0, 0.0), |a, b| if b.0 > a.0 { b } else { a });
        eprintln!("f32 {op:?}: max {worst:.3} ulp (at {at:e})");
        assert!(
            worst <= bound,
            "{op:?}: {worst} ulp at {at:e}: got {:e}",
            y[x.iter().position(|v| v.to_bits() == at.to_bits()).unwrap()]
        );
    }
}

#[test]
fn vecmath_f64_within_its_ulp_bounds() {
    let x = f64_inputs();
    for (op, reference, bound) in f64_cases() {
        let y = run(kernel_f64(op).unwrap(), Isa::best(), &x);
        let (worst, at) = x
            .iter()
            .zip(&y)
            .map(|(&x, &y)| (ulps_f64(y, reference(x)), x))
            .fold((0.0, 0.0), |a, b| if b.0 > a.0 { b } else { a });
        eprintln!("f64 {op:?}: max {worst:.3} ulp (at {at:e})");
        assert!(worst <= bound, "{op:?}: {worst} ulp at {at:e}");
    }
}

/// An op and its one-element function.
type OneAtATime<T> = (UnaryOp, fn(T) -> T);

#[test]
fn vecmath_every_instruction_set_and_the_scalar_path_agree() {
    let x32: Vec<_> = f32_inputs().into_iter().step_by(7).collect();
    let x64: Vec<_> = f64_inputs().into_iter().step_by(7).collect();
    let scalar32: [OneAtATime<f32>; 8] = [
        (UnaryOp::Exp, VecMath::exp),
        (UnaryOp::Expm1, VecMath::expm1),
        (UnaryOp::Log, VecMath::log),
        (UnaryOp::Log1p, VecMath::log1p),
        (UnaryOp::Tanh, VecMath::tanh),
        (UnaryOp::Sigmoid, VecMath::sigmoid),
        (UnaryOp::Sin, VecMath::sin),
        (UnaryOp::Cos, VecMath::cos),
    ];
    let scalar64: [OneAtATime<f64>; 6] = [
        (UnaryOp::Exp, VecMath::exp),
        (UnaryOp::Expm1, VecMath::expm1),
        (UnaryOp::Log, VecMath::log),
        (UnaryOp::Log1p, VecMath::log1p),
        (UnaryOp::Tanh, VecMath::tanh),
        (UnaryOp::Sigmoid, VecMath::sigmoid),
    ];
    for isa in Isa::available() {
        for (op, f) in scalar32 {
            let y = run(kernel_f32(op).unwrap(), isa, &x32);
            for (&x, &y) in x32.iter().zip(&y) {
                let want = f(x);
                assert!(
                    y.to_bits() == want.to_bits() || (y.is_nan() && want.is_nan()),
                    "{isa:?} {op:?}({x:e}) = {y:e}, one at a time {want:e}"
                );
            }
        }
        for (op, f) in scalar64 {
            let y = run(kernel_f64(op).unwrap(), isa, &x64);
            for (&x, &y) in x64.iter().zip(&y) {
                let want = f(x);
                assert!(
                    y.to_bits() == want.to_bits() || (y.is_nan() && want.is_nan()),
                    "{isa:?} {op:?}({x:e}) = {y:e}, one at a time {want:e}"
                );
            }
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
            (-104.0, 0.0),
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
        let dense = crate::kernels::cpu_index::materialize(a).unwrap();
        dense.as_slice::<f32>().unwrap().to_vec()
    };
    for view in [a.clone(), transposed, narrowed] {
        let got = unary(UnaryOp::Tanh, &view).unwrap().unwrap();
        assert_eq!(got.shape(), view.shape());
        let want: Vec<f32> = values(&view).iter().map(|&v| VecMath::tanh(v)).collect();
        assert_eq!(values(&got), want);
    }
}
