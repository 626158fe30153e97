"""The exporter's exceptions (``torch.onnx.errors``)."""

from __future__ import annotations

__all__ = ["OnnxExporterError", "UnsupportedOperatorError"]


class OnnxExporterError(RuntimeError):
    """The model cannot be exported as asked (a missing ``onnx`` package, a computation the
    graph could not reproduce, ...)."""


class UnsupportedOperatorError(OnnxExporterError):
    """An operation the model ran has no ONNX translation; the message names it and the module
    that called it."""
