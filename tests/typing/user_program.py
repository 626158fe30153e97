"""A small training program written as a user would write it. tests/test_typing.py runs
``mypy --strict`` and ``pyright`` on this directory: both must report no error, and each
``assert_type`` below pins a type that the stubs and annotations give (a wrong or missing type
is an error). It also runs, so it stays a real program."""

from __future__ import annotations

import io
from typing import Any

from typing_extensions import assert_type

import ferrograd
import ferrograd.nn.functional as F
from ferrograd import Size, Tensor, nn, optim
from ferrograd.optim.lr_scheduler import StepLR
from ferrograd.utils.data import DataLoader, TensorDataset


class TwoLayer(nn.Module):
    def __init__(self, features: int, hidden: int) -> None:
        super().__init__()
        self.first = nn.Linear(features, hidden)
        self.second = nn.Linear(hidden, 1)

    def forward(self, x: Tensor) -> Tensor:
        return self.second(F.relu(self.first(x)))


class ConvNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(1, 4, kernel_size=3, padding=1)
        self.embed = nn.Embedding(10, 4)
        self.scale = nn.Parameter(ferrograd.ones(1))
        self.norm = nn.LayerNorm(4)
        self.drop = nn.Dropout(0.1)
        self.blocks = nn.ModuleList([nn.Linear(4, 4) for _ in range(2)])

    def forward(self, images: Tensor, tokens: Tensor) -> Tensor:
        h = self.conv(images).mean(dim=(2, 3))
        h = h + self.embed(tokens).sum(1)
        for block in self.blocks:
            h = block(h)
        return self.drop(self.norm(h)) * self.scale


def tensor_types() -> float:
    x = ferrograd.randn(3, requires_grad=True)
    assert_type(x, Tensor)
    assert_type(x.sum(), Tensor)
    assert_type(x.sum(dim=0, keepdim=True), Tensor)
    assert_type(x.shape, Size)
    assert_type(x.shape[0], int)
    assert_type(x.size(), Size)
    assert_type(x.size(0), int)
    assert_type(x.dim(), int)
    assert_type(x.numel(), int)
    assert_type(x.dtype, ferrograd.dtype)
    assert_type(x.device, ferrograd.device)
    assert_type(x.requires_grad, bool)
    assert_type(x.is_leaf, bool)
    assert_type(x.sum().item(), int | float | bool)
    assert_type(x.max(), Tensor)
    assert_type(x.max(dim=0).values, Tensor)
    assert_type(x.max(0).indices, Tensor)
    smallest, where_smallest = x.min(dim=0, keepdim=True)
    assert_type(smallest, Tensor)
    assert_type(where_smallest, Tensor)
    assert_type(x.sort(descending=True).values, Tensor)
    assert_type(x.topk(2).indices, Tensor)
    assert_type(x.chunk(3), tuple[Tensor, ...])
    assert_type(x.to(ferrograd.float64), Tensor)
    assert_type(x.to("cpu"), Tensor)
    assert_type(x.view(3, 1), Tensor)
    assert_type(x.reshape((1, 3)), Tensor)
    assert_type(x[0], Tensor)
    assert_type(x @ x, Tensor)
    assert_type(2 * x + 1, Tensor)
    assert_type(x > 0, Tensor)
    assert_type(ferrograd.float32, ferrograd.dtype)
    assert_type(ferrograd.max(x, dim=0).values, Tensor)
    assert_type(ferrograd.cat([x, x], dim=0), Tensor)
    assert_type(ferrograd.stack((x, x)), Tensor)
    assert_type(ferrograd.where(x > 0, x, 0.0), Tensor)
    assert_type(ferrograd.tensor([1, 2]), Tensor)
    return float(x.detach().sum().item())


