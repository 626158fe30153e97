"""Autograd state of a tensor: ``requires_grad``, ``grad``, ``grad_fn``, ``is_leaf``,
``backward``, ``detach``, ``retain_grad`` and ``.data``."""

from .._base import TensorBase
from .._graph_task import graph_task


class AutogradMixin:
    __slots__ = ()

    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad: bool = True):
        self._requires_grad = bool(requires_grad)
        return self

    @property
    def grad(self):
        """The accumulated gradient (``None`` until a backward pass reaches this leaf)."""
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
        if value is not None and not isinstance(value, TensorBase):
            raise TypeError(
                "assigned grad expected to be a Tensor or None but got grad of type "
                f"{type(value).__name__}"
            )
        self._grad = value

    @grad.deleter
    def grad(self) -> None:
        self._grad = None

    @property
    def grad_fn(self):
        """The node that computed this tensor (``None`` for leaves)."""
        from ..autograd.graph import node_from_handle

        return node_from_handle(self._grad_fn)

    @property
    def is_leaf(self) -> bool:
        return self._is_leaf

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def retain_grad(self) -> None:
        """Keep this (non-leaf) tensor's gradient in ``.grad`` during backward."""
        self._retain_grad()

    @property
    def output_nr(self) -> int:
        return self._output_nr

    @property
    def _version(self) -> int:
        return self._version_counter

    def backward(
        self, gradient=None, retain_graph=None, create_graph: bool = False, inputs=None
    ) -> None:
        """Accumulates the gradient of this tensor into the ``.grad`` of the leaves it depends
        on."""
        if gradient is not None and not isinstance(gradient, TensorBase):
            from .._creation import tensor

            gradient = tensor(gradient, dtype=self.dtype, device=self.device)
        if retain_graph is None:
            retain_graph = create_graph
        if inputs is not None:
            inputs = [inputs] if isinstance(inputs, TensorBase) else list(inputs)
            if not inputs:
                raise RuntimeError("'inputs' argument to backward() cannot be empty.")
            from ..sparse._coo import autograd_inputs

            inputs = autograd_inputs(inputs)
        graph_task(self._backward, gradient, retain_graph, create_graph, inputs)

    def register_hook(self, hook):
        """Calls ``hook(grad)`` whenever this tensor's gradient is computed; a returned tensor
        replaces the gradient. Returns a handle whose ``remove()`` unregisters the hook."""
        from ..autograd._hook_results import named_like, tensor_hook_result
        from ..utils.hooks import RemovableHandle

        def call(grad):
            return tensor_hook_result(hook(grad))

        node, hook_id = self._register_hook(named_like(call, hook))
        return RemovableHandle(node, hook_id)

    def register_post_accumulate_grad_hook(self, hook):
        """Calls ``hook(tensor)`` after a gradient was accumulated into this leaf's ``.grad``."""
        import weakref

        from ..autograd._hook_results import post_accumulate_hook_result
        from ..utils.hooks import RemovableHandle

        target = weakref.ref(self)

        def call():
            tensor = target()
            if tensor is not None:
                post_accumulate_hook_result(hook(tensor), tensor)

        node, hook_id = self._register_post_accumulate_grad_hook(call)
        return RemovableHandle(node, hook_id)

    def is_inference(self) -> bool:
        return self._is_inference()

    def detach(self):
        """A new leaf that shares this tensor's elements and is outside the graph."""
        return self._detach()

    def detach_(self):
        self._detach_()
        return self

    @property
    def data(self):
        """This tensor's elements as a leaf outside the graph (shared, not copied)."""
        return self._detach()

    @data.setter
    def data(self, value) -> None:
        self._set_data(value)
