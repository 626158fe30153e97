//! Array kernels. Each public function checks its operands, then runs on the operands' device:
//! the CPU implementations live in the submodules; arrays on another device go to that device's
//! backend as a `Kernel` description (and, for a kernel the backend lacks, through the host).
//! Kernels know nothing of autograd.

mod array_copies;
pub mod attention;
pub(crate) mod cpu;
mod creation;
pub use creation::{arange_on, fill_on, full_on, Number};
pub mod device;
pub use cpu::matmul::Transposed;
/// The element arithmetic of the kernels, for code that must compute exactly as they do.
pub(crate) use cpu::scalar::Scalar as ElementMath;
pub mod nn;
pub mod parallel;
pub mod scan;
mod vecmath;
pub(crate) use vecmath::activation as activation_kernels;
pub use vecmath::activation::Activation;
pub(crate) use vecmath::layer_norm as layer_norm_kernels;
pub(crate) use vecmath::pow as pow_kernels;
pub(crate) use vecmath::softmax as softmax_kernels;

use crate::array::{DType, Device, NdArray};
use crate::error::{Error, Result};

/// An elementwise kernel of one operand (the computation; the op table's
/// [`Unary`](crate::op_table::Unary) rows add names and derivatives).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `-x`.
    Neg,
    /// `|x|`.
    Abs,
    /// `-1`, `0` or `1` by the sign of `x`.
    Sign,
    /// `e^x`.
    Exp,
    /// The natural logarithm.
    Log,
    /// The base-2 logarithm.
    Log2,
    /// The base-10 logarithm.
    Log10,
    /// `2^x`.
    Exp2,
    /// The square root.
    Sqrt,
    /// `1 / sqrt(x)`.
    Rsqrt,
    /// The sine.
    Sin,
    /// The cosine.
    Cos,
    /// The tangent.
    Tan,
    /// The arctangent.
    Atan,
    /// The arcsine (NaN outside [-1, 1]).
    Asin,
    /// The arccosine (NaN outside [-1, 1]).
    Acos,
    /// The hyperbolic tangent.
    Tanh,
    /// `1 / (1 + e^-x)`.
    Sigmoid,
    /// `max(x, 0)`.
    Relu,
    /// Rounds down.
    Floor,
    /// Rounds up.
    Ceil,
    /// Rounds to the nearest integer, ties to even.
    Round,
    /// Rounds toward zero.
    Trunc,
    /// `log(1 + x)`, accurate near 0.
    Log1p,
    /// `e^x - 1`, accurate near 0.
    Expm1,
    /// The error function.
    Erf,
    /// `1 / x`.
    Reciprocal,
    /// `x * x`.
    Square,
    /// Logical not on bool, bitwise not on integers.
    Not,
}

/// An elementwise kernel of two broadcast operands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `a + b`.
    Add,
    /// `a - b`.
    Sub,
    /// `a * b`.
    Mul,
    /// `a / b` (true division).
    Div,
    /// `floor(a / b)`.
    FloorDiv,
    /// Python's remainder: the result takes the sign of the divisor.
    Rem,
    /// `a` to the power `b`.
    Pow,
    /// The larger of `a` and `b` (NaN if either is).
    Maximum,
    /// The smaller of `a` and `b` (NaN if either is).
    Minimum,
    /// The angle of the point `(b, a)`: `atan(a / b)` in the right quadrant.
    Atan2,
    /// `ln(exp(a) + exp(b))`, without overflow.
    LogAddExp,
    /// `log2(2^a + 2^b)`, without overflow.
    LogAddExp2,
    /// `a == b`.
    Eq,
    /// `a != b`.
    Ne,
    /// `a < b`.
    Lt,
    /// `a <= b`.
    Le,
    /// `a > b`.
    Gt,
    /// `a >= b`.
    Ge,
    /// Logical on bool, bitwise on integers.
    And,
    /// Logical on bool, bitwise on integers.
    Or,
    /// Logical on bool, bitwise on integers.
    Xor,
}

