//! Convolutions (`Conv1d`, `Conv2d`, `ConvTranspose2d`) and 2-D pooling, over the convolution
//! op (`Tensor::conv2d`) and the window kernels `im2col` and `col2im`.

use super::functional::{self, TransposedConv2d};
use super::{init, parameter, Module, TensorKind};
use crate::array::DType;
use crate::error::{Error, Result};
use crate::kernels::nn::Window2d;
use crate::tensor::Tensor;

/// Checks that `groups` is positive and divides both channel counts.
fn check_groups(in_channels: usize, out_channels: usize, groups: usize) -> Result<()> {
    if groups == 0 || !in_channels.is_multiple_of(groups) || !out_channels.is_multiple_of(groups) {
        return Err(Error::Value(format!(
            "groups ({groups}) must be positive and divide in_channels ({in_channels}) and out_channels ({out_channels})"
        )));
    }
    Ok(())
}

/// 2-D convolution (`nn.Conv2d` with `padding_mode='zeros'`) of `(N, C_in, H, W)` inputs with a
/// `(C_out, C_in / groups, kH, kW)` weight.
///
/// ```
/// use ferrograd::nn::{Conv2d, Module};
/// use ferrograd::{DType, Tensor};
///
/// # fn main() -> ferrograd::Result<()> {
/// let conv = Conv2d::new(3, 8, [3, 3])?.with_padding([1, 1]);
/// let y = conv.forward(&Tensor::randn(&[2, 3, 16, 16], DType::Float32)?)?;
/// assert_eq!(y.shape().as_slice(), &[2, 8, 16, 16]);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Conv2d {
    /// `(out_channels, in_channels / groups, kH, kW)`.
    pub weight: Tensor,
    /// `(out_channels,)`, if the layer has a bias.
    pub bias: Option<Tensor>,
    /// Step of the window along `(H, W)`.
    pub stride: [usize; 2],
    /// Zeros added on each side along `(H, W)`.
    pub padding: [usize; 2],
    /// Spacing between kernel taps along `(H, W)`.
    pub dilation: [usize; 2],
    /// Channel groups: input and output channels are split into this many independent groups.
    pub groups: usize,
}

impl Conv2d {
    /// A float32 layer with a bias, stride 1, no padding, dilation 1 and one group, initialised
    /// as PyTorch's (kaiming-uniform with `a = √5`; bias uniform in `±1/sqrt(fan_in)`).
    pub fn new(in_channels: usize, out_channels: usize, kernel_size: [usize; 2]) -> Result<Conv2d> {
        Conv2d::with_options(
            in_channels,
            out_channels,
            kernel_size,
            1,
            true,
            DType::Float32,
        )
    }

    /// A layer with `groups` groups, an optional bias and parameters of `dtype`.
    pub fn with_options(
        in_channels: usize,
        out_channels: usize,
        kernel_size: [usize; 2],
        groups: usize,
        bias: bool,
        dtype: DType,
    ) -> Result<Conv2d> {
        check_groups(in_channels, out_channels, groups)?;
        let shape = [
            out_channels,
            in_channels / groups,
            kernel_size[0],
            kernel_size[1],
        ];
        let (weight, bias) = init::default_weight_and_bias(&shape, bias, dtype)?;
        let mut conv = Conv2d::from_parameters(weight, bias)?;
        conv.groups = groups;
        Ok(conv)
    }

    /// A layer holding copies of the given values as its parameters (stride 1, no padding,
    /// dilation 1, one group: set the public fields or use the `with_*` methods to change them).
    pub fn from_parameters(weight: Tensor, bias: Option<Tensor>) -> Result<Conv2d> {
        if weight.ndim() != 4 {
            return Err(Error::Shape(format!(
                "Conv2d: expected a 4-D weight, got shape {:?}",
                weight.shape().as_slice()
            )));
        }
        Ok(Conv2d {
            weight: parameter(weight)?,
            bias: bias.map(parameter).transpose()?,
            stride: [1, 1],
            padding: [0, 0],
            dilation: [1, 1],
            groups: 1,
        })
    }

    /// This layer with another stride.
    pub fn with_stride(mut self, stride: [usize; 2]) -> Conv2d {
        self.stride = stride;
        self
    }

    /// This layer with another padding.
    pub fn with_padding(mut self, padding: [usize; 2]) -> Conv2d {
        self.padding = padding;
        self
    }

    /// This layer with another dilation.
    pub fn with_dilation(mut self, dilation: [usize; 2]) -> Conv2d {
        self.dilation = dilation;
        self
    }
}

impl Module for Conv2d {
    fn forward(&self, input: &Tensor) -> Result<Tensor> {
        input.conv2d(
            &self.weight,
            self.bias.as_ref(),
            self.stride,
            self.padding,
            self.dilation,
            self.groups,
        )
    }

