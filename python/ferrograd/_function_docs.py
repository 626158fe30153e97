"""The docstrings of the functions of ``ferrograd`` that are not ``Tensor`` methods (those
take the methods' docstrings), completed at import: an example as PyTorch 2.15 prints it (the
few functions PyTorch 2.15 lacks, which say so, show ferrograd's output), and the summary where a
function has no docstring of its own."""

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
    "cumulative_trapezoid": (
        (
            "The running integral of ``y`` along ``dim`` by the trapezoid rule: one entry "
            "per interval (spacing ``dx``, or at positions ``x``)."
        ),
        (
            ">>> ferrograd.cumulative_trapezoid(ferrograd.tensor([1.0, 2.0, 3.0]))\n"
            "tensor([1.5000, 4.0000])"
        ),
    ),
    "chain_matmul": (
        (
            "The product of one or more matrices, multiplied in the cheapest order "
            "(``linalg.multi_dot``, which PyTorch recommends instead)."
        ),
        (
            ">>> ferrograd.chain_matmul(ferrograd.ones(2, 3), ferrograd.ones(3, 1))\n"
            "tensor([[3.],\n        [3.]])"
        ),
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
    "is_storage": (
        "Whether ``obj`` is a storage object (``untyped_storage()`` or ``storage()``).",
        (
            ">>> t = ferrograd.zeros(2)\n"
            ">>> ferrograd.is_storage(t.untyped_storage()), ferrograd.is_storage(t)\n"
            "(True, False)"
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
    "aminmax": (
        "The minimum and the maximum at once: a named tuple ``(min, max)``.",
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> ferrograd.aminmax(x)\n"
            "ferrograd.return_types.aminmax(\n"
            "min=tensor(1.),\n"
            "max=tensor(4.))"
        ),
    ),
    "bernoulli": (
        "Draws 0 or 1 for each element of ``input``, 1 with that element as probability.",
        (">>> ferrograd.bernoulli(ferrograd.tensor([0.0, 1.0]))\ntensor([0., 1.])"),
    ),
    "cholesky_inverse": (
        "The inverse of ``A`` from its Cholesky factor ``input``.",
        (
            ">>> ferrograd.cholesky_inverse(ferrograd.tensor([[2.0, 0.0], [1.0, 1.0]]))\n"
            "tensor([[ 0.5000, -0.5000],\n"
            "        [-0.5000,  1.0000]])"
        ),
    ),
    "cholesky_solve": (
        "Solves ``A X = input`` given the Cholesky factor ``input2`` of ``A``.",
        (
            ">>> ferrograd.cholesky_solve(ferrograd.tensor([[4.0], [1.0]]), "
            "ferrograd.tensor([[2.0, 0.0], [0.0, 1.0]]))\n"
            "tensor([[1.],\n"
            "        [1.]])"
        ),
    ),
    "count_nonzero": (
        "The number of nonzero elements, overall or along ``dim``.",
        (">>> ferrograd.count_nonzero(ferrograd.tensor([[0, 1], [2, 3]]), dim=0)\ntensor([1, 2])"),
    ),
    "cummax": (
        "The running maxima along ``dim`` and their indices.",
        (
            ">>> ferrograd.cummax(ferrograd.tensor([1, 3, 2, 5]), 0)\n"
            "ferrograd.return_types.cummax(\n"
            "values=tensor([1, 3, 3, 5]),\n"
            "indices=tensor([0, 1, 1, 3]))"
        ),
    ),
    "cummin": (
        "The running minima along ``dim`` and their indices.",
        (
            ">>> ferrograd.cummin(ferrograd.tensor([3, 1, 2, 0]), 0)\n"
            "ferrograd.return_types.cummin(\n"
            "values=tensor([3, 1, 1, 0]),\n"
            "indices=tensor([0, 1, 1, 3]))"
        ),
    ),
    "cumprod": (
        "The running products along ``dim``.",
        (">>> ferrograd.cumprod(ferrograd.tensor([1.0, 2.0, 3.0]), dim=0)\ntensor([1., 2., 6.])"),
    ),
    "cumsum": (
        "The running sums along ``dim``.",
        (">>> ferrograd.cumsum(ferrograd.tensor([1, 2, 3]), dim=0)\ntensor([1, 3, 6])"),
    ),
    "det": (
        "The determinant of a square matrix (``linalg.det``).",
        (">>> A = ferrograd.tensor([[4.0, 1.0], [1.0, 3.0]])\n>>> ferrograd.det(A)\ntensor(11.)"),
    ),
    "diff": (
        "The ``n``-th forward difference along ``dim``.",
        (">>> ferrograd.diff(ferrograd.tensor([1, 4, 9, 16]))\ntensor([3, 5, 7])"),
    ),
    "frexp": (
        ("Mantissas in [0.5, 1) and integer exponents with ``input = mantissa * 2 ** exponent``."),
        (
            ">>> ferrograd.frexp(ferrograd.tensor([8.0, 0.75]))\n"
            "ferrograd.return_types.frexp(\n"
            "mantissa=tensor([0.5000, 0.7500]),\n"
            "exponent=tensor([4, 0], dtype=ferrograd.int32))"
        ),
    ),
    "gcd_": (
        "In-place ``gcd``.",
        (
            ">>> ferrograd.gcd_(ferrograd.tensor([12, 7]), ferrograd.tensor([18, 5]))\n"
            "tensor([6, 1])"
        ),
    ),
    "lcm_": (
        "In-place ``lcm``.",
        (
            ">>> ferrograd.lcm_(ferrograd.tensor([4, 3]), ferrograd.tensor([6, 5]))\n"
            "tensor([12, 15])"
        ),
    ),
    "ldexp_": (
        "In-place ``ldexp``.",
        (
            ">>> ferrograd.ldexp_(ferrograd.tensor([1.0, 3.0]), ferrograd.tensor([2, -1]))\n"
            "tensor([4.0000, 1.5000])"
        ),
    ),
    "xlogy_": (
        "In-place ``xlogy``.",
        (
            ">>> ferrograd.xlogy_(ferrograd.tensor([0.0, 2.0]), ferrograd.tensor([0.0, 3.0]))\n"
            "tensor([0.0000, 2.1972])"
        ),
    ),
    "histc": (
        ("The histogram of the elements over ``bins`` equal bins between ``min`` and ``max``."),
        (
            ">>> ferrograd.histc(ferrograd.tensor([1.0, 2.0, 1.0]), bins=4, min=0, max=3)\n"
            "tensor([0., 2., 1., 0.])"
        ),
    ),
    "histogram": (
        "The histogram of the elements: ``(hist, bin_edges)``.",
        (
            ">>> ferrograd.histogram(ferrograd.tensor([1.0, 2.0, 1.0]), bins=2)\n"
            "ferrograd.return_types.histogram(\n"
            "hist=tensor([2., 1.]),\n"
            "bin_edges=tensor([1.0000, 1.5000, 2.0000]))"
        ),
    ),
    "histogramdd": (
        (
            "The ``D``-dimensional histogram of the rows of an ``(N, D)`` input: ``(hist, "
            "bin_edges)``."
        ),
        (
            ">>> hist, edges = ferrograd.histogramdd(ferrograd.tensor([[0.0, 0.0], [1.0, "
            "1.0]]), bins=[2, 2])\n"
            ">>> hist\n"
            "tensor([[1., 0.],\n"
            "        [0., 1.]])"
        ),
    ),
    "index_copy": (
        "Copies ``source``'s slices into a copy of ``input`` at ``index`` along ``dim``.",
        (
            ">>> ferrograd.index_copy(ferrograd.zeros(3), 0, ferrograd.tensor([2, 0]), "
            "ferrograd.tensor([1.0, 2.0]))\n"
            "tensor([2., 0., 1.])"
        ),
    ),
    "index_fill": (
        "Fills the slices of ``input`` at ``index`` along ``dim`` with ``value`` (a copy).",
        (
            ">>> ferrograd.index_fill(ferrograd.zeros(3), 0, ferrograd.tensor([1]), 7.0)\n"
            "tensor([0., 7., 0.])"
        ),
    ),
    "index_reduce": (
        "Reduces ``source``'s slices into ``input``'s slices at ``index`` along ``dim``.",
        (
            ">>> ferrograd.index_reduce(ferrograd.ones(2), 0, ferrograd.tensor([0, 0]), "
            "ferrograd.tensor([2.0, 3.0]), 'prod')\n"
            "tensor([6., 1.])"
        ),
    ),
    "inverse": (
        "The inverse of a square matrix.",
        (
            ">>> ferrograd.inverse(ferrograd.tensor([[2.0, 0.0], [0.0, 4.0]]))\n"
            "tensor([[0.5000, 0.0000],\n"
            "        [0.0000, 0.2500]])"
        ),
    ),
    "is_complex": (
        "Whether ``input``'s dtype is complex.",
        (">>> ferrograd.is_complex(ferrograd.zeros(1))\nFalse"),
    ),
    "is_floating_point": (
        "Whether ``input``'s dtype is a floating-point one.",
        (
            ">>> ferrograd.is_floating_point(ferrograd.zeros(1)), "
            "ferrograd.is_floating_point(ferrograd.tensor([1]))\n"
            "(True, False)"
        ),
    ),
    "is_nonzero": (
        "Whether a one-element tensor's value is nonzero.",
        (">>> ferrograd.is_nonzero(ferrograd.tensor([0.5]))\nTrue"),
    ),
    "is_signed": (
        "Whether ``input``'s dtype is signed.",
        (">>> ferrograd.is_signed(ferrograd.tensor([1]))\nTrue"),
    ),
    "kthvalue": (
        "The ``k``-th smallest element along ``dim`` and its index.",
        (
            ">>> ferrograd.kthvalue(ferrograd.tensor([3.0, 1.0, 2.0]), 2)\n"
            "ferrograd.return_types.kthvalue(\n"
            "values=tensor(2.),\n"
            "indices=tensor(2))"
        ),
    ),
    "logcumsumexp": (
        "``log(cumsum(exp(x)))`` along ``dim``, computed stably.",
        (
            ">>> ferrograd.logcumsumexp(ferrograd.tensor([0.0, 0.0, 0.0]), 0)\n"
            "tensor([0.0000, 0.6931, 1.0986])"
        ),
    ),
    "logdet": (
        "The log of the determinant (NaN if it is negative).",
        (
            ">>> A = ferrograd.tensor([[4.0, 1.0], [1.0, 3.0]])\n"
            ">>> ferrograd.logdet(A)\n"
            "tensor(2.3979)"
        ),
    ),
    "lu_solve": (
        "Solves ``A X = b`` from ``A``'s packed LU factorization.",
        (
            ">>> A = ferrograd.tensor([[4.0, 1.0], [1.0, 3.0]])\n"
            ">>> LU, pivots = ferrograd.linalg.lu_factor(A)\n"
            ">>> ferrograd.lu_solve(ferrograd.tensor([[5.0], [4.0]]), LU, pivots)\n"
            "tensor([[1.],\n"
            "        [1.]])"
        ),
    ),
    "matrix_exp": (
        "The matrix exponential.",
        (">>> ferrograd.matrix_exp(ferrograd.zeros(2, 2))\ntensor([[1., 0.],\n        [0., 1.]])"),
    ),
    "matrix_power": (
        "A matrix to the integer power ``n``.",
        (
            ">>> ferrograd.matrix_power(ferrograd.tensor([[1.0, 1.0], [0.0, 1.0]]), 2)\n"
            "tensor([[1., 2.],\n"
            "        [0., 1.]])"
        ),
    ),
    "median": (
        (
            "The median of the elements (the lower middle one for an even count), or "
            "``(values, indices)`` along ``dim``."
        ),
        (">>> ferrograd.median(ferrograd.tensor([1.0, 4.0, 2.0, 3.0]))\ntensor(2.)"),
    ),
    "mode": (
        "The most frequent value along ``dim`` and an index of it.",
        (
            ">>> ferrograd.mode(ferrograd.tensor([1, 2, 2, 3]))\n"
            "ferrograd.return_types.mode(\n"
            "values=tensor(2),\n"
            "indices=tensor(2))"
        ),
    ),
    "msort": (
        "Sorts along the first dimension.",
        (
            ">>> ferrograd.msort(ferrograd.tensor([[3, 1], [1, 2]]))\n"
            "tensor([[1, 1],\n"
            "        [3, 2]])"
        ),
    ),
    "multinomial": (
        (
            "Draws ``num_samples`` category indices per row, with probabilities "
            "proportional to the row's weights."
        ),
        (
            ">>> ferrograd.multinomial(ferrograd.tensor([0.0, 1.0, 0.0]), 2, "
            "replacement=True)\n"
            "tensor([1, 1])"
        ),
    ),
    "nanmedian": (
        "The median ignoring NaNs.",
        (">>> ferrograd.nanmedian(ferrograd.tensor([1.0, float('nan'), 3.0, 2.0]))\ntensor(2.)"),
    ),
    "nanquantile": (
        "``quantile`` ignoring NaNs.",
        (">>> ferrograd.nanquantile(ferrograd.tensor([1.0, float('nan'), 3.0]), 0.5)\ntensor(2.)"),
    ),
    "quantile": (
        "The ``q``-th quantiles along ``dim`` (linear interpolation by default).",
        (">>> ferrograd.quantile(ferrograd.tensor([1.0, 2.0, 3.0, 4.0]), 0.5)\ntensor(2.5000)"),
    ),
    "narrow_copy": (
        "``narrow``, as a copy.",
        (">>> ferrograd.narrow_copy(ferrograd.arange(5), 0, 1, 2)\ntensor([1, 2])"),
    ),
    "pinverse": (
        "The pseudo-inverse.",
        (
            ">>> ferrograd.pinverse(ferrograd.tensor([[2.0, 0.0], [0.0, 0.0]]))\n"
            "tensor([[0.5000, 0.0000],\n"
            "        [0.0000, 0.0000]])"
        ),
    ),
    "randint_like": (
        (
            "Random integers from ``[low, high)`` in a tensor of ``input``'s shape, dtype "
            "and device."
        ),
        (
            ">>> x = ferrograd.randint_like(ferrograd.zeros(2, 3), 5)\n"
            ">>> x.shape, bool(((x >= 0) & (x < 5)).all())\n"
            "(ferrograd.Size([2, 3]), True)"
        ),
    ),
    "renorm": (
        (
            "Rescales each slice along ``dim`` whose ``p``-norm exceeds ``maxnorm`` to "
            "norm ``maxnorm``."
        ),
        (
            ">>> ferrograd.renorm(ferrograd.tensor([[3.0, 4.0], [0.3, 0.4]]), 2, 0, 1.0)\n"
            "tensor([[0.6000, 0.8000],\n"
            "        [0.3000, 0.4000]])"
        ),
    ),
    "scatter": (
        (
            "Writes ``src`` (or ``value``) into a copy of ``input`` at the positions "
            "``index`` gives along ``dim``."
        ),
        (
            ">>> ferrograd.scatter(ferrograd.zeros(3), 0, ferrograd.tensor([2]), 9.0)\n"
            "tensor([0., 0., 9.])"
        ),
    ),
    "scatter_reduce": (
        (
            "Reduces ``src`` into a copy of ``input`` at the positions ``index`` gives "
            "along ``dim``."
        ),
        (
            ">>> ferrograd.scatter_reduce(ferrograd.zeros(2), 0, ferrograd.tensor([0, 0, "
            "1]), ferrograd.tensor([1.0, 3.0, 2.0]), 'amax')\n"
            "tensor([3., 2.])"
        ),
    ),
    "select_scatter": (
        "A copy of ``input`` with ``src`` written into ``input.select(dim, index)``.",
        (
            ">>> ferrograd.select_scatter(ferrograd.zeros(2, 2), ferrograd.ones(2), 0, 0)\n"
            "tensor([[1., 1.],\n"
            "        [0., 0.]])"
        ),
    ),
    "slice_scatter": (
        ("A copy of ``input`` with ``src`` written into the slice ``start:end:step`` of ``dim``."),
        (
            ">>> ferrograd.slice_scatter(ferrograd.zeros(4), ferrograd.ones(2), start=1, "
            "end=3)\n"
            "tensor([0., 1., 1., 0.])"
        ),
    ),
    "slogdet": (
        "The sign and the log-absolute value of the determinant.",
        (
            ">>> ferrograd.slogdet(ferrograd.tensor([[2.0, 0.0], [0.0, -3.0]]))\n"
            "ferrograd.return_types.slogdet(\n"
            "sign=tensor(-1.),\n"
            "logabsdet=tensor(1.7918))"
        ),
    ),
    "split_with_sizes": (
        "Splits along ``dim`` into pieces of the given sizes.",
        (
            ">>> ferrograd.split_with_sizes(ferrograd.arange(5), [2, 3])\n"
            "(tensor([0, 1]), tensor([2, 3, 4]))"
        ),
    ),
    "svd": (
        ("The singular value decomposition ``(U, S, V)`` with ``input = U @ diag(S) @ V.mT``."),
        (
            ">>> U, S, V = ferrograd.svd(ferrograd.tensor([[3.0, 0.0], [0.0, -2.0]]))\n"
            ">>> S\n"
            "tensor([3., 2.])"
        ),
    ),
    "take": (
        "The elements of ``input`` at the flat positions ``index``.",
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> ferrograd.take(x, ferrograd.tensor([0, 3]))\n"
            "tensor([1., 4.])"
        ),
    ),
    "tensor_split": (
        (
            "Splits into pieces along ``dim``: ``sections`` nearly equal pieces, or at the "
            "given indices."
        ),
        (">>> ferrograd.tensor_split(ferrograd.arange(5), 2)\n(tensor([0, 1, 2]), tensor([3, 4]))"),
    ),
    "unique": (
        "The distinct elements (sorted), with inverse indices and counts when asked.",
        (
            ">>> ferrograd.unique(ferrograd.tensor([2, 1, 2, 3]), return_counts=True)\n"
            "(tensor([1, 2, 3]), tensor([1, 2, 1]))"
        ),
    ),
    "unique_consecutive": (
        "Collapses runs of equal consecutive elements to one.",
        (">>> ferrograd.unique_consecutive(ferrograd.tensor([1, 1, 2, 2, 1]))\ntensor([1, 2, 1])"),
    ),
    "unsafe_chunk": (
        "``chunk`` (the views are not checked for in-place use).",
        (">>> ferrograd.unsafe_chunk(ferrograd.arange(4), 2)\n(tensor([0, 1]), tensor([2, 3]))"),
    ),
    "unsafe_split": (
        "``split`` (the views are not checked for in-place use).",
        (">>> ferrograd.unsafe_split(ferrograd.arange(4), 2)\n(tensor([0, 1]), tensor([2, 3]))"),
    ),
    "unsafe_split_with_sizes": (
        "``split_with_sizes`` (the views are not checked).",
        (
            ">>> ferrograd.unsafe_split_with_sizes(ferrograd.arange(4), [1, 3])\n"
            "(tensor([0]), tensor([1, 2, 3]))"
        ),
    ),
    "std_mean": (
        "The standard deviation and the mean at once.",
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> ferrograd.std_mean(x)\n"
            "(tensor(1.2910), tensor(2.5000))"
        ),
    ),
    "var_mean": (
        "The variance and the mean at once.",
        (
            ">>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
            ">>> ferrograd.var_mean(x, dim=0)\n"
            "(tensor([2., 2.]), tensor([2., 3.]))"
        ),
    ),
    "cosine_similarity": (
        "``x1 . x2 / max(||x1|| ||x2||, eps)`` along ``dim``.",
        (
            ">>> ferrograd.cosine_similarity(ferrograd.tensor([[1.0, 0.0]]), "
            "ferrograd.tensor([[1.0, 1.0]]))\n"
            "tensor([0.7071])"
        ),
    ),
    "dropout": (
        "``nn.functional.dropout`` (``train`` for ``training``).",
        (">>> ferrograd.dropout(ferrograd.ones(3), 0.5, train=False)\ntensor([1., 1., 1.])"),
    ),
    "alpha_dropout": (
        "``nn.functional.alpha_dropout`` (``train`` for ``training``).",
        (
            ">>> ferrograd.alpha_dropout(ferrograd.tensor([1.0, -1.0]), 0.2, train=False)\n"
            "tensor([ 1., -1.])"
        ),
    ),
    "feature_alpha_dropout": (
        "``nn.functional.feature_alpha_dropout`` (``train`` for ``training``).",
        (
            ">>> ferrograd.feature_alpha_dropout(ferrograd.ones(1, 2, 2), 0.2, train=False)\n"
            "tensor([[[1., 1.],\n"
            "         [1., 1.]]])"
        ),
    ),
    "embedding": (
        "The rows of ``weight`` at ``indices``.",
        (
            ">>> ferrograd.embedding(ferrograd.tensor([[0.0, 0.0], [1.0, 1.0]]), "
            "ferrograd.tensor([1, 0]))\n"
            "tensor([[1., 1.],\n"
            "        [0., 0.]])"
        ),
    ),
    "batch_norm": (
        (
            "``nn.functional.batch_norm`` with every argument given (PyTorch's "
            "``torch.batch_norm``)."
        ),
        (
            ">>> x = ferrograd.tensor([[1.0], [3.0]])\n"
            ">>> ferrograd.batch_norm(x, None, None, None, None, True, 0.1, 1e-5, False)\n"
            "tensor([[-1.0000],\n"
            "        [ 1.0000]])"
        ),
    ),
    "instance_norm": (
        (
            "``nn.functional.instance_norm`` with every argument given (PyTorch's "
            "``torch.instance_norm``)."
        ),
        (
            ">>> ferrograd.instance_norm(ferrograd.tensor([[[1.0, 3.0]]]), None, None, "
            "None, None, True, 0.1, 1e-5, False)\n"
            "tensor([[[-1.0000,  1.0000]]])"
        ),
    ),
    "is_anomaly_enabled": (
        "Whether anomaly detection (``autograd.detect_anomaly``) is on.",
        (">>> ferrograd.is_anomaly_enabled()\nFalse"),
    ),
    "is_anomaly_check_nan_enabled": (
        "Whether anomaly detection also checks backward results for NaN.",
        (
            ">>> with ferrograd.autograd.detect_anomaly():\n"
            "...     print(ferrograd.is_anomaly_check_nan_enabled())\n"
            "True"
        ),
    ),
    "set_anomaly_enabled": (
        "Turns anomaly detection on or off (``check_nan``: also check for NaN).",
        (
            ">>> ferrograd.set_anomaly_enabled(True)\n"
            ">>> ferrograd.is_anomaly_enabled()\n"
            "True\n"
            ">>> ferrograd.set_anomaly_enabled(False)"
        ),
    ),
    "is_autocast_enabled": (
        ("Whether an ``autocast`` region is active (for ``device_type``, or CUDA by default)."),
        (">>> ferrograd.is_autocast_enabled()\nFalse"),
    ),
    "is_warn_always_enabled": (
        "Whether warnings that PyTorch gives once are given every time.",
        (">>> ferrograd.is_warn_always_enabled()\nFalse"),
    ),
    "set_warn_always": (
        "Gives warnings that PyTorch gives once every time (or not).",
        (
            ">>> ferrograd.set_warn_always(True)\n"
            ">>> ferrograd.is_warn_always_enabled()\n"
            "True\n"
            ">>> ferrograd.set_warn_always(False)"
        ),
    ),
    "is_deterministic_algorithms_warn_only_enabled": (
        "Whether ``use_deterministic_algorithms(True, warn_only=True)`` is in force.",
        (">>> ferrograd.is_deterministic_algorithms_warn_only_enabled()\nFalse"),
    ),
    "set_deterministic_debug_mode": (
        (
            "Sets the deterministic debug mode: 0 (``'default'``), 1 (``'warn'``) or 2 "
            "(``'error'``)."
        ),
        (
            ">>> ferrograd.set_deterministic_debug_mode('warn')\n"
            ">>> ferrograd.get_deterministic_debug_mode()\n"
            "1\n"
            ">>> ferrograd.set_deterministic_debug_mode(0)"
        ),
    ),
    "get_deterministic_debug_mode": (
        "The deterministic debug mode: 0, 1 (warn) or 2 (error).",
        (">>> ferrograd.get_deterministic_debug_mode()\n0"),
    ),
    "set_float32_matmul_precision": (
        (
            "Records the float32 matrix-product precision asked for (``'highest'``, "
            "``'high'``, ``'medium'``); ferrograd's CPU kernels always compute in full float32."
        ),
        (
            ">>> ferrograd.set_float32_matmul_precision('high')\n"
            ">>> ferrograd.get_float32_matmul_precision()\n"
            "'high'\n"
            ">>> ferrograd.set_float32_matmul_precision('highest')"
        ),
    ),
    "get_float32_matmul_precision": (
        "The float32 matrix-product precision last set (``'highest'`` by default).",
        (">>> ferrograd.get_float32_matmul_precision()\n'highest'"),
    ),
    "set_flush_denormal": (
        (
            "Asks for denormal floats to be flushed to zero; returns whether that is "
            "supported (it is not here, as on CPUs without the instruction)."
        ),
        (">>> isinstance(ferrograd.set_flush_denormal(False), bool)\nTrue"),
    ),
    "finfo": (
        (
            "The limits of a floating dtype: ``eps``, ``max``, ``min``, ``tiny``, "
            "``resolution``, ``bits``."
        ),
        (
            ">>> ferrograd.finfo(ferrograd.float32).eps, "
            "ferrograd.finfo(ferrograd.float16).max\n"
            "(1.1920928955078125e-07, 65504.0)"
        ),
    ),
    "iinfo": (
        "The limits of an integer dtype: ``min``, ``max``, ``bits``.",
        (
            ">>> ferrograd.iinfo(ferrograd.int8).min, ferrograd.iinfo(ferrograd.int8).max\n"
            "(-128, 127)"
        ),
    ),
    "from_dlpack": (
        (
            "A tensor sharing the memory of an object that exports DLPack "
            "(``__dlpack__``), such as a NumPy array."
        ),
        (
            ">>> import numpy as np\n"
            ">>> ferrograd.from_dlpack(np.arange(3.0))\n"
            "tensor([0., 1., 2.], dtype=ferrograd.float64)"
        ),
    ),
    "to_dlpack": (
        "A DLPack capsule of the tensor's memory, for another library's ``from_dlpack``.",
        (">>> type(ferrograd.to_dlpack(ferrograd.zeros(2))).__name__\n'PyCapsule'"),
    ),
    "fill": (
        "A tensor of ``input``'s shape filled with ``value`` (out of place).",
        (">>> ferrograd.fill(ferrograd.zeros(3), 2.0)\ntensor([2., 2., 2.])"),
    ),
    "inference_mode": (
        (
            "A context manager (and decorator) for inference: no graph is recorded and "
            "tensors made inside cannot be used by autograd later."
        ),
        (
            ">>> with ferrograd.inference_mode():\n"
            "...     y = ferrograd.ones(2, requires_grad=True) * 2\n"
            ">>> y.requires_grad, y.is_inference()\n"
            "(False, True)"
        ),
    ),
    "autocast": (
        (
            "A context manager running the listed operations in a lower precision dtype "
            "(``torch.autocast``)."
        ),
        (
            ">>> with ferrograd.autocast('cpu', dtype=ferrograd.bfloat16):\n"
            "...     y = ferrograd.ones(2, 2) @ ferrograd.ones(2, 2)\n"
            ">>> y.dtype\n"
            "ferrograd.bfloat16"
        ),
    ),
    "compile": (
        (
            "``torch.compile``'s entry point: checks the arguments and returns the model "
            "or function unchanged (there is no compiler; the eager results are the "
            "compiled ones)."
        ),
        (
            ">>> f = ferrograd.compile(lambda x: x * 2)\n"
            ">>> f(ferrograd.tensor([1.0]))\n"
            "tensor([2.])"
        ),
    ),
    "device": (
        "A device: ``'cpu'``, ``'cuda'`` or ``'meta'``, with an optional index.",
        (">>> ferrograd.device('cpu'), ferrograd.device('cuda', 1).index\n(device(type='cpu'), 1)"),
    ),
    "Size": (
        "The shape of a tensor: a tuple of ints that prints as ``ferrograd.Size([...])``.",
        (
            ">>> s = ferrograd.zeros(2, 3).shape\n"
            ">>> s, s[0], s.numel()\n"
            "(ferrograd.Size([2, 3]), 2, 6)"
        ),
    ),
    "Generator": (
        (
            "A random number generator: seed it with ``manual_seed``, pass it as "
            "``generator=`` to the samplers, save and restore ``get_state``/``set_state``."
        ),
        (
            ">>> g = ferrograd.Generator().manual_seed(3)\n"
            ">>> a = ferrograd.rand(2, generator=g)\n"
            ">>> _ = g.manual_seed(3)\n"
            ">>> ferrograd.equal(a, ferrograd.rand(2, generator=g))\n"
            "True"
        ),
    ),
    "FloatTensor": (
        (
            "The legacy constructor of float32 tensors: ``FloatTensor(data)`` copies data, "
            "``FloatTensor(*sizes)`` makes an uninitialized tensor; ``isinstance(t, "
            "FloatTensor)`` tells whether ``t`` is a CPU float32 tensor."
        ),
        (
            ">>> t = ferrograd.FloatTensor([1, 2])\n"
            ">>> t.dtype, isinstance(t, ferrograd.FloatTensor)\n"
            "(ferrograd.float32, True)"
        ),
    ),
    "DoubleTensor": (
        (
            "The legacy constructor of float64 tensors: ``DoubleTensor(data)`` copies "
            "data, ``DoubleTensor(*sizes)`` makes an uninitialized tensor; ``isinstance(t, "
            "DoubleTensor)`` tells whether ``t`` is a CPU float64 tensor."
        ),
        (
            ">>> t = ferrograd.DoubleTensor([1, 2])\n"
            ">>> t.dtype, isinstance(t, ferrograd.DoubleTensor)\n"
            "(ferrograd.float64, True)"
        ),
    ),
    "HalfTensor": (
        (
            "The legacy constructor of float16 tensors: ``HalfTensor(data)`` copies data, "
            "``HalfTensor(*sizes)`` makes an uninitialized tensor; ``isinstance(t, "
            "HalfTensor)`` tells whether ``t`` is a CPU float16 tensor."
        ),
        (
            ">>> t = ferrograd.HalfTensor([1, 2])\n"
            ">>> t.dtype, isinstance(t, ferrograd.HalfTensor)\n"
            "(ferrograd.float16, True)"
        ),
    ),
    "BFloat16Tensor": (
        (
            "The legacy constructor of bfloat16 tensors: ``BFloat16Tensor(data)`` copies "
            "data, ``BFloat16Tensor(*sizes)`` makes an uninitialized tensor; "
            "``isinstance(t, BFloat16Tensor)`` tells whether ``t`` is a CPU bfloat16 tensor."
        ),
        (
            ">>> t = ferrograd.BFloat16Tensor([1, 2])\n"
            ">>> t.dtype, isinstance(t, ferrograd.BFloat16Tensor)\n"
            "(ferrograd.bfloat16, True)"
        ),
    ),
    "LongTensor": (
        (
            "The legacy constructor of int64 tensors: ``LongTensor(data)`` copies data, "
            "``LongTensor(*sizes)`` makes an uninitialized tensor; ``isinstance(t, "
            "LongTensor)`` tells whether ``t`` is a CPU int64 tensor."
        ),
        (
            ">>> t = ferrograd.LongTensor([1, 2])\n"
            ">>> t.dtype, isinstance(t, ferrograd.LongTensor)\n"
            "(ferrograd.int64, True)"
        ),
    ),
    "IntTensor": (
        (
            "The legacy constructor of int32 tensors: ``IntTensor(data)`` copies data, "
            "``IntTensor(*sizes)`` makes an uninitialized tensor; ``isinstance(t, "
            "IntTensor)`` tells whether ``t`` is a CPU int32 tensor."
        ),
        (
            ">>> t = ferrograd.IntTensor([1, 2])\n"
            ">>> t.dtype, isinstance(t, ferrograd.IntTensor)\n"
            "(ferrograd.int32, True)"
        ),
    ),
    "ShortTensor": (
        (
            "The legacy constructor of int16 tensors: ``ShortTensor(data)`` copies data, "
            "``ShortTensor(*sizes)`` makes an uninitialized tensor; ``isinstance(t, "
            "ShortTensor)`` tells whether ``t`` is a CPU int16 tensor."
        ),
        (
            ">>> t = ferrograd.ShortTensor([1, 2])\n"
            ">>> t.dtype, isinstance(t, ferrograd.ShortTensor)\n"
            "(ferrograd.int16, True)"
        ),
    ),
    "CharTensor": (
        (
            "The legacy constructor of int8 tensors: ``CharTensor(data)`` copies data, "
            "``CharTensor(*sizes)`` makes an uninitialized tensor; ``isinstance(t, "
            "CharTensor)`` tells whether ``t`` is a CPU int8 tensor."
        ),
        (
            ">>> t = ferrograd.CharTensor([1, 2])\n"
            ">>> t.dtype, isinstance(t, ferrograd.CharTensor)\n"
            "(ferrograd.int8, True)"
        ),
    ),
    "ByteTensor": (
        (
            "The legacy constructor of uint8 tensors: ``ByteTensor(data)`` copies data, "
            "``ByteTensor(*sizes)`` makes an uninitialized tensor; ``isinstance(t, "
            "ByteTensor)`` tells whether ``t`` is a CPU uint8 tensor."
        ),
        (
            ">>> t = ferrograd.ByteTensor([1, 2])\n"
            ">>> t.dtype, isinstance(t, ferrograd.ByteTensor)\n"
            "(ferrograd.uint8, True)"
        ),
    ),
    "BoolTensor": (
        (
            "The legacy constructor of bool tensors: ``BoolTensor(data)`` copies data, "
            "``BoolTensor(*sizes)`` makes an uninitialized tensor; ``isinstance(t, "
            "BoolTensor)`` tells whether ``t`` is a CPU bool tensor."
        ),
        (
            ">>> t = ferrograd.BoolTensor([True, False])\n"
            ">>> t.dtype, isinstance(t, ferrograd.BoolTensor)\n"
            "(ferrograd.bool, True)"
        ),
    ),
    "dtype": (
        (
            "The element type of a tensor: ``ferrograd.float32``, ``ferrograd.int64``, "
            "``ferrograd.bool`` and the others, with ``is_floating_point``, ``is_signed`` "
            "and ``itemsize``."
        ),
        (">>> ferrograd.float64.is_floating_point, ferrograd.int32.itemsize\n(True, 4)"),
    ),
    "layout": (
        (
            "The memory layout of a tensor: ``ferrograd.strided`` (dense) or "
            "``ferrograd.sparse_coo``."
        ),
        (">>> ferrograd.zeros(1).layout\nferrograd.strided"),
    ),
    "memory_format": (
        (
            "A memory-layout request: ``ferrograd.contiguous_format``, "
            "``ferrograd.channels_last``, ``ferrograd.preserve_format``."
        ),
        (
            ">>> ferrograd.zeros(2, "
            "3).is_contiguous(memory_format=ferrograd.contiguous_format)\n"
            "True"
        ),
    ),
    "Tensor": (
        (
            "The tensor type: a multi-dimensional array of one dtype on one device, "
            "recorded by autograd when it requires grad. ``ferrograd.Tensor(data)`` is the "
            "legacy float32 constructor; use ``ferrograd.tensor``."
        ),
        (
            ">>> x = ferrograd.Tensor([1, 2])\n"
            ">>> x, isinstance(x, ferrograd.Tensor)\n"
            "(tensor([1., 2.]), True)"
        ),
    ),
    "OutOfMemoryError": (
        (
            "Raised when memory for a tensor cannot be allocated; a ``RuntimeError`` (and "
            "a ``MemoryError``)."
        ),
        (">>> issubclass(ferrograd.OutOfMemoryError, RuntimeError)\nTrue"),
    ),
    "acos": (
        "The arc cosine (inverse cosine), in radians, of each element.",
        (
            ">>> ferrograd.acos(ferrograd.tensor([1.0, 0.5, -1.0]))\n"
            "tensor([0.0000, 1.0472, 3.1416])"
        ),
    ),
    "asin": (
        "The arc sine, in radians, of each element.",
        (">>> ferrograd.asin(ferrograd.tensor([0.0, 0.5, 1.0]))\ntensor([0.0000, 0.5236, 1.5708])"),
    ),
    "atan": (
        "The arc tangent, in radians, of each element.",
        (
            ">>> ferrograd.atan(ferrograd.tensor([0.0, 1.0, -1.0]))\n"
            "tensor([ 0.0000,  0.7854, -0.7854])"
        ),
    ),
    "acosh": (
        "The inverse hyperbolic cosine of each element (defined from 1).",
        (
            ">>> ferrograd.acosh(ferrograd.tensor([1.0, 2.0, 10.0]))\n"
            "tensor([0.0000, 1.3170, 2.9932])"
        ),
    ),
    "asinh": (
        "The inverse hyperbolic sine of each element.",
        (
            ">>> ferrograd.asinh(ferrograd.tensor([0.0, 1.0, -2.0]))\n"
            "tensor([ 0.0000,  0.8814, -1.4436])"
        ),
    ),
    "atanh": (
        "The inverse hyperbolic tangent of each element (defined on (-1, 1)).",
        (
            ">>> ferrograd.atanh(ferrograd.tensor([0.0, 0.5, -0.5]))\n"
            "tensor([ 0.0000,  0.5493, -0.5493])"
        ),
    ),
    "cosh": (
        "The hyperbolic cosine of each element.",
        (
            ">>> ferrograd.cosh(ferrograd.tensor([0.0, 1.0, -2.0]))\n"
            "tensor([1.0000, 1.5431, 3.7622])"
        ),
    ),
    "sinh": (
        "The hyperbolic sine of each element.",
        (
            ">>> ferrograd.sinh(ferrograd.tensor([0.0, 1.0, -2.0]))\n"
            "tensor([ 0.0000,  1.1752, -3.6269])"
        ),
    ),
    "log2": (
        "The base-2 logarithm of each element.",
        (">>> ferrograd.log2(ferrograd.tensor([1.0, 8.0, 0.5]))\ntensor([ 0.,  3., -1.])"),
    ),
    "log10": (
        "The base-10 logarithm of each element.",
        (">>> ferrograd.log10(ferrograd.tensor([1.0, 100.0, 0.1]))\ntensor([ 0.,  2., -1.])"),
    ),
    "exp2": (
        "``2 ** x`` for each element.",
        (
            ">>> ferrograd.exp2(ferrograd.tensor([0.0, 3.0, -1.0]))\n"
            "tensor([1.0000, 8.0000, 0.5000])"
        ),
    ),
    "sinc": (
        "The normalized sinc ``sin(pi x) / (pi x)`` (1 at 0).",
        (
            ">>> ferrograd.sinc(ferrograd.tensor([0.0, 0.5, 1.0]))\n"
            "tensor([ 1.0000e+00,  6.3662e-01, -2.7828e-08])"
        ),
    ),
    "fix": (
        "Alias of ``trunc``: rounds toward zero.",
        (">>> ferrograd.fix(ferrograd.tensor([1.7, -1.7]))\ntensor([ 1., -1.])"),
    ),
    "deg2rad": (
        "Converts degrees to radians.",
        (
            ">>> ferrograd.deg2rad(ferrograd.tensor([0.0, 90.0, 180.0]))\n"
            "tensor([0.0000, 1.5708, 3.1416])"
        ),
    ),
    "rad2deg": (
        "Converts radians to degrees.",
        (
            ">>> ferrograd.rad2deg(ferrograd.tensor([0.0, 1.5708, 3.1416]))\n"
            "tensor([  0.0000,  90.0002, 180.0004])"
        ),
    ),
    "signbit": (
        "Whether each element's sign bit is set (True for -0.0 too).",
        (
            ">>> ferrograd.signbit(ferrograd.tensor([-1.0, 0.0, -0.0, 2.0]))\n"
            "tensor([ True, False,  True, False])"
        ),
    ),
    "sgn": (
        "The sign of each element (for real tensors, ``sign``).",
        (">>> ferrograd.sgn(ferrograd.tensor([-3.0, 0.0, 2.0]))\ntensor([-1.,  0.,  1.])"),
    ),
    "arccos": (
        "Alias of ``acos``.",
        (
            ">>> ferrograd.arccos(ferrograd.tensor([1.0, 0.5, -1.0]))\n"
            "tensor([0.0000, 1.0472, 3.1416])"
        ),
    ),
    "arcsin": (
        "Alias of ``asin``.",
        (
            ">>> ferrograd.arcsin(ferrograd.tensor([0.0, 0.5, 1.0]))\n"
            "tensor([0.0000, 0.5236, 1.5708])"
        ),
    ),
    "arctan": (
        "Alias of ``atan``.",
        (
            ">>> ferrograd.arctan(ferrograd.tensor([0.0, 1.0, -1.0]))\n"
            "tensor([ 0.0000,  0.7854, -0.7854])"
        ),
    ),
    "arccosh": (
        "Alias of ``acosh``.",
        (
            ">>> ferrograd.arccosh(ferrograd.tensor([1.0, 2.0, 10.0]))\n"
            "tensor([0.0000, 1.3170, 2.9932])"
        ),
    ),
    "arcsinh": (
        "Alias of ``asinh``.",
        (
            ">>> ferrograd.arcsinh(ferrograd.tensor([0.0, 1.0, -2.0]))\n"
            "tensor([ 0.0000,  0.8814, -1.4436])"
        ),
    ),
    "arctanh": (
        "Alias of ``atanh``.",
        (
            ">>> ferrograd.arctanh(ferrograd.tensor([0.0, 0.5, -0.5]))\n"
            "tensor([ 0.0000,  0.5493, -0.5493])"
        ),
    ),
    "angle": (
        ("The angle (argument) of each element: 0 for non-negative reals, pi for negative ones."),
        (
            ">>> ferrograd.angle(ferrograd.tensor([-1.0, 0.0, 2.0]))\n"
            "tensor([3.1416, 0.0000, 0.0000])"
        ),
    ),
    "acos_": (
        "In-place ``acos``: overwrites ``input`` with the result and returns it.",
        (
            ">>> ferrograd.acos_(ferrograd.tensor([1.0, 0.5, -1.0]))\n"
            "tensor([0.0000, 1.0472, 3.1416])"
        ),
    ),
    "asin_": (
        "In-place ``asin``: overwrites ``input`` with the result and returns it.",
        (
            ">>> ferrograd.asin_(ferrograd.tensor([0.0, 0.5, 1.0]))\n"
            "tensor([0.0000, 0.5236, 1.5708])"
        ),
    ),
    "atan_": (
        "In-place ``atan``: overwrites ``input`` with the result and returns it.",
        (
            ">>> ferrograd.atan_(ferrograd.tensor([0.0, 1.0, -1.0]))\n"
            "tensor([ 0.0000,  0.7854, -0.7854])"
        ),
    ),
    "acosh_": (
        "In-place ``acosh``: overwrites ``input`` with the result and returns it.",
        (
            ">>> ferrograd.acosh_(ferrograd.tensor([1.0, 2.0, 10.0]))\n"
            "tensor([0.0000, 1.3170, 2.9932])"
        ),
    ),
    "asinh_": (
        "In-place ``asinh``: overwrites ``input`` with the result and returns it.",
        (
            ">>> ferrograd.asinh_(ferrograd.tensor([0.0, 1.0, -2.0]))\n"
            "tensor([ 0.0000,  0.8814, -1.4436])"
        ),
    ),
    "atanh_": (
        "In-place ``atanh``: overwrites ``input`` with the result and returns it.",
        (
            ">>> ferrograd.atanh_(ferrograd.tensor([0.0, 0.5, -0.5]))\n"
            "tensor([ 0.0000,  0.5493, -0.5493])"
        ),
    ),
    "cosh_": (
        "In-place ``cosh``: overwrites ``input`` with the result and returns it.",
        (
            ">>> ferrograd.cosh_(ferrograd.tensor([0.0, 1.0, -2.0]))\n"
            "tensor([1.0000, 1.5431, 3.7622])"
        ),
    ),
    "sinh_": (
        "In-place ``sinh``: overwrites ``input`` with the result and returns it.",
        (
            ">>> ferrograd.sinh_(ferrograd.tensor([0.0, 1.0, -2.0]))\n"
            "tensor([ 0.0000,  1.1752, -3.6269])"
        ),
    ),
    "log2_": (
        "In-place ``log2``: overwrites ``input`` with the result and returns it.",
        (">>> ferrograd.log2_(ferrograd.tensor([1.0, 8.0, 0.5]))\ntensor([ 0.,  3., -1.])"),
    ),
    "log10_": (
        "In-place ``log10``: overwrites ``input`` with the result and returns it.",
        (">>> ferrograd.log10_(ferrograd.tensor([1.0, 100.0, 0.1]))\ntensor([ 0.,  2., -1.])"),
    ),
    "exp2_": (
        "In-place ``exp2``: overwrites ``input`` with the result and returns it.",
        (
            ">>> ferrograd.exp2_(ferrograd.tensor([0.0, 3.0, -1.0]))\n"
            "tensor([1.0000, 8.0000, 0.5000])"
        ),
    ),
    "sinc_": (
        "In-place ``sinc``: overwrites ``input`` with the result and returns it.",
        (
            ">>> ferrograd.sinc_(ferrograd.tensor([0.0, 0.5, 1.0]))\n"
            "tensor([ 1.0000e+00,  6.3662e-01, -2.7828e-08])"
        ),
    ),
    "erfc_": (
        "In-place ``erfc``: overwrites ``input`` with the result and returns it.",
        (
            ">>> ferrograd.erfc_(ferrograd.tensor([0.0, 1.0, -1.0]))\n"
            "tensor([1.0000, 0.1573, 1.8427])"
        ),
    ),
    "i0_": (
        "In-place ``i0``: overwrites ``input`` with the result and returns it.",
        (">>> ferrograd.i0_(ferrograd.tensor([0.0, 1.0, 2.0]))\ntensor([1.0000, 1.2661, 2.2796])"),
    ),
    "fix_": (
        "In-place ``fix``: overwrites ``input`` with the result and returns it.",
        (">>> ferrograd.fix_(ferrograd.tensor([1.7, -1.7]))\ntensor([ 1., -1.])"),
    ),
    "deg2rad_": (
        "In-place ``deg2rad``: overwrites ``input`` with the result and returns it.",
        (
            ">>> ferrograd.deg2rad_(ferrograd.tensor([0.0, 90.0, 180.0]))\n"
            "tensor([0.0000, 1.5708, 3.1416])"
        ),
    ),
    "rad2deg_": (
        "In-place ``rad2deg``: overwrites ``input`` with the result and returns it.",
        (
            ">>> ferrograd.rad2deg_(ferrograd.tensor([0.0, 1.5708, 3.1416]))\n"
            "tensor([  0.0000,  90.0002, 180.0004])"
        ),
    ),
    "logit_": (
        "In-place ``logit``: overwrites ``input`` with the result and returns it.",
        (
            ">>> ferrograd.logit_(ferrograd.tensor([0.5, 0.25, 0.9]))\n"
            "tensor([ 0.0000, -1.0986,  2.1972])"
        ),
    ),
    "arccos_": (
        "In-place ``arccos``: overwrites ``input`` with the result and returns it.",
        (
            ">>> ferrograd.arccos_(ferrograd.tensor([1.0, 0.5, -1.0]))\n"
            "tensor([0.0000, 1.0472, 3.1416])"
        ),
    ),
    "arcsin_": (
        "In-place ``arcsin``: overwrites ``input`` with the result and returns it.",
        (
            ">>> ferrograd.arcsin_(ferrograd.tensor([0.0, 0.5, 1.0]))\n"
            "tensor([0.0000, 0.5236, 1.5708])"
        ),
    ),
    "arctan_": (
        "In-place ``arctan``: overwrites ``input`` with the result and returns it.",
        (
            ">>> ferrograd.arctan_(ferrograd.tensor([0.0, 1.0, -1.0]))\n"
            "tensor([ 0.0000,  0.7854, -0.7854])"
        ),
    ),
    "arccosh_": (
        "In-place ``arccosh``: overwrites ``input`` with the result and returns it.",
        (
            ">>> ferrograd.arccosh_(ferrograd.tensor([1.0, 2.0, 10.0]))\n"
            "tensor([0.0000, 1.3170, 2.9932])"
        ),
    ),
    "arcsinh_": (
        "In-place ``arcsinh``: overwrites ``input`` with the result and returns it.",
        (
            ">>> ferrograd.arcsinh_(ferrograd.tensor([0.0, 1.0, -2.0]))\n"
            "tensor([ 0.0000,  0.8814, -1.4436])"
        ),
    ),
    "arctanh_": (
        "In-place ``arctanh``: overwrites ``input`` with the result and returns it.",
        (
            ">>> ferrograd.arctanh_(ferrograd.tensor([0.0, 0.5, -0.5]))\n"
            "tensor([ 0.0000,  0.5493, -0.5493])"
        ),
    ),
    "arctan2": (
        "Alias of ``atan2``.",
        (
            ">>> ferrograd.arctan2(ferrograd.tensor([1.0, -1.0]), ferrograd.tensor([1.0, "
            "-1.0]))\n"
            "tensor([ 0.7854, -2.3562])"
        ),
    ),
    "hypot": (
        "``sqrt(input**2 + other**2)`` for each pair of elements.",
        (
            ">>> ferrograd.hypot(ferrograd.tensor([3.0, 5.0]), ferrograd.tensor([4.0, 12.0]))\n"
            "tensor([ 5., 13.])"
        ),
    ),
    "copysign": (
        "The magnitude of ``input`` with the sign of ``other``.",
        (
            ">>> ferrograd.copysign(ferrograd.tensor([1.0, -2.0, 3.0]), "
            "ferrograd.tensor([-1.0, 1.0, -0.0]))\n"
            "tensor([-1.,  2., -3.])"
        ),
    ),
    "fmod": (
        "The C remainder of the division (the sign of the dividend), unlike ``remainder``.",
        (
            ">>> ferrograd.fmod(ferrograd.tensor([5.0, -5.0]), ferrograd.tensor([3.0, 3.0]))\n"
            "tensor([ 2., -2.])"
        ),
    ),
    "gcd": (
        "The greatest common divisor of each pair of integers (non-negative).",
        (
            ">>> ferrograd.gcd(ferrograd.tensor([12, 7, 0]), ferrograd.tensor([18, 5, 0]))\n"
            "tensor([6, 1, 0])"
        ),
    ),
    "lcm": (
        "The least common multiple of each pair of integers (non-negative).",
        (
            ">>> ferrograd.lcm(ferrograd.tensor([4, 3, 0]), ferrograd.tensor([6, 5, 2]))\n"
            "tensor([12, 15,  0])"
        ),
    ),
    "heaviside": (
        ("The Heaviside step: 0 for negative ``input``, 1 for positive, ``values`` where it is 0."),
        (
            ">>> ferrograd.heaviside(ferrograd.tensor([-1.0, 0.0, 2.0]), "
            "ferrograd.tensor([0.5, 0.5, 0.5]))\n"
            "tensor([0.0000, 0.5000, 1.0000])"
        ),
    ),
    "ldexp": (
        "``input * 2 ** other``.",
        (
            ">>> ferrograd.ldexp(ferrograd.tensor([1.0, 3.0]), ferrograd.tensor([2, -1]))\n"
            "tensor([4.0000, 1.5000])"
        ),
    ),
    "nextafter": (
        "The next floating-point value after ``input`` toward ``other``.",
        (
            ">>> ferrograd.nextafter(ferrograd.tensor([1.0, 1.0]), ferrograd.tensor([2.0, "
            "0.0]))\n"
            "tensor([1.0000, 1.0000])"
        ),
    ),
    "float_power": (
        "``input ** exponent`` computed in float64.",
        (
            ">>> ferrograd.float_power(ferrograd.tensor([2, 3]), ferrograd.tensor([2, 2]))\n"
            "tensor([4., 9.], dtype=ferrograd.float64)"
        ),
    ),
    "rsub": (
        "``other - alpha * input`` (``sub`` with the operands swapped).",
        (
            ">>> ferrograd.rsub(ferrograd.tensor([1.0, 2.0]), ferrograd.tensor([10.0, 10.0]))\n"
            "tensor([9., 8.])"
        ),
    ),
    "vdot": (
        "The dot product of two 1-D tensors (the first conjugated for complex inputs).",
        (
            ">>> ferrograd.vdot(ferrograd.tensor([1.0, 2.0]), ferrograd.tensor([3.0, 4.0]))\n"
            "tensor(11.)"
        ),
    ),
    "inner": (
        "The inner product over the last dimension of each (a dot product for 1-D tensors).",
        (
            ">>> ferrograd.inner(ferrograd.tensor([1.0, 2.0]), ferrograd.tensor([3.0, 4.0]))\n"
            "tensor(11.)"
        ),
    ),
    "is_same_size": (
        "Whether the two tensors have the same shape.",
        (">>> ferrograd.is_same_size(ferrograd.tensor([1, 2]), ferrograd.tensor([3, 4]))\nTrue"),
    ),
    "cholesky": (
        (
            "The lower Cholesky factor of a symmetric positive-definite matrix "
            "(``upper=True``: the upper one). PyTorch 2.15 removed ``torch.cholesky``; "
            "``linalg.cholesky`` replaces it."
        ),
        (
            ">>> A = ferrograd.tensor([[4.0, 1.0], [1.0, 3.0]])\n"
            ">>> ferrograd.cholesky(A)\n"
            "tensor([[2.0000, 0.0000],\n"
            "        [0.5000, 1.6583]])"
        ),
    ),
    "qr": (
        (
            "The QR factorization ``(Q, R)``. PyTorch 2.15 removed ``torch.qr``; "
            "``linalg.qr`` replaces it."
        ),
        (
            ">>> A = ferrograd.tensor([[4.0, 1.0], [1.0, 3.0]])\n"
            ">>> Q, R = ferrograd.qr(A)\n"
            ">>> ferrograd.allclose(Q @ R, A)\n"
            "True"
        ),
    ),
    "lu": (
        (
            "The packed LU factorization ``(LU, pivots)`` (deprecated in PyTorch for "
            "``linalg.lu_factor``)."
        ),
        (
            ">>> A = ferrograd.tensor([[4.0, 1.0], [1.0, 3.0]])\n"
            ">>> LU, pivots = ferrograd.lu(A)\n"
            ">>> pivots\n"
            "tensor([1, 2], dtype=ferrograd.int32)"
        ),
    ),
    "ShapeError": (
        (
            "Raised when tensors' shapes do not fit an operation; a ``RuntimeError``, as "
            "PyTorch raises."
        ),
        (
            ">>> try:\n"
            "...     ferrograd.zeros(2, 3) @ ferrograd.zeros(2, 3)\n"
            "... except ferrograd.ShapeError as error:\n"
            "...     print(isinstance(error, RuntimeError))\n"
            "True"
        ),
    ),
}