def autograd_step() -> float:
    x = ferrograd.randn(3, requires_grad=True)
    w = ferrograd.ones(3, 3, dtype=ferrograd.float32)
    y = ((w @ x) * 2 + 1).exp().mean()
    y.backward()
    grad = x.grad
    assert_type(grad, Tensor | None)
    assert grad is not None
    with ferrograd.no_grad():
        x -= 0.1 * grad
        assert_type(ferrograd.is_grad_enabled(), bool)
    x.grad = None
    return float(grad.norm().item())


@ferrograd.no_grad()
def evaluate(model: nn.Module, inputs: Tensor) -> Tensor:
    output: Tensor = model(inputs)
    return output


def train() -> float:
    ferrograd.manual_seed(0)
    inputs = ferrograd.randn(32, 4)
    targets = inputs.sum(dim=1, keepdim=True)
    loader: DataLoader[tuple[Tensor, ...]]
    loader = DataLoader(TensorDataset(inputs, targets), batch_size=8, shuffle=True)

    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
    assert_type(model(inputs), Tensor)
    assert_type(nn.Linear(4, 2)(inputs), Tensor)
    two_layer = TwoLayer(4, 8)
    assert_type(two_layer.forward(inputs), Tensor)
    assert_type(model.train(), nn.Sequential)
    assert_type(model[0], nn.Module)
    assert_type(model[1:], nn.Sequential)
    assert_type(nn.Linear(4, 2).bias, nn.Parameter | None)
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    adam = optim.Adam(two_layer.parameters(), lr=1e-3)
    loss_fn = nn.MSELoss()

    last = 0.0
    for epoch in range(2):
        for batch_inputs, batch_targets in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(batch_inputs), batch_targets)
            assert_type(loss, Tensor)
            loss.backward()
            optimizer.step()
            last = loss.item() + epoch * 0
        adam.zero_grad()
        adam_loss = F.mse_loss(two_layer(inputs), targets)
        adam_loss.backward()
        adam.step()
    assert_type(optimizer.param_groups[0]["lr"], Any)
    for parameter in model.parameters():
        assert_type(parameter, nn.Parameter)
    for name, tensor in model.named_parameters():
        assert_type(name, str)
        assert_type(tensor, nn.Parameter)
    model.load_state_dict(model.state_dict())
    model.eval()
    prediction = evaluate(model, inputs)
    assert not prediction.requires_grad
    return float(last)


def more_layers() -> list[float]:
    net = ConvNet()
    images = ferrograd.randn(2, 1, 8, 8)
    tokens = ferrograd.randint(0, 10, (2, 3))
    logits = net(images, tokens)
    loss = nn.CrossEntropyLoss()(logits, ferrograd.tensor([0, 1]))
    assert_type(loss, Tensor)
    optimizer = optim.AdamW(net.parameters(), lr=1e-3, weight_decay=0.01)
    schedule = StepLR(optimizer, step_size=10, gamma=0.5)
    (grad_scale,) = ferrograd.autograd.grad(loss, [net.scale], retain_graph=True)
    assert_type(grad_scale, Tensor)
    loss.backward()
    assert_type(nn.utils.clip_grad_norm_(net.parameters(), 1.0), Tensor)
    optimizer.step()
    schedule.step()
    assert_type(F.softmax(logits, dim=-1).argmax(dim=1), Tensor)
    buffer = io.BytesIO()
    ferrograd.save(net.state_dict(), buffer)
    buffer.seek(0)
    net.load_state_dict(ferrograd.load(buffer))
    with ferrograd.inference_mode():
        # a user's Module subclass returns Any when called, as in PyTorch; forward is typed
        prediction = net.forward(images, tokens)
        assert_type(prediction.detach().cpu().numpy().shape, tuple[int, ...])
    x = ferrograd.linspace(0, 1, 5, dtype=ferrograd.float64)
    assert_type(ferrograd.linalg.norm(x), Tensor)
    assert_type(ferrograd.linalg.qr(ferrograd.eye(3)).Q, Tensor)
    assert_type(ferrograd.special.expit(x), Tensor)
    return schedule.get_last_lr()


if __name__ == "__main__":
    print(tensor_types(), autograd_step(), train(), more_layers())
