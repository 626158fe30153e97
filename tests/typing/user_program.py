"""A small training program written as a user would, checked by mypy --strict and pyright
(tests/test_typing.py): it must type-check with no errors, and the ``assert_type`` lines pin
the types the stubs and annotations give."""

from __future__ import annotations

from typing import assert_type

import ferrograd
import ferrograd.nn.functional as F
from ferrograd import Size, Tensor, nn, optim
from ferrograd.utils.data import DataLoader, TensorDataset


class TwoLayer(nn.Module):
    def __init__(self, features: int, hidden: int) -> None:
        super().__init__()
        self.first = nn.Linear(features, hidden)
        self.second = nn.Linear(hidden, 1)

    def forward(self, x: Tensor) -> Tensor:
        return self.second(F.relu(self.first(x)))


def tensors_and_autograd() -> float:
    x = ferrograd.randn(3, requires_grad=True)
    assert_type(x, Tensor)
    assert_type(x.sum(), Tensor)
    assert_type(x.shape, Size)
    assert_type(x.size(), Size)
    assert_type(x.size(0), int)
    assert_type(x.dim(), int)
    assert_type(x.dtype, ferrograd.dtype)
    assert_type(x.device, ferrograd.device)
    assert_type(x.requires_grad, bool)
    assert_type(x.item(), int | float | bool)
    assert_type(x.max(), Tensor)
    assert_type(x.max(dim=0).values, Tensor)
    assert_type(x.max(0).indices, Tensor)
    values, indices = x.sort(descending=True)
    assert_type(values, Tensor)
    assert_type(indices, Tensor)
    assert_type(x.chunk(3), tuple[Tensor, ...])
    assert_type(x.tolist(), object) if False else None

    y = (x * 2 + 1).exp().mean()
    y.backward()
    grad = x.grad
    assert_type(grad, Tensor | None)
    assert grad is not None
    z = ferrograd.matmul(ferrograd.ones(2, 3), ferrograd.zeros(3, 4, dtype=ferrograd.float64))
    assert_type(z, Tensor)
    assert_type(ferrograd.cat([x, x], dim=0), Tensor)
    assert_type(ferrograd.max(x, dim=0).values, Tensor)
    assert_type(ferrograd.float32, ferrograd.dtype)
    return float(grad.sum().item()) + z.shape[0]


def train() -> float:
    ferrograd.manual_seed(0)
    inputs = ferrograd.randn(32, 4)
    targets = inputs.sum(dim=1, keepdim=True)
    loader = DataLoader(TensorDataset(inputs, targets), batch_size=8, shuffle=True)

    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
    assert_type(model(inputs), Tensor)
    assert_type(nn.Linear(4, 2)(inputs), Tensor)
    two_layer = TwoLayer(4, 8)
    assert_type(two_layer.forward(inputs), Tensor)
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
            last = loss.item()
        adam.zero_grad()
    for parameter in model.parameters():
        assert_type(parameter, nn.Parameter)
    state = model.state_dict()
    model.load_state_dict(state)
    with ferrograd.no_grad():
        prediction = model(inputs)
        assert_type(prediction.requires_grad, bool)
    model.eval()
    return float(last)


if __name__ == "__main__":
    print(tensors_and_autograd(), train())
