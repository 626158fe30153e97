"""Kipf & Welling's pygcn (the original PyTorch GCN code) on a synthetic citation-like graph:
the row-normalised adjacency built as a SciPy-free COO tensor with torch.sparse_coo_tensor,
GraphConvolution using torch.spmm(adj, support), Parameter init with uniform_(-stdv, stdv),
log_softmax + nll_loss on index ranges, Adam with weight decay."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.nn.parameter import Parameter

torch.manual_seed(42)

n, nfeat, nclass = 240, 32, 4
labels = torch.randint(0, nclass, (n,))
rows, cols = [], []
for i in range(n):
    for j in range(i + 1, n):
        p = 0.06 if labels[i] == labels[j] else 0.004
        if torch.rand(1).item() < p:
            rows += [i, j]
            cols += [j, i]
rows += list(range(n))
cols += list(range(n))
indices = torch.tensor([rows, cols], dtype=torch.long)
values = torch.ones(len(rows))
deg = torch.zeros(n).index_add_(0, indices[0], values)
values = values / deg[indices[0]]
adj = torch.sparse_coo_tensor(indices, values, (n, n))
features = (F.one_hot(labels, nclass).float() @ torch.randn(nclass, nfeat)) * 0.4 + torch.randn(
    n, nfeat
)
features = features / features.abs().sum(1, keepdim=True)
idx_train = torch.LongTensor(range(40))
idx_val = torch.LongTensor(range(40, 100))
idx_test = torch.LongTensor(range(100, 240))


class GraphConvolution(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(torch.FloatTensor(in_features, out_features))
        if bias:
            self.bias = Parameter(torch.FloatTensor(out_features))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.weight.size(1))
        self.weight.data.uniform_(-stdv, stdv)
        if self.bias is not None:
            self.bias.data.uniform_(-stdv, stdv)

    def forward(self, input, adj):
        support = torch.mm(input, self.weight)
        output = torch.spmm(adj, support)
        if self.bias is not None:
            return output + self.bias
        else:
            return output

    def __repr__(self):
        return (
            self.__class__.__name__
            + " ("
            + str(self.in_features)
            + " -> "
            + str(self.out_features)
            + ")"
        )


class GCN(nn.Module):
    def __init__(self, nfeat, nhid, nclass, dropout):
        super().__init__()
        self.gc1 = GraphConvolution(nfeat, nhid)
        self.gc2 = GraphConvolution(nhid, nclass)
        self.dropout = dropout

    def forward(self, x, adj):
        x = F.relu(self.gc1(x, adj))
        x = F.dropout(x, self.dropout, training=self.training)
        x = self.gc2(x, adj)
        return F.log_softmax(x, dim=1)


def accuracy(output, labels):
    preds = output.max(1)[1].type_as(labels)
    correct = preds.eq(labels).double()
    correct = correct.sum()
    return correct / len(labels)


model = GCN(nfeat=nfeat, nhid=16, nclass=nclass, dropout=0.5)
optimizer = optim.Adam(model.parameters(), lr=0.01, weight_decay=5e-4)
print(model.gc1)

for epoch in range(150):
    model.train()
    optimizer.zero_grad()
    output = model(features, adj)
    loss_train = F.nll_loss(output[idx_train], labels[idx_train])
    acc_train = accuracy(output[idx_train], labels[idx_train])
    loss_train.backward()
    optimizer.step()
    model.eval()
    output = model(features, adj)
    loss_val = F.nll_loss(output[idx_val], labels[idx_val])
    acc_val = accuracy(output[idx_val], labels[idx_val])
    if epoch % 30 == 0:
        print(
            f"Epoch: {epoch + 1:04d} loss_train: {loss_train.item():.4f} acc_train: {acc_train.item():.4f} "
            f"loss_val: {loss_val.item():.4f} acc_val: {acc_val.item():.4f}"
        )

model.eval()
output = model(features, adj)
loss_test = F.nll_loss(output[idx_test], labels[idx_test])
acc_test = accuracy(output[idx_test], labels[idx_test])
print(f"Test set results: loss= {loss_test.item():.4f} accuracy= {acc_test.item():.4f}")
print(f"final test_acc={acc_test.item():.4f}")
