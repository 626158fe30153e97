//! `MultiheadAttention`, composed of matrix products and a softmax.

use super::{functional, init, parameter, visit_child, Linear, Module, TensorKind};
use crate::array::DType;
use crate::error::{Error, Result};
use crate::kernels::Transposed;
use crate::ops::IndexItem;
use crate::tensor::Tensor;

/// The constructor arguments of [`MultiheadAttention`] after the sizes, with PyTorch's defaults
/// (biases, no dropout, `(L, N, E)` tensors, float32).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AttentionConfig {
    /// Whether the input and output projections have biases.
    pub bias: bool,
    /// Dropout probability on the attention weights, in training mode.
    pub dropout: f64,
    /// Inputs and outputs are `(N, L, E)` rather than `(L, N, E)`.
    pub batch_first: bool,
    /// The parameters' dtype.
    pub dtype: DType,
}

impl Default for AttentionConfig {
    fn default() -> AttentionConfig {
        AttentionConfig {
            bias: true,
            dropout: 0.0,
            batch_first: false,
            dtype: DType::Float32,
        }
    }
}

/// The optional arguments of [`MultiheadAttention::attend`], with PyTorch's defaults (no
/// masks, weights returned and averaged over the heads).
///
/// Masks are boolean (`true`: the position may not be attended) or floating (added to the
/// scores). `key_padding_mask` is `(N, S)` (`(S,)` unbatched); `attn_mask` is `(L, S)` or
/// `(N·num_heads, L, S)`.
#[derive(Clone, Copy, Debug)]
pub struct AttentionOptions<'a> {
    /// Keys each batch element ignores, `(N, S)`.
    pub key_padding_mask: Option<&'a Tensor>,
    /// Whether to return the attention weights.
    pub need_weights: bool,
    /// Positions each query may not attend (or scores to add), `(L, S)` or `(N·heads, L, S)`.
    pub attn_mask: Option<&'a Tensor>,
    /// Return the weights averaged over the heads `(N, L, S)` rather than per head
    /// `(N, heads, L, S)`.
    pub average_attn_weights: bool,
}

impl Default for AttentionOptions<'_> {
    fn default() -> Self {
        AttentionOptions {
            key_padding_mask: None,
            need_weights: true,
            attn_mask: None,
            average_attn_weights: true,
        }
    }
}

/// Multi-head scaled dot-product attention (`nn.MultiheadAttention` with equal query, key and
/// value sizes): the query, key and value are projected by the rows of `in_proj_weight`, split
/// into `num_heads` heads of `embed_dim / num_heads` features, attended head by head as
/// `softmax(q kᵀ / √d + mask) v`, then joined and projected by `out_proj`.
///
/// Parameters are named as PyTorch's (`in_proj_weight`, `in_proj_bias`, `out_proj.weight`,
/// `out_proj.bias`) and initialised as PyTorch's (Xavier-uniform input projection, zero
/// biases). [`Module::forward`] is self-attention without masks; [`MultiheadAttention::attend`]
/// takes separate query, key and value, masks, and returns the weights.
///
/// ```
/// use ferrograd::nn::{AttentionConfig, AttentionOptions, MultiheadAttention};
/// use ferrograd::{DType, Tensor};
///
/// # fn main() -> ferrograd::Result<()> {
/// let config = AttentionConfig { batch_first: true, ..Default::default() };
/// let attention = MultiheadAttention::with_config(8, 2, config)?;
/// let x = Tensor::randn(&[3, 5, 8], DType::Float32)?; // (N, L, E)
/// // the last two keys of every sequence are padding
/// let padding = Tensor::from([[false, false, false, true, true]; 3]);
/// let options = AttentionOptions { key_padding_mask: Some(&padding), ..Default::default() };
/// let (y, weights) = attention.attend(&x, &x, &x, options)?;
/// assert_eq!(y.shape().as_slice(), &[3, 5, 8]);
/// let weights = weights.unwrap(); // (N, L, S), averaged over the heads
/// assert_eq!(weights.to_vec::<f32>()?.chunks(5).map(|row| row[3] + row[4]).sum::<f32>(), 0.0);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct MultiheadAttention {
    /// The model's feature size `E`.
    pub embed_dim: usize,
    /// Heads; each attends over `E / num_heads` features.
    pub num_heads: usize,
    /// Dropout probability on the attention weights, in training mode.
    pub dropout: f64,
    /// Inputs and outputs are `(N, L, E)` rather than `(L, N, E)`.
    pub batch_first: bool,
    /// The query, key and value projections stacked: `(3E, E)`.
    pub in_proj_weight: Tensor,
    /// Their biases stacked, `(3E,)`.
    pub in_proj_bias: Option<Tensor>,
    /// The output projection `(E, E)`.
    pub out_proj: Linear,
    /// Whether the layer is in training mode (dropout).
    pub training: bool,
}

