//! Trains a character-level LSTM language model in pure Rust on a public-domain novel and samples
//! text from it: `Embedding` → `LSTM` → `Linear`, next-character cross-entropy, Adam.
//!
//! cargo run --release --example char_lstm [-- path/to/text.txt [steps]]
//!
//! The text defaults to `examples/data/persuasion.txt` at the repository's root (Jane Austen's
//! *Persuasion*, which the Python examples `char_lstm.py` and `tiny_gpt.py` use too). It prints
//! the mean training loss every 25 steps (it starts near `ln(vocabulary)`) and a 300-character
//! sample at the end.

use std::time::Instant;

use ferrograd::nn::functional::{self as F, Reduction};
use ferrograd::nn::{self, Module, RecurrentConfig};
use ferrograd::optim::{Adam, AdamConfig, Optimizer};
use ferrograd::{no_grad, DType, Result, Tensor};

const EMBEDDING: usize = 32;
const HIDDEN: usize = 128;
const BATCH: usize = 32;
const LENGTH: usize = 48;
const DEFAULT_STEPS: usize = 250;

/// The text as character ids, and the characters they stand for.
struct Corpus {
    chars: Vec<char>,
    ids: Vec<i64>,
}

impl Corpus {
    fn new(text: &str) -> Corpus {
        let mut chars: Vec<char> = text.chars().collect();
        chars.sort_unstable();
        chars.dedup();
        let ids = text
            .chars()
            .map(|c| {
                chars
                    .binary_search(&c)
                    .expect("every character is in the set") as i64
            })
            .collect();
        Corpus { chars, ids }
    }

    /// `BATCH` random windows of `LENGTH` characters and the same windows one character on,
    /// as `(BATCH, LENGTH)` int64 tensors.
    fn batch(&self) -> Result<(Tensor, Tensor)> {
        let last_start = (self.ids.len() - LENGTH - 1) as i64;
        let starts = Tensor::randint(0, last_start, &[BATCH], DType::Int64)?.to_vec::<i64>()?;
        let window = |offset: usize| -> Vec<i64> {
            starts
                .iter()
                .flat_map(|&s| &self.ids[s as usize + offset..s as usize + offset + LENGTH])
                .copied()
                .collect()
        };
        Ok((
            Tensor::from_vec(window(0), &[BATCH, LENGTH])?,
            Tensor::from_vec(window(1), &[BATCH, LENGTH])?,
        ))
    }
}

struct CharModel {
    embed: nn::Embedding,
    lstm: nn::LSTM,
    head: nn::Linear,
}

impl CharModel {
    fn new(vocab: usize) -> Result<CharModel> {
        let config = RecurrentConfig {
            batch_first: true,
            ..Default::default()
        };
        Ok(CharModel {
            embed: nn::Embedding::new(vocab, EMBEDDING)?,
            lstm: nn::LSTM::with_config(EMBEDDING, HIDDEN, config)?,
            head: nn::Linear::new(HIDDEN, vocab, true)?,
        })
    }

    /// The next character's logits `(N, T, vocab)` at every position of `ids` `(N, T)`, and
    /// the LSTM's state after the last one.
    fn logits(
        &self,
        ids: &Tensor,
        state: Option<(&Tensor, &Tensor)>,
    ) -> Result<(Tensor, (Tensor, Tensor))> {
        let (out, state) = self
            .lstm
            .forward_with_state(&self.embed.forward(ids)?, state)?;
        Ok((self.head.forward(&out)?, state))
    }

    fn parameters(&self) -> Vec<Tensor> {
        [&self.embed as &dyn Module, &self.lstm, &self.head]
            .iter()
            .flat_map(|m| m.parameters())
            .collect()
    }
}

/// `count` characters drawn one at a time after `prompt`, from the softmax of the logits
/// divided by `temperature`.
fn sample(
    model: &CharModel,
    corpus: &Corpus,
    prompt: &str,
    count: usize,
    temperature: f64,
) -> Result<String> {
    no_grad(|| {
        let prompt_ids: Vec<i64> = prompt
            .chars()
            .map(|c| corpus.chars.binary_search(&c).unwrap_or(0) as i64)
            .collect();
        let n = prompt_ids.len();
        let (mut logits, mut state) =
            model.logits(&Tensor::from_vec(prompt_ids, &[1, n])?, None)?;
        let mut text = String::from(prompt);
        for _ in 0..count {
            let last = logits.reshape(&[-1, corpus.chars.len() as isize])?;
            let last = last.index(&[ferrograd::ops::IndexItem::Int(-1)])?;
            let probabilities = last
                .div(&Tensor::scalar(temperature))?
                .softmax(-1)?
                .to_vec::<f32>()?;
            let mut u = Tensor::rand(&[1], DType::Float32)?.item()? as f32;
            let mut next = probabilities.len() - 1;
            for (i, p) in probabilities.iter().enumerate() {
                if u < *p {
                    next = i;
                    break;
                }
                u -= p;
            }
            text.push(corpus.chars[next]);
            let input = Tensor::from_vec(vec![next as i64], &[1, 1])?;
            (logits, state) = model.logits(&input, Some((&state.0, &state.1)))?;
        }
        Ok(text)
    })
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/data/persuasion.txt"
        )
        .to_string()
    });
    let steps = match args.next() {
        Some(s) => s
            .parse()
            .map_err(|_| ferrograd::Error::Value(format!("steps: not a number: {s}")))?,
        None => DEFAULT_STEPS,
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| ferrograd::Error::Value(format!("cannot read the text {path}: {e}")))?;
    let corpus = Corpus::new(&text);
    let vocab = corpus.chars.len();
    println!(
        "{} characters, {vocab} distinct; LSTM({EMBEDDING} -> {HIDDEN}), batches of {BATCH} x {LENGTH}",
        corpus.ids.len()
    );

    ferrograd::ops::manual_seed(0);
    let model = CharModel::new(vocab)?;
    let mut optimizer = Adam::new(
        model.parameters(),
        AdamConfig {
            lr: 5e-3,
            ..Default::default()
        },
    )?;
    let start = Instant::now();
    let mut recent = Vec::new();
    for step in 1..=steps {
        let (x, y) = corpus.batch()?;
        optimizer.zero_grad()?;
        let (logits, _) = model.logits(&x, None)?;
        let loss = F::cross_entropy(
            &logits.reshape(&[-1, vocab as isize])?,
            &y.reshape(&[-1])?,
            Reduction::Mean,
        )?;
        loss.backward()?;
        optimizer.step()?;
        recent.push(loss.item()?);
        if step % 25 == 0 || step == 1 {
            let mean = recent.iter().sum::<f64>() / recent.len() as f64;
            println!(
                "step {step:4}  loss {mean:.3}  ({:.1} s)",
                start.elapsed().as_secs_f64()
            );
            recent.clear();
        }
    }
    println!(
        "trained {steps} steps in {:.1} s\n",
        start.elapsed().as_secs_f64()
    );
    println!("{}", sample(&model, &corpus, "Anne ", 300, 0.8)?);
    Ok(())
}
