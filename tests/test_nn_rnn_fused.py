"""The fused recurrent cells (``_core.lstm_cell``, ``_core.gru_cell``: one kernel forward, one
backward) and the recurrent modules that run on them.

Values are checked against the cells' formulas computed with NumPy in float64; gradients with
``gradcheck`` and ``gradgradcheck`` (float64, finite differences), which also covers the
recorded backward that ``create_graph`` takes; tangents against finite differences.
"""

from __future__ import annotations

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.nn as nn
from ferrograd import _core
from ferrograd.autograd import forward_ad, gradcheck, gradgradcheck
from ferrograd.nn.utils import rnn as rnn_utils


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _lstm_reference(gates, c):
    i, f, g, o = np.split(gates, 4, axis=1)
    c1 = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
    return _sigmoid(o) * np.tanh(c1), c1


def _gru_reference(gx, gh, h):
    xr, xz, xn = np.split(gx, 3, axis=1)
    hr, hz, hn = np.split(gh, 3, axis=1)
    r, z = _sigmoid(xr + hr), _sigmoid(xz + hz)
    n = np.tanh(xn + r * hn)
    return (1 - z) * n + z * h


def _randn(*shape, dtype=fg.float64, requires_grad=True):
    return (fg.randn(*shape, dtype=dtype) * 2).requires_grad_(requires_grad)


# --- the cells ------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [fg.float32, fg.float64])
def test_lstm_cell_values(dtype):
    fg.manual_seed(0)
    gates, c = _randn(5, 12, dtype=dtype), _randn(5, 3, dtype=dtype)
    h1, c1 = _core.lstm_cell(gates, c)
    want_h, want_c = _lstm_reference(
        gates.detach().numpy().astype(np.float64), c.detach().numpy().astype(np.float64)
    )
    tol = 1e-6 if dtype == fg.float32 else 1e-14
    np.testing.assert_allclose(h1.detach().numpy(), want_h, rtol=tol, atol=tol)
    np.testing.assert_allclose(c1.detach().numpy(), want_c, rtol=tol, atol=tol)
    assert h1.dtype == dtype and h1.grad_fn.name() == "ThnnFusedLstmCellBackward0"
    assert c1.grad_fn == h1.grad_fn


@pytest.mark.parametrize("dtype", [fg.float32, fg.float64])
def test_gru_cell_values(dtype):
    fg.manual_seed(1)
    gx, gh, h = _randn(4, 9, dtype=dtype), _randn(4, 9, dtype=dtype), _randn(4, 3, dtype=dtype)
    out = _core.gru_cell(gx, gh, h)
    want = _gru_reference(*(t.detach().numpy().astype(np.float64) for t in (gx, gh, h)))
    tol = 1e-6 if dtype == fg.float32 else 1e-14
    np.testing.assert_allclose(out.detach().numpy(), want, rtol=tol, atol=tol)
    assert out.grad_fn.name() == "ThnnFusedGruCellBackward0"


def test_lstm_cell_gradcheck_and_gradgradcheck():
    fg.manual_seed(2)
    inputs = (_randn(3, 8), _randn(3, 2))
    assert gradcheck(lambda g, c: _core.lstm_cell(g, c), inputs)
    assert gradgradcheck(lambda g, c: _core.lstm_cell(g, c), inputs)


@pytest.mark.parametrize("which", [0, 1])
def test_lstm_cell_one_output_used(which):
    """A gradient for one of the two outputs only (the other's is taken as zero)."""
    fg.manual_seed(3)
    inputs = (_randn(2, 12), _randn(2, 3))
    assert gradcheck(lambda g, c: _core.lstm_cell(g, c)[which], inputs)
    assert gradgradcheck(lambda g, c: _core.lstm_cell(g, c)[which], inputs)


def test_gru_cell_gradcheck_and_gradgradcheck():
    fg.manual_seed(4)
    inputs = (_randn(3, 6), _randn(3, 6), _randn(3, 2))
    assert gradcheck(_core.gru_cell, inputs)
    assert gradgradcheck(_core.gru_cell, inputs)


