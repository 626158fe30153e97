//! One direction of an LSTM layer as two kernels: the whole time loop forward, and its adjoint
//! (backpropagation through time). Each step is the product of the previous hidden state with
//! the hidden weights, added to the step's slice of the input's projection, then the cell of
//! `recurrent.rs`; run here, a sequence costs one kernel call instead of two recorded ops and
//! their nodes per step (PyTorch's float32 CPU LSTM is one oneDNN layer the same way).
//!
//! The forward reads the weights as `W_hhᵀ`, transposed once per call into a row-major copy
//! (read transposed at every step, the product repacks them each time). The adjoint reads
//! `W_hh` as it is, and makes the weights' gradient as one product over the whole sequence
//! after the loop instead of one per step.

use std::ops::Range;

use super::matmul::{product_into, MatmulElement, Transposed};
use super::recurrent::{lstm_step_adjoint, with_gate, Activations, Gate, LstmStep};
use super::transpose::transpose_into;
use crate::array::{alloc, DType, NdArray};
use crate::error::{Error, Result};
use crate::kernels::parallel;

/// The sizes of one layer: `steps` time steps of `batch` rows of `hidden` features, run from
/// the last step to the first when `reverse`.
#[derive(Clone, Copy, Debug)]
struct Geometry {
    steps: usize,
    batch: usize,
    hidden: usize,
    reverse: bool,
}

impl Geometry {
    /// The geometry of a projection `(T, B, 4H)` and hidden weights `(4H, H)`.
    fn of(projected: &NdArray, weight: &NdArray, reverse: bool) -> Result<Geometry> {
        match (projected.shape(), weight.shape()) {
            (&[steps, batch, gates], &[rows, hidden]) if gates == 4 * hidden && rows == gates => {
                Ok(Geometry {
                    steps,
                    batch,
                    hidden,
                    reverse,
                })
            }
            (p, w) => Err(Error::Shape(format!(
                "lstm_layer: a projection of shape {p:?} does not fit hidden weights of shape {w:?}"
            ))),
        }
    }

    /// Elements of one step's state `(B, H)`.
    fn state(&self) -> usize {
        self.batch * self.hidden
    }

    /// Elements of one step's gates `(B, 4H)`.
    fn gates(&self) -> usize {
        4 * self.state()
    }

    /// The time steps in the order the forward pass runs them.
    fn order(&self) -> Box<dyn DoubleEndedIterator<Item = usize>> {
        if self.reverse {
            Box::new((0..self.steps).rev())
        } else {
            Box::new(0..self.steps)
        }
    }

    /// The step run just before step `t` (`None` for the first, which starts from `h0`, `c0`).
    fn previous(&self, t: usize) -> Option<usize> {
        if self.reverse {
            (t + 1 < self.steps).then_some(t + 1)
        } else {
            t.checked_sub(1)
        }
    }

    /// The step run last (whose state is the layer's final state).
    fn last(&self) -> usize {
        if self.reverse {
            0
        } else {
            self.steps - 1
        }
    }

    /// Whether there is nothing to compute (every result is empty or zero).
    fn is_empty(&self) -> bool {
        self.steps == 0 || self.state() == 0
    }
}

/// State `read` (of `len` elements) of `states` to read, and state `write` to overwrite.
fn read_and_write<T>(states: &mut [T], read: usize, write: usize, len: usize) -> (&[T], &mut [T]) {
    if read < write {
        let (head, tail) = states.split_at_mut(write * len);
        (&head[read * len..(read + 1) * len], &mut tail[..len])
    } else {
        let (head, tail) = states.split_at_mut(read * len);
        (&tail[..len], &mut head[write * len..(write + 1) * len])
    }
}

/// The number of elements an LSTM layer's flat result holds besides its outputs when it keeps
/// its activations: every step's cell state and `tanh` of it `(T, B, H)` each, and its
/// activated gates `(T, B, 4H)`.
pub fn lstm_layer_kept_len(steps: usize, batch: usize, hidden: usize) -> usize {
    6 * steps * batch * hidden
}

