//! The hinge losses over a row of class scores that PyTorch records as one node each:
//! `multi_margin_loss` (`MultiMarginLossBackward0`) and `multilabel_margin_loss`
//! (`MultilabelMarginLossBackward0`), members of the `LossOf` family (`ops/loss.rs`).
//!
//! Each sample's loss depends only on its own row of scores, so everything here works on the
//! input as rows `(N, C)` and comes from two functions: the per-sample losses, and the slope of
//! each sample's loss along its row. The backward is the slope times the sample's share of the
//! output gradient; the tangent is the slope's dot product with the row's tangent. Both are
//! written with recorded ops, so (unlike PyTorch's) the node has a double backward and a
//! forward-mode rule.

use crate::array::DType;
use crate::autograd::calc::Calc;
use crate::error::{Error, Result};
use crate::tensor::Tensor;

use super::loss::{LossKind, Reduction};

impl Tensor {
    /// The multi-class hinge loss of the scores `self` (`(N, C)`, or `(C,)` with a 0-d
    /// target) against class indices `target` (`F.multi_margin_loss`;
    /// `MultiMarginLossBackward0`). `p` is 1 or 2; `weight` scales each sample by its target
    /// class's weight; `Mean` averages over the samples.
    ///
    /// ```
    /// use ferrograd::ops::loss::Reduction;
    /// use ferrograd::Tensor;
    /// let x = Tensor::from_vec(vec![0.1f64, 0.2, 0.4], &[1, 3]).unwrap();
    /// let target = Tensor::from_vec(vec![1i64], &[1]).unwrap();
    /// let loss = x.multi_margin_loss(&target, 1, 1.0, None, Reduction::Mean).unwrap();
    /// assert!((loss.item().unwrap() - 0.7).abs() < 1e-12); // (0.9 + 1.2) / 3
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Value`] for another `p`, [`Error::Shape`] for a target that is not one class
    /// per sample or a weight that is not one per class, [`Error::DType`] for a non-integer
    /// target, [`Error::Index`] for a class out of range.
    pub fn multi_margin_loss(
        &self,
        target: &Tensor,
        p: u8,
        margin: f64,
        weight: Option<&Tensor>,
        reduction: Reduction,
    ) -> Result<Tensor> {
        let kind = LossKind::Margin(MarginKind::MultiMargin { p, margin });
        self.loss(kind, target, weight, None, reduction)
    }

    /// The multi-label hinge loss of the scores `self` (`(N, C)` or `(C,)`) against `target`
    /// of the same shape, whose rows list each sample's classes up to the first -1
    /// (`F.multilabel_margin_loss`; `MultilabelMarginLossBackward0`).
    ///
    /// # Errors
    ///
    /// [`Error::Shape`] for a target of another shape, [`Error::DType`] for a non-integer
    /// target, [`Error::Index`] for a class out of range.
    pub fn multilabel_margin_loss(&self, target: &Tensor, reduction: Reduction) -> Result<Tensor> {
        let kind = LossKind::Margin(MarginKind::MultilabelMargin);
        self.loss(kind, target, None, None, reduction)
    }
}

/// Which hinge loss, with its parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MarginKind {
    /// Per sample with target class `y`: `Σ_{i≠y} w[y] max(0, margin - x[y] + x[i])^p / C`.
    MultiMargin {
        /// The hinge's power, 1 or 2.
        p: u8,
        /// How far the target's score must exceed the others' to cost nothing.
        margin: f64,
    },
    /// Per sample, the target classes are the row of targets up to its first -1:
    /// `Σ_{j listed} Σ_{i not a target} max(0, 1 - x[j] + x[i]) / C`.
    MultilabelMargin,
}

/// A margin loss's operands, one sample per row.
struct Rows<'a> {
    kind: MarginKind,
    /// The scores, `(N, C)`.
    x: Tensor,
    /// Int64 targets: `(N,)` class indices (`MultiMargin`) or `(N, C)` lists ended by -1.
    t: Tensor,
    /// `MultiMargin`'s per-class weights, `(C,)`.
    weight: Option<&'a Tensor>,
}

impl<'a> Rows<'a> {
    fn new(kind: MarginKind, x: &Tensor, t: &Tensor, weight: Option<&'a Tensor>) -> Result<Self> {
        let x = x.reshape(&[-1, x.shape().last().map_or(1, |&c| c as isize)])?;
        let rows = match kind {
            MarginKind::MultiMargin { .. } => vec![-1],
            MarginKind::MultilabelMargin => vec![-1, x.shape()[1] as isize],
        };
        let t = t.to_dtype(DType::Int64)?.reshape(&rows)?;
        Ok(Rows { kind, x, t, weight })
    }

    fn classes(&self) -> usize {
        self.x.shape()[1]
    }

    /// `[[0, 1, ..., C-1]]`, compared with a column of class indices to find them in a row.
    fn class_positions(&self) -> Result<Tensor> {
        let c = self.classes() as i64;
        Tensor::arange_int(0, c, 1, DType::Int64, self.x.device())?.reshape(&[1, -1])
    }

    /// Each sample's loss, `(N,)`.
    fn losses(&self) -> Result<Tensor> {
        let zero = self.x.constant(0.0)?;
        let summed = match self.kind {
            MarginKind::MultiMargin { p, margin } => {
                let hinge = self.multi_margin_hinges(margin)?;
                let positive = hinge.value.clamp(Some(0.0), None)?;
                let powered = if p == 2 { positive.square()? } else { positive };
                powered
                    .where_(&hinge.others, &zero)?
                    .sum_dims(&[1], false)?
            }
            MarginKind::MultilabelMargin => {
                let pairs = self.multilabel_pairs()?;
                pairs
                    .hinge
                    .clamp(Some(0.0), None)?
                    .where_(&pairs.counted, &zero)?
                    .sum_dims(&[1, 2], false)?
            }
        };
        summed.mul(&self.sample_scale()?)
    }

    /// The slope of each sample's loss along its row of scores, `(N, C)`.
    fn slopes(&self) -> Result<Tensor> {
        let zero = self.x.constant(0.0)?;
        let dtype = self.x.dtype();
        let unscaled = match self.kind {
            MarginKind::MultiMargin { p, margin } => {
                let hinge = self.multi_margin_hinges(margin)?;
                let others = if p == 2 {
                    let positive = hinge.value.clamp(Some(0.0), None)?;
                    positive
                        .mul(&self.x.constant(2.0)?)?
                        .where_(&hinge.others, &zero)?
                } else {
                    let active = hinge.value.gt(&zero)?.logical_and(&hinge.others)?;
                    active.to_dtype(dtype)?
                };
                // the target's score pushes every active hinge down
                let target = others.sum_dims(&[1], true)?.neg()?;
                target.where_(&hinge.others.logical_not()?, &others)?
            }
            MarginKind::MultilabelMargin => {
                let pairs = self.multilabel_pairs()?;
                let active = pairs
                    .hinge
                    .gt(&zero)?
                    .logical_and(&pairs.counted)?
                    .to_dtype(dtype)?;
                // an active pair (listed j, other class i) raises x[i]'s slope, lowers x[j]'s
                let raised = active.sum_dims(&[1], false)?;
                let lowered = active.sum_dims(&[2], false)?.neg()?;
                raised.scatter_add(1, &pairs.listed_classes, &lowered)?
            }
        };
        unscaled.mul(&self.sample_scale()?.unsqueeze(-1)?)
    }

    /// The factor of each sample's sum of hinges: `w[y] / C` or `1 / C`, `(N,)` or 0-d.
    fn sample_scale(&self) -> Result<Tensor> {
        let per_class = 1.0 / self.classes().max(1) as f64;
        match self.weight {
            Some(w) => w
                .to_dtype(self.x.dtype())?
                .index_select(0, &self.t)?
                .mul(&self.x.constant(per_class)?),
            None => self.x.constant(per_class),
        }
    }

    fn multi_margin_hinges(&self, margin: f64) -> Result<MultiMarginHinges> {
        let target = self.t.unsqueeze(1)?;
        let picked = self.x.gather(1, &target)?;
        Ok(MultiMarginHinges {
            value: self.x.sub(&picked)?.add(&self.x.constant(margin)?)?,
            others: self.class_positions()?.ne(&target)?,
        })
    }

    fn multilabel_pairs(&self) -> Result<MultilabelPairs> {
        let t = &self.t;
        let ended = t.eq(&t.constant(-1.0)?)?.to_dtype(DType::Int64)?;
        let listed = ended.cummax(1)?.0.eq(&t.constant(0.0)?)?;
        let listed_classes = t.where_(&listed, &t.constant(0.0)?)?;
        // [n, j, class]: whether listed position j names the class
        let names = listed_classes
            .unsqueeze(2)?
            .eq(&self.class_positions()?.unsqueeze(0)?)?
            .logical_and(&listed.unsqueeze(2)?)?;
        let is_target = names
            .to_dtype(DType::Int64)?
            .sum_dims(&[1], false)?
            .gt(&t.constant(0.0)?)?;
        let picked = self.x.gather(1, &listed_classes)?;
        let hinge = self
            .x
            .unsqueeze(1)?
            .sub(&picked.unsqueeze(2)?)?
            .add(&self.x.constant(1.0)?)?;
        let counted = listed
            .unsqueeze(2)?
            .logical_and(&is_target.logical_not()?.unsqueeze(1)?)?;
        Ok(MultilabelPairs {
            hinge,
            counted,
            listed_classes,
        })
    }
}

/// `margin - x[y] + x[i]` for every class `i` of each row, and where `i ≠ y`.
struct MultiMarginHinges {
    value: Tensor,
    others: Tensor,
}

/// The hinges of `multilabel_margin_loss`, indexed `[n, j, i]` by sample, listed position `j`
/// and class `i`: `1 - x[t[j]] + x[i]`, and which pairs count (`j` listed, `i` not a target).
struct MultilabelPairs {
    hinge: Tensor,
    counted: Tensor,
    /// The targets with the positions after the list's end set to class 0, `(N, C)`.
    listed_classes: Tensor,
}

/// PyTorch's checks of a margin loss's operands (the class indices' range is checked where
/// they are gathered).
pub(super) fn check(
    kind: MarginKind,
    x: &Tensor,
    t: &Tensor,
    weight: Option<&Tensor>,
) -> Result<()> {
    let name = match kind {
        MarginKind::MultiMargin { p, .. } => {
            if p != 1 && p != 2 {
                return Err(Error::Value("only p == 1 and p == 2 supported".into()));
            }
            "multi_margin_loss"
        }
        MarginKind::MultilabelMargin => "multilabel_margin_loss",
    };
    if t.dtype().integer_range().is_none() {
        return Err(Error::DType(format!(
            "{name}: expected a target of integer dtype, got {}",
            t.dtype().scalar_type_name()
        )));
    }
    let (xs, ts) = (x.shape(), t.shape());
    let classes = xs.last().copied().unwrap_or(1);
    let fits = xs.len() <= 2
        && match kind {
            MarginKind::MultiMargin { .. } if xs.len() == 2 => ts.as_slice() == [xs[0]],
            MarginKind::MultiMargin { .. } => ts.is_empty() || ts.as_slice() == [1],
            MarginKind::MultilabelMargin => ts == xs,
        };
    if !fits {
        return Err(Error::Shape(format!(
            "{name}: expected an input of at most 2 dimensions and a target of {}, got input {:?} \
             and target {:?}",
            match kind {
                MarginKind::MultiMargin { .. } => "one class index per row",
                MarginKind::MultilabelMargin => "the input's shape",
            },
            xs.as_slice(),
            ts.as_slice()
        )));
    }
    match weight {
        Some(w) if w.shape().as_slice() != [classes] => Err(Error::Shape(format!(
            "{name}: inconsistent weight size, expected {classes} but got {:?}",
            w.shape().as_slice()
        ))),
        _ => Ok(()),
    }
}

/// The loss's value, reduced.
pub(super) fn value(
    kind: MarginKind,
    reduction: Reduction,
    x: &Tensor,
    t: &Tensor,
    weight: Option<&Tensor>,
) -> Result<Tensor> {
    reduce(
        Rows::new(kind, x, t, weight)?.losses()?,
        reduction,
        x.ndim(),
    )
}

/// The gradient of the input given the output's gradient `g`.
pub(super) fn input_grad(
    kind: MarginKind,
    reduction: Reduction,
    g: &Tensor,
    x: &Tensor,
    t: &Tensor,
    weight: Option<&Tensor>,
) -> Result<Tensor> {
    let rows = Rows::new(kind, x, t, weight)?;
    let per_sample = match reduction {
        Reduction::None => g.reshape(&[-1, 1])?,
        Reduction::Sum => g.clone(),
        Reduction::Mean => g.div(&g.constant(rows.x.shape()[0] as f64)?)?,
    };
    let shape: Vec<isize> = x.shape().iter().map(|&s| s as isize).collect();
    rows.slopes()?.mul(&per_sample)?.reshape(&shape)
}

/// The output's tangent given the input's tangent `tx`.
pub(super) fn tangent(
    kind: MarginKind,
    reduction: Reduction,
    x: &Tensor,
    t: &Tensor,
    weight: Option<&Tensor>,
    tx: &Tensor,
) -> Result<Tensor> {
    let rows = Rows::new(kind, x, t, weight)?;
    let tx = tx.reshape(&[-1, rows.classes() as isize])?;
    let per_sample = rows.slopes()?.mul(&tx)?.sum_dims(&[1], false)?;
    reduce(per_sample, reduction, x.ndim())
}

/// Per-sample values `(N,)` reduced; `None` gives one per sample of the input's batch (a 0-d
/// result for an unbatched input).
fn reduce(per_sample: Tensor, reduction: Reduction, input_rank: usize) -> Result<Tensor> {
    match reduction {
        Reduction::None if input_rank < 2 => per_sample.reshape(&[]),
        Reduction::None => Ok(per_sample),
        Reduction::Sum => per_sample.sum(),
        Reduction::Mean => per_sample.mean(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(t: &Tensor) -> Vec<f64> {
        t.data().to_f64_vec().unwrap()
    }

    fn gradient(loss: &Tensor, x: &Tensor) -> Vec<f64> {
        let grads = crate::autograd::grad(
            std::slice::from_ref(loss),
            std::slice::from_ref(x),
            &[None],
            Default::default(),
            false,
        )
        .unwrap();
        values(grads[0].as_ref().unwrap())
    }

    fn close(got: &[f64], want: &[f64]) {
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-12, "{got:?} != {want:?}");
        }
    }

    #[test]
    fn multi_margin_pushes_the_target_up_and_the_others_down() {
        let x = Tensor::from_vec(vec![0.1f64, 0.2, 0.4], &[1, 3])
            .unwrap()
            .requires_grad_()
            .unwrap();
        let target = Tensor::from_vec(vec![1i64], &[1]).unwrap();
        let loss = x
            .multi_margin_loss(&target, 1, 1.0, None, Reduction::Sum)
            .unwrap();
        assert_eq!(loss.grad_fn().unwrap().name(), "MultiMarginLossBackward0");
        close(&values(&loss), &[0.7]);
        close(&gradient(&loss, &x), &[1.0 / 3.0, -2.0 / 3.0, 1.0 / 3.0]);
    }

    #[test]
    fn multilabel_margin_counts_listed_against_unlisted_classes() {
        // PyTorch's documented example: targets 3 and 0, the list ends at the -1
        let x = Tensor::from_vec(vec![0.1f64, 0.2, 0.4, 0.8], &[1, 4])
            .unwrap()
            .requires_grad_()
            .unwrap();
        let target = Tensor::from_vec(vec![3i64, 0, -1, 1], &[1, 4]).unwrap();
        let loss = x.multilabel_margin_loss(&target, Reduction::Mean).unwrap();
        assert_eq!(
            loss.grad_fn().unwrap().name(),
            "MultilabelMarginLossBackward0"
        );
        close(&values(&loss), &[0.85]);
        close(&gradient(&loss, &x), &[-0.5, 0.5, 0.5, -0.5]);
    }

    #[test]
    fn bad_operands_are_errors() {
        let x = Tensor::from_vec(vec![0.1f64, 0.2, 0.4, 0.8], &[2, 2]).unwrap();
        let one_class = Tensor::from_vec(vec![1i64], &[1]).unwrap();
        let wrong_shape = x.multi_margin_loss(&one_class, 1, 1.0, None, Reduction::Mean);
        assert!(matches!(wrong_shape, Err(Error::Shape(_))));
        let classes = Tensor::from_vec(vec![1i64, 0], &[2]).unwrap();
        let p3 = x.multi_margin_loss(&classes, 3, 1.0, None, Reduction::Mean);
        assert!(matches!(p3, Err(Error::Value(_))));
        let float_target = Tensor::from_vec(vec![1.0f64, 0.0], &[2]).unwrap();
        let float = x.multi_margin_loss(&float_target, 1, 1.0, None, Reduction::Mean);
        assert!(matches!(float, Err(Error::DType(_))));
        let out_of_range = Tensor::from_vec(vec![1i64, 5], &[2]).unwrap();
        let far = x.multi_margin_loss(&out_of_range, 1, 1.0, None, Reduction::Mean);
        assert!(far.is_err());
        let lists = Tensor::from_vec(vec![1i64, -1], &[2]).unwrap();
        let unequal = x.multilabel_margin_loss(&lists, Reduction::Mean);
        assert!(matches!(unequal, Err(Error::Shape(_))));
    }
}