def test_gru_cell_tangent_matches_finite_differences():
    fg.manual_seed(5)
    primals = [_randn(3, 6, requires_grad=False) for _ in range(2)]
    primals.append(_randn(3, 2, requires_grad=False))
    directions = [fg.randn(*p.shape, dtype=fg.float64) for p in primals]
    with forward_ad.dual_level():
        duals = [forward_ad.make_dual(p, d) for p, d in zip(primals, directions, strict=True)]
        tangent = forward_ad.unpack_dual(_core.gru_cell(*duals)).tangent
    eps = 1e-6
    ahead = _core.gru_cell(*(p + eps * d for p, d in zip(primals, directions, strict=True)))
    behind = _core.gru_cell(*(p - eps * d for p, d in zip(primals, directions, strict=True)))
    np.testing.assert_allclose(
        tangent.numpy(), ((ahead - behind) / (2 * eps)).numpy(), rtol=1e-6, atol=1e-8
    )


def test_gru_cell_tangent_of_one_input():
    """Inputs without a tangent count as zero."""
    fg.manual_seed(6)
    gx, gh = _randn(2, 3, requires_grad=False), _randn(2, 3, requires_grad=False)
    h = _randn(2, 1, requires_grad=False)
    direction = fg.randn(2, 1, dtype=fg.float64)
    with forward_ad.dual_level():
        out = _core.gru_cell(gx, gh, forward_ad.make_dual(h, direction))
        tangent = forward_ad.unpack_dual(out).tangent
    eps = 1e-6
    ahead = _core.gru_cell(gx, gh, h + eps * direction)
    numeric = (ahead - _core.gru_cell(gx, gh, h - eps * direction)) / (2 * eps)
    np.testing.assert_allclose(tangent.numpy(), numeric.numpy(), rtol=1e-6, atol=1e-8)


def test_lstm_cell_refuses_a_dual_input():
    with forward_ad.dual_level():
        gates = forward_ad.make_dual(fg.zeros(1, 4), fg.ones(1, 4))
        with pytest.raises(RuntimeError, match="forward-mode AD is not implemented"):
            _core.lstm_cell(gates, fg.zeros(1, 1))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: _core.lstm_cell(fg.zeros(2, 7), fg.zeros(2, 2)), "expected gates of shape"),
        (lambda: _core.lstm_cell(fg.zeros(2, 8), fg.zeros(2)), "2-D state"),
        (lambda: _core.gru_cell(fg.zeros(2, 6), fg.zeros(2, 5), fg.zeros(2, 2)), "gates of shape"),
    ],
)
def test_cells_refuse_bad_shapes(call, message):
    with pytest.raises(RuntimeError, match=message):
        call()


def test_cells_refuse_mixed_and_integer_dtypes():
    with pytest.raises(TypeError, match="dtype"):
        _core.lstm_cell(fg.zeros(1, 4, dtype=fg.float64), fg.zeros(1, 1))
    with pytest.raises(TypeError, match="floating point"):
        _core.gru_cell(*(fg.zeros(1, 3, dtype=fg.int64),) * 2, fg.zeros(1, 1, dtype=fg.int64))


# --- the LSTM layer: the whole sequence as one op ------------------------------------------------


def _lstm_layer_reference(projected, h0, c0, w_hh, reverse):
    """The layer a step at a time in NumPy (float64): outputs, final h, final c."""
    h, c = h0, c0
    outputs = np.zeros(projected.shape[:2] + h0.shape[1:])
    steps = range(len(projected))
    for t in reversed(steps) if reverse else steps:
        h, c = _lstm_reference(projected[t] + h @ w_hh.T, c)
        outputs[t] = h
    return outputs, h, c


def _layer_operands(steps, batch, hidden, dtype=fg.float64, requires_grad=True):
    shapes = [(steps, batch, 4 * hidden), (batch, hidden), (batch, hidden), (4 * hidden, hidden)]
    return [_randn(*shape, dtype=dtype, requires_grad=requires_grad) for shape in shapes]


