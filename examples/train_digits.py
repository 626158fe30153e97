"""Train an MLP and a small convnet on scikit-learn's handwritten digits (8x8 images, shipped
with scikit-learn: no download), with the PyTorch training loop written against ferrograd.

    pip install -e ".[demo]"    # or: maturin develop --release and
                                #     pip install scikit-learn tqdm matplotlib
    python examples/train_digits.py                   # both models, ~98% held-out accuracy each
    python examples/train_digits.py --compare-torch   # the same script on PyTorch too, side by side
    mpiexec -n 2 python examples/train_digits.py --ddp  # data-parallel over 2 processes
    python -m ferrograd.distributed.run --nproc-per-node 2 examples/train_digits.py --ddp
    python examples/train_digits.py --export-onnx     # also write the models as ONNX
                                                      # (pip install -e ".[demo,onnx]")

With ``--ddp`` each process trains a ``DistributedDataParallel`` copy of the model on its share
of every batch (``DistributedSampler``; the global batch stays ``--batch-size``, so the runs take
the same steps as one process and reach the same accuracy); rank 0 prints, plots and saves.

It prints per-epoch loss and accuracy (tqdm), writes the training curves to
examples/out/train_digits.png and the trained weights to examples/out/digits_{mlp,cnn}.safetensors
(with ``ferrograd.save``; reloaded and re-evaluated at the end), and prints the final accuracies.
With ``--export-onnx`` each trained model is also exported (``ferrograd.onnx.export``, from the
weights in its safetensors file) to examples/out/digits_{mlp,cnn}.onnx, with a dynamic batch
size, and the exported graph is evaluated on the held-out set with ONNX Runtime.
The model and training code below only use names that PyTorch has, so it runs unchanged with
``lib = torch``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

import ferrograd

OUT = Path(__file__).resolve().parent / "out"


def build(lib, kind: str):
    """The architecture, written once for any library with PyTorch's ``nn`` API."""
    nn = lib.nn
    if kind == "mlp":
        return nn.Sequential(
            nn.Flatten(),
            nn.Linear(64, 128),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(128, 64),
            nn.ReLU(),
            nn.Linear(64, 10),
        )
    return nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=3, padding=1),
        nn.BatchNorm2d(16),
        nn.ReLU(),
        nn.MaxPool2d(2),  # 16 x 4 x 4
        nn.Conv2d(16, 32, kernel_size=3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),  # 32 x 2 x 2
        nn.Flatten(),
        nn.Linear(128, 64),
        nn.ReLU(),
        nn.Linear(64, 10),
    )


def evaluate(lib, model, loader) -> float:
    model.eval()
    correct = total = 0
    with lib.no_grad():
        for x, y in loader:
            correct += (model(x).argmax(dim=1) == y).sum().item()
            total += y.shape[0]
    return correct / total


