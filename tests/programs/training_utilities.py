"""The training-loop utilities people combine: a seed-everything helper (cudnn flags included),
a map-style Dataset class, DataLoader with worker processes (persistent_workers, pin_memory,
drop_last, worker_init_fn, a seeded generator), gradient accumulation with the AMP recipe's
switchable autocast + GradScaler (on when CUDA is), clip_grad_norm_, OneCycleLR stepped per batch
and ReduceLROnPlateau per epoch, a full checkpoint dict (epoch, model/optimizer/scheduler/scaler
state, loss) saved with torch.save and resumed with torch.load, then training continued from it."""

import os
import random
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim.lr_scheduler import OneCycleLR, ReduceLROnPlateau
from torch.utils.data import DataLoader, Dataset


class SpiralDataset(Dataset):
    def __init__(self, n_per_class=200, n_classes=3, seed=0):
        rng = np.random.default_rng(seed)
        xs, ys = [], []
        for c in range(n_classes):
            r = np.linspace(0.0, 1, n_per_class)
            t = np.linspace(c * 4, (c + 1) * 4, n_per_class) + rng.normal(size=n_per_class) * 0.2
            xs.append(np.c_[r * np.sin(t), r * np.cos(t)])
            ys.append(np.full(n_per_class, c))
        self.x = np.concatenate(xs).astype(np.float32)
        self.y = np.concatenate(ys).astype(np.int64)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, idx):
        return torch.from_numpy(self.x[idx]), int(self.y[idx])


def set_seed(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False


def seed_worker(worker_id):
    worker_seed = torch.initial_seed() % 2**32
    np.random.seed(worker_seed)
    random.seed(worker_seed)


class MLP(nn.Module):
    def __init__(self, hidden=64, n_classes=3):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(2, hidden),
            nn.BatchNorm1d(hidden),
            nn.ReLU(),
            nn.Linear(hidden, hidden),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(hidden, n_classes),
        )

    def forward(self, x):
        return self.net(x)


def evaluate(model, loader, device):
    model.eval()
    correct, total, loss_sum = 0, 0, 0.0
    with torch.no_grad():
        for xb, yb in loader:
            xb, yb = xb.to(device, non_blocking=True), yb.to(device, non_blocking=True)
            logits = model(xb)
            loss_sum += F.cross_entropy(logits, yb, reduction="sum").item()
            correct += (logits.argmax(dim=1) == yb).sum().item()
            total += yb.numel()
    return loss_sum / total, correct / total


def train_epochs(
    model,
    optimizer,
    scaler,
    scheduler,
    plateau,
    loader,
    val_loader,
    device,
    epochs,
    start_epoch,
    accum_steps,
):
    val_loss = None
    for epoch in range(start_epoch, start_epoch + epochs):
        model.train()
        optimizer.zero_grad(set_to_none=True)
        for step, (xb, yb) in enumerate(loader):
            xb, yb = xb.to(device), yb.to(device)
            with torch.autocast(device_type=device.type, enabled=USE_AMP):
                loss = F.cross_entropy(model(xb), yb) / accum_steps
            scaler.scale(loss).backward()
            if (step + 1) % accum_steps == 0:
                scaler.unscale_(optimizer)
                torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
                scaler.step(optimizer)
                scaler.update()
                optimizer.zero_grad(set_to_none=True)
                scheduler.step()
        val_loss, val_acc = evaluate(model, val_loader, device)
        plateau.step(val_loss)
        print(
            f"epoch {epoch}: val_loss {val_loss:.4f} val_acc {val_acc:.3f} lr {optimizer.param_groups[0]['lr']:.5f}"
        )
    return val_loss, val_acc


USE_AMP = torch.cuda.is_available()


def main():
    set_seed(0)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    train_set, val_set = SpiralDataset(seed=0), SpiralDataset(n_per_class=60, seed=1)
    g = torch.Generator()
    g.manual_seed(0)
    loader = DataLoader(
        train_set,
        batch_size=32,
        shuffle=True,
        num_workers=2,
        worker_init_fn=seed_worker,
        generator=g,
        persistent_workers=True,
        pin_memory=torch.cuda.is_available(),
        drop_last=True,
    )
    val_loader = DataLoader(val_set, batch_size=64, num_workers=0)
    print(f"{len(train_set)} training samples, {len(loader)} batches per epoch")

    model = MLP().to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
    epochs_total, accum_steps = 12, 2
    scheduler = OneCycleLR(
        optimizer, max_lr=0.05, total_steps=epochs_total * (len(loader) // accum_steps)
    )
    plateau = ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=2)
    scaler = torch.amp.GradScaler("cuda", enabled=USE_AMP)

    val_loss, _ = train_epochs(
        model, optimizer, scaler, scheduler, plateau, loader, val_loader, device, 6, 0, accum_steps
    )

    path = os.path.join(tempfile.mkdtemp(), "checkpoint.tar")
    torch.save(
        {
            "epoch": 6,
            "model_state_dict": model.state_dict(),
            "optimizer_state_dict": optimizer.state_dict(),
            "scheduler_state_dict": scheduler.state_dict(),
            "plateau_state_dict": plateau.state_dict(),
            "scaler_state_dict": scaler.state_dict(),
            "loss": val_loss,
        },
        path,
    )
    print(f"saved checkpoint of {len(model.state_dict())} tensors")

    model2 = MLP().to(device)
    optimizer2 = torch.optim.AdamW(model2.parameters(), lr=1e-3, weight_decay=1e-4)
    scheduler2 = OneCycleLR(
        optimizer2, max_lr=0.05, total_steps=epochs_total * (len(loader) // accum_steps)
    )
    plateau2 = ReduceLROnPlateau(optimizer2, mode="min", factor=0.5, patience=2)
    scaler2 = torch.amp.GradScaler("cuda", enabled=USE_AMP)
    checkpoint = torch.load(path, weights_only=True)
    model2.load_state_dict(checkpoint["model_state_dict"])
    optimizer2.load_state_dict(checkpoint["optimizer_state_dict"])
    scheduler2.load_state_dict(checkpoint["scheduler_state_dict"])
    plateau2.load_state_dict(checkpoint["plateau_state_dict"])
    scaler2.load_state_dict(checkpoint["scaler_state_dict"])
    start_epoch = checkpoint["epoch"]
    print(f"resumed at epoch {start_epoch}, loss {checkpoint['loss']:.4f}")

    same = all(
        torch.equal(a, b) for a, b in zip(model.state_dict().values(), model2.state_dict().values())
    )
    resumed_loss, _ = evaluate(model2, val_loader, device)
    assert same and abs(resumed_loss - val_loss) < 1e-6
    assert optimizer2.param_groups[0]["lr"] == optimizer.param_groups[0]["lr"]

    val_loss, val_acc = train_epochs(
        model2,
        optimizer2,
        scaler2,
        scheduler2,
        plateau2,
        loader,
        val_loader,
        device,
        6,
        start_epoch,
        accum_steps,
    )
    print(f"final val_loss={val_loss:.4f} val_acc={val_acc:.4f}")


if __name__ == "__main__":
    main()
