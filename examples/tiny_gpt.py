"""A small GPT (a decoder-only transformer: ``nn.TransformerEncoder`` layers under a causal mask)
trained on the characters of Jane Austen's *Persuasion* (shipped in examples/data, public
domain), that writes new text at the end.

    python examples/tiny_gpt.py                 # 3 layers, 4 heads, 300 steps (several minutes)
    python examples/tiny_gpt.py --steps 3000    # longer: recognisable words and punctuation
    python examples/tiny_gpt.py --quick         # a tiny model for a few seconds (the tests run it)

It prints the training and held-out loss as it goes, then samples text one character at a time
from the last ``block`` characters. The model and the loop use only names that PyTorch has
(``import ferrograd as torch``).
"""

from __future__ import annotations

import char_corpus

import ferrograd as torch
import ferrograd.nn as nn

SIZES = {
    "full": dict(embed=128, heads=4, layers=3, block=64, dropout=0.1, batch=32, length=64, lr=2e-3),
    "quick": dict(embed=32, heads=2, layers=1, block=16, dropout=0.0, batch=8, length=16, lr=1e-2),
}


class TinyGPT(nn.Module):
    """Token and position embeddings, pre-norm transformer blocks attending only to earlier
    positions, a final LayerNorm and a linear read-out of the next character's logits."""

    def __init__(self, vocab_size, embed, heads, layers, block, dropout):
        super().__init__()
        self.block = block
        self.token = nn.Embedding(vocab_size, embed)
        self.position = nn.Embedding(block, embed)
        layer = nn.TransformerEncoderLayer(
            embed,
            heads,
            dim_feedforward=4 * embed,
            dropout=dropout,
            activation="gelu",
            batch_first=True,
            norm_first=True,
        )
        self.blocks = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(embed)
        self.head = nn.Linear(embed, vocab_size)
        mask = nn.Transformer.generate_square_subsequent_mask(block)
        self.register_buffer("causal_mask", mask, persistent=False)

    def forward(self, ids):
        """The next character's logits ``(batch, length, vocab)`` at every position."""
        length = ids.shape[1]
        x = self.token(ids) + self.position(torch.arange(length))
        x = self.blocks(x, mask=self.causal_mask[:length, :length], is_causal=True)
        return self.head(self.norm(x))


def sample(model, corpus, prompt: str, length: int, temperature: float) -> str:
    """``prompt`` followed by ``length`` characters drawn from the model."""
    model.eval()
    ids = list(corpus.encode(prompt).tolist())
    with torch.no_grad():
        for _ in range(length):
            logits = model(torch.tensor([ids[-model.block :]]))
            ids.append(char_corpus.pick(torch, logits[0, -1], temperature))
    return corpus.decode(ids)


def main(argv=None) -> dict:
    return char_corpus.run_example(torch, __doc__, argv, SIZES, TinyGPT, sample)


if __name__ == "__main__":
    main()
