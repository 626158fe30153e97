//! Module functions for the neural-network operations (`_core.softmax(t, dim)`, ...): each is one
//! call into the engine's `ops::nn`, with the GIL released for large operands.

use ferrograd::ops::loss::{LossKind, MarginKind, Reduction};
use ferrograd::ops::Transposed;
use ferrograd::ops::Window2d;
use ferrograd::Tensor;
use ferrograd_py_macros::catch_panics;
use pyo3::prelude::*;

use crate::errors::IntoPyResult;
use crate::tensor::{try_run as run, PyTensor};
use crate::tensor_type::NewTensor;
use crate::tensors;

fn pair(v: (usize, usize)) -> [usize; 2] {
    [v.0, v.1]
}

#[catch_panics]
#[pyfunction]
#[pyo3(signature = (input, dim, log=false))]
fn softmax(
    py: Python<'_>,
    input: PyRef<'_, PyTensor>,
    dim: isize,
    log: bool,
) -> PyResult<NewTensor> {
    let t = &input.inner;
    run(py, t.numel(), || {
        if log {
            t.log_softmax(dim)
        } else {
            t.softmax(dim)
        }
    })
    .map(NewTensor)
}

/// `F.layer_norm` as one fused op (`Tensor::layer_norm`).
#[catch_panics]
#[pyfunction]
#[pyo3(signature = (input, normalized_shape, weight, bias, eps))]
fn layer_norm(
    py: Python<'_>,
    input: PyRef<'_, PyTensor>,
    normalized_shape: Vec<usize>,
    weight: Option<PyRef<'_, PyTensor>>,
    bias: Option<PyRef<'_, PyTensor>>,
    eps: f64,
) -> PyResult<NewTensor> {
    let t = &input.inner;
    let (w, b) = (
        weight.as_ref().map(|w| &w.inner),
        bias.as_ref().map(|b| &b.inner),
    );
    run(py, t.numel(), || t.layer_norm(&normalized_shape, w, b, eps)).map(NewTensor)
}

#[catch_panics]
#[pyfunction]
#[pyo3(signature = (input, dim, keepdim=false))]
fn logsumexp(
    py: Python<'_>,
    input: PyRef<'_, PyTensor>,
    dim: isize,
    keepdim: bool,
) -> PyResult<NewTensor> {
    let t = &input.inner;
    run(py, t.numel(), || t.logsumexp(dim, keepdim)).map(NewTensor)
}

#[catch_panics]
#[pyfunction]
fn gather(
    py: Python<'_>,
    input: PyRef<'_, PyTensor>,
    dim: isize,
    index: PyRef<'_, PyTensor>,
) -> PyResult<NewTensor> {
    let (t, i) = (&input.inner, &index.inner);
    run(py, i.numel(), || t.gather(dim, i)).map(NewTensor)
}

#[catch_panics]
#[pyfunction]
fn scatter_add(
    py: Python<'_>,
    input: PyRef<'_, PyTensor>,
    dim: isize,
    index: PyRef<'_, PyTensor>,
    src: PyRef<'_, PyTensor>,
) -> PyResult<NewTensor> {
    let (t, i, s) = (&input.inner, &index.inner, &src.inner);
    run(py, t.numel().max(i.numel()), || t.scatter_add(dim, i, s)).map(NewTensor)
}

#[catch_panics]
#[pyfunction]
fn index_select(
    py: Python<'_>,
    input: PyRef<'_, PyTensor>,
    dim: isize,
    index: PyRef<'_, PyTensor>,
) -> PyResult<NewTensor> {
    let (t, i) = (&input.inner, &index.inner);
    run(py, t.numel(), || t.index_select(dim, i)).map(NewTensor)
}

#[catch_panics]
#[pyfunction]
fn index_add_zeros(
    py: Python<'_>,
    source: PyRef<'_, PyTensor>,
    dim: isize,
    index: PyRef<'_, PyTensor>,
    size: usize,
) -> PyResult<NewTensor> {
    let (t, i) = (&source.inner, &index.inner);
    run(py, t.numel(), || t.index_add_zeros(dim, i, size)).map(NewTensor)
}

#[catch_panics]
#[pyfunction]
fn cat(py: Python<'_>, tensors_: Vec<PyRef<'_, PyTensor>>, dim: isize) -> PyResult<NewTensor> {
    let ts = tensors(&tensors_);
    let size = ts.iter().map(Tensor::numel).sum();
    run(py, size, || Tensor::cat(&ts, dim)).map(NewTensor)
}

#[catch_panics]
#[pyfunction]
fn stack(py: Python<'_>, tensors_: Vec<PyRef<'_, PyTensor>>, dim: isize) -> PyResult<NewTensor> {
    let ts = tensors(&tensors_);
    let size = ts.iter().map(Tensor::numel).sum();
    run(py, size, || Tensor::stack(&ts, dim)).map(NewTensor)
}

#[catch_panics]
#[pyfunction]
#[pyo3(signature = (input, dim, descending=false))]
fn sort(
    py: Python<'_>,
    input: PyRef<'_, PyTensor>,
    dim: isize,
    descending: bool,
) -> PyResult<(NewTensor, NewTensor)> {
    let t = &input.inner;
    let (v, i) = run(py, t.numel(), || t.sort(dim, descending))?;
    Ok((NewTensor(v), NewTensor(i)))
}

