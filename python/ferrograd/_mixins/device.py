"""Device placement: ``device``, ``cpu()``, ``cuda()``, ``is_cuda``."""

from .._device import device


class DeviceMixin:
    __slots__ = ()

    @property
    def device(self) -> device:
        return device(self._c.device)

    @property
    def is_cuda(self) -> bool:
        return self._c.device.startswith("cuda")

    @property
    def is_cpu(self) -> bool:
        return self._c.device == "cpu"

    def cpu(self):
        return self._to_device(device("cpu"))

    def cuda(self, device_index=None):
        return self._to_device(device("cuda", device_index))

    def _to_device(self, target: device):
        if target == self.device:
            return self
        from .. import cuda

        return cuda.move(self, target)