@pytest.mark.parametrize("dtype", [fg.float32, fg.float64])
@pytest.mark.parametrize("reverse", [False, True])
def test_lstm_layer_values(dtype, reverse):
    fg.manual_seed(20)
    operands = _layer_operands(6, 3, 4, dtype)
    got = _core.lstm_layer(*operands, reverse)
    want = _lstm_layer_reference(
        *(t.detach().numpy().astype(np.float64) for t in operands), reverse
    )
    tol = 1e-5 if dtype == fg.float32 else 1e-13
    for a, b in zip(got, want, strict=True):
        assert a.dtype == dtype
        np.testing.assert_allclose(a.detach().numpy(), b, rtol=tol, atol=tol)
    assert got[0].grad_fn.name() == "MkldnnRnnLayerBackward0"
    assert got[1].grad_fn == got[2].grad_fn == got[0].grad_fn


@pytest.mark.parametrize("reverse", [False, True])
def test_lstm_layer_gradcheck_and_gradgradcheck(reverse):
    fg.manual_seed(21)
    operands = _layer_operands(3, 2, 2)

    def run(*xs):
        return _core.lstm_layer(*xs, reverse)

    assert gradcheck(run, operands)
    assert gradgradcheck(run, operands)


@pytest.mark.parametrize("which", [0, 1, 2])
def test_lstm_layer_one_output_used(which):
    """Gradients for one output only (the others' count as zero)."""
    fg.manual_seed(22)
    operands = _layer_operands(3, 2, 2)
    assert gradcheck(lambda *xs: _core.lstm_layer(*xs, False)[which], operands)
    assert gradgradcheck(lambda *xs: _core.lstm_layer(*xs, True)[which], operands)


def test_lstm_layer_without_recording_equals_the_recorded_values():
    fg.manual_seed(23)
    operands = _layer_operands(5, 4, 3, fg.float32)
    recorded = _core.lstm_layer(*operands, False)
    with fg.no_grad():
        plain = _core.lstm_layer(*operands, False)
    assert plain[0].grad_fn is None
    for a, b in zip(recorded, plain, strict=True):
        np.testing.assert_array_equal(a.detach().numpy(), b.numpy())


def test_lstm_layer_results_do_not_depend_on_the_thread_count():
    """A batch large enough is cut into one part per thread; each row's values stay the same."""
    fg.manual_seed(24)
    operands = _layer_operands(12, 8, 64, fg.float32)
    operands[3] = (operands[3] * 0.1).detach().requires_grad_()
    before = fg.get_num_threads()
    results = []
    try:
        for threads in (1, 2):
            fg.set_num_threads(threads)
            out = _core.lstm_layer(*operands, False)
            grads = fg.autograd.grad(sum((t * t).sum() for t in out), operands)
            results.append([t.detach().numpy() for t in (*out, *grads)])
    finally:
        fg.set_num_threads(before)
    for a, b in zip(*results, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    ("shapes", "message"),
    [
        ([(0, 2, 8), (2, 2), (2, 2), (8, 2)], "at least one step"),
        ([(3, 2, 7), (2, 2), (2, 2), (8, 2)], "4\\*hidden"),
        ([(3, 2, 8), (3, 2), (2, 2), (8, 2)], "h0 of shape"),
        ([(3, 2, 8), (2, 2), (2, 2), (2, 8)], "w_hh of shape"),
        ([(2, 8), (2, 2), (2, 2), (8, 2)], "3-D projection"),
    ],
)
def test_lstm_layer_refuses_bad_shapes(shapes, message):
    operands = [fg.zeros(*shape) for shape in shapes]
    with pytest.raises(RuntimeError, match=message):
        _core.lstm_layer(*operands, False)


