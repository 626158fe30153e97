"""The docstrings of the functions of ``ferrograd`` that are not ``Tensor`` methods (those
take the methods' docstrings), completed at import: an example as PyTorch 2.15 prints it, and
the summary where a function has no docstring of its own."""

from __future__ import annotations

from . import _docgen

#: function: (summary where it has no docstring, example as doctest shows it, printed as
#: PyTorch 2.15 prints it).
EXAMPLES = {
    "atleast_1d": (
        ("Returns each input as a view with at least one dimension (a 0-d tensor becomes 1-d)."),
        (">>> ferrograd.atleast_1d(ferrograd.tensor(1.0))\ntensor([1.])"),
    ),
    "atleast_2d": (
        "Returns each input as a view with at least two dimensions.",
        (">>> ferrograd.atleast_2d(ferrograd.tensor([1, 2])).shape\nferrograd.Size([1, 2])"),
    ),
    "atleast_3d": (
        "Returns each input as a view with at least three dimensions.",
        (">>> ferrograd.atleast_3d(ferrograd.tensor([1, 2])).shape\nferrograd.Size([1, 2, 1])"),
    ),
    "block_diag": (
        None,
        (
            ">>> ferrograd.block_diag(ferrograd.tensor([[1, 2]]), ferrograd.tensor([[3], "
            "[4]]))\n"
            "tensor([[1, 2, 0],\n"
            "        [0, 0, 3],\n"
            "        [0, 0, 4]])"
        ),
    ),
    "broadcast_shapes": (
        "The shape that tensors of the given shapes broadcast to (without making them).",
        (">>> ferrograd.broadcast_shapes((2, 1), (1, 3), (3,))\nferrograd.Size([2, 3])"),
    ),
    "broadcast_tensors": (
        "Views of the tensors broadcast to one shape.",
        (
            ">>> a, b = ferrograd.broadcast_tensors(ferrograd.tensor([[1], [2]]), "
            "ferrograd.tensor([10, 20, 30]))\n"
            ">>> a.shape, b\n"
            "(ferrograd.Size([2, 3]), tensor([[10, 20, 30],\n"
            "        [10, 20, 30]]))"
        ),
    ),
    "bucketize": (
        None,
        (
            ">>> ferrograd.bucketize(ferrograd.tensor([1, 5, 9]), ferrograd.tensor([2, 4, "
            "6, 8]))\n"
            "tensor([0, 2, 4])"
        ),
    ),
    "cartesian_prod": (
        (
            "The Cartesian product of 1-D tensors, one row per combination "
            "(``itertools.product``'s order)."
        ),
        (
            ">>> ferrograd.cartesian_prod(ferrograd.tensor([1, 2]), ferrograd.tensor([3, 4]))\n"
            "tensor([[1, 3],\n"
            "        [1, 4],\n"
            "        [2, 3],\n"
            "        [2, 4]])"
        ),
    ),
    "cdist": (
        None,
        (
            ">>> ferrograd.cdist(ferrograd.tensor([[0.0, 0.0], [1.0, 1.0]]), "
            "ferrograd.tensor([[3.0, 4.0]]))\n"
            "tensor([[5.0000],\n"
            "        [3.6056]])"
        ),
    ),
    "column_stack": (
        (
            "Stacks tensors as the columns of a matrix (1-D tensors become columns; others "
            "are joined along dimension 1)."
        ),
        (
            ">>> ferrograd.column_stack((ferrograd.tensor([1, 2]), ferrograd.tensor([3, 4])))\n"
            "tensor([[1, 3],\n"
            "        [2, 4]])"
        ),
    ),
    "combinations": (
        (
            "The ``r``-element combinations of a 1-D tensor's elements, one row each "
            "(``itertools.combinations``'s order)."
        ),
        (
            ">>> ferrograd.combinations(ferrograd.tensor([1, 2, 3]), r=2)\n"
            "tensor([[1, 2],\n"
            "        [1, 3],\n"
            "        [2, 3]])"
        ),
    ),
    "concat": (
        "Alias of ``cat``.",
        (
            ">>> ferrograd.concat([ferrograd.tensor([1]), ferrograd.tensor([2, 3])])\n"
            "tensor([1, 2, 3])"
        ),
    ),
    "concatenate": (
        "Alias of ``cat``.",
        (
            ">>> ferrograd.concatenate([ferrograd.tensor([1]), ferrograd.tensor([2, 3])], "
            "axis=0)\n"
            "tensor([1, 2, 3])"
        ),
    ),
    "dstack": (
        "Stacks tensors depthwise (along dimension 2, after ``atleast_3d``).",
        (
            ">>> ferrograd.dstack((ferrograd.tensor([1, 2]), ferrograd.tensor([3, 4]))).shape\n"
            "ferrograd.Size([1, 2, 2])"
        ),
    ),
    "hstack": (
        "Stacks tensors horizontally: along dimension 1, or 0 for 1-D tensors.",
        (
            ">>> ferrograd.hstack((ferrograd.tensor([1, 2]), ferrograd.tensor([3])))\n"
            "tensor([1, 2, 3])"
        ),
    ),
    "vstack": (
        "Stacks tensors vertically: along dimension 0 after ``atleast_2d``.",
        (
            ">>> ferrograd.vstack((ferrograd.tensor([1, 2]), ferrograd.tensor([3, 4])))\n"
            "tensor([[1, 2],\n"
            "        [3, 4]])"
        ),
    ),
    "row_stack": (
        "Alias of ``vstack``.",
        (
            ">>> ferrograd.row_stack((ferrograd.tensor([1, 2]), ferrograd.tensor([3, 4])))\n"
            "tensor([[1, 2],\n"
            "        [3, 4]])"
        ),
    ),
    "einsum": (
        None,
        (
            ">>> a = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> ferrograd.einsum('ij,jk->ik', a, a), ferrograd.einsum('ii', a)\n"
            "(tensor([[ 7., 10.],\n"
            "        [15., 22.]]), tensor(5.))"
        ),
    ),
    "tensordot": (
        None,
        (
            ">>> a = ferrograd.ones(3, 4, 5)\n"
            ">>> b = ferrograd.ones(4, 5, 2)\n"
            ">>> ferrograd.tensordot(a, b, dims=2).shape\n"
            "ferrograd.Size([3, 2])"
        ),
    ),
    "meshgrid": (
        None,
        (
            ">>> x, y = ferrograd.meshgrid(ferrograd.tensor([1, 2, 3]), "
            "ferrograd.tensor([4, 5]), indexing='ij')\n"
            ">>> x, y\n"
            "(tensor([[1, 1],\n"
            "        [2, 2],\n"
            "        [3, 3]]), tensor([[4, 5],\n"
            "        [4, 5],\n"
            "        [4, 5]]))"
        ),
    ),
    "tril_indices": (
        None,
        (
            ">>> ferrograd.tril_indices(3, 3)\n"
            "tensor([[0, 1, 1, 2, 2, 2],\n"
            "        [0, 0, 1, 0, 1, 2]])"
        ),
    ),
    "triu_indices": (
        (
            "The ``(2, N)`` row and column indices of the upper triangle (on and above the "
            "diagonal ``offset``) of a ``row x col`` matrix."
        ),
        (">>> ferrograd.triu_indices(3, 3, offset=1)\ntensor([[0, 0, 1],\n        [1, 2, 2]])"),
    ),
    "searchsorted": (
        None,
        (
            ">>> ferrograd.searchsorted(ferrograd.tensor([1, 3, 5, 7]), "
            "ferrograd.tensor([3, 6, 9]))\n"
            "tensor([1, 3, 4])"
        ),
    ),
    "isin": (
        "Elementwise: whether each element of ``elements`` is among ``test_elements``.",
        (
            ">>> ferrograd.isin(ferrograd.tensor([1, 2, 3, 4]), ferrograd.tensor([2, 4]))\n"
            "tensor([False,  True, False,  True])"
        ),
    ),
    "logspace": (
        "``steps`` values ``base ** x`` for ``x`` evenly spaced from ``start`` to ``end``.",
        (">>> ferrograd.logspace(0, 3, steps=4)\ntensor([   1.,   10.,  100., 1000.])"),
    ),
    "normal": (
        (
            "Random numbers from normal distributions of the given means and standard "
            "deviations (tensors or numbers)."
        ),
        (
            ">>> x = ferrograd.normal(2.0, 0.5, size=(10000,))\n"
            ">>> round(x.mean().item(), 1), round(x.std().item(), 1)\n"
            "(2.0, 0.5)"
        ),
    ),
    "poisson": (
        "Draws a Poisson count for each element, with that element as the rate.",
        (">>> ferrograd.poisson(ferrograd.zeros(3))\ntensor([0., 0., 0.])"),
    ),
    "randperm": (
        None,
        (">>> ferrograd.randperm(5).sort().values\ntensor([0, 1, 2, 3, 4])"),
    ),
    "scalar_tensor": (
        (
            "A 0-d tensor holding ``s`` (of the default floating dtype unless ``dtype`` "
            "says otherwise)."
        ),
        (">>> ferrograd.scalar_tensor(3)\ntensor(3.)"),
    ),
    "empty_strided": (
        (
            "A tensor of ``size`` with the given ``stride`` (in elements), its values not "
            "meant to be read."
        ),
        (">>> ferrograd.empty_strided((2, 3), (1, 2)).stride()\n(1, 2)"),
    ),
    "frombuffer": (
        (
            "A 1-D tensor over the memory of a Python buffer (``bytes``, ``bytearray``, "
            "``array``), read as ``dtype``."
        ),
        (
            ">>> import array\n"
            ">>> ferrograd.frombuffer(array.array('i', [1, 2, 3]), dtype=ferrograd.int32)\n"
            "tensor([1, 2, 3], dtype=ferrograd.int32)"
        ),
    ),
    "asarray": (
        (
            "Converts ``obj`` to a tensor, sharing memory where it can (like "
            "``as_tensor``); ``copy=True`` always copies."
        ),
        (
            ">>> import numpy as np\n"
            ">>> ferrograd.asarray(np.array([1.0, 2.0]), dtype=ferrograd.float32)\n"
            "tensor([1., 2.])"
        ),
    ),
    "vander": (
        (
            "The Vandermonde matrix of a 1-D tensor: columns ``x ** (N - 1), ..., x ** 0`` "
            "(increasing with ``increasing=True``)."
        ),
        (
            ">>> ferrograd.vander(ferrograd.tensor([1, 2, 3]), N=3)\n"
            "tensor([[1, 1, 1],\n"
            "        [4, 2, 1],\n"
            "        [9, 3, 1]])"
        ),
    ),
    "unravel_index": (
        (
            "Converts flat indices into coordinates of a tensor of ``shape``: one tensor "
            "per dimension."
        ),
        (
            ">>> ferrograd.unravel_index(ferrograd.tensor([4, 5]), (2, 3))\n"
            "(tensor([1, 1]), tensor([1, 2]))"
        ),
    ),
    "trapezoid": (
        (
            "Integrates ``y`` along ``dim`` with the trapezoid rule (spacing ``dx``, or at "
            "positions ``x``)."
        ),
        (">>> ferrograd.trapezoid(ferrograd.tensor([1.0, 2.0, 3.0]))\ntensor(4.)"),
    ),
    "trapz": (
        "Alias of ``trapezoid``.",
        (">>> ferrograd.trapz(ferrograd.tensor([1.0, 2.0, 3.0]), dx=2.0)\ntensor(8.)"),
    ),
    "gradient": (
        (
            "Estimates the derivative of a sampled function along each dimension with "
            "central differences (one-sided at the edges)."
        ),
        (
            ">>> ferrograd.gradient(ferrograd.tensor([1.0, 4.0, 9.0, 16.0]))\n"
            "(tensor([3., 4., 6., 7.]),)"
        ),
    ),
    "is_tensor": (
        "Whether ``obj`` is a ferrograd tensor.",
        (">>> ferrograd.is_tensor(ferrograd.zeros(1)), ferrograd.is_tensor([1.0])\n(True, False)"),
    ),
    "is_grad_enabled": (
        "Whether autograd records operations now (False inside ``no_grad``).",
        (
            ">>> with ferrograd.no_grad():\n"
            "...     print(ferrograd.is_grad_enabled())\n"
            "False\n"
            ">>> ferrograd.is_grad_enabled()\n"
            "True"
        ),
    ),
    "is_inference_mode_enabled": (
        "Whether an ``inference_mode`` block is active.",
        (
            ">>> with ferrograd.inference_mode():\n"
            "...     print(ferrograd.is_inference_mode_enabled())\n"
            "True\n"
            ">>> ferrograd.is_inference_mode_enabled()\n"
            "False"
        ),
    ),
    "set_default_dtype": (
        (
            "Sets the floating dtype that factories and Python floats use by default "
            "(float32 at start; float64, float16 or bfloat16)."
        ),
        (
            ">>> ferrograd.set_default_dtype(ferrograd.float64)\n"
            ">>> ferrograd.tensor([1.5]).dtype\n"
            "ferrograd.float64\n"
            ">>> ferrograd.set_default_dtype(ferrograd.float32)"
        ),
    ),
    "get_default_dtype": (
        "The default floating dtype (float32 unless ``set_default_dtype`` changed it).",
        (">>> ferrograd.get_default_dtype()\nferrograd.float32"),
    ),
    "set_default_device": (
        ("Sets the device that factories use by default (``None`` or ``'cpu'`` restores the CPU)."),
        (
            ">>> ferrograd.set_default_device('cpu')\n"
            ">>> ferrograd.zeros(1).device\n"
            "device(type='cpu')"
        ),
    ),
    "get_default_device": (
        "The device factories use by default.",
        (">>> ferrograd.get_default_device()\ndevice(type='cpu')"),
    ),
    "promote_types": (
        (
            "The dtype that an operation on tensors of ``type1`` and ``type2`` gives "
            "(PyTorch's promotion)."
        ),
        (">>> ferrograd.promote_types(ferrograd.int64, ferrograd.float32)\nferrograd.float32"),
    ),
    "result_type": (
        (
            "The dtype of an operation on ``tensor1`` and ``tensor2`` (tensors or "
            "numbers), after promotion."
        ),
        (">>> ferrograd.result_type(ferrograd.tensor([1, 2]), 1.0)\nferrograd.float32"),
    ),
    "can_cast": (
        (
            "Whether a cast from ``from_`` to ``to`` is allowed by PyTorch's casting rules "
            "(no float to integer, no to bool from numbers of other kinds)."
        ),
        (
            ">>> ferrograd.can_cast(ferrograd.float64, ferrograd.int32), "
            "ferrograd.can_cast(ferrograd.int32, ferrograd.float64)\n"
            "(False, True)"
        ),
    ),
    "typename": (
        (
            "The type name of an object as PyTorch spells it (``'torch.FloatTensor'`` "
            "style names for tensors)."
        ),
        (">>> ferrograd.typename(ferrograd.zeros(1))\n'torch.FloatTensor'"),
    ),
    "hann_window": (
        ("The Hann window of ``window_length`` points (periodic by default, for spectral use)."),
        (">>> ferrograd.hann_window(4)\ntensor([0.0000, 0.5000, 1.0000, 0.5000])"),
    ),
    "hamming_window": (
        "The Hamming window of ``window_length`` points (periodic by default).",
        (">>> ferrograd.hamming_window(4)\ntensor([0.0800, 0.5400, 1.0000, 0.5400])"),
    ),
    "bartlett_window": (
        "The Bartlett (triangular) window of ``window_length`` points.",
        (
            ">>> ferrograd.bartlett_window(5, periodic=False)\n"
            "tensor([0.0000, 0.5000, 1.0000, 0.5000, 0.0000])"
        ),
    ),
    "blackman_window": (
        "The Blackman window of ``window_length`` points.",
        (">>> ferrograd.blackman_window(5, periodic=False)[2]\ntensor(1.)"),
    ),
    "kaiser_window": (
        "The Kaiser window of ``window_length`` points with shape parameter ``beta``.",
        (">>> ferrograd.kaiser_window(3, periodic=False)[1]\ntensor(1.)"),
    ),
    "seed": (
        "Seeds the default generator from a non-deterministic source and returns the seed.",
        (">>> isinstance(ferrograd.seed(), int)\nTrue"),
    ),
    "initial_seed": (
        "The seed of the default generator (as last set).",
        (">>> _ = ferrograd.manual_seed(7)\n>>> ferrograd.initial_seed()\n7"),
    ),
    "get_rng_state": (
        "The default generator's state, as a uint8 tensor (for ``set_rng_state``).",
        (
            ">>> state = ferrograd.get_rng_state()\n"
            ">>> a = ferrograd.rand(2)\n"
            ">>> ferrograd.set_rng_state(state)\n"
            ">>> ferrograd.equal(a, ferrograd.rand(2))\n"
            "True"
        ),
    ),
    "set_rng_state": (
        "Restores the default generator's state from ``get_rng_state``.",
        (
            ">>> state = ferrograd.get_rng_state()\n"
            ">>> a = ferrograd.rand(2)\n"
            ">>> ferrograd.set_rng_state(state)\n"
            ">>> ferrograd.equal(a, ferrograd.rand(2))\n"
            "True"
        ),
    ),
    "save": (
        (
            "Saves an object (tensors, state dicts, nested containers) to a file or "
            "file-like object, for ``load``."
        ),
        (
            ">>> import io\n"
            ">>> buffer = io.BytesIO()\n"
            ">>> ferrograd.save({'w': ferrograd.tensor([1.0, 2.0])}, buffer)\n"
            ">>> _ = buffer.seek(0)\n"
            ">>> ferrograd.load(buffer)\n"
            "{'w': tensor([1., 2.])}"
        ),
    ),
    "load": (
        (
            "Loads what ``save`` wrote. ``weights_only=True`` (the default) only accepts "
            "tensors, containers and plain values."
        ),
        (
            ">>> import io\n"
            ">>> buffer = io.BytesIO()\n"
            ">>> ferrograd.save([ferrograd.tensor(3)], buffer)\n"
            ">>> _ = buffer.seek(0)\n"
            ">>> ferrograd.load(buffer)\n"
            "[tensor(3)]"
        ),
    ),
    "set_printoptions": (
        None,
        (
            ">>> ferrograd.set_printoptions(precision=2)\n"
            ">>> ferrograd.tensor([1.23456])\n"
            "tensor([1.23])\n"
            ">>> ferrograd.set_printoptions(profile='default')"
        ),
    ),
    "get_num_threads": (
        None,
        (">>> ferrograd.get_num_threads() >= 1\nTrue"),
    ),
    "set_num_threads": (
        None,
        (
            ">>> n = ferrograd.get_num_threads()\n"
            ">>> ferrograd.set_num_threads(1)\n"
            ">>> ferrograd.get_num_threads()\n"
            "1\n"
            ">>> ferrograd.set_num_threads(n)"
        ),
    ),
    "sparse_coo_tensor": (
        (
            "A sparse COO tensor with values ``values`` at the coordinates ``indices`` "
            "(one column per nonzero)."
        ),
        (
            ">>> s = ferrograd.sparse_coo_tensor(ferrograd.tensor([[0, 1], [1, 0]]), "
            "ferrograd.tensor([3.0, 4.0]), (2, 2))\n"
            ">>> s.to_dense()\n"
            "tensor([[0., 3.],\n"
            "        [4., 0.]])"
        ),
    ),
    "spmm": (
        "The product of a sparse matrix and a dense one (dense result).",
        (
            ">>> s = ferrograd.sparse_coo_tensor(ferrograd.tensor([[0, 1], [1, 0]]), "
            "ferrograd.tensor([3.0, 4.0]), (2, 2))\n"
            ">>> ferrograd.spmm(s, ferrograd.eye(2))\n"
            "tensor([[0., 3.],\n"
            "        [4., 0.]])"
        ),
    ),
    "lu_unpack": (
        (
            "Splits ``linalg.lu_factor``'s packed result into ``P``, ``L`` and ``U`` with "
            "``A = P @ L @ U``."
        ),
        (
            ">>> A = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> P, L, U = ferrograd.lu_unpack(*ferrograd.linalg.lu_factor(A))\n"
            ">>> ferrograd.allclose(P @ L @ U, A)\n"
            "True"
        ),
    ),
    "use_deterministic_algorithms": (
        (
            "Asks for deterministic algorithms only (ferrograd's CPU kernels are "
            "deterministic; the setting is recorded and reported as PyTorch does)."
        ),
        (
            ">>> ferrograd.use_deterministic_algorithms(True)\n"
            ">>> ferrograd.are_deterministic_algorithms_enabled()\n"
            "True\n"
            ">>> ferrograd.use_deterministic_algorithms(False)"
        ),
    ),
    "are_deterministic_algorithms_enabled": (
        "Whether ``use_deterministic_algorithms(True)`` is in force.",
        (">>> ferrograd.are_deterministic_algorithms_enabled()\nFalse"),
    ),
    "empty_permuted": (
        (
            "An uninitialized tensor of ``size`` laid out in memory in the dimension order "
            "``physical_layout``."
        ),
        (">>> ferrograd.empty_permuted((2, 3, 4), (0, 2, 1)).stride()\n(12, 1, 3)"),
    ),
}


def complete(namespace: dict) -> None:
    """Completes the docstring of each function of ``EXAMPLES`` in ``namespace``."""
    _docgen.complete_table(namespace, EXAMPLES, {}, {})
