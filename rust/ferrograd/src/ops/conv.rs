//! Two-dimensional convolution. One group of host tensors records one node, computed by the
//! fused kernels of `kernels::cpu::conv` (no unfolded batch in memory), whose rule runs those
//! kernels again for its gradients unless they must be differentiable (`create_graph`,
//! forward mode), when it writes them with `im2col`, `col2im` and products. Other devices and
//! grouped convolutions compose `im2col` and a batched product per group directly.

use smallvec::smallvec;

use super::nn::isize_shape;
use crate::autograd::forward::any_dual;
use crate::autograd::op_rule::{single_grad, Grads, OpRule, RuleInputs, TangentInputs};
use crate::autograd::rules::{when, Op};
use crate::autograd::saved::Saved;
use crate::error::{Error, Result};
use crate::kernels::nn::{self as k, Window2d};
use crate::tensor::{needs_recording, record, Tensor};

impl Tensor {
    /// 2-D convolution (cross-correlation, as PyTorch's `conv2d`) of `(N, C, H, W)` with a
    /// `(O, C/groups, kh, kw)` weight. One group of host tensors: the fused kernels of
    /// `cpu::conv` (one node); otherwise `im2col` then one batched matrix product per group.
    pub fn conv2d(
        &self,
        weight: &Tensor,
        bias: Option<&Tensor>,
        stride: [usize; 2],
        padding: [usize; 2],
        dilation: [usize; 2],
        groups: usize,
    ) -> Result<Tensor> {
        let (xs, ws) = (self.shape(), weight.shape());
        if xs.len() != 4 {
            return Err(Error::Shape(format!(
                "conv2d: expected a 4-D input (N, C, H, W), got shape {:?}",
                xs.as_slice()
            )));
        }
        if ws.len() != 4 {
            return Err(Error::Shape(format!(
                "conv2d: expected a 4-D weight (out_channels, in_channels/groups, kH, kW), got shape {:?}",
                ws.as_slice()
            )));
        }
        let (n, c, h, w) = (xs[0], xs[1], xs[2], xs[3]);
        let (o, cg, kh, kw) = (ws[0], ws[1], ws[2], ws[3]);
        if groups == 0 || o % groups != 0 {
            return Err(Error::Value(format!(
                "conv2d: groups ({groups}) must be positive and divide out_channels ({o})"
            )));
        }
        if cg * groups != c {
            return Err(Error::Shape(format!(
                "Given groups={groups}, weight of size {:?}, expected input{:?} to have {} channels, but got {c} channels instead",
                ws.as_slice(),
                xs.as_slice(),
                cg * groups
            )));
        }
        let dtype = super::result_type(self, weight);
        if !dtype.is_floating() {
            return Err(Error::DType(format!(
                "conv2d: expected floating point input and weight, got {dtype}"
            )));
        }
        if self.dtype() != weight.dtype() {
            return Err(Error::Unsupported(format!(
                "conv2d: Input type ({}) and weight type ({}) should be the same",
                self.dtype(),
                weight.dtype()
            )));
        }
        let window = Window2d {
            kernel: [kh, kw],
            stride,
            padding,
            dilation,
        };
        window.check("conv2d")?;
        let (oh, ow) = match window.output_size(h, w) {
            Some((a, b)) if a > 0 && b > 0 => (a, b),
            _ => {
                return Err(Error::Shape(format!(
                    "conv2d: input of spatial size ({h}, {w}) (padded by {padding:?}) is smaller than the kernel ({kh}, {kw}) with dilation {dilation:?}"
                )))
            }
        };
        if let Some(b) = bias {
            if b.shape().as_slice() != [o] {
                return Err(Error::Shape(format!(
                    "conv2d: expected a bias of shape [{o}], got {:?}",
                    b.shape().as_slice()
                )));
            }
            if b.dtype() != dtype {
                return Err(Error::Unsupported(format!(
                    "conv2d: Input type ({dtype}) and bias type ({}) should be the same",
                    b.dtype()
                )));
            }
        }
        let on_host = [Some(self), Some(weight), bias]
            .into_iter()
            .flatten()
            .all(|t| t.device().is_cpu());
        if groups == 1 && on_host {
            let out = {
                let b = bias.map(Tensor::read);
                k::conv2d(&self.read(), &weight.read(), b.as_deref(), window)?
            };
            let op = Op::rule(Convolution {
                window,
                size: [h, w],
            });
            let mut inputs = vec![self, weight];
            inputs.extend(bias);
            return record(op, &inputs, out, |_| {
                smallvec![Saved::input(self), Saved::input(weight)]
            });
        }
        let l = (oh * ow) as isize;
        let cols = self.im2col(window)?;
        let out = if groups == 1 {
            weight
                .reshape(&[o as isize, (c * kh * kw) as isize])?
                .matmul(&cols)?
        } else {
            let g = groups as isize;
            let cols = cols.reshape(&[n as isize, g, (cg * kh * kw) as isize, l])?;
            let wg = weight.reshape(&[g, (o / groups) as isize, (cg * kh * kw) as isize])?;
            wg.matmul(&cols)?
        };
        let out = out.reshape(&[n as isize, o as isize, oh as isize, ow as isize])?;
        match bias {
            Some(b) => out.add(&b.reshape(&[1, o as isize, 1, 1])?),
            None => Ok(out),
        }
    }
}

