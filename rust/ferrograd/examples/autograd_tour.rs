//! The autograd API from Rust: gradients of outputs with respect to chosen inputs, higher
//! derivatives with `create_graph`, and hooks as closures.
//!
//! cargo run --release --example autograd_tour

use std::sync::Arc;

use ferrograd::autograd::{grad, BackwardOptions};
use ferrograd::{Result, Tensor};

fn main() -> Result<()> {
    // y = x³ at x = 2: dy/dx = 12, d²y/dx² = 12, d³y/dx³ = 6.
    let x = Tensor::scalar(2.0f64).requires_grad_()?;
    let y = x.mul(&x)?.mul(&x)?;
    let keep = BackwardOptions {
        retain_graph: true,
        create_graph: true,
    };
    let mut derivative = y;
    for order in 1..=3 {
        derivative = grad(&[derivative], std::slice::from_ref(&x), &[], keep, false)?
            .remove(0)
            .expect("x is used");
        println!("d^{order}y/dx^{order} = {}", derivative.item()?);
    }

    // A hook sees (and here doubles) the gradient flowing into `h`.
    let w = Tensor::scalar(3.0f64).requires_grad_()?;
    let h = w.mul(&Tensor::scalar(5.0f64))?;
    let handle = h.register_hook(Arc::new(|g: &Tensor| {
        println!("gradient reaching h: {}", g.item()?);
        Ok(Some(g.mul(&Tensor::scalar(2.0f64))?))
    }))?;
    h.backward()?;
    println!(
        "dh/dw with the hook: {} (5 without)",
        w.grad().expect("w is a leaf").item()?
    );
    handle.remove();
    Ok(())
}
