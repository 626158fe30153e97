"""Nested containers as trees of leaves (``torch.utils._pytree``): ``tree_flatten`` lists the
leaves of tuples, lists, dicts (in insertion order), ``OrderedDict``, ``defaultdict`` and named
tuples, with a ``TreeSpec`` that ``tree_unflatten`` rebuilds the container from. ``None`` and
every other object is a leaf. ``register_pytree_node`` adds container types.

``torch.func`` uses it for the arguments and results of transformed functions (``vmap``'s
``in_dims`` and ``out_dims`` are trees matched against them)."""

from __future__ import annotations

from collections import OrderedDict, defaultdict, namedtuple
from collections.abc import Callable
from typing import Any, NamedTuple

__all__ = [
    "LeafSpec",
    "TreeSpec",
    "register_pytree_node",
    "tree_all",
    "tree_any",
    "tree_flatten",
    "tree_leaves",
    "tree_map",
    "tree_map_only",
    "tree_structure",
    "tree_unflatten",
]


class _Node(NamedTuple):
    """How a container type splits into children and a context, and back."""

    flatten: Callable[[Any], tuple[list, Any]]
    unflatten: Callable[[list, Any], Any]


_NODES: dict[type, _Node] = {}


def register_pytree_node(cls: type, flatten_fn, unflatten_fn, **_ignored) -> None:
    """Makes instances of ``cls`` tree nodes: ``flatten_fn(x) -> (children, context)`` and
    ``unflatten_fn(children, context) -> x``."""
    if cls in _NODES:
        raise ValueError(f"{cls} is already registered as a pytree node.")
    _NODES[cls] = _Node(flatten_fn, unflatten_fn)


register_pytree_node(tuple, lambda t: (list(t), None), lambda children, _: tuple(children))
register_pytree_node(list, lambda t: (list(t), None), lambda children, _: list(children))
register_pytree_node(
    dict,
    lambda d: (list(d.values()), list(d)),
    lambda children, keys: dict(zip(keys, children, strict=True)),
)
register_pytree_node(
    OrderedDict,
    lambda d: (list(d.values()), list(d)),
    lambda children, keys: OrderedDict(zip(keys, children, strict=True)),
)
register_pytree_node(
    defaultdict,
    lambda d: (list(d.values()), (d.default_factory, list(d))),
    lambda children, context: defaultdict(context[0], zip(context[1], children, strict=True)),
)


def _is_namedtuple(x) -> bool:
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def _node_of(x) -> tuple[str | type, _Node] | None:
    """The node type of ``x`` (None for a leaf)."""
    if _is_namedtuple(x):
        return namedtuple, _Node(lambda t: (list(t), type(t)), lambda c, cls: cls(*c))
    node = _NODES.get(type(x))
    return None if node is None else (type(x), node)


class TreeSpec:
    """The shape of a tree: its node type, the node's context (dict keys, a named tuple's
    class) and the specs of its children. A leaf's spec is ``LeafSpec()``."""

    __slots__ = ("children_specs", "context", "num_leaves", "type")

    def __init__(self, type, context, children_specs: list):
        self.type = type
        self.context = context
        self.children_specs = children_specs
        self.num_leaves = sum(s.num_leaves for s in children_specs)

    @property
    def num_children(self) -> int:
        return len(self.children_specs)

    def is_leaf(self) -> bool:
        return False

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, TreeSpec)
            and self.type == other.type
            and self.context == other.context
            and self.children_specs == other.children_specs
        )

    def __hash__(self) -> int:
        return hash((self.type, self.num_leaves))

    def __repr__(self) -> str:
        name = getattr(self.type, "__name__", str(self.type))
        children = ", ".join(repr(c) for c in self.children_specs)
        return f"TreeSpec({name}, {self.context!r}, [{children}])"


class LeafSpec(TreeSpec):
    __slots__ = ()

    def __init__(self):
        super().__init__(None, None, [])
        self.num_leaves = 1

    def is_leaf(self) -> bool:
        return True

    def __repr__(self) -> str:
        return "*"


