"""Fixes found by running real PyTorch programs (tests/programs/) on ferrograd, one group each."""

from __future__ import annotations

import numpy as np
import pytest

import ferrograd as fg

# ----------------------------------------------------------------------------- axis= / keepdims=
# PyTorch's argument parser takes NumPy's names for every function and method with a `dim` /
# `keepdim` parameter (makemore writes `P.sum(1, keepdims=True)`).


@pytest.fixture
def x():
    return fg.tensor(np.arange(12, dtype=np.float32).reshape(3, 4))


@pytest.mark.parametrize(
    ("numpy_style", "torch_style"),
    [
        (lambda t: t.sum(1, keepdims=True), lambda t: t.sum(1, keepdim=True)),
        (lambda t: t.sum(axis=0), lambda t: t.sum(dim=0)),
        (lambda t: t.mean(axis=(0, 1)), lambda t: t.mean(dim=(0, 1))),
        (lambda t: t.std(axis=0, keepdims=True), lambda t: t.std(dim=0, keepdim=True)),
        (lambda t: t.max(axis=1).values, lambda t: t.max(dim=1).values),
        (lambda t: t.argmax(axis=1), lambda t: t.argmax(dim=1)),
        (lambda t: t.softmax(axis=0), lambda t: t.softmax(dim=0)),
        (lambda t: t.unsqueeze(axis=0), lambda t: t.unsqueeze(dim=0)),
        (lambda t: fg.sum(t, axis=1, keepdims=True), lambda t: fg.sum(t, dim=1, keepdim=True)),
        (lambda t: fg.cat([t, t], axis=0), lambda t: fg.cat([t, t], dim=0)),
        (lambda t: fg.stack([t, t], axis=1), lambda t: fg.stack([t, t], dim=1)),
        (lambda t: fg.median(t, axis=0).values, lambda t: fg.median(t, dim=0).values),
        (lambda t: fg.all(t > 0, axis=0), lambda t: fg.all(t > 0, dim=0)),
    ],
)
def test_numpy_keyword_names_mean_the_same(x, numpy_style, torch_style):
    got, want = numpy_style(x), torch_style(x)
    assert got.shape == want.shape
    assert fg.equal(got, want)


def test_numpy_keyword_names_keep_gradients(x):
    w = x.clone().requires_grad_(True)
    (w * w).sum(axis=1, keepdims=True).sum().backward()
    assert fg.equal(w.grad, 2 * x)


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.sum(dim=0, axis=0),
        lambda t: t.sum(0, keepdim=True, keepdims=True),
        lambda t: fg.cat([t], dim=0, axis=0),
    ],
)
def test_both_names_at_once_is_a_type_error(x, call):
    with pytest.raises(TypeError, match="multiple values"):
        call(x)


def test_functions_shared_with_nn_functional_stay_one_function(x):
    import ferrograd.nn.functional as F

    assert fg.pairwise_distance is F.pairwise_distance
    assert F.pairwise_distance(x, x + 1, keepdims=True).shape == (3, 1)


def test_unknown_keywords_still_fail(x):
    with pytest.raises(TypeError):
        x.sum(axes=0)


def test_a_required_dim_taken_by_its_numpy_name_and_missing_under_both(x):
    assert x.unsqueeze(axis=1).shape == (3, 1, 4)
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'dim'"):
        x.unsqueeze()


def test_each_method_and_function_is_wrapped_once():
    # Installing over the class walks Tensor's MRO, where a wrapped method shows up again on
    # Tensor itself: each was once wrapped a second time, a second frame on every `x.sum()`.
    from ferrograd import _numpy_keywords

    made_here = {_numpy_keywords.WRAPPER_FILENAME, _numpy_keywords.__file__}

    def layers(f):
        count = 0
        while f is not None:
            count += (
                getattr(f, "__code__", None) is not None and f.__code__.co_filename in made_here
            )
            f = getattr(f, "__wrapped__", None)
        return count

    # (`ferrograd.sum(x, axis=0)` passes `axis` on to the method, which takes it.)
    wrapped = {
        fg.Tensor: ("sum", "mean", "softmax", "size", "unsqueeze", "argmax", "tensor_split"),
        fg: ("cat", "stack", "tensor_split", "cumsum"),
    }
    for owner, names in wrapped.items():
        counts = {name: layers(value) for name, value in vars(owner).items() if callable(value)}
        assert max(counts.values()) == 1
        assert [counts[name] for name in names] == [1] * len(names)
    # The common reductions pass their arguments on without a *args/**kwargs frame.
    for name in ("sum", "mean", "softmax", "size", "unsqueeze", "argmax", "max"):
        assert "args" not in vars(fg.Tensor)[name].__code__.co_varnames, name


