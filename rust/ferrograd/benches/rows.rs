//! Criterion benchmarks of the row kernels through `Tensor` on `(4096, 1024)` float32, forward
//! and backward (allocation included): `layer_norm` as the fused op next to the same
//! normalization composed of whole-tensor ops (what `F.layer_norm` ran before), and `softmax`.
//!
//! cargo bench -p ferrograd --bench rows

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ferrograd::autograd::BackwardOptions;
use ferrograd::{DType, Tensor};

const SHAPE: [usize; 2] = [4096, 1024];

/// Forward, then backward with the gradient `g`, then the input's gradient dropped.
fn forward_backward(x: &Tensor, g: &Tensor, f: impl Fn(&Tensor) -> ferrograd::Result<Tensor>) {
    let y = f(x).unwrap();
    y.backward_with(Some(g.clone()), BackwardOptions::default())
        .unwrap();
    x.set_grad(None).unwrap();
}

fn composed_layer_norm(x: &Tensor) -> ferrograd::Result<Tensor> {
    let centered = x.sub(&x.mean_dims(&[-1], true)?)?;
    let variance = centered.square()?.mean_dims(&[-1], true)?;
    centered.mul(&variance.add(&Tensor::scalar(1e-5))?.rsqrt()?)
}

fn rows(c: &mut Criterion) {
    let x = Tensor::randn(&SHAPE, DType::Float32)
        .unwrap()
        .requires_grad_()
        .unwrap();
    let g = Tensor::randn(&SHAPE, DType::Float32).unwrap();
    let mut group = c.benchmark_group("rows_4096x1024_f32_forward_backward");
    group.throughput(Throughput::Elements((SHAPE[0] * SHAPE[1]) as u64));
    group.bench_function("layer_norm_fused", |b| {
        b.iter(|| forward_backward(&x, &g, |x| x.layer_norm(&SHAPE[1..], None, None, 1e-5)))
    });
    group.bench_function("layer_norm_composed", |b| {
        b.iter(|| forward_backward(&x, &g, composed_layer_norm))
    });
    group.bench_function("softmax", |b| {
        b.iter(|| forward_backward(&x, &g, |x| x.softmax(-1)))
    });
    group.finish();
}

criterion_group!(benches, rows);
criterion_main!(benches);
