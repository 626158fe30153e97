//! Classification losses as one call: composed of recorded operations (gather, mask, sum), so
//! their gradients of every order come from those operations' rules. From Python this replaces a
//! dozen facade calls per loss with one.

use crate::array::{DType, Device};
use crate::error::{Error, Result};
use crate::tensor::Tensor;

/// How per-sample losses are reduced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reduction {
    /// One loss per sample, same shape as the batch.
    None,
    /// The mean over samples (weighted, where the loss takes weights).
    Mean,
    /// The sum over samples.
    Sum,
}

impl Reduction {
    /// PyTorch's `reduction=` strings: `"none"`, `"mean"`, `"sum"`.
    ///
    /// # Errors
    ///
    /// [`Error::Value`] for any other string.
    pub fn parse(name: &str) -> Result<Reduction> {
        match name {
            "none" => Ok(Reduction::None),
            "mean" => Ok(Reduction::Mean),
            "sum" => Ok(Reduction::Sum),
            _ => Err(Error::Value(format!(
                "{name} is not a valid value for reduction"
            ))),
        }
    }
}

impl Tensor {
    /// Negative log-likelihood of the class indices `target` (`[M]`, integer) under the
    /// log-probabilities `self` (`[M, C]`): `-self[i, target[i]]` per sample, zero where the
    /// target is `ignore_index`; `Mean` divides the sum by the number of samples not ignored.
    pub fn nll_loss(
        &self,
        target: &Tensor,
        ignore_index: i64,
        reduction: Reduction,
    ) -> Result<Tensor> {
        let shape = self.shape();
        if shape.len() != 2 || target.shape().as_slice() != [shape[0]] {
            return Err(Error::Shape(format!(
                "nll_loss: expected log-probabilities of shape (M, C) and a target of shape (M,), got {:?} and {:?}",
                shape.as_slice(),
                target.shape().as_slice()
            )));
        }
        if !self.dtype().is_floating() {
            return Err(Error::DType(format!(
                "nll_loss: expected a floating point input, got {}",
                self.dtype()
            )));
        }
        if !matches!(target.dtype(), DType::Int64 | DType::Int32) {
            return Err(Error::DType(format!(
                "nll_loss: expected target of integer dtype (class indices, int64) but got {}",
                target.dtype()
            )));
        }
        let target = target.to_dtype(DType::Int64)?;
        if target.device() != Device::Meta {
            // A meta target has no values to check (its loss is only a shape).
            check_classes(&target, shape[1], ignore_index)?;
        }
        let on_device =
            |value: f64, dtype: DType| target.scalar_on(value, dtype).map(Tensor::from_array);
        let valid = target.ne(&on_device(ignore_index as f64, DType::Int64)?)?;
        let safe = target.where_(&valid, &on_device(0.0, DType::Int64)?)?;
        let picked = self.gather(1, &safe.unsqueeze(1)?)?.squeeze(Some(1))?;
        let mask = valid.to_dtype(self.dtype())?;
        // An ignored sample's loss is PyTorch's 0, not -(x * 0) (-0, or NaN for a NaN input).
        let losses = picked
            .neg()?
            .where_(&valid, &on_device(0.0, self.dtype())?)?;
        match reduction {
            Reduction::None => Ok(losses),
            Reduction::Sum => losses.sum(),
            Reduction::Mean => losses.sum()?.div(&mask.sum()?),
        }
    }

    /// `log_softmax` over the classes (axis 1) followed by `nll_loss`.
    pub fn cross_entropy(
        &self,
        target: &Tensor,
        ignore_index: i64,
        reduction: Reduction,
    ) -> Result<Tensor> {
        if self.ndim() != 2 {
            return Err(Error::Shape(format!(
                "cross_entropy: expected logits of shape (M, C), got {:?}",
                self.shape().as_slice()
            )));
        }
        self.log_softmax(1)?
            .nll_loss(target, ignore_index, reduction)
    }
}

/// Every target other than `ignore_index` is a class index in `[0, classes)`.
fn check_classes(target: &Tensor, classes: usize, ignore_index: i64) -> Result<()> {
    let host = target.data().to_device(Device::Cpu)?.contiguous()?;
    let wrong = host
        .as_slice::<i64>()?
        .iter()
        .find(|&&t| t != ignore_index && (t < 0 || t >= classes as i64));
    match wrong {
        Some(t) => Err(Error::Index(format!(
            "Target {t} is out of bounds (expected class indices in [0, {}]).",
            classes as i64 - 1
        ))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log_probs() -> Tensor {
        let x = Tensor::from_vec(vec![0.5f64, -1.0, 2.0, 0.0, 1.5, -0.5], &[2, 3]).unwrap();
        x.log_softmax(1).unwrap()
    }

    #[test]
    fn picks_and_averages_over_the_samples_not_ignored() {
        let lp = log_probs();
        let values = lp.data().to_f64_vec().unwrap();
        let target = Tensor::from_vec(vec![2i64, -100], &[2]).unwrap();
        let mean = lp
            .nll_loss(&target, -100, Reduction::Mean)
            .unwrap()
            .data()
            .item_f64()
            .unwrap();
        assert_eq!(mean, -values[2]);
        let target = Tensor::from_vec(vec![2i64, 0], &[2]).unwrap();
        let none = lp
            .nll_loss(&target, -100, Reduction::None)
            .unwrap()
            .data()
            .to_f64_vec()
            .unwrap();
        assert_eq!(none, vec![-values[2], -values[3]]);
        let sum = lp
            .nll_loss(&target, -100, Reduction::Sum)
            .unwrap()
            .data()
            .item_f64()
            .unwrap();
        assert_eq!(sum, -values[2] - values[3]);
    }

    #[test]
    fn bad_targets_are_errors() {
        let lp = log_probs();
        let out_of_range = Tensor::from_vec(vec![3i64, 0], &[2]).unwrap();
        assert!(matches!(
            lp.nll_loss(&out_of_range, -100, Reduction::Mean),
            Err(Error::Index(_))
        ));
        let short = Tensor::from_vec(vec![0i64], &[1]).unwrap();
        assert!(matches!(
            lp.nll_loss(&short, -100, Reduction::Mean),
            Err(Error::Shape(_))
        ));
        let float = Tensor::from_vec(vec![0.0f64, 1.0], &[2]).unwrap();
        assert!(matches!(
            lp.nll_loss(&float, -100, Reduction::Mean),
            Err(Error::DType(_))
        ));
        assert!(matches!(Reduction::parse("avg"), Err(Error::Value(_))));
    }
}
