"""A tabular model with entity embeddings (the fast.ai / Kaggle pattern): categorical columns
through an nn.ModuleList of nn.Embedding, continuous columns through BatchNorm1d, concatenated
into an MLP with dropout; class imbalance handled with a WeightedRandomSampler and
BCEWithLogitsLoss(pos_weight=...); ROC-AUC by ranking in NumPy; the model pickled whole with
torch.save / torch.load(weights_only=False)."""

import io

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset, WeightedRandomSampler

torch.manual_seed(0)
rng = np.random.default_rng(0)
n = 3000
cat_cardinalities = [7, 12, 4]
cats = np.stack([rng.integers(0, c, n) for c in cat_cardinalities], axis=1)
conts = rng.normal(size=(n, 3)).astype(np.float32)
effect = (
    np.array([0.0, 0.5, -0.5, 1.0, -1.0, 0.2, 0.8])[cats[:, 0]]
    + 0.8 * conts[:, 0]
    - 0.5 * conts[:, 1] ** 2
)
y = (effect + rng.normal(size=n) * 0.5 > 1.0).astype(np.float32)
print(f"positive rate {y.mean():.3f}")

X_cat = torch.from_numpy(cats).long()
X_cont = torch.from_numpy(conts)
Y = torch.from_numpy(y)
split = int(n * 0.8)
train_ds = TensorDataset(X_cat[:split], X_cont[:split], Y[:split])
valid_ds = TensorDataset(X_cat[split:], X_cont[split:], Y[split:])

class_counts = torch.bincount(Y[:split].long())
sample_weights = (1.0 / class_counts.float())[Y[:split].long()]
sampler = WeightedRandomSampler(sample_weights, num_samples=len(sample_weights), replacement=True)
train_dl = DataLoader(train_ds, batch_size=128, sampler=sampler)
valid_dl = DataLoader(valid_ds, batch_size=512)


class TabularModel(nn.Module):
    def __init__(self, emb_szs, n_cont, out_sz, layers, p=0.2):
        super().__init__()
        self.embeds = nn.ModuleList([nn.Embedding(ni, nf) for ni, nf in emb_szs])
        self.emb_drop = nn.Dropout(p)
        self.bn_cont = nn.BatchNorm1d(n_cont)
        layerlist = []
        n_emb = sum(nf for ni, nf in emb_szs)
        n_in = n_emb + n_cont
        for i in layers:
            layerlist.append(nn.Linear(n_in, i))
            layerlist.append(nn.ReLU(inplace=True))
            layerlist.append(nn.BatchNorm1d(i))
            layerlist.append(nn.Dropout(p))
            n_in = i
        layerlist.append(nn.Linear(layers[-1], out_sz))
        self.layers = nn.Sequential(*layerlist)

    def forward(self, x_cat, x_cont):
        embeddings = []
        for i, e in enumerate(self.embeds):
            embeddings.append(e(x_cat[:, i]))
        x = torch.cat(embeddings, 1)
        x = self.emb_drop(x)
        x_cont = self.bn_cont(x_cont)
        x = torch.cat([x, x_cont], 1)
        return self.layers(x)


emb_szs = [(size, min(50, (size + 1) // 2)) for size in cat_cardinalities]
model = TabularModel(emb_szs, 3, 1, [64, 32], p=0.1)
criterion = nn.BCEWithLogitsLoss(pos_weight=torch.tensor([1.0]))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)


def roc_auc(scores, labels):
    order = np.argsort(scores)
    ranks = np.empty_like(order, dtype=np.float64)
    ranks[order] = np.arange(1, len(scores) + 1)
    pos = labels == 1
    n_pos, n_neg = pos.sum(), (~pos).sum()
    return (ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


for epoch in range(8):
    model.train()
    for xc, xn, yb in train_dl:
        optimizer.zero_grad()
        loss = criterion(model(xc, xn).squeeze(1), yb)
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        scores = torch.cat([model(xc, xn).squeeze(1) for xc, xn, _ in valid_dl]).numpy()
    auc = roc_auc(scores, Y[split:].numpy())
    print(f"epoch {epoch}: loss {loss.item():.4f} valid auc {auc:.4f}")

buffer = io.BytesIO()
torch.save(model, buffer)
buffer.seek(0)
restored = torch.load(buffer, weights_only=False)
restored.eval()
with torch.no_grad():
    same = torch.allclose(
        restored(X_cat[split:], X_cont[split:]), model(X_cat[split:], X_cont[split:])
    )
assert same
print(f"final auc={auc:.4f}")
