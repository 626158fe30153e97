//! The neural-network kernels' public entry points: each checks its operands and goes through
//! `dispatch`, so a device backend can provide the same `Kernel` (the CPU versions live in
//! `cpu::nn`).

use super::{cpu, dispatch, Kernel};
use crate::array::{DType, NdArray};
use crate::error::{require_float, Error, Result};

/// The geometry of a 2-D sliding window (convolution, pooling): sizes per (height, width).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Window2d {
    /// The window's height and width.
    pub kernel: [usize; 2],
    /// The step between windows, per axis.
    pub stride: [usize; 2],
    /// Zeros added on each side of the input, per axis.
    pub padding: [usize; 2],
    /// The spacing between the window's taps, per axis.
    pub dilation: [usize; 2],
}

impl Window2d {
    /// Validates the geometry (positive kernel, stride and dilation).
    pub fn check(&self, op: &str) -> Result<()> {
        if self.kernel.contains(&0) || self.stride.contains(&0) || self.dilation.contains(&0) {
            return Err(Error::Value(format!(
                "{op}: kernel size, stride and dilation must be positive (got kernel {:?}, stride {:?}, dilation {:?})",
                self.kernel, self.stride, self.dilation
            )));
        }
        Ok(())
    }

    /// The output size `(oh, ow)` for an input of spatial size `(h, w)`, if the window fits.
    pub fn output_size(&self, h: usize, w: usize) -> Option<(usize, usize)> {
        let oh = cpu::nn::window_out(
            h,
            self.kernel[0],
            self.stride[0],
            self.padding[0],
            self.dilation[0],
        )?;
        let ow = cpu::nn::window_out(
            w,
            self.kernel[1],
            self.stride[1],
            self.padding[1],
            self.dilation[1],
        )?;
        Some((oh, ow))
    }
}

/// Softmax (or log-softmax) along `axis`, numerically stable.
pub fn softmax(a: &NdArray, axis: usize, log: bool) -> Result<NdArray> {
    require_float(if log { "log_softmax" } else { "softmax" }, a.dtype())?;
    dispatch(Kernel::Softmax { axis, log }, &[a], |x| {
        cpu::nn::softmax(x[0], axis, log)
    })
}

/// `log(sum(exp(a), axis))`, numerically stable.
pub fn logsumexp(a: &NdArray, axis: usize, keepdim: bool) -> Result<NdArray> {
    require_float("logsumexp", a.dtype())?;
    dispatch(Kernel::LogSumExp { axis, keepdim }, &[a], |x| {
        cpu::nn::logsumexp(x[0], axis, keepdim)
    })
}

/// PyTorch's `gather(dim, index)`.
pub fn gather_dim(a: &NdArray, axis: usize, index: &NdArray) -> Result<NdArray> {
    dispatch(Kernel::GatherDim { axis }, &[a, index], |x| {
        cpu::nn::gather_dim(x[0], axis, x[1])
    })
}

/// PyTorch's out-of-place `scatter_add(dim, index, src)`.
pub fn scatter_add_dim(
    a: &NdArray,
    axis: usize,
    index: &NdArray,
    src: &NdArray,
) -> Result<NdArray> {
    dispatch(Kernel::ScatterAddDim { axis }, &[a, index, src], |x| {
        cpu::nn::scatter_add_dim(x[0], axis, x[1], x[2])
    })
}

/// Concatenation along `axis`; the arrays share a dtype and agree in every other dimension.
pub fn cat(inputs: &[&NdArray], axis: usize) -> Result<NdArray> {
    let first = inputs
        .first()
        .ok_or_else(|| Error::Value("torch.cat(): expected a non-empty list of Tensors".into()))?;
    for (i, a) in inputs.iter().enumerate() {
        if a.dtype() != first.dtype() {
            return Err(Error::DType(format!(
                "cat(): expected all tensors to have dtype {}, but tensor {i} has {}",
                first.dtype(),
                a.dtype()
            )));
        }
        let ok = a.ndim() == first.ndim()
            && a.shape()
                .iter()
                .zip(first.shape())
                .enumerate()
                .all(|(d, (x, y))| d == axis || x == y);
        if !ok {
            return Err(Error::Shape(format!(
                "cat(): Sizes of tensors must match except in dimension {axis}. Expected shape {:?} (apart from dim {axis}) but got {:?} for tensor number {i} in the list",
                first.shape(),
                a.shape()
            )));
        }
    }
    dispatch(Kernel::Cat { axis }, inputs, |x| cpu::nn::cat(x, axis))
}

