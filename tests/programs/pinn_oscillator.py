"""A physics-informed network for the damped harmonic oscillator (the "PINNs in PyTorch"
blog/workshop version): u'' + mu u' + k u = 0, derivatives of the network output with
torch.autograd.grad(create_graph=True), a boundary loss and a physics loss at collocation
points, Adam; compared to the exact solution."""

import numpy as np
import torch
import torch.nn as nn


def exact_solution(d, w0, t):
    """Under-damped oscillator: u(0) = 1, u'(0) = 0."""
    assert d < w0
    w = np.sqrt(w0**2 - d**2)
    phi = np.arctan(-d / w)
    A = 1 / (2 * np.cos(phi))
    cos = torch.cos(phi + w * t)
    exp = torch.exp(-d * t)
    u = exp * 2 * A * cos
    return u


class FCN(nn.Module):
    "Defines a standard fully-connected network in PyTorch"

    def __init__(self, N_INPUT, N_OUTPUT, N_HIDDEN, N_LAYERS):
        super().__init__()
        activation = nn.Tanh
        self.fcs = nn.Sequential(*[nn.Linear(N_INPUT, N_HIDDEN), activation()])
        self.fch = nn.Sequential(
            *[
                nn.Sequential(*[nn.Linear(N_HIDDEN, N_HIDDEN), activation()])
                for _ in range(N_LAYERS - 1)
            ]
        )
        self.fce = nn.Linear(N_HIDDEN, N_OUTPUT)

    def forward(self, x):
        x = self.fcs(x)
        x = self.fch(x)
        x = self.fce(x)
        return x


torch.manual_seed(123)
pinn = FCN(1, 1, 32, 3)

t_boundary = torch.tensor(0.0).view(-1, 1).requires_grad_(True)
t_physics = torch.linspace(0, 1, 30).view(-1, 1).requires_grad_(True)

d, w0 = 2, 20
mu, k = 2 * d, w0**2
t_test = torch.linspace(0, 1, 300).view(-1, 1)
u_exact = exact_solution(d, w0, t_test)
optimiser = torch.optim.Adam(pinn.parameters(), lr=1e-3)
for i in range(3001):
    optimiser.zero_grad()

    lambda1, lambda2 = 1e-1, 1e-4

    u = pinn(t_boundary)
    loss1 = (torch.squeeze(u) - 1) ** 2
    dudt = torch.autograd.grad(u, t_boundary, torch.ones_like(u), create_graph=True)[0]
    loss2 = (torch.squeeze(dudt) - 0) ** 2

    u = pinn(t_physics)
    dudt = torch.autograd.grad(u, t_physics, torch.ones_like(u), create_graph=True)[0]
    d2udt2 = torch.autograd.grad(dudt, t_physics, torch.ones_like(dudt), create_graph=True)[0]
    loss3 = torch.mean((d2udt2 + mu * dudt + k * u) ** 2)

    loss = loss1 + lambda1 * loss2 + lambda2 * loss3
    loss.backward()
    optimiser.step()

    if i % 500 == 0:
        print(
            f"step {i}: loss {loss.item():.6f} ({loss1.item():.2e}, {loss2.item():.2e}, {loss3.item():.2e})"
        )

with torch.no_grad():
    u = pinn(t_test)
error = torch.mean(torch.abs(u - u_exact)).item()
print(f"final loss={loss.item():.6f} mean_abs_error={error:.4f}")
