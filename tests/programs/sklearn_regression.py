"""Regression on scikit-learn's make_regression data: StandardScaler, train_test_split, float32
tensors from NumPy, y.reshape(-1, 1), a small MLP with MSELoss and Adam over mini-batches drawn
with torch.randperm, R^2 on the test split computed in NumPy, early stopping on the best
state_dict via copy.deepcopy, a tqdm progress bar over torch.arange batch starts (0-d tensors
as slice bounds)."""

import copy

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim
import tqdm
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

X, y = make_regression(n_samples=600, n_features=8, noise=5.0, random_state=42)
y = np.tanh(y / 100.0) * 100.0  # a little nonlinearity
X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=0.7, shuffle=True, random_state=42
)

scaler = StandardScaler()
scaler.fit(X_train)
X_train = scaler.transform(X_train)
X_test = scaler.transform(X_test)

X_train = torch.tensor(X_train, dtype=torch.float32)
y_train = torch.tensor(y_train, dtype=torch.float32).reshape(-1, 1)
X_test = torch.tensor(X_test, dtype=torch.float32)
y_test = torch.tensor(y_test, dtype=torch.float32).reshape(-1, 1)

torch.manual_seed(0)
model = nn.Sequential(
    nn.Linear(8, 24),
    nn.ReLU(),
    nn.Linear(24, 12),
    nn.ReLU(),
    nn.Linear(12, 6),
    nn.ReLU(),
    nn.Linear(6, 1),
)
loss_fn = nn.MSELoss()
optimizer = optim.Adam(model.parameters(), lr=0.005)

n_epochs = 30
batch_size = 32
batch_start = torch.arange(0, len(X_train), batch_size)
best_mse = np.inf
best_weights = None
history = []

for epoch in range(n_epochs):
    model.train()
    permutation = torch.randperm(X_train.size()[0])
    X_train, y_train = X_train[permutation], y_train[permutation]
    with tqdm.tqdm(batch_start, unit="batch", mininterval=0, disable=False) as bar:
        bar.set_description(f"Epoch {epoch}")
        for start in bar:
            X_batch = X_train[start : start + batch_size]
            y_batch = y_train[start : start + batch_size]
            y_pred = model(X_batch)
            loss = loss_fn(y_pred, y_batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            bar.set_postfix(mse=float(loss))
    model.eval()
    y_pred = model(X_test)
    mse = loss_fn(y_pred, y_test)
    mse = float(mse)
    history.append(mse)
    if mse < best_mse:
        best_mse = mse
        best_weights = copy.deepcopy(model.state_dict())

model.load_state_dict(best_weights)
print(f"MSE: {best_mse:.2f}")
print(f"RMSE: {np.sqrt(best_mse):.2f}")

model.eval()
with torch.no_grad():
    y_pred = model(X_test).numpy()
y_true = y_test.numpy()
r2 = 1 - ((y_true - y_pred) ** 2).sum() / ((y_true - y_true.mean()) ** 2).sum()
for i in range(3):
    X_sample = X_test[i : i + 1]
    y_sample = model(X_sample)
    print(f"{X_test[i].numpy()[:3]} -> {y_sample[0].item():.2f} (expected {y_test[i].item():.2f})")
print(f"final r2={r2:.4f} best_mse={best_mse:.2f}")