/// Indices that sort `a` along `axis` (stable), as `Int64`.
pub fn argsort(a: &NdArray, axis: usize, descending: bool) -> Result<NdArray> {
    if a.dtype() == DType::Bool {
        return Err(Error::DType("sort: bool tensors are not supported".into()));
    }
    dispatch(Kernel::Sort { axis, descending }, &[a], |x| {
        cpu::nn::argsort(x[0], axis, descending)
    })
}

/// `(N, C, H, W)` → `(N, C·kh·kw, oh·ow)` windows (convolution as a matrix product).
pub fn im2col(a: &NdArray, window: Window2d) -> Result<NdArray> {
    window.check("im2col")?;
    dispatch(Kernel::Im2col { window }, &[a], |x| {
        cpu::nn::im2col(x[0], &window)
    })
}

/// The adjoint of `im2col`, back to spatial size `size`.
pub fn col2im(cols: &NdArray, window: Window2d, size: [usize; 2]) -> Result<NdArray> {
    window.check("col2im")?;
    dispatch(Kernel::Col2im { window, size }, &[cols], |x| {
        cpu::nn::col2im(x[0], &window, size)
    })
}

/// Which of a convolution's kernels (`cpu::conv`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConvPart {
    /// inputs: x, weight (, bias)
    Output,
    /// inputs: the output's gradient, weight; the input's spatial size.
    InputGrad { size: [usize; 2] },
    /// inputs: x, the output's gradient
    WeightGrad,
}

/// The convolution of `(N, C, H, W)` `x` by an `(O, C, kh, kw)` `weight` (one group), plus an
/// `(O,)` `bias` when given.
pub fn conv2d(
    x: &NdArray,
    weight: &NdArray,
    bias: Option<&NdArray>,
    window: Window2d,
) -> Result<NdArray> {
    window.check("conv2d")?;
    let mut inputs = vec![x, weight];
    inputs.extend(bias);
    let kernel = Kernel::Conv2d {
        window,
        part: ConvPart::Output,
    };
    dispatch(kernel, &inputs, |a| {
        cpu::conv::conv2d(a[0], a[1], a.get(2).copied(), &window)
    })
}

/// The gradient of [`conv2d`]'s input (of spatial `size`) given its output's gradient `gy`.
pub fn conv2d_input_grad(
    gy: &NdArray,
    weight: &NdArray,
    window: Window2d,
    size: [usize; 2],
) -> Result<NdArray> {
    window.check("conv2d")?;
    let kernel = Kernel::Conv2d {
        window,
        part: ConvPart::InputGrad { size },
    };
    dispatch(kernel, &[gy, weight], |a| {
        cpu::conv::conv2d_input_grad(a[0], a[1], &window, size)
    })
}

/// The gradient of [`conv2d`]'s weight given its input `x` and its output's gradient `gy`.
pub fn conv2d_weight_grad(x: &NdArray, gy: &NdArray, window: Window2d) -> Result<NdArray> {
    window.check("conv2d")?;
    let kernel = Kernel::Conv2d {
        window,
        part: ConvPart::WeightGrad,
    };
    dispatch(kernel, &[x, gy], |a| {
        cpu::conv::conv2d_weight_grad(a[0], a[1], &window)
    })
}

/// Argmax positions (flat, within each `H·W` plane) of each max-pooling window.
pub fn max_pool2d_indices(a: &NdArray, window: Window2d) -> Result<NdArray> {
    window.check("max_pool2d")?;
    if a.dtype() == DType::Bool {
        return Err(Error::DType(
            "max_pool2d: bool tensors are not supported".into(),
        ));
    }
    dispatch(Kernel::MaxPool2dIndices { window }, &[a], |x| {
        cpu::nn::max_pool2d_indices(x[0], &window)
    })
}

