//! CPU kernels for the pointwise part of one recurrent time step: the LSTM and GRU cells, given
//! the gates' pre-activations (the matrix products are done before, by `matmul`), and their
//! adjoints. Rows are batch entries; each row holds the gates side by side, `hidden` wide each,
//! in PyTorch's order (LSTM: input, forget, cell, output; GRU: reset, update, new).
//!
//! The transcendentals go through the `vecmath` slice kernels (the ones `sigmoid` and `tanh`
//! use, vectorised for the widest instruction set present), gate by gate into scratch rows; the
//! rest is arithmetic in plain loops over equal-length slices, which the compiler vectorises.
//! Calling the one-element functions inside a single loop instead would run them one lane at a
//! time, several times slower than the unfused ops.
//!
//! A recorded step keeps its activations for its adjoint (the LSTM its activated gates and
//! `tanh(c')`, the GRU `r`, `z`, `n`; PyTorch's fused cells keep such a workspace too), so the
//! backward pass is arithmetic only: recomputing them cost as many transcendentals as the step.

use std::mem::MaybeUninit;
use std::ops::{Add, Mul, MulAssign, Sub};

use crate::array::{alloc, DType, Element, NdArray};
use crate::error::{Error, Result};
use crate::kernels::vecmath::{kernel_f32, kernel_f64, Isa, SliceKernel};
use crate::kernels::UnaryOp;

/// The floating element types the cells compute in.
pub(super) trait Gate:
    Element + Copy + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self> + MulAssign
{
    const ONE: Self;
    fn kernel(op: UnaryOp) -> Option<SliceKernel<Self>>;
}

impl Gate for f32 {
    const ONE: f32 = 1.0;
    fn kernel(op: UnaryOp) -> Option<SliceKernel<f32>> {
        kernel_f32(op)
    }
}

impl Gate for f64 {
    const ONE: f64 = 1.0;
    fn kernel(op: UnaryOp) -> Option<SliceKernel<f64>> {
        kernel_f64(op)
    }
}

/// The logistic function and `tanh` over slices.
pub(super) struct Activations<T> {
    isa: Isa,
    sigmoid: SliceKernel<T>,
    tanh: SliceKernel<T>,
}

impl<T: Gate> Activations<T> {
    pub(super) fn new() -> Result<Self> {
        match (T::kernel(UnaryOp::Sigmoid), T::kernel(UnaryOp::Tanh)) {
            (Some(sigmoid), Some(tanh)) => Ok(Activations {
                isa: Isa::best(),
                sigmoid,
                tanh,
            }),
            _ => Err(Error::Unsupported(
                "internal error: no vector sigmoid/tanh for a recurrent cell".into(),
            )),
        }
    }

    fn apply(&self, kernel: SliceKernel<T>, x: &[T], out: &mut [T]) {
        // SAFETY: `MaybeUninit<T>` has `T`'s layout, and a slice kernel writes every element of
        // its output, so `out` only ever holds initialised values.
        let out = unsafe { &mut *(out as *mut [T] as *mut [MaybeUninit<T>]) };
        kernel(self.isa, x, out)
    }

    fn sigmoid(&self, x: &[T], out: &mut [T]) {
        self.apply(self.sigmoid, x, out)
    }

    fn tanh(&self, x: &[T], out: &mut [T]) {
        self.apply(self.tanh, x, out)
    }

    /// The LSTM's activated gates into `act` `(B, 4H)`: σ of the input, forget and output
    /// gates, `tanh` of the cell gate.
    fn lstm_gates(&self, x: &[T], h: usize, act: &mut [T]) {
        self.sigmoid(x, act);
        for (xr, ar) in x.chunks_exact(4 * h).zip(act.chunks_exact_mut(4 * h)) {
            self.tanh(&xr[2 * h..3 * h], &mut ar[2 * h..3 * h]);
        }
    }

    /// One LSTM step: from the gates' pre-activations `x` `(B, 4H)` and the cell state `c`
    /// `(B, H)`, the new hidden and cell states and the activations into `out`.
    pub(super) fn lstm_step(&self, x: &[T], c: &[T], h: usize, out: LstmStep<'_, T>) {
        let LstmStep {
            hidden,
            cell,
            act,
            tanh_cell,
        } = out;
        self.lstm_gates(x, h, act);
        lstm_state(act, c, h, cell);
        self.tanh(cell, hidden);
        if let Some(kept) = tanh_cell {
            kept.copy_from_slice(hidden);
        }
        for (hr, ar) in hidden.chunks_exact_mut(h).zip(act.chunks_exact(4 * h)) {
            let o = &ar[3 * h..];
            for j in 0..h {
                hr[j] *= o[j];
            }
        }
    }

