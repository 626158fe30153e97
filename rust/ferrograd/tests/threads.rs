//! Backward passes on several threads into the same leaves: every contribution must arrive.
//! The values are small integers in f64, so every expected sum is exact. Before the per-leaf
//! accumulation lock, each of these lost contributions within a few hundred rounds.

use std::sync::Barrier;

use ferrograd::autograd::BackwardOptions;
use ferrograd::{DType, Tensor};

const THREADS: usize = 8;
const LEAVES: usize = 16;

fn leaves() -> Vec<Tensor> {
    (0..LEAVES)
        .map(|_| Tensor::ones(&[3], DType::Float64).requires_grad_().unwrap())
        .collect()
}

/// Thread `k` of a round: sends `(k + 1) * (i + 1)` to every element of leaf `i`.
fn loss(k: usize, leaves: &[Tensor]) -> Tensor {
    let mut total: Option<Tensor> = None;
    for (i, leaf) in leaves.iter().enumerate() {
        let term = leaf
            .mul(&Tensor::scalar(((k + 1) * (i + 1)) as f64))
            .unwrap()
            .sum()
            .unwrap();
        total = Some(match total {
            None => term,
            Some(t) => t.add(&term).unwrap(),
        });
    }
    total.unwrap()
}

/// `rounds` times: every thread builds its loss, then all run backward at once.
fn race(
    rounds: usize,
    create_graph: bool,
    fresh_leaves_each_round: bool,
    preset: Option<f64>,
) -> Vec<String> {
    let options = BackwardOptions {
        retain_graph: create_graph,
        create_graph,
    };
    let mut wrong = Vec::new();
    let mut shared = leaves();
    let preset_grads = |leaves: &[Tensor]| {
        if let Some(v) = preset {
            for leaf in leaves {
                leaf.set_grad(Some(Tensor::full(&[3], v, DType::Float64)))
                    .unwrap();
            }
        }
    };
    preset_grads(&shared);
    let per_round = |i: usize| ((i + 1) * THREADS * (THREADS + 1) / 2) as f64;
    for round in 0..rounds {
        if fresh_leaves_each_round && round > 0 {
            shared = leaves();
            preset_grads(&shared);
        }
        let start = Barrier::new(THREADS);
        std::thread::scope(|s| {
            for k in 0..THREADS {
                let (start, shared) = (&start, &shared);
                s.spawn(move || {
                    let loss = loss(k, shared);
                    start.wait();
                    loss.backward_with(None, options).unwrap();
                });
            }
        });
        if fresh_leaves_each_round {
            for (i, leaf) in shared.iter().enumerate() {
                let got = leaf.grad().unwrap().to_vec::<f64>().unwrap();
                let want = preset.unwrap_or(0.0) + per_round(i);
                if got != vec![want; 3] {
                    wrong.push(format!("round {round}, leaf {i}: {got:?}, expected {want}"));
                }
            }
        }
    }
    if !fresh_leaves_each_round {
        for (i, leaf) in shared.iter().enumerate() {
            let got = leaf.grad().unwrap().to_vec::<f64>().unwrap();
            let want = preset.unwrap_or(0.0) + rounds as f64 * per_round(i);
            if got != vec![want; 3] {
                wrong.push(format!("leaf {i}: {got:?}, expected {want}"));
            }
        }
    }
    wrong
}

#[test]
fn first_accumulation_into_fresh_leaves_loses_nothing() {
    for create_graph in [false, true] {
        let wrong = race(400, create_graph, true, None);
        assert!(
            wrong.is_empty(),
            "create_graph={create_graph}: {} lost: {:?}",
            wrong.len(),
            &wrong[..wrong.len().min(5)]
        );
    }
}

#[test]
fn accumulation_into_existing_grad_loses_nothing() {
    for create_graph in [false, true] {
        let wrong = race(400, create_graph, false, Some(5.0));
        assert!(wrong.is_empty(), "create_graph={create_graph}: {wrong:?}");
    }
}
