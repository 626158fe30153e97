"""``nn.RNN``/``LSTM``/``GRU``, the cells and ``nn.utils.rnn`` against PyTorch.

Outputs, final states and the gradients of every input and parameter are compared with values
recorded from PyTorch 2.15 (``tests/sequence_cases.py`` defines the cases, run here with
ferrograd; ``tests/data/sequence_reference.json`` holds PyTorch's results). The other expected
values below were also taken from PyTorch.
"""

from __future__ import annotations

import collections
import math
import warnings

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.nn as nn
import sequence_cases
from ferrograd.autograd import gradcheck, gradgradcheck
from ferrograd.nn.utils import rnn as rnn_utils


@pytest.mark.parametrize("name", sorted(sequence_cases.RECURRENT))
def test_matches_pytorch(name):
    sequence_cases.check_against_reference(name, fg)


# --- construction -------------------------------------------------------------------------------


def test_parameter_names_and_order():
    lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True, proj_size=2)
    per_direction = ["weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr"]
    expected = [
        f"{stem}_l{layer}{suffix}"
        for layer in range(2)
        for suffix in ("", "_reverse")
        for stem in per_direction
    ]
    assert list(lstm.state_dict()) == expected
    assert lstm._flat_weights_names == expected
    assert [len(w) for w in lstm.all_weights] == [5, 5, 5, 5]
    assert lstm.all_weights[1][0] is lstm.weight_ih_l0_reverse
    assert tuple(lstm.weight_ih_l1.shape) == (16, 4)  # proj_size * 2 directions
    assert tuple(lstm.weight_hh_l1.shape) == (16, 2)
    assert tuple(lstm.weight_hr_l1_reverse.shape) == (2, 4)
    gru = nn.GRU(3, 5, bias=False)
    assert list(gru.state_dict()) == ["weight_ih_l0", "weight_hh_l0"]
    assert tuple(gru.weight_ih_l0.shape) == (15, 3)
    assert list(nn.GRUCell(2, 3).state_dict()) == ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]


@pytest.mark.parametrize(
    "module, hidden",
    [
        (nn.LSTM(5, 40, num_layers=2), 40),
        (nn.GRU(5, 40, bidirectional=True), 40),
        (nn.RNN(5, 40), 40),
        (nn.LSTMCell(5, 40), 40),
        (nn.GRUCell(5, 40), 40),
    ],
)
def test_default_init_is_uniform_within_one_over_sqrt_hidden(module, hidden):
    bound = 1 / math.sqrt(hidden)
    values = np.concatenate([p.detach().numpy().ravel() for p in module.parameters()])
    assert values.min() >= -bound and values.max() <= bound
    assert values.min() < -0.9 * bound and values.max() > 0.9 * bound
    assert abs(values.mean()) < 0.05 * bound


