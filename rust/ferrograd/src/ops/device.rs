//! Moving tensors between devices. The move is recorded (`ToCopyBackward0`, as in PyTorch), so
//! gradients flow back across devices: the rule moves the incoming gradient to the input's device.

use smallvec::smallvec;

use crate::array::{DType, Device, NdArray};
use crate::autograd::rules::Op;
use crate::error::Result;
use crate::tensor::{record, Tensor};

impl Tensor {
    /// This tensor on `device`: itself when it is there already, else a recorded copy.
    pub fn to_device(&self, device: Device) -> Result<Tensor> {
        let from = self.device();
        if from == device {
            return Ok(self.clone());
        }
        let out = self.read().to_device(device)?;
        if !out.dtype().is_floating() {
            return Ok(Tensor::from_array(out));
        }
        record(Op::ToDevice { from }, &[self], out, |_| smallvec![])
    }

    /// A 0-d array holding `value` as `dtype`, made on this tensor's device (for constants
    /// that operations combine with their operands).
    pub(crate) fn scalar_on(&self, value: f64, dtype: DType) -> Result<NdArray> {
        crate::kernels::full_on(&[], value, dtype, self.device())
    }
}
