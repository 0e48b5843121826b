"""Small built corpora made by the tests: Pairs written by the real `write_corpus`."""

from __future__ import annotations

from pathlib import Path

from aligner.config import BuildConfig
from aligner.export import write_corpus
from aligner.pipeline import Corpus
from aligner.records import Features, Pair


def sentence_pair(doc: str, k: int, score: float, kept: bool = True, reason: str = "", **features) -> Pair:
    """A sentence pair of paragraph k of `doc` (blocks 2k and 2k+1), with its own text."""
    f = Features(cosine=0.8, margin=1.5, length_z=0.1, ja_lang=1.0, en_lang=1.0, **features)
    return Pair(
        doc, "sentence", f"文{k}番目の文です。", f"This is sentence {k}.", (2 * k,), (2 * k + 1,),
        ((2 * k, 0, 8),), ((2 * k + 1, 0, 20),), f, score, kept, reason,
    )  # fmt: skip


def paragraph_pair(doc: str, k: int, score: float = 0.99) -> Pair:
    """The kept paragraph pair of blocks 2k and 2k+1 of `doc`."""
    f = Features(cosine=0.8, margin=1.5, length_z=0.1, ja_lang=1.0, en_lang=1.0)
    return Pair(doc, "paragraph", f"段落{k}です。", f"Paragraph {k}.", (2 * k,), (2 * k + 1,), features=f, score=score)


def write_build(path: Path, pairs: list[Pair]) -> Path:
    """Write `pairs` as `aligner build` writes a corpus folder; returns the folder."""
    write_corpus(Corpus(tuple(pairs), ()), path, BuildConfig(), "synthetic", "0")
    return path


def banded_build(path: Path, sizes: dict[float, int], docs: int = 3) -> Path:
    """A corpus of kept sentence pairs: `sizes[score]` pairs at each score, spread over
    `docs` documents, each with its kept paragraph pair; plus two rejected pairs."""
    pairs, k = [], 0
    for score, n in sizes.items():
        for _ in range(n):
            doc = f"doc{k % docs}.txt"
            pairs += [paragraph_pair(doc, k), sentence_pair(doc, k, score)]
            k += 1
    pairs.append(sentence_pair("doc0.txt", k, 0.2, kept=False, reason="low_score"))
    pairs.append(sentence_pair("doc1.txt", k + 1, 0.4, kept=False, reason="low_score"))
    return write_build(path, pairs)
