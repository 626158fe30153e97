//! `Display` for [`Tensor`]: the text Python's `repr(tensor)` prints in PyTorch.
//!
//! ```
//! use ferrograd::Tensor;
//!
//! let t = Tensor::from([[1.0f32, 2.5], [-3.0, 4.0]]);
//! assert_eq!(t.to_string(), "tensor([[ 1.0000,  2.5000],\n        [-3.0000,  4.0000]])");
//! assert_eq!(Tensor::from(vec![1i64, 20]).to_string(), "tensor([ 1, 20])");
//! // integers print exactly, whatever their width
//! assert_eq!(Tensor::from(vec![9007199254740993i64]).to_string(), "tensor([9007199254740993])");
//! assert_eq!(Tensor::from(2.0f64).to_string(), "tensor(2., dtype=torch.float64)");
//! ```
//!
//! Floats print with 4 decimals (or as `1.` when every value is an integer, or in scientific
//! notation when nonzero magnitudes span more than 1000× or leave `[1e-4, 1e8]`), padded to a common
//! width; tensors of more than 1000 elements show the first and last 3 entries of each
//! dimension around `...`.

use std::fmt;

use crate::array::{Category, DType};
use crate::tensor::Tensor;

const THRESHOLD: usize = 1000;
const EDGE_ITEMS: usize = 3;

/// How every element of one tensor is written.
enum Style {
    Bool,
    Int,
    /// Floats that are all integers: `1.`.
    WholeFloat,
    Fixed,
    Scientific,
}

impl Style {
    fn of(dtype: DType, values: &[f64]) -> Style {
        match dtype.category() {
            Category::Bool => return Style::Bool,
            Category::Integer => return Style::Int,
            Category::Floating => {}
        }
        let nonzero: Vec<f64> = values
            .iter()
            .copied()
            .filter(|v| v.is_finite() && *v != 0.0)
            .map(f64::abs)
            .collect();
        let max = nonzero.iter().copied().fold(0.0, f64::max);
        let min = nonzero.iter().copied().fold(f64::INFINITY, f64::min);
        let spread = !nonzero.is_empty() && (max / min > 1000.0 || max > 1e8);
        if nonzero.iter().all(|v| v.fract() == 0.0) {
            if spread {
                Style::Scientific
            } else {
                Style::WholeFloat
            }
        } else if spread || min < 1e-4 {
            Style::Scientific
        } else {
            Style::Fixed
        }
    }

    fn format(&self, v: f64) -> String {
        if !v.is_finite() && !matches!(self, Style::Bool | Style::Int) {
            return if v.is_nan() {
                "nan".into()
            } else if v > 0.0 {
                "inf".into()
            } else {
                "-inf".into()
            };
        }
        match self {
            Style::Bool => if v != 0.0 { "True" } else { "False" }.into(),
            Style::Int => format!("{}", v as i64),
            Style::WholeFloat => format!("{v:.0}."),
            Style::Fixed => format!("{v:.4}"),
            Style::Scientific => {
                // Rust writes `1.0000e10`; Python `1.0000e+10`
                let text = format!("{v:.4e}");
                match text.split_once('e') {
                    Some((mantissa, exp)) => {
                        let (sign, digits) = match exp.strip_prefix('-') {
                            Some(d) => ('-', d),
                            None => ('+', exp),
                        };
                        format!("{mantissa}e{sign}{digits:0>2}")
                    }
                    None => text,
                }
            }
        }
    }
}

/// The indices kept along a dimension of `size` (all, or the edges when summarising), with
/// `None` where `...` goes.
fn kept(size: usize, summarize: bool) -> Vec<Option<usize>> {
    if summarize && size > 2 * EDGE_ITEMS {
        (0..EDGE_ITEMS)
            .map(Some)
            .chain([None])
            .chain((size - EDGE_ITEMS..size).map(Some))
            .collect()
    } else {
        (0..size).map(Some).collect()
    }
}

struct Printer<'a> {
    values: &'a [f64],
    /// The exact values of an integer tensor (`f64` holds integers only up to 2**53).
    integers: Option<&'a [i64]>,
    shape: &'a [usize],
    strides: Vec<usize>,
    summarize: bool,
    width: usize,
    style: Style,
}

impl Printer<'_> {
    fn element(&self, offset: usize) -> String {
        let text = match self.integers {
            Some(integers) => integers[offset].to_string(),
            None => self.style.format(self.values[offset]),
        };
        format!("{text:>w$}", w = self.width)
    }

    /// Dimension `dim` onward at `offset`, where the text starts in column `indent`.
    fn write(&self, out: &mut String, dim: usize, offset: usize, indent: usize) {
        if dim == self.shape.len() {
            out.push_str(&self.element(offset));
            return;
        }
        out.push('[');
        let entries = kept(self.shape[dim], self.summarize);
        let last_dim = dim + 1 == self.shape.len();
        for (i, entry) in entries.iter().enumerate() {
            if i > 0 {
                if last_dim {
                    out.push_str(", ");
                } else {
                    out.push(',');
                    // one line per row, and a blank line more per dimension above the rows
                    out.push_str(&"\n".repeat(self.shape.len() - dim - 1));
                    out.push_str(&" ".repeat(indent + 1));
                }
            }
            match entry {
                Some(index) => {
                    self.write(out, dim + 1, offset + index * self.strides[dim], indent + 1)
                }
                None => out.push_str(if last_dim { " ..." } else { "..." }),
            }
        }
        out.push(']');
    }
}

impl fmt::Display for Tensor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let data = self.data();
        let Ok(values) = data.contiguous().and_then(|a| a.to_f64_vec()) else {
            return write!(f, "tensor(<on {}>)", data.device());
        };
        let shape = data.shape().to_vec();
        let summarize = values.len() > THRESHOLD;
        let mut strides = vec![1usize; shape.len()];
        for d in (0..shape.len().saturating_sub(1)).rev() {
            strides[d] = strides[d + 1] * shape[d + 1];
        }
        let mut out = String::from("tensor(");
        if values.is_empty() {
            out.push_str("[]");
        } else {
            let style = Style::of(data.dtype(), &values);
            let integers = match style {
                Style::Int => self.to_vec_i64().ok(),
                _ => None,
            };
            // non-finite values do not widen the columns, as in PyTorch
            let width = match &integers {
                Some(integers) => integers.iter().map(|v| v.to_string().len()).max(),
                None => values
                    .iter()
                    .filter(|v| v.is_finite())
                    .map(|&v| style.format(v).len())
                    .max(),
            }
            .unwrap_or(0);
            let printer = Printer {
                values: &values,
                integers: integers.as_deref(),
                shape: &shape,
                strides,
                summarize,
                width,
                style,
            };
            printer.write(&mut out, 0, 0, "tensor(".len());
        }
        let dtype = data.dtype();
        if !matches!(dtype, DType::Float32 | DType::Int64 | DType::Bool)
            || (values.is_empty() && dtype != DType::Float32)
        {
            out.push_str(&format!(", dtype=torch.{}", dtype.name()));
        }
        if values.is_empty() && shape.len() > 1 {
            out.push_str(
                &format!(", size={shape:?}")
                    .replace('[', "(")
                    .replace(']', ")"),
            );
        }
        if let Some(node) = self.grad_fn() {
            out.push_str(&format!(", grad_fn=<{}>", node.name()));
        } else if self.requires_grad() {
            out.push_str(", requires_grad=True");
        }
        out.push(')');
        f.write_str(&out)
    }
}
