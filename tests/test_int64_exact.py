"""int64 values stay exact past 2**53 (a double holds integers only up to there): integer
division, sorting, filling, ranges and construction, as PyTorch (values recorded from PyTorch
2.15)."""

import pytest

import ferrograd as fg

B = 2**53


def test_trunc_division_of_integers_stays_integer():
    x = fg.tensor([-107491034, 7, -7])
    assert x.div(3, rounding_mode="trunc").tolist() == [-35830344, 2, -2]
    assert x.div(3, rounding_mode="floor").tolist() == [-35830345, 2, -3]
    assert x.div(3, rounding_mode="trunc").dtype == fg.int64
    big = fg.tensor([B + 1, -B - 3])
    divisor = fg.tensor([2, -2])
    assert big.div(divisor, rounding_mode="trunc").tolist() == [4503599627370496, 4503599627370497]
    assert big.div(divisor, rounding_mode="floor").tolist() == [4503599627370496, 4503599627370497]
    # a float divisor makes the quotient a float, as PyTorch
    assert fg.tensor([-7, 7]).div(fg.tensor([0.5, -2.0]), rounding_mode="trunc").tolist() == [
        -14.0,
        -3.0,
    ]
    with pytest.raises(RuntimeError, match=r"^ZeroDivisionError$"):
        fg.tensor([1]).div(0, rounding_mode="trunc")


def test_sorting_compares_int64_exactly():
    x = fg.tensor([B + 1, 3, B])
    assert x.argsort().tolist() == [1, 2, 0]
    assert x.sort(descending=True).values.tolist() == [B + 1, B, 3]
    assert fg.tensor([B + 1, B]).topk(1).values.tolist() == [B + 1]
    assert fg.tensor([B, B + 1]).argmax().item() == 1
    assert fg.tensor([B + 1, 2]).max().item() == B + 1


def test_full_and_fill_keep_large_integers():
    assert fg.full((2,), B + 1).tolist() == [B + 1, B + 1]
    assert fg.full((1,), B + 1, dtype=fg.float64).tolist() == [float(B)]
    assert fg.zeros(2, dtype=fg.int64).fill_(B + 1).tolist() == [B + 1, B + 1]
    assert fg.tensor([B + 1]).clamp(0, 2**62).tolist() == [B + 1]
    assert fg.tensor([B + 1]).clamp(max=B).tolist() == [B]


def test_integer_ranges_are_computed_in_int64():
    assert fg.arange(2**62, 2**62 + 3).tolist() == [2**62, 2**62 + 1, 2**62 + 2]
    assert fg.arange(B + 3, B, -1).tolist() == [B + 3, B + 2, B + 1]
    assert fg.arange(0, 10, 3).tolist() == [0, 3, 6, 9]
    assert fg.arange(10, 0, -3).tolist() == [10, 7, 4, 1]
    assert fg.arange(B, B + 2, dtype=fg.float64).tolist() == [float(B), float(B)]
    assert fg.arange(0, 1, 0.25).tolist() == [0.0, 0.25, 0.5, 0.75]
    with pytest.raises(RuntimeError):
        fg.arange(0, 10, 0)
    with pytest.raises(RuntimeError):
        fg.arange(0, 10, -1)


def test_sums_and_scans_of_large_integers():
    assert fg.tensor([B + 1]).cumsum(0).tolist() == [B + 1]
    assert fg.tensor([B + 1, 1]).sum().item() == B + 2
    assert fg.tensor([B + 1]).unique().tolist() == [B + 1]


@pytest.mark.parametrize("data", [[2**63], [2**64 + 5], [[1, 2**63]], 2**63, [-(2**63) - 1]])
def test_integers_beyond_int64_raise_as_in_pytorch(data):
    with pytest.raises(ValueError, match=r"^Overflow when unpacking long long$"):
        fg.tensor(data)


def test_int64_limits_and_floats_beyond_them_are_accepted():
    assert fg.tensor([2**63 - 1]).tolist() == [2**63 - 1]
    assert fg.tensor([-(2**63)]).tolist() == [-(2**63)]
    assert fg.tensor([2**63], dtype=fg.float32).tolist() == [9.223372036854775808e18]
    assert fg.tensor([1.5, 2**63]).tolist() == [1.5, 9.223372036854775808e18]