/// Into how many parts a layer's batch is cut, each part's rows run as one task through every
/// step (the rows of a batch never meet in an LSTM): one per thread the kernel may use, when the
/// layer's products are worth splitting.
pub fn lstm_layer_parts(steps: usize, batch: usize, hidden: usize) -> usize {
    let work = steps * batch * 4 * hidden * hidden;
    if parallel::should_parallelize(work) {
        parallel::num_threads().clamp(1, batch.max(1))
    } else {
        1
    }
}

/// The rows of each of `parts` parts of a batch of `batch` rows, in order, as even as can be.
fn row_ranges(batch: usize, parts: usize) -> Vec<Range<usize>> {
    let parts = parts.clamp(1, batch.max(1));
    (0..parts)
        .map(|p| p * batch / parts..(p + 1) * batch / parts)
        .collect()
}

/// Each part's rows of every step of `all`, laid out `(T, B, width)`: `pieces[part][step]`.
fn step_pieces<'a, T>(
    all: &'a mut [T],
    ranges: &[Range<usize>],
    width: usize,
) -> Vec<Vec<&'a mut [T]>> {
    let batch = ranges.last().map_or(0, |r| r.end);
    let mut pieces: Vec<Vec<&mut [T]>> = ranges.iter().map(|_| Vec::new()).collect();
    for mut step in all.chunks_mut(batch * width) {
        for (range, part) in ranges.iter().zip(pieces.iter_mut()) {
            let (piece, rest) = step.split_at_mut(range.len() * width);
            part.push(piece);
            step = rest;
        }
    }
    pieces
}

/// Each part's rows of `all`, laid out `(B, width)`.
fn row_pieces<'a, T>(
    mut all: &'a mut [T],
    ranges: &[Range<usize>],
    width: usize,
) -> Vec<&'a mut [T]> {
    ranges
        .iter()
        .map(|range| {
            let (piece, rest) = std::mem::take(&mut all).split_at_mut(range.len() * width);
            all = rest;
            piece
        })
        .collect()
}

/// A part's block of the kept activations (laid out part after part, each part's steps one
/// after the other): its cell states `(T, r, H)`, activated gates `(T, r, 4H)` and `tanh` of
/// its cell states `(T, r, H)` for its `r` rows.
fn kept_block<'a, T>(
    kept: &'a [T],
    g: &Geometry,
    rows: &Range<usize>,
) -> (&'a [T], &'a [T], &'a [T]) {
    let unit = g.steps * g.hidden;
    let block = &kept[6 * unit * rows.start..6 * unit * rows.end];
    let (cells, rest) = block.split_at(unit * rows.len());
    let (act, tanh) = rest.split_at(4 * unit * rows.len());
    (cells, act, tanh)
}

/// [`kept_block`] to write.
fn kept_block_mut<'a, T>(
    kept: &'a mut [T],
    g: &Geometry,
    ranges: &[Range<usize>],
) -> Vec<[&'a mut [T]; 3]> {
    let unit = g.steps * g.hidden;
    row_pieces(kept, ranges, 6 * unit)
        .into_iter()
        .zip(ranges)
        .map(|(block, rows)| {
            let (cells, rest) = block.split_at_mut(unit * rows.len());
            let (act, tanh) = rest.split_at_mut(4 * unit * rows.len());
            [cells, act, tanh]
        })
        .collect()
}

/// Runs `run` on every part, as tasks on the pool when there are several.
fn run_parts<P: Send>(parts: &mut [P], cost: usize, run: impl Fn(&mut P) + Sync) {
    parallel::for_each_chunk_costed(parts, 1, cost, |_, chunk| chunk.iter_mut().for_each(&run));
}

/// An LSTM layer's forward pass: from `x = [projected (T, B, 4H), h0 (B, H), c0 (B, H), w_hh
/// (4H, H)]` the flat array `[outputs (T, B, H) | final h (B, H) | final c (B, H)]`, followed
/// with `keep_activations` by what [`lstm_layer_backward`] needs (the cell states, activated
/// gates and `tanh` of the cell states of every step; see [`kept_block`]), kept as the batch
/// was cut into `parts`. The projection holds both biases.
pub fn lstm_layer(
    x: &[&NdArray],
    reverse: bool,
    keep_activations: bool,
    parts: usize,
) -> Result<NdArray> {
    let [projected, h0, c0, weight] = x else {
        return Err(Error::Autograd(
            "internal error: lstm_layer's operands".into(),
        ));
    };
    let g = Geometry::of(projected, weight, reverse)?;
    let kept = if keep_activations {
        lstm_layer_kept_len(g.steps, g.batch, g.hidden)
    } else {
        0
    };
    let len = (g.steps + 2) * g.state() + kept;
    if g.is_empty() {
        return Ok(NdArray::zeros(&[len], projected.dtype()));
    }
    with_gate!(projected.dtype(), "lstm_layer", T => {
        let [p, h0, c0, w] = [projected, h0, c0, weight].map(|a| a.as_slice::<T>());
        let mut out = alloc::zeroed::<T>(len)?;
        forward_typed(g, (p?, h0?, c0?, w?), &mut out, keep_activations, parts)?;
        NdArray::from_vec(out, &[len])
    })
}

