"""A small Vision Transformer as in the common from-scratch ViT tutorials: patch embedding by a
strided Conv2d then flatten(2).transpose(1, 2), a learnable cls token expanded over the batch,
positional embeddings as nn.Parameter, attention written with einsum and a scaled softmax,
checked against nn.MultiheadAttention(batch_first=True) sharing its weights, trunc_normal_
init, label smoothing, AdamW + LambdaLR warm-up."""

import math

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"


class PatchEmbed(nn.Module):
    def __init__(self, img_size=16, patch_size=4, in_chans=3, embed_dim=32):
        super().__init__()
        self.num_patches = (img_size // patch_size) ** 2
        self.proj = nn.Conv2d(in_chans, embed_dim, kernel_size=patch_size, stride=patch_size)

    def forward(self, x):
        x = self.proj(x)
        return x.flatten(2).transpose(1, 2)


class Attention(nn.Module):
    def __init__(self, dim, num_heads=4):
        super().__init__()
        self.num_heads = num_heads
        self.scale = (dim // num_heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        B, N, C = x.shape
        qkv = (
            self.qkv(x).reshape(B, N, 3, self.num_heads, C // self.num_heads).permute(2, 0, 3, 1, 4)
        )
        q, k, v = qkv.unbind(0)
        attn = torch.einsum("bhqd,bhkd->bhqk", q, k) * self.scale
        attn = attn.softmax(dim=-1)
        x = torch.einsum("bhqk,bhkd->bhqd", attn, v)
        x = x.transpose(1, 2).reshape(B, N, C)
        return self.proj(x)


class Block(nn.Module):
    def __init__(self, dim, num_heads, mlp_ratio=2.0):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, num_heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = nn.Sequential(
            nn.Linear(dim, int(dim * mlp_ratio)), nn.GELU(), nn.Linear(int(dim * mlp_ratio), dim)
        )

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        x = x + self.mlp(self.norm2(x))
        return x


class VisionTransformer(nn.Module):
    def __init__(self, num_classes=4, embed_dim=32, depth=2, num_heads=4):
        super().__init__()
        self.patch_embed = PatchEmbed(embed_dim=embed_dim)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, self.patch_embed.num_patches + 1, embed_dim))
        self.blocks = nn.Sequential(*[Block(embed_dim, num_heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(embed_dim, eps=1e-6)
        self.head = nn.Linear(embed_dim, num_classes)
        nn.init.trunc_normal_(self.pos_embed, std=0.02)
        nn.init.trunc_normal_(self.cls_token, std=0.02)
        self.apply(self._init_weights)

    def _init_weights(self, m):
        if isinstance(m, nn.Linear):
            nn.init.trunc_normal_(m.weight, std=0.02)
            if m.bias is not None:
                nn.init.constant_(m.bias, 0)
        elif isinstance(m, nn.LayerNorm):
            nn.init.constant_(m.bias, 0)
            nn.init.constant_(m.weight, 1.0)

    def forward(self, x):
        x = self.patch_embed(x)
        cls_tokens = self.cls_token.expand(x.shape[0], -1, -1)
        x = torch.cat((cls_tokens, x), dim=1)
        x = x + self.pos_embed
        x = self.blocks(x)
        x = self.norm(x)
        return self.head(x[:, 0])


# the einsum attention equals nn.MultiheadAttention with the same weights
attn = Attention(32, 4)
mha = nn.MultiheadAttention(32, 4, batch_first=True)
with torch.no_grad():
    mha.in_proj_weight.copy_(attn.qkv.weight)
    mha.in_proj_bias.copy_(attn.qkv.bias)
    mha.out_proj.weight.copy_(attn.proj.weight)
    mha.out_proj.bias.copy_(attn.proj.bias)
x = torch.randn(2, 5, 32)
reference, weights = mha(x, x, x, need_weights=True)
assert torch.allclose(attn(x), reference, atol=1e-5), (attn(x) - reference).abs().max()
print("einsum attention matches nn.MultiheadAttention; weights", tuple(weights.shape))

# four classes: a bright quadrant
n = 512
labels = torch.randint(0, 4, (n,))
images = torch.randn(n, 3, 16, 16) * 0.5
for q in range(4):
    r, c = divmod(q, 2)
    images[labels == q, :, r * 8 : (r + 1) * 8, c * 8 : (c + 1) * 8] += 2.0
loader = DataLoader(TensorDataset(images, labels), batch_size=64, shuffle=True)

model = VisionTransformer().to(device)
epochs, warmup = 6, 8
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.05)
total = epochs * len(loader)
scheduler = torch.optim.lr_scheduler.LambdaLR(
    optimizer,
    lambda step: min(1.0, (step + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * step / total)),
)
criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
for epoch in range(epochs):
    model.train()
    correct = 0
    for xb, yb in loader:
        logits = model(xb.to(device))
        loss = criterion(logits, yb.to(device))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
        correct += (logits.argmax(-1) == yb).sum().item()
    print(f"epoch {epoch}: loss {loss.item():.4f} train acc {correct / n:.3f}")
print(f"final loss={loss.item():.4f} train_acc={correct / n:.4f}")
