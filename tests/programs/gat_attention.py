import torch
import torch.nn as nn
import torch.nn.functional as F


class GraphAttentionLayer(nn.Module):
    def __init__(
        self, in_features, out_features, n_heads, concat=False, dropout=0.4, leaky_relu_slope=0.2
    ):
        super().__init__()
        self.n_heads = n_heads
        self.concat = concat
        self.dropout = dropout
        if concat:
            self.out_features = out_features
            assert out_features % n_heads == 0
            self.n_hidden = out_features // n_heads
        else:
            self.n_hidden = out_features
        self.W = nn.Parameter(torch.empty(size=(in_features, self.n_hidden * n_heads)))
        self.a = nn.Parameter(torch.empty(size=(n_heads, 2 * self.n_hidden, 1)))
        self.leakyrelu = nn.LeakyReLU(leaky_relu_slope)
        self.softmax = nn.Softmax(dim=1)
        self.reset_parameters()

    def reset_parameters(self):
        nn.init.xavier_normal_(self.W)
        nn.init.xavier_normal_(self.a)

    def _get_attention_scores(self, h_transformed):
        source_scores = torch.matmul(h_transformed, self.a[:, : self.n_hidden, :])
        target_scores = torch.matmul(h_transformed, self.a[:, self.n_hidden :, :])
        e = source_scores + target_scores.mT
        return self.leakyrelu(e)

    def forward(self, h, adj_mat):
        n_nodes = h.shape[0]
        h_transformed = torch.mm(h, self.W)
        h_transformed = F.dropout(h_transformed, self.dropout, training=self.training)
        h_transformed = h_transformed.view(n_nodes, self.n_heads, self.n_hidden).permute(1, 0, 2)
        e = self._get_attention_scores(h_transformed)
        connectivity_mask = -9e16 * torch.ones_like(e)
        e = torch.where(adj_mat > 0, e, connectivity_mask)
        attention = F.softmax(e, dim=-1)
        attention = F.dropout(attention, self.dropout, training=self.training)
        h_prime = torch.matmul(attention, h_transformed)
        if self.concat:
            h_prime = h_prime.permute(1, 0, 2).contiguous().view(n_nodes, self.out_features)
        else:
            h_prime = h_prime.mean(dim=0)
        return h_prime


class GAT(nn.Module):
    def __init__(
        self,
        in_features,
        n_hidden,
        n_heads,
        num_classes,
        concat=False,
        dropout=0.4,
        leaky_relu_slope=0.2,
    ):
        super().__init__()
        self.gat1 = GraphAttentionLayer(
            in_features=in_features,
            out_features=n_hidden,
            n_heads=n_heads,
            concat=concat,
            dropout=dropout,
            leaky_relu_slope=leaky_relu_slope,
        )
        self.gat2 = GraphAttentionLayer(
            in_features=n_hidden,
            out_features=num_classes,
            n_heads=1,
            concat=False,
            dropout=dropout,
            leaky_relu_slope=leaky_relu_slope,
        )

    def forward(self, input_tensor, adj_mat):
        x = self.gat1(input_tensor, adj_mat)
        x = F.elu(x)
        x = self.gat2(x, adj_mat)
        return F.log_softmax(x, dim=1)


torch.manual_seed(13)
N, Fdim, C = 300, 50, 4
labels = torch.randint(0, C, (N,))
centers = torch.randn(C, Fdim)
features = centers[labels] + 0.8 * torch.randn(N, Fdim)
# edges mostly within classes
src = torch.randint(0, N, (3000,))
dst = torch.randint(0, N, (3000,))
same = labels[src] == labels[dst]
keep = same | (torch.rand(3000) < 0.1)
adj = torch.zeros(N, N)
adj[src[keep], dst[keep]] = 1
adj = adj + adj.T + torch.eye(N)
adj = (adj > 0).float()
idx = torch.randperm(N)
idx_train, idx_val, idx_test = idx[:150], idx[150:200], idx[200:]

gat_net = GAT(
    in_features=Fdim,
    n_hidden=64,
    n_heads=8,
    num_classes=C,
    concat=False,
    dropout=0.6,
    leaky_relu_slope=0.2,
)
optimizer = torch.optim.Adam(gat_net.parameters(), lr=0.005, weight_decay=5e-4)
criterion = nn.NLLLoss()


def accuracy(output, labels):
    preds = output.argmax(dim=1)
    return (preds == labels).float().mean().item()


for epoch in range(60):
    gat_net.train()
    optimizer.zero_grad()
    y = gat_net(features, adj)
    loss = criterion(y[idx_train], labels[idx_train])
    loss.backward()
    optimizer.step()
    if epoch % 20 == 0:
        gat_net.eval()
        with torch.no_grad():
            out = gat_net(features, adj)
            print(epoch, loss.item(), accuracy(out[idx_val], labels[idx_val]))
gat_net.eval()
with torch.no_grad():
    out = gat_net(features, adj)
    acc = accuracy(out[idx_test], labels[idx_test])
print(f"final test_acc={acc:.3f}")