def test_repr_as_pytorch():
    assert repr(nn.LSTM(3, 4, 2, bidirectional=True, proj_size=2)) == (
        "LSTM(3, 4, proj_size=2, num_layers=2, bidirectional=True)"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rnn = nn.RNN(
            3, 4, nonlinearity="relu", bias=False, batch_first=True, dropout=0.2, num_layers=2
        )
    assert repr(rnn) == "RNN(3, 4, num_layers=2, bias=False, batch_first=True, dropout=0.2)"
    assert repr(nn.GRU(3, 4)) == "GRU(3, 4)"
    assert repr(nn.LSTMCell(3, 4)) == "LSTMCell(3, 4)"
    assert repr(nn.RNNCell(3, 4, nonlinearity="relu", bias=False)) == (
        "RNNCell(3, 4, bias=False, nonlinearity=relu)"
    )


def test_flatten_parameters_is_a_no_op():
    lstm = nn.LSTM(2, 3)
    before = {k: v.clone() for k, v in lstm.state_dict().items()}
    assert lstm.flatten_parameters() is None
    for key, value in lstm.state_dict().items():
        assert fg.equal(value, before[key])


def test_dtype_argument_and_double():
    lstm = nn.LSTM(2, 3, dtype=fg.float64)
    assert all(p.dtype == fg.float64 for p in lstm.parameters())
    out, (h, c) = lstm(fg.randn(4, 1, 2, dtype=fg.float64))
    assert out.dtype == h.dtype == c.dtype == fg.float64


@pytest.mark.parametrize(
    "build, error, message",
    [
        (lambda: nn.RNN(3, 4, nonlinearity="sig"), ValueError, "Unknown nonlinearity 'sig'"),
        (lambda: nn.LSTM(3, 0), ValueError, "hidden_size must be greater than zero"),
        (lambda: nn.LSTM(3, 4, num_layers=0), ValueError, "num_layers must be greater than zero"),
        (lambda: nn.LSTM(3, 4, proj_size=4), ValueError, "proj_size has to be smaller"),
        (lambda: nn.LSTM(3, 4, proj_size=-1), ValueError, "proj_size should be a positive"),
        (lambda: nn.GRU(3, 4, proj_size=2), ValueError, "only supported for LSTM"),
        (lambda: nn.RNN(3, 4, proj_size=2), ValueError, "only supported for LSTM"),
        (lambda: nn.LSTM(3, 4, dropout=1.5), ValueError, "dropout should be a number"),
        (lambda: nn.LSTM(3, 4, dropout=True), ValueError, "dropout should be a number"),
        (lambda: nn.LSTM(3.0, 4), TypeError, "input_size should be of type int, got: float"),
        (lambda: nn.GRU(3, 4.0), TypeError, "hidden_size should be of type int, got: float"),
        (lambda: nn.RNNBase("CELL", 3, 4), ValueError, "Unrecognized RNN mode"),
    ],
)
def test_bad_construction(build, error, message):
    with pytest.raises(error, match=message):
        build()


def test_dropout_with_one_layer_warns():
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
        nn.LSTM(3, 4, dropout=0.5)


# --- forward semantics ---------------------------------------------------------------------------


def test_shapes_batched_unbatched_batch_first():
    lstm = nn.LSTM(3, 5, num_layers=2, bidirectional=True, batch_first=True, proj_size=2)
    out, (h, c) = lstm(fg.randn(4, 7, 3))
    assert tuple(out.shape) == (4, 7, 4)
    assert tuple(h.shape) == (4, 4, 2) and tuple(c.shape) == (4, 4, 5)
    out, (h, c) = lstm(fg.randn(7, 3))
    assert tuple(out.shape) == (7, 4) and tuple(h.shape) == (4, 2) and tuple(c.shape) == (4, 5)
    out, h = nn.GRU(3, 5)(fg.randn(7, 2, 3))
    assert tuple(out.shape) == (7, 2, 5) and tuple(h.shape) == (1, 2, 5)


def test_last_output_is_final_state_of_forward_direction():
    gru = nn.GRU(2, 3, num_layers=2, bidirectional=True)
    out, h = gru(fg.randn(5, 2, 2))
    np.testing.assert_allclose(out[-1, :, :3].detach().numpy(), h[2].detach().numpy())
    np.testing.assert_allclose(out[0, :, 3:].detach().numpy(), h[3].detach().numpy())


def test_packed_input_returns_packed_output_like_padded_run():
    """Each sequence of a packed batch gives the outputs and final state of running it alone."""
    fg.manual_seed(0)
    lstm = nn.LSTM(2, 3, bidirectional=True).double()
    sequences = [fg.randn(n, 2, dtype=fg.float64) for n in (2, 4, 3)]
    packed = rnn_utils.pack_sequence(sequences, enforce_sorted=False)
    out, (h, c) = lstm(packed)
    assert isinstance(out, rnn_utils.PackedSequence)
    assert out.batch_sizes.tolist() == packed.batch_sizes.tolist() == [3, 3, 2, 1]
    assert out.sorted_indices.tolist() == [1, 2, 0]
    assert out.unsorted_indices.tolist() == [2, 0, 1]
    padded, lengths = rnn_utils.pad_packed_sequence(out)
    assert lengths.tolist() == [2, 4, 3]
    for b, seq in enumerate(sequences):
        alone, (h_alone, c_alone) = lstm(seq)
        np.testing.assert_allclose(
            padded[: len(seq), b].detach().numpy(), alone.detach().numpy(), atol=1e-12
        )
        assert float(padded[len(seq) :, b].abs().sum()) == 0.0
        np.testing.assert_allclose(h[:, b].detach().numpy(), h_alone.detach().numpy(), atol=1e-12)
        np.testing.assert_allclose(c[:, b].detach().numpy(), c_alone.detach().numpy(), atol=1e-12)


def test_dropout_between_layers_only_in_training():
    fg.manual_seed(0)
    lstm = nn.LSTM(2, 3, num_layers=2, dropout=1.0).double()
    x = fg.randn(4, 2, 2, dtype=fg.float64, requires_grad=True)
    out, _ = lstm(x)
    (g,) = fg.autograd.grad(out.sum(), x)
    # every activation between the layers is dropped: the last layer never sees the input
    assert float(g.abs().sum()) == 0.0
    lstm.eval()
    out, _ = lstm(x)
    (g,) = fg.autograd.grad(out.sum(), x)
    assert float(g.abs().sum()) > 0.0


def test_gradcheck_lstm_bidirectional_projection():
    fg.manual_seed(0)
    lstm = nn.LSTM(2, 3, bidirectional=True, proj_size=2).double()
    x = fg.randn(3, 2, 2, dtype=fg.float64, requires_grad=True)
    h0 = fg.randn(2, 2, 2, dtype=fg.float64, requires_grad=True)
    c0 = fg.randn(2, 2, 3, dtype=fg.float64, requires_grad=True)

    def run(x, h0, c0):
        out, (h, c) = lstm(x, (h0, c0))
        return out, h, c

    assert gradcheck(run, (x, h0, c0))


def test_gradcheck_gru_packed():
    fg.manual_seed(0)
    gru = nn.GRU(2, 2, num_layers=2, bidirectional=True).double()
    x = fg.randn(3, 3, 2, dtype=fg.float64, requires_grad=True)

    def run(x):
        packed = rnn_utils.pack_padded_sequence(x, [2, 3, 1], enforce_sorted=False)
        out, h = gru(packed)
        return rnn_utils.pad_packed_sequence(out)[0], h

    assert gradcheck(run, (x,))


@pytest.mark.parametrize("kind", [nn.LSTM, nn.GRU])
def test_forward_mode_tangent_matches_finite_differences(kind):
    from ferrograd.autograd import forward_ad

    fg.manual_seed(0)
    module = kind(2, 3, bidirectional=True).double()
    x, direction = fg.randn(4, 2, 2, dtype=fg.float64), fg.randn(4, 2, 2, dtype=fg.float64)
    with forward_ad.dual_level():
        out, _ = module(forward_ad.make_dual(x, direction))
        tangent = forward_ad.unpack_dual(out).tangent
    eps = 1e-6
    with fg.no_grad():
        ahead, behind = module(x + eps * direction)[0], module(x - eps * direction)[0]
    np.testing.assert_allclose(
        tangent.detach().numpy(),
        ((ahead - behind) / (2 * eps)).numpy(),
        rtol=1e-6,
        atol=1e-8,
    )


def graph_node_names(tensor):
    seen, names, stack = set(), collections.Counter(), [tensor.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        names[node.name()] += 1
        stack += [child for child, _ in node.next_functions]
    return names


SCATTERING = {"SliceBackward0", "SelectBackward0", "UnbindBackward0", "AsStridedBackward0"}


@pytest.mark.parametrize("kind", [nn.GRU, nn.RNN])
def test_time_steps_gradients_are_gathered_not_scattered(kind):
    """The time steps' slices of the input projection get their gradients gathered by one node
    per (layer, direction) and step block, not each scattered into a zero gradient the size of
    the whole sequence (a slice/select node per step: O(T^2) in backward)."""
    out, _ = kind(8, 32, num_layers=2)(fg.randn(64, 2, 8))
    names = graph_node_names(out.sum())
    assert names["_SplitBackward"] > 0
    assert not SCATTERING & set(names), names


def test_lstm_directions_are_one_node_each():
    """Each (layer, direction) of an LSTM is one layer node over the whole sequence."""
    out, _ = nn.LSTM(8, 32, num_layers=2, bidirectional=True)(fg.randn(64, 2, 8))
    names = graph_node_names(out.sum())
    assert names["MkldnnRnnLayerBackward0"] == 4
    assert "ThnnFusedLstmCellBackward0" not in names
    assert not SCATTERING & set(names), names


@pytest.mark.parametrize("cell", [nn.RNNCell(2, 3), nn.LSTMCell(2, 3), nn.GRUCell(2, 3)])
def test_gradgradcheck_cells(cell):
    fg.manual_seed(0)
    cell = cell.double()
    x = fg.randn(2, 2, dtype=fg.float64, requires_grad=True)
    h = fg.randn(2, 3, dtype=fg.float64, requires_grad=True)
    if isinstance(cell, nn.LSTMCell):

        def step(x, h):
            return cell(x, (h, h * 0.5))
    else:

        def step(x, h):
            return cell(x, h)

    assert gradcheck(step, (x, h))
    assert gradgradcheck(step, (x, h))


def test_parameters_train():
    """A few Adam steps on a copy task lower the loss: the gradients reach every weight."""
    fg.manual_seed(0)
    lstm = nn.LSTM(3, 8, num_layers=2)
    head = nn.Linear(8, 3)
    opt = fg.optim.Adam([*lstm.parameters(), *head.parameters()], lr=0.05)
    x = fg.randn(6, 4, 3)
    losses = []
    for _ in range(30):
        out, _ = lstm(x)
        loss = nn.functional.mse_loss(head(out), x)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]
    assert all(p.grad is not None and float(p.grad.abs().sum()) > 0 for p in lstm.parameters())


# --- bad input ------------------------------------------------------------------------------------


LSTM = nn.LSTM(3, 4)
GRU = nn.GRU(3, 4)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: LSTM(fg.randn(5, 2, 5)), RuntimeError, "input.size\\(-1\\) must be equal"),
        (lambda: LSTM(fg.randn(5)), ValueError, "LSTM: Expected input to be 2D or 3D, got 1D"),
        (lambda: LSTM(fg.randn(5, 2, 3, 1)), ValueError, "got 4D instead"),
        (lambda: nn.RNN(3, 4)(fg.randn(5)), ValueError, "got 1D tensor instead"),
        (lambda: LSTM(fg.randn(5, 2, 3, dtype=fg.float64)), ValueError, "does not match weight"),
        (
            lambda: LSTM(fg.randn(5, 2, 3), (fg.randn(1, 3, 4), fg.randn(1, 3, 4))),
            RuntimeError,
            "Expected hidden\\[0\\] size \\(1, 2, 4\\), got \\[1, 3, 4\\]",
        ),
        (
            lambda: LSTM(fg.randn(5, 2, 3), (fg.randn(1, 2, 4), fg.randn(1, 2, 5))),
            RuntimeError,
            "Expected hidden\\[1\\] size",
        ),
        (
            lambda: LSTM(fg.randn(5, 2, 3), (fg.randn(2, 4), fg.randn(2, 4))),
            RuntimeError,
            "For batched 3-D input, hx and cx should also be 3-D",
        ),
        (
            lambda: LSTM(fg.randn(5, 3), (fg.randn(1, 2, 4), fg.randn(1, 2, 4))),
            RuntimeError,
            "For unbatched 2-D input, hx and cx should also be 2-D",
        ),
        (lambda: LSTM(fg.randn(5, 2, 3), fg.randn(1, 2, 4)), IndexError, "out of"),
        (lambda: GRU(fg.randn(5, 2, 3), fg.randn(1, 3, 4)), RuntimeError, "Expected hidden size"),
        (lambda: GRU(fg.randn(5, 2, 3), fg.randn(2, 4)), RuntimeError, "hx should also be 3-D"),
        (lambda: GRU(fg.randn(0, 2, 3)), RuntimeError, "sequence length to be larger than 0"),
        (lambda: nn.LSTMCell(3, 4)(fg.randn(2, 5)), RuntimeError, "inconsistent input_size"),
        (lambda: nn.LSTMCell(3, 4)(fg.randn(2, 3, 3)), ValueError, "Expected input to be 1D or 2D"),
        (
            lambda: nn.LSTMCell(3, 4)(fg.randn(2, 3), (fg.randn(3, 4), fg.randn(3, 4))),
            RuntimeError,
            "Input batch size 2 doesn't match hidden0 batch size 3",
        ),
        (
            lambda: nn.GRUCell(3, 4)(fg.randn(2, 3), fg.randn(2, 5)),
            RuntimeError,
            "hidden0 has inconsistent hidden_size: got 5, expected 4",
        ),
        (
            lambda: nn.LSTMCell(3, 4)(fg.randn(3), (fg.randn(2, 4), fg.randn(2, 4))),
            RuntimeError,
            "Expected 2D hidden0",
        ),
        (
            lambda: nn.RNNCell(3, 4, nonlinearity="x")(fg.randn(2, 3)),
            RuntimeError,
            "Unknown nonlinearity: x",
        ),
    ],
)
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --- nn.utils.rnn -------------------------------------------------------------------------------


