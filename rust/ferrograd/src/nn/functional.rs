//! Stateless activations, losses and layers (`torch.nn.functional`), composed of recorded
//! operations so that their gradients come from autograd.
//!
//! ```
//! use ferrograd::nn::functional as F;
//! use ferrograd::Tensor;
//!
//! # fn main() -> ferrograd::Result<()> {
//! let x = Tensor::from(vec![-1.0f64, 0.0, 2.0]);
//! assert_eq!(F::relu(&x)?.to_vec::<f64>()?, [0.0, 0.0, 2.0]);
//! let p = F::softmax(&x, 0)?.to_vec::<f64>()?;
//! assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
//! # Ok(())
//! # }
//! ```

pub use crate::ops::loss::Reduction;

use crate::array::DType;
use crate::error::{Error, Result};
use crate::kernels::Transposed;
use crate::tensor::Tensor;

fn constant(value: f64) -> Tensor {
    Tensor::scalar(value)
}

/// `max(x, 0)`.
pub fn relu(x: &Tensor) -> Result<Tensor> {
    x.relu()
}

/// The hyperbolic tangent.
pub fn tanh(x: &Tensor) -> Result<Tensor> {
    x.tanh()
}

/// The logistic sigmoid.
pub fn sigmoid(x: &Tensor) -> Result<Tensor> {
    x.sigmoid()
}

/// `x · sigmoid(x)` (SiLU, or swish).
pub fn silu(x: &Tensor) -> Result<Tensor> {
    x.mul(&x.sigmoid()?)
}

/// How [`gelu`] computes the Gaussian CDF (PyTorch's `approximate` argument).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GeluApproximate {
    /// Exactly, with `erf` (`approximate='none'`).
    #[default]
    None,
    /// With the tanh formula (`approximate='tanh'`).
    Tanh,
}

/// `x · Φ(x)`, Φ the standard normal CDF.
///
/// ```
/// use ferrograd::nn::functional::{gelu, GeluApproximate};
/// use ferrograd::Tensor;
/// let y = gelu(&Tensor::from(1.0f64), GeluApproximate::None).unwrap();
/// assert!((y.item().unwrap() - 0.8413447460685429).abs() < 1e-12);
/// ```
pub fn gelu(x: &Tensor, approximate: GeluApproximate) -> Result<Tensor> {
    let half_x = x.mul(&constant(0.5))?;
    let one_plus = match approximate {
        GeluApproximate::None => x.mul(&constant(std::f64::consts::FRAC_1_SQRT_2))?.erf()?,
        GeluApproximate::Tanh => {
            let cube = x.mul(x)?.mul(x)?;
            let inner = x.add(&cube.mul(&constant(0.044715))?)?;
            inner
                .mul(&constant((2.0 / std::f64::consts::PI).sqrt()))?
                .tanh()?
        }
    }
    .add(&constant(1.0))?;
    half_x.mul(&one_plus)
}

/// `exp(x) / sum(exp(x))` along `dim`.
pub fn softmax(x: &Tensor, dim: isize) -> Result<Tensor> {
    x.softmax(dim)
}

/// `log(softmax(x))` along `dim`, computed stably.
pub fn log_softmax(x: &Tensor, dim: isize) -> Result<Tensor> {
    x.log_softmax(dim)
}

/// `x @ weightᵀ + bias` (`F.linear`), weight `(out, in)`, over any leading dimensions of `x`.
pub fn linear(x: &Tensor, weight: &Tensor, bias: Option<&Tensor>) -> Result<Tensor> {
    if x.ndim() < 2 {
        let y = linear(&x.unsqueeze(0)?, weight, bias)?;
        return y.squeeze(Some(0));
    }
    x.matmul_transposed(weight, Transposed { a: false, b: true }, bias)
}

