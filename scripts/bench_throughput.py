"""Throughput and memory of `aligner build` against the encode-once floor.

Usage: python scripts/bench_throughput.py [--sets dev,100,400] [--runs workers1,workers2,ray] [--repeat N]

Document sets: `dev` is every case of ../shared/eval/dev/interleaved (31 posts); a number N is
N interleaved posts made from ../shared/train/pairs.jsonl (the pairs of one training document
in turns of JA and EN paragraphs, five pairs a post, documents cycled as needed).

For each set, in fresh processes without the embedding cache:
- floor: a process that loads the default embedder, reads the documents and encodes the
  texts the build encodes (`pipeline.texts_to_encode`: blocks and sentences), each distinct
  text once (a block of one sentence is also its sentence), in one stream; its wall time,
  start-up included;
- the build (`aligner build --no-cache --quiet`) with --workers 1, --workers 2 and
  --engine ray --workers 2: wall time, ratio to the floor, documents/s, segments/s, and
  the peak RSS summed over the build's processes (sampled every 0.1 s from /proc), and the
  CPU seconds of the build's processes and of the floor's (user and system time of the
  processes waited for; BLAS threads spin while they wait, so not all of it is work).
With --repeat N each process runs N times, in turns (floor, then each build, then again), and
the median wall time is shown, so that a busy moment of the machine weighs less. The load
average is printed before and after: figures from one run are comparable with each other;
absolute seconds are not across machines.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PAIRS_PER_POST = 5

FLOOR = """
import sys, time
from aligner.embed import UseEmbedder
from aligner.pipeline import texts_to_encode
from aligner.read import read_documents
from aligner.records import Document
model = UseEmbedder()
texts = [t for d in read_documents([sys.argv[1]]) if isinstance(d, Document) for t in texts_to_encode(d)]
model.encode(list(dict.fromkeys(texts)))  # each text once: a block of one sentence is also its sentence
print(len(texts))
"""


def dev_posts(folder: Path) -> int:
    """Copy every dev interleaved case's doc.txt into `folder`; returns how many."""
    cases = sorted((SHARED / "eval/dev/interleaved").glob("*/doc.txt"))
    for case in cases:
        shutil.copy(case, folder / f"{case.parent.name}.txt")
    return len(cases)


def train_posts(folder: Path, n: int) -> int:
    """Write `n` interleaved posts made from the training pairs; returns n."""
    by_doc: dict[str, list[dict]] = {}
    for line in (SHARED / "train/pairs.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        by_doc.setdefault(row["doc"], []).append(row)
    chunks = [rows[k : k + PAIRS_PER_POST] for rows in by_doc.values() for k in range(0, len(rows), PAIRS_PER_POST)]
    for k in range(n):
        rows = chunks[k % len(chunks)]
        lap = k // len(chunks)  # a later lap gets a line of its own, so no post repeats one whole
        head = [f"第{lap}版", f"Edition {lap}"] if lap else []
        text = "\n\n".join(head + [side for r in rows for side in (r["ja"], r["en"])])
        (folder / f"post{k:05d}.txt").write_text(text + "\n", encoding="utf-8")
    return n


def tree_rss(root: int) -> int:
    """Resident bytes of `root` and every process below it."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def timed(cmd: list[str]) -> tuple[float, float, int, str]:
    """Run `cmd`; returns (wall seconds, CPU seconds of its process tree, peak RSS bytes of
    its process tree, its stdout). The CPU counts the processes that were waited for: the
    command and the workers it joined (not Ray's own daemons)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    child = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]

    def sample() -> None:
        while child.poll() is None:
            peak[0] = max(peak[0], tree_rss(child.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = child.communicate()
    wall = time.perf_counter() - start
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({child.returncode}):\n{err[-2000:]}")
    return wall, cpu, peak[0], out


RUNS = {
    "workers1": ["--workers", "1"],
    "workers2": ["--workers", "2"],
    "ray": ["--engine", "ray", "--workers", "2"],
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="dev,100,400")
    parser.add_argument("--runs", default="workers1,workers2,ray")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each process; the median is shown")
    args = parser.parse_args()
    if not (SHARED / "eval").exists():
        print(f"no evaluation data at {SHARED}", file=sys.stderr)
        return 2
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'set':>6} {'docs':>5} {'run':>9} {'wall s':>7} {'floor s':>7} {'ratio':>6} {'docs/s':>7} "
          f"{'segs/s':>7} {'peak MB':>8} {'cpu s':>6} {'floor cpu s':>11}")  # fmt: skip
    for name in args.sets.split(","):
        folder = Path(tempfile.mkdtemp(prefix=f"bench_{name}_"))
        docs = dev_posts(folder) if name == "dev" else train_posts(folder, int(name))
        build = folder.with_name(folder.name + "_out")
        runs = args.runs.split(",")
        walls: dict[str, list[float]] = {run: [] for run in ["floor", *runs]}
        cpus: dict[str, list[float]] = {run: [] for run in ["floor", *runs]}
        peaks: dict[str, int] = dict.fromkeys(runs, 0)
        segments = 0
        for _ in range(args.repeat):
            wall, cpu, _, out = timed([sys.executable, "-c", FLOOR, str(folder)])
            walls["floor"].append(wall)
            cpus["floor"].append(cpu)
            segments = int(out.strip())
            for run in runs:
                cmd = [sys.executable, "-m", "aligner", "build", str(folder), "-o", str(build), "--no-cache", "--quiet"]
                wall, cpu, peak, _ = timed(cmd + RUNS[run])
                walls[run].append(wall)
                cpus[run].append(cpu)
                peaks[run] = max(peaks[run], peak)
                shutil.rmtree(build, ignore_errors=True)
        floor = statistics.median(walls["floor"])
        for run in runs:
            wall = statistics.median(walls[run])
            # Ray's own processes are not waited for by this one: their CPU is not counted, so none is shown
            cpu = "-" if run == "ray" else f"{statistics.median(cpus[run]):.1f}"
            print(f"{name:>6} {docs:5d} {run:>9} {wall:7.1f} {floor:7.1f} {wall / floor:6.2f} {docs / wall:7.2f} "
                  f"{segments / wall:7.1f} {peaks[run] / 1e6:8.0f} {cpu:>6} "
                  f"{statistics.median(cpus['floor']):11.1f}", flush=True)  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
