"""Benchmark `aligner align` on the dev sentence cases and the dev scale case.

Usage: python scripts/bench_align.py [--eval ../shared/eval/dev] [--out DIR]

For each set it prints strict/lax P/R/F1 (Vecalign's definitions, summed over the set's
cases), the wall time of aligning the whole set in one fresh process (reading, model load,
encoding, alignment, writing the bead files), that process's peak RSS, and, measured in a
separate fresh process of the same run, the floor: the time the default embedder takes to
encode every segment of the set once (model load shown apart). The scale case is also run
on its first 1/4 and 1/2 to show how time and memory grow with length. Every process runs
without the embedding cache, so nothing is reused between runs.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _cases(eval_dir: Path, name: str) -> list[Path]:
    folder = eval_dir / name
    return sorted(p for p in folder.iterdir() if (p / "gold.txt").exists())


def _truncate(case: Path, fraction: float, tmp: Path) -> Path:
    """A copy of the case cut after the first `fraction` of its gold beads."""
    from aligner.align import format_beads, parse_beads
    from aligner.read import read_lines

    gold = parse_beads((case / "gold.txt").read_text(encoding="utf-8"))
    keep = gold[: math.ceil(len(gold) * fraction)]
    n = 1 + max((i for b in keep for i in b.ja), default=-1)
    m = 1 + max((j for b in keep for j in b.en), default=-1)
    out = tmp / f"{case.name}_{fraction:g}"
    out.mkdir(parents=True, exist_ok=True)
    (out / "ja.txt").write_text("".join(x + "\n" for x in read_lines(case / "ja.txt")[:n]), encoding="utf-8")
    (out / "en.txt").write_text("".join(x + "\n" for x in read_lines(case / "en.txt")[:m]), encoding="utf-8")
    (out / "gold.txt").write_text(format_beads(keep), encoding="utf-8")
    return out


def worker_align(cases: list[Path], out: Path) -> dict:
    """Align every case as `aligner align` does, in this process; returns wall seconds."""
    from aligner.align import format_beads
    from aligner.bitext import align_texts
    from aligner.embed import get_embedder
    from aligner.export import atomic_write
    from aligner.read import read_lines

    start = time.perf_counter()
    embedder = get_embedder("use", cache=None)
    for case in cases:
        ja, en = read_lines(case / "ja.txt"), read_lines(case / "en.txt")
        with atomic_write(out / f"{case.name}.txt") as f:
            f.write(format_beads(align_texts(ja, en, embedder)))
    return {"wall": time.perf_counter() - start}


def worker_floor(cases: list[Path]) -> dict:
    """Load the default embedder, then encode every segment of every case once."""
    from aligner.embed import get_embedder
    from aligner.read import read_lines

    start = time.perf_counter()
    embedder = get_embedder("use", cache=None)
    embedder.encode(["warm up"])
    loaded = time.perf_counter()
    for case in cases:
        embedder.encode([t for t in read_lines(case / "ja.txt") + read_lines(case / "en.txt") if t.strip()])
    return {"load": loaded - start, "encode": time.perf_counter() - loaded}


def _peak_rss_mb() -> float:
    """This process's peak resident set size. Linux's VmHWM belongs to this process alone;
    ru_maxrss can carry over the parent's peak across exec, so it is only the fallback."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run_worker(kind: str, cases: list[Path], out: Path) -> dict:
    cmd = [sys.executable, __file__, "--worker", kind, "--out", str(out), *map(str, cases)]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _score(cases: list[Path], out: Path) -> dict:
    from aligner.align import parse_beads
    from aligner.evaluate import score_beads

    pairs = [
        (parse_beads((c / "gold.txt").read_text(encoding="utf-8")), parse_beads((out / f"{c.name}.txt").read_text()))
        for c in cases
    ]
    return score_beads(pairs)


def _segments(cases: list[Path]) -> int:
    from aligner.read import read_lines

    return sum(len(read_lines(c / "ja.txt")) + len(read_lines(c / "en.txt")) for c in cases)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared/eval/dev")
    parser.add_argument("--out", type=Path, default=None, help="keep the bead files here (default: a temp folder)")
    parser.add_argument("--worker", choices=["align", "floor"], help=argparse.SUPPRESS)
    parser.add_argument("cases", nargs="*", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        args.out.mkdir(parents=True, exist_ok=True)
        result = worker_align(args.cases, args.out) if args.worker == "align" else worker_floor(args.cases)
        result["peak_rss_mb"] = _peak_rss_mb()
        print(json.dumps(result))
        return 0
    if not (args.eval / "sentences").is_dir():
        print(f"no eval data at {args.eval}: pass --eval", file=sys.stderr)
        return 2
    out = args.out or Path(tempfile.mkdtemp(prefix="bench_align_"))
    scale = _cases(args.eval, "scale")
    sets = [("dev sentences", _cases(args.eval, "sentences"))]
    sets += [(f"scale x{f:g}", [_truncate(c, f, out / "cut") for c in scale]) for f in (0.25, 0.5)]
    sets += [("scale", scale)]

    columns = ("segs", "P str", "R str", "F1 str", "F1 lax", "wall s", "floor s", "load s", "wall/floor", "RSS MB")
    widths = (6, 6, 6, 6, 6, 7, 7, 6, 10, 7)
    print(f"{'set':14} " + " ".join(f"{c:>{w}}" for c, w in zip(columns, widths)))
    for name, cases in sets:
        folder = out / name.replace(" ", "_")
        run = _run_worker("align", cases, folder)
        floor = _run_worker("floor", cases, folder)
        s = _score(cases, folder)
        print(
            f"{name:14} {_segments(cases):6d} {s['precision_strict']:6.3f} {s['recall_strict']:6.3f} "
            f"{s['f1_strict']:6.3f} {s['f1_lax']:6.3f} {run['wall']:7.2f} {floor['encode']:7.2f} "
            f"{floor['load']:6.2f} {run['wall'] / floor['encode']:10.2f} {run['peak_rss_mb']:7.0f}",
            flush=True,
        )
    print(
        f"\nfloor = encoding every segment once with the default embedder, model load apart (load s); "
        f"wall includes one model load. Bead files in {out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
