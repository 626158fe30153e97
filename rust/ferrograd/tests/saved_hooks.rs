//! Saved-tensor hooks (`mode::push_saved_tensor_hooks`): every value a node saves goes
//! through `pack` when the node is recorded and through `unpack` when backward reads it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use ferrograd::autograd::mode::{pop_saved_tensor_hooks, push_saved_tensor_hooks};
use ferrograd::autograd::{PackedTensor, SavedTensorHooks};
use ferrograd::{Result, Tensor};

/// Keeps a copy of each saved value (scaled by `factor`), counting packs and unpacks.
struct Copying {
    factor: f64,
    packs: Arc<AtomicUsize>,
    unpacks: Arc<AtomicUsize>,
}

struct Copy {
    value: Tensor,
    unpacks: Arc<AtomicUsize>,
}

impl SavedTensorHooks for Copying {
    fn pack(&self, tensor: &Tensor) -> Result<Arc<dyn PackedTensor>> {
        self.packs.fetch_add(1, Ordering::SeqCst);
        // an operation inside the hook: it does not pack its own saved values
        let value = tensor.detach().mul(&Tensor::scalar(self.factor))?;
        Ok(Arc::new(Copy {
            value,
            unpacks: self.unpacks.clone(),
        }))
    }
}

impl PackedTensor for Copy {
    fn unpack(&self) -> Result<Tensor> {
        self.unpacks.fetch_add(1, Ordering::SeqCst);
        Ok(self.value.clone())
    }
}

fn hooks(factor: f64) -> (Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let (packs, unpacks) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    push_saved_tensor_hooks(Arc::new(Copying {
        factor,
        packs: packs.clone(),
        unpacks: unpacks.clone(),
    }));
    (packs, unpacks)
}

fn leaf(values: &[f64]) -> Tensor {
    Tensor::from_vec(values.to_vec(), &[values.len()])
        .unwrap()
        .requires_grad_()
        .unwrap()
}

#[test]
fn saved_values_are_packed_when_recorded_and_unpacked_in_backward() {
    let x = leaf(&[0.5, 1.0]);
    let y = leaf(&[2.0, -1.0]);
    let (packs, unpacks) = hooks(1.0);
    // mul saves both operands, exp its output: three values
    let z = x.mul(&y).unwrap().exp().unwrap().sum().unwrap();
    assert!(pop_saved_tensor_hooks());
    assert_eq!(packs.load(Ordering::SeqCst), 3);
    assert_eq!(unpacks.load(Ordering::SeqCst), 0);
    z.backward().unwrap();
    assert_eq!(unpacks.load(Ordering::SeqCst), 3);
    let e: Vec<f64> = [1.0f64, -1.0].iter().map(|v| v.exp()).collect();
    // the engine's exp is a vectorised polynomial, within 2 ulp of libm's
    let grad = x.grad().unwrap().to_vec::<f64>().unwrap();
    for (got, want) in grad.iter().zip([e[0] * 2.0, -e[1]]) {
        assert!(
            (got - want).abs() <= 4.0 * f64::EPSILON * want.abs(),
            "{got} vs {want}"
        );
    }
    assert!(!pop_saved_tensor_hooks());
}

#[test]
fn the_unpacked_value_is_what_the_rule_reads() {
    let x = leaf(&[1.0, 2.0]);
    let _ = hooks(3.0); // every saved value tripled
    let y = x.mul(&x).unwrap().sum().unwrap();
    pop_saved_tensor_hooks();
    y.backward().unwrap();
    // d(x*x) = g*b + g*a with both saved operands tripled: 6x
    assert_eq!(x.grad().unwrap().to_vec::<f64>().unwrap(), vec![6.0, 12.0]);
}

#[test]
fn a_packed_output_gets_its_node_back_for_double_backward() {
    let x = leaf(&[0.5]);
    let _ = hooks(1.0);
    let y = x.exp().unwrap();
    pop_saved_tensor_hooks();
    let g = ferrograd::autograd::grad(
        &[y.sum().unwrap()],
        std::slice::from_ref(&x),
        &[None],
        ferrograd::BackwardOptions {
            retain_graph: true,
            create_graph: true,
        },
        false,
    )
    .unwrap();
    let g = g[0].clone().unwrap();
    assert!(g.grad_fn().is_some());
    g.sum().unwrap().backward().unwrap();
    assert!((x.grad().unwrap().item().unwrap() - 0.5f64.exp()).abs() < 1e-12);
}