impl UnaryOp {
    /// The kernel's name, as device tables know it.
    pub fn name(self) -> &'static str {
        use UnaryOp::*;
        match self {
            Neg => "neg",
            Abs => "abs",
            Sign => "sign",
            Exp => "exp",
            Log => "log",
            Sqrt => "sqrt",
            Rsqrt => "rsqrt",
            Sin => "sin",
            Cos => "cos",
            Tan => "tan",
            Log2 => "log2",
            Log10 => "log10",
            Exp2 => "exp2",
            Atan => "atan",
            Asin => "asin",
            Acos => "acos",
            Tanh => "tanh",
            Sigmoid => "sigmoid",
            Relu => "relu",
            Floor => "floor",
            Ceil => "ceil",
            Round => "round",
            Trunc => "trunc",
            Log1p => "log1p",
            Expm1 => "expm1",
            Erf => "erf",
            Reciprocal => "reciprocal",
            Square => "square",
            Not => "not",
        }
    }
}

impl std::fmt::Display for BinaryOp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}

impl BinaryOp {
    /// The kernel's name, as device tables know it.
    pub fn name(self) -> &'static str {
        use BinaryOp::*;
        match self {
            Add => "add",
            Sub => "sub",
            Mul => "mul",
            Div => "div",
            FloorDiv => "floor_div",
            Rem => "rem",
            Pow => "pow",
            Maximum => "maximum",
            Minimum => "minimum",
            Atan2 => "atan2",
            LogAddExp => "logaddexp",
            LogAddExp2 => "logaddexp2",
            Eq => "eq",
            Ne => "ne",
            Lt => "lt",
            Le => "le",
            Gt => "gt",
            Ge => "ge",
            And => "and",
            Or => "or",
            Xor => "xor",
        }
    }

    /// Whether the kernel compares (`==`, `!=`, `<`, ...): its result is bool.
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReduceOp {
    Sum,
    Prod,
    Max,
    Min,
}

impl ReduceOp {
    /// The kernel's name, as device tables know it.
    pub fn name(self) -> &'static str {
        match self {
            ReduceOp::Sum => "sum",
            ReduceOp::Prod => "prod",
            ReduceOp::Max => "max",
            ReduceOp::Min => "min",
        }
    }
}

/// The accumulations a scan (`kernels::scan`) runs along an axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScanOp {
    Sum,
    Prod,
    LogSumExp,
}