/// What every part of a forward pass reads.
struct ForwardShared<'a, T> {
    g: Geometry,
    projected: &'a [T],
    c0: &'a [T],
    /// `W_hhᵀ`, row-major `(H, 4H)`.
    weight_t: &'a [T],
    acts: Activations<T>,
    /// Whether a part's product may use the pool itself (a single part).
    threads: bool,
}

/// One part's rows through a forward pass: where it writes and its scratch.
struct ForwardPart<'a, T> {
    rows: Range<usize>,
    outputs: Vec<&'a mut [T]>,
    final_h: &'a mut [T],
    final_c: &'a mut [T],
    /// Cell states, activated gates, `tanh` of the cell states: the kept block, or scratch
    /// (one step's gates, no `tanh`) when nothing is kept.
    kept: [&'a mut [T]; 3],
    keep: bool,
    gates: Vec<T>,
    h: Vec<T>,
}

/// [`lstm_layer`] into `out` (laid out as it describes).
fn forward_typed<T: Gate + MatmulElement>(
    g: Geometry,
    (projected, h0, c0, weight): (&[T], &[T], &[T], &[T]),
    out: &mut [T],
    keep: bool,
    parts: usize,
) -> Result<()> {
    let (s, h) = (g.state(), g.hidden);
    let ranges = row_ranges(g.batch, parts);
    let (outputs, rest) = out.split_at_mut(g.steps * s);
    let (final_h, rest) = rest.split_at_mut(s);
    let (final_c, kept) = rest.split_at_mut(s);
    let mut scratch = if keep {
        Vec::new()
    } else {
        alloc::zeroed::<T>(5 * g.steps * s)?
    };
    let blocks = if keep {
        kept_block_mut(kept, &g, &ranges)
    } else {
        // Without a backward pass to come, every step's cell state and one step's gates.
        let mut blocks = Vec::new();
        for piece in row_pieces(&mut scratch, &ranges, 5 * g.steps * h) {
            let (cells, act) = piece.split_at_mut(piece.len() / 5);
            blocks.push([cells, act, &mut [][..]]);
        }
        blocks
    };
    let mut weight_t = alloc::zeroed::<T>(weight.len())?;
    // SAFETY: `weight_t` has `4H·H` elements, the size of the transposed matrix.
    unsafe { transpose_into(weight, [4 * h, h], weight_t.as_mut_ptr(), false) };
    let shared = ForwardShared {
        g,
        projected,
        c0,
        weight_t: &weight_t,
        acts: Activations::<T>::new()?,
        threads: ranges.len() == 1,
    };
    let mut jobs = Vec::with_capacity(ranges.len());
    let pieces = step_pieces(outputs, &ranges, h);
    let finals = row_pieces(final_h, &ranges, h)
        .into_iter()
        .zip(row_pieces(final_c, &ranges, h));
    for (((rows, outputs), (final_h, final_c)), kept) in
        ranges.iter().zip(pieces).zip(finals).zip(blocks)
    {
        jobs.push(ForwardPart {
            gates: alloc::zeroed::<T>(4 * rows.len() * h)?,
            h: h0[rows.start * h..rows.end * h].to_vec(),
            rows: rows.clone(),
            outputs,
            final_h,
            final_c,
            kept,
            keep,
        });
    }
    run_parts(&mut jobs, g.steps * (s / ranges.len()) * 4 * h, |part| {
        forward_part(&shared, part)
    });
    Ok(())
}