/// Zeroes each element with probability `p` and scales the rest by `1 / (1 - p)` when
/// `training`; the identity otherwise.
pub fn dropout(x: &Tensor, p: f64, training: bool) -> Result<Tensor> {
    if !(0.0..=1.0).contains(&p) {
        return Err(Error::Value(format!(
            "dropout probability has to be between 0 and 1, but got {p}"
        )));
    }
    if !training || p == 0.0 {
        return Ok(x.clone());
    }
    if p == 1.0 {
        return x.mul(&constant(0.0));
    }
    let keep = Tensor::bernoulli(&x.shape(), 1.0 - p, x.dtype())?;
    x.mul(&keep)?.mul(&constant(1.0 / (1.0 - p)))
}

/// The dimensions `[-k, 0)` that a norm over a trailing `normalized_shape` of `k` sizes reduces.
fn trailing_dims(x: &Tensor, normalized_shape: &[usize]) -> Result<Vec<isize>> {
    crate::ops::norm::check_normalized_shape(x, normalized_shape)?;
    let k = normalized_shape.len() as isize;
    Ok((1..=k).rev().map(|i| -i).collect())
}

/// Layer normalisation over the trailing `normalized_shape` (`F.layer_norm`): the biased
/// variance, then the optional elementwise affine map (one fused op, `Tensor::layer_norm`).
pub fn layer_norm(
    x: &Tensor,
    normalized_shape: &[usize],
    weight: Option<&Tensor>,
    bias: Option<&Tensor>,
    eps: f64,
) -> Result<Tensor> {
    x.layer_norm(normalized_shape, weight, bias, eps)
}

/// Root-mean-square normalisation over the trailing `normalized_shape` (`F.rms_norm`); `eps`
/// `None` means the machine epsilon of `x`'s dtype, as in PyTorch.
pub fn rms_norm(
    x: &Tensor,
    normalized_shape: &[usize],
    weight: Option<&Tensor>,
    eps: Option<f64>,
) -> Result<Tensor> {
    let dims = trailing_dims(x, normalized_shape)?;
    let eps = eps.unwrap_or(match x.dtype() {
        DType::Float64 => f64::EPSILON,
        _ => f32::EPSILON as f64,
    });
    let scale = x
        .square()?
        .mean_dims(&dims, true)?
        .add(&constant(eps))?
        .rsqrt()?;
    let y = x.mul(&scale)?;
    match weight {
        Some(w) => y.mul(w),
        None => Ok(y),
    }
}

fn reduce(losses: Tensor, reduction: Reduction) -> Result<Tensor> {
    match reduction {
        Reduction::None => Ok(losses),
        Reduction::Mean => losses.mean(),
        Reduction::Sum => losses.sum(),
    }
}

/// Cross-entropy of logits `(N, C)` against class indices `(N,)` (int64), as
/// `F.cross_entropy(input, target, reduction=...)` with `ignore_index=-100`.
///
/// ```
/// use ferrograd::nn::functional::{cross_entropy, Reduction};
/// use ferrograd::Tensor;
/// let logits = Tensor::from([[2.0f64, 0.0], [0.0, 2.0]]);
/// let target = Tensor::from(vec![0i64, 1]);
/// let loss = cross_entropy(&logits, &target, Reduction::Mean).unwrap().item().unwrap();
/// assert!((loss - (1.0 + (-2.0f64).exp()).ln()).abs() < 1e-12);
/// ```
pub fn cross_entropy(input: &Tensor, target: &Tensor, reduction: Reduction) -> Result<Tensor> {
    input.cross_entropy(target, -100, reduction)
}

/// Negative log-likelihood of class indices under log-probabilities `(N, C)` (`F.nll_loss`).
pub fn nll_loss(input: &Tensor, target: &Tensor, reduction: Reduction) -> Result<Tensor> {
    input.nll_loss(target, -100, reduction)
}

fn same_shape(input: &Tensor, target: &Tensor, op: &str) -> Result<()> {
    if input.shape() != target.shape() {
        return Err(Error::Shape(format!(
            "{op}: target size ({:?}) must be the same as input size ({:?})",
            target.shape().as_slice(),
            input.shape().as_slice()
        )));
    }
    Ok(())
}