impl ScanOp {
    /// The kernel's name, as device tables know it.
    pub fn name(self) -> &'static str {
        match self {
            ScanOp::Sum => "sum",
            ScanOp::Prod => "prod",
            ScanOp::LogSumExp => "logsumexp",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArgReduceOp {
    ArgMax,
    ArgMin,
}

impl ArgReduceOp {
    /// The kernel's name, as device tables know it.
    pub fn name(self) -> &'static str {
        match self {
            ArgReduceOp::ArgMax => "argmax",
            ArgReduceOp::ArgMin => "argmin",
        }
    }
}

/// One kernel call, described for a device backend.
#[derive(Clone, Debug, PartialEq)]
pub enum Kernel<'a> {
    /// An elementwise kernel of one operand.
    Unary(UnaryOp),
    /// An elementwise kernel of two broadcast operands.
    Binary(BinaryOp),
    /// inputs: condition (bool), a, b
    Where,
    /// A conversion to the dtype.
    Cast(DType),
    /// A reduction over `axes`.
    Reduce {
        /// Which reduction.
        op: ReduceOp,
        /// The axes reduced.
        axes: &'a [usize],
        /// Keep the reduced axes, as size 1.
        keepdim: bool,
    },
    /// The index of the maximum or minimum along `axis`.
    ArgReduce {
        /// Maximum or minimum.
        op: ArgReduceOp,
        /// The axis searched.
        axis: usize,
        /// Keep the axis, as size 1.
        keepdim: bool,
    },
    /// The matrix product of two operands (batched, broadcast).
    Matmul,
    /// inputs: a, b and, when present, the bias the product is added to
    MatmulTransposed {
        /// Which operands are read transposed.
        trans: Transposed,
    },
    /// The elements of a strided view of the (row-major) input, in row-major order.
    Gather {
        /// The view's shape.
        shape: &'a [usize],
        /// The view's strides over the input's row-major elements.
        strides: &'a [isize],
        /// The view's first element.
        offset: isize,
    },
    /// A view's elements in row-major order, in storage of their own.
    Contiguous,
    /// inputs: dst, src: `src` (broadcast) written into the view `dst`, in place.
    CopyInto,
    /// The adjoint of `Gather`: the input added into a zero array of `out_shape` at the view's positions.
    ScatterAdd {
        /// The result's shape (the viewed array's).
        out_shape: &'a [usize],
        /// The view's shape (the input's).
        shape: &'a [usize],
        /// The view's strides over the result's row-major elements.
        strides: &'a [isize],
        /// The view's first element.
        offset: isize,
    },
    /// inputs: a, index: the slices of `a` along `axis` that `index` names.
    IndexSelect {
        /// The axis indexed.
        axis: usize,
    },
    /// inputs: a, index: `a`'s slices along `axis` added into a zero array whose `axis` has `size`.
    IndexAdd {
        /// The axis indexed.
        axis: usize,
        /// The result's length along `axis`.
        size: usize,
    },
    // Neural-network kernels (see `nn`).
    /// Softmax along `axis`, or log-softmax when `log`.
    Softmax {
        /// The axis normalised over.
        axis: usize,
        /// Log-softmax instead of softmax.
        log: bool,
    },
    /// `log(sum(exp(a)))` along `axis`.
    LogSumExp {
        /// The axis reduced.
        axis: usize,
        /// Keep the axis, as size 1.
        keepdim: bool,
    },
    /// inputs: a, index
    GatherDim {
        /// The axis indexed.
        axis: usize,
    },
    /// inputs: self, index, src
    ScatterAddDim {
        /// The axis indexed.
        axis: usize,
    },
    /// inputs: the arrays to concatenate
    Cat {
        /// The axis joined along.
        axis: usize,
    },
    /// argsort (Int64 indices)
    Sort {
        /// The axis sorted.
        axis: usize,
        /// Largest first.
        descending: bool,
    },
    /// The windows of an `(N, C, H, W)` input as columns (a convolution's input to its product).
    Im2col {
        /// The convolution's window.
        window: nn::Window2d,
    },
    /// The adjoint of `Im2col`: columns summed back into an input of spatial `size`.
    Col2im {
        /// The convolution's window.
        window: nn::Window2d,
        /// The input's height and width.
        size: [usize; 2],
    },
    /// One of a two-dimensional convolution's kernels (one group; see `nn::conv2d`). The ops
    /// call it for host arrays only (other devices compose `Im2col` and a product); a backend
    /// without it runs the host kernel.
    Conv2d {
        /// The convolution's window.
        window: nn::Window2d,
        /// The output, or which gradient.
        part: nn::ConvPart,
    },
    /// The flat index of each window's maximum.
    MaxPool2dIndices {
        /// The pooling window.
        window: nn::Window2d,
    },
    // Scans along an axis (see `scan`).
    /// A running reduction (cumulative sum, product, ...) along `axis`.
    Scan {
        /// Which running reduction.
        op: ScanOp,
        /// The axis scanned.
        axis: usize,
        /// Scan from the end.
        reverse: bool,
    },
    /// The index (Int64) of the running max (`max`) or min along `axis`.
    ScanArgExtreme {
        /// The running maximum's index, else the minimum's.
        max: bool,
        /// The axis scanned.
        axis: usize,
    },
    /// inputs: a, b: `h_i = a_i·h_(i-1) + b_i` (from the end when `reverse`).
    LinearScan {
        /// The axis scanned.
        axis: usize,
        /// Run from the end.
        reverse: bool,
    },
    /// One recurrent cell's pointwise step, or its adjoint (see `nn::Cell`); a backend without
    /// it runs the host kernel.
    RecurrentCell {
        /// LSTM or GRU.
        cell: nn::Cell,
        /// The adjoint instead of the step.
        backward: bool,
        /// The step also returns, after its outputs, the activations its adjoint reads (the
        /// adjoint then takes those in place of the pre-activations).
        keep_activations: bool,
    },
    /// One direction of an LSTM layer over a whole sequence, or its adjoint (see
    /// `nn::lstm_layer`). The ops call it for host arrays only (other devices run the cell a
    /// step at a time); a backend without it runs the host kernel.
    LstmLayer {
        /// The adjoint instead of the forward pass.
        backward: bool,
        /// From the last time step to the first.
        reverse: bool,
        /// The forward pass also returns the activations its adjoint reads.
        keep_activations: bool,
    },
    /// Fused scaled dot-product attention, or its adjoint (see `attention`); a backend without
    /// it runs the host kernel.
    Attention {
        /// Shapes, scale, mask and dropout of the attention.
        spec: attention::AttentionSpec,
        /// The adjoint instead of the forward.
        backward: bool,
    },
    // Creation kernels (see `creation`): no inputs; the array is made on the device.
    /// An array of `shape` whose every element is `value` (exact in `dtype`).
    Full {
        /// The result's shape.
        shape: &'a [usize],
        /// The element.
        value: Number,
        /// The result's dtype.
        dtype: DType,
    },
    /// The `len` values `start + i·step` (both integers: computed in int64; both floats: in
    /// float64), then converted to `dtype`.
    Arange {
        /// The first value.
        start: Number,
        /// The difference between neighbours.
        step: Number,
        /// How many values.
        len: usize,
        /// The result's dtype.
        dtype: DType,
    },
}

