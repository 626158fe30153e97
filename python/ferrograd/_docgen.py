"""Docstrings completed at import, as PyTorch adds many of its own: a family of classes or
functions that share arguments describes each argument once, and a table gives each member its
example. ``complete`` joins a member's own text (or a summary from the table) with an Args
section made from its signature and an Examples section."""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Mapping

_SKIPPED = ("self", "args", "kwargs", "device", "dtype")


def args_section(function, texts: Mapping[str, str]) -> str:
    """``Args:`` with a line for each parameter of ``function`` that ``texts`` describes, in
    the signature's order (``device``/``dtype`` of layer constructors are left out: they mean
    what they mean for every factory)."""
    names = [n for n in inspect.signature(function).parameters if n not in _SKIPPED]
    return args_lines([f"{name}: {texts[name]}" for name in names if name in texts])


def args_lines(lines: list[str]) -> str:
    """``Args:`` with ``lines`` (each ``"name: meaning"``) wrapped under it; empty without
    lines."""
    wrapped = [
        textwrap.fill(line, 92, initial_indent="    ", subsequent_indent="        ")
        for line in lines
    ]
    return "Args:\n" + "\n".join(wrapped) if wrapped else ""


def examples_section(transcript: str) -> str:
    """``Examples:`` with ``transcript`` (doctest's ``>>>`` lines and what they print), after
    ``import ferrograd``."""
    lines = [">>> import ferrograd", *transcript.strip("\n").splitlines()]
    return "Examples:\n" + "\n".join("    " + line for line in lines)


def complete(obj, *sections: str, summary: str | None = None) -> None:
    """Sets ``obj``'s docstring to its own (or ``summary``) followed by ``sections``; one that
    already has an example is left as it is (an object reached under two names, or documented
    in full where it is written)."""
    if obj.__doc__ and ">>>" in obj.__doc__:
        return
    has_own = bool(obj.__doc__ and obj.__doc__.strip())
    own = obj.__doc__ if has_own else textwrap.fill(summary or "", 92)
    if not own:
        raise ValueError(f"{obj.__qualname__} has no docstring and no summary was given")
    parts = [inspect.cleandoc(own), *(section for section in sections if section)]
    obj.__doc__ = "\n\n".join(parts) + "\n"


def complete_table(members: Mapping, examples: Mapping, texts: Mapping, own: Mapping) -> None:
    """Completes each member named in ``examples`` (name -> (summary, transcript)) with the
    Args section of ``texts`` (its own meanings, ``own[name]``, first) and its example. A class
    is described by its constructor's arguments."""
    for name, (summary, transcript) in examples.items():
        member = members[name]
        signature_of = member.__init__ if isinstance(member, type) else member
        args = args_section(signature_of, {**texts, **own.get(name, {})})
        complete(member, args, examples_section(transcript), summary=summary)