# ----------------------------------------------------------------------------- torch.backends
# `torch.backends.cudnn.benchmark = True` and seed helpers that set `cudnn.deterministic` run
# unconditionally in many training scripts; `torch.backends.mps.is_available()` picks a device.


def test_backend_flags_have_pytorchs_defaults_and_keep_what_is_set():
    import ferrograd.backends.cudnn as cudnn

    assert cudnn is fg.backends.cudnn
    assert (cudnn.enabled, cudnn.benchmark, cudnn.deterministic, cudnn.allow_tf32) == (
        True,
        False,
        False,
        True,
    )
    assert fg.backends.cuda.matmul.allow_tf32 is False
    saved = cudnn.benchmark
    try:
        cudnn.benchmark = True
        assert fg.backends.cudnn.benchmark is True
    finally:
        cudnn.benchmark = saved


def test_backend_availability_is_truthful():
    assert fg.backends.cudnn.is_available() is False
    assert fg.backends.cudnn.version() is None
    assert fg.backends.mps.is_available() is False
    assert fg.backends.mps.is_built() is False
    assert fg.backends.cuda.is_built() is True


# ----------------------------------------------------------------------------- torch.accelerator
# The newest pytorch/examples choose their device with torch.accelerator.


@pytest.fixture
def no_cuda_backend():
    previous = fg.cuda.use_backend(None)
    yield
    fg.cuda.use_backend(previous)


@pytest.fixture
def numpy_cuda_backend():
    from ferrograd.cuda._numpy_backend import NumpyTable

    previous = fg.cuda.use_backend(NumpyTable())
    yield
    fg.cuda.use_backend(previous)


def test_accelerator_without_a_device(no_cuda_backend):
    assert fg.accelerator.is_available() is False
    assert fg.accelerator.device_count() == 0
    assert fg.accelerator.current_accelerator() == fg.device("cuda")
    assert fg.accelerator.current_accelerator(check_available=True) is None
    with pytest.raises(RuntimeError, match="CUDA is not available"):
        fg.accelerator.current_device_index()
    fg.accelerator.synchronize()  # nothing queued, nothing to wait for
    fg.cuda.empty_cache()


def test_accelerator_with_a_device(numpy_cuda_backend):
    assert fg.accelerator.is_available() is True
    device = fg.accelerator.current_accelerator(check_available=True)
    assert device == fg.device("cuda")
    assert fg.accelerator.device_count() == fg.cuda.device_count() >= 1
    assert fg.accelerator.current_device_index() == 0
    x = fg.ones(3).to(device)
    assert x.device.type == "cuda"
    fg.accelerator.synchronize()
    fg.accelerator.empty_cache()


# ----------------------------------------------------------------------------- 0-d count samples
# NumPy's poisson/binomial give a Python int for 0-d parameters; D.Poisson(3.).sample() failed.


@pytest.mark.parametrize(
    "draw",
    [
        lambda: fg.poisson(fg.tensor(3.0)),
        lambda: fg.distributions.Poisson(3.0).sample(),
        lambda: fg.distributions.Binomial(10, fg.tensor(0.3)).sample(),
    ],
)
def test_scalar_count_samples_are_0d_float_tensors(draw):
    fg.manual_seed(0)
    value = draw()
    assert value.shape == () and value.dtype == fg.float32
    assert value.item() >= 0 and value.item() == int(value.item())


