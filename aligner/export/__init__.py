"""Writers at the edge: pairs -> JSON Lines, report.json and manifest.json, written atomically."""

from aligner.export.corpus import pair_record, pairs_frame, write_corpus
from aligner.export.files import atomic_write, write_jsonl

__all__ = ["atomic_write", "write_jsonl", "pair_record", "pairs_frame", "write_corpus"]