fn window(
    kernel: (usize, usize),
    stride: (usize, usize),
    padding: (usize, usize),
    dilation: (usize, usize),
) -> Window2d {
    Window2d {
        kernel: pair(kernel),
        stride: pair(stride),
        padding: pair(padding),
        dilation: pair(dilation),
    }
}

#[catch_panics]
#[pyfunction]
#[pyo3(signature = (input, weight, bias, stride, padding, dilation, groups))]
#[allow(clippy::too_many_arguments)] // mirrors F.conv2d's signature
fn conv2d(
    py: Python<'_>,
    input: PyRef<'_, PyTensor>,
    weight: PyRef<'_, PyTensor>,
    bias: Option<PyRef<'_, PyTensor>>,
    stride: (usize, usize),
    padding: (usize, usize),
    dilation: (usize, usize),
    groups: usize,
) -> PyResult<NewTensor> {
    let (x, w) = (&input.inner, &weight.inner);
    let b = bias.map(|b| b.inner.clone());
    run(py, x.numel() * w.numel().max(1), || {
        x.conv2d(
            w,
            b.as_ref(),
            pair(stride),
            pair(padding),
            pair(dilation),
            groups,
        )
    })
    .map(NewTensor)
}

#[catch_panics]
#[pyfunction]
fn max_pool2d(
    py: Python<'_>,
    input: PyRef<'_, PyTensor>,
    kernel: (usize, usize),
    stride: (usize, usize),
    padding: (usize, usize),
    dilation: (usize, usize),
) -> PyResult<(NewTensor, NewTensor)> {
    let t = &input.inner;
    let (v, i) = run(py, t.numel(), || {
        t.max_pool2d(window(kernel, stride, padding, dilation))
    })?;
    Ok((NewTensor(v), NewTensor(i)))
}

#[catch_panics]
#[pyfunction]
fn avg_pool2d(
    py: Python<'_>,
    input: PyRef<'_, PyTensor>,
    kernel: (usize, usize),
    stride: (usize, usize),
    padding: (usize, usize),
) -> PyResult<NewTensor> {
    let t = &input.inner;
    run(py, t.numel(), || {
        t.avg_pool2d(window(kernel, stride, padding, (1, 1)))
    })
    .map(NewTensor)
}

#[catch_panics]
#[pyfunction]
fn im2col(
    py: Python<'_>,
    input: PyRef<'_, PyTensor>,
    kernel: (usize, usize),
    stride: (usize, usize),
    padding: (usize, usize),
    dilation: (usize, usize),
) -> PyResult<NewTensor> {
    let t = &input.inner;
    run(py, t.numel(), || {
        t.im2col(window(kernel, stride, padding, dilation))
    })
    .map(NewTensor)
}

#[catch_panics]
#[pyfunction]
fn col2im(
    py: Python<'_>,
    input: PyRef<'_, PyTensor>,
    size: (usize, usize),
    kernel: (usize, usize),
    stride: (usize, usize),
    padding: (usize, usize),
    dilation: (usize, usize),
) -> PyResult<NewTensor> {
    let t = &input.inner;
    run(py, t.numel(), || {
        t.col2im(window(kernel, stride, padding, dilation), pair(size))
    })
    .map(NewTensor)
}

/// `input @ weight.T + bias` as one product: the weight read transposed in place, the bias
/// added in the same pass.
#[catch_panics]
#[pyfunction]
#[pyo3(signature = (input, weight, bias=None))]
fn linear(
    py: Python<'_>,
    input: PyRef<'_, PyTensor>,
    weight: PyRef<'_, PyTensor>,
    bias: Option<PyRef<'_, PyTensor>>,
) -> PyResult<NewTensor> {
    let (x, w) = (&input.inner, &weight.inner);
    let b = bias.as_ref().map(|b| &b.inner);
    let trans = Transposed { a: false, b: true };
    run(py, x.numel().max(w.numel()), || {
        x.matmul_transposed(w, trans, b)
    })
    .map(NewTensor)
}