    /// The GRU's gates from the two projections: `(r, z)` into `rz` `(B, 2H)`, `n` into `n`
    /// `(B, H)`.
    fn gru_gates(&self, x: &[T], y: &[T], w: usize, rz: &mut [T], n: &mut [T]) -> Result<()> {
        let b = x.len() / (3 * w).max(1);
        let mut pre = alloc::zeroed::<T>(2 * b * w)?;
        for ((p, xr), yr) in pre
            .chunks_exact_mut(2 * w)
            .zip(x.chunks_exact(3 * w))
            .zip(y.chunks_exact(3 * w))
        {
            for ((p, &a), &c) in p.iter_mut().zip(&xr[..2 * w]).zip(&yr[..2 * w]) {
                *p = a + c;
            }
        }
        self.sigmoid(&pre, rz);
        let pre_n = &mut pre[..b * w];
        for (((p, xr), yr), rzr) in pre_n
            .chunks_exact_mut(w)
            .zip(x.chunks_exact(3 * w))
            .zip(y.chunks_exact(3 * w))
            .zip(rz.chunks_exact(2 * w))
        {
            let (xn, yn, r) = (&xr[2 * w..], &yr[2 * w..], &rzr[..w]);
            for j in 0..w {
                p[j] = xn[j] + r[j] * yn[j];
            }
        }
        self.tanh(pre_n, n);
        Ok(())
    }
}

macro_rules! with_gate {
    ($dtype:expr, $op:expr, $T:ident => $body:expr) => {
        match $dtype {
            DType::Float32 => {
                type $T = f32;
                $body
            }
            DType::Float64 => {
                type $T = f64;
                $body
            }
            other => Err(Error::expected_float($op, other)),
        }
    };
}
pub(super) use with_gate;

/// Where one LSTM step writes (each `(B, H)` but the gates): the new hidden state `o·tanh(c')`,
/// the new cell state `c' = f·c + i·g`, the activated gates `(B, 4H)` (σ of i, f, o and `tanh`
/// of g, in the gates' order) and, when its adjoint will run, `tanh(c')`.
pub(super) struct LstmStep<'a, T> {
    pub(super) hidden: &'a mut [T],
    pub(super) cell: &'a mut [T],
    pub(super) act: &'a mut [T],
    pub(super) tanh_cell: Option<&'a mut [T]>,
}

/// The batch size and hidden width of cells whose state `state` is `(batch, hidden)`.
fn batch_hidden(state: &NdArray) -> (usize, usize) {
    (state.shape()[0], state.shape()[1])
}

/// `c' = f·c + i·g` row by row into `c1`, from the activated gates.
fn lstm_state<T: Gate>(act: &[T], c: &[T], h: usize, c1: &mut [T]) {
    for ((out, ar), c0) in c1
        .chunks_exact_mut(h)
        .zip(act.chunks_exact(4 * h))
        .zip(c.chunks_exact(h))
    {
        let (i, f, z) = (&ar[..h], &ar[h..2 * h], &ar[2 * h..3 * h]);
        for j in 0..h {
            out[j] = f[j] * c0[j] + i[j] * z[j];
        }
    }
}