def _sequences():
    a = fg.arange(6.0).reshape(3, 2)
    b = fg.arange(4.0).reshape(2, 2) + 10
    c = fg.tensor([[20.0, 21.0]])
    return a, b, c


def test_pad_sequence():
    a, b, c = _sequences()
    padded = rnn_utils.pad_sequence([a, b, c])
    assert tuple(padded.shape) == (3, 3, 2)
    np.testing.assert_array_equal(padded[:, 2].numpy(), [[20, 21], [0, 0], [0, 0]])
    left = rnn_utils.pad_sequence(
        [a, b, c], batch_first=True, padding_value=-1, padding_side="left"
    )
    np.testing.assert_array_equal(
        left.numpy(),
        [
            [[0, 1], [2, 3], [4, 5]],
            [[-1, -1], [10, 11], [12, 13]],
            [[-1, -1], [-1, -1], [20, 21]],
        ],
    )
    # a tensor is read as the sequence of its rows, as PyTorch does
    np.testing.assert_array_equal(rnn_utils.pad_sequence(a).numpy(), [[0, 2, 4], [1, 3, 5]])


def test_pack_sequence_and_back():
    a, b, c = _sequences()
    packed = rnn_utils.pack_sequence([a, b, c])
    np.testing.assert_array_equal(
        packed.data.numpy(), [[0, 1], [10, 11], [20, 21], [2, 3], [12, 13], [4, 5]]
    )
    assert packed.batch_sizes.tolist() == [3, 2, 1]
    assert packed.batch_sizes.dtype == fg.int64
    assert packed.sorted_indices is None and packed.unsorted_indices is None
    unsorted = rnn_utils.pack_sequence([b, a, c], enforce_sorted=False)
    np.testing.assert_array_equal(unsorted.data.numpy(), packed.data.numpy())
    assert unsorted.sorted_indices.tolist() == [1, 0, 2]
    assert unsorted.unsorted_indices.tolist() == [1, 0, 2]
    padded, lengths = rnn_utils.pad_packed_sequence(
        unsorted, batch_first=True, padding_value=9, total_length=4
    )
    assert lengths.tolist() == [2, 3, 1]
    np.testing.assert_array_equal(
        padded.numpy(),
        [
            [[10, 11], [12, 13], [9, 9], [9, 9]],
            [[0, 1], [2, 3], [4, 5], [9, 9]],
            [[20, 21], [9, 9], [9, 9], [9, 9]],
        ],
    )
    back = rnn_utils.unpack_sequence(unsorted)
    for got, want in zip(back, (b, a, c), strict=True):
        assert fg.equal(got, want)
    unpadded = rnn_utils.unpad_sequence(padded, lengths, batch_first=True)
    for got, want in zip(unpadded, (b, a, c), strict=True):
        assert fg.equal(got, want)


