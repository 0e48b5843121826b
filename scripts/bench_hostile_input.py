"""Peak memory and time of `aligner build` and `aligner align` on a huge one-line input.

Usage: python scripts/bench_hostile_input.py [--mb 100] [--align-mb 1] [--as text|html|jsonl] [--keep DIR]

Writes a folder holding a one-line file of `--mb` MB (Japanese and English mixed, no line
break; a text line, an HTML paragraph or a JSONL document's text) beside the PSCORE seed,
runs `aligner build` on it in a child process, and reports
the child's peak resident memory (getrusage), the seconds it took, the PSCORE paragraph
pairs that came out and what the report says of the huge file. Then the same for
`aligner align` on a JA file with one `--align-mb` MB line among short ones.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "pscore_internet_nk.txt"
UNIT = "北朝鮮のインターネット事情について長い段落が続きます。The paragraph goes on and on. "


WRAPS = {
    "text": (b"", b"\n"),
    "html": (b"<html><body><nav><p>Menu</p></nav><p>", b"</p></body></html>"),
    "jsonl": (b'{"id": "huge", "text": "', b'"}\n'),
}
"""How the one line is written in each format: (before it, after it)."""


def write_line(path: Path, megabytes: float, kind: str = "text") -> int:
    """Write one line of about `megabytes` MB (UTF-8) to `path`, in pieces, as a text line,
    an HTML paragraph or a JSONL document's text; returns the file's size."""
    unit = UNIT.encode("utf-8")
    target = int(megabytes * 1_000_000)
    head, tail = WRAPS[kind]
    with open(path, "wb") as f:
        f.write(head)
        written = 0
        piece = unit * (1_000_000 // len(unit))
        while written < target:
            f.write(piece)
            written += len(piece)
        f.write(tail)
    return path.stat().st_size


def run(args: list[str]) -> tuple[int, float, float, str]:
    """Run `python -m aligner ARGS` in a child; (exit code, seconds, peak RSS MB, stderr).
    The peak is that child's own (os.wait4), in MB of 2**20 bytes."""
    with tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "aligner", *args], stdout=subprocess.DEVNULL, stderr=err, cwd=ROOT
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        return proc.returncode, seconds, usage.ru_maxrss / 1024, err.read()  # ru_maxrss is in KB on Linux


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=100.0, help="size of the one-line file for build")
    parser.add_argument("--align-mb", type=float, default=1.0, help="size of the long line for align")
    parser.add_argument("--as", dest="kind", choices=sorted(WRAPS), default="text", help="format of the huge file")
    parser.add_argument("--keep", type=Path, default=None, help="work here instead of a temporary folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        inputs = work / "inputs"
        inputs.mkdir(parents=True, exist_ok=True)
        (inputs / SEED.name).write_bytes(SEED.read_bytes())
        huge = {"text": "huge.txt", "html": "huge.html", "jsonl": "huge.jsonl"}[args.kind]
        size = write_line(inputs / huge, args.mb, args.kind)
        out = work / "corpus"
        code, seconds, peak, err = run(["build", str(inputs), "-o", str(out), "--no-cache", "--quiet"])
        if not (out / "report.json").exists():
            print(f"build wrote no report (exit {code}):\n{err}", file=sys.stderr)
            return 1
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        docs = {d["doc"]: d for d in report["documents"]}
        print(f"build: {size / 1e6:.1f} MB one-line {args.kind} file beside {SEED.name}: exit {code}, {seconds:.1f} s, "
              f"peak RSS {peak:.0f} MB")  # fmt: skip
        print(f"  {SEED.name}: {docs[SEED.name]['paragraph_pairs']} paragraph pairs, "
              f"{docs[SEED.name]['sentence_pairs']} sentence pairs")  # fmt: skip
        doc = docs.get(huge) or docs[f"{huge}#huge"]
        print(f"  {huge}: {doc['note']} (too_long blocks: {doc['too_long_blocks']})")
        if code != 0:
            print(err, file=sys.stderr)

        ja, en = work / "ja.txt", work / "en.txt"
        write_line(ja, args.align_mb)
        with open(ja, "a", encoding="utf-8") as f:
            f.write("今日は晴れです。\n猫が好きです。\n")
        en.write_text("A long line.\nIt is sunny today.\nI like cats.\n", encoding="utf-8")
        code, seconds, peak, err = run(["align", str(ja), str(en), "--no-cache", "--format", "jsonl", "--quiet"])
        print(
            f"align: a {args.align_mb:g} MB line among short ones: exit {code}, {seconds:.1f} s, peak RSS {peak:.0f} MB"
        )
        if code != 0:
            print(err, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
