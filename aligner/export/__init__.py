"""Writers at the edge: pairs -> JSON Lines, TSV, Moses, Parquet, TMX, a `datasets` folder, the
dataset card, report.json and manifest.json, written atomically; and a build read back."""

from aligner.export.aligned import FORMATS, bead_records, format_aligned
from aligner.export.corpus import pairs_frame, write_corpus
from aligner.export.files import atomic_dir, atomic_paths, atomic_write, write_jsonl
from aligner.export.formats import FORMATS as CORPUS_FORMATS
from aligner.export.formats import ExportConfig, export_build, parse_formats, write_outputs
from aligner.export.jsonl import read_build
from aligner.export.pairs import pair_from_record, pair_id, pair_record
from aligner.export.tsv import escape_field, unescape_field

__all__ = [
    "CORPUS_FORMATS",
    "FORMATS",
    "ExportConfig",
    "atomic_dir",
    "atomic_paths",
    "atomic_write",
    "bead_records",
    "escape_field",
    "export_build",
    "format_aligned",
    "pair_from_record",
    "pair_id",
    "pair_record",
    "pairs_frame",
    "parse_formats",
    "read_build",
    "unescape_field",
    "write_corpus",
    "write_jsonl",
    "write_outputs",
]