def train(
    lib,
    kind: str,
    data,
    epochs: int,
    batch_size: int,
    lr: float,
    seed: int,
    quiet: bool = False,
    device: str = "cpu",
    ddp: bool = False,
):
    """The PyTorch training loop: forward, loss, backward, step. Returns the model, its history
    and the training time in seconds. ``ddp``: data-parallel over the processes of the
    initialized process group (each one takes its share of every batch)."""
    from tqdm import tqdm

    lib.manual_seed(seed)
    x_train, y_train, x_test, y_test = (lib.tensor(a).to(device) for a in data)
    if kind == "cnn":
        x_train, x_test = x_train.reshape(-1, 1, 8, 8), x_test.reshape(-1, 1, 8, 8)
    TensorDataset, DataLoader = lib.utils.data.TensorDataset, lib.utils.data.DataLoader
    train_set = TensorDataset(x_train, y_train)
    if ddp:
        world = lib.distributed.get_world_size()
        sampler = lib.utils.data.distributed.DistributedSampler(train_set, seed=seed)
        train_loader = DataLoader(
            train_set, batch_size=max(1, batch_size // world), sampler=sampler
        )
    else:
        sampler = None
        generator = lib.Generator().manual_seed(seed)
        train_loader = DataLoader(
            train_set, batch_size=batch_size, shuffle=True, generator=generator
        )
    test_loader = DataLoader(TensorDataset(x_test, y_test), batch_size=256)

    model = build(lib, kind).to(device)
    if ddp:
        model = lib.nn.parallel.DistributedDataParallel(model)
    loss_fn = lib.nn.CrossEntropyLoss()
    optimizer = lib.optim.Adam(model.parameters(), lr=lr)
    scheduler = lib.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    history = {"loss": [], "train_acc": [], "test_acc": []}
    name = f"{lib.__name__:9s} {kind}"
    start = time.perf_counter()
    bar = tqdm(range(epochs), desc=name, unit="epoch", disable=quiet, leave=True)
    for epoch in bar:
        if sampler is not None:
            sampler.set_epoch(epoch)  # a new shuffle each epoch, the same on every process
        model.train()
        total_loss = correct = seen = 0
        for x, y in train_loader:
            optimizer.zero_grad()
            logits = model(x)
            loss = loss_fn(logits, y)
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * y.shape[0]
            correct += (logits.argmax(dim=1) == y).sum().item()
            seen += y.shape[0]
        scheduler.step()
        if ddp:  # every process's share of the epoch, summed
            totals = lib.tensor([total_loss, correct, seen], dtype=lib.float64)
            lib.distributed.all_reduce(totals)
            total_loss, correct, seen = totals.tolist()
        history["loss"].append(total_loss / seen)
        history["train_acc"].append(correct / seen)
        history["test_acc"].append(evaluate(lib, model, test_loader))
        bar.set_postfix(
            loss=f"{history['loss'][-1]:.4f}",
            acc=f"{history['train_acc'][-1]:.3f}",
            test_acc=f"{history['test_acc'][-1]:.3f}",
        )
    elapsed = time.perf_counter() - start
    return model, history, elapsed, test_loader


def load_data(seed: int):
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    y = digits.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=0.2, random_state=seed, stratify=y
    )
    return x_train, y_train, x_test, y_test


def export_onnx(kind: str, weights: Path, test_loader) -> float | None:
    """Exports the model stored in ``weights`` to ONNX next to it (a dynamic batch size) and
    returns its held-out accuracy under ONNX Runtime (None when that is not installed)."""
    model = build(ferrograd, kind)
    model.load_state_dict(ferrograd.load(weights, map_location="cpu"))
    path = weights.with_suffix(".onnx")
    images = next(iter(test_loader))[0][:1].cpu()
    ferrograd.onnx.export(
        model,
        (images,),
        path,
        input_names=["images"],
        output_names=["logits"],
        dynamic_axes={"images": {0: "batch"}, "logits": {0: "batch"}},
    )
    try:
        import onnxruntime
    except ImportError:
        return None
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    correct = total = 0
    for x, y in test_loader:
        (logits,) = session.run(None, {"images": x.cpu().numpy()})
        correct += int((logits.argmax(1) == y.cpu().numpy()).sum())
        total += y.shape[0]
    return correct / total


