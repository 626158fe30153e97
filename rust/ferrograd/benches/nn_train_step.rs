//! Criterion benchmark of one MLP training step written with the crate's `nn` and `optim`
//! (784-256-10, batch 64, ReLU, cross-entropy, SGD): the same step as the Python MLP row of
//! docs/PERFORMANCE.md, so the gap between the two is the binding's cost.
//!
//! cargo bench -p ferrograd --bench nn_train_step

use criterion::{criterion_group, criterion_main, Criterion};
use ferrograd::nn::functional::{self as F, Reduction};
use ferrograd::nn::{self, Module};
use ferrograd::optim::{Optimizer, Sgd, SgdConfig};
use ferrograd::{DType, Tensor};

fn nn_mlp_step(c: &mut Criterion) {
    ferrograd::ops::manual_seed(0);
    let model = nn::Sequential::new()
        .add(nn::Linear::new(784, 256, true).unwrap())
        .add(nn::ReLU)
        .add(nn::Linear::new(256, 10, true).unwrap());
    let mut optimizer = Sgd::new(
        model.parameters(),
        SgdConfig {
            lr: 0.01,
            ..Default::default()
        },
    )
    .unwrap();
    let x = Tensor::randn(&[64, 784], DType::Float32).unwrap();
    let target = Tensor::from((0..64).map(|i| i % 10).collect::<Vec<i64>>());
    c.bench_function("nn_train_step_784_256_10_batch64", |bench| {
        bench.iter(|| {
            optimizer.zero_grad().unwrap();
            let loss =
                F::cross_entropy(&model.forward(&x).unwrap(), &target, Reduction::Mean).unwrap();
            loss.backward().unwrap();
            optimizer.step().unwrap();
            loss
        });
    });
}

criterion_group!(benches, nn_mlp_step);
criterion_main!(benches);
