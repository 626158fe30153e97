"""Graph neural networks without PyTorch Geometric, the way people hand-write them: a
stochastic-block-model graph as an edge_index, symmetric normalisation from node degrees
(degree via scatter_add_, deg.pow(-0.5) with inf masked to 0), a GCN layer whose message passing
is index_add_, a GraphSAGE-style mean aggregation with scatter_reduce, node classification with
boolean train/val/test masks."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

num_nodes, num_classes, num_features = 300, 3, 16
y = torch.randint(0, num_classes, (num_nodes,))
same = y.unsqueeze(0) == y.unsqueeze(1)
prob = torch.where(same, torch.tensor(0.08), torch.tensor(0.005))
adj = torch.rand(num_nodes, num_nodes) < prob
adj = torch.triu(adj, diagonal=1)
adj = adj | adj.t()
edge_index = adj.nonzero().t().contiguous()
print(f"{num_nodes} nodes, {edge_index.size(1)} directed edges")

class_means = torch.randn(num_classes, num_features)
x = class_means[y] * 0.5 + torch.randn(num_nodes, num_features)

perm = torch.randperm(num_nodes)
train_mask = torch.zeros(num_nodes, dtype=torch.bool)
val_mask = torch.zeros(num_nodes, dtype=torch.bool)
test_mask = torch.zeros(num_nodes, dtype=torch.bool)
train_mask[perm[:60]] = True
val_mask[perm[60:120]] = True
test_mask[perm[120:]] = True


def add_self_loops(edge_index, num_nodes):
    loop = torch.arange(num_nodes, device=edge_index.device)
    return torch.cat([edge_index, torch.stack([loop, loop])], dim=1)


def gcn_norm(edge_index, num_nodes):
    row, col = edge_index
    deg = torch.zeros(num_nodes, device=edge_index.device).scatter_add_(
        0, col, torch.ones(col.size(0))
    )
    deg_inv_sqrt = deg.pow(-0.5)
    deg_inv_sqrt[deg_inv_sqrt == float("inf")] = 0
    return deg_inv_sqrt[row] * deg_inv_sqrt[col]


class GCNConv(nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.lin = nn.Linear(in_channels, out_channels, bias=False)
        self.bias = nn.Parameter(torch.zeros(out_channels))
        nn.init.xavier_uniform_(self.lin.weight)

    def forward(self, x, edge_index):
        edge_index = add_self_loops(edge_index, x.size(0))
        norm = gcn_norm(edge_index, x.size(0))
        x = self.lin(x)
        row, col = edge_index
        messages = norm.view(-1, 1) * x[row]
        out = torch.zeros_like(x).index_add_(0, col, messages)
        return out + self.bias


class SAGEConv(nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.lin_l = nn.Linear(in_channels, out_channels)
        self.lin_r = nn.Linear(in_channels, out_channels, bias=False)

    def forward(self, x, edge_index):
        row, col = edge_index
        index = col.unsqueeze(-1).expand(-1, x.size(1))
        agg = torch.zeros_like(x).scatter_reduce(
            0, index, x[row], reduce="mean", include_self=False
        )
        return self.lin_l(agg) + self.lin_r(x)


class GNN(nn.Module):
    def __init__(self, conv, hidden):
        super().__init__()
        self.conv1 = conv(num_features, hidden)
        self.conv2 = conv(hidden, num_classes)

    def forward(self, x, edge_index):
        x = F.dropout(x, p=0.5, training=self.training)
        x = self.conv1(x, edge_index).relu()
        x = F.dropout(x, p=0.5, training=self.training)
        return self.conv2(x, edge_index)


def run(conv):
    model = GNN(conv, 16).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=5e-4)
    best_val, test_at_best = 0, 0
    for epoch in range(1, 61):
        model.train()
        optimizer.zero_grad()
        out = model(x, edge_index)
        loss = F.cross_entropy(out[train_mask], y[train_mask])
        loss.backward()
        optimizer.step()

        model.eval()
        with torch.no_grad():
            pred = model(x, edge_index).argmax(dim=-1)
        accs = [
            int((pred[mask] == y[mask]).sum()) / int(mask.sum())
            for mask in (train_mask, val_mask, test_mask)
        ]
        if accs[1] > best_val:
            best_val, test_at_best = accs[1], accs[2]
        if epoch % 20 == 0:
            print(
                f"{conv.__name__} epoch {epoch:03d} loss {loss.item():.4f} train {accs[0]:.3f} val {accs[1]:.3f} test {accs[2]:.3f}"
            )
    return test_at_best


gcn_acc = run(GCNConv)
sage_acc = run(SAGEConv)
print(f"final gcn_test_acc={gcn_acc:.4f} sage_test_acc={sage_acc:.4f}")
