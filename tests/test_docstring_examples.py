"""The examples in the docstrings run and print what they show (doctest). Each module listed
here has its public functions and classes documented in PyTorch's shape, with an example."""

import doctest
import importlib

import pytest

MODULES = [
    "ferrograd._creation",
    "ferrograd._functional",
    "ferrograd._mixins.autograd",
    "ferrograd._mixins.conversion",
    "ferrograd._mixins.math",
    "ferrograd._mixins.reduction",
    "ferrograd._mixins.repr",
    "ferrograd._mixins.shape",
    "ferrograd._tensor_functions",
    "ferrograd._threads",
    "ferrograd.autograd",
    "ferrograd.autograd.function",
    "ferrograd.autograd.grad_mode",
    "ferrograd.autograd.gradcheck",
    "ferrograd.nn._functional_activation",
    "ferrograd.nn._functional_loss",
    "ferrograd.nn.modules.activation",
    "ferrograd.nn.modules.container",
    "ferrograd.nn.modules.conv",
    "ferrograd.nn.modules.dropout",
    "ferrograd.nn.modules.linear",
    "ferrograd.nn.modules.loss",
    "ferrograd.nn.modules.module",
    "ferrograd.nn.modules.normalization",
    "ferrograd.nn.parameter",
    "ferrograd.nn.utils.prune",
    "ferrograd.storage",
    "ferrograd.utils.data.dataloader",
    "ferrograd.utils.data.dataset",
]

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    tests = doctest.DocTestFinder().find(module)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    for test in tests:
        runner.run(test)
    results = runner.summarize(verbose=False)
    assert results.attempted > 0, f"{name} has no examples"
    assert results.failed == 0, f"{results.failed} of {name}'s examples failed (output above)"
