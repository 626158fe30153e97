"""``ferrograd.device``: where a tensor's elements live."""

from __future__ import annotations


class device:
    """A device, as ``'cpu'``, ``'cuda'`` or ``'cuda:N'`` (``ferrograd.device('cuda', 0)`` works
    too)."""

    __slots__ = ("index", "type")
    type: str
    index: int | None

    def __init__(self, spec: str | device, index: int | None = None) -> None:
        if isinstance(spec, device):
            self.type, self.index = spec.type, spec.index
            return
        if not isinstance(spec, str):
            raise TypeError(
                f"device() expects a string like 'cpu' or 'cuda:0', got {type(spec).__name__}"
            )
        kind, _, number = spec.strip().partition(":")
        if kind not in ("cpu", "cuda"):
            raise RuntimeError(
                f"Expected one of cpu, cuda device type at start of device string: {spec}"
            )
        if number:
            if index is not None:
                raise RuntimeError(f"device index given twice: {spec!r} and index={index}")
            if not number.isdigit():
                raise RuntimeError(f"Invalid device string: '{spec}'")
            index = int(number)
        self.type = kind
        self.index = index

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            other = device(other)
        if not isinstance(other, device):
            return NotImplemented
        return self.type == other.type and (self.index or 0) == (other.index or 0)

    def __hash__(self) -> int:
        return hash((self.type, self.index or 0))

    @property
    def engine_name(self) -> str:
        """The name the engine uses: ``cpu`` or ``cuda:N``."""
        return "cpu" if self.type == "cpu" else f"cuda:{self.index or 0}"


_default = device("cpu")


def set_default_device(spec) -> None:
    """The device that factory functions (``tensor``, ``zeros``, ``randn``, ...) use when no
    ``device=`` is given. ``None`` restores the CPU."""
    global _default
    _default = device("cpu" if spec is None else spec)


def get_default_device() -> device:
    return _default
