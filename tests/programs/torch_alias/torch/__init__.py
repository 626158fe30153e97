"""``import torch`` in a process a program starts with ``spawn``: put on ``sys.path`` only by
``ferrograd_as_torch.py``, whose import hook such a child (a fresh interpreter that inherits the
parent's ``sys.path`` but not its hooks) lacks. It installs the hook and becomes ferrograd."""

import sys

from ferrograd_as_torch import install  # the program's folder is on the child's sys.path

import ferrograd

install()
sys.modules[__name__] = ferrograd
