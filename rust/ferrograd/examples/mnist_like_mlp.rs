//! Trains a multilayer perceptron on generated 8×8 "digits" with `nn`, `optim` and a learning
//! rate schedule, reports held-out accuracy, and saves and reloads the model as safetensors.
//!
//! cargo run --release --example mnist_like_mlp
//!
//! Each digit is a 5×7 glyph placed at a random offset in an 8×8 image, with pixels flipped off
//! at random and Gaussian noise added, so the classes overlap enough that a linear model is
//! not perfect.

use std::time::Instant;

use ferrograd::nn::functional::{self as F, Reduction};
use ferrograd::nn::{self, Module};
use ferrograd::optim::{AdamConfig, AdamW, LrScheduler, Optimizer, StepLR};
use ferrograd::{no_grad, serialize, DType, Result, Tensor};

/// The ten digits as 5-wide, 7-tall bitmaps (one row per string).
const GLYPHS: [[&str; 7]; 10] = [
    [
        ".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###.",
    ],
    [
        "..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###.",
    ],
    [
        ".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####",
    ],
    [
        "#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###.",
    ],
    [
        "...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#.",
    ],
    [
        "#####", "#....", "####.", "....#", "....#", "#...#", ".###.",
    ],
    [
        "..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###.",
    ],
    [
        "#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#...",
    ],
    [
        ".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###.",
    ],
    [
        ".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##..",
    ],
];

const SIDE: usize = 8;
const PIXELS: usize = SIDE * SIDE;

/// `n` noisy digit images `(n, 64)` and their labels `(n,)`.
fn digits(n: usize) -> Result<(Tensor, Tensor)> {
    let labels = Tensor::randint(0, 10, &[n], DType::Int64)?.to_vec::<i64>()?;
    let offsets = Tensor::randint(0, 4, &[n, 2], DType::Int64)?.to_vec::<i64>()?;
    let keep = Tensor::rand(&[n, PIXELS], DType::Float32)?.to_vec::<f32>()?;
    let noise = Tensor::randn(&[n, PIXELS], DType::Float32)?.to_vec::<f32>()?;
    let mut images = vec![0.0f32; n * PIXELS];
    for (i, &label) in labels.iter().enumerate() {
        let (dy, dx) = (offsets[2 * i] as usize % 2, offsets[2 * i + 1] as usize);
        for (row, line) in GLYPHS[label as usize].iter().enumerate() {
            for (col, ch) in line.bytes().enumerate() {
                let p = i * PIXELS + (row + dy) * SIDE + col + dx;
                if ch == b'#' && keep[p] > 0.1 {
                    images[p] = 1.0;
                }
            }
        }
        let image = &mut images[i * PIXELS..(i + 1) * PIXELS];
        for (pixel, n) in image.iter_mut().zip(&noise[i * PIXELS..(i + 1) * PIXELS]) {
            *pixel += 0.25 * n;
        }
    }
    Ok((
        Tensor::from_vec(images, &[n, PIXELS])?,
        Tensor::from(labels),
    ))
}

fn accuracy(model: &dyn Module, x: &Tensor, y: &Tensor) -> Result<f64> {
    no_grad(|| {
        let predicted = model.forward(x)?.argmax(Some(1), false)?;
        predicted.eq(y)?.to_dtype(DType::Float64)?.mean()?.item()
    })
}

fn main() -> Result<()> {
    ferrograd::ops::manual_seed(0);
    let (train_x, train_y) = digits(6000)?;
    let (test_x, test_y) = digits(1000)?;

    let mut model = nn::Sequential::new()
        .add(nn::Linear::new(PIXELS, 128, true)?)
        .add(nn::ReLU)
        .add(nn::Dropout::new(0.1)?)
        .add(nn::Linear::new(128, 10, true)?);
    let mut optimizer = AdamW::new(
        model.parameters(),
        AdamConfig {
            lr: 1e-2,
            ..AdamConfig::adamw()
        },
    )?;
    let mut schedule = StepLR::new(&optimizer, 5, 0.5)?;

    let batch = 100;
    let start = Instant::now();
    for epoch in 1..=12 {
        model.train(true);
        // a random permutation: the positions of sorted random keys
        let order = Tensor::rand(&[6000], DType::Float32)?.sort(0, false)?.1;
        let order = order.to_vec::<i64>()?;
        let mut total = 0.0;
        for b in 0..6000 / batch {
            let index = Tensor::from(&order[b * batch..(b + 1) * batch]);
            let (x, y) = (
                train_x.index_select(0, &index)?,
                train_y.index_select(0, &index)?,
            );
            optimizer.zero_grad()?;
            let loss = F::cross_entropy(&model.forward(&x)?, &y, Reduction::Mean)?;
            loss.backward()?;
            optimizer.step()?;
            total += loss.item()?;
        }
        schedule.step(&mut optimizer);
        model.eval();
        println!(
            "epoch {epoch:2}  loss {:.4}  test accuracy {:.3}  lr {:.5}",
            total / (6000 / batch) as f64,
            accuracy(&model, &test_x, &test_y)?,
            optimizer.lr()
        );
    }
    println!("trained in {:.2?}", start.elapsed());

    let path = std::env::temp_dir().join("mnist_like_mlp.safetensors");
    serialize::save_state_dict(&model.state_dict(), &path)?;
    let mut restored = nn::Sequential::new()
        .add(nn::Linear::new(PIXELS, 128, true)?)
        .add(nn::ReLU)
        .add(nn::Dropout::new(0.1)?)
        .add(nn::Linear::new(128, 10, true)?);
    restored.load_state_dict(&serialize::load_state_dict(&path)?, true)?;
    restored.eval();
    println!(
        "saved to {} and reloaded: test accuracy {:.3}",
        path.display(),
        accuracy(&restored, &test_x, &test_y)?
    );
    Ok(())
}
