"""A two-layer graph convolutional network (Kipf & Welling, 2017) classifying the nodes of a
synthetic graph, with the normalized adjacency matrix as a sparse COO tensor.

    python examples/gcn.py            # 10,000 nodes, 5 communities, 100 epochs
    python examples/gcn.py --quick    # 1,500 nodes for a few seconds (the tests run it)

The graph is a stochastic block model: nodes belong to communities, and an edge joins two
nodes of one community far more often than two of different ones. Each node's features are a
weak hint of its community buried in noise, and only 20 nodes per community are labelled. A
model that reads each node alone (the MLP baseline) guesses poorly; the GCN averages features
over neighbourhoods, ``torch.spmm(adj, x @ W)``, and recovers the communities. The model and
the loop use only names PyTorch has (``import ferrograd as torch``).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import ferrograd as torch
import ferrograd.nn as nn
import ferrograd.nn.functional as F

SIZES = {
    "full": dict(nodes=10_000, communities=5, degree=12, features=64, epochs=100),
    "quick": dict(nodes=1_500, communities=4, degree=12, features=32, epochs=60),
}


def block_model(nodes, communities, degree, features, rng, within=0.7, signal=0.25):
    """Community labels, noisy features and the undirected edges of a stochastic block model
    with ``degree`` edges per node on average, a share ``within`` of them inside a
    community."""
    labels = rng.integers(0, communities, nodes)
    members = [np.flatnonzero(labels == c) for c in range(communities)]
    sources = rng.integers(0, nodes, nodes * degree // 2)
    inside = rng.random(sources.size) < within
    targets = rng.integers(0, nodes, sources.size)  # across communities: anyone
    for c, group in enumerate(members):
        pick = inside & (labels[sources] == c)
        targets[pick] = group[rng.integers(0, group.size, pick.sum())]
    centres = rng.standard_normal((communities, features))
    x = signal * centres[labels] + rng.standard_normal((nodes, features))
    return labels, x.astype(np.float32), np.stack([sources, targets])


def normalized_adjacency(edges, nodes):
    """``D^-1/2 (A + I) D^-1/2`` of the undirected graph, as a sparse COO tensor."""
    loops = np.arange(nodes)
    rows = np.concatenate([edges[0], edges[1], loops])
    cols = np.concatenate([edges[1], edges[0], loops])
    positions = np.unique(rows * nodes + cols)  # each edge once
    rows, cols = positions // nodes, positions % nodes
    degree = np.bincount(rows, minlength=nodes).astype(np.float32)
    values = 1.0 / np.sqrt(degree[rows] * degree[cols])
    indices = torch.from_numpy(np.stack([rows, cols]))
    return torch.sparse_coo_tensor(indices, torch.from_numpy(values), (nodes, nodes))


class GraphConvolution(nn.Module):
    """``adj @ (x @ W) + b``: each node's new features are the normalized sum of its
    neighbours' transformed features."""

    def __init__(self, in_features, out_features):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(in_features, out_features))
        self.bias = nn.Parameter(torch.zeros(out_features))
        nn.init.xavier_uniform_(self.weight)

    def forward(self, x, adj):
        return torch.spmm(adj, torch.mm(x, self.weight)) + self.bias


class GCN(nn.Module):
    def __init__(self, in_features, hidden, classes, dropout=0.5):
        super().__init__()
        self.gc1 = GraphConvolution(in_features, hidden)
        self.gc2 = GraphConvolution(hidden, classes)
        self.dropout = dropout

    def forward(self, x, adj):
        x = F.dropout(x, self.dropout, self.training)
        x = F.relu(self.gc1(x, adj))
        x = F.dropout(x, self.dropout, self.training)
        return self.gc2(x, adj)


def split(labels, communities, per_class, rng):
    """Indices of ``per_class`` labelled nodes per community, and of the rest (the test set)."""
    train = np.concatenate(
        [
            rng.choice(np.flatnonzero(labels == c), per_class, replace=False)
            for c in range(communities)
        ]
    )
    test = np.setdiff1d(np.arange(labels.size), train)
    return torch.from_numpy(train), torch.from_numpy(test)


def accuracy(logits, labels, index):
    return (logits[index].argmax(1) == labels[index]).float().mean().item()


def train(model, x, adj, labels, train_index, test_index, epochs, quiet):
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=5e-4)
    for epoch in range(1, epochs + 1):
        model.train()
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x, adj)[train_index], labels[train_index])
        loss.backward()
        optimizer.step()
        if not quiet and (epoch % 20 == 0 or epoch == epochs):
            model.eval()
            with torch.no_grad():
                test_accuracy = accuracy(model(x, adj), labels, test_index)
            print(f"  epoch {epoch:3d}  loss {loss.item():.3f}  test accuracy {test_accuracy:.3f}")
    model.eval()
    with torch.no_grad():
        return accuracy(model(x, adj), labels, test_index)


def identity(nodes):
    """The adjacency of a graph with self-loops only: the GCN then reads each node alone."""
    loops = torch.arange(nodes)
    return torch.sparse_coo_tensor(torch.stack([loops, loops]), torch.ones(nodes), (nodes, nodes))


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small graph, a few seconds")
    parser.add_argument("--epochs", type=int, help="training epochs (default: by size)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    size = SIZES["quick" if args.quick else "full"]
    epochs = args.epochs or size["epochs"]
    rng = np.random.default_rng(args.seed)
    torch.manual_seed(args.seed)

    labels, features, edges = block_model(
        size["nodes"], size["communities"], size["degree"], size["features"], rng
    )
    adj = normalized_adjacency(edges, size["nodes"])
    x, y = torch.from_numpy(features), torch.from_numpy(labels)
    train_index, test_index = split(labels, size["communities"], 20, rng)
    print(
        f"graph: {size['nodes']} nodes, {adj._nnz()} stored entries, {size['communities']} "
        f"communities, {train_index.numel()} labelled nodes"
    )
    results = {}
    for name, graph in (("gcn", adj), ("mlp", identity(size["nodes"]))):
        model = GCN(size["features"], 32, size["communities"])
        if not args.quiet:
            print(f"{name.upper()}:")
        start = time.perf_counter()
        results[name] = train(model, x, graph, y, train_index, test_index, epochs, args.quiet)
        print(
            f"{name.upper()} test accuracy {results[name]:.3f} "
            f"({time.perf_counter() - start:.1f} s for {epochs} epochs)"
        )
    return results


if __name__ == "__main__":
    main()
