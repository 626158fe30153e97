//! Criterion benchmarks of the transcendental unary kernels on 1M elements, float32 and
//! float64, through `Tensor` (allocation of the result included), next to a per-element loop
//! of the standard library's (libm's) function over a `Vec`: how these kernels ran before
//! they were vectorised.
//!
//! cargo bench -p ferrograd --bench unary

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ferrograd::Tensor;

const N: usize = 1_000_000;

/// `N` values spread over `[lo, hi]` in a scrambled order.
fn spread(lo: f64, hi: f64) -> Vec<f64> {
    (0..N)
        .map(|i| lo + (hi - lo) * ((i * 7919) % N) as f64 / N as f64)
        .collect()
}

type Op = fn(&Tensor) -> ferrograd::Result<Tensor>;
/// An op's name, its `Tensor` method, the libm functions it replaced and its inputs' range.
type Case = (&'static str, Op, fn(f32) -> f32, fn(f64) -> f64, (f64, f64));

fn sigmoid_f32(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

fn sigmoid_f64(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn unary(c: &mut Criterion) {
    let ops: [Case; 9] = [
        ("exp", Tensor::exp, f32::exp, f64::exp, (-10.0, 10.0)),
        (
            "expm1",
            Tensor::expm1,
            f32::exp_m1,
            f64::exp_m1,
            (-10.0, 10.0),
        ),
        ("log", Tensor::log, f32::ln, f64::ln, (1e-3, 100.0)),
        (
            "log1p",
            Tensor::log1p,
            f32::ln_1p,
            f64::ln_1p,
            (-0.9, 100.0),
        ),
        ("tanh", Tensor::tanh, f32::tanh, f64::tanh, (-5.0, 5.0)),
        (
            "sigmoid",
            Tensor::sigmoid,
            sigmoid_f32,
            sigmoid_f64,
            (-10.0, 10.0),
        ),
        ("sin", Tensor::sin, f32::sin, f64::sin, (-10.0, 10.0)),
        ("cos", Tensor::cos, f32::cos, f64::cos, (-10.0, 10.0)),
        ("erf", Tensor::erf, libm::erff, libm::erf, (-4.0, 4.0)),
    ];
    let mut group = c.benchmark_group("unary_1M");
    group.throughput(Throughput::Elements(N as u64));
    for (name, op, libm32, libm64, (lo, hi)) in ops {
        let x64 = spread(lo, hi);
        let x32: Vec<f32> = x64.iter().map(|&v| v as f32).collect();
        let a32 = Tensor::from_vec(x32.clone(), &[N]).unwrap();
        let a64 = Tensor::from_vec(x64.clone(), &[N]).unwrap();
        group.bench_function(format!("{name}_f32"), |b| b.iter(|| op(&a32).unwrap()));
        group.bench_function(format!("{name}_f64"), |b| b.iter(|| op(&a64).unwrap()));
        group.bench_function(format!("libm_{name}_f32"), |b| {
            b.iter(|| x32.iter().map(|&v| libm32(v)).collect::<Vec<_>>())
        });
        group.bench_function(format!("libm_{name}_f64"), |b| {
            b.iter(|| x64.iter().map(|&v| libm64(v)).collect::<Vec<_>>())
        });
    }
    group.finish();
}

criterion_group!(benches, unary);
criterion_main!(benches);