def test_poisson_samples_have_the_rates_mean():
    fg.manual_seed(0)
    rates = fg.full((20000,), 3.0)
    assert abs(fg.poisson(rates).mean().item() - 3.0) < 0.05
    samples = fg.stack([fg.distributions.Poisson(3.0).sample() for _ in range(2000)])
    assert abs(samples.mean().item() - 3.0) < 0.15


# ----------------------------------------------------------------------------- legacy constructors
# torch.LongTensor(3) (one size) made a TypeError; sizes, a Size and data all build tensors.


@pytest.mark.parametrize(
    ("make", "shape", "dtype"),
    [
        (lambda: fg.LongTensor(3), (3,), fg.int64),
        (lambda: fg.FloatTensor(2, 3), (2, 3), fg.float32),
        (lambda: fg.DoubleTensor(fg.Size([4])), (4,), fg.float64),
        (lambda: fg.FloatTensor(), (0,), fg.float32),
        (lambda: fg.LongTensor([1, 2]), (2,), fg.int64),
    ],
)
def test_legacy_constructors_take_sizes_or_data(make, shape, dtype):
    t = make()
    assert tuple(t.shape) == shape and t.dtype is dtype


def test_legacy_constructor_rejects_a_float_size():
    with pytest.raises(TypeError):
        fg.FloatTensor(2, 1.5)


# ----------------------------------------------------------------------------- torch.version
# Environment printers and guards read torch.version.cuda / torch.version.__version__.


def test_version_module():
    import ferrograd.version

    assert ferrograd.version is fg.version
    assert fg.version.__version__ == fg.__version__
    assert fg.version.cuda is None and fg.version.hip is None and fg.version.debug is False


# ----------------------------------------------------------------------------- torch.distributed
# Utility code guards its distributed path with dist.is_available() / dist.is_initialized().


def test_distributed_without_a_process_group():
    import importlib.util

    import ferrograd.distributed as dist

    assert dist.is_available() is (importlib.util.find_spec("mpi4py") is not None)
    assert dist.is_initialized() is False
    for query in (dist.get_rank, dist.get_world_size):
        with pytest.raises(ValueError, match="Default process group has not been initialized"):
            query()


def test_distributed_sampler_needs_explicit_replicas_without_a_group():
    from ferrograd.utils.data.distributed import DistributedSampler

    with pytest.raises(ValueError, match="Default process group"):
        DistributedSampler(range(4))
    sampler = DistributedSampler(range(8), num_replicas=2, rank=1, shuffle=False)
    assert list(sampler) == [1, 3, 5, 7]


# ----------------------------------------------------------------------------- torch.amp
# Training scripts build `GradScaler(enabled=use_amp)` and `autocast(..., enabled=use_amp)`
# unconditionally. The scaler's numbers below were recorded from PyTorch 2.15 on the same steps.


def _scaled_linear():
    model = fg.nn.Linear(2, 1)
    with fg.no_grad():
        model.weight.copy_(fg.tensor([[0.5, -0.25]]))
        model.bias.fill_(0.125)
    return model, fg.optim.SGD(model.parameters(), lr=0.1)


def test_grad_scaler_scales_unscales_steps_and_grows():
    model, opt = _scaled_linear()
    scaler = fg.amp.GradScaler("cpu", growth_interval=2)
    assert scaler.is_enabled() and scaler.get_scale() == 65536.0
    loss = model(fg.ones(3, 2)).sum()
    assert scaler.scale(loss).item() == 73728.0
    scaler.scale(loss).backward()
    assert model.weight.grad.tolist() == [[196608.0, 196608.0]]
    scaler.unscale_(opt)
    assert model.weight.grad.tolist() == [[3.0, 3.0]]
    with pytest.raises(RuntimeError, match="already been called on this optimizer"):
        scaler.unscale_(opt)
    assert scaler.step(opt) is None  # SGD.step returns None
    assert model.weight.tolist()[0] == pytest.approx([0.2, -0.55])
    scaler.update()
    assert (scaler.get_scale(), scaler._growth_tracker) == (65536.0, 1)
    opt.zero_grad()
    scaler.scale(model(fg.ones(3, 2)).sum()).backward()
    scaler.step(opt)
    scaler.update()
    assert (scaler.get_scale(), scaler._growth_tracker) == (131072.0, 0)


