"""Device placement and zero-copy exchange: ``device``, ``cpu()``, ``cuda()``, ``is_cuda``,
``__dlpack__``, ``__dlpack_device__`` and ``__cuda_array_interface__``."""

from .._device import device

_DL_CPU = 1


class DeviceMixin:
    __slots__ = ()

    @property
    def device(self) -> device:
        return device(self._device)

    @property
    def is_cuda(self) -> bool:
        return self._device.startswith("cuda")

    @property
    def is_cpu(self) -> bool:
        return self._device == "cpu"

    @property
    def is_meta(self) -> bool:
        return self._device == "meta"

    def get_device(self) -> int:
        """The CUDA device index, or -1 on the CPU and the meta device (as in PyTorch)."""
        return self.device.index or 0 if self.is_cuda else -1

    def cpu(self):
        return self._to_device(device("cpu"))

    def cuda(self, device_index=None, non_blocking: bool = False):
        if isinstance(device_index, (str, device)):
            target = device(device_index)
        else:
            target = device("cuda", device_index)
        return self._to_device(target)

    def _to_device(self, target: device):
        if target == self.device:
            return self
        from .. import cuda

        return cuda.move(self, target)

    # ------------------------------------------------------------------ zero-copy exchange

    def _exportable(self, what: str):
        if self.is_meta:
            raise BufferError("Cannot pack tensors on meta")
        if self._requires_grad:
            raise RuntimeError(
                f"Can't export tensors that require gradient, use tensor.detach() ({what})"
            )
        if self.is_cpu:
            from .. import _core

            return None, _core.numpy_view(self)
        from .. import cuda

        table = cuda._require(self.device.index or 0)
        array = cuda.device_array(self)
        if getattr(array, "ndim", None) == 0 or not hasattr(array, "__dlpack__"):
            # 0-d constants may be shared by the backend's cache: export a copy.
            array = table.xp.array(array, copy=True)
        return table, array

    def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
        """A DLPack capsule sharing this tensor's memory (NumPy on the CPU, CuPy on a GPU)."""
        table, array = self._exportable("__dlpack__")
        kwargs = {"stream": stream}
        if max_version is not None:
            kwargs["max_version"] = max_version
        if dl_device is not None:
            kwargs["dl_device"] = dl_device
        if copy is not None:
            kwargs["copy"] = copy
        if table is None:
            kwargs.pop("stream")
            return array.__dlpack__(**kwargs)
        return table.dlpack(array, **kwargs)

    def __dlpack_device__(self):
        if self.is_cpu:
            return (_DL_CPU, 0)
        from .. import cuda

        table = cuda._require(self.device.index or 0)
        return tuple(table.dlpack_device(cuda.device_array(self)))

    @property
    def __cuda_array_interface__(self):
        """The CUDA Array Interface of a ``cuda`` tensor (its CuPy array's)."""
        if self.is_cpu:
            raise AttributeError(
                "Can't get __cuda_array_interface__ on non-CUDA tensor type: ferrograd.Tensor on "
                "cpu. If CUDA data is required use tensor.cuda() to copy tensor to device memory."
            )
        table, array = self._exportable("__cuda_array_interface__")
        try:
            return table.cuda_array_interface(array)
        except AttributeError:
            raise AttributeError(
                f"the {table.name} backend's arrays have no __cuda_array_interface__"
            ) from None
