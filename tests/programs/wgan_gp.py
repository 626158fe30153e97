"""WGAN-GP (Gulrajani et al.) on a 2-D ring of Gaussians, as the common PyTorch implementations
write it: a gradient penalty from torch.autograd.grad(outputs=..., inputs=interpolates,
grad_outputs=torch.ones(...), create_graph=True, retain_graph=True, only_inputs=True)[0],
gradients.norm(2, dim=1), n_critic critic steps per generator step, Adam(betas=(0.5, 0.9))."""

import math

import torch
import torch.nn as nn
import torch.optim as optim

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
LAMBDA = 10
BATCH_SIZE = 128
N_CRITIC = 5
ITERS = 200


def sample_ring(n):
    k = torch.randint(0, 8, (n,))
    angle = k.float() * (2 * math.pi / 8)
    centres = torch.stack([torch.cos(angle), torch.sin(angle)], dim=1) * 2
    return centres + 0.05 * torch.randn(n, 2)


netG = nn.Sequential(
    nn.Linear(2, 64), nn.ReLU(True), nn.Linear(64, 64), nn.ReLU(True), nn.Linear(64, 2)
).to(device)
netD = nn.Sequential(
    nn.Linear(2, 64), nn.ReLU(True), nn.Linear(64, 64), nn.ReLU(True), nn.Linear(64, 1)
).to(device)


def calc_gradient_penalty(netD, real_data, fake_data):
    alpha = torch.rand(BATCH_SIZE, 1)
    alpha = alpha.expand(real_data.size()).to(device)
    interpolates = alpha * real_data + ((1 - alpha) * fake_data)
    interpolates = interpolates.to(device)
    interpolates.requires_grad_(True)
    disc_interpolates = netD(interpolates)
    gradients = torch.autograd.grad(
        outputs=disc_interpolates,
        inputs=interpolates,
        grad_outputs=torch.ones(disc_interpolates.size(), device=device),
        create_graph=True,
        retain_graph=True,
        only_inputs=True,
    )[0]
    gradient_penalty = ((gradients.norm(2, dim=1) - 1) ** 2).mean() * LAMBDA
    return gradient_penalty


optimizerD = optim.Adam(netD.parameters(), lr=1e-4, betas=(0.5, 0.9))
optimizerG = optim.Adam(netG.parameters(), lr=1e-4, betas=(0.5, 0.9))
one = torch.tensor(1, dtype=torch.float)
mone = one * -1

for iteration in range(ITERS):
    for p in netD.parameters():
        p.requires_grad = True
    for iter_d in range(N_CRITIC):
        real_data = sample_ring(BATCH_SIZE).to(device)
        netD.zero_grad()
        D_real = netD(real_data).mean()
        D_real.backward(mone)
        noise = torch.randn(BATCH_SIZE, 2, device=device)
        with torch.no_grad():
            fake = netG(noise)
        D_fake = netD(fake).mean()
        D_fake.backward(one)
        gradient_penalty = calc_gradient_penalty(netD, real_data, fake)
        gradient_penalty.backward()
        D_cost = D_fake - D_real + gradient_penalty
        Wasserstein_D = D_real - D_fake
        optimizerD.step()

    for p in netD.parameters():
        p.requires_grad = False
    netG.zero_grad()
    noise = torch.randn(BATCH_SIZE, 2, device=device)
    fake = netG(noise)
    G = netD(fake).mean()
    G.backward(mone)
    G_cost = -G
    optimizerG.step()
    if iteration % 50 == 0:
        print(
            f"iter {iteration}: D_cost {D_cost.item():.4f} G_cost {G_cost.item():.4f} W_D {Wasserstein_D.item():.4f} GP {gradient_penalty.item():.4f}"
        )

with torch.no_grad():
    samples = netG(torch.randn(1000, 2, device=device))
radius = samples.norm(dim=1).mean().item()
print(
    f"final wasserstein={Wasserstein_D.item():.4f} gp={gradient_penalty.item():.4f} mean_radius={radius:.4f}"
)
