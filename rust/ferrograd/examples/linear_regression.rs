//! Fits y = 3x - 2 by gradient descent, using the engine from Rust alone.
//!
//! cargo run --release --example linear_regression

use ferrograd::{no_grad, DType, Result, Tensor};

fn main() -> Result<()> {
    ferrograd::ops::manual_seed(0);
    let x = Tensor::linspace(-1.0, 1.0, 64, DType::Float32)?.reshape(&[64, 1])?;
    let noise = Tensor::randn(&[64, 1], DType::Float32)?.mul(&Tensor::scalar(0.05f32))?;
    let y = x
        .mul(&Tensor::scalar(3.0f32))?
        .sub(&Tensor::scalar(2.0f32))?
        .add(&noise)?;

    let w = Tensor::zeros(&[1, 1], DType::Float32).requires_grad_()?;
    let b = Tensor::zeros(&[1], DType::Float32).requires_grad_()?;
    let learning_rate = Tensor::scalar(0.5f32);

    for step in 0..=100 {
        let prediction = x.matmul(&w)?.add(&b)?;
        let loss = prediction.sub(&y)?.square()?.mean()?;
        loss.backward()?;
        no_grad(|| -> Result<()> {
            for p in [&w, &b] {
                let grad = p.grad().expect("backward reached the parameter");
                p.sub_(&grad.mul(&learning_rate)?)?;
                p.set_grad(None)?;
            }
            Ok(())
        })?;
        if step % 20 == 0 {
            println!("step {step:3}  loss {:.5}", loss.item()?);
        }
    }
    println!("w = {:.3}, b = {:.3} (true: 3, -2)", w.item()?, b.item()?);
    Ok(())
}
