"""Fit a cubic polynomial to sin(x) with raw autograd: tensors, backward() and no_grad() updates.

python examples/fit_sine.py
"""

import math
import time

import ferrograd as fg


def main(steps: int = 2000, learning_rate: float = 1e-6) -> float:
    fg.manual_seed(0)
    x = fg.linspace(-math.pi, math.pi, 2000)
    y = x.sin()
    a, b, c, d = (fg.randn((), requires_grad=True) for _ in range(4))

    start = time.perf_counter()
    for step in range(steps):
        prediction = a + b * x + c * x**2 + d * x**3
        loss = ((prediction - y) ** 2).sum()
        if step % 200 == 199:
            print(f"step {step + 1:5d}  loss {loss.item():10.4f}")
        loss.backward()
        with fg.no_grad():
            for coefficient in (a, b, c, d):
                coefficient -= learning_rate * coefficient.grad
                coefficient.grad = None
    elapsed = time.perf_counter() - start
    print(
        f"\nResult: y = {a.item():.4f} + {b.item():.4f} x + {c.item():.4f} x^2 + {d.item():.4f} x^3"
    )
    print(f"final loss {loss.item():.4f} after {steps} steps in {elapsed:.2f} s")
    return loss.item()


if __name__ == "__main__":
    main()
