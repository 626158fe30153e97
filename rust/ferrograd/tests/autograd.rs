//! End-to-end checks of the engine from Rust alone.

use ferrograd::autograd::{grad, live_nodes, BackwardOptions};
use ferrograd::{DType, Error, Tensor};

fn scalar(v: f64) -> Tensor {
    Tensor::scalar(v).requires_grad_().unwrap()
}

#[test]
fn product_rule_matches_the_seed_example() {
    let x = scalar(1.0);
    let y = Tensor::scalar(2.0f64);
    let z = x.mul(&y).unwrap();
    assert_eq!(z.grad_fn().unwrap().name(), "MulBackward0");
    assert!(x.is_leaf() && y.is_leaf() && !z.is_leaf());
    z.backward().unwrap();
    assert_eq!(x.grad().unwrap().item().unwrap(), 2.0);
    assert!(y.grad().is_none());
}

#[test]
fn gradients_accumulate_across_backward_calls() {
    let x = scalar(3.0);
    for _ in 0..3 {
        x.mul(&x).unwrap().backward().unwrap();
    }
    assert_eq!(x.grad().unwrap().item().unwrap(), 18.0);
}

#[test]
fn broadcast_gradients_are_summed_back_to_each_input() {
    let a = Tensor::ones(&[2, 3], DType::Float64)
        .requires_grad_()
        .unwrap();
    let b = Tensor::ones(&[3], DType::Float64).requires_grad_().unwrap();
    a.add(&b).unwrap().sum().unwrap().backward().unwrap();
    assert_eq!(b.grad().unwrap().to_vec::<f64>().unwrap(), vec![2.0; 3]);
    assert_eq!(a.grad().unwrap().shape().as_slice(), &[2, 3]);
}

#[test]
fn second_backward_through_a_freed_graph_names_retain_graph() {
    let x = scalar(2.0);
    let y = x.exp().unwrap();
    y.backward().unwrap();
    match y.backward() {
        Err(Error::Autograd(msg)) => assert!(msg.contains("retain_graph=True"), "{msg}"),
        other => panic!("expected an autograd error, got {other:?}"),
    }
}

#[test]
fn create_graph_gives_higher_derivatives() {
    // d^3/dx^3 of x^4 is 24x.
    let x = scalar(1.5);
    let y = x.pow(&Tensor::scalar(4.0f64)).unwrap();
    let opts = BackwardOptions {
        retain_graph: true,
        create_graph: true,
    };
    let mut g = y;
    for _ in 0..3 {
        g = grad(&[g], std::slice::from_ref(&x), &[], opts, false)
            .unwrap()
            .remove(0)
            .unwrap();
    }
    assert!((g.item().unwrap() - 24.0 * 1.5).abs() < 1e-9);
}

#[test]
fn in_place_change_of_a_saved_value_is_detected() {
    let x = scalar(2.0);
    let y = x.mul(&Tensor::scalar(1.0f64)).unwrap();
    let z = y.mul(&y).unwrap();
    y.add_(&Tensor::scalar(1.0f64)).unwrap();
    let err = z.backward().unwrap_err();
    assert!(
        err.to_string().contains("modified by an inplace operation"),
        "{err}"
    );
}

#[test]
fn a_million_node_chain_runs_and_is_freed() {
    let before = live_nodes();
    let x = scalar(1.0);
    let one = Tensor::scalar(1.0f64);
    let mut y = x.clone();
    for _ in 0..1_000_000 {
        y = y.add(&one).unwrap();
    }
    y.backward().unwrap();
    assert_eq!(x.grad().unwrap().item().unwrap(), 1.0);
    drop(y);
    // Only x's gradient sink may remain.
    assert!(live_nodes() <= before + 1);
}

#[test]
fn accumulate_grad_node_hooks_run_after_the_accumulation() {
    use std::sync::{Arc, Mutex};

    let x = scalar(3.0);
    let y = x.mul(&Tensor::scalar(2.0f64)).unwrap();
    let (acc, _) = y.grad_fn().unwrap().next_functions().remove(0).unwrap();
    assert_eq!(acc.name(), "torch::autograd::AccumulateGrad");
    let events = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&events);
    x.register_post_accumulate_grad_hook(Arc::new(move || {
        log.lock().unwrap().push("post_accumulate".to_string());
        Ok(())
    }))
    .unwrap();
    let log = Arc::clone(&events);
    acc.register_hook(Arc::new(move |inputs, outputs| {
        let incoming = outputs[0].as_ref().unwrap().item()?;
        let entry = format!("node inputs={} incoming={incoming}", inputs.len());
        log.lock().unwrap().push(entry);
        Ok(None)
    }));
    y.backward().unwrap();
    assert_eq!(
        *events.lock().unwrap(),
        ["post_accumulate", "node inputs=0 incoming=2"]
    );
    assert_eq!(x.grad().unwrap().item().unwrap(), 2.0);
}