def test_pack_padded_sequence_batch_first_and_tensor_lengths():
    a, b, c = _sequences()
    padded = rnn_utils.pad_sequence([b, a, c], batch_first=True)
    packed = rnn_utils.pack_padded_sequence(
        padded, fg.tensor([2.0, 3.0, 1.0]), batch_first=True, enforce_sorted=False
    )
    np.testing.assert_array_equal(
        packed.data.numpy(), [[0, 1], [10, 11], [20, 21], [2, 3], [12, 13], [4, 5]]
    )
    assert packed.batch_sizes.tolist() == [3, 2, 1]


def test_pack_pad_round_trip_gradient():
    x = fg.randn(4, 3, 2, dtype=fg.float64, requires_grad=True)

    def round_trip(x):
        packed = rnn_utils.pack_padded_sequence(x, [3, 4, 1], enforce_sorted=False)
        return rnn_utils.pad_packed_sequence(packed, padding_value=0.5)[0]

    assert gradcheck(round_trip, (x,))
    (g,) = fg.autograd.grad(round_trip(x).sum(), x)
    # padded positions are not part of any sequence: no gradient reaches them
    np.testing.assert_array_equal(g[:, 0, 0].numpy(), [1, 1, 1, 0])
    np.testing.assert_array_equal(g[:, 2, 0].numpy(), [1, 0, 0, 0])


