from __future__ import annotations
from typing_extensions import assert_type
import ferrograd
import ferrograd.nn.functional as F
from ferrograd import Tensor, nn, optim
from ferrograd.optim.lr_scheduler import StepLR

class Net(nn.Module):
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

def run() -> None:
    net = Net()
    images = ferrograd.randn(2, 1, 8, 8)
    tokens = ferrograd.randint(0, 10, (2, 3))
    out = net(images, tokens)
    loss = nn.CrossEntropyLoss()(out, ferrograd.tensor([0, 1]))
    assert_type(loss, Tensor)
    opt = optim.AdamW(net.parameters(), lr=1e-3, weight_decay=0.01)
    sched = StepLR(opt, step_size=10, gamma=0.5)
    (g,) = ferrograd.autograd.grad(loss, [net.scale], retain_graph=True)
    assert_type(g, Tensor)
    loss.backward()
    nn.utils.clip_grad_norm_(net.parameters(), 1.0)
    opt.step(); sched.step()
    p = F.softmax(out, dim=-1)
    assert_type(p.argmax(dim=1), Tensor)
    ferrograd.save(net.state_dict(), "/tmp/x.pt")
    net.load_state_dict(ferrograd.load("/tmp/x.pt"))
    with ferrograd.inference_mode():
        y = net(images, tokens)
    print(y.detach().cpu().numpy().shape, sched.get_last_lr())
    x = ferrograd.linspace(0, 1, 5, dtype=ferrograd.float64)
    print(ferrograd.linalg.norm(x), ferrograd.special.expit(x))
run()
