//! Anomaly detection: nodes remember where they were created, and a gradient with NaN raises an
//! error naming the node and showing that creation trace.

use std::sync::Arc;

use parking_lot::RwLock;

use super::mode::is_anomaly_enabled;
use crate::error::{Error, Result};
use crate::tensor::Tensor;

type TraceProvider = Arc<dyn Fn() -> String + Send + Sync>;

static PROVIDER: RwLock<Option<TraceProvider>> = RwLock::new(None);

/// Sets how creation traces are taken (the Python binding installs one that formats the Python
/// stack); without one, a Rust backtrace is captured.
pub fn set_trace_provider(provider: Option<TraceProvider>) {
    *PROVIDER.write() = provider;
}

/// The trace to store in a node being created, when anomaly mode is on.
pub(crate) fn creation_trace() -> Option<Arc<String>> {
    if !is_anomaly_enabled() {
        return None;
    }
    let provider = PROVIDER.read().clone();
    let text = match provider {
        Some(provider) => provider(),
        None => std::backtrace::Backtrace::force_capture().to_string(),
    };
    Some(Arc::new(text))
}

/// Fails when one of the gradients a node returned holds NaN.
pub(crate) fn check_for_nan(
    name: &str,
    grads: &[Option<Tensor>],
    trace: Option<&str>,
) -> Result<()> {
    for (i, grad) in grads.iter().enumerate() {
        let Some(grad) = grad else { continue };
        let has_nan = grad
            .data()
            .to_device(crate::Device::Cpu)?
            .to_f64_vec()?
            .iter()
            .any(|v| v.is_nan());
        if has_nan {
            let trace = trace.map_or_else(
                || "\n(no forward trace: the node was created outside detect_anomaly)".to_string(),
                |t| format!("\nTraceback of forward call that caused the error:\n{t}"),
            );
            return Err(Error::Autograd(format!(
                "Function '{name}' returned nan values in its {i}th output.{trace}"
            )));
        }
    }
    Ok(())
}