/// `LSTM` cell: from `gates` `(B, 4H)` and the cell state `c` `(B, H)`, the flat array holding
/// the new hidden state `o·tanh(c')` `(B, H)` and the new cell state `c' = f·c + i·g` `(B, H)`.
/// With `keep_activations` they are followed by what [`lstm_cell_backward`] needs: the
/// activated gates `(B, 4H)` (σ of i, f, o and `tanh` of g, in the gates' order) and
/// `tanh(c')` `(B, H)`, so that the backward pass takes no transcendental again.
pub fn lstm_cell(gates: &NdArray, c: &NdArray, keep_activations: bool) -> Result<NdArray> {
    let (b, h) = batch_hidden(c);
    let n = b * h;
    let len = if keep_activations { 7 * n } else { 2 * n };
    if h == 0 {
        return Ok(NdArray::zeros(&[len], gates.dtype()));
    }
    with_gate!(gates.dtype(), "lstm_cell", T => {
        let (x, c) = (gates.as_slice::<T>()?, c.as_slice::<T>()?);
        let mut out = alloc::zeroed::<T>(len)?;
        let (hidden, rest) = out.split_at_mut(n);
        let (cell, kept) = rest.split_at_mut(n);
        let (kept_act, kept_tanh) = kept.split_at_mut(kept.len().min(4 * n));
        let mut scratch;
        let (act, tanh_cell) = if keep_activations {
            (kept_act, Some(kept_tanh))
        } else {
            scratch = alloc::zeroed::<T>(4 * n)?;
            (&mut scratch[..], None)
        };
        let step = LstmStep {
            hidden,
            cell,
            act,
            tanh_cell,
        };
        Activations::<T>::new()?.lstm_step(x, c, h, step);
        NdArray::from_vec(out, &[len])
    })
}

/// The adjoint of [`lstm_cell`] from the activations it kept (`kept`: the activated gates
/// `(B, 4H)` then `tanh(c')` `(B, H)`): given the cell state `c` and the gradients `gh`, `gc`
/// of its two outputs, the flat array `[grad of gates (B·4H) | grad of c (B·H)]`.
pub fn lstm_cell_backward(
    kept: &NdArray,
    c: &NdArray,
    gh: &NdArray,
    gc: &NdArray,
) -> Result<NdArray> {
    let (b, h) = batch_hidden(c);
    if h == 0 {
        return Ok(NdArray::zeros(&[0], c.dtype()));
    }
    with_gate!(c.dtype(), "lstm_cell", T => {
        let (act, t) = kept.as_slice::<T>()?.split_at(4 * b * h);
        let (c, gh, gc) = (c.as_slice::<T>()?, gh.as_slice::<T>()?, gc.as_slice::<T>()?);
        let mut out = alloc::zeroed::<T>(5 * b * h)?;
        let (dgates, dc) = out.split_at_mut(4 * b * h);
        lstm_step_adjoint((act, t), c, (gh, gc), h, (dgates, dc));
        NdArray::from_vec(out, &[5 * b * h])
    })
}

/// The adjoint of one LSTM step from its activations (`act` `(B, 4H)`, `tanh(c')` `(B, H)`),
/// its cell state `c` and the gradients `gh`, `gc` of its outputs: the gradient of its gates
/// into `dgates` `(B, 4H)` and of `c` into `dc`.
pub(super) fn lstm_step_adjoint<T: Gate>(
    (act, t): (&[T], &[T]),
    c: &[T],
    (gh, gc): (&[T], &[T]),
    h: usize,
    (dgates, dc): (&mut [T], &mut [T]),
) {
    let one = T::ONE;
    let rows = c.len() / h.max(1);
    for row in 0..rows {
        let span = row * h..(row + 1) * h;
        let ar = &act[row * 4 * h..(row + 1) * 4 * h];
        let (i, f, z, o) = (&ar[..h], &ar[h..2 * h], &ar[2 * h..3 * h], &ar[3 * h..]);
        let (c, t, gh, gc) = (
            &c[span.clone()],
            &t[span.clone()],
            &gh[span.clone()],
            &gc[span.clone()],
        );
        let dc = &mut dc[span];
        let (di, rest) = dgates[row * 4 * h..(row + 1) * 4 * h].split_at_mut(h);
        let (df, rest) = rest.split_at_mut(h);
        let (dz, d_o) = rest.split_at_mut(h);
        for j in 0..h {
            let d1 = gc[j] + gh[j] * o[j] * (one - t[j] * t[j]);
            di[j] = d1 * z[j] * i[j] * (one - i[j]);
            df[j] = d1 * c[j] * f[j] * (one - f[j]);
            dz[j] = d1 * i[j] * (one - z[j] * z[j]);
            d_o[j] = gh[j] * t[j] * o[j] * (one - o[j]);
            dc[j] = d1 * f[j];
        }
    }
}

