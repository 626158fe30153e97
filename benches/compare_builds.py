"""Two or more ferrograd builds side by side, each next to PyTorch in the same run.

    python benches/compare_builds.py --build before=/tmp/before_pkg --build after=python
    python benches/compare_builds.py --build before=/tmp/old --build after=python \\
        --rounds 2 --cases small,chain,deep --json /tmp/before_after.json

A build is a directory holding a ``ferrograd`` package (its Python files and its compiled
``_core`` extension). One process cannot import two packages named ``ferrograd``, so each
measurement is one run of ``benches/compare_torch.py`` with that directory first on
``PYTHONPATH``, one case at a time. For every case the builds run back to back (their order
reversed every other round), so each build's figure and PyTorch's figure of the same run are
minutes apart at most even when other work loads the machine: the ratio to PyTorch of the same
run is the figure to compare across builds, more than the times themselves. Each cell is the
median over rounds of that run's median; the load average is printed before every run.
A case that fails on a build (an older build without some call) is reported as such.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import compare_torch  # noqa: E402  (the case list and targets, from the script being driven)


def parse_build(spec: str) -> tuple[str, Path]:
    label, sep, path = spec.partition("=")
    if not sep or not label or not path:
        raise argparse.ArgumentTypeError(f"expected LABEL=DIRECTORY, got {spec!r}")
    root = Path(path).resolve()
    if not (root / "ferrograd" / "__init__.py").is_file():
        raise argparse.ArgumentTypeError(f"{root} holds no ferrograd package")
    return label, root


def extension_digest(root: Path) -> str:
    """The first 12 hex digits of the compiled extension's SHA-256: which build ran."""
    found = sorted((root / "ferrograd").glob("_core*.so")) + sorted(
        (root / "ferrograd").glob("_core*.pyd")
    )
    return hashlib.sha256(found[0].read_bytes()).hexdigest()[:12] if found else "no extension"


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def run_case(root: Path, case: str, quick: bool, log) -> dict:
    """One run of compare_torch.py for ``case`` importing the ferrograd under ``root``."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "run.json"
        cmd = [sys.executable, str(HERE / "compare_torch.py"), "--cases", case]
        cmd += ["--json", str(out)] + (["--quick"] if quick else [])
        load = loadavg()
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not out.is_file():
            log(f"    failed: {done.stderr.strip().splitlines()[-1:]}")
            return {"load": load, "error": done.stderr[-2000:]}
        report = json.loads(out.read_text())
    imported = report["versions"].get("ferrograd")
    return {"load": load, "rows": report["rows"], "ferrograd_version": imported}


def summarize(labels, runs) -> list[dict]:
    """Per table row and build: medians over rounds of the ferrograd figure, PyTorch's figure
    and their ratio, and whether the row's target is met by the median ratio."""
    rows = {}
    for (label, _case, _round), run in runs:
        for r in run.get("rows", []):
            row = rows.setdefault(
                r["case"],
                {"case": r["case"], "unit": r["unit"], "target": r["target"], "builds": {}},
            )
            figures = row["builds"].setdefault(label, {"ferrograd": [], "torch": [], "ratio": []})
            for key in figures:
                if r.get(key) is not None:
                    figures[key].append(r[key])
    order = [key for key, *_ in compare_torch.CASES]
    table = []
    for case in sorted(rows, key=order.index):
        row = rows[case]
        for label in labels:
            figures = row["builds"].get(label)
            if not figures or not figures["ratio"]:
                row["builds"][label] = None
                continue
            med = {k: statistics.median(v) for k, v in figures.items() if v}
            med["ratios"] = figures["ratio"]
            target = row["target"]
            if target != "-":
                bound = float(target.split()[1])
                med["met"] = (
                    med["ratio"] <= bound if target.startswith("<=") else med["ratio"] >= bound
                )
            row["builds"][label] = med
        table.append(row)
    return table


def print_table(labels, table):
    head = ["case", "unit"] + [f"{label}: ferrograd / PyTorch (ratio)" for label in labels]
    head += ["target"] + [f"met ({label})" for label in labels]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for row in table:
        cells, met = [row["case"], row["unit"]], []
        for label in labels:
            b = row["builds"][label]
            if b is None:
                cells.append("did not run")
                met.append("-")
                continue
            fg, pt = compare_torch.fmt(b["ferrograd"]), compare_torch.fmt(b["torch"])
            spread = ", ".join(f"{x:.3f}" for x in b["ratios"])
            cells.append(f"{fg} / {pt} ({b['ratio']:.3f}; runs {spread})")
            met.append("-" if "met" not in b else ("yes" if b["met"] else "no"))
        print("| " + " | ".join([*cells, row["target"], *met]) + " |")


def main(argv=None):
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "--build",
        action="append",
        type=parse_build,
        required=True,
        metavar="LABEL=DIRECTORY",
        help="a directory holding a ferrograd package (repeat: two builds or more)",
    )
    p.add_argument(
        "--cases",
        default=",".join(compare_torch.ALL_CASES),
        help="comma-separated compare_torch.py cases (default: its default table)",
    )
    p.add_argument("--rounds", type=int, default=2, help="runs of each case per build")
    p.add_argument("--quick", action="store_true", help="compare_torch.py's --quick")
    p.add_argument(
        "--one-run",
        action="store_true",
        help="all cases in one compare_torch.py run per build and round instead of one run per "
        "case (fewer imports, which take long on a loaded machine; a case's figures of the "
        "builds are then further apart in time)",
    )
    p.add_argument("--json", metavar="PATH", help="also write every run in full to PATH")
    args = p.parse_args(argv)
    labels = [label for label, _ in args.build]
    if len(set(labels)) != len(labels):
        p.error("each build needs its own label")

    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    runs = []
    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    if args.one_run:
        cases = [",".join(cases)]
    for rnd in range(args.rounds):
        builds = args.build if rnd % 2 == 0 else list(reversed(args.build))
        for case in cases:
            for label, root in builds:
                log(f"round {rnd + 1}, {case}, {label} (load average {loadavg()}) ...")
                runs.append(((label, case, rnd), run_case(root, case, args.quick, log)))
    table = summarize(labels, runs)
    loads = [run["load"][0] for _, run in runs]
    digests = {label: extension_digest(root) for label, root in args.build}
    named = (f"{label}={root} (_core sha256 {digests[label]})" for label, root in args.build)
    print(f"\nbuilds: {', '.join(named)}")
    print(
        f"{args.rounds} rounds; 1-minute load average before each run: "
        f"{min(loads):.2f}-{max(loads):.2f}"
    )
    print_table(labels, table)
    failed = [f"{label}/{case}" for (label, case, _), run in runs if "error" in run]
    if failed:
        print(f"failed runs: {', '.join(sorted(set(failed)))}")
    if args.json:
        record = {
            "builds": {
                label: {"path": str(root), "core_sha256": digests[label]}
                for label, root in args.build
            },
            "runs": [
                {"build": label, "case": case, "round": rnd, **run}
                for (label, case, rnd), run in runs
            ],
            "table": table,
        }
        Path(args.json).write_text(json.dumps(record, indent=1))
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