/// Runs `kernel` on the inputs' device: `cpu` on the host, else the device backend (through
/// the host when the backend does not provide the kernel). Host kernels given here read their
/// inputs as contiguous arrays: views among them are copied first (`dispatch_strided` is for
/// the kernels that walk strides themselves).
fn dispatch(
    kernel: Kernel,
    inputs: &[&NdArray],
    cpu: impl FnOnce(&[&NdArray]) -> Result<NdArray>,
) -> Result<NdArray> {
    dispatch_strided(kernel, inputs, |x| {
        if x.iter().all(|a| a.is_contiguous()) {
            return cpu(x);
        }
        let dense: Vec<NdArray> = x.iter().map(|a| a.contiguous()).collect::<Result<_>>()?;
        cpu(&dense.iter().collect::<Vec<_>>())
    })
}

/// `dispatch` for host kernels that take strided inputs as they are.
fn dispatch_strided(
    kernel: Kernel,
    inputs: &[&NdArray],
    cpu: impl FnOnce(&[&NdArray]) -> Result<NdArray>,
) -> Result<NdArray> {
    let device = common_device(inputs)?;
    if device.is_cpu() {
        return opmath(&kernel, inputs, cpu);
    }
    let backend = device::backend_for(device)?;
    if let Some(out) = backend.run(&kernel, inputs, device)? {
        return Ok(out);
    }
    let host: Vec<NdArray> = inputs
        .iter()
        .map(|a| backend.to_host(a))
        .collect::<Result<_>>()?;
    let host_refs: Vec<&NdArray> = host.iter().collect();
    backend.to_device(&opmath(&kernel, &host_refs, cpu)?, device)
}

impl Kernel<'_> {
    /// Whether the kernel does arithmetic on its elements (rather than moving or comparing
    /// them one by one, which every dtype does exactly as it is).
    fn computes(&self) -> bool {
        matches!(
            self,
            Kernel::Unary(_)
                | Kernel::Binary(_)
                | Kernel::Reduce { .. }
                | Kernel::Matmul
                | Kernel::MatmulTransposed { .. }
                | Kernel::Softmax { .. }
                | Kernel::LogSumExp { .. }
                | Kernel::Col2im { .. }
                | Kernel::Conv2d { .. }
                | Kernel::Scan { .. }
                | Kernel::LinearScan { .. }
                | Kernel::RecurrentCell { .. }
                | Kernel::LstmLayer { .. }
                | Kernel::Attention { .. }
        )
    }
}