    fn visit(&self, f: &mut dyn FnMut(&str, &Tensor, TensorKind)) {
        f("weight", &self.weight, TensorKind::Parameter);
        if let Some(b) = &self.bias {
            f("bias", b, TensorKind::Parameter);
        }
    }
}

/// 1-D convolution (`nn.Conv1d`) of `(N, C_in, L)` inputs with a `(C_out, C_in / groups, k)`
/// weight: a [`Conv2d`] over a height of 1.
///
/// ```
/// use ferrograd::nn::{Conv1d, Module};
/// use ferrograd::{DType, Tensor};
///
/// # fn main() -> ferrograd::Result<()> {
/// let conv = Conv1d::new(2, 4, 3)?;
/// let y = conv.forward(&Tensor::randn(&[1, 2, 10], DType::Float32)?)?;
/// assert_eq!(y.shape().as_slice(), &[1, 4, 8]);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Conv1d {
    /// `(out_channels, in_channels / groups, k)`.
    pub weight: Tensor,
    /// `(out_channels,)`, if the layer has a bias.
    pub bias: Option<Tensor>,
    /// Step of the window.
    pub stride: usize,
    /// Zeros added on each side.
    pub padding: usize,
    /// Spacing between kernel taps.
    pub dilation: usize,
    /// Channel groups.
    pub groups: usize,
}

impl Conv1d {
    /// A float32 layer with a bias, stride 1, no padding, dilation 1 and one group, initialised
    /// as PyTorch's.
    pub fn new(in_channels: usize, out_channels: usize, kernel_size: usize) -> Result<Conv1d> {
        let (weight, bias) = init::default_weight_and_bias(
            &[out_channels, in_channels, kernel_size],
            true,
            DType::Float32,
        )?;
        Conv1d::from_parameters(weight, bias)
    }

    /// A layer holding copies of the given values as its parameters (stride 1, no padding,
    /// dilation 1, one group; the fields are public).
    pub fn from_parameters(weight: Tensor, bias: Option<Tensor>) -> Result<Conv1d> {
        if weight.ndim() != 3 {
            return Err(Error::Shape(format!(
                "Conv1d: expected a 3-D weight, got shape {:?}",
                weight.shape().as_slice()
            )));
        }
        Ok(Conv1d {
            weight: parameter(weight)?,
            bias: bias.map(parameter).transpose()?,
            stride: 1,
            padding: 0,
            dilation: 1,
            groups: 1,
        })
    }
}

impl Module for Conv1d {
    fn forward(&self, input: &Tensor) -> Result<Tensor> {
        if input.ndim() != 3 {
            return Err(Error::Shape(format!(
                "conv1d: expected a 3-D input (N, C, L), got shape {:?}",
                input.shape().as_slice()
            )));
        }
        let y = input.unsqueeze(2)?.conv2d(
            &self.weight.unsqueeze(2)?,
            self.bias.as_ref(),
            [1, self.stride],
            [0, self.padding],
            [1, self.dilation],
            self.groups,
        )?;
        y.squeeze(Some(2))
    }

    fn visit(&self, f: &mut dyn FnMut(&str, &Tensor, TensorKind)) {
        f("weight", &self.weight, TensorKind::Parameter);
        if let Some(b) = &self.bias {
            f("bias", b, TensorKind::Parameter);
        }
    }
}

/// 2-D transposed convolution (`nn.ConvTranspose2d`, zero padding mode) of `(N, C_in, H, W)`
/// inputs with a `(C_in, C_out / groups, kH, kW)` weight: see
/// [`functional::conv_transpose2d`] for the output size.
///
/// ```
/// use ferrograd::nn::{ConvTranspose2d, Module};
/// use ferrograd::{DType, Tensor};
///
/// # fn main() -> ferrograd::Result<()> {
/// // doubles the spatial size, as a decoder's upsampling step
/// let up = ConvTranspose2d::new(8, 4, [3, 3])?.with_stride([2, 2]).with_padding([1, 1]).with_output_padding([1, 1]);
/// let y = up.forward(&Tensor::randn(&[2, 8, 5, 5], DType::Float32)?)?;
/// assert_eq!(y.shape().as_slice(), &[2, 4, 10, 10]);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct ConvTranspose2d {
    /// `(in_channels, out_channels / groups, kH, kW)`.
    pub weight: Tensor,
    /// `(out_channels,)`, if the layer has a bias.
    pub bias: Option<Tensor>,
    /// Stride, padding, output padding, groups and dilation.
    pub geometry: TransposedConv2d,
}

impl ConvTranspose2d {
    /// A float32 layer with a bias and the default geometry, initialised as PyTorch's
    /// (kaiming-uniform with `a = √5` over `fan_in = out_channels / groups · kH · kW`; bias
    /// uniform in `±1/sqrt(fan_in)`).
    pub fn new(
        in_channels: usize,
        out_channels: usize,
        kernel_size: [usize; 2],
    ) -> Result<ConvTranspose2d> {
        let (groups, bias) = (1, true);
        ConvTranspose2d::with_options(
            in_channels,
            out_channels,
            kernel_size,
            groups,
            bias,
            DType::Float32,
        )
    }

