"""Two files that translate each other (`NAME.ja.txt` and `NAME.en.txt`) -> one Document."""

from __future__ import annotations

from dataclasses import replace

from aligner.records import Document


def join_translated(doc_id: str, ja: Document, en: Document) -> Document:
    """The Document of a translated pair: the JA document's blocks, then the EN one's.

    Block offsets stay those of each block in its own file; EN blocks are renumbered to
    follow the JA ones, and `en_start` marks where they begin.

    Args:
        doc_id: the pair's name in outputs.
        ja, en: the two documents, as their readers gave them.

    Returns:
        The pair as one Document, its source "JA_PATH + EN_PATH", its encoding the two
        encodings (and line ends) when they differ ("ja: cp932, en: utf-8"), its stray
        bytes summed.
    """
    first = len(ja.blocks)
    encoding = ja.encoding if ja.encoding == en.encoding else f"ja: {ja.encoding}, en: {en.encoding}"
    ends = ja.line_ends if ja.line_ends == en.line_ends else f"ja: {ja.line_ends}, en: {en.line_ends}"
    return Document(
        id=doc_id,
        source=f"{ja.source} + {en.source}",
        blocks=ja.blocks + tuple(replace(b, index=first + b.index) for b in en.blocks),
        encoding=encoding,
        line_ends=ends,
        format=ja.format if ja.format == en.format else f"{ja.format}+{en.format}",
        en_start=first,
        replaced=ja.replaced + en.replaced,
        files=ja.files + en.files,
    )