/// A convolution node of one group: inputs `x`, `weight` and optionally `bias`; it saves `x`
/// and `weight`.
#[derive(Debug)]
struct Convolution {
    window: Window2d,
    /// The input's height and width.
    size: [usize; 2],
}

impl Convolution {
    /// The gradients of `x` and `weight` (where `needs`), computed by the fused kernels.
    fn fused_grads(&self, g: &Tensor, x: &Tensor, w: &Tensor, needs: [bool; 2]) -> Result<Grads> {
        let g = g.data();
        let gx = when(needs[0], || {
            let gx = k::conv2d_input_grad(&g, &w.data(), self.window, self.size)?;
            Ok(Tensor::from_array(gx))
        })?;
        let gw = when(needs[1], || {
            let gw = k::conv2d_weight_grad(&x.data(), &g, self.window)?;
            Ok(Tensor::from_array(gw))
        })?;
        Ok(smallvec![gx, gw])
    }

    /// The same gradients as differentiable operations (unfolded windows and products).
    fn composed_grads(
        &self,
        g: &Tensor,
        x: &Tensor,
        w: &Tensor,
        needs: [bool; 2],
    ) -> Result<Grads> {
        let ws = w.shape();
        let (n, o) = (g.shape()[0] as isize, ws[0] as isize);
        let depth = (ws[1] * ws[2] * ws[3]) as isize;
        let g = g.reshape(&[n, o, -1])?;
        let gx = when(needs[0], || {
            let cols = w.reshape(&[o, depth])?.transpose(0, 1)?.matmul(&g)?;
            cols.col2im(self.window, self.size)
        })?;
        let gw = when(needs[1], || {
            let cols = x.im2col(self.window)?;
            g.matmul(&cols.transpose(1, 2)?)?
                .sum_dims(&[0], false)?
                .reshape(&isize_shape(&ws))
        })?;
        Ok(smallvec![gx, gw])
    }
}

impl OpRule for Convolution {
    fn name(&self) -> &'static str {
        "ConvolutionBackward0"
    }

    fn backward(&self, grads: &[Option<Tensor>], r: &RuleInputs) -> Result<Grads> {
        let g = single_grad(grads)?;
        let (x, w) = (r.saved(0)?, r.saved(1)?);
        let needs = [r.need(0), r.need(1)];
        let differentiable = needs_recording(&[g, x, w]) || any_dual(&[g, x, w]);
        let mut grads = match differentiable {
            false => self.fused_grads(g, x, w, needs)?,
            true => self.composed_grads(g, x, w, needs)?,
        };
        if r.inputs.len() == 3 {
            grads.push(when(r.need(2), || g.sum_dims(&[0, 2, 3], false))?);
        }
        Ok(grads)
    }

    fn tangent(&self, cx: &TangentInputs) -> Result<Tensor> {
        // Bilinear in (x, weight), plus the bias.
        let (x, w, window) = (cx.x(0), cx.x(1), self.window);
        let conv = |x: &Tensor, w: &Tensor| {
            x.conv2d(w, None, window.stride, window.padding, window.dilation, 1)
        };
        let terms = [
            cx.t(0).map(|t| conv(t, w)).transpose()?,
            cx.t(1).map(|t| conv(x, t)).transpose()?,
        ];
        let product = match terms {
            [Some(a), Some(b)] => Some(a.add(&b)?),
            [a, b] => a.or(b),
        };
        let bias = cx.t(2).map(|t| t.reshape(&[1, -1, 1, 1])).transpose()?;
        match (product, bias) {
            (Some(p), Some(b)) => p.add(&b),
            (Some(p), None) => Ok(p),
            (None, Some(b)) => b.expand(&isize_shape(&cx.out().shape())),
            (None, None) => Err(Error::Autograd(
                "internal error: a tangent rule ran without a tangent".into(),
            )),
        }
    }
}
