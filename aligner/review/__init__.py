"""The review page: a built corpus -> one self-contained HTML file to read and mark its pairs."""

from aligner.review.page import write_review
from aligner.review.read import read_corrections
from aligner.review.sample import sample_kept

__all__ = ["read_corrections", "sample_kept", "write_review"]