impl MultiheadAttention {
    /// A float32 layer with biases, no dropout, over `(L, N, E)` tensors.
    pub fn new(embed_dim: usize, num_heads: usize) -> Result<MultiheadAttention> {
        MultiheadAttention::with_config(embed_dim, num_heads, AttentionConfig::default())
    }

    /// A layer with the given configuration, in training mode.
    pub fn with_config(
        embed_dim: usize,
        num_heads: usize,
        config: AttentionConfig,
    ) -> Result<MultiheadAttention> {
        if embed_dim == 0 || num_heads == 0 || !embed_dim.is_multiple_of(num_heads) {
            return Err(Error::Value(format!(
                "embed_dim must be divisible by num_heads (got embed_dim={embed_dim}, num_heads={num_heads})"
            )));
        }
        if !(0.0..=1.0).contains(&config.dropout) {
            return Err(Error::Value(format!(
                "dropout probability has to be between 0 and 1, but got {}",
                config.dropout
            )));
        }
        let bound = (6.0 / (4 * embed_dim) as f64).sqrt();
        let in_proj_weight = parameter(init::uniform(
            &[3 * embed_dim, embed_dim],
            -bound,
            bound,
            config.dtype,
        )?)?;
        let zeros = |n: usize| parameter(Tensor::zeros(&[n], config.dtype));
        let mut out_proj = Linear::with_dtype(embed_dim, embed_dim, config.bias, config.dtype)?;
        let in_proj_bias = if config.bias {
            out_proj.bias = Some(zeros(embed_dim)?);
            Some(zeros(3 * embed_dim)?)
        } else {
            None
        };
        Ok(MultiheadAttention {
            embed_dim,
            num_heads,
            dropout: config.dropout,
            batch_first: config.batch_first,
            in_proj_weight,
            in_proj_bias,
            out_proj,
            training: true,
        })
    }

    /// Rows `[k·E, (k+1)·E)` of a stacked projection (0: query, 1: key, 2: value).
    fn projection_part(stacked: &Tensor, k: usize, e: usize) -> Result<Tensor> {
        stacked.index(&[IndexItem::Slice {
            start: Some((k * e) as i64),
            stop: Some(((k + 1) * e) as i64),
            step: 1,
        }])
    }

    /// `(N, T, E)` projected by part `k` of the input projection and split into heads:
    /// `(N, heads, T, E / heads)`.
    fn project_heads(&self, x: &Tensor, k: usize) -> Result<Tensor> {
        let e = self.embed_dim;
        let weight = Self::projection_part(&self.in_proj_weight, k, e)?;
        let bias = self
            .in_proj_bias
            .as_ref()
            .map(|b| Self::projection_part(b, k, e))
            .transpose()?;
        let (n, t) = (x.shape()[0] as isize, x.shape()[1] as isize);
        let heads = self.num_heads as isize;
        functional::linear(x, &weight, bias.as_ref())?
            .reshape(&[n, t, heads, (e / self.num_heads) as isize])?
            .permute(&[0, 2, 1, 3])
    }

