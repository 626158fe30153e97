//! The arena gives the slots of a freed large graph back, beyond a small reserve, and keeps
//! them once a loop shows it needs them again. One test in its own binary: the arena is
//! global, and nodes of tests running beside it would pin its chunks.

use ferrograd::autograd::graph_slots;
use ferrograd::Tensor;

const NODES: usize = 500_000;

fn chain(x: &Tensor, c: &Tensor) -> Tensor {
    let mut y = x.clone();
    for _ in 0..NODES {
        y = y.mul(c).unwrap();
    }
    y
}

#[test]
fn freed_chunks_are_given_back_until_a_loop_needs_them() {
    let x = Tensor::scalar(1.0f64).requires_grad_().unwrap();
    let c = Tensor::scalar(1.0f64);
    let y = chain(&x, &c);
    y.backward().unwrap();
    assert!(graph_slots() >= NODES);
    drop(y);
    let kept = graph_slots();
    assert!(
        kept <= 4 * 32_768,
        "{kept} slots kept after freeing a {NODES}-node chain"
    );
    assert_eq!(x.grad().unwrap().item().unwrap(), 1.0);

    // Built again: the chunks given back were needed, so the arena keeps them from now on.
    let y = chain(&x, &c);
    drop(y);
    assert!(
        graph_slots() >= NODES,
        "a loop of large graphs must not give its slots back every step"
    );

    // Ids stay unique across the trim: nodes made in regrown slots work as usual.
    let y = chain(&x, &c);
    y.backward().unwrap();
    assert_eq!(x.grad().unwrap().item().unwrap(), 2.0);
}
