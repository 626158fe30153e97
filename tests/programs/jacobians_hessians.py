"""The torch.func "Jacobians, Hessians, hvp, vhp, and more" tutorial in small: jacrev and jacfwd
of a function of weights/bias/x checked against a row-by-row vjp loop, batched Jacobians with
vmap, hessian, and torch.autograd.functional.jacobian / hessian for comparison."""

import torch
import torch.nn.functional as F
from torch.func import hessian, jacfwd, jacrev, vjp, vmap

torch.manual_seed(0)


def predict(weight, bias, x):
    return F.linear(x, weight, bias).tanh()


D = 16
weight = torch.randn(D, D)
bias = torch.randn(D)
x = torch.randn(D)

xp = x.clone().requires_grad_()
unit_vectors = torch.eye(D)


def compute_jac(xp):
    jacobian_rows = [
        torch.autograd.grad(predict(weight, bias, xp), xp, vec)[0] for vec in unit_vectors
    ]
    return torch.stack(jacobian_rows)


jacobian = compute_jac(xp)
print(jacobian.shape)
print(jacobian[0])

_, vjp_fn = vjp(predict, weight, bias, x)
ft_jacobian = vmap(vjp_fn)(unit_vectors)[2]
assert torch.allclose(ft_jacobian, jacobian)

ft_jacobian = jacrev(predict, argnums=2)(weight, bias, x)
assert torch.allclose(ft_jacobian, jacobian)

ft_jac_weight, ft_jac_bias = jacrev(predict, argnums=(0, 1))(weight, bias, x)
print(ft_jac_weight.shape, ft_jac_bias.shape)

jacfwd_jacobian = jacfwd(predict, argnums=2)(weight, bias, x)
assert torch.allclose(jacfwd_jacobian, jacobian, atol=1e-6)

hess = hessian(predict, argnums=2)(weight, bias, x)
print(hess.shape)
hess_api = torch.autograd.functional.hessian(lambda x: predict(weight, bias, x).sum(), x)
assert torch.allclose(hessian(lambda x: predict(weight, bias, x).sum())(x), hess_api, atol=1e-5)

batch_size = 8
xs = torch.randn(batch_size, D)
compute_batch_jacobian = vmap(jacrev(predict, argnums=2), in_dims=(None, None, 0))
batch_jacobian0 = compute_batch_jacobian(weight, bias, xs)
api_jacobian = torch.autograd.functional.jacobian(lambda x: predict(weight, bias, x), xs[0])
assert torch.allclose(batch_jacobian0[0], api_jacobian, atol=1e-6)
print(f"final batch_jacobian={tuple(batch_jacobian0.shape)} hessian={tuple(hess.shape)}")
