"""What the character-level language-model examples (``char_lstm.py``, ``tiny_gpt.py``) share:
the text (``examples/data/persuasion.txt``, public domain, see ``examples/data/README.md``) as a
sequence of character ids, random training windows, and the training loop. Written against
PyTorch's API: ``torch`` is whichever library the example passes in."""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import numpy as np

TEXT = Path(__file__).resolve().parent / "data" / "persuasion.txt"


class CharCorpus:
    """The text as character ids; the last tenth is held out for validation."""

    def __init__(self, torch, path: Path = TEXT, seed: int = 0):
        self.torch = torch
        self.text = path.read_text(encoding="utf-8")
        self.chars = sorted(set(self.text))
        self.index = {c: i for i, c in enumerate(self.chars)}
        ids = np.fromiter((self.index[c] for c in self.text), dtype=np.int64, count=len(self.text))
        split = int(0.9 * len(ids))
        self.splits = {"train": ids[:split], "val": ids[split:]}
        self.rng = np.random.default_rng(seed)

    @property
    def vocab_size(self) -> int:
        return len(self.chars)

    def encode(self, text: str):
        return self.torch.tensor([self.index[c] for c in text], dtype=self.torch.int64)

    def decode(self, ids) -> str:
        return "".join(self.chars[i] for i in ids)

    def batch(self, split: str, batch_size: int, length: int):
        """``batch_size`` random windows of ``length`` characters (inputs) and the same windows
        shifted by one (targets), as ``(batch, length)`` int64 tensors."""
        ids = self.splits[split]
        starts = self.rng.integers(0, len(ids) - length - 1, size=batch_size)
        windows = np.stack([ids[s : s + length + 1] for s in starts])
        return self.torch.tensor(windows[:, :-1]), self.torch.tensor(windows[:, 1:])


def train(torch, model, corpus, steps, batch_size, length, lr, log_every, quiet=False):
    """Adam with gradient clipping on next-character cross-entropy, ``logits = model(x)``.
    Prints the training loss (and the held-out loss) every ``log_every`` steps; returns the
    training loss of every step."""
    F = torch.nn.functional
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    start = time.perf_counter()
    for step in range(1, steps + 1):
        model.train()
        x, y = corpus.batch("train", batch_size, length)
        logits = model(x)
        loss = F.cross_entropy(logits.reshape(-1, corpus.vocab_size), y.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        losses.append(loss.item())
        if not quiet and (step % log_every == 0 or step == steps):
            val = evaluate(torch, model, corpus, batch_size, length)
            elapsed = time.perf_counter() - start
            print(
                f"step {step:5d}  loss {np.mean(losses[-log_every:]):.3f}  held-out {val:.3f}  "
                f"({elapsed / step:.2f} s/step)",
                flush=True,
            )
    return losses


def evaluate(torch, model, corpus, batch_size, length, batches: int = 4) -> float:
    """Mean cross-entropy on held-out windows."""
    F = torch.nn.functional
    model.eval()
    total = 0.0
    with torch.no_grad():
        for _ in range(batches):
            x, y = corpus.batch("val", batch_size, length)
            logits = model(x)
            total += F.cross_entropy(logits.reshape(-1, corpus.vocab_size), y.reshape(-1)).item()
    return total / batches


def pick(torch, logits, temperature: float):
    """A character id drawn from ``softmax(logits / temperature)`` (``logits``: one row)."""
    probs = torch.softmax(logits / temperature, dim=-1)
    return int(torch.multinomial(probs, 1).item())


def run_example(torch, doc: str, argv, sizes: dict, build, sample) -> dict:
    """An example's command line and run: ``build(vocab_size, **size)`` makes the model,
    ``sample(model, corpus, prompt, length, temperature)`` writes text with it. ``sizes`` has
    a ``"full"`` and a ``"quick"`` entry, each with ``batch``, ``length`` and ``lr`` besides the
    model's own arguments."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=None, help="training steps (300; quick: 40)")
    parser.add_argument("--quick", action="store_true", help="a tiny model and few steps")
    parser.add_argument("--sample-length", type=int, default=400)
    parser.add_argument("--temperature", type=float, default=0.8)
    parser.add_argument("--prompt", default="Anne ")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    size = dict(sizes["quick" if args.quick else "full"])
    batch, length, lr = size.pop("batch"), size.pop("length"), size.pop("lr")
    steps = args.steps if args.steps is not None else (40 if args.quick else 300)

    torch.manual_seed(args.seed)
    corpus = CharCorpus(torch, seed=args.seed)
    model = build(corpus.vocab_size, **size)
    count = sum(p.numel() for p in model.parameters())
    print(f"{len(corpus.text):,} characters, {corpus.vocab_size} distinct; {count:,} parameters")
    log_every = max(1, steps // 10)
    losses = train(torch, model, corpus, steps, batch, length, lr, log_every, args.quiet)
    text = sample(model, corpus, args.prompt, args.sample_length, args.temperature)
    bits = np.mean(losses[-log_every:]) / math.log(2)
    print(f"\nafter {steps} steps ({bits:.2f} bits per character), the model writes:\n")
    print(text)
    return {"losses": losses, "sample": text, "chars": corpus.chars}
