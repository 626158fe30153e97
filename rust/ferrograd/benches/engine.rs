//! Criterion benchmarks of the engine from Rust: a long chain's forward and backward,
//! elementwise kernels and matrix products.
//!
//! cargo bench -p ferrograd --bench engine

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use ferrograd::{DType, Tensor};

fn chain(c: &mut Criterion) {
    let mut group = c.benchmark_group("chain");
    group.sample_size(10);
    for &nodes in &[10_000usize, 1_000_000] {
        group.throughput(Throughput::Elements(nodes as u64));
        group.bench_function(format!("backward_{nodes}_nodes"), |bench| {
            bench.iter_batched(
                || {
                    let x = Tensor::scalar(1.0f32).requires_grad_().unwrap();
                    let one = Tensor::scalar(1.0f32);
                    let mut y = x.clone();
                    for _ in 0..nodes {
                        y = y.add(&one).unwrap();
                    }
                    (x, y)
                },
                |(x, y)| {
                    y.backward().unwrap();
                    (x, y)
                },
                BatchSize::PerIteration,
            );
        });
    }
    group.bench_function("forward_backward_free_10000_scalar_ops", |bench| {
        let x = Tensor::scalar(1.0f32).requires_grad_().unwrap();
        let b = Tensor::scalar(0.999f32);
        bench.iter(|| {
            let mut y = x.clone();
            for _ in 0..10_000 {
                y = y.mul(&b).unwrap();
            }
            y.backward().unwrap();
        });
    });
    group.finish();
}

fn elementwise(c: &mut Criterion) {
    let mut group = c.benchmark_group("elementwise");
    for &n in &[16usize, 4_000_000] {
        let a = Tensor::rand(&[n], DType::Float32).unwrap();
        let b = Tensor::rand(&[n], DType::Float32).unwrap();
        group.throughput(Throughput::Bytes((3 * 4 * n) as u64));
        group.bench_function(format!("mul_{n}"), |bench| {
            bench.iter(|| a.mul(&b).unwrap())
        });
    }
    group.finish();
}

fn matmul(c: &mut Criterion) {
    let mut group = c.benchmark_group("matmul");
    group.sample_size(10);
    for &n in &[64usize, 1024] {
        let a = Tensor::rand(&[n, n], DType::Float32).unwrap();
        let b = Tensor::rand(&[n, n], DType::Float32).unwrap();
        group.throughput(Throughput::Elements((2 * n * n * n) as u64));
        group.bench_function(format!("f32_{n}x{n}"), |bench| {
            bench.iter(|| a.matmul(&b).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, chain, elementwise, matmul);
criterion_main!(benches);
