"""pytorch/examples language_translation (model.py + main.py): a Translator around
nn.Transformer (batch_first=False) with token embeddings scaled by sqrt(emb_size), a sinusoidal
PositionalEncoding buffer, square subsequent masks from
nn.Transformer.generate_square_subsequent_mask, padding masks, CrossEntropyLoss with
ignore_index=PAD, Adam with betas/eps as in the example, pad_sequence collation, and greedy
decoding through encode/decode. A toy "language" (reverse the words, map each word to its
translation) stands in for Multi30k."""

import math
import random

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

torch.manual_seed(0)
random.seed(0)
DEVICE = torch.device("cpu")

UNK_IDX, PAD_IDX, BOS_IDX, EOS_IDX = 0, 1, 2, 3
special_symbols = ["<unk>", "<pad>", "<bos>", "<eos>"]
SRC_WORDS = ["ein", "mann", "frau", "hund", "katze", "sieht", "mag", "den", "die", "das", "rot"]
TGT_WORDS = ["a", "man", "woman", "dog", "cat", "sees", "likes", "the", "the2", "the3", "red"]
src_vocab = special_symbols + SRC_WORDS
tgt_vocab = special_symbols + TGT_WORDS


def make_pair():
    n = random.randint(3, 6)
    words = [random.randrange(len(SRC_WORDS)) for _ in range(n)]
    src = [4 + w for w in words]
    tgt = [4 + w for w in reversed(words)]
    return src, tgt


train_pairs = [make_pair() for _ in range(1200)]
val_pairs = [make_pair() for _ in range(100)]


class PositionalEncoding(nn.Module):
    def __init__(self, emb_size: int, dropout: float, maxlen: int = 5000):
        super().__init__()
        den = torch.exp(-torch.arange(0, emb_size, 2) * math.log(10000) / emb_size)
        pos = torch.arange(0, maxlen).reshape(maxlen, 1)
        pos_embedding = torch.zeros((maxlen, emb_size))
        pos_embedding[:, 0::2] = torch.sin(pos * den)
        pos_embedding[:, 1::2] = torch.cos(pos * den)
        pos_embedding = pos_embedding.unsqueeze(-2)

        self.dropout = nn.Dropout(dropout)
        self.register_buffer("pos_embedding", pos_embedding)

    def forward(self, token_embedding):
        return self.dropout(token_embedding + self.pos_embedding[: token_embedding.size(0), :])


class TokenEmbedding(nn.Module):
    def __init__(self, vocab_size: int, emb_size):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_size)
        self.emb_size = emb_size

    def forward(self, tokens):
        return self.embedding(tokens.long()) * math.sqrt(self.emb_size)


class Translator(nn.Module):
    def __init__(
        self,
        num_encoder_layers,
        num_decoder_layers,
        embed_size,
        num_heads,
        src_vocab_size,
        tgt_vocab_size,
        dim_feedforward,
        dropout,
    ):
        super().__init__()
        self.transformer = nn.Transformer(
            d_model=embed_size,
            nhead=num_heads,
            num_encoder_layers=num_encoder_layers,
            num_decoder_layers=num_decoder_layers,
            dim_feedforward=dim_feedforward,
            dropout=dropout,
        )
        self.ff = nn.Linear(embed_size, tgt_vocab_size)
        self.src_embedding = TokenEmbedding(src_vocab_size, embed_size)
        self.tgt_embedding = TokenEmbedding(tgt_vocab_size, embed_size)
        self.positional_encoding = PositionalEncoding(embed_size, dropout)

    def forward(
        self,
        src,
        trg,
        src_mask,
        tgt_mask,
        src_padding_mask,
        tgt_padding_mask,
        memory_key_padding_mask,
    ):
        src_emb = self.positional_encoding(self.src_embedding(src))
        tgt_emb = self.positional_encoding(self.tgt_embedding(trg))
        outs = self.transformer(
            src_emb,
            tgt_emb,
            src_mask,
            tgt_mask,
            None,
            src_padding_mask,
            tgt_padding_mask,
            memory_key_padding_mask,
        )
        return self.ff(outs)

    def encode(self, src, src_mask):
        embed = self.src_embedding(src)
        pos_encoded = self.positional_encoding(embed)
        return self.transformer.encoder(pos_encoded, src_mask)

    def decode(self, tgt, memory, tgt_mask):
        embed = self.tgt_embedding(tgt)
        pos_encoded = self.positional_encoding(embed)
        return self.transformer.decoder(pos_encoded, memory, tgt_mask)


def generate_square_subsequent_mask(size, device):
    mask = (torch.triu(torch.ones((size, size), device=device)) == 1).transpose(0, 1)
    mask = mask.float().masked_fill(mask == 0, float("-inf")).masked_fill(mask == 1, 0.0)
    return mask


def create_mask(src, tgt, device):
    src_seq_len = src.shape[0]
    tgt_seq_len = tgt.shape[0]

    tgt_mask = generate_square_subsequent_mask(tgt_seq_len, device)
    src_mask = torch.zeros((src_seq_len, src_seq_len), device=device).type(torch.bool)

    src_padding_mask = (src == PAD_IDX).transpose(0, 1)
    tgt_padding_mask = (tgt == PAD_IDX).transpose(0, 1)
    return src_mask, tgt_mask, src_padding_mask, tgt_padding_mask


