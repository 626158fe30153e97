"""Run a PyTorch program unchanged on ferrograd: ``python ferrograd_as_torch.py prog.py [args]``.

An import hook answers every ``import torch`` / ``import torch.x.y`` with ``ferrograd`` /
``ferrograd.x.y`` (the same module objects, so ``torch.nn is ferrograd.nn``), then the program runs
as ``__main__``. A name ferrograd lacks fails the import with ModuleNotFoundError naming it.
Processes the program starts with ``spawn`` get the hook from ``torch_alias/torch``.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import os
import runpy
import sys

ALIAS = "torch"
TARGET = "ferrograd"


class _ExistingModuleLoader(importlib.abc.Loader):
    """Hands back an already imported ferrograd module under its torch name."""

    def __init__(self, module):
        self.module = module
        self.own_spec = module.__spec__

    def create_module(self, spec):
        return self.module

    def exec_module(self, module):
        # module_from_spec stamped the torch-named spec on the module; give it its own back so
        # ferrograd's relative imports and reprs are unchanged.
        module.__spec__ = self.own_spec


class _TorchToFerrograd(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname != ALIAS and not fullname.startswith(ALIAS + "."):
            return None
        real_name = TARGET + fullname[len(ALIAS) :]
        try:
            module = importlib.import_module(real_name)
        except ModuleNotFoundError as error:
            if error.name is not None and real_name.startswith(error.name):
                raise ModuleNotFoundError(
                    f"No module named {fullname!r} (ferrograd has no {real_name!r})",
                    name=fullname,
                ) from None
            raise
        is_package = hasattr(module, "__path__")
        return importlib.machinery.ModuleSpec(
            fullname, _ExistingModuleLoader(module), is_package=is_package
        )


def install() -> None:
    sys.meta_path.insert(0, _TorchToFerrograd())


def main() -> None:
    if len(sys.argv) < 2:
        raise SystemExit("usage: ferrograd_as_torch.py PROGRAM.py [ARGS...]")
    install()
    program = sys.argv[1]
    sys.argv = sys.argv[1:]
    sys.path[0] = os.path.dirname(os.path.abspath(program))  # as `python program.py` would
    # Last, so that only processes the program spawns (started without this hook) find it.
    sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_alias"))
    runpy.run_path(program, run_name="__main__")


if __name__ == "__main__":
    main()