/// One part's rows through every step of the forward pass.
fn forward_part<T: Gate + MatmulElement>(sh: &ForwardShared<'_, T>, part: &mut ForwardPart<'_, T>) {
    let (g, h, rows) = (sh.g, sh.g.hidden, part.rows.clone());
    let (s, width) = (rows.len() * h, 4 * rows.len() * h);
    let [cells, act_all, tanh_all] = &mut part.kept;
    for t in g.order() {
        let previous = g.previous(t);
        let start = (t * g.batch + rows.start) * 4 * h;
        part.gates
            .copy_from_slice(&sh.projected[start..start + width]);
        let sizes = [rows.len(), h, 4 * h];
        let operands = (&part.h[..], sh.weight_t);
        product_into(
            &mut part.gates,
            true,
            operands,
            Transposed::default(),
            sizes,
            sh.threads,
        );
        let (c_prev, cell) = match previous {
            Some(p) => read_and_write(cells, p, t, s),
            None => (
                &sh.c0[rows.start * h..rows.end * h],
                &mut cells[t * s..(t + 1) * s],
            ),
        };
        let act = if part.keep {
            &mut act_all[t * width..(t + 1) * width]
        } else {
            &mut act_all[..width]
        };
        let step = LstmStep {
            hidden: &mut part.outputs[t][..],
            cell,
            act,
            tanh_cell: part.keep.then(|| &mut tanh_all[t * s..(t + 1) * s]),
        };
        sh.acts.lstm_step(&part.gates, c_prev, h, step);
        part.h.copy_from_slice(part.outputs[t]);
    }
    part.final_h.copy_from_slice(&part.h);
    part.final_c
        .copy_from_slice(&cells[g.last() * s..(g.last() + 1) * s]);
}

/// The adjoint of [`lstm_layer`] (whose forward pass cut the batch into `parts`): from
/// `x = [kept, outputs (T, B, H), h0, c0, w_hh, grad of the outputs (T, B, H), grad of the
/// final h, grad of the final c]` (`kept`: the activations the forward pass kept), the flat
/// array `[grad of the projection (T, B, 4H) | grad of h0 (B, H) | grad of c0 (B, H) | grad
/// of w_hh (4H, H)]`.
pub fn lstm_layer_backward(x: &[&NdArray], reverse: bool, parts: usize) -> Result<NdArray> {
    let [kept, outputs, h0, c0, weight, g_out, g_h, g_c] = x else {
        return Err(Error::Autograd(
            "internal error: lstm_layer's adjoint operands".into(),
        ));
    };
    let (steps, batch, hidden) = match outputs.shape() {
        &[t, b, h] => (t, b, h),
        other => {
            return Err(Error::Shape(format!(
                "lstm_layer backward: expected outputs (T, B, H), got shape {other:?}"
            )))
        }
    };
    let g = Geometry {
        steps,
        batch,
        hidden,
        reverse,
    };
    let len = steps * g.gates() + 2 * g.state() + 4 * hidden * hidden;
    if g.is_empty() {
        return Ok(NdArray::zeros(&[len], outputs.dtype()));
    }
    with_gate!(outputs.dtype(), "lstm_layer", T => {
        let [kept, outputs, h0, c0, weight, g_out, g_h, g_c] =
            [kept, outputs, h0, c0, weight, g_out, g_h, g_c].map(|a| a.as_slice::<T>());
        let forward = (kept?, outputs?, h0?, c0?, weight?);
        let grads = (g_out?, g_h?, g_c?);
        let mut out = alloc::zeroed::<T>(len)?;
        backward_typed(g, forward, grads, &mut out, parts)?;
        NdArray::from_vec(out, &[len])
    })
}

/// The forward pass's values the adjoint reads: kept activations, outputs, h0, c0, w_hh.
type ForwardValues<'a, T> = (&'a [T], &'a [T], &'a [T], &'a [T], &'a [T]);

/// What every part of an adjoint reads.
struct BackwardShared<'a, T> {
    g: Geometry,
    kept: &'a [T],
    c0: &'a [T],
    weight: &'a [T],
    g_out: &'a [T],
    g_h: &'a [T],
    g_c: &'a [T],
    threads: bool,
}

/// One part's rows through the adjoint: where it writes and its scratch.
struct BackwardPart<'a, T> {
    rows: Range<usize>,
    d_gates: Vec<&'a mut [T]>,
    d_h0: &'a mut [T],
    d_c0: &'a mut [T],
    d_h: Vec<T>,
    d_c_prev: Vec<T>,
}