#: ``ferrograd.special``: as ``EXAMPLES``.
SPECIAL = {
    "airy_ai": (
        "The Airy function ``Ai(x)``.",
        (
            ">>> ferrograd.special.airy_ai(ferrograd.tensor([0.0, 1.0, -1.0]))\n"
            "tensor([0.3550, 0.1353, 0.5356])"
        ),
    ),
    "bessel_j0": (
        "The Bessel function of the first kind, order 0.",
        (
            ">>> ferrograd.special.bessel_j0(ferrograd.tensor([0.0, 1.0, 2.0]))\n"
            "tensor([1.0000, 0.7652, 0.2239])"
        ),
    ),
    "bessel_j1": (
        "The Bessel function of the first kind, order 1.",
        (
            ">>> ferrograd.special.bessel_j1(ferrograd.tensor([0.0, 1.0, 2.0]))\n"
            "tensor([0.0000, 0.4401, 0.5767])"
        ),
    ),
    "bessel_y0": (
        "The Bessel function of the second kind, order 0.",
        (
            ">>> ferrograd.special.bessel_y0(ferrograd.tensor([0.5, 1.0, 2.0]))\n"
            "tensor([-0.4445,  0.0883,  0.5104])"
        ),
    ),
    "bessel_y1": (
        "The Bessel function of the second kind, order 1.",
        (
            ">>> ferrograd.special.bessel_y1(ferrograd.tensor([0.5, 1.0, 2.0]))\n"
            "tensor([-1.4715, -0.7812, -0.1070])"
        ),
    ),
    "digamma": (
        "The digamma function ``psi(x)``, the logarithmic derivative of gamma.",
        (
            ">>> ferrograd.special.digamma(ferrograd.tensor([1.0, 2.0, 0.5]))\n"
            "tensor([-0.5772,  0.4228, -1.9635])"
        ),
    ),
    "psi": (
        "Alias of ``digamma``.",
        (">>> ferrograd.special.psi(ferrograd.tensor([1.0, 2.0]))\ntensor([-0.5772,  0.4228])"),
    ),
    "entr": (
        "The elementwise entropy ``-x * log(x)`` (0 at 0, -inf below).",
        (
            ">>> ferrograd.special.entr(ferrograd.tensor([0.0, 0.5, 1.0]))\n"
            "tensor([0.0000, 0.3466, -0.0000])"
        ),
    ),
    "erf": (
        "The error function.",
        (
            ">>> ferrograd.special.erf(ferrograd.tensor([0.0, 0.5, -1.0]))\n"
            "tensor([ 0.0000,  0.5205, -0.8427])"
        ),
    ),
    "erfc": (
        "The complementary error function ``1 - erf(x)``.",
        (
            ">>> ferrograd.special.erfc(ferrograd.tensor([0.0, 1.0, -1.0]))\n"
            "tensor([1.0000, 0.1573, 1.8427])"
        ),
    ),
    "erfcx": (
        "The scaled complementary error function ``exp(x**2) * erfc(x)``.",
        (
            ">>> ferrograd.special.erfcx(ferrograd.tensor([0.0, 1.0, 10.0]))\n"
            "tensor([1.0000, 0.4276, 0.0561])"
        ),
    ),
    "erfinv": (
        "The inverse error function.",
        (
            ">>> ferrograd.special.erfinv(ferrograd.tensor([0.0, 0.5, -0.5]))\n"
            "tensor([ 0.0000,  0.4769, -0.4769])"
        ),
    ),
    "exp2": (
        "``2 ** x``.",
        (
            ">>> ferrograd.special.exp2(ferrograd.tensor([0.0, 3.0, -1.0]))\n"
            "tensor([1.0000, 8.0000, 0.5000])"
        ),
    ),
    "expit": (
        "The logistic sigmoid ``1 / (1 + exp(-x))``.",
        (
            ">>> ferrograd.special.expit(ferrograd.tensor([0.0, 2.0, -2.0]))\n"
            "tensor([0.5000, 0.8808, 0.1192])"
        ),
    ),
    "expm1": (
        "``exp(x) - 1``, accurate for small ``x``.",
        (
            ">>> ferrograd.special.expm1(ferrograd.tensor([1e-10, 1.0]))\n"
            "tensor([1.0000e-10, 1.7183e+00])"
        ),
    ),
    "gammaln": (
        "The logarithm of the absolute value of the gamma function.",
        (
            ">>> ferrograd.special.gammaln(ferrograd.tensor([1.0, 3.0, 0.5]))\n"
            "tensor([0.0000, 0.6931, 0.5724])"
        ),
    ),
    "i0": (
        "The modified Bessel function of the first kind, order 0.",
        (
            ">>> ferrograd.special.i0(ferrograd.tensor([0.0, 1.0, 2.0]))\n"
            "tensor([1.0000, 1.2661, 2.2796])"
        ),
    ),
    "i0e": (
        "The exponentially scaled ``i0``: ``exp(-|x|) * i0(x)``.",
        (
            ">>> ferrograd.special.i0e(ferrograd.tensor([0.0, 1.0, 2.0]))\n"
            "tensor([1.0000, 0.4658, 0.3085])"
        ),
    ),
    "i1": (
        "The modified Bessel function of the first kind, order 1.",
        (
            ">>> ferrograd.special.i1(ferrograd.tensor([0.0, 1.0, 2.0]))\n"
            "tensor([0.0000, 0.5652, 1.5906])"
        ),
    ),
    "i1e": (
        "The exponentially scaled ``i1``: ``exp(-|x|) * i1(x)``.",
        (
            ">>> ferrograd.special.i1e(ferrograd.tensor([0.0, 1.0, 2.0]))\n"
            "tensor([0.0000, 0.2079, 0.2153])"
        ),
    ),
    "log1p": (
        "``log(1 + x)``, accurate for small ``x``.",
        (
            ">>> ferrograd.special.log1p(ferrograd.tensor([1e-10, 1.0]))\n"
            "tensor([1.0000e-10, 6.9315e-01])"
        ),
    ),
    "log_ndtr": (
        "The logarithm of the standard normal CDF, accurate far in the left tail.",
        (
            ">>> ferrograd.special.log_ndtr(ferrograd.tensor([0.0, -10.0, 3.0]))\n"
            "tensor([-6.9315e-01, -5.3231e+01, -1.3508e-03])"
        ),
    ),
    "logit": (
        "``log(p / (1 - p))``.",
        (
            ">>> ferrograd.special.logit(ferrograd.tensor([0.5, 0.25, 0.9]))\n"
            "tensor([ 0.0000, -1.0986,  2.1972])"
        ),
    ),
    "modified_bessel_i0": (
        "The modified Bessel function of the first kind, order 0.",
        (
            ">>> ferrograd.special.modified_bessel_i0(ferrograd.tensor([0.0, 1.0]))\n"
            "tensor([1.0000, 1.2661])"
        ),
    ),
    "modified_bessel_i1": (
        "The modified Bessel function of the first kind, order 1.",
        (
            ">>> ferrograd.special.modified_bessel_i1(ferrograd.tensor([0.0, 1.0]))\n"
            "tensor([0.0000, 0.5652])"
        ),
    ),
    "modified_bessel_k0": (
        "The modified Bessel function of the second kind, order 0.",
        (
            ">>> ferrograd.special.modified_bessel_k0(ferrograd.tensor([0.5, 1.0]))\n"
            "tensor([0.9244, 0.4210])"
        ),
    ),
    "modified_bessel_k1": (
        "The modified Bessel function of the second kind, order 1.",
        (
            ">>> ferrograd.special.modified_bessel_k1(ferrograd.tensor([0.5, 1.0]))\n"
            "tensor([1.6564, 0.6019])"
        ),
    ),
    "scaled_modified_bessel_k0": (
        "``exp(x) * modified_bessel_k0(x)``.",
        (
            ">>> ferrograd.special.scaled_modified_bessel_k0(ferrograd.tensor([0.5, 1.0]))\n"
            "tensor([1.5241, 1.1445])"
        ),
    ),
    "scaled_modified_bessel_k1": (
        "``exp(x) * modified_bessel_k1(x)``.",
        (
            ">>> ferrograd.special.scaled_modified_bessel_k1(ferrograd.tensor([0.5, 1.0]))\n"
            "tensor([2.7310, 1.6362])"
        ),
    ),
    "ndtr": (
        "The standard normal CDF.",
        (
            ">>> ferrograd.special.ndtr(ferrograd.tensor([0.0, 1.0, -1.0]))\n"
            "tensor([0.5000, 0.8413, 0.1587])"
        ),
    ),
    "ndtri": (
        "The inverse of the standard normal CDF.",
        (
            ">>> ferrograd.special.ndtri(ferrograd.tensor([0.5, 0.975, 0.025]))\n"
            "tensor([ 0.0000,  1.9600, -1.9600])"
        ),
    ),
    "round": (
        "Rounds to the nearest integer, halves to even.",
        (">>> ferrograd.special.round(ferrograd.tensor([0.5, 1.5, 2.7]))\ntensor([0., 2., 3.])"),
    ),
    "sinc": (
        "The normalized sinc ``sin(pi x) / (pi x)``.",
        (
            ">>> ferrograd.special.sinc(ferrograd.tensor([0.0, 0.5, 1.0]))\n"
            "tensor([ 1.0000e+00,  6.3662e-01, -2.7828e-08])"
        ),
    ),
    "spherical_bessel_j0": (
        "The spherical Bessel function of the first kind, order 0: ``sin(x) / x``.",
        (
            ">>> ferrograd.special.spherical_bessel_j0(ferrograd.tensor([0.0, 1.0, 2.0]))\n"
            "tensor([1.0000, 0.8415, 0.4546])"
        ),
    ),
    "gammainc": (
        "The regularized lower incomplete gamma function ``P(a, x)``.",
        (
            ">>> ferrograd.special.gammainc(ferrograd.tensor([1.0, 2.0]), "
            "ferrograd.tensor([1.0, 1.0]))\n"
            "tensor([0.6321, 0.2642])"
        ),
    ),
    "gammaincc": (
        "The regularized upper incomplete gamma function ``Q(a, x) = 1 - P(a, x)``.",
        (
            ">>> ferrograd.special.gammaincc(ferrograd.tensor([1.0, 2.0]), "
            "ferrograd.tensor([1.0, 1.0]))\n"
            "tensor([0.3679, 0.7358])"
        ),
    ),
    "multigammaln": (
        "The multivariate log-gamma function of dimension ``p``.",
        (
            ">>> ferrograd.special.multigammaln(ferrograd.tensor([2.0, 3.0]), 2)\n"
            "tensor([0.4516, 1.5502])"
        ),
    ),
    "polygamma": (
        "The ``n``-th derivative of the digamma function.",
        (
            ">>> ferrograd.special.polygamma(1, ferrograd.tensor([1.0, 2.0]))\n"
            "tensor([1.6449, 0.6449])"
        ),
    ),
    "xlog1py": (
        "``x * log1p(y)``, 0 where ``x`` is 0.",
        (
            ">>> ferrograd.special.xlog1py(ferrograd.tensor([0.0, 2.0]), "
            "ferrograd.tensor([-1.0, 1.0]))\n"
            "tensor([0.0000, 1.3863])"
        ),
    ),
    "xlogy": (
        "``x * log(y)``, 0 where ``x`` is 0.",
        (
            ">>> ferrograd.special.xlogy(ferrograd.tensor([0.0, 2.0]), "
            "ferrograd.tensor([0.0, 3.0]))\n"
            "tensor([0.0000, 2.1972])"
        ),
    ),
    "zeta": (
        "The Hurwitz zeta function ``sum_k (k + q) ** -x``.",
        (
            ">>> ferrograd.special.zeta(ferrograd.tensor([2.0, 4.0]), "
            "ferrograd.tensor([1.0, 1.0]))\n"
            "tensor([1.6449, 1.0823])"
        ),
    ),
    "log_softmax": (
        "``log(softmax(input, dim))``, computed stably.",
        (
            ">>> ferrograd.special.log_softmax(ferrograd.tensor([1.0, 2.0, 3.0]), dim=0)\n"
            "tensor([-2.4076, -1.4076, -0.4076])"
        ),
    ),
    "softmax": (
        "``exp(x) / exp(x).sum(dim)`` along ``dim``.",
        (
            ">>> ferrograd.special.softmax(ferrograd.tensor([1.0, 2.0, 3.0]), dim=0)\n"
            "tensor([0.0900, 0.2447, 0.6652])"
        ),
    ),
    "logsumexp": (
        "``log(sum(exp(x)))`` along ``dim``, computed without overflow.",
        (
            ">>> ferrograd.special.logsumexp(ferrograd.tensor([1000.0, 1000.0]), dim=0)\n"
            "tensor(1000.6932)"
        ),
    ),
    "chebyshev_polynomial_t": (
        "The Chebyshev polynomial of the first kind ``T_n(x)``. ``n`` may be a tensor too.",
        (
            ">>> ferrograd.special.chebyshev_polynomial_t(ferrograd.tensor([0.0, 0.5, "
            "1.0]), 3)\n"
            "tensor([-0., -1.,  1.])"
        ),
    ),
    "chebyshev_polynomial_u": (
        "The Chebyshev polynomial of the second kind ``U_n(x)``. ``n`` may be a tensor too.",
        (
            ">>> ferrograd.special.chebyshev_polynomial_u(ferrograd.tensor([0.0, 0.5, "
            "1.0]), 3)\n"
            "tensor([-0., -1.,  4.])"
        ),
    ),
    "chebyshev_polynomial_v": (
        "The Chebyshev polynomial of the third kind ``V_n(x)``. ``n`` may be a tensor too.",
        (
            ">>> ferrograd.special.chebyshev_polynomial_v(ferrograd.tensor([0.0, 0.5, "
            "1.0]), 3)\n"
            "tensor([ 1., -1.,  1.])"
        ),
    ),
    "chebyshev_polynomial_w": (
        "The Chebyshev polynomial of the fourth kind ``W_n(x)``. ``n`` may be a tensor too.",
        (
            ">>> ferrograd.special.chebyshev_polynomial_w(ferrograd.tensor([0.0, 0.5, "
            "1.0]), 3)\n"
            "tensor([-1., -1.,  7.])"
        ),
    ),
    "shifted_chebyshev_polynomial_t": (
        (
            "``T_n(2x - 1)``, the Chebyshev polynomial of the first kind on [0, 1]. ``n`` "
            "may be a tensor too."
        ),
        (
            ">>> ferrograd.special.shifted_chebyshev_polynomial_t(ferrograd.tensor([0.0, "
            "0.5, 1.0]), 3)\n"
            "tensor([-1., -0.,  1.])"
        ),
    ),
    "shifted_chebyshev_polynomial_u": (
        "``U_n(2x - 1)``. ``n`` may be a tensor too.",
        (
            ">>> ferrograd.special.shifted_chebyshev_polynomial_u(ferrograd.tensor([0.0, "
            "0.5, 1.0]), 3)\n"
            "tensor([-4., -0.,  4.])"
        ),
    ),
    "shifted_chebyshev_polynomial_v": (
        "``V_n(2x - 1)``. ``n`` may be a tensor too.",
        (
            ">>> ferrograd.special.shifted_chebyshev_polynomial_v(ferrograd.tensor([0.0, "
            "0.5, 1.0]), 3)\n"
            "tensor([-7.,  1.,  1.])"
        ),
    ),
    "shifted_chebyshev_polynomial_w": (
        "``W_n(2x - 1)``. ``n`` may be a tensor too.",
        (
            ">>> ferrograd.special.shifted_chebyshev_polynomial_w(ferrograd.tensor([0.0, "
            "0.5, 1.0]), 3)\n"
            "tensor([-1., -1.,  7.])"
        ),
    ),
    "hermite_polynomial_h": (
        "The physicists' Hermite polynomial ``H_n(x)``. ``n`` may be a tensor too.",
        (
            ">>> ferrograd.special.hermite_polynomial_h(ferrograd.tensor([0.0, 0.5, 1.0]), 3)\n"
            "tensor([-0., -5., -4.])"
        ),
    ),
    "hermite_polynomial_he": (
        "The probabilists' Hermite polynomial ``He_n(x)``. ``n`` may be a tensor too.",
        (
            ">>> ferrograd.special.hermite_polynomial_he(ferrograd.tensor([0.0, 0.5, "
            "1.0]), 3)\n"
            "tensor([-0.0000, -1.3750, -2.0000])"
        ),
    ),
    "laguerre_polynomial_l": (
        "The Laguerre polynomial ``L_n(x)``. ``n`` may be a tensor too.",
        (
            ">>> ferrograd.special.laguerre_polynomial_l(ferrograd.tensor([0.0, 0.5, "
            "1.0]), 3)\n"
            "tensor([ 1.0000, -0.1458, -0.6667])"
        ),
    ),
    "legendre_polynomial_p": (
        "The Legendre polynomial ``P_n(x)``. ``n`` may be a tensor too.",
        (
            ">>> ferrograd.special.legendre_polynomial_p(ferrograd.tensor([0.0, 0.5, "
            "1.0]), 3)\n"
            "tensor([-0.0000, -0.4375,  1.0000])"
        ),
    ),
}