/// Runs a host kernel, computing float16 and bfloat16 in float32 as PyTorch's CPU kernels do
/// (their "opmath" type): the 16-bit operands of a kernel that computes are widened, the
/// kernel runs on float32, and a float32 result is rounded back to the 16-bit dtype. So sums
/// and products accumulate in float32, and every kernel needs only its float32 form.
fn opmath(
    kernel: &Kernel,
    inputs: &[&NdArray],
    cpu: impl FnOnce(&[&NdArray]) -> Result<NdArray>,
) -> Result<NdArray> {
    let reduced = inputs
        .iter()
        .map(|a| a.dtype())
        .find(|d| d.is_reduced_float());
    let Some(reduced) = reduced.filter(|_| kernel.computes()) else {
        return cpu(inputs);
    };
    let wide: Vec<NdArray> = inputs
        .iter()
        .map(|a| match a.dtype() == reduced {
            true => cpu::cast::cast(a, DType::Float32),
            false => Ok((*a).clone()),
        })
        .collect::<Result<_>>()?;
    let out = cpu(&wide.iter().collect::<Vec<_>>())?;
    match out.dtype() {
        DType::Float32 => cpu::cast::cast(&out, reduced),
        _ => Ok(out),
    }
}

/// The elements of the view `a` in row-major order, in storage of their own (a copy).
pub fn materialize(a: &NdArray) -> Result<NdArray> {
    dispatch_strided(Kernel::Contiguous, &[a], |x| cpu::index::materialize(x[0]))
}

/// Writes `src` (broadcast to `dst`'s shape, same dtype) into the elements `dst` views, in
/// place: the base and every other view of that storage see them. A `src` that overlaps
/// `dst` is read before anything is written.
pub fn copy_into(dst: &mut NdArray, src: &NdArray) -> Result<()> {
    check_same_dtype("copy_", dst, src)?;
    let device = common_device(&[dst, src])?;
    if !device.is_cpu() {
        let backend = device::backend_for(device)?;
        return match backend.run(&Kernel::CopyInto, &[dst, src], device)? {
            Some(_) => Ok(()),
            None => Err(Error::Device(format!(
                "the {device} backend cannot write into a view"
            ))),
        };
    }
    let (shape, strides, offset) = (
        dst.shape().to_vec(),
        dst.strides().to_vec(),
        dst.offset() as isize,
    );
    cpu::index::strided_assign(dst, src, &shape, &strides, offset)
}

pub fn common_device(inputs: &[&NdArray]) -> Result<Device> {
    let first = inputs.first().map_or(Device::Cpu, |a| a.device());
    for a in inputs {
        if a.device() != first {
            return Err(Error::Device(format!(
                "Expected all tensors to be on the same device, but found at least two devices, {first} and {}!",
                a.device()
            )));
        }
    }
    Ok(first)
}

fn check_same_dtype(op: impl std::fmt::Display, a: &NdArray, b: &NdArray) -> Result<()> {
    if a.dtype() != b.dtype() {
        return Err(Error::DType(format!(
            "{op}: expected both operands to have the same dtype, got {} and {}",
            a.dtype(),
            b.dtype()
        )));
    }
    Ok(())
}

/// Elementwise `op(a)`; the result has `a`'s dtype (floating ops need a floating input).
pub fn unary(op: UnaryOp, a: &NdArray) -> Result<NdArray> {
    dispatch_strided(Kernel::Unary(op), &[a], |x| cpu::unary::unary(op, x[0]))
}

/// Elementwise `op(a, b)` with broadcasting. Both operands have one dtype (the caller
/// promotes); comparisons give `Bool`, everything else that dtype.
pub fn binary(op: BinaryOp, a: &NdArray, b: &NdArray) -> Result<NdArray> {
    check_same_dtype(op, a, b)?;
    crate::array::shape::broadcast_shapes(a.shape(), b.shape())?;
    dispatch_strided(Kernel::Binary(op), &[a, b], |x| {
        if op.is_comparison() {
            cpu::compare::compare(op, x[0], x[1])
        } else {
            cpu::binary::binary(op, x[0], x[1])
        }
    })
}

