"""Autograd state of a tensor: ``requires_grad``, ``grad``, ``grad_fn``, ``is_leaf``,
``backward``, ``detach``, ``retain_grad`` and ``.data``."""

from .._base import TensorBase


class AutogradMixin:
    __slots__ = ()

    @property
    def requires_grad(self) -> bool:
        """Whether autograd records the operations on this tensor, so that gradients can be computed
        for it. Only floating tensors can require gradients. Results of recorded operations require
        gradients when any input does; setting it on a leaf starts recording from there.

        Examples:
            >>> import ferrograd
            >>> x = ferrograd.ones(2)
            >>> x.requires_grad
            False
            >>> x.requires_grad = True
            >>> (x * 2).requires_grad
            True
        """
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad: bool = True):
        """Sets ``requires_grad`` in place and returns this tensor.

        Args:
            requires_grad: whether autograd should record operations on this tensor.

        Examples:
            >>> import ferrograd
            >>> w = ferrograd.zeros(3).requires_grad_()
            >>> w
            tensor([0., 0., 0.], requires_grad=True)
        """
        self._requires_grad = bool(requires_grad)
        return self

    @property
    def grad(self):
        """The gradient accumulated into this tensor by backward passes: ``None`` until the first
        ``backward()`` reaches it, then a tensor of this tensor's shape, dtype and device that each
        further pass adds to. Only leaves (and tensors that called ``retain_grad()``) get one. Can
        be assigned (a tensor or ``None``) and deleted.

        Examples:
            >>> import ferrograd
            >>> x = ferrograd.tensor([1.0, 2.0], requires_grad=True)
            >>> (x * x).sum().backward()
            >>> x.grad
            tensor([2., 4.])
        """
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
        """The autograd node that made this tensor (its ``backward`` computes the gradients of this
        tensor's inputs), or ``None`` for a leaf. ``grad_fn.next_functions`` leads to the nodes of
        the inputs.

        Examples:
            >>> import ferrograd
            >>> x = ferrograd.tensor(1.0, requires_grad=True)
            >>> (x * 2).grad_fn
            <MulBackward0 object at 0x...>
        """
        from ..autograd.graph import node_from_handle

        return node_from_handle(self._grad_fn)

    @property
    def is_leaf(self) -> bool:
        """Whether this tensor is a leaf of the graph: made by the user (or by an operation that was
        not recorded) rather than by a recorded operation. ``backward()`` fills ``.grad`` only on
        leaves that require gradients.

        Examples:
            >>> import ferrograd
            >>> a = ferrograd.rand(3, requires_grad=True)
            >>> a.is_leaf, (a * 2).is_leaf, (a * 2).detach().is_leaf
            (True, False, True)
        """
        return self._is_leaf

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def retain_grad(self) -> None:
        """Makes this non-leaf tensor keep its gradient in ``.grad`` during backward passes (leaves
        always do). Does nothing on a leaf.

        Raises:
            RuntimeError: the tensor does not require gradients.

        Examples:
            >>> import ferrograd
            >>> x = ferrograd.tensor([1.0, 2.0], requires_grad=True)
            >>> y = x * 3
            >>> y.retain_grad()
            >>> y.sum().backward()
            >>> y.grad
            tensor([1., 1.])
        """
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
        """Computes the gradient of this tensor with respect to the graph's leaves and accumulates
        it into their ``.grad``.

        The graph is walked from this tensor back to the leaves that require gradients. Gradients
        add to what ``.grad`` already holds, so training loops zero them between steps. The
        intermediate values saved for the pass are freed after it unless ``retain_graph`` is set.

        Args:
            gradient: the gradient of some final quantity with respect to this tensor (the vector of
                a vector-Jacobian product), of this tensor's shape. It can be omitted when this
                tensor has one element (it is then 1).
            retain_graph: keep the graph for a further backward pass. Defaults to ``create_graph``.
            create_graph: record the backward pass, so that the gradients can be differentiated
                again (higher-order derivatives).
            inputs: accumulate only into these tensors' ``.grad`` (by default, every leaf).

        Raises:
            RuntimeError: this tensor does not require gradients, ``gradient`` is missing for a
                tensor of several elements, the graph was already freed, or a saved tensor was
                modified in place.

        Examples:
            >>> import ferrograd
            >>> x = ferrograd.tensor([1.0, 2.0, 3.0], requires_grad=True)
            >>> y = x ** 2
            >>> y.backward(ferrograd.ones(3))
            >>> x.grad
            tensor([2., 4., 6.])
        """
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
        self._backward(gradient, retain_graph, create_graph, inputs)

    def register_hook(self, hook):
        """Registers a backward hook, called with this tensor's gradient each time it is computed.

        ``hook(grad)`` may return a tensor, which then replaces the gradient for the rest of the
        pass (and in ``.grad``); returning ``None`` leaves it unchanged. It must not modify its
        argument in place.

        Args:
            hook: a callable taking the gradient.

        Returns:
            A handle whose ``remove()`` unregisters the hook.

        Examples:
            >>> import ferrograd
            >>> v = ferrograd.tensor([0.0, 0.0, 0.0], requires_grad=True)
            >>> h = v.register_hook(lambda grad: grad * 2)  # double the gradient
            >>> v.backward(ferrograd.tensor([1.0, 2.0, 3.0]))
            >>> v.grad
            tensor([2., 4., 6.])
            >>> h.remove()
        """
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
        """Returns a new tensor that shares this one's elements but is outside the graph: a leaf
        that does not require gradients. In-place changes to either are seen by both (and are
        detected by autograd if the original was saved for a backward pass).

        Examples:
            >>> import ferrograd
            >>> x = ferrograd.tensor([1.0, 2.0], requires_grad=True)
            >>> y = (x * 2).detach()
            >>> y, y.requires_grad, y.is_leaf
            (tensor([2., 4.]), False, True)
        """
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