#: ``ferrograd.linalg``: as ``EXAMPLES``.
LINALG = {
    "LinAlgError": (
        (
            "Raised when a linear-algebra routine fails on its input (a singular matrix, "
            "one that is not positive-definite). A subclass of ``RuntimeError``."
        ),
        (
            ">>> try:\n"
            "...     ferrograd.linalg.inv(ferrograd.zeros(2, 2))\n"
            "... except ferrograd.linalg.LinAlgError as error:\n"
            "...     print(isinstance(error, RuntimeError))\n"
            "True"
        ),
    ),
    "cholesky": (
        (
            "The lower-triangular ``L`` with ``A = L @ L.mT`` of a symmetric "
            "positive-definite ``A`` (``upper=True``: the upper one)."
        ),
        (
            ">>> A = ferrograd.tensor([[4.0, 1.0], [1.0, 3.0]])\n"
            ">>> ferrograd.linalg.cholesky(A)\n"
            "tensor([[2.0000, 0.0000],\n"
            "        [0.5000, 1.6583]])"
        ),
    ),
    "cholesky_ex": (
        (
            "``cholesky`` without raising: ``(L, info)``, ``info`` 0 where the "
            "factorization succeeded."
        ),
        (
            ">>> A = ferrograd.tensor([[4.0, 1.0], [1.0, 3.0]])\n"
            ">>> ferrograd.linalg.cholesky_ex(A).info\n"
            "tensor(0, dtype=ferrograd.int32)"
        ),
    ),
    "cond": (
        (
            "The condition number of ``A`` in the norm ``p`` (2 by default: the ratio of "
            "the extreme singular values)."
        ),
        (">>> ferrograd.linalg.cond(ferrograd.tensor([[2.0, 0.0], [0.0, 0.5]]))\ntensor(4.)"),
    ),
    "cross": (
        "The cross product of 3-vectors along ``dim``.",
        (
            ">>> ferrograd.linalg.cross(ferrograd.tensor([1.0, 0.0, 0.0]), "
            "ferrograd.tensor([0.0, 1.0, 0.0]))\n"
            "tensor([0., 0., 1.])"
        ),
    ),
    "det": (
        "The determinant of a square matrix (or of each in a batch).",
        (
            ">>> A = ferrograd.tensor([[4.0, 1.0], [1.0, 3.0]])\n"
            ">>> ferrograd.linalg.det(A)\n"
            "tensor(11.)"
        ),
    ),
    "diagonal": (
        "The diagonals of a batch of matrices (the last two dimensions by default).",
        (
            ">>> A = ferrograd.tensor([[4.0, 1.0], [1.0, 3.0]])\n"
            ">>> ferrograd.linalg.diagonal(A)\n"
            "tensor([4., 3.])"
        ),
    ),
    "eig": (
        "The eigenvalues and eigenvectors of a square matrix (complex in general).",
        (
            ">>> values, vectors = ferrograd.linalg.eig(ferrograd.tensor([[2.0, 0.0], "
            "[0.0, 3.0]]))\n"
            ">>> values.real\n"
            "tensor([2., 3.])"
        ),
    ),
    "eigh": (
        (
            "The eigenvalues (ascending) and orthonormal eigenvectors of a symmetric "
            "(Hermitian) matrix."
        ),
        (
            ">>> A = ferrograd.tensor([[2.0, 1.0], [1.0, 2.0]])\n"
            ">>> values, vectors = ferrograd.linalg.eigh(A)\n"
            ">>> values\n"
            "tensor([1., 3.])"
        ),
    ),
    "eigvals": (
        "The eigenvalues of a square matrix (complex in general).",
        (
            ">>> ferrograd.linalg.eigvals(ferrograd.tensor([[2.0, 0.0], [0.0, 3.0]])).real\n"
            "tensor([2., 3.])"
        ),
    ),
    "eigvalsh": (
        "The eigenvalues of a symmetric matrix, ascending.",
        (
            ">>> ferrograd.linalg.eigvalsh(ferrograd.tensor([[2.0, 1.0], [1.0, 2.0]]))\n"
            "tensor([1., 3.])"
        ),
    ),
    "householder_product": (
        (
            "The product of Householder reflectors given by their vectors and scales "
            "(``Q`` of a QR factorization)."
        ),
        (
            ">>> ferrograd.linalg.householder_product(ferrograd.tensor([[1.0], [0.5]]), "
            "ferrograd.tensor([0.8]))\n"
            "tensor([[ 0.2000],\n"
            "        [-0.4000]])"
        ),
    ),
    "inv": (
        (
            "The inverse of a square matrix (or of each in a batch); raises "
            "``LinAlgError`` if singular."
        ),
        (
            ">>> ferrograd.linalg.inv(ferrograd.tensor([[2.0, 0.0], [0.0, 4.0]]))\n"
            "tensor([[0.5000, 0.0000],\n"
            "        [0.0000, 0.2500]])"
        ),
    ),
    "inv_ex": (
        "``inv`` without raising: ``(inverse, info)``.",
        (
            ">>> ferrograd.linalg.inv_ex(ferrograd.tensor([[2.0, 0.0], [0.0, 4.0]])).info\n"
            "tensor(0, dtype=ferrograd.int32)"
        ),
    ),
    "lstsq": (
        "The least-squares solution of ``A X = B``: a named tuple with ``solution``.",
        (
            ">>> ferrograd.linalg.lstsq(ferrograd.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, "
            "1.0]]), ferrograd.tensor([[1.0], [2.0], [3.0]])).solution\n"
            "tensor([[1.0000],\n"
            "        [2.0000]])"
        ),
    ),
    "lu": (
        "The LU factorization with partial pivoting: ``P, L, U`` with ``A = P @ L @ U``.",
        (
            ">>> A = ferrograd.tensor([[4.0, 1.0], [1.0, 3.0]])\n"
            ">>> P, Lower, U = ferrograd.linalg.lu(A)\n"
            ">>> ferrograd.allclose(P @ Lower @ U, A)\n"
            "True"
        ),
    ),
    "lu_factor": (
        "The packed LU factorization ``(LU, pivots)``, for ``lu_solve``.",
        (
            ">>> A = ferrograd.tensor([[4.0, 1.0], [1.0, 3.0]])\n"
            ">>> LU, pivots = ferrograd.linalg.lu_factor(A)\n"
            ">>> pivots\n"
            "tensor([1, 2], dtype=ferrograd.int32)"
        ),
    ),
    "lu_factor_ex": (
        "``lu_factor`` without raising: ``(LU, pivots, info)``.",
        (
            ">>> A = ferrograd.tensor([[4.0, 1.0], [1.0, 3.0]])\n"
            ">>> ferrograd.linalg.lu_factor_ex(A).info\n"
            "tensor(0, dtype=ferrograd.int32)"
        ),
    ),
    "lu_solve": (
        "Solves ``A X = B`` from ``lu_factor``'s result.",
        (
            ">>> A = ferrograd.tensor([[4.0, 1.0], [1.0, 3.0]])\n"
            ">>> LU, pivots = ferrograd.linalg.lu_factor(A)\n"
            ">>> ferrograd.linalg.lu_solve(LU, pivots, ferrograd.tensor([[5.0], [4.0]]))\n"
            "tensor([[1.],\n"
            "        [1.]])"
        ),
    ),
    "matmul": (
        "Alias of ``ferrograd.matmul``.",
        (
            ">>> ferrograd.linalg.matmul(ferrograd.eye(2), ferrograd.tensor([[1.0], [2.0]]))\n"
            "tensor([[1.],\n"
            "        [2.]])"
        ),
    ),
    "matrix_exp": (
        "The matrix exponential ``sum_k A**k / k!``.",
        (
            ">>> ferrograd.linalg.matrix_exp(ferrograd.zeros(2, 2))\n"
            "tensor([[1., 0.],\n"
            "        [0., 1.]])"
        ),
    ),
    "matrix_norm": (
        (
            "A matrix norm: ``'fro'`` (default), ``'nuc'``, ``inf``, ``-inf``, 1, -1, 2 or "
            "-2, over the last two dimensions."
        ),
        (
            ">>> ferrograd.linalg.matrix_norm(ferrograd.tensor([[3.0, 0.0], [0.0, 4.0]]))\n"
            "tensor(5.)"
        ),
    ),
    "matrix_power": (
        "``A`` to the integer power ``n`` (the inverse's power for negative ``n``).",
        (
            ">>> ferrograd.linalg.matrix_power(ferrograd.tensor([[1.0, 1.0], [0.0, 1.0]]), 3)\n"
            "tensor([[1., 3.],\n"
            "        [0., 1.]])"
        ),
    ),
    "matrix_rank": (
        "The numerical rank: the number of singular values above the tolerance.",
        (">>> ferrograd.linalg.matrix_rank(ferrograd.tensor([[1.0, 2.0], [2.0, 4.0]]))\ntensor(1)"),
    ),
    "multi_dot": (
        "The product of a list of matrices, in the cheapest order.",
        (
            ">>> ferrograd.linalg.multi_dot([ferrograd.ones(2, 3), ferrograd.ones(3, 4), "
            "ferrograd.ones(4, 1)])\n"
            "tensor([[12.],\n"
            "        [12.]])"
        ),
    ),
    "norm": (
        (
            "A vector norm (``ord`` for 1-D input or with ``dim`` an int) or a matrix norm "
            "(2-D, or ``dim`` a pair)."
        ),
        (
            ">>> ferrograd.linalg.norm(ferrograd.tensor([3.0, 4.0])), "
            "ferrograd.linalg.norm(ferrograd.tensor([3.0, 4.0]), ord=1)\n"
            "(tensor(5.), tensor(7.))"
        ),
    ),
    "pinv": (
        "The Moore-Penrose pseudo-inverse.",
        (
            ">>> ferrograd.linalg.pinv(ferrograd.tensor([[1.0, 0.0], [0.0, 0.0]]))\n"
            "tensor([[1., 0.],\n"
            "        [0., 0.]])"
        ),
    ),
    "qr": (
        ("The QR factorization ``A = Q @ R`` (``mode`` ``'reduced'``, ``'complete'`` or ``'r'``)."),
        (
            ">>> A = ferrograd.tensor([[4.0, 1.0], [1.0, 3.0]])\n"
            ">>> Q, R = ferrograd.linalg.qr(A)\n"
            ">>> ferrograd.allclose(Q @ R, A)\n"
            "True"
        ),
    ),
    "slogdet": (
        "The sign and the log of the absolute value of the determinant.",
        (
            ">>> ferrograd.linalg.slogdet(ferrograd.tensor([[2.0, 0.0], [0.0, -3.0]]))\n"
            "ferrograd.return_types.linalg_slogdet(\n"
            "sign=tensor(-1.),\n"
            "logabsdet=tensor(1.7918))"
        ),
    ),
    "solve": (
        "The solution ``X`` of ``A X = B`` (``left=False``: ``X A = B``).",
        (
            ">>> A = ferrograd.tensor([[4.0, 1.0], [1.0, 3.0]])\n"
            ">>> ferrograd.linalg.solve(A, ferrograd.tensor([5.0, 4.0]))\n"
            "tensor([1., 1.])"
        ),
    ),
    "solve_ex": (
        "``solve`` without raising: ``(result, info)``.",
        (
            ">>> A = ferrograd.tensor([[4.0, 1.0], [1.0, 3.0]])\n"
            ">>> ferrograd.linalg.solve_ex(A, ferrograd.tensor([5.0, 4.0])).info\n"
            "tensor(0, dtype=ferrograd.int32)"
        ),
    ),
    "solve_triangular": (
        "Solves ``A X = B`` for triangular ``A`` (``upper`` says which triangle).",
        (
            ">>> ferrograd.linalg.solve_triangular(ferrograd.tensor([[2.0, 0.0], [1.0, "
            "1.0]]), ferrograd.tensor([[2.0], [3.0]]), upper=False)\n"
            "tensor([[1.],\n"
            "        [2.]])"
        ),
    ),
    "svd": (
        (
            "The singular value decomposition ``A = U @ diag(S) @ Vh`` (``full_matrices`` "
            "by default)."
        ),
        (
            ">>> U, S, Vh = ferrograd.linalg.svd(ferrograd.tensor([[3.0, 0.0], [0.0, -2.0]]))\n"
            ">>> S\n"
            "tensor([3., 2.])"
        ),
    ),
    "svdvals": (
        "The singular values, descending.",
        (
            ">>> ferrograd.linalg.svdvals(ferrograd.tensor([[3.0, 0.0], [0.0, -2.0]]))\n"
            "tensor([3., 2.])"
        ),
    ),
    "tensorinv": (
        "The inverse of a tensor seen as a matrix after its first ``ind`` dimensions.",
        (
            ">>> ferrograd.linalg.tensorinv(ferrograd.eye(4).reshape(4, 2, 2), ind=1).shape\n"
            "ferrograd.Size([2, 2, 4])"
        ),
    ),
    "tensorsolve": (
        "Solves ``tensordot(A, X, X.ndim) = B`` for ``X``.",
        (
            ">>> ferrograd.linalg.tensorsolve(ferrograd.eye(4).reshape(2, 2, 4), "
            "ferrograd.ones(2, 2)).shape\n"
            "ferrograd.Size([4])"
        ),
    ),
    "vander": (
        "The Vandermonde matrix with increasing powers ``x ** 0, ..., x ** (N - 1)``.",
        (
            ">>> ferrograd.linalg.vander(ferrograd.tensor([1.0, 2.0, 3.0]))\n"
            "tensor([[1., 1., 1.],\n"
            "        [1., 2., 4.],\n"
            "        [1., 3., 9.]])"
        ),
    ),
    "vecdot": (
        "The dot product of vectors along ``dim``.",
        (
            ">>> ferrograd.linalg.vecdot(ferrograd.tensor([1.0, 2.0]), "
            "ferrograd.tensor([3.0, 4.0]))\n"
            "tensor(11.)"
        ),
    ),
    "vector_norm": (
        "The vector ``ord``-norm over all elements or ``dim``.",
        (
            ">>> ferrograd.linalg.vector_norm(ferrograd.tensor([[3.0, 4.0]])), "
            "ferrograd.linalg.vector_norm(ferrograd.tensor([1.0, -2.0]), ord=float('inf'))\n"
            "(tensor(5.), tensor(2.))"
        ),
    ),
}

