//! Criterion benchmarks of the window kernels through `Tensor`, on the second layer of issue 18's
//! convnet (batch 64, float32, one thread), forward and backward (allocation included): the
//! fused convolution (`kernels/cpu/conv.rs`) next to the same convolution composed of `im2col`
//! and a batched product (what `conv2d` ran before), and 2x2 max pooling.
//!
//! cargo bench -p ferrograd --bench windows

use criterion::{criterion_group, criterion_main, Criterion};
use ferrograd::autograd::BackwardOptions;
use ferrograd::nn::{MaxPool2d, Module};
use ferrograd::ops::Window2d;
use ferrograd::{DType, Tensor};

/// Forward, then backward with the gradient `g`, then the inputs' gradients dropped.
fn forward_backward(inputs: &[&Tensor], g: &Tensor, f: impl Fn() -> ferrograd::Result<Tensor>) {
    f().unwrap()
        .backward_with(Some(g.clone()), BackwardOptions::default())
        .unwrap();
    for t in inputs {
        t.set_grad(None).unwrap();
    }
}

fn randn(shape: &[usize], grad: bool) -> Tensor {
    let t = Tensor::randn(shape, DType::Float32).unwrap();
    if grad {
        t.requires_grad_().unwrap()
    } else {
        t
    }
}

fn windows(c: &mut Criterion) {
    ferrograd::set_thread_limit(1);
    let (x, w, b) = (
        randn(&[64, 32, 26, 26], true),
        randn(&[64, 32, 3, 3], true),
        randn(&[64], true),
    );
    let g = randn(&[64, 64, 24, 24], false);
    let one = [1, 1];
    let mut group = c.benchmark_group("windows_convnet_layer2_f32_forward_backward");
    group.sample_size(20);
    group.bench_function("conv2d_fused", |bench| {
        bench.iter(|| {
            forward_backward(&[&x, &w, &b], &g, || {
                x.conv2d(&w, Some(&b), one, [0, 0], one, 1)
            })
        })
    });
    group.bench_function("conv2d_im2col_matmul", |bench| {
        let window = Window2d {
            kernel: [3, 3],
            stride: one,
            padding: [0, 0],
            dilation: one,
        };
        bench.iter(|| {
            forward_backward(&[&x, &w, &b], &g, || {
                let out = w.reshape(&[64, -1])?.matmul(&x.im2col(window)?)?;
                out.reshape(&[64, 64, 24, 24])?
                    .add(&b.reshape(&[1, 64, 1, 1])?)
            })
        })
    });
    let (pool, pooled) = (MaxPool2d::new([2, 2]), randn(&[64, 64, 24, 24], true));
    let gp = randn(&[64, 64, 12, 12], false);
    group.bench_function("max_pool2d_2x2", |bench| {
        bench.iter(|| forward_backward(&[&pooled], &gp, || pool.forward(&pooled)))
    });
    group.finish();
}

criterion_group!(benches, windows);
criterion_main!(benches);