def plot(histories: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(11, 4))
    for label, h in histories.items():
        epochs = range(1, len(h["loss"]) + 1)
        ax_loss.plot(epochs, h["loss"], label=label)
        ax_acc.plot(epochs, h["test_acc"], label=f"{label} (held out)")
    ax_loss.set(title="training loss", xlabel="epoch", ylabel="cross-entropy", yscale="log")
    ax_acc.set(title="held-out accuracy", xlabel="epoch", ylabel="accuracy", ylim=(0.8, 1.0))
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle("ferrograd on scikit-learn digits")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", nargs="+", choices=["mlp", "cnn"], default=["mlp", "cnn"])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=5e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--compare-torch", action="store_true", help="also train the same models with PyTorch"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.add_argument("--device", default="cpu", help="'cpu' or 'cuda' (needs a GPU with CuPy)")
    parser.add_argument(
        "--export-onnx",
        action="store_true",
        help="also export each trained model to ONNX next to its safetensors file (needs onnx)",
    )
    parser.add_argument(
        "--ddp",
        action="store_true",
        help="data-parallel over the processes of an MPI launch (mpiexec -n N ...)",
    )
    args = parser.parse_args(argv)
    if args.ddp and args.compare_torch:
        parser.error("--ddp trains ferrograd only; run --compare-torch without it")
    if args.ddp and args.export_onnx:
        parser.error("--export-onnx runs in one process; run it without --ddp")
    rank = 0
    if args.ddp:
        ferrograd.distributed.init_process_group("mpi")
        rank = ferrograd.distributed.get_rank()
        args.quiet = args.quiet or rank != 0

    if args.device.startswith("cuda") and not ferrograd.cuda.is_available():
        parser.error(
            "--device cuda: no GPU with CuPy was found (pip install 'ferrograd[cuda12]' on a GPU "
            "machine)"
        )
    args.out.mkdir(parents=True, exist_ok=True)
    data = load_data(args.seed)
    if args.ddp:
        return train_data_parallel(args, data, rank)
    libs = [ferrograd]
    if args.compare_torch:
        try:
            import torch
        except ImportError:
            print("--compare-torch: PyTorch is not installed; training with ferrograd only")
        else:
            torch.set_num_threads(max(1, torch.get_num_threads()))
            libs.append(torch)

    results, histories = {}, {}
    for kind in args.models:
        for lib in libs:
            model, history, elapsed, test_loader = train(
                lib,
                kind,
                data,
                args.epochs,
                args.batch_size,
                args.lr,
                args.seed,
                args.quiet,
                args.device,
            )
            accuracy = history["test_acc"][-1]
            results[(lib.__name__, kind)] = (accuracy, elapsed)
            histories[f"{lib.__name__} {kind}"] = history
            if lib is ferrograd:
                path = args.out / f"digits_{kind}.safetensors"
                ferrograd.save(model.state_dict(), path)
                reloaded = build(ferrograd, kind).to(args.device)
                reloaded.load_state_dict(ferrograd.load(path))
                again = evaluate(ferrograd, reloaded, test_loader)
                assert again == accuracy, (again, accuracy)
                shown = path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
                print(f"saved {shown} (reloaded: {again:.2%})")
                if args.export_onnx:
                    onnx_accuracy = export_onnx(kind, path, test_loader)
                    checked = (
                        "" if onnx_accuracy is None else f" (ONNX Runtime: {onnx_accuracy:.2%})"
                    )
                    print(f"exported {shown.with_suffix('.onnx')}{checked}")

    png = args.out / "train_digits.png"
    plot(histories, png)
    print(f"training curves: {png}")
    print()
    print(f"{'library':10s} {'model':6s} {'held-out accuracy':>18s} {'train time':>11s}")
    for (lib_name, kind), (accuracy, elapsed) in results.items():
        print(f"{lib_name:10s} {kind:6s} {accuracy:18.2%} {elapsed:10.1f}s")
    for kind in args.models:
        acc = results[("ferrograd", kind)][0]
        print(f"final ferrograd {kind} accuracy: {acc:.4f}")
    return results


def train_data_parallel(args, data, rank: int) -> dict:
    """``--ddp``: every process trains; the models stay identical, which the processes check
    by comparing their held-out accuracies; rank 0 reports and saves."""
    dist = ferrograd.distributed
    results, histories = {}, {}
    for kind in args.models:
        model, history, elapsed, _ = train(
            ferrograd, kind, data, args.epochs, args.batch_size, args.lr, args.seed, args.quiet,
            args.device, ddp=True,
        )  # fmt: skip
        accuracy = history["test_acc"][-1]
        everyone = [None] * dist.get_world_size()
        dist.all_gather_object(everyone, accuracy)
        assert len(set(everyone)) == 1, f"the processes' models differ: {everyone}"
        results[("ferrograd", kind)] = (accuracy, elapsed)
        histories[f"ferrograd {kind} (DDP x{dist.get_world_size()})"] = history
        if rank == 0:
            path = args.out / f"digits_{kind}.safetensors"
            ferrograd.save(model.module.state_dict(), path)
            print(f"saved {path}")
    if rank == 0:
        png = args.out / "train_digits.png"
        plot(histories, png)
        print(f"training curves: {png}")
        for kind in args.models:
            accuracy, elapsed = results[("ferrograd", kind)]
            print(
                f"final ferrograd {kind} accuracy: {accuracy:.4f} ({dist.get_world_size()} "
                f"processes, {elapsed:.1f}s; every process's model agrees)"
            )
    dist.destroy_process_group()
    return results


if __name__ == "__main__":
    main()
