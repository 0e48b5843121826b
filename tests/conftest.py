"""Shared fixtures: paths to the repo's seeds and ../shared, and one real embedder per session."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test saying why when it is not beside the clone."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not found: the evaluation data lives in ../shared beside the clone")
    return path


@pytest.fixture(scope="session")
def embedder():
    """The default embedder (multilingual USE v3, shipped in its PyPI package), loaded once."""
    from aligner.embed import UseEmbedder

    return UseEmbedder()


@pytest.fixture(autouse=True)
def _no_home_cache(tmp_path_factory, monkeypatch):
    """Keep every test's embedding cache out of the user's home folder."""
    monkeypatch.setenv("ALIGNER_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))