/// `dst = op(dst, src)` in place, where `src` broadcasts to `dst`'s shape and both share a dtype.
/// CPU only: the tensor layer falls back to `binary` for device arrays.
pub fn binary_assign(op: BinaryOp, dst: &mut NdArray, src: &NdArray) -> Result<()> {
    check_same_dtype(op, dst, src)?;
    let out = crate::array::shape::broadcast_shapes(dst.shape(), src.shape())?;
    if out.as_slice() != dst.shape() {
        return Err(Error::Shape(format!(
            "output with shape {:?} doesn't match the broadcast shape {:?}",
            dst.shape(),
            out.as_slice()
        )));
    }
    // A float power goes through its vector kernel, whose polynomial steps are fused in the AVX
    // copies: out of place, so that `x **= y` gives the bits of `x ** y`.
    let float_power = op == BinaryOp::Pow && matches!(dst.dtype(), DType::Float32 | DType::Float64);
    if !dst.is_contiguous() || dst.may_overlap(src) || float_power {
        // A strided destination, or a source that reads what is written (`x += x`,
        // `x[1:] += x[:-1]`): computed out of place, then written through the view.
        let out = binary(op, dst, src)?;
        return copy_into(dst, &out);
    }
    cpu::binary::binary_assign(op, dst, src)
}

/// `dst += alpha * src` in place for floating arrays, `src` broadcasting to `dst` (CPU only).
pub fn scaled_add_assign(dst: &mut NdArray, src: &NdArray, alpha: f64) -> Result<()> {
    check_same_dtype("add_ with alpha", dst, src)?;
    if dst.dtype().is_reduced_float() {
        // `dst + alpha·src` in float32, rounded once (PyTorch's opmath).
        let mut wide = cast(dst, DType::Float32)?;
        scaled_add_assign(&mut wide, &cast(src, DType::Float32)?, alpha)?;
        return copy_into(dst, &cast(&wide, dst.dtype())?);
    }
    if !dst.is_contiguous() || dst.may_overlap(src) {
        let scaled = binary(BinaryOp::Mul, src, &NdArray::full(&[], alpha, src.dtype()))?;
        return binary_assign(BinaryOp::Add, dst, &scaled);
    }
    cpu::binary::scaled_add_assign(dst, src, alpha)
}

/// `cond ? a : b`, broadcasting all three; `a` and `b` share a dtype.
pub fn where_(cond: &NdArray, a: &NdArray, b: &NdArray) -> Result<NdArray> {
    if cond.dtype() != DType::Bool {
        return Err(Error::DType(format!(
            "where expected condition to be a bool tensor, got {}",
            cond.dtype()
        )));
    }
    check_same_dtype("where", a, b)?;
    dispatch(Kernel::Where, &[cond, a, b], |x| {
        cpu::ternary::where_(x[0], x[1], x[2])
    })
}

/// A copy of `a` converted to `dtype` (floats to integers truncate toward zero, as PyTorch).
pub fn cast(a: &NdArray, dtype: DType) -> Result<NdArray> {
    if a.dtype() == dtype {
        return Ok(a.clone());
    }
    dispatch_strided(Kernel::Cast(dtype), &[a], |x| cpu::cast::cast(x[0], dtype))
}

/// Reduces over `axes` (sorted, distinct, in range; empty reduces nothing).
pub fn reduce(op: ReduceOp, a: &NdArray, axes: &[usize], keepdim: bool) -> Result<NdArray> {
    dispatch_strided(Kernel::Reduce { op, axes, keepdim }, &[a], |x| {
        cpu::reduce::reduce(op, x[0], axes, keepdim)
    })
}

/// Index of the max or min along `axis`, as `Int64` (the first one on ties).
pub fn arg_reduce(op: ArgReduceOp, a: &NdArray, axis: usize, keepdim: bool) -> Result<NdArray> {
    dispatch(Kernel::ArgReduce { op, axis, keepdim }, &[a], |x| {
        cpu::reduce::arg_reduce(op, x[0], axis, keepdim)
    })
}