    /// Attention of `query` `(L, N, E)` over `key` and `value` `(S, N, E)` (batch first, or
    /// without `N`, as configured): the output, shaped as `query`, and, if
    /// `options.need_weights`, the attention weights (`(N, L, S)` averaged over the heads, or
    /// `(N, heads, L, S)`; without `N` for unbatched inputs).
    pub fn attend(
        &self,
        query: &Tensor,
        key: &Tensor,
        value: &Tensor,
        options: AttentionOptions<'_>,
    ) -> Result<(Tensor, Option<Tensor>)> {
        let unbatched = match (query.ndim(), key.ndim(), value.ndim()) {
            (2, 2, 2) => true,
            (3, 3, 3) => false,
            dims => {
                return Err(Error::Shape(format!(
                    "MultiheadAttention: query, key and value should all be 2-D (unbatched) or all 3-D (batched), got {dims:?} dimensions"
                )))
            }
        };
        let batch_major = |t: &Tensor| -> Result<Tensor> {
            if unbatched {
                t.unsqueeze(0)
            } else if self.batch_first {
                Ok(t.clone())
            } else {
                t.transpose(0, 1)
            }
        };
        let (q, k, v) = (batch_major(query)?, batch_major(key)?, batch_major(value)?);
        let e = self.embed_dim;
        for (name, t) in [("query", &q), ("key", &k), ("value", &v)] {
            if t.shape()[2] != e {
                return Err(Error::Shape(format!(
                    "was expecting embedding dimension of {e}, but got {} (in the {name})",
                    t.shape()[2]
                )));
            }
        }
        let (n, l, s) = (q.shape()[0], q.shape()[1], k.shape()[1]);
        if k.shape() != v.shape() || k.shape()[0] != n {
            return Err(Error::Shape(format!(
                "key shape {:?} does not match value shape {:?} or the query's batch",
                key.shape().as_slice(),
                value.shape().as_slice()
            )));
        }
        let mask = self.additive_mask(&options, unbatched, n, l, s, q.dtype())?;
        let head_dim = e / self.num_heads;
        let scale = Tensor::scalar(1.0 / (head_dim as f64).sqrt());
        let q = self.project_heads(&q, 0)?.mul(&scale)?;
        let (k, v) = (self.project_heads(&k, 1)?, self.project_heads(&v, 2)?);
        let scores = q.matmul_transposed(&k, Transposed { a: false, b: true }, mask.as_ref())?;
        let weights = functional::dropout(&scores.softmax(-1)?, self.dropout, self.training)?;
        let joined = weights
            .matmul(&v)?
            .permute(&[0, 2, 1, 3])?
            .reshape(&[n as isize, l as isize, e as isize])?;
        let out = self.out_proj.forward(&joined)?;
        let out = if unbatched {
            out.squeeze(Some(0))?
        } else if self.batch_first {
            out
        } else {
            out.transpose(0, 1)?
        };
        let weights = if options.need_weights {
            let w = if options.average_attn_weights {
                weights.mean_dims(&[1], false)?
            } else {
                weights
            };
            Some(if unbatched { w.squeeze(Some(0))? } else { w })
        } else {
            None
        };
        Ok((out, weights))
    }

    /// The masks as one tensor added to the scores `(N, heads, L, S)` (broadcasting), or `None`.
    fn additive_mask(
        &self,
        options: &AttentionOptions<'_>,
        unbatched: bool,
        n: usize,
        l: usize,
        s: usize,
        dtype: DType,
    ) -> Result<Option<Tensor>> {
        let heads = self.num_heads;
        let mut total: Option<Tensor> = None;
        if let Some(mask) = options.attn_mask {
            let shape = mask.shape();
            let as_4d: Vec<isize> = match shape.as_slice() {
                [a, b] if [*a, *b] == [l, s] => vec![1, 1, l as isize, s as isize],
                [a, b, c] if [*a, *b, *c] == [n * heads, l, s] => {
                    vec![n as isize, heads as isize, l as isize, s as isize]
                }
                other => {
                    return Err(Error::Shape(format!(
                        "The shape of the attn_mask is {other:?}, but should be {:?} or {:?}.",
                        [l, s],
                        [n * heads, l, s]
                    )))
                }
            };
            total = Some(additive(mask, dtype, "attn_mask")?.reshape(&as_4d)?);
        }
        if let Some(mask) = options.key_padding_mask {
            let wanted: Vec<usize> = if unbatched { vec![s] } else { vec![n, s] };
            if mask.shape().as_slice() != wanted {
                return Err(Error::Shape(format!(
                    "expected key_padding_mask of shape {wanted:?}, but got {:?}",
                    mask.shape().as_slice()
                )));
            }
            let padding = additive(mask, dtype, "key_padding_mask")?
                .reshape(&[n as isize, 1, 1, s as isize])?;
            total = Some(match total {
                Some(t) => t.add(&padding)?,
                None => padding,
            });
        }
        Ok(total)
    }
}

/// A mask as scores to add: `-inf` where a boolean mask is `true`, a floating mask as it is.
fn additive(mask: &Tensor, dtype: DType, name: &str) -> Result<Tensor> {
    match mask.dtype() {
        DType::Bool => {
            Tensor::full(&[], f64::NEG_INFINITY, dtype).where_(mask, &Tensor::zeros(&[], dtype))
        }
        d if d.is_floating() => mask.to_dtype(dtype),
        d => Err(Error::DType(format!(
            "only bool and floating types of {name} are supported, got {d}"
        ))),
    }
}

impl Module for MultiheadAttention {
    /// Self-attention of `input` without masks: the output only.
    fn forward(&self, input: &Tensor) -> Result<Tensor> {
        let options = AttentionOptions {
            need_weights: false,
            ..Default::default()
        };
        Ok(self.attend(input, input, input, options)?.0)
    }

    fn visit(&self, f: &mut dyn FnMut(&str, &Tensor, TensorKind)) {
        f(
            "in_proj_weight",
            &self.in_proj_weight,
            TensorKind::Parameter,
        );
        if let Some(b) = &self.in_proj_bias {
            f("in_proj_bias", b, TensorKind::Parameter);
        }
        visit_child(f, "out_proj", &self.out_proj);
    }

    fn train(&mut self, mode: bool) {
        self.training = mode;
    }
}
