"""A denoising diffusion model (DDPM, Ho et al. 2020) on 2-D "two moons" points, as the minimal
PyTorch diffusion tutorials write it: a linear beta schedule, alphas_cumprod by torch.cumprod,
q_sample with .gather on the schedule, a sinusoidal timestep embedding, an MLP noise predictor
trained with MSE on the noise, and ancestral sampling in a reversed loop under no_grad."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import make_moons

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

X, _ = make_moons(n_samples=2000, noise=0.05, random_state=0)
data = torch.tensor(X, dtype=torch.float32, device=device)
data = (data - data.mean(0)) / data.std(0)

T = 100
betas = torch.linspace(1e-4, 0.05, T, device=device)
alphas = 1.0 - betas
alphas_cumprod = torch.cumprod(alphas, dim=0)
alphas_cumprod_prev = F.pad(alphas_cumprod[:-1], (1, 0), value=1.0)
sqrt_alphas_cumprod = torch.sqrt(alphas_cumprod)
sqrt_one_minus_alphas_cumprod = torch.sqrt(1.0 - alphas_cumprod)
posterior_variance = betas * (1.0 - alphas_cumprod_prev) / (1.0 - alphas_cumprod)


def extract(a, t, x_shape):
    batch_size = t.shape[0]
    out = a.gather(-1, t)
    return out.reshape(batch_size, *((1,) * (len(x_shape) - 1)))


def q_sample(x_start, t, noise=None):
    if noise is None:
        noise = torch.randn_like(x_start)
    return (
        extract(sqrt_alphas_cumprod, t, x_start.shape) * x_start
        + extract(sqrt_one_minus_alphas_cumprod, t, x_start.shape) * noise
    )


class SinusoidalPositionEmbeddings(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dim = dim

    def forward(self, time):
        half_dim = self.dim // 2
        embeddings = math.log(10000) / (half_dim - 1)
        embeddings = torch.exp(torch.arange(half_dim, device=time.device) * -embeddings)
        embeddings = time[:, None] * embeddings[None, :]
        return torch.cat((embeddings.sin(), embeddings.cos()), dim=-1)


class Denoiser(nn.Module):
    def __init__(self, hidden=128, time_dim=32):
        super().__init__()
        self.time_mlp = nn.Sequential(
            SinusoidalPositionEmbeddings(time_dim), nn.Linear(time_dim, hidden), nn.SiLU()
        )
        self.inp = nn.Linear(2, hidden)
        self.net = nn.Sequential(
            nn.SiLU(),
            nn.Linear(hidden, hidden),
            nn.SiLU(),
            nn.Linear(hidden, hidden),
            nn.SiLU(),
            nn.Linear(hidden, 2),
        )

    def forward(self, x, t):
        return self.net(self.inp(x) + self.time_mlp(t.float()))


model = Denoiser().to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
losses = []
for step in range(800):
    idx = torch.randint(0, data.shape[0], (256,), device=device)
    x_start = data[idx]
    t = torch.randint(0, T, (x_start.shape[0],), device=device).long()
    noise = torch.randn_like(x_start)
    x_noisy = q_sample(x_start, t, noise)
    predicted_noise = model(x_noisy, t)
    loss = F.mse_loss(noise, predicted_noise)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
    if step % 200 == 0:
        print(f"step {step}: loss {loss.item():.4f}")


@torch.no_grad()
def p_sample_loop(shape):
    x = torch.randn(shape, device=device)
    for i in reversed(range(0, T)):
        t = torch.full((shape[0],), i, device=device, dtype=torch.long)
        betas_t = extract(betas, t, x.shape)
        sqrt_one_minus_alphas_cumprod_t = extract(sqrt_one_minus_alphas_cumprod, t, x.shape)
        sqrt_recip_alphas_t = extract(torch.sqrt(1.0 / alphas), t, x.shape)
        model_mean = sqrt_recip_alphas_t * (
            x - betas_t * model(x, t) / sqrt_one_minus_alphas_cumprod_t
        )
        if i == 0:
            x = model_mean
        else:
            posterior_variance_t = extract(posterior_variance, t, x.shape)
            x = model_mean + torch.sqrt(posterior_variance_t) * torch.randn_like(x)
    return x


samples = p_sample_loop((1000, 2))
nearest = torch.cdist(samples, data).min(dim=1).values
print(f"final loss={sum(losses[-100:]) / 100:.4f} median_nn_dist={nearest.median().item():.4f}")