/// Mean squared error `(input - target)²` (`F.mse_loss`); the shapes must agree.
pub fn mse_loss(input: &Tensor, target: &Tensor, reduction: Reduction) -> Result<Tensor> {
    same_shape(input, target, "mse_loss")?;
    input.mse_loss(target, reduction)
}

/// Absolute error `|input - target|` (`F.l1_loss`); the shapes must agree.
pub fn l1_loss(input: &Tensor, target: &Tensor, reduction: Reduction) -> Result<Tensor> {
    same_shape(input, target, "l1_loss")?;
    reduce(input.sub(target)?.abs()?, reduction)
}

/// Binary cross-entropy of logits against targets in `[0, 1]`, computed stably as
/// `(1 - t)·x + max(-x, 0) + log(1 + exp(-|x|))` (`F.binary_cross_entropy_with_logits`).
pub fn binary_cross_entropy_with_logits(
    input: &Tensor,
    target: &Tensor,
    reduction: Reduction,
) -> Result<Tensor> {
    same_shape(input, target, "binary_cross_entropy_with_logits")?;
    input.loss(
        crate::ops::loss::LossKind::BinaryCrossEntropyWithLogits,
        target,
        None,
        None,
        reduction,
    )
}

/// The geometry of a transposed convolution along `(H, W)` (`conv_transpose2d`'s arguments
/// after the tensors), with PyTorch's defaults: stride 1, no padding, no output padding, one
/// group, dilation 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TransposedConv2d {
    /// Step between the input positions' places in the output.
    pub stride: [usize; 2],
    /// Rows and columns cut from each side of the full output (`dilation·(k-1) - padding`
    /// zeros of the equivalent direct convolution).
    pub padding: [usize; 2],
    /// Rows and columns added on one side (below `stride` or `dilation`), to reach the size a
    /// strided convolution's input had.
    pub output_padding: [usize; 2],
    /// Channel groups.
    pub groups: usize,
    /// Spacing between kernel taps.
    pub dilation: [usize; 2],
}

impl Default for TransposedConv2d {
    fn default() -> TransposedConv2d {
        TransposedConv2d {
            stride: [1, 1],
            padding: [0, 0],
            output_padding: [0, 0],
            groups: 1,
            dilation: [1, 1],
        }
    }
}