    /// A layer with `groups` groups, an optional bias and parameters of `dtype`.
    pub fn with_options(
        in_channels: usize,
        out_channels: usize,
        kernel_size: [usize; 2],
        groups: usize,
        bias: bool,
        dtype: DType,
    ) -> Result<ConvTranspose2d> {
        check_groups(in_channels, out_channels, groups)?;
        let shape = [
            in_channels,
            out_channels / groups,
            kernel_size[0],
            kernel_size[1],
        ];
        let weight = init::kaiming_uniform(&shape, 5f64.sqrt(), dtype)?;
        let fan_in = init::fan_in(&shape)?;
        let bias = if bias {
            let bound = 1.0 / (fan_in.max(1) as f64).sqrt();
            Some(init::uniform(&[out_channels], -bound, bound, dtype)?)
        } else {
            None
        };
        let mut layer = ConvTranspose2d::from_parameters(weight, bias)?;
        layer.geometry.groups = groups;
        Ok(layer)
    }

    /// A layer holding copies of the given values as its parameters, with the default geometry
    /// (set the public fields or use the `with_*` methods to change it).
    pub fn from_parameters(weight: Tensor, bias: Option<Tensor>) -> Result<ConvTranspose2d> {
        if weight.ndim() != 4 {
            return Err(Error::Shape(format!(
                "ConvTranspose2d: expected a 4-D weight, got shape {:?}",
                weight.shape().as_slice()
            )));
        }
        Ok(ConvTranspose2d {
            weight: parameter(weight)?,
            bias: bias.map(parameter).transpose()?,
            geometry: TransposedConv2d::default(),
        })
    }

    /// This layer with another stride.
    pub fn with_stride(mut self, stride: [usize; 2]) -> ConvTranspose2d {
        self.geometry.stride = stride;
        self
    }

    /// This layer with another padding.
    pub fn with_padding(mut self, padding: [usize; 2]) -> ConvTranspose2d {
        self.geometry.padding = padding;
        self
    }

    /// This layer with another output padding.
    pub fn with_output_padding(mut self, output_padding: [usize; 2]) -> ConvTranspose2d {
        self.geometry.output_padding = output_padding;
        self
    }

    /// This layer with another dilation.
    pub fn with_dilation(mut self, dilation: [usize; 2]) -> ConvTranspose2d {
        self.geometry.dilation = dilation;
        self
    }
}

impl Module for ConvTranspose2d {
    fn forward(&self, input: &Tensor) -> Result<Tensor> {
        functional::conv_transpose2d(input, &self.weight, self.bias.as_ref(), self.geometry)
    }

    fn visit(&self, f: &mut dyn FnMut(&str, &Tensor, TensorKind)) {
        f("weight", &self.weight, TensorKind::Parameter);
        if let Some(b) = &self.bias {
            f("bias", b, TensorKind::Parameter);
        }
    }
}

/// Max pooling over `(H, W)` windows (`nn.MaxPool2d`; the stride defaults to the kernel size).
#[derive(Clone, Copy, Debug)]
pub struct MaxPool2d {
    /// The window geometry.
    pub window: Window2d,
}

impl MaxPool2d {
    /// Non-overlapping windows of `kernel_size` (stride = kernel size, no padding).
    pub fn new(kernel_size: [usize; 2]) -> MaxPool2d {
        MaxPool2d {
            window: Window2d {
                kernel: kernel_size,
                stride: kernel_size,
                padding: [0, 0],
                dilation: [1, 1],
            },
        }
    }
}

impl Module for MaxPool2d {
    fn forward(&self, input: &Tensor) -> Result<Tensor> {
        Ok(input.max_pool2d(self.window)?.0)
    }

    fn visit(&self, _: &mut dyn FnMut(&str, &Tensor, TensorKind)) {}
}

/// Average pooling over `(H, W)` windows (`nn.AvgPool2d`, padding counted in the average).
#[derive(Clone, Copy, Debug)]
pub struct AvgPool2d {
    /// The window geometry (dilation must stay 1 for PyTorch's semantics).
    pub window: Window2d,
}

impl AvgPool2d {
    /// Non-overlapping windows of `kernel_size` (stride = kernel size, no padding).
    pub fn new(kernel_size: [usize; 2]) -> AvgPool2d {
        AvgPool2d {
            window: MaxPool2d::new(kernel_size).window,
        }
    }
}

impl Module for AvgPool2d {
    fn forward(&self, input: &Tensor) -> Result<Tensor> {
        input.avg_pool2d(self.window)
    }

    fn visit(&self, _: &mut dyn FnMut(&str, &Tensor, TensorKind)) {}
}
