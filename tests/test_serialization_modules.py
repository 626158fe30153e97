"""Saving and loading whole objects: ``torch.save(model, f)`` then ``torch.load(f,
weights_only=False)``, as pytorch/examples' word_language_model does.

Round trips of modules (a Linear, a Sequential with buffers, an LSTM language model with tied
weights and custom attributes, shared submodules, cycles), whose loaded copies must compute the
same outputs and train the same way; the ``weights_only`` gate and the safe-globals allowlist;
crafted files that try to import a module, call a function or run ``__del__`` (refused, with
nothing run); ``map_location`` in each of its forms, across the NumPy-backed CUDA test backend;
and the objects that cannot be stored."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
import pickle
import struct
import sys
import tempfile
import threading
import types

import numpy as np
import pytest

import ferrograd as fg
from ferrograd import cuda, nn
from ferrograd.cuda._numpy_backend import NumpyTable
from ferrograd.nn import functional as F
from ferrograd.serialization import (
    SerializationError,
    add_safe_globals,
    clear_safe_globals,
    get_safe_globals,
    get_unsafe_globals_in_checkpoint,
    safe_globals,
)

# ----------------------------------------------------------------------------- what is saved


@dataclasses.dataclass(frozen=True)
class LMConfig:
    vocab: int
    width: int
    layers: int
    note: str = "tiny"


class TinyLanguageModel(nn.Module):
    """word_language_model's RNNModel in small: embedding, LSTM, tied decoder."""

    def __init__(self, config: LMConfig):
        super().__init__()
        self.config = config
        self.encoder = nn.Embedding(config.vocab, config.width)
        self.rnn = nn.LSTM(config.width, config.width, config.layers)
        self.decoder = nn.Linear(config.width, config.vocab)
        self.decoder.weight = self.encoder.weight  # tied
        self.words = {"<eos>": 0, "a": 1, "b": 2}
        self.history = [1.5, None, ("x", 2)]
        self.compute_dtype = fg.float32
        self.home = fg.device("cpu")
        self.tags = frozenset({"lstm", "tied"})
        self.activation = F.log_softmax

    def forward(self, tokens, hidden=None):
        output, hidden = self.rnn(self.encoder(tokens), hidden)
        return self.activation(self.decoder(output), dim=-1), hidden


class Registry:
    """A plain object that points back at the model holding it (a cycle)."""

    def __init__(self, owner):
        self.owner = owner
        self.names = ["first"]


class Trap:
    """Writes its marker file when an instance is destroyed."""

    marker = ""

    def __del__(self):
        with open(self.marker, "w") as out:
            out.write("ran")


class DictProperty:
    """A class whose instances' ``__dict__`` is computed by code."""

    @property
    def __dict__(self):
        raise AssertionError("ran")


class SlotHolder:
    __slots__ = ("value",)


class SlotsAndDict:
    __slots__ = ("__dict__", "value")


class Renamed(nn.Module):
    """Stands for a class saved under another module's name."""


def save_bytes(obj) -> bytes:
    buffer = io.BytesIO()
    fg.save(obj, buffer)
    return buffer.getvalue()


def load_bytes(blob: bytes, **kwargs):
    return fg.load(io.BytesIO(blob), **kwargs)


def header_of(blob: bytes) -> dict:
    return json.loads(blob[8 : 8 + struct.unpack("<Q", blob[:8])[0]])


def structure_of(blob: bytes):
    return json.loads(header_of(blob)["__metadata__"]["structure"])


def with_structure(blob: bytes, structure) -> bytes:
    """The file with its structure record replaced (tensor data kept)."""
    n = struct.unpack("<Q", blob[:8])[0]
    header = header_of(blob)
    header["__metadata__"]["structure"] = json.dumps(structure)
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + blob[8 + n :]


def crafted(structure) -> bytes:
    """A version 3 file without tensors whose structure record is ``structure``."""
    metadata = {"format": "ferrograd", "ferrograd_version": "3", "structure": json.dumps(structure)}
    text = json.dumps({"__metadata__": metadata}).encode()
    return struct.pack("<Q", len(text)) + text


def as_object(module: str, qualname: str, state: dict | None = None, record: int = 0) -> dict:
    """A structure node for an object of ``module.qualname`` with plain-value attributes."""
    items = [[k, {"t": "value", "v": v}] for k, v in (state or {}).items()]
    return {
        "t": "object",
        "module": module,
        "qualname": qualname,
        "id": record,
        "state": {"t": "dict", "items": items},
    }