/// A loss PyTorch computes as one node (`MseLossBackward0`, `NllLossBackward0`, ...), by its
/// functional name; `parameter` is smooth_l1's `beta`, huber's `delta` or multi_margin's
/// `margin` (and `p` its power). `cross_entropy` is `log_softmax` over the classes, then
/// `nll_loss`.
#[catch_panics]
#[pyfunction]
#[pyo3(signature = (kind, input, target, reduction, weight=None, pos_weight=None, parameter=1.0, ignore_index=-100, p=1))]
#[allow(clippy::too_many_arguments)]
fn loss(
    py: Python<'_>,
    kind: &str,
    input: PyRef<'_, PyTensor>,
    target: PyRef<'_, PyTensor>,
    reduction: &str,
    weight: Option<PyRef<'_, PyTensor>>,
    pos_weight: Option<PyRef<'_, PyTensor>>,
    parameter: f64,
    ignore_index: i64,
    p: u8,
) -> PyResult<NewTensor> {
    let reduction = Reduction::parse(reduction).py()?;
    let (log_softmax, kind) = match kind {
        "mse_loss" => (false, LossKind::Mse),
        "smooth_l1_loss" => (false, LossKind::SmoothL1 { beta: parameter }),
        "huber_loss" => (false, LossKind::Huber { delta: parameter }),
        "soft_margin_loss" => (false, LossKind::SoftMargin),
        "binary_cross_entropy" => (false, LossKind::BinaryCrossEntropy),
        "binary_cross_entropy_with_logits" => (false, LossKind::BinaryCrossEntropyWithLogits),
        "nll_loss" => (false, LossKind::Nll { ignore_index }),
        "cross_entropy" => (true, LossKind::Nll { ignore_index }),
        "multi_margin_loss" => (
            false,
            LossKind::Margin(MarginKind::MultiMargin {
                p,
                margin: parameter,
            }),
        ),
        "multilabel_margin_loss" => (false, LossKind::Margin(MarginKind::MultilabelMargin)),
        other => {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "no loss named {other:?}"
            )))
        }
    };
    let (x, t) = (&input.inner, &target.inner);
    let (w, pw) = (
        weight.as_ref().map(|w| &w.inner),
        pos_weight.as_ref().map(|p| &p.inner),
    );
    run(py, x.numel(), || {
        let x = match log_softmax {
            true => x.log_softmax(isize::from(x.ndim() > 1))?,
            false => x.clone(),
        };
        x.loss(kind, t, w, pw, reduction)
    })
    .map(NewTensor)
}

/// The LSTM cell's pointwise step: `(h', c')` from the gates' pre-activations and `c`.
#[catch_panics]
#[pyfunction]
fn lstm_cell(
    py: Python<'_>,
    gates: PyRef<'_, PyTensor>,
    c: PyRef<'_, PyTensor>,
) -> PyResult<(NewTensor, NewTensor)> {
    let (g, c) = (&gates.inner, &c.inner);
    let (h1, c1) = run(py, g.numel(), || g.lstm_cell(c))?;
    Ok((NewTensor(h1), NewTensor(c1)))
}

/// One direction of an LSTM layer over a sequence: `(outputs, h, c)` from the input's
/// projection `(T, B, 4H)`, the initial state and the hidden weights.
#[catch_panics]
#[pyfunction]
fn lstm_layer(
    py: Python<'_>,
    projected: PyRef<'_, PyTensor>,
    h0: PyRef<'_, PyTensor>,
    c0: PyRef<'_, PyTensor>,
    w_hh: PyRef<'_, PyTensor>,
    reverse: bool,
) -> PyResult<(NewTensor, NewTensor, NewTensor)> {
    let (p, h0, c0, w) = (&projected.inner, &h0.inner, &c0.inner, &w_hh.inner);
    let (out, h, c) = run(py, p.numel(), || p.lstm_layer(h0, c0, w, reverse))?;
    Ok((NewTensor(out), NewTensor(h), NewTensor(c)))
}

/// The GRU cell's pointwise step: `h'` from the input's and the state's projections and `h`.
#[catch_panics]
#[pyfunction]
fn gru_cell(
    py: Python<'_>,
    gx: PyRef<'_, PyTensor>,
    gh: PyRef<'_, PyTensor>,
    h: PyRef<'_, PyTensor>,
) -> PyResult<NewTensor> {
    let (x, y, h) = (&gx.inner, &gh.inner, &h.inner);
    run(py, x.numel(), || x.gru_cell(y, h)).map(NewTensor)
}

/// Adds this file's functions to `_core`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(softmax, m)?)?;
    m.add_function(wrap_pyfunction!(layer_norm, m)?)?;
    m.add_function(wrap_pyfunction!(logsumexp, m)?)?;
    m.add_function(wrap_pyfunction!(gather, m)?)?;
    m.add_function(wrap_pyfunction!(scatter_add, m)?)?;
    m.add_function(wrap_pyfunction!(index_select, m)?)?;
    m.add_function(wrap_pyfunction!(index_add_zeros, m)?)?;
    m.add_function(wrap_pyfunction!(cat, m)?)?;
    m.add_function(wrap_pyfunction!(stack, m)?)?;
    m.add_function(wrap_pyfunction!(sort, m)?)?;
    m.add_function(wrap_pyfunction!(conv2d, m)?)?;
    m.add_function(wrap_pyfunction!(max_pool2d, m)?)?;
    m.add_function(wrap_pyfunction!(avg_pool2d, m)?)?;
    m.add_function(wrap_pyfunction!(im2col, m)?)?;
    m.add_function(wrap_pyfunction!(col2im, m)?)?;
    m.add_function(wrap_pyfunction!(linear, m)?)?;
    m.add_function(wrap_pyfunction!(loss, m)?)?;
    m.add_function(wrap_pyfunction!(lstm_cell, m)?)?;
    m.add_function(wrap_pyfunction!(lstm_layer, m)?)?;
    m.add_function(wrap_pyfunction!(gru_cell, m)?)?;
    Ok(())
}
