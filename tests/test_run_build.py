"""`run.build`: the streaming build into a folder, killed and resumed, with workers and on Ray,
under faults of the folder and the outputs. Uses the real embedder (loaded once, cached)."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from aligner.config import BuildConfig
from aligner.embed import CachedEmbedder
from aligner.errors import InputError, Interrupted
from aligner.export import ExportConfig
from aligner.run import workdir
from aligner.run.build import RunOptions, run_build
from aligner.run.workdir import BuildLock, WorkDir
from tests.conftest import REPO, SEEDS

EXPORT = ExportConfig(("jsonl", "tsv"))


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> Path:
    """Six posts: the PSCORE seed, each with a headline of its own (so most pairs of the later
    ones repeat the first's: the duplicate check spans documents), and the RFA article."""
    folder = tmp_path_factory.mktemp("docs")
    post = (SEEDS / "pscore_internet_nk.txt").read_text(encoding="utf-8")
    for k in range(6):
        (folder / f"post{k}.txt").write_text(
            f"第{k + 1}号のお知らせです。\n\nNotice number {k + 1}.\n\n{post}", "utf-8"
        )
    (folder / "rfa.txt").write_text((SEEDS / "rfa_unregistered_laptops.txt").read_text("utf-8"), "utf-8")
    return folder


@pytest.fixture(scope="module")
def cache(embedder, docs, tmp_path_factory) -> Path:
    """An embedding cache holding every text of `docs`, filled by one build."""
    path = tmp_path_factory.mktemp("cache") / "emb.sqlite"
    _build(docs, tmp_path_factory.mktemp("fill") / "out", CachedEmbedder(embedder, path))
    return path


def _build(docs: Path, out: Path, model, cache: Path | None = None, **options) -> dict:
    return run_build([docs], out, BuildConfig(), EXPORT, model, cache, RunOptions(**options), "test").report


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def reference(docs, cache, tmp_path_factory) -> dict[str, bytes]:
    """The files of an uninterrupted build in one process."""
    out = tmp_path_factory.mktemp("reference") / "out"
    _build(docs, out, "use", cache)
    return _files(out)


def test_a_build_is_published_whole_and_leaves_no_work_folder(docs, cache, reference, tmp_path):
    assert {"pairs.jsonl", "corpus.tsv", "report.json", "manifest.json", "README.md"} <= set(reference)
    out = tmp_path / "out"
    report = _build(docs, out, "use", cache)
    assert _files(out) == reference
    assert not WorkDir(out).root.exists()
    first, *later = [d for d in report["documents"] if d["doc"].startswith("post")]
    assert first["paragraph_pairs"] >= 9 and all(d["duplicates"] for d in later)


KILLED = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from aligner.config import BuildConfig
    from aligner.embed import CachedEmbedder, UseEmbedder
    from aligner.export import ExportConfig
    from aligner.run.build import RunOptions, run_build

    class Slow(CachedEmbedder):
        def encode(self, texts):
            time.sleep(0.5)  # time for the test to kill us between documents
            return super().encode(texts)

    docs, out, cache = map(Path, sys.argv[1:4])
    model = Slow(UseEmbedder(), cache)
    run_build([docs], out, BuildConfig(), ExportConfig(("jsonl", "tsv")), model, None,
              RunOptions(batch_docs=1), "test")
    """
)


def test_a_killed_build_resumes_to_the_same_bytes(docs, cache, reference, tmp_path):
    out = tmp_path / "out"
    journal = WorkDir(out).journal
    child = subprocess.Popen([sys.executable, "-c", KILLED, str(docs), str(out), str(cache)], cwd=REPO)
    deadline = time.monotonic() + 300
    while not (journal.exists() and journal.read_bytes().count(b"\n") >= 2) and time.monotonic() < deadline:
        assert child.poll() is None, "the build ended before it could be killed"
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    done = journal.read_bytes().count(b"\n")
    assert 2 <= done < 7 and not out.exists()
    with pytest.raises(InputError, match="add --resume"):
        _build(docs, out, "use", cache)
    with pytest.raises(InputError, match="used other signature"):
        run_build([docs], out, BuildConfig(min_alignment_score=0.6), EXPORT, "use", cache,
                  RunOptions(resume=True), "test")  # fmt: skip
    _build(docs, out, "use", cache, resume=True)
    assert _files(out) == reference
    assert not WorkDir(out).root.exists()


SLOW_CLI = textwrap.dedent(
    """
    import sys, time
    import aligner.run.build
    from aligner.cli import command

    real = aligner.run.build.process_batch

    def slow(*args):
        time.sleep(0.3)  # time for the test to stop us between batches
        return real(*args)

    aligner.run.build.process_batch = slow
    sys.argv = ["aligner", *sys.argv[1:]]
    command()
    """
)


def _cli(*args: str, script: str = "from aligner.cli import command; command()", **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", script, *args], cwd=REPO, stderr=subprocess.PIPE, text=True, **popen)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_build_stopped_by_ctrl_c_or_sigterm_says_how_to_resume(stop, docs, cache, tmp_path):
    out, journal = tmp_path / "out", WorkDir(tmp_path / "out").journal
    args = ["build", str(docs), "-o", str(out), "--cache", str(cache), "--quiet"]
    # a session of its own: the signal goes to the whole group, as a terminal's Ctrl-C does
    child = _cli(*args, script=SLOW_CLI, start_new_session=True)
    deadline = time.monotonic() + 300
    while not (journal.exists() and journal.read_bytes().count(b"\n") >= 1) and time.monotonic() < deadline:
        assert child.poll() is None, "the build ended before it could be stopped"
        time.sleep(0.05)
    os.killpg(child.pid, stop)
    err = child.communicate()[1]
    assert child.returncode == 130
    assert err.strip().splitlines()[-1].startswith(f"aligner: interrupted: {out}: stopped with ")
    assert "--resume to finish" in err and "Traceback" not in err  # nor from the encoder's child
    assert not out.exists() and 1 <= journal.read_bytes().count(b"\n") < 7
    if stop == signal.SIGINT:
        resumed = _cli(*args, "--resume")
        assert resumed.wait() == 0, resumed.communicate()[1]
        whole = _cli(*args[:3], str(tmp_path / "whole"), *args[4:])
        assert whole.wait() == 0
        assert _files(out) == _files(tmp_path / "whole")


class _BatchSensitive:
    """The default embedder's rows moved by the number of texts in the call, as a real batch
    moves the last bits of a row: a resumed run gives the same bytes only when it encodes
    the batches the uninterrupted run encoded. With `stop_at`, the build is interrupted at
    the first call that holds that text."""

    name = "use"

    def __init__(self, inner, stop_at: str | None = None) -> None:
        self.inner, self.stop_at = inner, stop_at

    def encode(self, texts):
        if self.stop_at in texts:
            raise KeyboardInterrupt
        return self.inner.encode(texts) + 1e-3 * len(texts)


def test_a_resumed_build_encodes_the_batches_of_an_uninterrupted_one(docs, embedder, tmp_path):
    whole = tmp_path / "whole"
    _build(docs, whole, _BatchSensitive(embedder))
    out = tmp_path / "out"
    with pytest.raises(Interrupted, match="1 document done, kept in .*--resume"):
        _build(docs, out, _BatchSensitive(embedder, stop_at="第2号のお知らせです。"))  # the second batch
    done = WorkDir(out).journal.read_bytes().count(b"\n")
    assert done == 1  # cut after the first batch: a run batching its 6 other documents anew encodes other batches
    _build(docs, out, _BatchSensitive(embedder), resume=True)
    assert _files(out) == _files(whole)


def test_two_workers_give_the_same_bytes(docs, cache, reference, tmp_path):
    out = tmp_path / "out"
    _build(docs, out, "use", cache, workers=2, batch_docs=2)
    assert _files(out) == reference


def test_ray_local_mode_gives_the_same_bytes(docs, cache, reference, tmp_path):
    pytest.importorskip("ray", reason="Ray is aligner's extra 'ray': pip install 'aligner[ray]'")
    out = tmp_path / "out"
    _build(docs, out, "use", cache, engine="ray", workers=2, batch_docs=2)
    assert _files(out) == reference


def test_the_output_is_checked_before_any_work(docs, tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="is a file"):
        _build(docs, tmp_path / "file", _NeverCalled())
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("x")
    with pytest.raises(InputError, match="not an aligner build"):
        _build(docs, tmp_path / "mine", _NeverCalled())
    assert (tmp_path / "mine" / "notes.txt").read_text() == "x"


def test_a_second_build_into_a_folder_in_use_is_refused(docs, tmp_path):
    holder = BuildLock(WorkDir(tmp_path / "out"))
    holder.acquire()
    try:
        with pytest.raises(InputError, match="another build"):
            _build(docs, tmp_path / "out", _NeverCalled())
    finally:
        holder.release()


def test_a_full_disk_while_writing_leaves_the_previous_outputs_whole(docs, cache, reference, tmp_path, monkeypatch):
    out = tmp_path / "out"
    _build(docs, out, "use", cache)
    (out / "pairs.jsonl").write_text("the previous build\n")  # to tell it apart
    before = _files(out)
    import aligner.export.tsv as tsv

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tsv, "write_tsv", full)
    monkeypatch.setattr("aligner.export.formats.write_tsv", full)
    with pytest.raises(OSError, match="No space left"):
        _build(docs, out, "use", cache)
    assert _files(out) == before  # untouched, whole
    monkeypatch.undo()
    _build(docs, out, "use", cache, resume=True)  # the journal is kept: nothing aligned again
    assert _files(out) == reference


def test_a_damaged_cache_does_not_end_the_build(docs, reference, tmp_path, caplog):
    damaged = tmp_path / "emb.sqlite"
    damaged.write_bytes(b"not a database" * 64)
    out = tmp_path / "out"
    _build(docs, out, "use", damaged)
    assert any(str(damaged) in r.getMessage() for r in caplog.records)
    assert (out / "manifest.json").exists() and (out / "pairs.jsonl").read_bytes() == reference["pairs.jsonl"]


def test_a_publication_cut_short_is_finished_by_the_next_build(docs, cache, reference, tmp_path, monkeypatch):
    out = tmp_path / "out"
    _build(docs, out, "use", cache)
    real_replace = os.replace
    staging = WorkDir(out).staging

    def cut(src, dst):  # the kill lands between the two renames of the publication
        if Path(src) == staging and Path(dst) == out:
            raise KeyboardInterrupt
        return real_replace(src, dst)

    monkeypatch.setattr(workdir.os, "replace", cut)
    with pytest.raises(Interrupted, match="7 documents done"):
        _build(docs, out, "use", cache)
    monkeypatch.undo()
    assert not out.exists() and workdir.is_whole(WorkDir(out).staging)
    workdir.recover(WorkDir(out))
    assert _files(out) == reference


class _NeverCalled:
    """An embedder that fails the test if anything is encoded."""

    name = "never"

    def encode(self, texts):
        raise AssertionError("the build did work before refusing")


def test_a_ray_dataset_of_documents_builds_the_same_pairs(docs, cache, reference, tmp_path):
    ray = pytest.importorskip("ray", reason="Ray is aligner's extra 'ray': pip install 'aligner[ray]'")
    from aligner import distributed
    from aligner.run.ray_engine import start_ray

    start_ray(cpus=2)
    rows = [{"id": p.name, "text": p.read_text(encoding="utf-8")} for p in sorted(docs.glob("*.txt"))]
    rows.append({"id": "broken", "body": "no text field"})
    out = tmp_path / "out"
    outcome = distributed.build_dataset(ray.data.from_items(rows), out, export=EXPORT, actors=2)
    assert outcome.complete and outcome.bad == 2  # the RFA article (English only) and the broken record
    # A dataset's rows are encoded in the batches its blocks give, not as a local build
    # batches them: an embedding may differ in its last float bits, a figure in its 4th decimal.
    for name in ("pairs.jsonl", "rejected.jsonl"):
        got, want = _records((out / name).read_bytes()), _records(reference[name])
        assert [_without_figures(r) for r in got] == [_without_figures(r) for r in want]
        for a, b in zip(got, want):
            assert a["score"] == pytest.approx(b["score"], abs=2e-4)
            for key, value in (b["features"] or {}).items():
                assert a["features"][key] == (value if not isinstance(value, float) else pytest.approx(value, abs=2e-4))


def _records(data: bytes) -> list[dict]:
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


def _without_figures(record: dict) -> dict:
    return {k: v for k, v in record.items() if k not in ("score", "features")}