def host(t) -> np.ndarray:
    return t.detach().cpu().numpy()


@pytest.fixture(autouse=True)
def _no_safe_globals_left():
    yield
    clear_safe_globals()


# ----------------------------------------------------------------------------- round trips


def test_linear_round_trip(tmp_path):
    fg.manual_seed(0)
    linear = nn.Linear(3, 2)
    path = tmp_path / "linear.pt"
    fg.save(linear, path)
    back = fg.load(path, weights_only=False)
    assert type(back) is nn.Linear and back is not linear
    assert (back.in_features, back.out_features, back.training) == (3, 2, True)
    for name in ("weight", "bias"):
        p = getattr(back, name)
        assert type(p) is nn.Parameter and p.is_leaf and p.requires_grad
        assert np.array_equal(host(p), host(getattr(linear, name)))
    x = fg.randn(4, 3)
    assert np.array_equal(host(back(x)), host(linear(x)))
    # still a plain safetensors file, its tensors under the attribute path
    from safetensors.numpy import load_file

    assert sorted(load_file(str(path))) == ["_parameters.bias", "_parameters.weight"]
    assert header_of(path.read_bytes())["__metadata__"]["ferrograd_version"] == "3"


def test_sequential_with_nested_modules_and_buffers_round_trips():
    fg.manual_seed(1)
    inner = nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4))
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), inner, nn.Dropout(0.25))
    model.register_buffer("scale", fg.tensor([2.0]))
    model.register_buffer("scratch", fg.zeros(2), persistent=False)
    model.frozen = nn.Parameter(fg.ones(2), requires_grad=False)
    model(fg.randn(8, 3))  # batch norm statistics move away from their initial values
    model.eval()
    inner[0].train()  # a mixed training flag survives too
    back = load_bytes(save_bytes(model), weights_only=False)

    assert [type(m) for m in back.modules()] == [type(m) for m in model.modules()]
    assert back[2][1].num_batches_tracked.dtype == fg.int64
    assert back[2][1].num_batches_tracked.item() == 1
    assert [m.training for m in back.modules()] == [m.training for m in model.modules()]
    assert back[3].p == 0.25 and back._non_persistent_buffers_set == {"scratch"}
    assert type(back.frozen) is nn.Parameter and not back.frozen.requires_grad
    mine, theirs = model.state_dict(), back.state_dict()
    assert list(mine) == list(theirs) and "scratch" not in theirs
    for key in mine:
        assert np.array_equal(host(mine[key]), host(theirs[key])), key
    x = fg.randn(5, 3)
    assert np.array_equal(host(back(x)), host(model(x)))


def test_language_model_with_tied_weights_and_custom_attributes_round_trips_and_trains():
    fg.manual_seed(2)
    model = TinyLanguageModel(LMConfig(vocab=5, width=5, layers=2))
    back = load_bytes(save_bytes(model), weights_only=False)

    assert type(back) is TinyLanguageModel and back.config == model.config
    assert dataclasses.is_dataclass(back.config) and back.config.note == "tiny"
    assert back.decoder.weight is back.encoder.weight  # sharing preserved
    assert back.words == model.words and back.history == [1.5, None, ("x", 2)]
    assert back.compute_dtype is fg.float32 and back.home == fg.device("cpu")
    assert back.tags == frozenset({"lstm", "tied"}) and back.activation is F.log_softmax
    assert len(list(back.parameters())) == len(list(model.parameters()))
    for p in back.parameters():
        assert isinstance(p, nn.Parameter) and p.is_leaf and p.requires_grad

    tokens = fg.tensor([[0, 1], [2, 3], [4, 0]])
    targets = fg.tensor([[1, 2], [3, 4], [0, 1]])
    losses = {}
    for name, net in (("original", model), ("loaded", back)):
        optimizer = fg.optim.SGD(net.parameters(), lr=0.5)
        history = []
        for _ in range(5):
            optimizer.zero_grad()
            log_probs, _ = net(tokens)
            loss = F.nll_loss(log_probs.reshape(-1, 5), targets.reshape(-1))
            loss.backward()
            optimizer.step()
            history.append(loss.item())
        losses[name] = history
    assert losses["loaded"] == losses["original"]  # the same model, trained the same way
    assert losses["loaded"][-1] < losses["loaded"][0]
    assert back.decoder.weight is back.encoder.weight  # still tied after training
    assert np.array_equal(host(back.encoder.weight), host(model.encoder.weight))


