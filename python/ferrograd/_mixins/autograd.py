"""Autograd state of a tensor: ``requires_grad``, ``grad``, ``grad_fn``, ``is_leaf``,
``backward``, ``detach``, ``retain_grad`` and ``.data``."""

from .._base import TensorBase, wrap, wrap_optional


class AutogradMixin:
    __slots__ = ()

    @property
    def requires_grad(self) -> bool:
        return self._c.requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        self._c.requires_grad = bool(value)

    def requires_grad_(self, requires_grad: bool = True):
        self._c.requires_grad = bool(requires_grad)
        return self

    @property
    def grad(self):
        """The accumulated gradient (``None`` until a backward pass reaches this leaf)."""
        return wrap_optional(self._c.grad)

    @grad.setter
    def grad(self, value) -> None:
        if value is not None and not isinstance(value, TensorBase):
            raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type {type(value).__name__}")
        self._c.grad = None if value is None else value._c

    @grad.deleter
    def grad(self) -> None:
        self._c.grad = None

    @property
    def grad_fn(self):
        """The node that computed this tensor (``None`` for leaves)."""
        from ..autograd.graph import node_from_handle

        return node_from_handle(self._c.grad_fn)

    @property
    def is_leaf(self) -> bool:
        return self._c.is_leaf

    @property
    def retains_grad(self) -> bool:
        return self._c.retains_grad

    def retain_grad(self) -> None:
        """Keep this (non-leaf) tensor's gradient in ``.grad`` during backward."""
        self._c.retain_grad()

    @property
    def output_nr(self) -> int:
        return self._c.output_nr

    @property
    def _version(self) -> int:
        return self._c.version

    def backward(self, gradient=None, retain_graph=None, create_graph: bool = False, inputs=None) -> None:
        """Accumulates the gradient of this tensor into the ``.grad`` of the leaves it depends on."""
        if gradient is not None and not isinstance(gradient, TensorBase):
            from .._creation import tensor

            gradient = tensor(gradient, dtype=self.dtype, device=self.device)
        if retain_graph is None:
            retain_graph = create_graph
        if inputs is not None:
            inputs = [inputs] if isinstance(inputs, TensorBase) else list(inputs)
            if not inputs:
                raise RuntimeError("'inputs' argument to backward() cannot be empty.")
            inputs = [t._c for t in inputs]
        self._c.backward(None if gradient is None else gradient._c, retain_graph, create_graph, inputs)

    def register_hook(self, hook):
        """Calls ``hook(grad)`` whenever this tensor's gradient is computed; a returned tensor
        replaces the gradient. Returns a handle whose ``remove()`` unregisters the hook."""
        from ..utils.hooks import RemovableHandle

        def call(handle):
            result = hook(wrap(handle))
            return None if result is None else result._c

        node, hook_id = self._c.register_hook(call)
        return RemovableHandle(node, hook_id)

    def register_post_accumulate_grad_hook(self, hook):
        """Calls ``hook(tensor)`` after a gradient was accumulated into this leaf's ``.grad``."""
        import weakref

        from ..utils.hooks import RemovableHandle

        target = weakref.ref(self)

        def call():
            tensor = target()
            if tensor is not None:
                hook(tensor)

        node, hook_id = self._c.register_post_accumulate_grad_hook(call)
        return RemovableHandle(node, hook_id)

    def is_inference(self) -> bool:
        return self._c.is_inference()

    def detach(self):
        """A new leaf that shares this tensor's elements and is outside the graph."""
        return wrap(self._c.detach())

    def detach_(self):
        self._c.detach_()
        return self

    @property
    def data(self):
        """This tensor's elements as a leaf outside the graph (shared, not copied)."""
        return wrap(self._c.detach())

    @data.setter
    def data(self, value) -> None:
        self._c.set_data(value._c)
