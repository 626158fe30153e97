"""nn.utils.prune: masks, composition, state_dict keys and errors against PyTorch 2.15.

Every expected mask and message below was recorded from PyTorch 2.15 running the same calls on
the same weights (torch.nn.utils.prune)."""

import pytest

import ferrograd
from ferrograd import nn
from ferrograd.nn.utils import prune

WEIGHT = [[0.3, -1.2, 0.05, 0.8], [-0.4, 0.9, -2.0, 0.1], [1.5, -0.6, 0.7, -0.25]]
BIAS = [0.5, -0.1, 0.2]


def linear(weight=WEIGHT, bias=True):
    w = ferrograd.tensor(weight)
    layer = nn.Linear(w.shape[1], w.shape[0], bias=bias)
    with ferrograd.no_grad():
        layer.weight.copy_(w)
        if bias:
            layer.bias.copy_(ferrograd.tensor(BIAS[: w.shape[0]]))
    return layer


@pytest.mark.parametrize(
    ("amount", "mask"),
    [
        (0.5, [[0, 1, 0, 1], [0, 1, 1, 0], [1, 0, 1, 0]]),
        (3, [[1, 1, 0, 1], [1, 1, 1, 0], [1, 1, 1, 0]]),
        (0.3, [[0, 1, 0, 1], [1, 1, 1, 0], [1, 1, 1, 0]]),  # round(3.6) = 4 entries
    ],
)
def test_l1_unstructured_masks_the_smallest_entries(amount, mask):
    layer = prune.l1_unstructured(linear(), "weight", amount=amount)
    assert layer.weight_mask.tolist() == mask
    assert layer.weight_mask.dtype == ferrograd.float32
    expected = ferrograd.tensor(mask, dtype=ferrograd.float32) * ferrograd.tensor(WEIGHT)
    assert ferrograd.equal(layer.weight, expected)


@pytest.mark.parametrize(
    ("n", "dim", "mask"),
    [
        (2, 0, [[0, 0, 0, 0], [1, 1, 1, 1], [1, 1, 1, 1]]),
        (1, 1, [[1, 1, 1, 0], [1, 1, 1, 0], [1, 1, 1, 0]]),
        (float("inf"), 0, [[0, 0, 0, 0], [1, 1, 1, 1], [1, 1, 1, 1]]),
        (1, -1, [[1, 1, 1, 0], [1, 1, 1, 0], [1, 1, 1, 0]]),
        ("fro", 0, [[0, 0, 0, 0], [1, 1, 1, 1], [1, 1, 1, 1]]),
    ],
)
def test_ln_structured_masks_the_channels_of_smallest_norm(n, dim, mask):
    layer = prune.ln_structured(linear(), "weight", amount=1, n=n, dim=dim)
    assert layer.weight_mask.tolist() == mask


def test_ln_structured_with_a_fraction_of_channels():
    layer = prune.ln_structured(linear(), "weight", amount=0.5, n=2, dim=1)
    assert layer.weight_mask.tolist() == [[0, 1, 1, 0]] * 3


def test_iterative_pruning_composes_masks_in_a_container():
    layer = linear()
    prune.l1_unstructured(layer, "weight", amount=0.25)
    assert layer.weight_mask.tolist() == [[1, 1, 0, 1], [1, 1, 1, 0], [1, 1, 1, 0]]
    prune.ln_structured(layer, "weight", amount=1, n=2, dim=0)
    assert layer.weight_mask.tolist() == [[0, 0, 0, 0], [1, 1, 1, 0], [1, 1, 1, 0]]
    hooks = list(layer._forward_pre_hooks.values())
    assert len(hooks) == 1 and isinstance(hooks[0], prune.PruningContainer)
    # the new unstructured method picks among the 6 entries still kept
    prune.l1_unstructured(layer, "weight", amount=2)
    assert layer.weight_mask.tolist() == [[0, 0, 0, 0], [0, 1, 1, 0], [1, 0, 1, 0]]
    assert len(hooks[0]) == 3
    # a structured method picks among the channels with a kept entry (columns 0-2 here)
    prune.ln_structured(layer, "weight", amount=1, n=1, dim=1)
    assert layer.weight_mask.tolist() == [[0, 0, 0, 0], [0, 0, 1, 0], [1, 0, 1, 0]]
    assert list(layer.state_dict()) == ["bias", "weight_orig", "weight_mask"]
    expected = [[0, 0, 0, 0], [0, 0, -2.0, 0], [1.5, 0, 0.7, 0]]
    assert ferrograd.allclose(layer.weight, ferrograd.tensor(expected))


