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

use std::mem::MaybeUninit;
use std::ops::{Add, Mul, MulAssign, Sub};

use crate::array::{alloc, DType, Element, NdArray};
use crate::error::{Error, Result};
use crate::kernels::vecmath::{kernel_f32, kernel_f64, Isa, SliceKernel};
use crate::kernels::UnaryOp;

/// The floating element types the cells compute in.
trait Gate:
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
struct Activations<T> {
    isa: Isa,
    sigmoid: SliceKernel<T>,
    tanh: SliceKernel<T>,
}

impl<T: Gate> Activations<T> {
    fn new() -> Result<Self> {
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

    /// The LSTM's activated gates, `(B, 4H)`: σ of the input, forget and output gates, `tanh`
    /// of the cell gate.
    fn lstm_gates(&self, x: &[T], h: usize) -> Result<Vec<T>> {
        let mut act = alloc::zeroed::<T>(x.len())?;
        self.sigmoid(x, &mut act);
        for (xr, ar) in x.chunks_exact(4 * h).zip(act.chunks_exact_mut(4 * h)) {
            self.tanh(&xr[2 * h..3 * h], &mut ar[2 * h..3 * h]);
        }
        Ok(act)
    }

    /// The GRU's `(r, z)` `(B, 2H)`, `n` `(B, H)` from the two projections.
    fn gru_gates(&self, x: &[T], y: &[T], w: usize) -> Result<(Vec<T>, Vec<T>)> {
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
        let mut rz = alloc::zeroed::<T>(2 * b * w)?;
        self.sigmoid(&pre, &mut rz);
        let mut pre_n = alloc::zeroed::<T>(b * w)?;
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
        let mut n = alloc::zeroed::<T>(b * w)?;
        self.tanh(&pre_n, &mut n);
        Ok((rz, n))
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

/// The batch size and hidden width of cells whose state `state` is `(batch, hidden)`.
fn batch_hidden(state: &NdArray) -> (usize, usize) {
    (state.shape()[0], state.shape()[1])
}

/// `c' = f·c + i·g` row by row, from the activated gates.
fn lstm_state<T: Gate>(act: &[T], c: &[T], h: usize) -> Result<Vec<T>> {
    let mut c1 = alloc::zeroed::<T>(c.len())?;
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
    Ok(c1)
}

/// `LSTM` cell: from `gates` `(B, 4H)` and the cell state `c` `(B, H)`, the array `(2, B, H)`
/// holding the new hidden state `o·tanh(c')` and the new cell state `c' = f·c + i·g`.
pub fn lstm_cell(gates: &NdArray, c: &NdArray) -> Result<NdArray> {
    let (b, h) = batch_hidden(c);
    if h == 0 {
        return Ok(NdArray::zeros(&[2, b, 0], gates.dtype()));
    }
    with_gate!(gates.dtype(), "lstm_cell", T => {
        let (x, c) = (gates.as_slice::<T>()?, c.as_slice::<T>()?);
        let acts = Activations::<T>::new()?;
        let act = acts.lstm_gates(x, h)?;
        let c1 = lstm_state(&act, c, h)?;
        let mut out = alloc::zeroed::<T>(2 * b * h)?;
        let (hidden, cell) = out.split_at_mut(b * h);
        acts.tanh(&c1, hidden);
        cell.copy_from_slice(&c1);
        for (hr, ar) in hidden.chunks_exact_mut(h).zip(act.chunks_exact(4 * h)) {
            let o = &ar[3 * h..];
            for j in 0..h {
                hr[j] *= o[j];
            }
        }
        NdArray::from_vec(out, &[2, b, h])
    })
}

/// The adjoint of [`lstm_cell`]: given the gradients `gh`, `gc` of its two outputs, the flat
/// array `[grad of gates (B·4H) | grad of c (B·H)]`.
pub fn lstm_cell_backward(
    gates: &NdArray,
    c: &NdArray,
    gh: &NdArray,
    gc: &NdArray,
) -> Result<NdArray> {
    let (b, h) = batch_hidden(c);
    if h == 0 {
        return Ok(NdArray::zeros(&[0], gates.dtype()));
    }
    with_gate!(gates.dtype(), "lstm_cell", T => {
        let x = gates.as_slice::<T>()?;
        let (c, gh, gc) = (c.as_slice::<T>()?, gh.as_slice::<T>()?, gc.as_slice::<T>()?);
        let acts = Activations::<T>::new()?;
        let act = acts.lstm_gates(x, h)?;
        let c1 = lstm_state(&act, c, h)?;
        let mut t = alloc::zeroed::<T>(b * h)?;
        acts.tanh(&c1, &mut t);
        let mut out = alloc::zeroed::<T>(5 * b * h)?;
        let (dgates, dc) = out.split_at_mut(4 * b * h);
        let one = T::ONE;
        for row in 0..b {
            let span = row * h..(row + 1) * h;
            let ar = &act[row * 4 * h..(row + 1) * 4 * h];
            let (i, f, z, o) = (&ar[..h], &ar[h..2 * h], &ar[2 * h..3 * h], &ar[3 * h..]);
            let (c, t, gh, gc) = (&c[span.clone()], &t[span.clone()], &gh[span.clone()], &gc[span.clone()]);
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
        NdArray::from_vec(out, &[5 * b * h])
    })
}

/// `GRU` cell, PyTorch's formula: from the input's projection `gx` `(B, 3H)` (with `b_ih`),
/// the hidden state's `gh` `(B, 3H)` (with `b_hh`) and the state `h` `(B, H)`:
/// `r = σ(x_r + h_r)`, `z = σ(x_z + h_z)`, `n = tanh(x_n + r·h_n)`, `h' = n + z·(h - n)`.
pub fn gru_cell(gx: &NdArray, gh: &NdArray, h: &NdArray) -> Result<NdArray> {
    let (b, w) = batch_hidden(h);
    if w == 0 {
        return Ok(NdArray::zeros(&[b, 0], gx.dtype()));
    }
    with_gate!(gx.dtype(), "gru_cell", T => {
        let (x, y, s) = (gx.as_slice::<T>()?, gh.as_slice::<T>()?, h.as_slice::<T>()?);
        let (rz, n) = Activations::<T>::new()?.gru_gates(x, y, w)?;
        let mut out = alloc::zeroed::<T>(b * w)?;
        for row in 0..b {
            let span = row * w..(row + 1) * w;
            let z = &rz[row * 2 * w + w..(row + 1) * 2 * w];
            let (n, s, o) = (&n[span.clone()], &s[span.clone()], &mut out[span]);
            for j in 0..w {
                o[j] = n[j] + z[j] * (s[j] - n[j]);
            }
        }
        NdArray::from_vec(out, &[b, w])
    })
}

/// The adjoint of [`gru_cell`]: given the output's gradient `g`, the flat array
/// `[grad of gx (B·3H) | grad of gh (B·3H) | grad of h (B·H)]`.
pub fn gru_cell_backward(gx: &NdArray, gh: &NdArray, h: &NdArray, g: &NdArray) -> Result<NdArray> {
    let (b, w) = batch_hidden(h);
    if w == 0 {
        return Ok(NdArray::zeros(&[0], gx.dtype()));
    }
    with_gate!(gx.dtype(), "gru_cell", T => {
        let (x, y, s) = (gx.as_slice::<T>()?, gh.as_slice::<T>()?, h.as_slice::<T>()?);
        let g = g.as_slice::<T>()?;
        let (rz, n) = Activations::<T>::new()?.gru_gates(x, y, w)?;
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
