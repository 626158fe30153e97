"""Dynamic dimensions during a trace.

Every tensor of the trace knows, per dimension, whether its size is fixed (``None``) or may
change with the dynamic axes of the inputs (a ``Dynamic``: named after the axis it comes from
when it is one, anonymous otherwise). Reading a dynamic size (``x.shape[1]``, ``x.size(0)``)
gives a ``SymInt``: an ``int`` with the traced value, so Python code computes with it as
usual, that also knows how to produce the size in the graph (``Shape`` of the tensor at run
time). Integer arithmetic on ``SymInt`` s records the same arithmetic for the graph, so
``x.view(B * T, C)`` becomes a ``Reshape`` whose target is computed from the input's shape,
not the sizes seen while tracing. Turning one into a float (``math.sqrt(T)``) would freeze the
traced size into the graph, so it raises.
"""

from __future__ import annotations

import operator

from .errors import OnnxExporterError


class Dynamic:
    """A dimension whose size is known only when the graph runs; ``name`` is the symbol shown
    in the graph's input and output types (``None``: no name)."""

    __slots__ = ("name",)

    def __init__(self, name: str | None = None):
        self.name = name

    def __repr__(self) -> str:
        return f"Dynamic({self.name!r})"


def is_dynamic(dims) -> bool:
    return any(d is not None for d in dims)


class SymInt(int):
    """A dynamic size: the traced value, and ``onnx()``, the size in the graph (a 1-D int64
    tensor of one element, made on first use)."""

    def __new__(cls, value: int, recorder, make, dim: Dynamic):
        self = super().__new__(cls, value)
        self._recorder = recorder
        self._make = make
        self._name = None
        self.dim = dim
        return self

    def onnx(self) -> str:
        if self._name is None:
            self._name = self._make()
        return self._name

    def __repr__(self) -> str:
        return f"SymInt({int(self)})"

    __str__ = __repr__

    def _arith(self, other, onnx_op: str, python_op, reverse: bool = False):
        if isinstance(other, bool) or not isinstance(other, int):
            if isinstance(other, float):
                self._frozen(f"arithmetic with the float {other}")
            return NotImplemented
        left, right = (other, self) if reverse else (self, other)
        value = python_op(int(left), int(right))
        recorder = self._recorder
        if not recorder.active:
            return value
        if onnx_op in ("Div", "Mod") and (int(left) < 0 or int(right) <= 0):
            raise OnnxExporterError(
                f"cannot export {int(left)} {'//' if onnx_op == 'Div' else '%'} {int(right)} on "
                "a dynamic dimension: only non-negative sizes and positive divisors are supported"
            )

        def make():
            g = recorder.graph
            return g.op(onnx_op, recorder.size_value(left), recorder.size_value(right))

        return SymInt(value, recorder, make, Dynamic())

    def __add__(self, other):
        return self._arith(other, "Add", operator.add)

    def __radd__(self, other):
        return self._arith(other, "Add", operator.add, reverse=True)

    def __sub__(self, other):
        return self._arith(other, "Sub", operator.sub)

    def __rsub__(self, other):
        return self._arith(other, "Sub", operator.sub, reverse=True)

    def __mul__(self, other):
        return self._arith(other, "Mul", operator.mul)

    def __rmul__(self, other):
        return self._arith(other, "Mul", operator.mul, reverse=True)

    def __floordiv__(self, other):
        return self._arith(other, "Div", operator.floordiv)

    def __rfloordiv__(self, other):
        return self._arith(other, "Div", operator.floordiv, reverse=True)

    def __mod__(self, other):
        return self._arith(other, "Mod", operator.mod)

    def __rmod__(self, other):
        return self._arith(other, "Mod", operator.mod, reverse=True)

    def __neg__(self):
        return self._arith(0, "Sub", operator.sub, reverse=True)

    def __pos__(self):
        return self

    def _frozen(self, what: str):
        if not self._recorder.active:
            return
        name = f" '{self.dim.name}'" if self.dim.name else ""
        raise OnnxExporterError(
            f"{what} on the dynamic dimension{name} (traced size {int(self)}) would fix that "
            "size in the exported graph; compute with integer arithmetic or tensor operations "
            "instead"
        )

    def __float__(self):
        self._frozen("conversion to float")
        return float(int(self))

    def __truediv__(self, other):
        self._frozen("true division")
        return int(self) / other

    def __rtruediv__(self, other):
        self._frozen("true division")
        return other / int(self)

    def __pow__(self, other, modulo=None):
        self._frozen("a power")
        return pow(int(self), other, modulo)

    def __rpow__(self, other):
        self._frozen("a power")
        return pow(other, int(self))
