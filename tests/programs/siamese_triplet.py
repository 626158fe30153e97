"""Metric learning as the Siamese / triplet-network examples write it: an embedding net with
F.normalize outputs, triplets mined inside each batch from a label-equality mask, nn.TripletMarginLoss,
a contrastive loss written by hand with F.pairwise_distance and clamp, cosine_similarity for
retrieval, and nearest-neighbour accuracy with torch.cdist and topk."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
n_classes, dim = 8, 20
centres = torch.randn(n_classes, dim) * 1.5


def sample(n):
    y = torch.randint(0, n_classes, (n,))
    return centres[y] + torch.randn(n, dim), y


class EmbeddingNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Sequential(
            nn.Linear(dim, 64), nn.PReLU(), nn.Linear(64, 64), nn.PReLU(), nn.Linear(64, 16)
        )

    def forward(self, x):
        return F.normalize(self.fc(x), p=2, dim=1)


class ContrastiveLoss(nn.Module):
    def __init__(self, margin=1.0):
        super().__init__()
        self.margin = margin

    def forward(self, output1, output2, target):
        distances = F.pairwise_distance(output1, output2)
        losses = 0.5 * (
            target.float() * distances.pow(2)
            + (1 - target).float() * F.relu(self.margin - distances).pow(2)
        )
        return losses.mean()


model = EmbeddingNet()
triplet_loss = nn.TripletMarginLoss(margin=0.5, p=2)
contrastive = ContrastiveLoss(margin=1.0)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

for step in range(300):
    x, y = sample(64)
    emb = model(x)
    same = y.unsqueeze(0) == y.unsqueeze(1)
    eye = torch.eye(len(y), dtype=torch.bool)
    dist = torch.cdist(emb, emb)
    pos_dist = dist.masked_fill(~same | eye, -1.0)
    neg_dist = dist.masked_fill(same, float("inf"))
    has_pos = (same & ~eye).any(dim=1)
    anchor = torch.arange(len(y))[has_pos]
    positive = pos_dist.argmax(dim=1)[has_pos]
    negative = neg_dist.argmin(dim=1)[has_pos]
    loss_t = triplet_loss(emb[anchor], emb[positive], emb[negative])

    perm = torch.randperm(len(y))
    loss_c = contrastive(emb, emb[perm], (y == y[perm]).long())
    loss = loss_t + loss_c
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if step % 100 == 0:
        print(f"step {step}: triplet {loss_t.item():.4f} contrastive {loss_c.item():.4f}")

model.eval()
with torch.no_grad():
    gallery_x, gallery_y = sample(400)
    query_x, query_y = sample(200)
    g, q = model(gallery_x), model(query_x)
    nearest = torch.cdist(q, g).topk(1, largest=False).indices.squeeze(1)
    knn_acc = (gallery_y[nearest] == query_y).float().mean().item()
    sims = F.cosine_similarity(q.unsqueeze(1), g.unsqueeze(0), dim=-1)
    cos_acc = (gallery_y[sims.argmax(dim=1)] == query_y).float().mean().item()
print(f"final loss={loss.item():.4f} knn_acc={knn_acc:.4f} cos_acc={cos_acc:.4f}")
