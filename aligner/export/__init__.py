"""Writers at the edge: pairs -> JSON Lines, report.json and manifest.json, written atomically."""

from aligner.export.aligned import FORMATS, bead_records, format_aligned
from aligner.export.corpus import pair_record, pairs_frame, write_corpus
from aligner.export.files import atomic_write, write_jsonl

__all__ = [
    "FORMATS",
    "atomic_write",
    "bead_records",
    "format_aligned",
    "pair_record",
    "pairs_frame",
    "write_corpus",
    "write_jsonl",
]
