"""``utils.data`` (datasets, loaders, seeded shuffling, random_split) and safe serialization
(safetensors round trips; crafted files cannot run code and fail clearly)."""

from __future__ import annotations

import io
import json
import pickle
import struct
from collections import OrderedDict

import numpy as np
import pytest

import ferrograd as fg
from ferrograd import nn
from ferrograd.utils.data import DataLoader, Dataset, TensorDataset, random_split


def test_tensor_dataset_and_loader():
    x, y = fg.arange(20, dtype=fg.float32).reshape(10, 2), fg.arange(10)
    ds = TensorDataset(x, y)
    assert len(ds) == 10 and ds[3][1].item() == 3 and ds[3][0].tolist() == [6.0, 7.0]
    batches = list(DataLoader(ds, batch_size=4))
    assert [b[0].shape[0] for b in batches] == [4, 4, 2]
    assert batches[0][1].tolist() == [0, 1, 2, 3]
    assert (
        len(DataLoader(ds, batch_size=4)) == 3
        and len(DataLoader(ds, batch_size=4, drop_last=True)) == 2
    )
    assert [b[1].shape[0] for b in DataLoader(ds, batch_size=4, drop_last=True)] == [
        4,
        4,
    ]
    shuffled = [
        b[1].tolist()
        for b in DataLoader(ds, batch_size=5, shuffle=True, generator=fg.Generator().manual_seed(1))
    ]
    again = [
        b[1].tolist()
        for b in DataLoader(ds, batch_size=5, shuffle=True, generator=fg.Generator().manual_seed(1))
    ]
    order = [i for batch in shuffled for i in batch]
    assert shuffled == again and sorted(order) == list(range(10)) and order != list(range(10))
    loader = DataLoader(ds, batch_size=10, shuffle=True, generator=fg.Generator().manual_seed(2))
    first, second = next(iter(loader))[1].tolist(), next(iter(loader))[1].tolist()
    assert first != second  # a new order each epoch
    fg.manual_seed(5)
    a = [b[1].tolist() for b in DataLoader(ds, batch_size=10, shuffle=True)]
    fg.manual_seed(5)
    assert a == [b[1].tolist() for b in DataLoader(ds, batch_size=10, shuffle=True)]
    with pytest.raises(ValueError, match="Size mismatch"):
        TensorDataset(x, fg.arange(3))
    with pytest.raises(ValueError, match="batch_size"):
        DataLoader(ds, batch_size=0)


class Squares(Dataset):
    def __len__(self):
        return 5

    def __getitem__(self, i):
        return {
            "x": fg.tensor([float(i), float(i * i)]),
            "label": i % 2,
            "name": f"n{i}",
        }


def test_custom_dataset_collate_and_random_split():
    batch = next(iter(DataLoader(Squares(), batch_size=3)))
    assert (
        batch["x"].shape == (3, 2)
        and batch["label"].tolist() == [0, 1, 0]
        and batch["name"] == ["n0", "n1", "n2"]
    )
    pairs = DataLoader([(fg.tensor(1.0), 2), (fg.tensor(3.0), 4)], batch_size=2, collate_fn=None)
    xs, ys = next(iter(pairs))
    assert xs.tolist() == [1.0, 3.0] and ys.tolist() == [2, 4]
    ds = TensorDataset(fg.arange(10))
    train, test = random_split(ds, [7, 3], generator=fg.Generator().manual_seed(0))
    assert len(train) == 7 and len(test) == 3
    assert sorted(train.indices + test.indices) == list(range(10))
    again, _ = random_split(ds, [7, 3], generator=fg.Generator().manual_seed(0))
    assert again.indices == train.indices
    parts = random_split(ds, [0.5, 0.3, 0.2])
    assert [len(p) for p in parts] == [5, 3, 2]
    assert next(iter(DataLoader(train, batch_size=7)))[0].shape == (7,)
    with pytest.raises(ValueError, match="Sum of input lengths"):
        random_split(ds, [3, 3])