/// Batched matrix product of `[..., n, k]` and `[..., k, m]` (both at least 2-D; batch
/// dimensions broadcast).
pub fn matmul(a: &NdArray, b: &NdArray) -> Result<NdArray> {
    matmul_transposed(a, b, Transposed::default(), None)
}

/// `bias + op(a) @ op(b)`: `matmul` with either operand read transposed (last two axes swapped,
/// without a copy) and the product added to `bias` broadcast to its shape, in one pass. An
/// operand that is a transposed view of row-major elements (`x.t()`, `x.mT`) is read the same
/// way: as its row-major elements with the flag flipped, never copied.
pub fn matmul_transposed(
    a: &NdArray,
    b: &NdArray,
    trans: Transposed,
    bias: Option<&NdArray>,
) -> Result<NdArray> {
    check_same_dtype("matmul", a, b)?;
    let (a, ta) = gemm_operand(a, trans.a)?;
    let (b, tb) = gemm_operand(b, trans.b)?;
    let trans = Transposed { a: ta, b: tb };
    cpu::matmul::product_shape(&a, &b, trans)?;
    if trans == Transposed::default() && bias.is_none() {
        return dispatch(Kernel::Matmul, &[&a, &b], |x| {
            cpu::matmul::matmul(x[0], x[1], trans, None)
        });
    }
    if let Some(c) = bias {
        check_same_dtype("matmul bias", &a, c)?;
    }
    let mut inputs = vec![&a, &b];
    inputs.extend(bias);
    dispatch(Kernel::MatmulTransposed { trans }, &inputs, |x| {
        cpu::matmul::matmul(x[0], x[1], trans, x.get(2).copied())
    })
}

/// `a` as the gemm should read it: a transposed view of row-major elements becomes those
/// elements with `transposed` flipped; anything else is left as it is.
fn gemm_operand(a: &NdArray, transposed: bool) -> Result<(NdArray, bool)> {
    let n = a.ndim();
    if a.is_contiguous() || n < 2 {
        return Ok((a.clone(), transposed));
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.swap(n - 2, n - 1);
    let swapped = a.layout().permuted(&order);
    if swapped.is_contiguous() {
        return Ok((a.view(swapped)?, !transposed));
    }
    Ok((a.clone(), transposed))
}

/// A contiguous copy of the strided view `a.flat[offset + Σ i_k·strides_k]` of `shape`
/// (transpose, permute, expand, slicing with steps).
pub fn gather(a: &NdArray, shape: &[usize], strides: &[isize], offset: isize) -> Result<NdArray> {
    dispatch(
        Kernel::Gather {
            shape,
            strides,
            offset,
        },
        &[a],
        |x| cpu::index::gather(x[0], shape, strides, offset),
    )
}

/// The adjoint of `gather`: zeros of `out_shape`, with `src` (of `shape`) added at the strided
/// view's positions.
pub fn scatter_add(
    src: &NdArray,
    out_shape: &[usize],
    shape: &[usize],
    strides: &[isize],
    offset: isize,
) -> Result<NdArray> {
    dispatch(
        Kernel::ScatterAdd {
            out_shape,
            shape,
            strides,
            offset,
        },
        &[src],
        |x| cpu::index::scatter_add(x[0], out_shape, shape, strides, offset),
    )
}

/// Selects entries of `indices` (`Int64`, 1-D) along `axis`.
pub fn index_select(a: &NdArray, axis: usize, indices: &NdArray) -> Result<NdArray> {
    dispatch(Kernel::IndexSelect { axis }, &[a, indices], |x| {
        cpu::index::index_select(x[0], axis, x[1])
    })
}

/// The adjoint of `index_select`: zeros with `size` entries along `axis`, `src` slices added at
/// `indices` (repeated indices accumulate).
pub fn index_add(src: &NdArray, axis: usize, indices: &NdArray, size: usize) -> Result<NdArray> {
    dispatch(Kernel::IndexAdd { axis, size }, &[src, indices], |x| {
        cpu::index::index_add(x[0], axis, x[1], size)
    })
}
