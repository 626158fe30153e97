"""Printing: tensors, Parameters, sizes, dtypes and normalisation modules print as PyTorch's,
with the package's own name (the expected strings are PyTorch's, recorded by
scripts/record_printing_reference.py); ``set_printoptions``; ``format``."""

import pytest

import ferrograd as fg
from printing_cases import printed, reset_options
from printing_reference import CASES


@pytest.fixture(autouse=True)
def _default_options():
    yield
    reset_options(fg)


@pytest.mark.parametrize(
    ("options", "expression", "expected_repr", "expected_str"),
    CASES,
    ids=[f"{i}-{expression}" for i, (_, expression, _, _) in enumerate(CASES)],
)
def test_prints_as_pytorch(options, expression, expected_repr, expected_str):
    text_repr, text_str = printed(fg, options, expression)
    assert text_repr == expected_repr
    assert text_str == (expected_repr if expected_str is None else expected_str)


def test_parameter_str_starts_with_parameter_containing():
    p = fg.nn.Parameter(fg.tensor([1.0, 2.0]))
    assert str(p).startswith("Parameter containing:\ntensor([1., 2.]")
    assert f"{p}" == str(p)


def test_summarised_tensor_elides_each_long_dimension():
    text = repr(fg.arange(5000).reshape(50, 100))
    lines = text.splitlines()
    assert len(lines) == 7  # three rows, "...", three rows
    assert lines[3].strip() == "...,"
    assert all(line.count("...") == 1 for line in lines if line.strip() != "...,")


def test_print_options_persist_until_changed():
    fg.set_printoptions(precision=1)
    assert repr(fg.tensor([0.25])) == "tensor([0.2])"
    assert repr(fg.tensor([0.75])) == "tensor([0.8])"
    fg.set_printoptions(threshold=3)  # each call restores sci_mode only; precision stays
    assert repr(fg.tensor([0.25, 0.5, 1.5, 2.5])) == "tensor([0.2, 0.5, 1.5, 2.5])"
    assert repr(fg.arange(4.0) / 4) == "tensor([0.0, 0.2, 0.5, 0.8])"
    fg.set_printoptions(profile="default")
    assert repr(fg.tensor([0.25])) == "tensor([0.2500])"


def test_unknown_profile_is_refused():
    # PyTorch ignores a profile it does not know; ferrograd says so instead.
    with pytest.raises(ValueError, match="Unknown profile 'wide'"):
        fg.set_printoptions(profile="wide")


def test_format_spec_on_a_tensor_with_elements_is_refused_as_in_pytorch():
    with pytest.raises(TypeError, match="unsupported format string"):
        format(fg.tensor([1.0, 2.0]), ".2f")


def test_forward_mode_tangent_is_shown():
    from ferrograd.autograd import forward_ad as fwAD

    with fwAD.dual_level():
        dual = fwAD.make_dual(fg.tensor([1.0, 2.0]), fg.tensor([1.0, 1.0]))
        # PyTorch 2.15: tensor([1., 2.], tangent=tensor([1., 1.]))
        assert repr(dual) == "tensor([1., 2.], tangent=tensor([1., 1.]))"


def test_a_subclass_prints_under_its_own_name():
    class Scaled(fg.Tensor):
        __slots__ = ()

    x = fg.tensor([1.0, 2.0]).as_subclass(Scaled)
    # PyTorch 2.15, for `class Scaled(torch.Tensor)`: Scaled([1., 2.])
    assert repr(x) == "Scaled([1., 2.])"


def test_suffixes_wrap_by_the_length_of_ferrograds_own_names():
    # PyTorch's rule (a suffix goes to a new line when it would pass `linewidth`) applied to
    # ferrograd's text: PyTorch 2.15 keeps `dtype=torch.float64,` on the first line here (77
    # characters), and "ferrograd" is 4 characters longer than "torch".
    x = fg.tensor([1e-9, 1e-3, 0.0, 15.0], dtype=fg.float64, requires_grad=True)
    assert repr(x) == (
        "tensor([1.0000e-09, 1.0000e-03, 0.0000e+00, 1.5000e+01],\n"
        "       dtype=ferrograd.float64, requires_grad=True)"
    )
