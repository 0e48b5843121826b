"""`run.workdir`: the output folder checked first, the lock, the journal and the publication."""

from __future__ import annotations

import json
import multiprocessing
import time

import pytest

from aligner.errors import InputError
from aligner.run import workdir
from aligner.run.workdir import BuildLock, WorkDir


def _build(folder, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pairs.jsonl").write_text(text)
    (folder / workdir.MARKER).write_text("{}")


def test_check_output_refuses_a_file_and_a_folder_of_other_files(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="is a file"):
        workdir.check_output(tmp_path / "file")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("x")
    with pytest.raises(InputError, match="not an aligner build"):
        workdir.check_output(tmp_path / "mine")
    (tmp_path / "empty").mkdir()
    _build(tmp_path / "old", "old")
    for fine in ("empty", "old", "new"):
        workdir.check_output(tmp_path / fine)


def test_a_second_build_into_a_locked_folder_is_refused(tmp_path):
    work = WorkDir(tmp_path / "out")
    first = BuildLock(work)
    first.acquire()
    with pytest.raises(InputError, match=r"another build \(pid \d+\) is writing it"):
        BuildLock(work).acquire()
    first.release()
    again = BuildLock(work)
    again.acquire()
    again.release()


def _sleep(started) -> None:
    started.set()
    time.sleep(60)


def test_a_forked_child_does_not_hold_the_lock_once_the_parent_lets_it_go(tmp_path):
    # the encoder's child is forked while the lock is held; were the lock file still open in
    # it, a resumed run started right after its parent's kill would be refused
    work = WorkDir(tmp_path / "out")
    lock = BuildLock(work)
    lock.acquire()
    context = multiprocessing.get_context("fork")
    started = context.Event()
    child = context.Process(target=_sleep, args=(started,), daemon=True)
    child.start()
    try:
        assert started.wait(30)
        lock.release()
        again = BuildLock(work)
        again.acquire()
        again.release()
    finally:
        child.kill()
        child.join()


def test_an_unfinished_run_needs_resume_with_the_same_settings(tmp_path):
    work = WorkDir(tmp_path / "out")
    assert workdir.start(work, {"inputs": ["a"], "signature": "s1"}, resume=False) == 0
    with open(work.journal, "w", encoding="utf-8") as f:
        workdir.append(f, {"index": 0})
        workdir.append(f, {"index": 1})
        f.write('{"index": 2, "pairs": [')  # cut by a kill
    with pytest.raises(InputError, match="add --resume"):
        workdir.start(work, {"inputs": ["a"], "signature": "s1"}, resume=False)
    with pytest.raises(InputError, match="used other signature"):
        workdir.start(work, {"inputs": ["a"], "signature": "s2"}, resume=True)
    assert workdir.start(work, {"inputs": ["a"], "signature": "s1"}, resume=True) == 2
    assert [e["index"] for e in workdir.entries(work)] == [0, 1]  # the cut line is gone


def test_publish_replaces_the_folder_whole_and_removes_the_work_folder(tmp_path):
    work = WorkDir(tmp_path / "out")
    _build(work.out, "old")
    (work.out / "corpus.tmx").write_text("from the old build")
    _build(work.staging, "new")
    workdir.publish(work)
    assert (work.out / "pairs.jsonl").read_text() == "new"
    assert not (work.out / "corpus.tmx").exists()  # nothing of the old build is mixed in
    assert not work.root.exists()


def test_a_publication_cut_between_its_renames_is_finished_by_the_next_build(tmp_path):
    work = WorkDir(tmp_path / "out")
    _build(work.previous, "old")  # the old build, moved aside
    _build(work.staging, "new")  # the new one, whole, not yet in place
    workdir.recover(work)
    assert (work.out / "pairs.jsonl").read_text() == "new"
    assert not work.previous.exists()


def test_staging_left_by_a_kill_is_dropped_when_the_run_starts_again(tmp_path):
    work = WorkDir(tmp_path / "out")
    workdir.start(work, {"x": 1}, resume=False)
    work.staging.mkdir()
    (work.staging / "pairs.jsonl").write_text("half")
    work.journal.write_text(json.dumps({"index": 0}) + "\n")
    workdir.recover(work)  # no manifest in staging: not a whole build, not published
    assert not work.out.exists()
    assert workdir.start(work, {"x": 1}, resume=True) == 1
    assert not work.staging.exists()
