//! Issue 5: resident memory stays flat over 10,000 training steps driven from Rust, and every
//! step's graph is freed (the arena's live node count returns to where it was).
//!
//! A small MLP (64-32-10, batch 16): matmul + bias + relu, log-softmax cross-entropy, SGD.

use ferrograd::autograd::{live_nodes, no_grad};
use ferrograd::{DType, Tensor};

/// Current resident set size in bytes (Linux), `None` elsewhere.
fn rss_bytes() -> Option<usize> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: usize = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn param(shape: &[usize], scale: f64) -> Tensor {
    let t = Tensor::randn(shape, DType::Float32).unwrap();
    let t = no_grad(|| t.mul(&Tensor::scalar(scale as f32))).unwrap();
    t.requires_grad_().unwrap()
}

struct Mlp {
    params: [Tensor; 4],
    x: Tensor,
    target: Tensor,
    lr: Tensor,
}

impl Mlp {
    fn new() -> Mlp {
        let params = [
            param(&[64, 32], 0.125),
            param(&[32], 0.1),
            param(&[32, 10], 0.18),
            param(&[10], 0.1),
        ];
        let x = Tensor::randn(&[16, 64], DType::Float32).unwrap();
        let labels: Vec<i64> = (0..16).map(|i| i % 10).collect();
        let target = Tensor::from_vec(labels, &[16, 1]).unwrap();
        Mlp {
            params,
            x,
            target,
            lr: Tensor::scalar(0.05f32),
        }
    }

    fn step(&self) -> f64 {
        let [w1, b1, w2, b2] = &self.params;
        let h = self.x.matmul(w1).unwrap().add(b1).unwrap().relu().unwrap();
        let logits = h.matmul(w2).unwrap().add(b2).unwrap();
        let picked = logits
            .log_softmax(1)
            .unwrap()
            .gather(1, &self.target)
            .unwrap();
        let loss = picked.mean().unwrap().neg().unwrap();
        loss.backward().unwrap();
        no_grad(|| -> ferrograd::Result<()> {
            for p in &self.params {
                let g = p.grad().expect("every parameter gets a gradient");
                p.sub_(&g.mul(&self.lr)?)?;
                p.set_grad(None)?;
            }
            Ok(())
        })
        .unwrap();
        loss.item().unwrap()
    }
}

/// The live node count is global to the process: the tests here take turns.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn memory_is_flat_over_10000_training_steps() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let model = Mlp::new();
    let first = model.step();
    // Warm up allocator pools and the arena's slab before the baseline.
    for _ in 0..500 {
        model.step();
    }
    let live = live_nodes();
    let rss_start = rss_bytes();
    let mut last = first;
    for i in 0..10_000 {
        last = model.step();
        // Other tests in this binary may run in parallel threads; the graph of each step is
        // freed when `step` returns, so the count cannot ratchet up.
        if i % 1000 == 999 {
            assert!(
                live_nodes() <= live + 64,
                "live nodes grew: {} -> {}",
                live,
                live_nodes()
            );
        }
    }
    assert!(
        last.is_finite() && last < first,
        "training should lower the loss ({first} -> {last})"
    );
    assert!(live_nodes() <= live + 64);
    if let (Some(start), Some(end)) = (rss_start, rss_bytes()) {
        let growth = end.saturating_sub(start);
        assert!(
            growth < 8 << 20,
            "resident memory grew by {} KiB over 10,000 steps",
            growth >> 10
        );
    }
}

#[test]
fn a_freed_million_node_chain_leaves_no_nodes() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let before = live_nodes();
    let x = Tensor::scalar(1.0f32).requires_grad_().unwrap();
    let b = Tensor::scalar(0.999_999f32);
    let mut y = x.clone();
    for _ in 0..1_000_000 {
        y = y.mul(&b).unwrap();
    }
    y.backward().unwrap();
    drop(y);
    let g = x.grad().unwrap().item().unwrap();
    // The gradient is the product of the million factors, rounded in float32 as the engine does.
    let expected = (0..1_000_000).fold(1.0f32, |acc, _| acc * 0.999_999f32) as f64;
    assert!((g - expected).abs() < 1e-4, "{g} vs {expected}");
    drop(x);
    assert!(live_nodes() <= before + 1);
}