#: ``ferrograd.func``: as ``EXAMPLES``.
FUNC = {
    "grad": (
        (
            "The function computing the gradient of ``func`` (which returns a scalar) with "
            "respect to its ``argnums`` arguments."
        ),
        (
            ">>> ferrograd.func.grad(lambda x: (x ** 2).sum())(ferrograd.tensor([1.0, 2.0]))\n"
            "tensor([2., 4.])"
        ),
    ),
    "grad_and_value": (
        "Like ``grad``, but the function returns ``(gradient, value)``.",
        (
            ">>> ferrograd.func.grad_and_value(lambda x: (x ** "
            "2).sum())(ferrograd.tensor([1.0, 2.0]))\n"
            "(tensor([2., 4.]), tensor(5.))"
        ),
    ),
    "vjp": (
        (
            "Evaluates ``func(*primals)`` and returns it with a function that maps a "
            "cotangent to the vector-Jacobian products."
        ),
        (
            ">>> out, vjp_fn = ferrograd.func.vjp(ferrograd.sin, ferrograd.tensor([0.0]))\n"
            ">>> vjp_fn(ferrograd.tensor([1.0]))\n"
            "(tensor([1.]),)"
        ),
    ),
    "jvp": (
        (
            "Evaluates ``func(*primals)`` and its Jacobian-vector product with "
            "``tangents``: ``(output, jvp)``."
        ),
        (
            ">>> ferrograd.func.jvp(lambda x: x ** 2, (ferrograd.tensor([3.0]),), "
            "(ferrograd.tensor([1.0]),))\n"
            "(tensor([9.]), tensor([6.]))"
        ),
    ),
    "jacrev": (
        "The function computing the Jacobian of ``func`` by reverse mode.",
        (
            ">>> ferrograd.func.jacrev(lambda x: x ** 2)(ferrograd.tensor([1.0, 2.0]))\n"
            "tensor([[2., 0.],\n"
            "        [0., 4.]])"
        ),
    ),
    "jacfwd": (
        "The function computing the Jacobian of ``func`` by forward mode.",
        (
            ">>> ferrograd.func.jacfwd(lambda x: x ** 2)(ferrograd.tensor([1.0, 2.0]))\n"
            "tensor([[2., 0.],\n"
            "        [0., 4.]])"
        ),
    ),
    "hessian": (
        "The function computing the Hessian of a scalar ``func``.",
        (
            ">>> ferrograd.func.hessian(lambda x: (x ** 3).sum())(ferrograd.tensor([1.0, "
            "2.0])).tolist()\n"
            "[[6.0, 0.0], [0.0, 12.0]]"
        ),
    ),
    "vmap": (
        (
            "Vectorizes ``func`` over a dimension (``in_dims``) of its inputs: ``func`` is "
            "written for one example, the result is batched along ``out_dims``."
        ),
        (
            ">>> ferrograd.func.vmap(ferrograd.dot)(ferrograd.ones(3, 2), "
            "ferrograd.ones(3, 2))\n"
            "tensor([2., 2., 2.])"
        ),
    ),
    "functional_call": (
        (
            "Calls ``module`` with its parameters and buffers replaced by those in "
            "``parameter_and_buffer_dicts``."
        ),
        (
            ">>> m = ferrograd.nn.Linear(2, 1, bias=False)\n"
            ">>> ferrograd.func.functional_call(m, {'weight': ferrograd.ones(1, 2)}, "
            "(ferrograd.tensor([[1.0, 2.0]]),))\n"
            "tensor([[3.]])"
        ),
    ),
    "linearize": (
        (
            "Evaluates ``func`` at ``primals`` and returns the output with a function "
            "computing Jacobian-vector products there."
        ),
        (
            ">>> out, jvp_fn = ferrograd.func.linearize(lambda x: x ** 2, "
            "ferrograd.tensor([3.0]))\n"
            ">>> jvp_fn(ferrograd.tensor([1.0]))\n"
            "tensor([6.])"
        ),
    ),
    "stack_module_state": (
        (
            "Stacks the parameters and buffers of identical modules, for ``vmap`` over a "
            "model ensemble: ``(params, buffers)``."
        ),
        (
            ">>> models = [ferrograd.nn.Linear(2, 1) for _ in range(3)]\n"
            ">>> params, buffers = ferrograd.func.stack_module_state(models)\n"
            ">>> params['weight'].shape\n"
            "ferrograd.Size([3, 1, 2])"
        ),
    ),
    "debug_unwrap": (
        "The plain tensor inside a batched (``vmap``) tensor, for debugging.",
        (">>> ferrograd.func.debug_unwrap(ferrograd.tensor([1.0]))\ntensor([1.])"),
    ),
    "replace_all_batch_norm_modules_": (
        (
            "Makes every batch-norm module of ``root`` stop tracking running statistics "
            "(so it can run under ``vmap``); returns ``root``."
        ),
        (
            ">>> m = ferrograd.nn.Sequential(ferrograd.nn.BatchNorm1d(2))\n"
            ">>> ferrograd.func.replace_all_batch_norm_modules_(m)[0].running_mean is None\n"
            "True"
        ),
    ),
}

