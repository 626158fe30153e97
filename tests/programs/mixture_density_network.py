"""A mixture density network (Bishop 1994) with torch.distributions, as the common PyTorch
write-ups do: the inverted-sine problem, heads for mixture logits / means / log-stds, a
MixtureSameFamily(Categorical(logits=...), Independent(Normal(...), 1)) whose -log_prob is the
loss, sampling from the fitted mixture; also Normal.rsample and kl_divergence checks."""

import numpy as np
import torch
import torch.distributions as D
import torch.nn as nn

torch.manual_seed(0)
rng = np.random.default_rng(0)
n = 1000
y_np = rng.uniform(-10.5, 10.5, (n, 1)).astype(np.float32)
x_np = (np.sin(0.75 * y_np) * 7.0 + y_np * 0.5 + rng.normal(size=(n, 1)) * 1.0).astype(np.float32)
x = torch.from_numpy(x_np) / 10
y = torch.from_numpy(y_np) / 10


class MDN(nn.Module):
    def __init__(self, n_hidden=32, n_gaussians=5):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(1, n_hidden), nn.Tanh(), nn.Linear(n_hidden, n_hidden), nn.Tanh()
        )
        self.logits = nn.Linear(n_hidden, n_gaussians)
        self.mu = nn.Linear(n_hidden, n_gaussians)
        self.log_sigma = nn.Linear(n_hidden, n_gaussians)

    def forward(self, x):
        h = self.body(x)
        mix = D.Categorical(logits=self.logits(h))
        comp = D.Independent(
            D.Normal(self.mu(h).unsqueeze(-1), self.log_sigma(h).exp().unsqueeze(-1)), 1
        )
        return D.MixtureSameFamily(mix, comp)


model = MDN()
optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
for epoch in range(400):
    dist = model(x)
    loss = -dist.log_prob(y).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if epoch % 100 == 0:
        print(f"epoch {epoch}: nll {loss.item():.4f}")

with torch.no_grad():
    x_test = torch.linspace(-1, 1, 200).unsqueeze(1)
    samples = model(x_test).sample()
print("samples", tuple(samples.shape))

mu = torch.zeros(3, requires_grad=True)
q = D.Normal(mu, torch.ones(3))
z = q.rsample((100,))
z.pow(2).mean().backward()
p = D.Normal(torch.zeros(3), 2 * torch.ones(3))
kl = D.kl_divergence(q, p).sum().item()
expected_kl = 3 * (np.log(2) + 1 / 8 - 0.5)
assert abs(kl - expected_kl) < 1e-5 and mu.grad is not None
print(f"final nll={loss.item():.4f} kl={kl:.4f}")