def test_shared_submodules_and_cycles_are_restored_as_one_object():
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, nn.Tanh(), shared)
    model.registry = Registry(model)
    back = load_bytes(save_bytes(model), weights_only=False)
    assert back[0] is back[2] and back[0] is not shared
    assert back.registry.owner is back and back.registry.names == ["first"]
    assert len(list(back.parameters())) == 2
    x = fg.randn(3, 2)
    assert np.array_equal(host(back(x)), host(model(x)))


def test_a_transformer_layer_keeps_its_activation_function():
    fg.manual_seed(3)
    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0)
    back = load_bytes(save_bytes(layer), weights_only=False)
    assert back.activation is layer.activation
    x = fg.randn(2, 3, 8)
    np.testing.assert_allclose(host(back(x)), host(layer(x)), rtol=0, atol=0)


def test_tensor_only_files_keep_format_version_2():
    blob = save_bytes({"w": fg.ones(2), "step": 3, "nested": [fg.zeros(1)]})
    assert header_of(blob)["__metadata__"]["ferrograd_version"] == "2"
    assert "device" not in json.dumps(structure_of(blob))
    # a state dict's detached tensors too; parameters themselves need version 3
    assert (
        header_of(save_bytes(nn.Linear(2, 2).state_dict()))["__metadata__"]["ferrograd_version"]
        == "2"
    )
    params = load_bytes(save_bytes(list(nn.Linear(2, 2).parameters())))
    assert [type(p) for p in params] == [nn.Parameter, nn.Parameter]


# ----------------------------------------------------------------------------- weights_only


def test_weights_only_refuses_objects_with_advice():
    blob = save_bytes(TinyLanguageModel(LMConfig(4, 4, 1)))
    for kwargs in ({}, {"weights_only": None}, {"weights_only": True}):
        with pytest.raises(pickle.UnpicklingError) as caught:
            load_bytes(blob, **kwargs)
        message = str(caught.value)
        assert "Weights only load failed" in message
        assert "class test_serialization_modules.TinyLanguageModel at the top level" in message
        assert "weights_only=False" in message and "trust" in message
        assert "add_safe_globals([TinyLanguageModel])" in message and "state_dict()" in message
    assert sorted(get_unsafe_globals_in_checkpoint(io.BytesIO(blob))) == [
        "ferrograd.nn._functional_activation.log_softmax",
        "ferrograd.nn.modules.linear.Linear",
        "ferrograd.nn.modules.rnn.LSTM",
        "ferrograd.nn.modules.sparse.Embedding",
        "test_serialization_modules.LMConfig",
        "test_serialization_modules.TinyLanguageModel",
    ]


def test_weights_only_environment_and_pickle_module(monkeypatch):
    blob = save_bytes(nn.Linear(1, 1))
    assert type(load_bytes(blob, pickle_module=pickle)) is nn.Linear  # None then means False
    with pytest.raises(RuntimeError, match="explicit pickle_module"):
        load_bytes(blob, pickle_module=pickle, weights_only=True)
    monkeypatch.setenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "1")
    with pytest.warns(UserWarning, match="TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"):
        assert type(load_bytes(blob)) is nn.Linear
    with pytest.raises(pickle.UnpicklingError):  # an explicit choice wins over it
        load_bytes(blob, weights_only=True)
    monkeypatch.setenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "1")
    with pytest.raises(RuntimeError, match="both set"):
        load_bytes(blob)
    monkeypatch.delenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD")
    with pytest.raises(pickle.UnpicklingError):
        load_bytes(blob, weights_only=False)