#: ``ferrograd.autograd``: as ``EXAMPLES``.
AUTOGRAD = {
    "FunctionCtx": (
        (
            "The ``ctx`` of a custom ``autograd.Function``: ``save_for_backward``, "
            "``saved_tensors``, ``needs_input_grad``, ``mark_dirty``, "
            "``mark_non_differentiable``, ``set_materialize_grads``."
        ),
        (
            ">>> class Square(ferrograd.autograd.Function):\n"
            "...     @staticmethod\n"
            "...     def forward(ctx, x):\n"
            "...         ctx.save_for_backward(x)\n"
            "...         return x * x\n"
            "...     @staticmethod\n"
            "...     def backward(ctx, grad):\n"
            "...         (x,) = ctx.saved_tensors\n"
            "...         return 2 * x * grad\n"
            ">>> x = ferrograd.tensor([3.0], requires_grad=True)\n"
            ">>> Square.apply(x).backward()\n"
            ">>> x.grad\n"
            "tensor([6.])"
        ),
    ),
    "Node": (
        (
            "A node of the autograd graph (a tensor's ``grad_fn``): ``name()``, "
            "``next_functions``, hooks."
        ),
        (
            ">>> y = ferrograd.ones(1, requires_grad=True) * 2\n"
            ">>> isinstance(y.grad_fn, ferrograd.autograd.graph.Node), y.grad_fn.name()\n"
            "(True, 'MulBackward0')"
        ),
    ),
    "Variable": (
        (
            "Deprecated: ``Variable(tensor)`` returns the tensor (with ``requires_grad`` "
            "if given), as in PyTorch."
        ),
        (
            ">>> v = ferrograd.autograd.Variable(ferrograd.ones(2), requires_grad=True)\n"
            ">>> v\n"
            "tensor([1., 1.], requires_grad=True)"
        ),
    ),
    "detect_anomaly": (
        (
            "A context manager that records where each operation was made and checks "
            "backward results for NaN, so that an error in backward names the forward "
            "operation."
        ),
        (
            ">>> with ferrograd.autograd.detect_anomaly():\n"
            "...     x = ferrograd.tensor([1.0], requires_grad=True)\n"
            "...     (x * 2).backward()\n"
            ">>> x.grad\n"
            "tensor([2.])"
        ),
    ),
    "set_detect_anomaly": (
        (
            "Turns anomaly detection on or off (``mode``) for this thread, and whether it checks "
            "backward for NaN (``check_nan``). Used as a context manager, it restores the "
            "previous settings on exit."
        ),
        (
            ">>> _ = ferrograd.autograd.set_detect_anomaly(True)\n"
            ">>> ferrograd.is_anomaly_enabled()\n"
            "True\n"
            ">>> _ = ferrograd.autograd.set_detect_anomaly(False)\n"
            ">>> with ferrograd.autograd.set_detect_anomaly(True, check_nan=False):\n"
            "...     print(ferrograd.is_anomaly_enabled(),\n"
            "...           ferrograd.is_anomaly_check_nan_enabled())\n"
            "True False\n"
            ">>> ferrograd.is_anomaly_enabled(), ferrograd.is_anomaly_check_nan_enabled()\n"
            "(False, True)"
        ),
    ),
    "gradgradcheck": (
        (
            "Checks the gradients of the gradients (second derivatives) of ``func`` "
            "against finite differences, in float64; raises ``GradcheckError`` (or returns "
            "False) when they differ."
        ),
        (
            ">>> x = ferrograd.tensor([0.5, 1.5], dtype=ferrograd.float64, "
            "requires_grad=True)\n"
            ">>> ferrograd.autograd.gradgradcheck(lambda t: (t ** 3).sum(), (x,))\n"
            "True"
        ),
    ),
    "inference_mode": (
        (
            "A context manager (and decorator) for inference: no graph is recorded and "
            "tensors made inside cannot be used by autograd later."
        ),
        (
            ">>> with ferrograd.autograd.inference_mode():\n"
            "...     y = ferrograd.ones(2, requires_grad=True) * 2\n"
            ">>> y.requires_grad\n"
            "False"
        ),
    ),
    "once_differentiable": (
        (
            "A decorator for a custom ``Function.backward`` that runs it without "
            "recording, so that differentiating it again raises."
        ),
        (
            ">>> class Double(ferrograd.autograd.Function):\n"
            "...     @staticmethod\n"
            "...     def forward(ctx, x):\n"
            "...         return x * 2\n"
            "...     @staticmethod\n"
            "...     @ferrograd.autograd.function.once_differentiable\n"
            "...     def backward(ctx, grad):\n"
            "...         return grad * 2\n"
            ">>> x = ferrograd.tensor([1.0], requires_grad=True)\n"
            ">>> Double.apply(x).backward()\n"
            ">>> x.grad\n"
            "tensor([2.])"
        ),
    ),
    "GradcheckError": (
        (
            "Raised by ``gradcheck`` and ``gradgradcheck`` when the analytical and "
            "numerical gradients differ (a ``RuntimeError``)."
        ),
        (">>> issubclass(ferrograd.autograd.GradcheckError, RuntimeError)\nTrue"),
    ),
    "is_anomaly_enabled": (
        "Whether anomaly detection is on.",
        (">>> ferrograd.autograd.is_anomaly_enabled()\nFalse"),
    ),
}