def test_grad_scaler_skips_a_step_with_infinite_gradients_and_backs_off():
    model, opt = _scaled_linear()
    scaler = fg.amp.GradScaler("cpu", init_scale=1024.0)
    scaler.scale(model(fg.ones(3, 2)).sum()).backward()
    model.weight.grad.fill_(float("inf"))
    before = model.weight.detach().clone()
    assert scaler.step(opt) is None
    assert fg.equal(model.weight, before)
    scaler.update()
    assert scaler.get_scale() == 512.0
    assert scaler.state_dict() == {
        "scale": 512.0,
        "growth_factor": 2.0,
        "backoff_factor": 0.5,
        "growth_interval": 2000,
        "_growth_tracker": 0,
    }
    restored = fg.amp.GradScaler("cpu")
    restored.load_state_dict(scaler.state_dict())
    assert restored.get_scale() == 512.0


def test_grad_scaler_scales_nested_outputs():
    scaler = fg.amp.GradScaler("cpu", init_scale=4.0)
    out = scaler.scale([fg.tensor(1.0), (fg.tensor(2.0),)])
    assert isinstance(out, list) and isinstance(out[1], tuple)
    assert (out[0].item(), out[1][0].item()) == (4.0, 8.0)


def test_grad_scaler_errors_as_pytorch():
    with pytest.raises(AssertionError, match="Attempted update but _scale is None"):
        fg.amp.GradScaler("cpu").update()
    with pytest.raises(RuntimeError, match="source state dict is empty"):
        fg.amp.GradScaler("cpu").load_state_dict({})
    with pytest.raises(ValueError, match="growth factor"):
        fg.amp.GradScaler("cpu", growth_factor=1.0)
    model, opt = _scaled_linear()
    scaler = fg.amp.GradScaler("cpu")
    scaler.scale(model(fg.ones(1, 2)).sum()).backward()
    with pytest.raises(RuntimeError, match="Closure use is not currently supported"):
        scaler.step(opt, closure=lambda: None)


def test_disabled_grad_scaler_passes_through(no_cuda_backend):
    model, opt = _scaled_linear()
    with pytest.warns(UserWarning, match="CUDA is not available.  Disabling"):
        scaler = fg.amp.GradScaler("cuda")
    for s in (scaler, fg.amp.GradScaler("cpu", enabled=False)):
        loss = model(fg.ones(1, 2)).sum()
        assert s.scale(loss) is loss and s.get_scale() == 1.0 and s.state_dict() == {}
        loss.backward()
        s.unscale_(opt)
        s.step(opt)
        s.update()
        s.load_state_dict({})


def test_autocast_disabled_is_silent_and_cuda_without_a_device_warns(no_cuda_backend):
    import warnings

    x = fg.ones(2, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with fg.autocast("cpu", enabled=False):
            assert (x @ x).dtype is fg.float32
    with pytest.warns(UserWarning, match="CUDA is not available"), fg.autocast("cuda"):
        assert (x @ x).dtype is fg.float32 and not fg.is_autocast_enabled()

    @fg.autocast("cpu", enabled=False)
    def doubled(t):
        return t * 2

    assert doubled(x).sum().item() == 8.0
    with pytest.raises(RuntimeError, match="unsupported autocast device_type 'tpu'"):
        fg.autocast("tpu")


def test_cuda_amp_names_are_deprecated_aliases(no_cuda_backend):
    with pytest.warns(FutureWarning, match=r"torch.cuda.amp.GradScaler\(args...\)` is deprecated"):
        scaler = fg.cuda.amp.GradScaler(enabled=False)
    assert isinstance(scaler, fg.amp.GradScaler) and not scaler.is_enabled()
    with pytest.warns(FutureWarning, match="is deprecated"), fg.cuda.amp.autocast(enabled=False):
        pass
