"""Variable-length sequence classification the way RNN sentiment tutorials do it: pad_sequence
with batch_first, pack_padded_sequence(enforce_sorted=False) into a bidirectional 2-layer LSTM,
the final forward/backward hidden states torch.cat(hidden[-2], hidden[-1]), pad_packed_sequence
for per-step outputs with a length mask, padding_idx in the Embedding, BCEWithLogitsLoss."""

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
PAD_IDX = 0
VOCAB = 12


class ParityDataset(Dataset):
    """Label: does token 3 occur more often than token 4 in the sequence?"""

    def __init__(self, n):
        self.items = []
        for _ in range(n):
            length = int(torch.randint(3, 15, (1,)))
            seq = torch.randint(1, VOCAB, (length,))
            label = float((seq == 3).sum() > (seq == 4).sum())
            self.items.append((seq, label))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


def collate(batch):
    seqs, labels = zip(*batch)
    lengths = torch.tensor([len(s) for s in seqs])
    padded = pad_sequence(seqs, batch_first=True, padding_value=PAD_IDX)
    return padded, lengths, torch.tensor(labels)


class RNNClassifier(nn.Module):
    def __init__(self, vocab_size, embedding_dim, hidden_dim, n_layers, bidirectional, dropout):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=PAD_IDX)
        self.rnn = nn.LSTM(
            embedding_dim,
            hidden_dim,
            num_layers=n_layers,
            bidirectional=bidirectional,
            dropout=dropout,
            batch_first=True,
        )
        self.fc = nn.Linear(hidden_dim * 2, 1)
        self.dropout = nn.Dropout(dropout)

    def forward(self, text, text_lengths):
        embedded = self.dropout(self.embedding(text))
        packed_embedded = pack_padded_sequence(
            embedded, text_lengths.cpu(), batch_first=True, enforce_sorted=False
        )
        packed_output, (hidden, cell) = self.rnn(packed_embedded)
        output, output_lengths = pad_packed_sequence(packed_output, batch_first=True)
        assert torch.equal(output_lengths, text_lengths.cpu())
        mask = torch.arange(output.size(1)).unsqueeze(0) < output_lengths.unsqueeze(1)
        assert output[~mask].abs().sum() == 0
        hidden = self.dropout(torch.cat((hidden[-2, :, :], hidden[-1, :, :]), dim=1))
        return self.fc(hidden).squeeze(1)


train_loader = DataLoader(ParityDataset(800), batch_size=32, shuffle=True, collate_fn=collate)
test_loader = DataLoader(ParityDataset(200), batch_size=64, collate_fn=collate)
model = RNNClassifier(VOCAB, 16, 32, n_layers=2, bidirectional=True, dropout=0.1).to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
criterion = nn.BCEWithLogitsLoss()


def binary_accuracy(preds, y):
    rounded_preds = torch.round(torch.sigmoid(preds))
    correct = (rounded_preds == y).float()
    return correct.sum() / len(correct)


for epoch in range(6):
    model.train()
    epoch_loss, epoch_acc = 0.0, 0.0
    for text, lengths, labels in train_loader:
        optimizer.zero_grad()
        predictions = model(text.to(device), lengths)
        loss = criterion(predictions, labels.to(device))
        acc = binary_accuracy(predictions, labels)
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item()
        epoch_acc += acc.item()
    print(
        f"Epoch {epoch + 1}: train loss {epoch_loss / len(train_loader):.3f} acc {epoch_acc / len(train_loader) * 100:.1f}%"
    )

model.eval()
correct = 0
with torch.no_grad():
    for text, lengths, labels in test_loader:
        predictions = model(text, lengths)
        correct += (torch.round(torch.sigmoid(predictions)) == labels).sum().item()
print(f"final test_acc={correct / len(test_loader.dataset):.4f}")