def test_lstm_layer_refuses_mixed_and_integer_dtypes_and_dual_inputs():
    with pytest.raises(TypeError, match="dtype"):
        _core.lstm_layer(
            fg.zeros(1, 1, 4),
            fg.zeros(1, 1),
            fg.zeros(1, 1, dtype=fg.float64),
            fg.zeros(4, 1),
            False,
        )
    with pytest.raises(TypeError, match="floating point"):
        ints = [fg.zeros(*s, dtype=fg.int64) for s in [(1, 1, 4), (1, 1), (1, 1), (4, 1)]]
        _core.lstm_layer(*ints, False)
    with forward_ad.dual_level():
        projected = forward_ad.make_dual(fg.zeros(1, 1, 4), fg.ones(1, 1, 4))
        with pytest.raises(RuntimeError, match="forward-mode AD is not implemented"):
            _core.lstm_layer(projected, fg.zeros(1, 1), fg.zeros(1, 1), fg.zeros(4, 1), False)


# --- the modules on the fused cells ------------------------------------------------------------


def _node_names(tensor):
    seen, names, stack = set(), set(), [tensor.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        names.add(node.name())
        stack += [child for child, _ in node.next_functions]
    return names


@pytest.mark.parametrize(
    ("kind", "node"),
    [(nn.LSTM, "MkldnnRnnLayerBackward0"), (nn.GRU, "ThnnFusedGruCellBackward0")],
)
def test_modules_run_on_the_fused_cells(kind, node):
    out, _ = kind(3, 4, num_layers=2)(fg.randn(5, 2, 3))
    names = _node_names(out.sum())
    assert node in names
    assert not {"SigmoidBackward0", "TanhBackward0"} & names, names


@pytest.mark.parametrize(
    "options",
    [
        {"bidirectional": True, "num_layers": 2},
        {"proj_size": 2, "batch_first": True},
        {"proj_size": 1, "bidirectional": True, "bias": False},
    ],
)
def test_lstm_gradcheck_and_gradgradcheck(options):
    fg.manual_seed(7)
    lstm = nn.LSTM(2, 3, **options).double()
    batch_first = options.get("batch_first", False)
    x = fg.randn(*((2, 3, 2) if batch_first else (3, 2, 2)), dtype=fg.float64, requires_grad=True)
    layers = options.get("num_layers", 1) * (2 if options.get("bidirectional") else 1)
    h0 = fg.randn(layers, 2, options.get("proj_size") or 3, dtype=fg.float64, requires_grad=True)
    c0 = fg.randn(layers, 2, 3, dtype=fg.float64, requires_grad=True)

    def run(x, h0, c0):
        out, (h, c) = lstm(x, (h0, c0))
        return out, h, c

    assert gradcheck(run, (x, h0, c0))
    assert gradgradcheck(run, (x, h0, c0))


@pytest.mark.parametrize("kind", [nn.LSTM, nn.GRU, nn.RNN])
def test_packed_bidirectional_gradgradcheck(kind):
    fg.manual_seed(8)
    module = kind(2, 2, num_layers=2, bidirectional=True).double()
    x = fg.randn(3, 3, 2, dtype=fg.float64, requires_grad=True)

    def run(x):
        packed = rnn_utils.pack_padded_sequence(x, [2, 3, 1], enforce_sorted=False)
        out, state = module(packed)
        state = state if isinstance(state, tuple) else (state,)
        return (rnn_utils.pad_packed_sequence(out)[0], *state)

    assert gradcheck(run, (x,))
    assert gradgradcheck(run, (x,))


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_rnn_gradgradcheck(nonlinearity):
    fg.manual_seed(9)
    rnn = nn.RNN(2, 3, nonlinearity=nonlinearity, batch_first=True, bidirectional=True).double()
    x = fg.randn(2, 4, 2, dtype=fg.float64, requires_grad=True)
    assert gradcheck(lambda x: rnn(x)[0], (x,))
    assert gradgradcheck(lambda x: rnn(x)[0], (x,))


def test_gru_forward_mode_through_the_fused_cell():
    """The GRU keeps its fused cell under a dual level (the cell has a tangent rule)."""
    fg.manual_seed(10)
    gru = nn.GRU(2, 3, num_layers=2).double()
    x, direction = fg.randn(4, 2, 2, dtype=fg.float64), fg.randn(4, 2, 2, dtype=fg.float64)
    with forward_ad.dual_level():
        out, _ = gru(forward_ad.make_dual(x, direction))
        tangent = forward_ad.unpack_dual(out).tangent
    eps = 1e-6
    with fg.no_grad():
        numeric = (gru(x + eps * direction)[0] - gru(x - eps * direction)[0]) / (2 * eps)
    np.testing.assert_allclose(tangent.detach().numpy(), numeric.numpy(), rtol=1e-6, atol=1e-8)


def test_fused_module_gradients_match_the_composed_step():
    """The LSTM's gradients through the fused cell equal those of the step composed of
    pointwise ops (which the module uses while a forward-mode level is open)."""
    fg.manual_seed(11)
    lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    x = fg.randn(6, 2, 3, requires_grad=True)

    def grads():
        out, (h, c) = lstm(x)
        total = (out * out).sum() + h.sum() + (c * 2).sum()
        return [g.numpy() for g in fg.autograd.grad(total, [x, *lstm.parameters()])]

    fused = grads()
    with forward_ad.dual_level():  # no dual inputs: only the step's choice changes
        composed = grads()
    for a, b in zip(fused, composed, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cell", [nn.LSTMCell, nn.GRUCell])
def test_cells_double_backward_through_the_fused_step(cell):
    fg.manual_seed(12)
    module = cell(2, 3).double()
    x = fg.randn(4, 2, dtype=fg.float64, requires_grad=True)
    h = fg.randn(4, 3, dtype=fg.float64, requires_grad=True)

    def step(x, h):
        if cell is nn.LSTMCell:
            return module(x, (h, h * 0.5))
        return module(x, h)

    assert gradcheck(step, (x, h))
    assert gradgradcheck(step, (x, h))


@pytest.mark.parametrize("kind", [nn.LSTM, nn.GRU])
def test_fused_cells_on_a_device_through_the_host(kind):
    """A device backend without the cell kernels (the NumPy-backed test backend) runs them on
    the host: values and gradients match the CPU's."""
    from ferrograd import cuda
    from ferrograd.cuda._numpy_backend import NumpyTable

    fg.manual_seed(13)
    module = kind(3, 4, bidirectional=True)
    x = fg.randn(5, 2, 3)
    out, _ = module(x)
    out.sum().backward()
    want = [p.grad.numpy().copy() for p in module.parameters()]
    module.zero_grad()
    previous = cuda.use_backend(NumpyTable())
    try:
        moved = module.to("cuda")
        out_device, _ = moved(x.to("cuda"))
        assert out_device.device.type == "cuda"
        out_device.sum().backward()
        np.testing.assert_allclose(
            out_device.detach().cpu().numpy(), out.detach().numpy(), atol=1e-6
        )
        for p, w in zip(moved.parameters(), want, strict=True):
            np.testing.assert_allclose(p.grad.cpu().numpy(), w, rtol=1e-5, atol=1e-6)
    finally:
        cuda.use_backend(previous)


def test_cells_with_no_hidden_units_or_no_rows():
    for gates, c in ((fg.zeros(2, 0), fg.zeros(2, 0)), (fg.zeros(0, 8), fg.zeros(0, 2))):
        gates.requires_grad_(True)
        h1, c1 = _core.lstm_cell(gates, c)
        assert h1.shape == c1.shape == c.shape
        (h1.sum() + c1.sum()).backward()
        assert gates.grad.shape == gates.shape
    gx = fg.zeros(3, 0, requires_grad=True)
    out = _core.gru_cell(gx, fg.zeros(3, 0), fg.zeros(3, 0))
    out.sum().backward()
    assert out.shape == (3, 0) and gx.grad.shape == (3, 0)
