"""A physics-informed network for the 1-D heat equation u_t = alpha u_xx on [0, 1] x [0, 0.5] with
u(x, 0) = sin(pi x) and zero ends: inputs concatenated with torch.cat, first and second
derivatives by autograd.grad, an Adam warm-up then LBFGS with strong-Wolfe line search, error
against the closed form exp(-alpha pi^2 t) sin(pi x)."""

import math

import torch
import torch.nn as nn

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)
alpha = 0.1


class PINN(nn.Module):
    def __init__(self, layers):
        super().__init__()
        modules = []
        for i in range(len(layers) - 2):
            modules += [nn.Linear(layers[i], layers[i + 1]), nn.Tanh()]
        modules.append(nn.Linear(layers[-2], layers[-1]))
        self.net = nn.Sequential(*modules)
        for m in self.net:
            if isinstance(m, nn.Linear):
                nn.init.xavier_normal_(m.weight)
                nn.init.zeros_(m.bias)

    def forward(self, x, t):
        return self.net(torch.cat([x, t], dim=1))


def pde_residual(model, x, t):
    x.requires_grad_(True)
    t.requires_grad_(True)
    u = model(x, t)
    u_t = torch.autograd.grad(u, t, grad_outputs=torch.ones_like(u), create_graph=True)[0]
    u_x = torch.autograd.grad(u, x, grad_outputs=torch.ones_like(u), create_graph=True)[0]
    u_xx = torch.autograd.grad(u_x, x, grad_outputs=torch.ones_like(u_x), create_graph=True)[0]
    return u_t - alpha * u_xx


n_f, n_b = 400, 50
x_f = torch.rand(n_f, 1)
t_f = torch.rand(n_f, 1) * 0.5
x_0 = torch.rand(n_b, 1)
t_0 = torch.zeros(n_b, 1)
u_0 = torch.sin(math.pi * x_0)
t_b = torch.rand(n_b, 1) * 0.5
x_left, x_right = torch.zeros(n_b, 1), torch.ones(n_b, 1)

model = PINN([2, 20, 20, 20, 1])
mse = nn.MSELoss()


def compute_loss():
    loss_f = torch.mean(pde_residual(model, x_f, t_f) ** 2)
    loss_0 = mse(model(x_0, t_0), u_0)
    loss_b = torch.mean(model(x_left, t_b) ** 2) + torch.mean(model(x_right, t_b) ** 2)
    return loss_f + loss_0 + loss_b


adam = torch.optim.Adam(model.parameters(), lr=1e-2)
for epoch in range(300):
    adam.zero_grad()
    loss = compute_loss()
    loss.backward()
    adam.step()
    if epoch % 100 == 0:
        print(f"adam epoch {epoch}: loss {loss.item():.3e}")

lbfgs = torch.optim.LBFGS(
    model.parameters(), lr=1.0, max_iter=200, history_size=50, line_search_fn="strong_wolfe"
)


def closure():
    lbfgs.zero_grad()
    loss = compute_loss()
    loss.backward()
    return loss


lbfgs.step(closure)
final_loss = compute_loss().item()
print(f"after LBFGS: loss {final_loss:.3e}")

x_test = torch.linspace(0, 1, 21).repeat(11).view(-1, 1)
t_test = torch.linspace(0, 0.5, 11).repeat_interleave(21).view(-1, 1)
with torch.no_grad():
    u_pred = model(x_test, t_test)
u_true = torch.exp(-alpha * math.pi**2 * t_test) * torch.sin(math.pi * x_test)
rel_l2 = (torch.linalg.norm(u_pred - u_true) / torch.linalg.norm(u_true)).item()
print(f"final loss={final_loss:.3e} rel_l2={rel_l2:.4f}")