def test_save_load_tensors_and_nested_structures(tmp_path):
    t = fg.randn(3, 4, dtype=fg.float64)
    path = tmp_path / "t.safetensors"
    fg.save(t, path)
    back = fg.load(path)
    assert back.dtype == fg.float64 and np.array_equal(back.numpy(), t.numpy())
    obj = {
        "weights": OrderedDict(a=fg.tensor([1, 2]), b=fg.tensor(True)),
        "list": [
            fg.zeros(0, 2),
            1.5,
            None,
            "text",
            (3, fg.tensor(2.0, requires_grad=True)),
        ],
        7: {"nested": fg.ones(2, dtype=fg.int32)},
        "scalar": fg.tensor(0, dtype=fg.int64),
    }
    buffer = io.BytesIO()
    fg.save(obj, buffer)
    buffer.seek(0)
    back = fg.load(buffer)
    assert isinstance(back["weights"], OrderedDict) and back["weights"]["a"].tolist() == [1, 2]
    assert back["weights"]["b"].dtype == fg.bool and back["weights"]["b"].item() is True
    assert back["list"][0].shape == (0, 2) and back["list"][1:4] == [1.5, None, "text"]
    assert isinstance(back["list"][4], tuple) and back["list"][4][1].requires_grad
    assert back[7]["nested"].dtype == fg.int32 and back["scalar"].shape == ()
    with pytest.raises(TypeError, match="cannot store an object of type generator at model"):
        fg.save({"model": (i for i in range(1))}, io.BytesIO())


def test_model_round_trip_is_exact_and_file_is_plain_safetensors(tmp_path):
    from safetensors.numpy import load_file

    fg.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Flatten(), nn.Linear(8, 3))
    model(fg.randn(4, 1, 4, 4))
    path = tmp_path / "model.safetensors"
    fg.save(model.state_dict(), path)
    raw = load_file(str(path))
    assert set(raw) == set(model.state_dict())
    twin = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Flatten(), nn.Linear(8, 3))
    twin.load_state_dict(fg.load(path))
    for (k, a), (_, b) in zip(model.state_dict().items(), twin.state_dict().items(), strict=True):
        assert a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a.numpy(), b.numpy()), k


def test_loading_crafted_files_cannot_run_code(tmp_path):
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            import os

            return (os.system, (f"touch {marker}",))

    evil = tmp_path / "evil.pt"
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        evil.write_bytes(pickle.dumps({"state": Exploit()}, protocol=protocol))
        with pytest.raises(ValueError, match=r"not a safetensors file.*never unpickles"):
            fg.load(evil)
    assert not marker.exists()
    # a header that claims more bytes than the file has
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(struct.pack("<Q", 10**6) + b"{}")
    with pytest.raises(ValueError, match="not a safetensors file"):
        fg.load(bad)
    # valid length, not JSON
    junk = tmp_path / "junk.safetensors"
    junk.write_bytes(struct.pack("<Q", 4) + b"\x80\x04K.")
    with pytest.raises(ValueError, match="not a safetensors file"):
        fg.load(junk)
    # JSON header whose offsets point outside the data
    header = json.dumps({"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}).encode()
    short = tmp_path / "short.safetensors"
    short.write_bytes(struct.pack("<Q", len(header)) + header + b"\x00" * 4)
    with pytest.raises(ValueError, match="truncated: its header declares 16 bytes"):
        fg.load(short)
    # a structure record that names a missing tensor
    from safetensors.numpy import save

    data = save(
        {"a": np.zeros(1, np.float32)},
        metadata={
            "format": "ferrograd",
            "ferrograd_version": "1",
            "structure": json.dumps({"t": "tensor", "key": "zz", "requires_grad": False}),
        },
    )
    with pytest.raises(ValueError, match="does not contain"):
        fg.load(io.BytesIO(data))
    with pytest.raises(TypeError, match="not pickled"):
        pickle.dumps(fg.zeros(1))