def test_packed_sequence_methods():
    a, b, c = _sequences()
    packed = rnn_utils.pack_sequence([b, a, c], enforce_sorted=False)
    assert packed._fields == ("data", "batch_sizes", "sorted_indices", "unsorted_indices")
    double = packed.double()
    assert double.data.dtype == fg.float64
    assert double.batch_sizes is packed.batch_sizes
    assert packed.to(fg.float32) is packed
    assert not packed.is_cuda
    data, batch_sizes, sorted_indices, unsorted_indices = packed
    assert data is packed.data and batch_sizes is packed.batch_sizes
    assert (sorted_indices, unsorted_indices) == packed[2:]
    made = rnn_utils.PackedSequence(fg.zeros(3, 2), fg.tensor([2, 1]), fg.tensor([1, 0]))
    assert made.unsorted_indices.tolist() == [1, 0]
    assert rnn_utils.invert_permutation(fg.tensor([2, 0, 1])).tolist() == [1, 2, 0]
    assert rnn_utils.invert_permutation(None) is None


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: rnn_utils.pad_sequence([]), RuntimeError, "empty list of sequences"),
        (
            lambda: rnn_utils.pad_sequence([fg.zeros(3, 2), fg.zeros(2, 3)]),
            RuntimeError,
            "same trailing dimensions",
        ),
        (
            lambda: rnn_utils.pad_sequence([fg.zeros(3, 2)], padding_side="middle"),
            RuntimeError,
            "padding_side to be one of left or right",
        ),
        (
            lambda: rnn_utils.pack_sequence([fg.zeros(2, 1), fg.zeros(3, 1)]),
            RuntimeError,
            "must be sorted in decreasing order",
        ),
        (
            lambda: rnn_utils.pack_padded_sequence(
                fg.zeros(3, 3, 1), [2, 3, 0], enforce_sorted=False
            ),
            RuntimeError,
            "Length of all samples has to be greater than 0",
        ),
        (
            lambda: rnn_utils.pack_padded_sequence(fg.zeros(3, 3, 1), [3, 2]),
            RuntimeError,
            "Expected `len\\(lengths\\)` to be equal to batch_size",
        ),
        (
            lambda: rnn_utils.pack_padded_sequence(fg.zeros(3, 3, 1), [4, 2, 1]),
            RuntimeError,
            "at most the padded sequence length 3",
        ),
        (
            lambda: rnn_utils.pad_packed_sequence(
                rnn_utils.pack_sequence([fg.zeros(3, 1)]), total_length=2
            ),
            ValueError,
            "Expected total_length to be at least the length of the longest sequence",
        ),
    ],
)
def test_utils_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_device_path_through_the_numpy_backend():
    """``.to("cuda")`` through the NumPy-backed test backend: states, index tensors and the
    packed path stay on the module's device and give the host's values and gradients."""
    from ferrograd import cuda
    from ferrograd.cuda._numpy_backend import NumpyTable

    fg.manual_seed(0)
    host = nn.LSTM(3, 4, num_layers=2, bidirectional=True).double()
    x = fg.randn(5, 2, 3, dtype=fg.float64, requires_grad=True)
    out, _ = host(x)
    out.sum().backward()
    previous = cuda.use_backend(NumpyTable())
    try:
        device = nn.LSTM(3, 4, num_layers=2, bidirectional=True).double().to("cuda")
        device.load_state_dict(host.state_dict())
        xd = x.detach().to("cuda").requires_grad_(True)
        out_d, (h, c) = device(xd)
        out_d.sum().backward()
        assert out_d.device.type == h.device.type == c.device.type == xd.grad.device.type == "cuda"
        np.testing.assert_allclose(out_d.detach().cpu().numpy(), out.detach().numpy())
        np.testing.assert_allclose(xd.grad.cpu().numpy(), x.grad.numpy())
        packed = rnn_utils.pack_sequence(
            [
                fg.randn(3, 3, dtype=fg.float64).to("cuda"),
                fg.randn(2, 3, dtype=fg.float64).to("cuda"),
            ],
            enforce_sorted=False,
        )
        padded, lengths = rnn_utils.pad_packed_sequence(device(packed)[0])
        assert padded.device.type == "cuda" and tuple(padded.shape) == (3, 2, 8)
        assert lengths.tolist() == [3, 2]
        for module in (nn.GRU(3, 4, device="cuda"), nn.LSTMCell(3, 4, device="cuda")):
            assert {p.device.type for p in module.parameters()} == {"cuda"}
    finally:
        cuda.use_backend(previous)