def tensor_transform(token_ids):
    return torch.cat((torch.tensor([BOS_IDX]), torch.tensor(token_ids), torch.tensor([EOS_IDX])))


def collate_fn(batch):
    src_batch, tgt_batch = [], []
    for src_sample, tgt_sample in batch:
        src_batch.append(tensor_transform(src_sample))
        tgt_batch.append(tensor_transform(tgt_sample))

    src_batch = pad_sequence(src_batch, padding_value=PAD_IDX)
    tgt_batch = pad_sequence(tgt_batch, padding_value=PAD_IDX)
    return src_batch, tgt_batch


def train(model, train_dl, loss_fn, optim, epoch):
    model.train()
    losses = 0
    for idx, (src, tgt) in enumerate(train_dl):
        src = src.to(DEVICE)
        tgt = tgt.to(DEVICE)

        tgt_input = tgt[:-1, :]
        src_mask, tgt_mask, src_padding_mask, tgt_padding_mask = create_mask(src, tgt_input, DEVICE)

        logits = model(
            src, tgt_input, src_mask, tgt_mask, src_padding_mask, tgt_padding_mask, src_padding_mask
        )

        optim.zero_grad()

        tgt_out = tgt[1:, :]
        loss = loss_fn(logits.reshape(-1, logits.shape[-1]), tgt_out.reshape(-1))
        loss.backward()

        optim.step()
        losses += loss.item()
    return losses / len(list(train_dl))


def evaluate(model, val_dl, loss_fn):
    model.eval()
    losses = 0
    with torch.no_grad():
        for idx, (src, tgt) in enumerate(val_dl):
            tgt_input = tgt[:-1, :]
            src_mask, tgt_mask, src_padding_mask, tgt_padding_mask = create_mask(
                src, tgt_input, DEVICE
            )
            logits = model(
                src,
                tgt_input,
                src_mask,
                tgt_mask,
                src_padding_mask,
                tgt_padding_mask,
                src_padding_mask,
            )
            tgt_out = tgt[1:, :]
            loss = loss_fn(logits.reshape(-1, logits.shape[-1]), tgt_out.reshape(-1))
            losses += loss.item()
    return losses / len(list(val_dl))


def greedy_decode(model, src, src_mask, max_len, start_symbol, end_symbol):
    src = src.to(DEVICE)
    src_mask = src_mask.to(DEVICE)

    memory = model.encode(src, src_mask)
    ys = torch.ones(1, 1).fill_(start_symbol).type(torch.long).to(DEVICE)
    for i in range(max_len - 1):
        memory = memory.to(DEVICE)
        tgt_mask = (generate_square_subsequent_mask(ys.size(0), DEVICE).type(torch.bool)).to(DEVICE)
        out = model.decode(ys, memory, tgt_mask)
        out = out.transpose(0, 1)
        prob = model.ff(out[:, -1])
        _, next_word = torch.max(prob, dim=1)
        next_word = next_word.item()

        ys = torch.cat([ys, torch.ones(1, 1).type_as(src.data).fill_(next_word)], dim=0)
        if next_word == end_symbol:
            break
    return ys


def translate(model, src_ids):
    model.eval()
    src = tensor_transform(src_ids).view(-1, 1)
    num_tokens = src.shape[0]
    src_mask = (torch.zeros(num_tokens, num_tokens)).type(torch.bool)
    tgt_tokens = greedy_decode(
        model, src, src_mask, max_len=num_tokens + 5, start_symbol=BOS_IDX, end_symbol=EOS_IDX
    ).flatten()
    return [int(t) for t in tgt_tokens if int(t) not in (BOS_IDX, EOS_IDX, PAD_IDX)]


model = Translator(
    num_encoder_layers=2,
    num_decoder_layers=2,
    embed_size=64,
    num_heads=4,
    src_vocab_size=len(src_vocab),
    tgt_vocab_size=len(tgt_vocab),
    dim_feedforward=128,
    dropout=0.1,
).to(DEVICE)

for p in model.parameters():
    if p.dim() > 1:
        nn.init.xavier_uniform_(p)

loss_fn = torch.nn.CrossEntropyLoss(ignore_index=PAD_IDX)
optim = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.98), eps=1e-9)

train_dl = DataLoader(train_pairs, batch_size=64, shuffle=True, collate_fn=collate_fn)
val_dl = DataLoader(val_pairs, batch_size=64, collate_fn=collate_fn)

for epoch in range(1, 9):
    train_loss = train(model, train_dl, loss_fn, optim, epoch)
    val_loss = evaluate(model, val_dl, loss_fn)
    print(f"Epoch: {epoch}, Train loss: {train_loss:.3f}, Val loss: {val_loss:.3f}")

exact = sum(translate(model, src) == tgt for src, tgt in val_pairs[:40])
src, tgt = val_pairs[0]
print(
    " ".join(src_vocab[i] for i in src), "->", " ".join(tgt_vocab[i] for i in translate(model, src))
)
print(f"final val_loss={val_loss:.3f} exact_of_40={exact}")