#: ``ferrograd.distributions``: as ``EXAMPLES``.
DISTRIBUTIONS = {
    "Normal": (
        ("The normal (Gaussian) distribution of mean ``loc`` and standard deviation ``scale``."),
        (
            ">>> d = ferrograd.distributions.Normal(0.0, 2.0)\n"
            ">>> d.log_prob(ferrograd.tensor(0.0)), d.mean, d.stddev\n"
            "(tensor(-1.6121), tensor(0.), tensor(2.))"
        ),
    ),
    "Bernoulli": (
        "1 with probability ``probs`` (or ``sigmoid(logits)``), else 0.",
        (
            ">>> d = ferrograd.distributions.Bernoulli(probs=ferrograd.tensor([0.3]))\n"
            ">>> d.log_prob(ferrograd.tensor([1.0])), d.mean\n"
            "(tensor([-1.2040]), tensor([0.3000]))"
        ),
    ),
    "Beta": (
        (
            "The Beta distribution on (0, 1) with concentrations ``concentration1`` "
            "(alpha) and ``concentration0`` (beta)."
        ),
        (
            ">>> d = ferrograd.distributions.Beta(ferrograd.tensor(2.0), "
            "ferrograd.tensor(2.0))\n"
            ">>> d.mean, d.log_prob(ferrograd.tensor(0.5))\n"
            "(tensor(0.5000), tensor(0.4055))"
        ),
    ),
    "Binomial": (
        ("The number of successes in ``total_count`` Bernoulli trials of probability ``probs``."),
        (
            ">>> d = ferrograd.distributions.Binomial(10, probs=ferrograd.tensor(0.5))\n"
            ">>> d.mean, d.log_prob(ferrograd.tensor(5.0))\n"
            "(tensor(5.), tensor(-1.4020))"
        ),
    ),
    "Categorical": (
        (
            "A class index drawn with probabilities ``probs`` (normalized) or "
            "``softmax(logits)`` over the last dimension."
        ),
        (
            ">>> d = ferrograd.distributions.Categorical(probs=ferrograd.tensor([0.1, 0.2, "
            "0.7]))\n"
            ">>> d.log_prob(ferrograd.tensor(2)), d.entropy()\n"
            "(tensor(-0.3567), tensor(0.8018))"
        ),
    ),
    "Cauchy": (
        "The Cauchy distribution with median ``loc`` and half width ``scale``.",
        (
            ">>> d = ferrograd.distributions.Cauchy(0.0, 1.0)\n"
            ">>> d.log_prob(ferrograd.tensor(0.0)), d.cdf(ferrograd.tensor(1.0))\n"
            "(tensor(-1.1447), tensor(0.7500))"
        ),
    ),
    "Chi2": (
        "The chi-squared distribution with ``df`` degrees of freedom.",
        (
            ">>> d = ferrograd.distributions.Chi2(ferrograd.tensor(4.0))\n"
            ">>> d.mean, d.variance\n"
            "(tensor(4.), tensor(8.))"
        ),
    ),
    "Dirichlet": (
        "The Dirichlet distribution over probability vectors, with ``concentration``.",
        (
            ">>> d = ferrograd.distributions.Dirichlet(ferrograd.tensor([1.0, 1.0, 2.0]))\n"
            ">>> d.mean\n"
            "tensor([0.2500, 0.2500, 0.5000])"
        ),
    ),
    "Exponential": (
        "The exponential distribution of ``rate``.",
        (
            ">>> d = ferrograd.distributions.Exponential(ferrograd.tensor(2.0))\n"
            ">>> d.mean, d.log_prob(ferrograd.tensor(0.0))\n"
            "(tensor(0.5000), tensor(0.6931))"
        ),
    ),
    "Gamma": (
        "The gamma distribution with shape ``concentration`` and ``rate``.",
        (
            ">>> d = ferrograd.distributions.Gamma(ferrograd.tensor(2.0), "
            "ferrograd.tensor(4.0))\n"
            ">>> d.mean, d.variance\n"
            "(tensor(0.5000), tensor(0.1250))"
        ),
    ),
    "Geometric": (
        ("The number of failures before the first success in trials of probability ``probs``."),
        (
            ">>> d = ferrograd.distributions.Geometric(ferrograd.tensor(0.25))\n"
            ">>> d.mean, d.log_prob(ferrograd.tensor(0.0))\n"
            "(tensor(3.), tensor(-1.3863))"
        ),
    ),
    "Gumbel": (
        ("The Gumbel (type-I extreme value) distribution with location ``loc`` and ``scale``."),
        (
            ">>> d = ferrograd.distributions.Gumbel(ferrograd.tensor(0.0), "
            "ferrograd.tensor(1.0))\n"
            ">>> d.log_prob(ferrograd.tensor(0.0))\n"
            "tensor(-1.)"
        ),
    ),
    "HalfCauchy": (
        "The absolute value of a centred Cauchy variable of ``scale``.",
        (
            ">>> d = ferrograd.distributions.HalfCauchy(ferrograd.tensor(1.0))\n"
            ">>> d.log_prob(ferrograd.tensor(0.0))\n"
            "tensor(-0.4516)"
        ),
    ),
    "HalfNormal": (
        "The absolute value of a centred normal variable of ``scale``.",
        (
            ">>> d = ferrograd.distributions.HalfNormal(ferrograd.tensor(1.0))\n"
            ">>> d.mean\n"
            "tensor(0.7979)"
        ),
    ),
    "Laplace": (
        "The Laplace (double exponential) distribution with location ``loc`` and ``scale``.",
        (
            ">>> d = ferrograd.distributions.Laplace(ferrograd.tensor(0.0), "
            "ferrograd.tensor(1.0))\n"
            ">>> d.log_prob(ferrograd.tensor(0.0)), d.variance\n"
            "(tensor(-0.6931), tensor(2.))"
        ),
    ),
    "LogNormal": (
        "``exp(X)`` for ``X`` normal with ``loc`` and ``scale``.",
        (
            ">>> d = ferrograd.distributions.LogNormal(ferrograd.tensor(0.0), "
            "ferrograd.tensor(1.0))\n"
            ">>> d.log_prob(ferrograd.tensor(1.0))\n"
            "tensor(-0.9189)"
        ),
    ),
    "Multinomial": (
        "The counts of ``total_count`` draws among the categories of ``probs``.",
        (
            ">>> d = ferrograd.distributions.Multinomial(4, probs=ferrograd.tensor([0.5, "
            "0.5]))\n"
            ">>> d.log_prob(ferrograd.tensor([2.0, 2.0]))\n"
            "tensor(-0.9808)"
        ),
    ),
    "MultivariateNormal": (
        (
            "The multivariate normal distribution with mean ``loc`` and a covariance given "
            "as ``covariance_matrix``, ``precision_matrix`` or ``scale_tril``."
        ),
        (
            ">>> d = ferrograd.distributions.MultivariateNormal(ferrograd.tensor([0.0, "
            "0.0]), covariance_matrix=ferrograd.eye(2))\n"
            ">>> d.log_prob(ferrograd.tensor([0.0, 0.0]))\n"
            "tensor(-1.8379)"
        ),
    ),
    "OneHotCategorical": (
        "``Categorical`` with its samples one-hot encoded.",
        (
            ">>> d = "
            "ferrograd.distributions.OneHotCategorical(probs=ferrograd.tensor([0.0, 1.0, "
            "0.0]))\n"
            ">>> d.sample()\n"
            "tensor([0., 1., 0.])"
        ),
    ),
    "OneHotCategoricalStraightThrough": (
        (
            "``OneHotCategorical`` whose ``rsample`` passes gradients to ``probs`` by the "
            "straight-through estimator."
        ),
        (
            ">>> d = "
            "ferrograd.distributions.OneHotCategoricalStraightThrough(probs=ferrograd.tensor"
            "([0.0, 1.0]))\n"
            ">>> d.rsample()\n"
            "tensor([0., 1.])"
        ),
    ),
    "Poisson": (
        "The Poisson distribution of ``rate``.",
        (
            ">>> d = ferrograd.distributions.Poisson(ferrograd.tensor(2.0))\n"
            ">>> d.log_prob(ferrograd.tensor(2.0))\n"
            "tensor(-1.3069)"
        ),
    ),
    "StudentT": (
        "Student's t distribution with ``df`` degrees of freedom, ``loc`` and ``scale``.",
        (
            ">>> d = ferrograd.distributions.StudentT(ferrograd.tensor(3.0))\n"
            ">>> d.log_prob(ferrograd.tensor(0.0))\n"
            "tensor(-1.0009)"
        ),
    ),
    "Uniform": (
        "The uniform distribution on ``[low, high)``.",
        (
            ">>> d = ferrograd.distributions.Uniform(ferrograd.tensor(0.0), "
            "ferrograd.tensor(4.0))\n"
            ">>> d.mean, d.log_prob(ferrograd.tensor(1.0))\n"
            "(tensor(2.), tensor(-1.3863))"
        ),
    ),
    "Independent": (
        (
            "Reinterprets ``reinterpreted_batch_ndims`` batch dimensions of "
            "``base_distribution`` as event dimensions (their log-probabilities are summed)."
        ),
        (
            ">>> base = ferrograd.distributions.Normal(ferrograd.zeros(3), ferrograd.ones(3))\n"
            ">>> d = ferrograd.distributions.Independent(base, 1)\n"
            ">>> d.batch_shape, d.event_shape\n"
            "(ferrograd.Size([]), ferrograd.Size([3]))"
        ),
    ),
    "MixtureSameFamily": (
        (
            "A mixture whose components, of one family, are weighted by the "
            "``Categorical`` ``mixture_distribution``."
        ),
        (
            ">>> mix = ferrograd.distributions.Categorical(probs=ferrograd.tensor([0.5, "
            "0.5]))\n"
            ">>> components = ferrograd.distributions.Normal(ferrograd.tensor([-1.0, "
            "1.0]), ferrograd.tensor([1.0, 1.0]))\n"
            ">>> ferrograd.distributions.MixtureSameFamily(mix, components).mean\n"
            "tensor(0.)"
        ),
    ),
    "TransformedDistribution": (
        (
            "``base_distribution`` pushed through ``transforms`` (the log-probability "
            "corrected by their Jacobians)."
        ),
        (
            ">>> d = "
            "ferrograd.distributions.TransformedDistribution(ferrograd.distributions.Normal("
            "0.0, 1.0), [ferrograd.distributions.ExpTransform()])\n"
            ">>> d.log_prob(ferrograd.tensor(1.0))\n"
            "tensor(-0.9189)"
        ),
    ),
    "Distribution": (
        (
            "The base class of distributions: ``sample``, ``rsample``, ``log_prob``, "
            "``mean``, ``variance``, ``entropy``, ``cdf``, with ``batch_shape`` and "
            "``event_shape``."
        ),
        (
            ">>> isinstance(ferrograd.distributions.Normal(0.0, 1.0), "
            "ferrograd.distributions.Distribution)\n"
            "True"
        ),
    ),
    "ExponentialFamily": (
        (
            "The base class of exponential-family distributions (entropy from the natural "
            "parameters)."
        ),
        (
            ">>> isinstance(ferrograd.distributions.Normal(0.0, 1.0), "
            "ferrograd.distributions.ExponentialFamily)\n"
            "True"
        ),
    ),
    "Transform": (
        (
            "The base class of invertible transforms: ``t(x)``, ``t.inv(y)``, "
            "``log_abs_det_jacobian(x, y)``."
        ),
        (
            ">>> t = ferrograd.distributions.ExpTransform()\n"
            ">>> t(ferrograd.tensor(0.0)), t.inv(ferrograd.tensor(1.0))\n"
            "(tensor(1.), tensor(0.))"
        ),
    ),
    "AbsTransform": (
        "``y = |x|``.",
        (
            ">>> ferrograd.distributions.AbsTransform()(ferrograd.tensor([-2.0, 3.0]))\n"
            "tensor([2., 3.])"
        ),
    ),
    "AffineTransform": (
        "``y = loc + scale * x``.",
        (
            ">>> t = ferrograd.distributions.AffineTransform(1.0, 2.0)\n"
            ">>> t(ferrograd.tensor([0.0, 1.0])), t.inv(ferrograd.tensor(3.0))\n"
            "(tensor([1., 3.]), tensor(1.))"
        ),
    ),
    "ComposeTransform": (
        "Applies ``parts`` one after the other.",
        (
            ">>> t = "
            "ferrograd.distributions.ComposeTransform([ferrograd.distributions.AffineTransfo"
            "rm(0.0, 2.0), ferrograd.distributions.ExpTransform()])\n"
            ">>> t(ferrograd.tensor(0.0))\n"
            "tensor(1.)"
        ),
    ),
    "ExpTransform": (
        "``y = exp(x)``.",
        (
            ">>> ferrograd.distributions.ExpTransform()(ferrograd.tensor([0.0, 1.0]))\n"
            "tensor([1.0000, 2.7183])"
        ),
    ),
    "IndependentTransform": (
        (
            "Wraps ``base_transform`` so that ``reinterpreted_batch_ndims`` dimensions "
            "count as one event (the Jacobian terms summed)."
        ),
        (
            ">>> t = "
            "ferrograd.distributions.IndependentTransform(ferrograd.distributions.ExpTransfo"
            "rm(), 1)\n"
            ">>> t.log_abs_det_jacobian(ferrograd.tensor([0.0, 1.0]), "
            "t(ferrograd.tensor([0.0, 1.0])))\n"
            "tensor(1.)"
        ),
    ),
    "PowerTransform": (
        "``y = x ** exponent``.",
        (
            ">>> "
            "ferrograd.distributions.PowerTransform(ferrograd.tensor(2.0))(ferrograd.tensor("
            "[3.0]))\n"
            "tensor([9.])"
        ),
    ),
    "SigmoidTransform": (
        "``y = sigmoid(x)``.",
        (
            ">>> ferrograd.distributions.SigmoidTransform()(ferrograd.tensor([0.0]))\n"
            "tensor([0.5000])"
        ),
    ),
    "SoftmaxTransform": (
        "``y = softmax(x)`` over the last dimension (not bijective).",
        (
            ">>> ferrograd.distributions.SoftmaxTransform()(ferrograd.tensor([0.0, 0.0]))\n"
            "tensor([0.5000, 0.5000])"
        ),
    ),
    "SoftplusTransform": (
        "``y = log(1 + exp(x))``.",
        (
            ">>> ferrograd.distributions.SoftplusTransform()(ferrograd.tensor([0.0]))\n"
            "tensor([0.6931])"
        ),
    ),
    "StickBreakingTransform": (
        (
            "Maps unconstrained vectors of size ``K - 1`` to probability vectors of size "
            "``K`` by stick breaking."
        ),
        (
            ">>> ferrograd.distributions.StickBreakingTransform()(ferrograd.tensor([0.0, "
            "0.0]))\n"
            "tensor([0.3333, 0.3333, 0.3333])"
        ),
    ),
    "TanhTransform": (
        "``y = tanh(x)``.",
        (
            ">>> ferrograd.distributions.TanhTransform()(ferrograd.tensor([0.0, 1.0]))\n"
            "tensor([0.0000, 0.7616])"
        ),
    ),
    "kl_divergence": (
        (
            "The Kullback-Leibler divergence ``KL(p || q)`` of two distributions, by the "
            "rule registered for their types."
        ),
        (
            ">>> p = ferrograd.distributions.Normal(0.0, 1.0)\n"
            ">>> q = ferrograd.distributions.Normal(1.0, 1.0)\n"
            ">>> ferrograd.distributions.kl_divergence(p, q)\n"
            "tensor(0.5000)"
        ),
    ),
    "register_kl": (
        (
            "A decorator registering a function as the KL divergence of a pair of "
            "distribution types; ``kl_divergence`` picks the most specific registered pair."
        ),
        (
            ">>> class Coin(ferrograd.distributions.Bernoulli):\n"
            "...     pass\n"
            ">>> def kl_coin(p, q):\n"
            "...     return (p.probs - q.probs).abs()\n"
            ">>> ferrograd.distributions.kl_divergence(Coin(ferrograd.tensor(0.2)), "
            "Coin(ferrograd.tensor(0.5)))\n"
            "tensor(0.1927)"
        ),
    ),
    "ContinuousBernoulli": (
        ("The continuous Bernoulli distribution on [0, 1] of parameter ``probs`` (or ``logits``)."),
        (
            ">>> d = ferrograd.distributions.ContinuousBernoulli(ferrograd.tensor(0.3))\n"
            ">>> d.mean, d.log_prob(ferrograd.tensor(0.5))\n"
            "(tensor(0.4302), tensor(-0.0297))"
        ),
    ),
    "FisherSnedecor": (
        ("The Fisher-Snedecor (F) distribution with ``df1`` and ``df2`` degrees of freedom."),
        (
            ">>> d = ferrograd.distributions.FisherSnedecor(ferrograd.tensor(4.0), "
            "ferrograd.tensor(6.0))\n"
            ">>> d.mean, d.log_prob(ferrograd.tensor(1.0))\n"
            "(tensor(1.5000), tensor(-0.8802))"
        ),
    ),
    "GeneralizedPareto": (
        (
            "The generalized Pareto distribution of location ``loc``, "
            "``scale`` and shape ``concentration``."
        ),
        (
            ">>> d = ferrograd.distributions.GeneralizedPareto(ferrograd.tensor(0.0), "
            "ferrograd.tensor(1.0), ferrograd.tensor(0.5))\n"
            ">>> d.mean, d.cdf(ferrograd.tensor(1.0))\n"
            "(tensor(2.), tensor(0.5556))"
        ),
    ),
    "InverseGamma": (
        (
            "The distribution of ``1 / X`` for ``X`` gamma-distributed with ``concentration`` "
            "and ``rate``."
        ),
        (
            ">>> d = ferrograd.distributions.InverseGamma(ferrograd.tensor(3.0), "
            "ferrograd.tensor(2.0))\n"
            ">>> d.mean, d.log_prob(ferrograd.tensor(1.0))\n"
            "(tensor(1.), tensor(-0.6137))"
        ),
    ),
    "Kumaraswamy": (
        (
            "The Kumaraswamy distribution on (0, "
            "1) with shapes ``concentration1`` and ``concentration0``."
        ),
        (
            ">>> d = ferrograd.distributions.Kumaraswamy(ferrograd.tensor(2.0), "
            "ferrograd.tensor(3.0))\n"
            ">>> d.log_prob(ferrograd.tensor(0.5))\n"
            "tensor(0.5232)"
        ),
    ),
    "LKJCholesky": (
        ("The LKJ distribution over Cholesky factors of ``dim`` x ``dim`` correlation matrices."),
        (
            ">>> _ = ferrograd.manual_seed(0)\n"
            ">>> d = ferrograd.distributions.LKJCholesky(3, ferrograd.tensor(2.0))\n"
            ">>> s = d.sample()\n"
            ">>> s.shape, ferrograd.allclose((s @ s.T).diagonal(), ferrograd.ones(3))\n"
            "(ferrograd.Size([3, 3]), True)"
        ),
    ),
    "LogisticNormal": (
        (
            "The distribution of ``softmax`` of a normal vector with one extra zero logit (the "
            "simplex's stick)."
        ),
        (
            ">>> d = ferrograd.distributions.LogisticNormal(ferrograd.zeros(2), "
            "ferrograd.ones(2))\n"
            ">>> d.log_prob(ferrograd.tensor([0.2, 0.3, 0.5]))\n"
            "tensor(1.2980)"
        ),
    ),
    "LowRankMultivariateNormal": (
        (
            "A multivariate normal whose covariance is ``cov_factor @ cov_factor.T + "
            "diag(cov_diag)``."
        ),
        (
            ">>> d = ferrograd.distributions.LowRankMultivariateNormal(ferrograd.zeros(2), "
            "ferrograd.tensor([[1.0], [0.5]]), ferrograd.ones(2))\n"
            ">>> d.covariance_matrix, d.log_prob(ferrograd.zeros(2))\n"
            "(tensor([[2.0000, 0.5000],\n"
            "        [0.5000, 1.2500]]), tensor(-2.2433))"
        ),
    ),
    "NegativeBinomial": (
        (
            "The number of successes before ``total_count`` failures in trials of success "
            "probability ``probs``."
        ),
        (
            ">>> d = ferrograd.distributions.NegativeBinomial(ferrograd.tensor(3.0), "
            "ferrograd.tensor(0.4))\n"
            ">>> d.mean, d.log_prob(ferrograd.tensor(2.0))\n"
            "(tensor(2.), tensor(-1.5733))"
        ),
    ),
    "Pareto": (
        ("The Pareto (type I) distribution of ``scale`` (the minimum) and tail index ``alpha``."),
        (
            ">>> d = ferrograd.distributions.Pareto(ferrograd.tensor(1.0), "
            "ferrograd.tensor(3.0))\n"
            ">>> d.mean, d.log_prob(ferrograd.tensor(2.0))\n"
            "(tensor(1.5000), tensor(-1.6740))"
        ),
    ),
    "RelaxedBernoulli": (
        (
            "The Concrete relaxation of a Bernoulli at ``temperature``: reparameterised samples "
            "in (0, 1)."
        ),
        (
            ">>> d = ferrograd.distributions.RelaxedBernoulli(ferrograd.tensor(0.5), "
            "probs=ferrograd.tensor(0.3))\n"
            ">>> d.log_prob(ferrograd.tensor(0.25))\n"
            "tensor(-0.4276)"
        ),
    ),
    "RelaxedOneHotCategorical": (
        (
            "The Gumbel-softmax relaxation of a one-hot categorical at ``temperature``: "
            "reparameterised points of the simplex."
        ),
        (
            ">>> d = ferrograd.distributions.RelaxedOneHotCategorical(ferrograd.tensor(0.5), "
            "probs=ferrograd.tensor([0.2, 0.3, 0.5]))\n"
            ">>> d.log_prob(ferrograd.tensor([0.1, 0.2, 0.7]))\n"
            "tensor(0.2764)"
        ),
    ),
    "VonMises": (
        (
            "The von Mises distribution on the circle with mean direction ``loc`` and "
            "``concentration``."
        ),
        (
            ">>> d = ferrograd.distributions.VonMises(ferrograd.tensor(0.0), "
            "ferrograd.tensor(2.0))\n"
            ">>> d.log_prob(ferrograd.tensor(0.0))\n"
            "tensor(-0.6619)"
        ),
    ),
    "Weibull": (
        ("The Weibull distribution of ``scale`` and shape ``concentration``."),
        (
            ">>> d = ferrograd.distributions.Weibull(ferrograd.tensor(1.0), "
            "ferrograd.tensor(2.0))\n"
            ">>> d.mean, d.log_prob(ferrograd.tensor(1.0))\n"
            "(tensor(0.8862), tensor(-0.3069))"
        ),
    ),
    "Wishart": (
        (
            "The Wishart distribution over positive-definite matrices with ``df`` degrees of "
            "freedom and a scale matrix."
        ),
        (
            ">>> d = ferrograd.distributions.Wishart(ferrograd.tensor(4.0), "
            "covariance_matrix=ferrograd.eye(2))\n"
            ">>> d.mean, d.log_prob(ferrograd.eye(2))\n"
            "(tensor([[4., 0.],\n"
            "        [0., 4.]]), tensor(-4.2242))"
        ),
    ),
    "CatTransform": (
        (
            "Applies a list of transforms to consecutive slices of ``dim``, "
            "each of the given ``lengths``."
        ),
        (
            ">>> t = "
            "ferrograd.distributions.CatTransform([ferrograd.distributions.ExpTransform(), "
            "ferrograd.distributions.AffineTransform(0.0, 2.0)], dim=0, lengths=[1, 1])\n"
            ">>> t(ferrograd.tensor([0.0, 3.0]))\n"
            "tensor([1., 6.])"
        ),
    ),
    "CorrCholeskyTransform": (
        (
            "Maps a vector of ``D(D-1)/2`` reals to the Cholesky factor of a D x D correlation "
            "matrix."
        ),
        (
            ">>> t = ferrograd.distributions.CorrCholeskyTransform()\n"
            ">>> t(ferrograd.zeros(3))\n"
            "tensor([[1., 0., 0.],\n"
            "        [0., 1., 0.],\n"
            "        [0., 0., 1.]])"
        ),
    ),
    "CumulativeDistributionTransform": (
        ("Maps a value through a distribution's ``cdf`` (to the unit interval)."),
        (
            ">>> t = "
            "ferrograd.distributions.CumulativeDistributionTransform(ferrograd.distributions.Norm"
            "al(0.0, 1.0))\n"
            ">>> t(ferrograd.tensor([0.0, 1.0]))\n"
            "tensor([0.5000, 0.8413])"
        ),
    ),
    "LowerCholeskyTransform": (
        (
            "Makes a lower-triangular matrix with a positive diagonal from any square matrix "
            "(the strict upper part is dropped, the diagonal exponentiated)."
        ),
        (
            ">>> t = ferrograd.distributions.LowerCholeskyTransform()\n"
            ">>> t(ferrograd.tensor([[0.0, 5.0], [2.0, 0.0]]))\n"
            "tensor([[1., 0.],\n"
            "        [2., 1.]])"
        ),
    ),
    "PositiveDefiniteTransform": (
        (
            "Makes a positive-definite matrix ``L @ L.T`` from any square matrix, "
            "through ``LowerCholeskyTransform``."
        ),
        (
            ">>> t = ferrograd.distributions.PositiveDefiniteTransform()\n"
            ">>> t(ferrograd.tensor([[0.0, 5.0], [2.0, 0.0]]))\n"
            "tensor([[1., 2.],\n"
            "        [2., 5.]])"
        ),
    ),
    "ReshapeTransform": (
        (
            "Reshapes the event from ``in_shape`` to ``out_shape`` (a bijection with zero "
            "log-determinant)."
        ),
        (
            ">>> t = ferrograd.distributions.ReshapeTransform((2, 2), (4,))\n"
            ">>> t(ferrograd.arange(4.0).reshape(2, 2))\n"
            "tensor([0., 1., 2., 3.])"
        ),
    ),
    "StackTransform": (
        ("Applies a list of transforms to the slices of ``dim``, one transform a slice."),
        (
            ">>> t = "
            "ferrograd.distributions.StackTransform([ferrograd.distributions.ExpTransform(), "
            "ferrograd.distributions.AffineTransform(1.0, 2.0)], dim=0)\n"
            ">>> t(ferrograd.tensor([0.0, 3.0]))\n"
            "tensor([1., 7.])"
        ),
    ),
}