/// One direction of an LSTM layer over a sequence: flat, the outputs `(T, B, H)`, the final
/// `h` and `c`, and with `keep_activations` what its adjoint needs after them, its batch cut
/// into `parts` (see `cpu::recurrent_layer::lstm_layer`).
pub fn lstm_layer(
    [projected, h0, c0, w_hh]: [&NdArray; 4],
    reverse: bool,
    keep_activations: bool,
    parts: usize,
) -> Result<NdArray> {
    let kernel = Kernel::LstmLayer {
        backward: false,
        reverse,
        keep_activations,
    };
    dispatch(kernel, &[projected, h0, c0, w_hh], |x| {
        cpu::recurrent_layer::lstm_layer(x, reverse, keep_activations, parts)
    })
}

/// The adjoint of [`lstm_layer`] run with `parts` (operands as
/// `cpu::recurrent_layer::lstm_layer_backward` takes them): flat, the gradients of the
/// projection, h0, c0 and w_hh.
pub fn lstm_layer_backward(
    operands: [&NdArray; 8],
    reverse: bool,
    parts: usize,
) -> Result<NdArray> {
    let kernel = Kernel::LstmLayer {
        backward: true,
        reverse,
        keep_activations: false,
    };
    dispatch(kernel, &operands, |x| {
        cpu::recurrent_layer::lstm_layer_backward(x, reverse, parts)
    })
}

pub use cpu::recurrent_layer::{lstm_layer_kept_len, lstm_layer_parts};

/// The recurrent cells whose pointwise step is one kernel (`cpu::recurrent`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    Lstm,
    Gru,
}

impl Cell {
    pub fn name(self) -> &'static str {
        match self {
            Cell::Lstm => "lstm_cell",
            Cell::Gru => "gru_cell",
        }
    }
}

/// The LSTM cell's step: flat, `h'` and `c'` (`B·H` each), and with `keep_activations` what
/// its adjoint needs after them (see `cpu::recurrent::lstm_cell`).
pub fn lstm_cell(gates: &NdArray, c: &NdArray, keep_activations: bool) -> Result<NdArray> {
    let kernel = Kernel::RecurrentCell {
        cell: Cell::Lstm,
        backward: false,
        keep_activations,
    };
    dispatch(kernel, &[gates, c], |x| {
        cpu::recurrent::lstm_cell(x[0], x[1], keep_activations)
    })
}

/// The LSTM cell's adjoint from the activations its step kept: `[grad gates | grad c]`, flat.
pub fn lstm_cell_backward(
    kept: &NdArray,
    c: &NdArray,
    gh: &NdArray,
    gc: &NdArray,
) -> Result<NdArray> {
    let kernel = Kernel::RecurrentCell {
        cell: Cell::Lstm,
        backward: true,
        keep_activations: false,
    };
    dispatch(kernel, &[kept, c, gh, gc], |x| {
        cpu::recurrent::lstm_cell_backward(x[0], x[1], x[2], x[3])
    })
}

/// The GRU cell's step: flat, `h'` (`B·H`), and with `keep_activations` what its adjoint needs
/// after it (see `cpu::recurrent::gru_cell`).
pub fn gru_cell(
    gx: &NdArray,
    gh: &NdArray,
    h: &NdArray,
    keep_activations: bool,
) -> Result<NdArray> {
    let kernel = Kernel::RecurrentCell {
        cell: Cell::Gru,
        backward: false,
        keep_activations,
    };
    dispatch(kernel, &[gx, gh, h], |x| {
        cpu::recurrent::gru_cell(x[0], x[1], x[2], keep_activations)
    })
}

/// The GRU cell's adjoint from the activations its step kept: `[grad gx | grad gh | grad h]`,
/// flat.
pub fn gru_cell_backward(
    kept: &NdArray,
    gh: &NdArray,
    h: &NdArray,
    g: &NdArray,
) -> Result<NdArray> {
    let kernel = Kernel::RecurrentCell {
        cell: Cell::Gru,
        backward: true,
        keep_activations: false,
    };
    dispatch(kernel, &[kept, gh, h, g], |x| {
        cpu::recurrent::gru_cell_backward(x[0], x[1], x[2], x[3])
    })
}