def test_add_safe_globals_and_the_safe_globals_context():
    blob = save_bytes(nn.Sequential(nn.Linear(2, 2)))
    allowed = [nn.Sequential, nn.Linear]
    add_safe_globals(allowed)
    add_safe_globals([nn.Linear])  # no repeats
    assert get_safe_globals() == allowed
    assert type(load_bytes(blob)) is nn.Sequential
    assert get_unsafe_globals_in_checkpoint(io.BytesIO(blob)) == []
    clear_safe_globals()
    assert get_safe_globals() == []
    with pytest.raises(pickle.UnpicklingError, match="Sequential"):
        load_bytes(blob)
    with safe_globals(allowed):
        assert get_safe_globals() == allowed
        assert type(load_bytes(blob, weights_only=True)) is nn.Sequential
    assert get_safe_globals() == []
    with pytest.raises(pickle.UnpicklingError):
        load_bytes(blob)
    # partly allowed: refused at the first class that is not
    with safe_globals([nn.Sequential]), pytest.raises(pickle.UnpicklingError, match="Linear"):
        load_bytes(blob)
    for bad, error in (((nn.Linear,), ValueError), ((nn.Linear, 3), TypeError), (5, TypeError)):
        with pytest.raises(error):
            add_safe_globals([bad])


def test_a_named_safe_global_matches_a_class_saved_under_another_name():
    """``(cls, "module.qualname")`` entries: a class that moved since the file was written."""
    blob = save_bytes(Renamed())
    structure = structure_of(blob)
    structure["module"], structure["qualname"] = "old_package_never_imported", "OldName"
    moved = with_structure(blob, structure)
    with pytest.raises(pickle.UnpicklingError, match="'old_package_never_imported' is not"):
        load_bytes(moved, weights_only=False)
    with safe_globals([(Renamed, "old_package_never_imported.OldName")]):
        assert type(load_bytes(moved)) is Renamed
        assert type(load_bytes(moved, weights_only=False)) is Renamed
    assert "old_package_never_imported" not in sys.modules


# ----------------------------------------------------------------------------- hostile files