#: What the distributions' and transforms' constructor arguments mean.
DISTRIBUTION_ARGS = {
    "loc": "the location (the mean, or the median).",
    "scale": "the scale (the standard deviation for ``Normal``).",
    "probs": "the probabilities of the events (or success probabilities).",
    "logits": "the log-odds (or unnormalized log-probabilities), instead of ``probs``.",
    "validate_args": "check the parameters' and samples' constraints.",
    "total_count": "the number of trials.",
    "concentration": "the concentration (shape) parameter.",
    "concentration1": "the first concentration (alpha).",
    "concentration0": "the second concentration (beta).",
    "rate": "the rate (inverse scale).",
    "df": "the degrees of freedom.",
    "low": "the lower bound (included).",
    "high": "the upper bound (excluded).",
    "covariance_matrix": "the positive-definite covariance matrix.",
    "precision_matrix": "the positive-definite precision (inverse covariance) matrix.",
    "scale_tril": "the lower-triangular Cholesky factor of the covariance.",
    "base_distribution": "the distribution transformed or reinterpreted.",
    "transforms": "a transform or a list of transforms applied in order.",
    "reinterpreted_batch_ndims": "how many batch dimensions become event dimensions.",
    "mixture_distribution": "the ``Categorical`` weights of the components.",
    "component_distribution": "the components, batched along the last batch dimension.",
    "cache_size": "0 or 1: whether the last value is cached for the inverse.",
    "exponent": "the power.",
    "parts": "the transforms composed, first applied first.",
    "base_transform": "the transform wrapped.",
    "event_dim": "the number of event dimensions of the transform's input.",
    "batch_shape": "the shape over which parameters are batched.",
    "event_shape": "the shape of a single sample.",
}


def complete(namespace: dict) -> None:
    """Completes the docstring of each function of ``EXAMPLES`` in ``namespace`` (ferrograd's)
    and of the tables of its submodules."""
    _docgen.complete_table(namespace, EXAMPLES, {}, {})
    modules = (("special", SPECIAL), ("linalg", LINALG), ("func", FUNC), ("autograd", AUTOGRAD))
    for module, examples in modules:
        _docgen.complete_table(vars(namespace[module]), examples, {}, {})
    distributions = vars(namespace["distributions"])
    _docgen.complete_table(distributions, DISTRIBUTIONS, DISTRIBUTION_ARGS, {})
