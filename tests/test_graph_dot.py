"""``ferrograd.autograd.graph.to_dot`` / ``render``: the DOT source of the backward graph."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pytest

import ferrograd as fg
from ferrograd.autograd.graph import render, to_dot

NODE = re.compile(r'^\t(\w+) \[label="((?:[^"\\]|\\.)*)"(.*)\]$')
EDGE = re.compile(r"^\t(\w+) -> (\w+)(.*)$")


def parse(dot: str):
    """(nodes: id -> (label, attrs), edges: [(src, dst, attrs)])."""
    lines = dot.splitlines()
    assert lines[0] == "digraph {" and lines[-1] == "}"
    nodes, edges = {}, []
    for line in lines[1:-1]:
        if (m := EDGE.match(line)) is not None:
            edges.append(m.groups())
        elif (m := NODE.match(line)) is not None:
            assert m.group(1) not in nodes, f"node {m.group(1)} declared twice"
            nodes[m.group(1)] = (m.group(2).replace("\\n", "\n"), m.group(3))
    for src, dst, _ in edges:
        assert src in nodes and dst in nodes, f"edge {src} -> {dst} to an undeclared node"
    return nodes, edges


def labels(nodes):
    return sorted(label for label, _ in nodes.values())


def test_graph_of_a_small_expression():
    x = fg.randn(2, 3, requires_grad=True)
    w = fg.randn(3, requires_grad=True)
    y = (x * w).exp().sum()
    nodes, edges = parse(to_dot(y))
    names = [label.split("\n")[0] for label in labels(nodes)]
    for name in ["MulBackward0", "ExpBackward0", "SumBackward0", "AccumulateGrad"]:
        assert name in names
    # leaves are their AccumulateGrad nodes, labelled with the leaf's shape
    leaves = sorted(label for label, attrs in nodes.values() if label.startswith("AccumulateGrad"))
    assert leaves == ["AccumulateGrad\n(2, 3)", "AccumulateGrad\n(3)"]
    assert all(
        "lightblue" in attrs
        for label, attrs in nodes.values()
        if label.startswith("AccumulateGrad")
    )
    # the output tensor, labelled with its shape, fed by its grad_fn
    (out_id,) = [i for i, (label, attrs) in nodes.items() if "darkolivegreen1" in attrs]
    assert nodes[out_id][0] == "()"
    by_label = {label: i for i, (label, _) in nodes.items()}
    assert (by_label["SumBackward0"], out_id) in [(s, d) for s, d, _ in edges]
    # saved values: Mul saves both operands, Exp its output
    saved = {label for label, attrs in nodes.values() if "orange" in attrs}
    assert saved == {"saved 0\n(2, 3)", "saved 1\n(3)"}
    solid = [(s, d) for s, d, attrs in edges if "dashed" not in attrs]
    assert (by_label["MulBackward0"], by_label["ExpBackward0"]) in solid
    assert (by_label["ExpBackward0"], by_label["SumBackward0"]) in solid
    assert (by_label["AccumulateGrad\n(3)"], by_label["MulBackward0"]) in solid
    assert len(solid) == 5
    mul_saved = [s for s, d, attrs in edges if "dashed" in attrs and d == by_label["MulBackward0"]]
    assert len(mul_saved) == 2


def test_show_saved_false_hides_saved_values():
    x = fg.randn(3, requires_grad=True)
    dot = to_dot((x * x).sin().sum(), show_saved=False)
    _, edges = parse(dot)
    assert "orange" not in dot and "saved" not in dot
    assert not any("dashed" in attrs for _, _, attrs in edges)


def test_shared_subgraphs_appear_once_and_each_input_slot_has_an_edge():
    x = fg.randn(4, requires_grad=True)
    h = x.tanh()
    y = h * h + h
    nodes, edges = parse(to_dot(y, show_saved=False))
    assert labels(nodes).count("TanhBackward0") == 1
    tanh = next(i for i, (label, _) in nodes.items() if label == "TanhBackward0")
    mul = next(i for i, (label, _) in nodes.items() if label == "MulBackward0")
    assert [(s, d) for s, d, _ in edges].count((tanh, mul)) == 2


def test_several_roots_leaf_roots_and_constants():
    x = fg.randn(2, requires_grad=True)
    nodes, edges = parse(to_dot([x.exp(), x.sin()]))
    outputs = [i for i, (_, attrs) in nodes.items() if "darkolivegreen1" in attrs]
    assert len(outputs) == 2
    assert labels(nodes).count("AccumulateGrad\n(2)") == 1
    nodes, edges = parse(to_dot(x))
    assert len(nodes) == 1 and edges == []
    nodes, edges = parse(to_dot(fg.ones(3) * 2))
    assert len(nodes) == 1 and edges == []


def test_a_deep_chain_is_drawn_without_recursion():
    x = fg.randn(1, requires_grad=True)
    y = x
    for _ in range(3000):
        y = y * 1.0
    nodes, _ = parse(to_dot(y, show_saved=False))
    assert labels(nodes).count("MulBackward0") == 3000


def test_graph_after_backward_has_no_saved_values():
    x = fg.randn(3, requires_grad=True)
    y = x.exp().sum()
    y.backward()
    nodes, _ = parse(to_dot(y))
    assert not any("orange" in attrs for _, attrs in nodes.values())


def test_accumulate_grad_variable_and_saved_shapes():
    x = fg.randn(2, 3, requires_grad=True)
    y = x * 2
    acc = y.grad_fn.next_functions[0][0]
    assert type(acc).__name__ == "AccumulateGrad"
    assert acc.variable is not None and tuple(acc.variable.shape) == (2, 3)
    assert acc.variable._same(x)  # the leaf itself, not a copy
    with pytest.raises(AttributeError):
        y.grad_fn.variable  # noqa: B018 - the access is what raises
    assert y.grad_fn.saved_shapes() == [()]  # the scalar operand (x's gradient needs it)


def test_render_without_graphviz_explains_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "graphviz", None)  # makes `import graphviz` fail
    x = fg.randn(2, requires_grad=True)
    with pytest.raises(ImportError, match=r"ferrograd\[viz\]"):
        render(x.exp(), tmp_path / "g.svg")


def test_render_hands_the_dot_source_to_graphviz(monkeypatch, tmp_path):
    calls = {}

    class Source:
        def __init__(self, source):
            calls["source"] = source

        def render(self, filename, format, cleanup):
            calls.update(filename=filename, format=format, cleanup=cleanup)
            return f"{filename}.{format}"

    monkeypatch.setitem(sys.modules, "graphviz", types.SimpleNamespace(Source=Source))
    x = fg.randn(2, requires_grad=True)
    y = x.exp()
    out = render(y, tmp_path / "graph.png", format="png")
    assert out == str(tmp_path / "graph.png")
    assert calls["source"] == to_dot(y) and calls["format"] == "png" and calls["cleanup"]
    assert render(y, tmp_path / "other") == str(tmp_path / "other.svg")
    with pytest.raises(ValueError, match="format"):
        render(y, tmp_path / "g.pdf", format="pdf")


def test_viz_extra_is_declared():
    tomllib = pytest.importorskip("tomllib")
    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    extras = tomllib.loads(pyproject.read_text())["project"]["optional-dependencies"]
    assert any(req.startswith("graphviz") for req in extras["viz"])