def test_remove_makes_the_pruning_permanent():
    layer = linear()
    original = layer.weight
    prune.l1_unstructured(layer, "weight", amount=6)
    assert layer.weight_orig is original
    prune.remove(layer, "weight")
    assert list(layer.state_dict()) == ["bias", "weight"]
    assert layer.weight is original  # the same Parameter the optimizer holds
    assert isinstance(layer.weight, nn.Parameter)
    assert (layer.weight == 0).sum().item() == 6
    assert not prune.is_pruned(layer)


def test_importance_scores_rank_the_entries():
    scores = ferrograd.arange(12.0).reshape(3, 4).flip(1)
    layer = prune.l1_unstructured(linear(), "weight", amount=4, importance_scores=scores)
    assert layer.weight_mask.tolist() == [[0, 0, 0, 0], [1, 1, 1, 1], [1, 1, 1, 1]]
    layer = prune.ln_structured(linear(), "weight", 1, 2, 0, importance_scores=scores)
    assert layer.weight_mask.tolist() == [[0, 0, 0, 0], [1, 1, 1, 1], [1, 1, 1, 1]]


def test_global_unstructured_prunes_across_tensors():
    a, b = linear(), linear([[0.11, -0.95], [1.7, 0.02]], bias=False)
    pairs = [(a, "weight"), (b, "weight")]
    prune.global_unstructured(pairs, pruning_method=prune.L1Unstructured, amount=0.4)
    assert a.weight_mask.tolist() == [[0, 1, 0, 1], [1, 1, 1, 0], [1, 1, 1, 0]]
    assert b.weight_mask.tolist() == [[0, 1], [1, 0]]
    prune.global_unstructured(pairs, pruning_method=prune.L1Unstructured, amount=3)
    assert a.weight_mask.tolist() == [[0, 1, 0, 1], [0, 1, 1, 0], [1, 0, 0, 0]]
    assert b.weight_mask.tolist() == [[0, 1], [1, 0]]


def test_custom_from_mask_and_identity():
    layer = prune.custom_from_mask(linear(), "bias", ferrograd.tensor([0.0, 1.0, 1.0]))
    assert layer.bias.tolist() == pytest.approx([0.0, -0.1, 0.2])
    layer = prune.identity(linear(), "weight")
    assert layer.weight_mask.tolist() == [[1.0] * 4] * 3
    assert prune.is_pruned(nn.Sequential(layer))


def test_pruned_weight_is_recomputed_before_forward_and_trains_orig():
    layer = prune.l1_unstructured(linear(), "weight", amount=6)
    x = ferrograd.tensor([[1.0, 2.0, -1.0, 0.5]])
    out = layer(x)
    assert out[0].tolist() == pytest.approx([-1.5, 3.7, 1.0])
    out.sum().backward()
    assert layer.weight_orig.grad.tolist() == [[0, 2, 0, 0.5], [0, 2, -1, 0], [1, 0, -1, 0]]
    with ferrograd.no_grad():
        layer.weight_orig.fill_(1.0)
    # the hook recomputed the weight from the new values: mask @ x + bias
    assert layer(x)[0].tolist() == pytest.approx([3.0, 0.9, 0.2])


def test_random_methods_prune_by_count_and_structure():
    ferrograd.manual_seed(3)
    layer = prune.random_unstructured(linear(), "weight", amount=5)
    assert (layer.weight_mask == 0).sum().item() == 5
    conv = prune.random_structured(nn.Conv2d(2, 6, 3), "weight", amount=0.5, dim=0)
    per_channel = conv.weight_mask.sum(dim=(1, 2, 3)).tolist()
    assert sorted(per_channel) == [0.0] * 3 + [18.0] * 3
    layer = prune.random_structured(linear(), "weight", amount=0, dim=0)
    assert layer.weight_mask.tolist() == [[1.0] * 4] * 3
    layer = prune.random_unstructured(linear(), "weight", amount=0.0)
    assert layer.weight_mask.sum().item() == 12


