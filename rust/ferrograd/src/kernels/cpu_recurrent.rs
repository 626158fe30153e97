//! CPU kernels for the pointwise part of one recurrent time step: the LSTM and GRU cells, given
//! the gates' pre-activations (the matrix products are done before, by `matmul`), and their
//! adjoints. Rows are batch entries; each row holds the gates side by side, `hidden` wide each,
//! in PyTorch's order (LSTM: input, forget, cell, output; GRU: reset, update, new). The
//! transcendentals are the `vecmath` element functions, so a fused cell gives the bits of the
//! same step composed of `sigmoid`/`tanh` ops up to the order of the remaining arithmetic.

use std::ops::{Add, Mul, Sub};

use super::vecmath::VecMath;
use crate::array::{alloc, DType, Element, NdArray};
use crate::error::{Error, Result};

/// The floating element types the cells compute in.
trait Gate:
    Element + VecMath + Copy + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self>
{
    const ONE: Self;
}

impl Gate for f32 {
    const ONE: f32 = 1.0;
}

impl Gate for f64 {
    const ONE: f64 = 1.0;
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
            other => Err(Error::DType(format!(
                "{}: expected a floating point tensor, got {other}",
                $op
            ))),
        }
    };
}

/// The batch size and hidden width of cells whose state `state` is `(batch, hidden)`.
fn batch_hidden(state: &NdArray) -> (usize, usize) {
    (state.shape()[0], state.shape()[1])
}

/// `LSTM` cell: from `gates` `(B, 4H)` and the cell state `c` `(B, H)`, the array `(2, B, H)`
/// holding the new hidden state `o·tanh(c')` and the new cell state `c' = f·c + i·g`.
pub fn lstm_cell(gates: &NdArray, c: &NdArray) -> Result<NdArray> {
    let (b, h) = batch_hidden(c);
    with_gate!(gates.dtype(), "lstm_cell", T => {
        let (x, c) = (gates.as_slice::<T>()?, c.as_slice::<T>()?);
        let mut out = alloc::zeroed::<T>(2 * b * h)?;
        let (hidden, cell) = out.split_at_mut(b * h);
        for row in 0..b {
            let g = &x[row * 4 * h..(row + 1) * 4 * h];
            let r = row * h..(row + 1) * h;
            for (j, ((hv, cv), &c0)) in hidden[r.clone()]
                .iter_mut()
                .zip(&mut cell[r.clone()])
                .zip(&c[r])
                .enumerate()
            {
                let (i, f) = (g[j].sigmoid(), g[h + j].sigmoid());
                let (z, o) = (g[2 * h + j].tanh(), g[3 * h + j].sigmoid());
                let c1 = f * c0 + i * z;
                *cv = c1;
                *hv = o * c1.tanh();
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
    with_gate!(gates.dtype(), "lstm_cell", T => {
        let x = gates.as_slice::<T>()?;
        let (c, gh, gc) = (c.as_slice::<T>()?, gh.as_slice::<T>()?, gc.as_slice::<T>()?);
        let mut out = alloc::zeroed::<T>(5 * b * h)?;
        let (dgates, dc) = out.split_at_mut(4 * b * h);
        for row in 0..b {
            let g = &x[row * 4 * h..(row + 1) * 4 * h];
            let dg = &mut dgates[row * 4 * h..(row + 1) * 4 * h];
            for j in 0..h {
                let k = row * h + j;
                let (i, f) = (g[j].sigmoid(), g[h + j].sigmoid());
                let (z, o) = (g[2 * h + j].tanh(), g[3 * h + j].sigmoid());
                let t = (f * c[k] + i * z).tanh();
                let d1 = gc[k] + gh[k] * o * (T::ONE - t * t);
                dg[j] = d1 * z * i * (T::ONE - i);
                dg[h + j] = d1 * c[k] * f * (T::ONE - f);
                dg[2 * h + j] = d1 * i * (T::ONE - z * z);
                dg[3 * h + j] = gh[k] * t * o * (T::ONE - o);
                dc[k] = d1 * f;
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
    with_gate!(gx.dtype(), "gru_cell", T => {
        let (x, y, s) = (gx.as_slice::<T>()?, gh.as_slice::<T>()?, h.as_slice::<T>()?);
        let mut out = alloc::zeroed::<T>(b * w)?;
        for row in 0..b {
            let (xr, yr) = (&x[row * 3 * w..(row + 1) * 3 * w], &y[row * 3 * w..(row + 1) * 3 * w]);
            for j in 0..w {
                let k = row * w + j;
                let r = (xr[j] + yr[j]).sigmoid();
                let z = (xr[w + j] + yr[w + j]).sigmoid();
                let n = (xr[2 * w + j] + r * yr[2 * w + j]).tanh();
                out[k] = n + z * (s[k] - n);
            }
        }
        NdArray::from_vec(out, &[b, w])
    })
}

/// The adjoint of [`gru_cell`]: given the output's gradient `g`, the flat array
/// `[grad of gx (B·3H) | grad of gh (B·3H) | grad of h (B·H)]`.
pub fn gru_cell_backward(gx: &NdArray, gh: &NdArray, h: &NdArray, g: &NdArray) -> Result<NdArray> {
    let (b, w) = batch_hidden(h);
    with_gate!(gx.dtype(), "gru_cell", T => {
        let (x, y, s) = (gx.as_slice::<T>()?, gh.as_slice::<T>()?, h.as_slice::<T>()?);
        let g = g.as_slice::<T>()?;
        let mut out = alloc::zeroed::<T>(7 * b * w)?;
        let (dx, rest) = out.split_at_mut(3 * b * w);
        let (dy, dh) = rest.split_at_mut(3 * b * w);
        for row in 0..b {
            let span = row * 3 * w..(row + 1) * 3 * w;
            let (xr, yr) = (&x[span.clone()], &y[span.clone()]);
            let (dxr, dyr) = (&mut dx[span.clone()], &mut dy[span]);
            for j in 0..w {
                let k = row * w + j;
                let r = (xr[j] + yr[j]).sigmoid();
                let z = (xr[w + j] + yr[w + j]).sigmoid();
                let n = (xr[2 * w + j] + r * yr[2 * w + j]).tanh();
                let dn = g[k] * (T::ONE - z) * (T::ONE - n * n);
                let dr = dn * yr[2 * w + j] * r * (T::ONE - r);
                let dz = g[k] * (s[k] - n) * z * (T::ONE - z);
                dxr[j] = dr;
                dyr[j] = dr;
                dxr[w + j] = dz;
                dyr[w + j] = dz;
                dxr[2 * w + j] = dn;
                dyr[2 * w + j] = dn * r;
                dh[k] = g[k] * z;
            }
        }
        NdArray::from_vec(out, &[7 * b * w])
    })
}
