//! Criterion benchmarks of issue 5's Rust-only cases: the million-node chain (backward alone,
//! and forward + backward + free) and one MLP training step (784-256-10, batch 64).
//!
//! cargo bench -p ferrograd --bench training

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use ferrograd::autograd::no_grad;
use ferrograd::{DType, Tensor};

const NODES: usize = 1_000_000;

fn scalar_chain(x: &Tensor, b: &Tensor, n: usize) -> Tensor {
    let mut y = x.clone();
    for _ in 0..n {
        y = y.mul(b).unwrap();
    }
    y
}

fn million_node_chain(c: &mut Criterion) {
    let mut group = c.benchmark_group("deep_chain");
    group.sample_size(10);
    group.throughput(Throughput::Elements(NODES as u64));
    let b = Tensor::scalar(0.999_999f32);
    // Target: 10 million nodes per second or more through backward.
    group.bench_function("backward_1000000_nodes", |bench| {
        bench.iter_batched(
            || {
                let x = Tensor::scalar(1.0f32).requires_grad_().unwrap();
                let y = scalar_chain(&x, &b, NODES);
                (x, y)
            },
            |(x, y)| {
                y.backward().unwrap();
                (x, y)
            },
            BatchSize::PerIteration,
        );
    });
    group.bench_function("forward_backward_free_1000000_nodes", |bench| {
        bench.iter(|| {
            let x = Tensor::scalar(1.0f32).requires_grad_().unwrap();
            let y = scalar_chain(&x, &b, NODES);
            y.backward().unwrap();
            drop(y);
            x
        });
    });
    group.finish();
}

fn mlp_step(c: &mut Criterion) {
    let mut group = c.benchmark_group("mlp");
    let param = |shape: &[usize], scale: f32| {
        let t = no_grad(|| {
            Tensor::randn(shape, DType::Float32)
                .unwrap()
                .mul(&Tensor::scalar(scale))
        })
        .unwrap();
        t.requires_grad_().unwrap()
    };
    let params = [
        param(&[784, 256], 0.036),
        param(&[256], 0.01),
        param(&[256, 10], 0.0625),
        param(&[10], 0.01),
    ];
    let x = Tensor::randn(&[64, 784], DType::Float32).unwrap();
    let target = Tensor::from_vec((0..64).map(|i| i % 10).collect::<Vec<i64>>(), &[64, 1]).unwrap();
    let lr = Tensor::scalar(0.01f32);
    group.bench_function("train_step_784_256_10_batch64", |bench| {
        bench.iter(|| {
            let [w1, b1, w2, b2] = &params;
            let h = x.matmul(w1).unwrap().add(b1).unwrap().relu().unwrap();
            let logits = h.matmul(w2).unwrap().add(b2).unwrap();
            let loss = logits
                .log_softmax(1)
                .unwrap()
                .gather(1, &target)
                .unwrap()
                .mean()
                .unwrap()
                .neg()
                .unwrap();
            loss.backward().unwrap();
            no_grad(|| {
                for p in &params {
                    let g = p.grad().unwrap();
                    p.sub_(&g.mul(&lr).unwrap()).unwrap();
                    p.set_grad(None).unwrap();
                }
            });
            loss
        });
    });
    group.finish();
}

criterion_group!(benches, million_node_chain, mlp_step);
criterion_main!(benches);