/// [`lstm_layer_backward`] into `out` (laid out as it describes).
fn backward_typed<T: Gate + MatmulElement>(
    g: Geometry,
    (kept, outputs, h0, c0, weight): ForwardValues<'_, T>,
    (g_out, g_h, g_c): (&[T], &[T], &[T]),
    out: &mut [T],
    parts: usize,
) -> Result<()> {
    let (s, h, n) = (g.state(), g.hidden, g.steps);
    let ranges = row_ranges(g.batch, parts);
    let (d_inputs, d_weight) = out.split_at_mut(n * g.gates() + 2 * s);
    let (d_projected, rest) = d_inputs.split_at_mut(n * g.gates());
    let (d_h0, d_c0) = rest.split_at_mut(s);
    let shared = BackwardShared {
        g,
        kept,
        c0,
        weight,
        g_out,
        g_h,
        g_c,
        threads: ranges.len() == 1,
    };
    let mut jobs = Vec::with_capacity(ranges.len());
    let pieces = step_pieces(d_projected, &ranges, 4 * h);
    let states = row_pieces(d_h0, &ranges, h)
        .into_iter()
        .zip(row_pieces(d_c0, &ranges, h));
    for ((rows, d_gates), (d_h0, d_c0)) in ranges.iter().zip(pieces).zip(states) {
        jobs.push(BackwardPart {
            d_h: alloc::zeroed::<T>(rows.len() * h)?,
            d_c_prev: alloc::zeroed::<T>(rows.len() * h)?,
            rows: rows.clone(),
            d_gates,
            d_h0,
            d_c0,
        });
    }
    run_parts(&mut jobs, n * (s / ranges.len()) * 4 * h, |part| {
        backward_part(&shared, part)
    });
    drop(jobs);
    // grad W_hh = Σ_t d_gates(t)ᵀ · h_prev(t): the first step's with h0, then the others' as
    // one product, their previous states being the outputs shifted by one step.
    let d_projected = &d_inputs[..n * g.gates()];
    let read_a = Transposed { a: true, b: false };
    let first = g.order().next().unwrap_or(0);
    let first_gates = &d_projected[first * g.gates()..(first + 1) * g.gates()];
    product_into(
        d_weight,
        false,
        (first_gates, h0),
        read_a,
        [4 * h, g.batch, h],
        true,
    );
    if n > 1 {
        let rows = (n - 1) * s;
        let (later_gates, previous) = if g.reverse {
            (&d_projected[..(n - 1) * g.gates()], &outputs[s..])
        } else {
            (&d_projected[g.gates()..], &outputs[..rows])
        };
        let sizes = [4 * h, (n - 1) * g.batch, h];
        product_into(d_weight, true, (later_gates, previous), read_a, sizes, true);
    }
    Ok(())
}

