"""The printing cases: each (print options, expression) is printed by PyTorch in
scripts/record_printing_reference.py (into tests/printing_reference.py) and by ferrograd in
tests/test_printing.py. The options are ``set_printoptions`` arguments, plus ``default_dtype`` for
``set_default_dtype``; the expression is evaluated with ``torch`` bound to the library, and both
``repr`` and ``str`` of its value are compared. Values come from exact constructions (literals,
``arange``, exact arithmetic) so that both libraries hold the same numbers.
"""

from __future__ import annotations

DEFAULT: dict = {}
CASES: list[tuple[dict, str]] = [
    # 0-d tensors
    *(
        (DEFAULT, expr)
        for expr in (
            "torch.tensor(1.0)",
            "torch.tensor(2.5)",
            "torch.tensor(-0.0)",
            "torch.tensor(1e-5)",
            "torch.tensor(123456789.0)",
            "torch.tensor(0.1, dtype=torch.float64)",
            "torch.tensor(3)",
            "torch.tensor(-7, dtype=torch.int32)",
            "torch.tensor(True)",
            "torch.tensor(float('nan'))",
            "torch.tensor(float('-inf'))",
            "torch.tensor(2.0, requires_grad=True)",
        )
    ),
    # fixed point, integers in floats, scientific notation chosen by the values
    *(
        (DEFAULT, expr)
        for expr in (
            "torch.tensor([1.0, 2.0, 3.0])",
            "torch.tensor([1.5, -2.25, 1000.0])",
            "torch.tensor([0.1, 0.2, 0.3])",
            "torch.tensor([-1.0, 2.0])",
            "torch.tensor([1e-5, 1.0])",
            "torch.tensor([1e-4, 1.0])",
            "torch.tensor([1e-3, 0.5])",
            "torch.tensor([0.00012345, 0.5])",
            "torch.tensor([-1e-5, 5.0])",
            "torch.tensor([1e8, 1.0])",
            "torch.tensor([100000000.0])",
            "torch.tensor([1e9])",
            "torch.tensor([1e10, 1.0])",
            "torch.tensor([1.0, 1000.0])",
            "torch.tensor([1.0, 1001.0])",
            "torch.tensor([0.5, 500.0])",
            "torch.tensor([0.5, 501.0])",
            "torch.tensor([123456.0, 0.5])",
            "torch.tensor([1e-8, 1.0, 1e8])",
            "torch.tensor([0.0, 0.0])",
            "torch.tensor([-0.0, 1.0])",
            "torch.tensor([0.0, float('nan'), float('inf'), -float('inf')])",
            "torch.tensor([1.5, float('nan'), float('inf')])",
            "torch.tensor([1.0, float('nan')])",
            "torch.tensor([1e-10, float('-inf'), 0.0])",
            "torch.tensor([1e20, float('nan')])",
            "torch.tensor([0.1, 0.2], dtype=torch.float64)",
            "torch.tensor([1.0, 2.0], dtype=torch.float64)",
            "torch.tensor([1e-20, 1e20], dtype=torch.float64)",
            "torch.tensor([123456789.0, 1.0], dtype=torch.float64)",
            "torch.tensor([[1e-5, 1.0], [2.0, 3.0]])",
            "torch.arange(60).reshape(3, 4, 5) * 1.5",
            "torch.arange(30).reshape(3, 10) * 1000000.0",
            "torch.arange(40.0) / 3",
            "torch.arange(12.0).reshape(3, 4) / 7",
            "torch.zeros(2, 2, 2)",
            "torch.ones(1, 1, 1, 1)",
        )
    ),
    # integers and booleans
    *(
        (DEFAULT, expr)
        for expr in (
            "torch.tensor([1, -20, 300])",
            "torch.tensor([1, 2], dtype=torch.int32)",
            "torch.arange(10)",
            "torch.arange(100)",
            "torch.arange(24).reshape(2, 3, 4)",
            "torch.arange(-5, 5).reshape(2, 5)",
            "torch.tensor([True, False])",
            "torch.arange(6).reshape(2, 3) > 2",
        )
    ),
    # empty tensors: the dtype shows unless it is the default floating type
    *(
        (DEFAULT, expr)
        for expr in (
            "torch.tensor([])",
            "torch.tensor([], dtype=torch.int64)",
            "torch.tensor([], dtype=torch.bool)",
            "torch.zeros(0, dtype=torch.float64)",
            "torch.zeros(0, 3)",
            "torch.zeros(2, 0, dtype=torch.int32)",
            "torch.ones(0, requires_grad=True)",
        )
    ),
    # summarised: more than `threshold` elements
    *(
        (DEFAULT, expr)
        for expr in (
            "torch.arange(1000)",
            "torch.arange(1001)",
            "torch.arange(2000) / 7",
            "torch.arange(1200.0) * 1e-3",
            "torch.arange(2000).reshape(40, 50)",
            "torch.arange(3000).reshape(10, 10, 30)",
            "torch.arange(2000.0).reshape(2, 1000)",
            "torch.arange(4000.0).reshape(1000, 4) - 2000",
        )
    ),
    # autograd suffixes, and where they wrap
    *(
        (DEFAULT, expr)
        for expr in (
            "torch.tensor([1.0, 2.0], requires_grad=True)",
            "torch.tensor([1.0, 2.0], requires_grad=True) * 2",
            "(torch.tensor([1.0, 2.0], requires_grad=True) + 1).sum()",
            "torch.ones(2, 3, requires_grad=True).mean(0)",
            "torch.tensor([1.0], dtype=torch.float64, requires_grad=True)",
            "torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True) * 3",
            "torch.arange(100.0).requires_grad_()",
            "torch.arange(19.0).requires_grad_()",
            "torch.arange(18.0, dtype=torch.float64).requires_grad_()",
            "torch.arange(16.0).reshape(2, 8).requires_grad_()",
        )
    ),
    # Parameter, Size, dtypes, devices, modules
    *(
        (DEFAULT, expr)
        for expr in (
            "torch.nn.Parameter(torch.ones(2))",
            "torch.nn.Parameter(torch.arange(3.0), requires_grad=False)",
            "torch.nn.Parameter(torch.zeros(2, 2, dtype=torch.float64))",
            "torch.Size([2, 3])",
            "torch.Size([])",
            "torch.zeros(2, 3).shape",
            "torch.float64",
            "torch.float32",
            "torch.int64",
            "torch.int32",
            "torch.bool",
            "torch.device('cpu')",
            "torch.nn.BatchNorm1d(3)",
            "torch.nn.BatchNorm2d(4, eps=1e-3, momentum=None, affine=False,"
            " track_running_stats=False)",
            "torch.nn.BatchNorm3d(2, momentum=0.2)",
            "torch.nn.LayerNorm(4)",
            "torch.nn.LayerNorm([2, 3], eps=1e-6, elementwise_affine=False)",
            "torch.nn.LayerNorm(5, bias=False)",
            "torch.nn.GroupNorm(2, 4)",
            "torch.nn.InstanceNorm1d(3)",
            "torch.nn.InstanceNorm2d(3, affine=True, track_running_stats=True)",
            "torch.nn.RMSNorm(4)",
            "torch.nn.LocalResponseNorm(2)",
            "torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2), torch.nn.ReLU())",
        )
    ),
    # more dtypes and values: 16-bit floats, small integers, wide integers, mixed magnitudes
    *(
        (DEFAULT, expr)
        for expr in (
            "torch.tensor([1.5, 2.0, -0.25], dtype=torch.float16)",
            "torch.tensor([1.5, 2.0, 1e-3], dtype=torch.bfloat16)",
            "torch.tensor([-1, 2], dtype=torch.int8)",
            "torch.tensor([0, 255], dtype=torch.uint8)",
            "torch.tensor([1, -2], dtype=torch.int16)",
            "torch.arange(0, 10**12, 10**10)",
            "torch.tensor([1e-4, 1e4])",
            "torch.tensor([1e-4, 1e3])",
            "torch.tensor([-1e-5, 1.0, -3e7])",
            "torch.tensor([0.1, 1e-5, 123.0], dtype=torch.float64)",
            "torch.full((2, 3), float('inf'))",
            "torch.tensor([[[]]])",
            "torch.zeros(0, 2, requires_grad=True)",
            "torch.tensor(1e-5, requires_grad=True) * 2",
            "torch.arange(2000) % 3 == 0",
            "torch.nn.Parameter(torch.arange(2000.0))",
            "torch.nn.Parameter(torch.arange(6.0).reshape(2, 3) / 4)",
        )
    ),
    # the named tuples of operations returning several tensors (torch.return_types)
    *(
        (DEFAULT, expr)
        for expr in (
            "torch.tensor([[1.0, 5.0], [3.0, 4.0]]).max(1)",
            "torch.tensor([[1.0, 5.0], [3.0, 4.0]]).min(dim=0, keepdim=True)",
            "torch.tensor([[1.0, 5.0], [3.0, 4.0]]).sort(1, descending=True)",
            "torch.tensor([3.0, 1.0, 2.0]).topk(2)",
            "torch.tensor([3.0, 1.0, 2.0]).kthvalue(2)",
            "torch.tensor([3.0, 1.0, 2.0]).median(0)",
            "torch.tensor([1, 2, 2, 3]).mode()",
            "torch.tensor([1.0, 3.0, 2.0]).cummax(0)",
            "torch.aminmax(torch.tensor([1.0, 3.0, 2.0]))",
            "torch.frexp(torch.tensor([8.0, 0.5]))",
            "torch.linalg.slogdet(torch.tensor([[2.0, 0.0], [0.0, 3.0]]))",
        )
    ),
    # format(): a 0-d tensor formats as its number
    *(
        (DEFAULT, expr)
        for expr in (
            "format(torch.tensor(2.5))",
            "format(torch.tensor(2.5), '.2f')",
            "format(torch.tensor(3))",
            "format(torch.tensor([1.0, 2.0]))",
            "f'{torch.tensor(0.125):>8.3f}|'",
        )
    ),
    # set_printoptions
    ({"precision": 2}, "torch.tensor([1.123456789, 2.0])"),
    ({"precision": 2}, "torch.tensor([1e-5, 1.0])"),
    ({"precision": 8}, "torch.tensor([1.123456789, 2.0], dtype=torch.float64)"),
    ({"precision": 0}, "torch.tensor([1.5, 2.25])"),
    ({"sci_mode": True}, "torch.tensor([1.0, 2.0])"),
    ({"sci_mode": True}, "torch.tensor([1.5, 2.0])"),
    ({"sci_mode": True}, "torch.tensor(3.0)"),
    ({"sci_mode": True}, "torch.tensor([0.0, float('nan')])"),
    ({"sci_mode": True}, "torch.tensor([1, 2])"),
    ({"sci_mode": False}, "torch.tensor([1e-5, 1e10])"),
    ({"sci_mode": False}, "torch.tensor([1e10, 1.0])"),
    ({"threshold": 5}, "torch.arange(5)"),
    ({"threshold": 5}, "torch.arange(6)"),
    ({"threshold": 5}, "torch.arange(7.0) / 2"),
    ({"threshold": 5, "edgeitems": 1}, "torch.arange(24).reshape(4, 6)"),
    ({"threshold": 5, "edgeitems": 2}, "torch.arange(60).reshape(3, 4, 5)"),
    ({"threshold": 5, "edgeitems": 0}, "torch.arange(10)"),
    ({"threshold": 5, "edgeitems": 0}, "torch.arange(20.0).reshape(4, 5)"),
    ({"edgeitems": 0}, "torch.arange(3.0)"),
    ({"linewidth": 30}, "torch.arange(20.0)"),
    ({"linewidth": 30}, "torch.arange(20.0).requires_grad_()"),
    ({"linewidth": 30}, "torch.arange(12).reshape(2, 6)"),
    ({"linewidth": 5}, "torch.arange(4)"),
    ({"threshold": 10, "edgeitems": 2, "precision": 3}, "torch.arange(100.0).reshape(10, 10) / 3"),
    ({"linewidth": 40}, "torch.arange(30).reshape(3, 10) * 1000.0"),
    ({"precision": 10}, "torch.tensor([1 / 3], dtype=torch.float64)"),
    ({"precision": 3, "sci_mode": True}, "torch.tensor([12345.678, 0.001])"),
    ({"sci_mode": True}, "torch.tensor([[-1e-5, 2.5], [3.0, 1e10]])"),
    ({"profile": "short"}, "torch.tensor([1.123456, 2.0])"),
    ({"profile": "short"}, "torch.arange(2000)"),
    ({"profile": "full"}, "torch.arange(1100)"),
    ({"profile": "full", "precision": 2}, "torch.tensor([1.23456])"),
    # the default floating type
    ({"default_dtype": "float64"}, "torch.tensor([1.0, 2.0])"),
    ({"default_dtype": "float64"}, "torch.tensor([1.0, 2.0], dtype=torch.float32)"),
    ({"default_dtype": "float64"}, "torch.tensor([])"),
    ({"default_dtype": "float64"}, "torch.tensor([], dtype=torch.float32)"),
]


def apply_options(lib, options: dict) -> None:
    """Sets `options` on `lib` (torch or ferrograd)."""
    options = dict(options)
    dtype = options.pop("default_dtype", "float32")
    lib.set_default_dtype(getattr(lib, dtype))
    lib.set_printoptions(**options)


def reset_options(lib) -> None:
    lib.set_default_dtype(lib.float32)
    lib.set_printoptions(profile="default")


def printed(lib, options: dict, expression: str) -> tuple[str, str]:
    """repr and str of `expression` evaluated with `torch` bound to `lib` under `options`."""
    apply_options(lib, options)
    try:
        value = eval(expression, {"torch": lib})
        return repr(value), str(value)
    finally:
        reset_options(lib)
