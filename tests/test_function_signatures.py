"""The function forms of tensor methods (``ferrograd.exp(x)`` is ``x.exp()``) are made at
import from one generic wrapper; they carry the method's signature and docstring, so that
``help()``, ``inspect.signature`` and the API reference show PyTorch's parameters."""

import inspect
import pydoc

import pytest

import ferrograd as fg
from ferrograd import _functional


def test_help_shows_the_real_signature():
    text = pydoc.render_doc(fg.exp, renderer=pydoc.plaintext)
    assert "exp(input, *, out=None)" in text
    assert "*args" not in text
    assert fg.exp.__doc__ == fg.Tensor.exp.__doc__


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("exp", "(input, *, out=None)"),
        ("add", "(input, other, *, alpha=1, out=None)"),
        ("clamp", "(input, min=None, max=None, *, out=None)"),
        ("sum", "(input, dim=None, keepdim: bool = False, *, dtype=None, out=None)"),
        ("transpose", "(input, dim0: int, dim1: int)"),  # a view: no out=, as in PyTorch
        ("exp_", "(input)"),  # in place: no out=
        ("gather", "(input, dim: int, index, *, sparse_grad: bool = False, out=None)"),
        ("softmax", "(input, dim=None, dtype=None)"),
        ("acos_", "(input)"),  # the in-place form of a function: its signature less out=
    ],
)
def test_signature_is_the_methods_with_input_and_out(name, expected):
    assert str(inspect.signature(getattr(fg, name))) == expected


def test_no_function_made_from_a_method_shows_args_and_kwargs():
    for name, function in _functional._MADE.items():
        parameters = inspect.signature(function).parameters.values()
        kinds = {p.kind for p in parameters}
        assert inspect.Parameter.VAR_KEYWORD not in kinds, name
        assert next(iter(parameters)).name == "input", name


def test_the_signature_binds_as_the_function_is_called():
    x = fg.tensor([[1.0, -2.0], [3.0, 4.0]])
    y = fg.tensor([[0.5, 0.5], [0.5, 0.5]])
    assert fg.add(input=x, other=y, alpha=2).tolist() == [[2.0, -1.0], [4.0, 5.0]]
    assert fg.sum(x, dim=0, keepdim=True).tolist() == [[4.0, 2.0]]
    assert fg.clamp(x, min=0.0).tolist() == [[1.0, 0.0], [3.0, 4.0]]
    out = fg.empty(2, 2)
    assert fg.exp(x, out=out) is out
    inspect.signature(fg.add).bind(x, y, alpha=2, out=out)
    with pytest.raises(TypeError):
        inspect.signature(fg.transpose).bind(x, 0, 1, out=out)
