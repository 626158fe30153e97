"""``ferrograd.onnx``: export a model to ONNX (``torch.onnx``).

>>> import ferrograd as torch
>>> model = torch.nn.Linear(4, 2)
>>> program = torch.onnx.export(model, (torch.randn(3, 4),), "linear.onnx",  # doctest: +SKIP
...                             input_names=["x"], dynamic_axes={"x": {0: "batch"}})

The model runs once, in eval mode, and every operation it performs is recorded and translated
to ONNX operators (see ``_tracer`` for how, and docs/DEPLOYMENT.md). Exporting needs the
``onnx`` package (``pip install 'ferrograd[onnx]'``, which also installs ONNX Runtime);
importing this module does not.
"""

from . import errors
from ._export import ONNXProgram, TrainingMode, export, is_in_onnx_export
from .errors import OnnxExporterError, UnsupportedOperatorError

__all__ = [
    "ONNXProgram",
    "OnnxExporterError",
    "TrainingMode",
    "UnsupportedOperatorError",
    "errors",
    "export",
    "is_in_onnx_export",
]
