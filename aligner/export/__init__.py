"""Writers at the edge: pairs -> JSON Lines, report.json and manifest.json, written atomically."""

from aligner.export.files import atomic_write, write_jsonl
from aligner.export.corpus import pair_record, pairs_frame, write_corpus

__all__ = ["atomic_write", "write_jsonl", "pair_record", "pairs_frame", "write_corpus"]