/// `GRU` cell, PyTorch's formula: from the input's projection `gx` `(B, 3H)` (with `b_ih`),
/// the hidden state's `gh` `(B, 3H)` (with `b_hh`) and the state `h` `(B, H)`:
/// `r = σ(x_r + h_r)`, `z = σ(x_z + h_z)`, `n = tanh(x_n + r·h_n)`, `h' = n + z·(h - n)`.
/// The flat result holds `h'` `(B, H)`, and with `keep_activations` then what
/// [`gru_cell_backward`] needs: `(r, z)` `(B, 2H)` and `n` `(B, H)`.
pub fn gru_cell(
    gx: &NdArray,
    gh: &NdArray,
    h: &NdArray,
    keep_activations: bool,
) -> Result<NdArray> {
    let (b, w) = batch_hidden(h);
    let len = if keep_activations { 4 * b * w } else { b * w };
    if w == 0 {
        return Ok(NdArray::zeros(&[len], gx.dtype()));
    }
    with_gate!(gx.dtype(), "gru_cell", T => {
        let (x, y, s) = (gx.as_slice::<T>()?, gh.as_slice::<T>()?, h.as_slice::<T>()?);
        let mut buffer = alloc::zeroed::<T>(len)?;
        let (out, kept) = buffer.split_at_mut(b * w);
        let mut scratch;
        let kept = if keep_activations {
            kept
        } else {
            scratch = alloc::zeroed::<T>(3 * b * w)?;
            &mut scratch[..]
        };
        let (rz, n) = kept.split_at_mut(2 * b * w);
        Activations::<T>::new()?.gru_gates(x, y, w, rz, n)?;
        for row in 0..b {
            let span = row * w..(row + 1) * w;
            let z = &rz[row * 2 * w + w..(row + 1) * 2 * w];
            let (n, s, o) = (&n[span.clone()], &s[span.clone()], &mut out[span]);
            for j in 0..w {
                o[j] = n[j] + z[j] * (s[j] - n[j]);
            }
        }
        NdArray::from_vec(buffer, &[len])
    })
}

/// The adjoint of [`gru_cell`] from the activations it kept (`kept`: `(r, z)` `(B, 2H)` then
/// `n` `(B, H)`): given the hidden state's projection `gh`, the state `h` and the output's
/// gradient `g`, the flat array `[grad of gx (B·3H) | grad of gh (B·3H) | grad of h (B·H)]`.
pub fn gru_cell_backward(
    kept: &NdArray,
    gh: &NdArray,
    h: &NdArray,
    g: &NdArray,
) -> Result<NdArray> {
    let (b, w) = batch_hidden(h);
    if w == 0 {
        return Ok(NdArray::zeros(&[0], h.dtype()));
    }
    with_gate!(h.dtype(), "gru_cell", T => {
        let (rz, n) = kept.as_slice::<T>()?.split_at(2 * b * w);
        let (y, s, g) = (gh.as_slice::<T>()?, h.as_slice::<T>()?, g.as_slice::<T>()?);
        let mut out = alloc::zeroed::<T>(7 * b * w)?;
        let (dx, rest) = out.split_at_mut(3 * b * w);
        let (dy, dh) = rest.split_at_mut(3 * b * w);
        let one = T::ONE;
        for row in 0..b {
            let span = row * w..(row + 1) * w;
            let (r, z) = rz[row * 2 * w..(row + 1) * 2 * w].split_at(w);
            let yn = &y[row * 3 * w + 2 * w..(row + 1) * 3 * w];
            let (n, s, g) = (&n[span.clone()], &s[span.clone()], &g[span.clone()]);
            let dh = &mut dh[span];
            let (dxr, dxz) = dx[row * 3 * w..(row + 1) * 3 * w].split_at_mut(w);
            let (dxz, dxn) = dxz.split_at_mut(w);
            let (dyr, dyz) = dy[row * 3 * w..(row + 1) * 3 * w].split_at_mut(w);
            let (dyz, dyn_) = dyz.split_at_mut(w);
            for j in 0..w {
                let dn = g[j] * (one - z[j]) * (one - n[j] * n[j]);
                let dr = dn * yn[j] * r[j] * (one - r[j]);
                let dz = g[j] * (s[j] - n[j]) * z[j] * (one - z[j]);
                dxr[j] = dr;
                dyr[j] = dr;
                dxz[j] = dz;
                dyz[j] = dz;
                dxn[j] = dn;
                dyn_[j] = dn * r[j];
                dh[j] = g[j] * z[j];
            }
        }
        NdArray::from_vec(out, &[7 * b * w])
    })
}
