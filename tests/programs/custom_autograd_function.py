"""The "Extending PyTorch" / "Defining new autograd functions" idioms: a LinearFunction with
ctx.save_for_backward and ctx.needs_input_grad, a MulConstant with a non-tensor argument, a
function with ctx.mark_non_differentiable, torch.autograd.gradcheck / gradgradcheck in double
precision, and a custom Function used inside an nn.Module trained with SGD."""

import torch
import torch.nn as nn
from torch.autograd import Function, gradcheck, gradgradcheck


class LinearFunction(Function):
    @staticmethod
    def forward(ctx, input, weight, bias=None):
        ctx.save_for_backward(input, weight, bias)
        output = input.mm(weight.t())
        if bias is not None:
            output += bias.unsqueeze(0).expand_as(output)
        return output

    @staticmethod
    def backward(ctx, grad_output):
        input, weight, bias = ctx.saved_tensors
        grad_input = grad_weight = grad_bias = None
        if ctx.needs_input_grad[0]:
            grad_input = grad_output.mm(weight)
        if ctx.needs_input_grad[1]:
            grad_weight = grad_output.t().mm(input)
        if bias is not None and ctx.needs_input_grad[2]:
            grad_bias = grad_output.sum(0)
        return grad_input, grad_weight, grad_bias


class MulConstant(Function):
    @staticmethod
    def forward(ctx, tensor, constant):
        ctx.constant = constant
        return tensor * constant

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * ctx.constant, None


class SortWithIndices(Function):
    @staticmethod
    def forward(ctx, x):
        sorted_x, idx = x.sort()
        ctx.mark_non_differentiable(idx)
        ctx.save_for_backward(idx)
        return sorted_x, idx

    @staticmethod
    def backward(ctx, g1, g2):
        (idx,) = ctx.saved_tensors
        grad_input = torch.zeros_like(g1)
        grad_input.index_add_(0, idx, g1)
        return grad_input


class MyCube(Function):
    @staticmethod
    def forward(ctx, x):
        result = x**3
        dx = 3 * x**2
        ctx.save_for_backward(x, dx)
        return result, dx

    @staticmethod
    def backward(ctx, grad_output, grad_dx):
        x, dx = ctx.saved_tensors
        result = grad_output * dx + grad_dx * 6 * x
        return result


linear = LinearFunction.apply
input = (
    torch.randn(20, 20, dtype=torch.double, requires_grad=True),
    torch.randn(30, 20, dtype=torch.double, requires_grad=True),
)
test = gradcheck(linear, input, eps=1e-6, atol=1e-4)
print("LinearFunction gradcheck:", test)

x = torch.randn(5, dtype=torch.double, requires_grad=True)
print("MulConstant gradcheck:", gradcheck(lambda t: MulConstant.apply(t, 3.5), (x,)))

x = torch.randn(6, dtype=torch.double, requires_grad=True)
sorted_x, idx = SortWithIndices.apply(x)
print("indices require grad:", idx.requires_grad)
print("Sort gradcheck:", gradcheck(lambda t: SortWithIndices.apply(t)[0], (x,)))

x = torch.randn(4, dtype=torch.double, requires_grad=True)
print("MyCube gradgradcheck:", gradgradcheck(lambda t: MyCube.apply(t)[0], (x,)))


class MyLinear(nn.Module):
    def __init__(self, input_features, output_features, bias=True):
        super().__init__()
        self.input_features = input_features
        self.output_features = output_features
        self.weight = nn.Parameter(torch.empty(output_features, input_features))
        if bias:
            self.bias = nn.Parameter(torch.empty(output_features))
        else:
            self.register_parameter("bias", None)
        self.weight.data.uniform_(-0.1, 0.1)
        if self.bias is not None:
            self.bias.data.uniform_(-0.1, 0.1)

    def forward(self, input):
        return LinearFunction.apply(input, self.weight, self.bias)

    def extra_repr(self):
        return f"input_features={self.input_features}, output_features={self.output_features}, bias={self.bias is not None}"


torch.manual_seed(0)
model = nn.Sequential(MyLinear(3, 16), nn.Tanh(), MyLinear(16, 1))
print(model)
X = torch.randn(256, 3)
Y = (X[:, :1] * 2 - X[:, 1:2] ** 2 + 0.5 * X[:, 2:]).tanh()
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
for step in range(300):
    opt.zero_grad()
    loss = nn.functional.mse_loss(model(X), Y)
    loss.backward()
    opt.step()
print(f"final loss={loss.item():.5f} checks={int(test)}")