def tree_flatten(tree, is_leaf: Callable[[Any], bool] | None = None) -> tuple[list, TreeSpec]:
    """``(leaves, spec)``: the leaves of ``tree`` in order, and its structure."""
    leaves: list = []

    def walk(x) -> TreeSpec:
        node = None if is_leaf is not None and is_leaf(x) else _node_of(x)
        if node is None:
            leaves.append(x)
            return LeafSpec()
        kind, funcs = node
        children, context = funcs.flatten(x)
        return TreeSpec(kind, context, [walk(c) for c in children])

    spec = walk(tree)
    return leaves, spec


def _rebuild(spec: TreeSpec, children: list):
    if spec.type is namedtuple:
        return spec.context(*children)
    return _NODES[spec.type].unflatten(children, spec.context)


def tree_unflatten(leaves, spec: TreeSpec):
    """The tree of structure ``spec`` with ``leaves`` in place of its leaves."""
    leaves = list(leaves)
    if len(leaves) != spec.num_leaves:
        raise ValueError(
            f"treespec.unflatten(leaves): `leaves` has length {len(leaves)} but the spec refers "
            f"to a pytree that holds {spec.num_leaves} items ({spec})."
        )
    items = iter(leaves)

    def build(s: TreeSpec):
        if s.is_leaf():
            return next(items)
        return _rebuild(s, [build(c) for c in s.children_specs])

    return build(spec)


def tree_leaves(tree, is_leaf=None) -> list:
    return tree_flatten(tree, is_leaf)[0]


def tree_structure(tree, is_leaf=None) -> TreeSpec:
    return tree_flatten(tree, is_leaf)[1]


def tree_map(fn, tree, *rests, is_leaf=None):
    """``tree`` with each leaf replaced by ``fn(leaf, *matching leaves of rests)``."""
    leaves, spec = tree_flatten(tree, is_leaf)
    others = [spec_flatten(r, spec) for r in rests]
    return tree_unflatten([fn(*xs) for xs in zip(leaves, *others, strict=True)], spec)


def tree_map_only(type_or_types, fn, tree, is_leaf=None):
    """``tree_map`` applied only to the leaves of the given type(s); others are kept."""
    return tree_map(lambda x: fn(x) if isinstance(x, type_or_types) else x, tree, is_leaf=is_leaf)


def tree_all(pred, tree, is_leaf=None) -> bool:
    return all(map(pred, tree_leaves(tree, is_leaf)))


def tree_any(pred, tree, is_leaf=None) -> bool:
    return any(map(pred, tree_leaves(tree, is_leaf)))


def spec_flatten(tree, spec: TreeSpec) -> list:
    """The leaves of ``tree``, which must have the structure ``spec``."""
    leaves, actual = tree_flatten(tree)
    if actual != spec:
        raise ValueError(f"Tree structure mismatch: expected {spec}, got {actual}")
    return leaves


def broadcast_prefix(prefix, tree, is_leaf=None) -> list | None:
    """One value per leaf of ``tree``: ``prefix`` is a tree whose leaves stand for whole
    subtrees of ``tree`` (``vmap``'s ``in_dims=(None, 0)`` against ``(params_dict, x)``).
    None when ``prefix`` is not a prefix of ``tree``'s structure."""
    out: list = []

    def walk(p, t) -> bool:
        node_p = _node_of(p)
        if node_p is None:
            out.extend([p] * len(tree_leaves(t, is_leaf)))
            return True
        node_t = None if is_leaf is not None and is_leaf(t) else _node_of(t)
        if node_t is None or node_p[0] != node_t[0]:
            return False
        children_p, context_p = node_p[1].flatten(p)
        children_t, context_t = node_t[1].flatten(t)
        if len(children_p) != len(children_t):
            return False
        if node_p[0] in (dict, OrderedDict, defaultdict):
            # Keys must match as sets; the prefix's values are read in the tree's key order.
            keys_p = context_p if node_p[0] is not defaultdict else context_p[1]
            keys_t = context_t if node_t[0] is not defaultdict else context_t[1]
            if set(keys_p) != set(keys_t):
                return False
            by_key = dict(zip(keys_p, children_p, strict=True))
            children_p = [by_key[k] for k in keys_t]
        return all(walk(cp, ct) for cp, ct in zip(children_p, children_t, strict=True))

    return out if walk(prefix, tree) else None
