"""Tensor.storage() (TypedStorage) and untyped_storage(): the storage a tensor views.

Expected values and messages were recorded from PyTorch 2.15 (torch.TypedStorage)."""

import warnings

import pytest

import ferrograd as fg
from ferrograd import storage as storage_module

TYPED_STORAGE_WARNING = (
    "TypedStorage is deprecated. It will be removed in the future and UntypedStorage will be the "
    "only storage class. This should only matter to you if you are using storages directly.  "
    "To access UntypedStorage directly, use tensor.untyped_storage() instead of tensor.storage()"
)


@pytest.fixture
def typed_storage_of(monkeypatch):
    """``t.storage()`` without the once-per-process warning getting in the way."""
    monkeypatch.setattr(storage_module, "_warned_typed_storage", True)
    return lambda t: t.storage()


def test_storage_warns_once_per_process(monkeypatch):
    monkeypatch.setattr(storage_module, "_warned_typed_storage", False)
    x = fg.zeros(2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        x.storage()
        x[1:].storage()
    assert [str(w.message) for w in caught] == [TYPED_STORAGE_WARNING]
    assert caught[0].category is UserWarning and caught[0].filename == __file__


def test_typed_storage_of_a_view_is_its_bases_whole_storage(typed_storage_of):
    base = fg.arange(6, dtype=fg.float32).reshape(2, 3)
    s = typed_storage_of(base[1])
    assert isinstance(s, fg.TypedStorage) and fg.is_storage(s)
    assert (s.size(), len(s), s.dtype, s.device.type) == (6, 6, fg.float32, "cpu")
    assert s.data_ptr() == base.data_ptr() == base.untyped_storage().data_ptr()
    assert s.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0] and list(s) == s.tolist()
    assert (s[4], s[-1]) == (4.0, 5.0) and isinstance(s[4], float)
    assert (s.nbytes(), s.element_size(), s.type()) == (24, 4, "ferrograd.FloatStorage")
    untyped = s._untyped_storage
    assert isinstance(untyped, fg.UntypedStorage) and s.untyped().nbytes() == 24
    assert untyped.data_ptr() == s.data_ptr() and len(untyped) == 24
    s[0] = 7
    assert base[0, 0].item() == 7.0
    assert not s.is_shared() and not s.is_pinned()


def test_typed_storage_prints_its_elements_then_a_summary(typed_storage_of):
    s = typed_storage_of(fg.tensor([1.5, -2.0]))
    summary = "[ferrograd.storage.TypedStorage(dtype=ferrograd.float32, device=cpu) of size 2]"
    expected = " 1.5\n -2.0\n" + summary
    assert repr(s) == str(s) == expected


@pytest.mark.parametrize(
    ("tensor", "size", "nbytes", "kind", "values"),
    [
        (fg.tensor([True, False]), 2, 2, "BoolStorage", [True, False]),
        (fg.tensor([1, 2], dtype=fg.int64), 2, 16, "LongStorage", [1, 2]),
        (fg.zeros(2, dtype=fg.bfloat16), 2, 4, "BFloat16Storage", [0.0, 0.0]),
        (fg.zeros(3, dtype=fg.uint8), 3, 3, "ByteStorage", [0, 0, 0]),
    ],
)
def test_typed_storage_of_each_dtype(typed_storage_of, tensor, size, nbytes, kind, values):
    s = typed_storage_of(tensor)
    assert (s.size(), s.nbytes(), s.pickle_storage_type(), s.tolist()) == (
        size,
        nbytes,
        kind,
        values,
    )


@pytest.mark.parametrize(
    ("index", "error", "message"),
    [
        (6, IndexError, "index 6 out of range for storage of size 6"),
        (-7, IndexError, "index -7 out of range for storage of size 6"),
        (slice(1, 3), RuntimeError, "slices are only supported in UntypedStorage.__getitem__"),
        (
            "a",
            RuntimeError,
            "can't index a <class 'ferrograd.storage.TypedStorage'> with <class 'str'>",
        ),
    ],
)
def test_typed_storage_index_errors(typed_storage_of, index, error, message):
    s = typed_storage_of(fg.zeros(6))
    with pytest.raises(error) as caught:
        s[index]
    assert str(caught.value) == message


def test_storage_follows_share_memory(typed_storage_of):
    x = fg.ones(3)
    s = typed_storage_of(x)
    assert s.share_memory_() is s
    assert x.is_shared() and s.is_shared() and s.data_ptr() == x.data_ptr()