def test_a_class_from_a_module_not_imported_is_refused_and_never_imported(tmp_path, monkeypatch):
    marker = tmp_path / "imported"
    (tmp_path / "payload_module_for_ferrograd.py").write_text(
        f"open({str(marker)!r}, 'w').write('ran')\nclass Payload:\n    pass\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    blob = crafted(as_object("payload_module_for_ferrograd", "Payload"))
    with pytest.raises(
        pickle.UnpicklingError,
        match=r"payload_module_for_ferrograd' is not imported \(ferrograd.load never imports",
    ):
        load_bytes(blob, weights_only=False)
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
        load_bytes(blob)
    assert "payload_module_for_ferrograd" not in sys.modules and not marker.exists()


@pytest.mark.parametrize(
    ("module", "qualname"),
    [
        ("os", "system"),
        ("builtins", "eval"),
        ("subprocess", "Popen"),
        ("ferrograd.serialization", "save"),
        ("ferrograd.nn.modules.linear", "Linear.__init__"),
    ],
)
def test_a_smuggled_callable_is_refused(module, qualname):
    """A module whose ``forward`` attribute names a function: a program calling the model would
    call it with its own data."""
    structure = structure_of(save_bytes(nn.Identity()))
    structure["state"]["items"].append(
        ["forward", {"t": "global", "module": module, "qualname": qualname}]
    )
    blob = crafted(structure)
    with pytest.raises(pickle.UnpicklingError, match=rf"reference to {module}\.{qualname}"):
        load_bytes(blob, weights_only=False)
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
        load_bytes(blob)


@pytest.mark.parametrize(
    ("module", "qualname", "reason"),
    [
        ("functools", "partial", r"C\) type|object.__new__\(functools.partial\) is not safe"),
        ("builtins", "dict", r"built-in \(C\) type"),
        (__name__, "DictProperty", r"no plain __dict__"),
        (__name__, "SlotHolder", r"no plain __dict__"),
        ("ferrograd._tensor", "Tensor", r"tensor subclass"),
        ("os", "path", r"not a class"),
        ("ferrograd.serialization", "os.system", r"has no 'os.system'"),
        ("ferrograd.nn.modules.linear", "Linear.__init__.__globals__", r"has no"),
    ],
)
def test_classes_that_cannot_be_rebuilt_without_running_code_are_refused(module, qualname, reason):
    blob = crafted(as_object(module, qualname, {"x": 1}))
    with pytest.raises(pickle.UnpicklingError, match=reason):
        load_bytes(blob, weights_only=False)


def test_a_module_getattr_is_never_asked_for_a_class(monkeypatch):
    """Classes are read from a module's ``__dict__``: a module-level ``__getattr__`` (which can
    run any code, or import) is not consulted."""
    asked = []
    lazy = types.ModuleType("lazy_classes")

    def module_getattr(name):
        asked.append(name)
        return DictProperty

    lazy.__getattr__ = module_getattr
    monkeypatch.setitem(sys.modules, "lazy_classes", lazy)
    blob = crafted(as_object("lazy_classes", "Anything", {"x": 1}))
    with pytest.raises(pickle.UnpicklingError, match=r"has no 'Anything'"):
        load_bytes(blob, weights_only=False)
    assert asked == []


def test_no_del_runs_on_state_from_a_file(tmp_path):
    """``tempfile._TemporaryFileCloser`` deletes ``self.name`` in ``__del__``: rebuilt from a
    file, it would delete any path the file names. Classes defining ``__del__`` are refused."""
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    marker = tmp_path / "trap"
    gadgets = [
        as_object(__name__, "Trap", {"marker": str(marker)}),
        {
            "t": "object",
            "module": "tempfile",
            "qualname": "_TemporaryFileCloser",
            "id": 0,
            "state": {
                "t": "dict",
                "items": [
                    ["file", as_object("ferrograd.nn.modules.linear", "Identity", record=1)],
                    ["name", {"t": "value", "v": str(victim)}],
                    ["delete", {"t": "value", "v": True}],
                    ["cleanup_called", {"t": "value", "v": False}],
                ],
            },
        },
    ]
    assert hasattr(tempfile, "_TemporaryFileCloser")
    for gadget in gadgets:
        with pytest.raises(pickle.UnpicklingError, match="defines __del__"):
            load_bytes(crafted(gadget), weights_only=False)
    assert victim.read_text() == "keep me" and not marker.exists()
    own = Trap()
    own.marker = str(tmp_path / "own")  # this test's own instance may run __del__
    with pytest.raises(TypeError, match="Trap defines __del__"):
        fg.save({"t": own}, io.BytesIO())


def test_a_damaged_object_record_is_a_serialization_error():
    with pytest.raises(SerializationError, match="an object's id must be an integer"):
        load_bytes(crafted(as_object("ferrograd.nn.modules.linear", "Identity") | {"id": -0.5}))


# ----------------------------------------------------------------------------- map_location


def test_map_location_forms_on_the_cpu():
    fg.manual_seed(4)
    model = nn.Linear(2, 3)
    blob = save_bytes(model)
    for where in (None, "cpu", b"cpu", fg.device("cpu"), {"cpu": "cpu"}, {"cuda:0": "cpu"}):
        back = load_bytes(blob, weights_only=False, map_location=where)
        assert back.weight.device == fg.device("cpu")
        assert np.array_equal(host(back.weight), host(model.weight))
    seen = []

    def keep(storage, location):
        seen.append(location)
        return storage

    back = load_bytes(blob, weights_only=False, map_location=keep)
    assert seen == ["cpu", "cpu"] and type(back.bias) is nn.Parameter and back.bias.requires_grad
    back = load_bytes(blob, weights_only=False, map_location=lambda storage, location: None)
    assert np.array_equal(host(back.bias), host(model.bias))
    with pytest.raises(TypeError, match="must return a tensor of the same shape or None"):
        load_bytes(blob, weights_only=False, map_location=lambda storage, location: "cpu")
    with pytest.raises(RuntimeError, match="on 'mps': ferrograd's devices are 'cpu', 'cuda'"):
        load_bytes(blob, weights_only=False, map_location="mps")
    on_meta = load_bytes(blob, weights_only=False, map_location={"cpu": "meta"})
    assert on_meta.bias.is_meta and on_meta.bias.shape == model.bias.shape
    with pytest.raises(TypeError, match="map_location must be a device"):
        load_bytes(blob, weights_only=False, map_location=3)


@contextlib.contextmanager
def cuda_backend(table):
    """Installs a CUDA backend for the block."""
    previous = cuda.use_backend(table)
    try:
        yield
    finally:
        cuda.use_backend(previous)


@pytest.fixture
def fake_gpu():
    """The NumPy-backed CUDA test backend with two devices."""
    with cuda_backend(NumpyTable(devices=2)):
        yield


def test_tensors_go_back_to_the_gpu_they_were_saved_from(fake_gpu):
    fg.manual_seed(5)
    model = nn.Linear(2, 2).to("cuda")
    blob = save_bytes({"model": model, "state": {"moved": fg.ones(2, device="cuda:1")}})
    assert header_of(blob)["__metadata__"]["ferrograd_version"] == "3"
    back = load_bytes(blob, weights_only=False)
    assert back["model"].weight.device == fg.device("cuda:0")
    assert back["state"]["moved"].device == fg.device("cuda:1")
    assert np.array_equal(host(back["model"].weight), host(model.weight))
    x = fg.randn(3, 2, device="cuda")
    assert np.array_equal(host(back["model"](x)), host(model(x)))

    on_cpu = load_bytes(blob, weights_only=False, map_location="cpu")
    assert on_cpu["model"].weight.device == fg.device("cpu") and on_cpu["model"].weight.is_leaf
    remapped = load_bytes(blob, weights_only=False, map_location={"cuda:1": "cuda:0"})
    assert remapped["state"]["moved"].device == fg.device("cuda:0")
    assert remapped["model"].weight.device == fg.device("cuda:0")
    locations = []

    def to_cpu(storage, location):
        locations.append(location)
        return storage

    assert load_bytes(blob, weights_only=False, map_location=to_cpu)["model"].bias.device == (
        fg.device("cpu")
    )
    assert sorted(locations) == ["cuda:0", "cuda:0", "cuda:1"]
    moved = load_bytes(blob, weights_only=False, map_location=lambda s, loc: s.cuda(1))
    assert moved["model"].weight.device == fg.device("cuda:1")
    with pytest.raises(RuntimeError, match=r"saved on 'cuda:1', which would go to 'cuda:5'"):
        load_bytes(blob, weights_only=False, map_location={"cuda:1": "cuda:5"})


def test_gpu_files_without_a_gpu_say_to_map_to_the_cpu(monkeypatch):
    with cuda_backend(NumpyTable()):
        blob = save_bytes([fg.ones(2, device="cuda")])
    previous = cuda.use_backend(None)
    monkeypatch.setenv("FERROGRAD_CUDA_BACKEND", "none")
    cuda._reset_for_tests()
    try:
        with pytest.raises(
            RuntimeError, match=r"saved on 'cuda:0'.*CUDA is not available.*map_location='cpu'"
        ):
            load_bytes(blob)
        back = load_bytes(blob, map_location="cpu")
        assert back[0].device == fg.device("cpu") and back[0].tolist() == [1.0, 1.0]
    finally:
        cuda.use_backend(previous)


# ----------------------------------------------------------------------- what cannot be stored


def test_unstorable_attributes_are_named_with_their_type_and_place(tmp_path):
    def local_function(x):
        return x

    class LocalModule(nn.Module):
        pass

    cases = [
        (
            "fn",
            lambda x: x,
            r"function .*<lambda> at _modules\.1\.fn: it is defined inside a function or is a",
        ),
        ("fn", local_function, r"local_function at _modules\.1\.fn: .*inside a function"),
        ("log", None, r"type TextIOWrapper at _modules\.1\.log: it is a built-in \(C\) type"),
        ("stream", (i for i in range(2)), r"type generator at _modules\.1\.stream"),
        ("lock", threading.Lock(), r"type lock at _modules\.1\.lock"),
        ("method", nn.Linear(1, 1).forward, r"type method at _modules\.1\.method"),
        ("module", os, r"type module at _modules\.1\.module"),
        ("slots", SlotHolder(), r"type SlotHolder at _modules\.1\.slots: .*no plain __dict__"),
        ("both", SlotsAndDict(), r"SlotsAndDict keeps state in __slots__"),
        (
            "child",
            LocalModule(),
            r"LocalModule at _modules\.1\.child: its class cannot be stored by name: it is defined",
        ),
        ("raw", b"bytes", r"type bytes at _modules\.1\.raw"),
        ("tags", {("a", 1)}, r"the set at _modules\.1\.tags: it holds a tuple"),
    ]
    for name, value, message in cases:
        model = nn.Sequential(nn.Linear(1, 1), nn.Identity())
        if name == "log":
            value = open(tmp_path / "log.txt", "w")  # noqa: SIM115 (closed below)
        object.__setattr__(model[1], name, value)
        try:
            with pytest.raises(TypeError, match=message):
                fg.save(model, io.BytesIO())
        finally:
            if name == "log":
                value.close()
    lazy = nn.LazyLinear(2)
    with pytest.raises(TypeError, match=r"uninitialized parameter .* run one before saving"):
        fg.save(lazy, io.BytesIO())
