"""A character-level language model with ``nn.LSTM``, trained on Jane Austen's *Persuasion*
(shipped in examples/data, public domain), that writes new text at the end.

    python examples/char_lstm.py                # 2-layer LSTM, 300 steps (several minutes)
    python examples/char_lstm.py --steps 3000   # longer: recognisable words and punctuation
    python examples/char_lstm.py --quick        # a tiny model for a few seconds (the tests run it)

It prints the training and held-out loss as it goes, then samples text from the model one
character at a time, carrying the LSTM's state. The model and the loop use only names that
PyTorch has (``import ferrograd as torch``).
"""

from __future__ import annotations

import char_corpus

import ferrograd as torch
import ferrograd.nn as nn

SIZES = {
    "full": dict(embedding=64, hidden=256, layers=2, dropout=0.2, batch=32, length=64, lr=3e-3),
    "quick": dict(embedding=16, hidden=32, layers=1, dropout=0.0, batch=8, length=16, lr=1e-2),
}


class CharLSTM(nn.Module):
    """Embedding -> LSTM -> linear read-out of the next character's logits."""

    def __init__(self, vocab_size, embedding, hidden, layers, dropout):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embedding)
        self.lstm = nn.LSTM(embedding, hidden, num_layers=layers, dropout=dropout, batch_first=True)
        self.head = nn.Linear(hidden, vocab_size)

    def forward(self, x):
        """The next character's logits ``(batch, length, vocab)`` at every position of ``x``."""
        return self.continue_from(x, None)[0]

    def continue_from(self, x, state):
        """Logits for ``x`` read after the LSTM state ``state`` (``None``: from the start), and
        the state after ``x``."""
        out, state = self.lstm(self.embed(x), state)
        return self.head(out), state


def sample(model, corpus, prompt: str, length: int, temperature: float) -> str:
    """``prompt`` followed by ``length`` characters drawn from the model."""
    model.eval()
    ids = list(corpus.encode(prompt).tolist())
    with torch.no_grad():
        logits, state = model.continue_from(torch.tensor([ids]), None)
        for _ in range(length):
            ids.append(char_corpus.pick(torch, logits[0, -1], temperature))
            logits, state = model.continue_from(torch.tensor([[ids[-1]]]), state)
    return corpus.decode(ids)


def main(argv=None) -> dict:
    return char_corpus.run_example(torch, __doc__, argv, SIZES, CharLSTM, sample)


if __name__ == "__main__":
    main()
