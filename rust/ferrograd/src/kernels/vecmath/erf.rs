//! The error function for `f32` and `f64` as branch-free arithmetic (see `single.rs`): both
//! sides of every split are computed and one is selected, so a loop over a slice vectorises.
//!
//! The polynomials were fitted here (Lawson's iteration towards the minimax polynomial, at 50
//! digits, on Chebyshev nodes of each interval), then rounded to the element type; the errors
//! given are the fits' before that rounding. Measured errors of the rounded versions are in
//! `vecmath/tests.rs`.

use super::{double, poly, single, MulAdd};

/// `erf(x)` for `f32`: `-expm1(x R(x))` on `|x| <= 4` with `x R(x)` the polynomial of
/// `log(erfc(x))` (relative error of `R` 7e-9): one piece from 0, where `expm1` keeps the
/// relative accuracy of `erf(x) ≈ 2x/√π`, to 4, past which `erf` rounds to ±1.
#[inline(always)]
pub fn erf_f32<M: MulAdd>(x: f32) -> f32 {
    // `R(0) = -2/√π` in two parts: its rounding alone would cost half an ulp near 0.
    const R0_HI: f32 = -std::f32::consts::FRAC_2_SQRT_PI;
    const R0_LO: f32 = 5.863_538_3e-8;
    const R: [f32; 10] = [
        -0.636_619_5,
        -0.102_773_44,
        0.019_120_239,
        2.617_773_7e-4,
        -1.827_732_8e-3,
        7.751_68e-4,
        -1.894_309e-4,
        2.906_120_4e-5,
        -2.599_510_7e-6,
        1.035_829_4e-7,
    ];
    // `min` with NaN gives 4: the NaN is put back at the end.
    let a = x.abs().min(4.0);
    let r = poly::<M, f32>(a, &R);
    let y = (-single::expm1::<M>(a * R0_HI + a * (R0_LO + a * r))).copysign(x);
    if x.is_nan() {
        x
    } else {
        y
    }
}

/// `erf(x)` for `f64`, in two pieces:
/// - `|x| < 1`: `x P(x²)`, `P` of relative error 7e-18;
/// - `1 <= |x| <= 6`: `1 - e^(-x²) H(t)` with `t = 3 / (3 + |x|)` and `H` the polynomial of
///   `erfcx = e^(x²) erfc(x)` in `t - 1/2` (relative error 6e-19). `e^(-x²)` is taken as
///   `e^(-h²) e^(-d)` with `h` the top 26 bits of `|x|`, so that `h²` is exact, and
///   `d = x² - h²` below 2e-6 (its exponential to the `d²` term). Past 6 `erf` rounds to ±1.
#[inline(always)]
pub fn erf_f64<M: MulAdd>(x: f64) -> f64 {
    const P: [f64; 12] = [
        std::f64::consts::FRAC_2_SQRT_PI,
        -0.376_126_389_031_835_2,
        0.112_837_916_709_441_85,
        -0.026_866_170_643_111_403,
        0.005_223_977_606_117_971,
        -0.000_854_832_592_929_142_1,
        0.000_120_552_935_762_379_33,
        -1.492_471_228_975_664_5e-5,
        1.644_713_142_554_063e-6,
        -1.620_631_268_097_417e-7,
        1.371_097_589_168_455_5e-8,
        -7.779_460_345_590_552e-10,
    ];
    const H: [f64; 17] = [
        0.179_001_151_181_389_96,
        0.652_467_120_086_074_4,
        0.982_415_206_849_323_6,
        1.200_927_492_006_207_6,
        1.146_653_395_167_605_7,
        0.780_559_978_200_962_6,
        0.273_224_725_310_959_8,
        -0.090_591_544_726_398_77,
        -0.152_847_859_500_920_7,
        -0.023_170_667_072_629_3,
        0.065_593_914_574_553_87,
        0.026_336_120_779_942_733,
        -0.032_676_291_352_954_86,
        -0.017_309_296_777_217_237,
        0.020_414_823_523_828_264,
        0.008_859_203_369_475_512,
        -0.013_407_938_716_468_568,
    ];
    let a = x.abs();

    let z = a * a;
    let small = a * poly::<M, f64>(z, &P);

    let b = a.clamp(1.0, 6.0);
    let s = 3.0 / (3.0 + b) - 0.5;
    let h = poly::<M, f64>(s, &H);
    let top = f64::from_bits(b.to_bits() & 0xFFFF_FFFF_F800_0000);
    let d = (b - top) * (b + top);
    let gauss = double::exp::<M>(-(top * top)) * (1.0 - d + 0.5 * (d * d));
    let large = 1.0 - gauss * h;

    let y = (if a < 1.0 { small } else { large }).copysign(x);
    if x.is_nan() {
        x
    } else {
        y
    }
}