def test_prune_method_on_a_bare_tensor():
    pruned = prune.L1Unstructured(amount=2).prune(ferrograd.tensor(WEIGHT))
    assert (pruned == 0).tolist() == [
        [False, False, True, False],
        [False, False, False, True],
        [False, False, False, False],
    ]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: prune.l1_unstructured(linear(), "weight", amount=-1),
            ValueError,
            "amount=-1 should either be a float in the range [0, 1] or a non-negative integer",
        ),
        (
            lambda: prune.l1_unstructured(linear(), "weight", amount=1.5),
            ValueError,
            "amount=1.5 should either be a float in the range [0, 1] or a non-negative integer",
        ),
        (
            lambda: prune.l1_unstructured(linear(), "weight", amount="a"),
            TypeError,
            "Invalid type for amount: a. Must be int or float.",
        ),
        (
            lambda: prune.l1_unstructured(linear(), "weight", amount=20),
            ValueError,
            "amount=20 should be smaller than the number of parameters to prune=12",
        ),
        (
            lambda: prune.ln_structured(linear(), "bias", amount=1, n=2, dim=0),
            ValueError,
            "Structured pruning can only be applied to multidimensional tensors. Found tensor "
            "of shape ferrograd.Size([3]) with 1 dims",
        ),
        (
            lambda: prune.ln_structured(linear(), "weight", amount=1, n=2, dim=2),
            IndexError,
            "Invalid index 2 for tensor of size ferrograd.Size([3, 4])",
        ),
        (
            lambda: prune.global_unstructured(
                [(linear(), "weight")], pruning_method=prune.RandomStructured, amount=1
            ),
            TypeError,
            'Only "unstructured" PRUNING_TYPE supported for the `pruning_method`. Found method '
            "<class 'ferrograd.nn.utils.prune.RandomStructured'> of type structured",
        ),
        (
            lambda: prune.global_unstructured(5, pruning_method=prune.L1Unstructured, amount=1),
            TypeError,
            "global_unstructured(): parameters is not an Iterable",
        ),
        (
            lambda: prune.global_unstructured(
                [(linear(), "weight")], prune.L1Unstructured, importance_scores=[1], amount=1
            ),
            TypeError,
            "global_unstructured(): importance_scores must be of type dict",
        ),
    ],
)
def test_bad_arguments_raise_as_pytorch(call, error, message):
    with pytest.raises(error) as caught:
        call()
    assert str(caught.value) == message


def test_remove_of_an_unpruned_parameter_raises():
    with pytest.raises(ValueError, match=r"Parameter 'weight' of module .* has to be pruned"):
        prune.remove(linear(), "weight")


def test_container_refuses_methods_of_another_tensor():
    container = prune.PruningContainer()
    container._tensor_name = "w"
    other = prune.L1Unstructured(1)
    other._tensor_name = "b"
    with pytest.raises(ValueError, match=r"acting on the parameter named 'w'.*Found 'b'"):
        container.add_pruning_method(other)
    with pytest.raises(TypeError, match=r"<class 'int'> is not a BasePruningMethod subclass"):
        container.add_pruning_method(5)


def test_a_failed_pruning_leaves_the_module_as_it_was():
    layer = linear()
    weight = layer.weight
    with pytest.raises(ValueError):
        prune.l1_unstructured(layer, "weight", amount=20)
    assert list(layer.state_dict()) == ["bias", "weight"] and layer.weight is weight
    prune.l1_unstructured(layer, "weight", amount=1)
    with pytest.raises(ValueError, match="number of parameters to prune=11"):
        prune.l1_unstructured(layer, "weight", amount=20)
    # PyTorch 2.15 drops the earlier hook here; the earlier pruning stays in force instead.
    (hook,) = layer._forward_pre_hooks.values()
    assert isinstance(hook, prune.L1Unstructured)
    assert layer.weight_mask.sum().item() == 11