/// One part's rows back through every step: the gradients of its gates, h0 and c0 rows.
fn backward_part<T: Gate + MatmulElement>(
    sh: &BackwardShared<'_, T>,
    part: &mut BackwardPart<'_, T>,
) {
    let (g, h, rows) = (sh.g, sh.g.hidden, part.rows.clone());
    let (s, width) = (rows.len() * h, 4 * rows.len() * h);
    let (cells, act, tanh) = kept_block(sh.kept, &g, &rows);
    let own = rows.start * h..rows.end * h;
    // `d_h0` holds the gradient reaching the previous step's hidden state through the product
    // until the loop is done, when that step is h0; `d_c0` likewise for the cell state.
    part.d_h0.copy_from_slice(&sh.g_h[own.clone()]);
    part.d_c0.copy_from_slice(&sh.g_c[own.clone()]);
    for t in g.order().rev() {
        let start = (t * g.batch + rows.start) * h;
        let g_out = &sh.g_out[start..start + s];
        for ((d, &a), &b) in part.d_h.iter_mut().zip(g_out).zip(part.d_h0.iter()) {
            *d = a + b;
        }
        let c_prev = g
            .previous(t)
            .map_or(&sh.c0[own.clone()], |p| &cells[p * s..(p + 1) * s]);
        let d_gates = &mut part.d_gates[t][..];
        let activations = (&act[t * width..(t + 1) * width], &tanh[t * s..(t + 1) * s]);
        let grads = (&part.d_h[..], &part.d_c0[..]);
        lstm_step_adjoint(activations, c_prev, grads, h, (d_gates, &mut part.d_c_prev));
        part.d_c0.copy_from_slice(&part.d_c_prev);
        let sizes = [rows.len(), 4 * h, h];
        let operands = (&part.d_gates[t][..], sh.weight);
        product_into(
            part.d_h0,
            false,
            operands,
            Transposed::default(),
            sizes,
            sh.threads,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::cpu::recurrent::{lstm_cell, lstm_cell_backward};

    fn values(n: usize, seed: usize) -> Vec<f64> {
        (0..n)
            .map(|i| ((i * 7 + seed * 13) % 17) as f64 * 0.15 - 1.2)
            .collect()
    }

    fn array(shape: &[usize], seed: usize) -> NdArray {
        NdArray::from_vec(values(shape.iter().product(), seed), shape).unwrap()
    }

    fn f64s(a: &NdArray) -> Vec<f64> {
        a.as_slice::<f64>().unwrap().to_vec()
    }

    /// `[projected, h0, c0, w_hh]` and `[grad of outputs, of h, of c]` of a small layer.
    fn operands([t, b, h]: [usize; 3]) -> ([NdArray; 4], [NdArray; 3]) {
        let inputs = [
            array(&[t, b, 4 * h], 1),
            array(&[b, h], 2),
            array(&[b, h], 3),
            array(&[4 * h, h], 4),
        ];
        let grads = [array(&[t, b, h], 5), array(&[b, h], 6), array(&[b, h], 7)];
        (inputs, grads)
    }

    /// The forward pass and the gradients computed a step at a time with the cell kernels and
    /// products summed term by term: `[outputs, h, c, d projected, d h0, d c0, d w_hh]`.
    fn step_by_step([t, b, h]: [usize; 3], reverse: bool) -> Vec<Vec<f64>> {
        let ([p, h0, c0, w], [g_out, g_h, g_c]) = operands([t, b, h]);
        let (p, w, g_out) = (f64s(&p), f64s(&w), f64s(&g_out));
        let order: Vec<usize> = if reverse {
            (0..t).rev().collect()
        } else {
            (0..t).collect()
        };
        let (mut hs, mut cs) = (f64s(&h0), f64s(&c0));
        let mut outputs = vec![0.0; t * b * h];
        let mut saved = Vec::new();
        for &step in &order {
            let mut gates = p[step * b * 4 * h..(step + 1) * b * 4 * h].to_vec();
            for row in 0..b {
                for j in 0..4 * h {
                    gates[row * 4 * h + j] +=
                        (0..h).map(|k| hs[row * h + k] * w[j * h + k]).sum::<f64>();
                }
            }
            let gates = NdArray::from_vec(gates, &[b, 4 * h]).unwrap();
            let c = NdArray::from_vec(cs.clone(), &[b, h]).unwrap();
            let flat = f64s(&lstm_cell(&gates, &c, true).unwrap());
            outputs[step * b * h..(step + 1) * b * h].copy_from_slice(&flat[..b * h]);
            saved.push((
                step,
                hs.clone(),
                c,
                NdArray::from_vec(flat[2 * b * h..].to_vec(), &[5 * b * h]).unwrap(),
            ));
            hs = flat[..b * h].to_vec();
            cs = flat[b * h..2 * b * h].to_vec();
        }
        let (mut d_h_next, mut d_c) = (f64s(&g_h), f64s(&g_c));
        let mut d_p = vec![0.0; t * b * 4 * h];
        let mut d_w = vec![0.0; 4 * h * h];
        for (step, h_prev, c_prev, kept) in saved.into_iter().rev() {
            let d_h: Vec<f64> = (0..b * h)
                .map(|i| g_out[step * b * h + i] + d_h_next[i])
                .collect();
            let gh = NdArray::from_vec(d_h, &[b, h]).unwrap();
            let gc = NdArray::from_vec(d_c.clone(), &[b, h]).unwrap();
            let flat = f64s(&lstm_cell_backward(&kept, &c_prev, &gh, &gc).unwrap());
            let d_gates = &flat[..b * 4 * h];
            d_p[step * b * 4 * h..(step + 1) * b * 4 * h].copy_from_slice(d_gates);
            d_c = flat[b * 4 * h..].to_vec();
            for row in 0..b {
                for k in 0..h {
                    d_h_next[row * h + k] = (0..4 * h)
                        .map(|j| d_gates[row * 4 * h + j] * w[j * h + k])
                        .sum();
                }
            }
            for j in 0..4 * h {
                for k in 0..h {
                    d_w[j * h + k] += (0..b)
                        .map(|row| d_gates[row * 4 * h + j] * h_prev[row * h + k])
                        .sum::<f64>();
                }
            }
        }
        let last = if reverse { 0 } else { t - 1 };
        let final_h = outputs[last * b * h..(last + 1) * b * h].to_vec();
        vec![outputs, final_h, cs, d_p, d_h_next, d_c, d_w]
    }

    /// The layer's kernels with the batch cut into `parts`, in the same order.
    fn layer([t, b, h]: [usize; 3], reverse: bool, parts: usize) -> Vec<Vec<f64>> {
        let ([p, h0, c0, w], [g_out, g_h, g_c]) = operands([t, b, h]);
        let flat = f64s(&lstm_layer(&[&p, &h0, &c0, &w], reverse, true, parts).unwrap());
        let (s, kept_at) = (b * h, (t + 2) * b * h);
        let kept = NdArray::from_vec(flat[kept_at..].to_vec(), &[flat.len() - kept_at]).unwrap();
        let outputs = NdArray::from_vec(flat[..t * s].to_vec(), &[t, b, h]).unwrap();
        let x = [&kept, &outputs, &h0, &c0, &w, &g_out, &g_h, &g_c];
        let grads = f64s(&lstm_layer_backward(&x, reverse, parts).unwrap());
        let ends = [t * s, (t + 1) * s, (t + 2) * s];
        let grad_ends = [t * 4 * s, t * 4 * s + s, t * 4 * s + 2 * s, grads.len()];
        vec![
            flat[..ends[0]].to_vec(),
            flat[ends[0]..ends[1]].to_vec(),
            flat[ends[1]..ends[2]].to_vec(),
            grads[..grad_ends[0]].to_vec(),
            grads[grad_ends[0]..grad_ends[1]].to_vec(),
            grads[grad_ends[1]..grad_ends[2]].to_vec(),
            grads[grad_ends[2]..].to_vec(),
        ]
    }

    #[test]
    fn layer_matches_the_cells_step_by_step() {
        for sizes in [[1, 1, 1], [4, 3, 2], [5, 2, 3]] {
            for reverse in [false, true] {
                let want = step_by_step(sizes, reverse);
                let got = layer(sizes, reverse, 1);
                for (part, (a, b)) in got.iter().zip(&want).enumerate() {
                    assert_eq!(a.len(), b.len(), "{sizes:?} reverse {reverse} part {part}");
                    for (x, y) in a.iter().zip(b) {
                        assert!(
                            (x - y).abs() <= 1e-12 * (1.0 + y.abs()),
                            "{sizes:?} {reverse} part {part}: {x} vs {y}"
                        );
                    }
                }
            }
        }
    }

    /// Cutting the batch changes which task computes a row, not its value.
    #[test]
    fn parts_do_not_change_the_results() {
        for reverse in [false, true] {
            let whole = layer([4, 5, 3], reverse, 1);
            for parts in [2, 3, 5, 9] {
                assert_eq!(layer([4, 5, 3], reverse, parts), whole, "{parts} parts");
                // Without kept activations (no backward pass to come), the same outputs.
                let ([p, h0, c0, w], _) = operands([4, 5, 3]);
                let flat = lstm_layer(&[&p, &h0, &c0, &w], reverse, false, parts).unwrap();
                assert_eq!(
                    f64s(&flat),
                    whole[..3].concat(),
                    "{parts} parts, nothing kept"
                );
            }
        }
    }

    #[test]
    fn mismatched_weights_are_refused() {
        let ([p, h0, c0, _], _) = operands([2, 2, 3]);
        let w = array(&[12, 2], 4);
        assert!(lstm_layer(&[&p, &h0, &c0, &w], false, false, 1).is_err());
    }
}