/// The 2-D transposed convolution (`F.conv_transpose2d`, the gradient of `conv2d` with respect
/// to its input) of `(N, C_in, H, W)` with a `(C_in, C_out / groups, kH, kW)` weight:
/// `(N, C_out, H_out, W_out)` with `H_out = (H - 1)·stride - 2·padding + dilation·(kH - 1) +
/// output_padding + 1`. Each input position adds its kernel-weighted values into the output
/// (one matrix product, then `col2im` sums the overlaps).
///
/// ```
/// use ferrograd::nn::functional::{conv_transpose2d, TransposedConv2d};
/// use ferrograd::Tensor;
///
/// # fn main() -> ferrograd::Result<()> {
/// let x = Tensor::from_vec(vec![1.0f32, 2.0], &[1, 1, 1, 2])?;
/// let w = Tensor::from_vec(vec![1.0f32, 10.0], &[1, 1, 1, 2])?;
/// let geometry = TransposedConv2d { stride: [1, 1], ..Default::default() };
/// let y = conv_transpose2d(&x, &w, None, geometry)?;
/// assert_eq!(y.to_vec::<f32>()?, [1.0, 12.0, 20.0]);
/// # Ok(())
/// # }
/// ```
pub fn conv_transpose2d(
    x: &Tensor,
    weight: &Tensor,
    bias: Option<&Tensor>,
    geometry: TransposedConv2d,
) -> Result<Tensor> {
    let TransposedConv2d {
        stride,
        padding,
        output_padding,
        groups,
        dilation,
    } = geometry;
    let (xs, ws) = (x.shape(), weight.shape());
    let ([n, c, h, w], [wc, og, kh, kw]) = match (xs.as_slice(), ws.as_slice()) {
        (&[n, c, h, w], &[wc, og, kh, kw]) => ([n, c, h, w], [wc, og, kh, kw]),
        _ => {
            return Err(Error::Shape(format!(
                "conv_transpose2d: expected a 4-D input (N, C, H, W) and a 4-D weight (C_in, C_out/groups, kH, kW), got shapes {:?} and {:?}",
                xs.as_slice(),
                ws.as_slice()
            )))
        }
    };
    if groups == 0 || !wc.is_multiple_of(groups) || wc != c {
        return Err(Error::Shape(format!(
            "Given transposed=1, weight of size {:?}, expected input {:?} to have {wc} channels, but got {c} channels instead (groups={groups} must divide them)",
            ws.as_slice(),
            xs.as_slice()
        )));
    }
    let window = crate::kernels::nn::Window2d {
        kernel: [kh, kw],
        stride,
        padding: [0, 0],
        dilation,
    };
    window.check("conv_transpose2d")?;
    for d in 0..2 {
        if output_padding[d] >= stride[d] && output_padding[d] >= dilation[d] {
            return Err(Error::Value(format!(
                "output padding must be smaller than either stride or dilation, but got output_padding={output_padding:?}, stride={stride:?}, dilation={dilation:?}"
            )));
        }
    }
    let out_channels = og * groups;
    if let Some(b) = bias {
        if b.shape().as_slice() != [out_channels] {
            return Err(Error::Shape(format!(
                "Given transposed=1, weight of size {:?}, expected bias to be 1-dimensional with {out_channels} elements, but got bias of size {:?} instead",
                ws.as_slice(),
                b.shape().as_slice()
            )));
        }
    }
    let full = [
        (h - 1) * stride[0] + dilation[0] * (kh - 1) + 1,
        (w - 1) * stride[1] + dilation[1] * (kw - 1) + 1,
    ];
    let out_size: Vec<usize> = (0..2)
        .map(|d| (full[d] + output_padding[d]).checked_sub(2 * padding[d]))
        .collect::<Option<_>>()
        .filter(|s: &Vec<usize>| !s.contains(&0))
        .ok_or_else(|| {
            Error::Shape(format!(
                "conv_transpose2d: the output size is not positive (input {:?}, padding {padding:?})",
                xs.as_slice()
            ))
        })?;
    let g = groups as isize;
    let (cg, taps) = ((c / groups) as isize, (og * kh * kw) as isize);
    // (G, Cg, Og·kh·kw)ᵀ against (N, G, Cg, H·W): every input position's kernel-weighted values
    let cols = weight
        .reshape(&[g, cg, taps])?
        .matmul_transposed(
            &x.reshape(&[n as isize, g, cg, (h * w) as isize])?,
            Transposed { a: true, b: false },
            None,
        )?
        .reshape(&[n as isize, g * taps, (h * w) as isize])?;
    let mut out = cols.col2im(window, full)?;
    // rows and columns past the full extent (output_padding beyond padding) are zeros
    for (d, axis) in [(0usize, 2isize), (1, 3)] {
        let tail = (padding[d] + out_size[d]).saturating_sub(full[d]);
        if tail > 0 {
            let mut shape = out.shape().to_vec();
            shape[axis as usize] = tail;
            out = Tensor::cat(&[out.clone(), Tensor::zeros(&shape, out.dtype())], axis)?;
        }
    }
    let all = crate::ops::IndexItem::Slice {
        start: None,
        stop: None,
        step: 1,
    };
    let cut = |d: usize| crate::ops::IndexItem::Slice {
        start: Some(padding[d] as i64),
        stop: Some((padding[d] + out_size[d]) as i64),
        step: 1,
    };
    let out = out.index(&[all.clone(), all, cut(0), cut(1)])?;
    match bias {
        Some(b) => out.add(&b.reshape(&[1, out_channels as isize, 1, 1])?),
        None => Ok(out),
    }
}
