"""aligner: build Japanese/English parallel corpora from bilingual documents.

Importing the package loads no model and touches no network.
"""

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version

from aligner.align import align, format_beads, parse_beads
from aligner.config import BuildConfig
from aligner.cost import CostParams, LengthModel
from aligner.embed import Embedder, get_embedder
from aligner.errors import AlignerError, BackendError, InputError
from aligner.export import pairs_frame, write_corpus
from aligner.pipeline import Corpus, DocReport, align_document, build
from aligner.read import ReadOptions
from aligner.records import Bead, Block, Document, Features, Pair, Span

try:
    __version__ = _version("aligner")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0.dev0"

__all__ = [
    "AlignerError",
    "BackendError",
    "Bead",
    "Block",
    "BuildConfig",
    "Corpus",
    "CostParams",
    "DocReport",
    "Document",
    "Embedder",
    "Features",
    "InputError",
    "LengthModel",
    "Pair",
    "ReadOptions",
    "Span",
    "__version__",
    "align",
    "align_document",
    "build",
    "format_beads",
    "get_embedder",
    "pairs_frame",
    "parse_beads",
    "write_corpus",
]
