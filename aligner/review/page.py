"""The review page: a corpus's pairs, their features and mismatches, and its plots, embedded
as columnar JSON in one HTML file whose inline script filters, pages and records marks."""

from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

from aligner.export.files import atomic_write
from aligner.export.jsonl import read_build
from aligner.export.pairs import pair_id
from aligner.plots import PLOTS, PLOTS_DIR, thresholds, write_plots
from aligner.records import Pair
from aligner.review.highlight import mismatch_spans
from aligner.review.sample import sample_kept

TEMPLATE = Path(__file__).resolve().parents[1] / "resources" / "review.html"
DEFAULT_NAME = "review.html"

# The features shown beside a pair, in this order: what explains its score.
FEATURES = (
    "cosine",
    "margin",
    "length_z",
    "numbers",
    "names",
    "en_names",
    "latin",
    "coverage",
    "ja_translated",
    "en_translated",
    "part_translated",
    "half_translated",
)


@dataclass(frozen=True, slots=True)
class ReviewPage:
    """What `write_review` wrote: the page, how many pairs it shows (sampled, and context
    paragraphs of sampled sentences), and the plot files."""

    path: Path
    pairs: int
    sampled: int | None
    context: int
    plots: tuple[Path, ...]


def page_rows(pairs: Sequence[Pair], sample: int | None = None, seed: int = 0) -> tuple[list[Pair], list[bool]]:
    """The pairs a page shows, each with whether it is part of what is reviewed.

    Args:
        pairs: every pair of the corpus, in corpus order.
        sample: None for every pair; else the size of a stratified sample of kept pairs
            (`sample_kept`), to which the kept paragraph pairs of its sentence pairs are
            added as context (shown when linked to, not marked).
        seed: the sample's random seed.

    Returns:
        (rows, reviewed): the pairs in corpus order, and a flag for each.
    """
    if sample is None:
        return list(pairs), [True] * len(pairs)
    chosen = set(sample_kept(pairs, sample, seed))
    parents = _parents(pairs)
    context = {parents[p] for p in chosen if p in parents} - chosen
    rows = [p for p in pairs if p in chosen or p in context]
    return rows, [p in chosen for p in rows]


def _parents(pairs: Sequence[Pair]) -> dict[Pair, Pair]:
    """Sentence pair -> the kept paragraph pair it was split from (same document, and a
    block of it on either side)."""
    owner: dict[tuple[str, str, int], Pair] = {}
    for p in pairs:
        if p.level == "paragraph" and p.kept:
            owner.update({(p.doc, "ja", b): p for b in p.ja_blocks})
            owner.update({(p.doc, "en", b): p for b in p.en_blocks})
    out = {}
    for p in pairs:
        if p.level != "sentence":
            continue
        keys = [(p.doc, "ja", b) for b in p.ja_blocks] + [(p.doc, "en", b) for b in p.en_blocks]
        parent = next((owner[k] for k in keys if k in owner), None)
        if parent is not None:
            out[p] = parent
    return out


def page_data(
    name: str, signature: str, pairs: Sequence[Pair], rows: Sequence[Pair], reviewed: Sequence[bool], note: str = ""
) -> dict:
    """The JSON the page embeds: one array a column (compact for 100,000 pairs), documents
    and reasons as indices into lists, features rounded to 2 decimals, mismatch spans
    (`highlight.mismatch_spans`) only for the pairs that have some.

    Args:
        name: the corpus's name (its folder's); with `signature`, it keys the marks the
            browser keeps, so that every page of one corpus shares them.
        signature: the build's signature (manifest.json).
        pairs: every pair of the corpus (for the counts the page states).
        rows: the pairs to show.
        reviewed: for each row, whether it may be marked (False: context of a sample).
        note: a line saying how the sample was drawn, or "" for a whole corpus.

    Returns:
        A JSON-ready dict.
    """
    docs = sorted({p.doc for p in rows})
    reasons = [""] + sorted({p.reason for p in rows if p.reason})
    doc_index, reason_index = {d: k for k, d in enumerate(docs)}, {r: k for k, r in enumerate(reasons)}
    row_index = {p: k for k, p in enumerate(rows)}
    parents = _parents(rows)
    para = [row_index[parents[p]] if p in parents else -1 for p in rows]
    hj, he = {}, {}
    for k, p in enumerate(rows):
        ja_spans, en_spans = mismatch_spans(p.ja, p.en, p.features)
        if ja_spans:
            hj[k] = [x for span in ja_spans for x in span]
        if en_spans:
            he[k] = [x for span in en_spans for x in span]
    kept = sum(p.kept for p in pairs)
    documents = len({p.doc for p in pairs})
    summary = (
        f"{kept:,} kept and {len(pairs) - kept:,} rejected pairs from {documents:,} "
        f"document{'s' if documents != 1 else ''}"
    )
    cols = {
        "id": [pair_id(p) for p in rows],
        "doc": [doc_index[p.doc] for p in rows],
        "lv": [int(p.level == "sentence") for p in rows],
        "k": [int(p.kept) for p in rows],
        "r": [reason_index[p.reason] for p in rows],
        "s": [round(p.score, 4) for p in rows],
        "ja": [p.ja for p in rows],
        "en": [p.en for p in rows],
        "p": para,
        "f": [[_round(getattr(p.features, f, None)) for p in rows] for f in FEATURES],
    }
    if not all(reviewed):
        cols["x"] = [int(r) for r in reviewed]
    return {
        "key": hashlib.sha1(f"{name}\n{signature}".encode()).hexdigest()[:16],
        "summary": summary,
        "sample": note,
        "docs": docs,
        "reasons": reasons,
        "features": list(FEATURES),
        "children": dict(Counter(k for k in para if k >= 0)),
        "hj": hj,
        "he": he,
        "cols": cols,
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def render_page(title: str, data: dict, plots: Sequence[Path], plot_base: Path) -> str:
    """The HTML of the page: the template with its title, plots inlined as PNG data and the
    data as JSON (every < escaped, so that no text can close the script element).

    Args:
        title: the page title.
        data: `page_data`.
        plots: PNG files, shown in this order with their `PLOTS` captions.
        plot_base: the folder the captions name the files relative to.

    Returns:
        The whole HTML document.
    """
    figures = []
    for path in plots:
        png = base64.b64encode(path.read_bytes()).decode("ascii")
        name = path.relative_to(plot_base).as_posix() if path.is_relative_to(plot_base) else path.name
        caption = escape(PLOTS.get(path.name, path.name))
        figures.append(
            f'<figure><img alt="{caption}" src="data:image/png;base64,{png}">'
            f"<figcaption>{caption} <code>{escape(name)}</code></figcaption></figure>"
        )
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    html = TEMPLATE.read_text(encoding="utf-8")
    return (
        html.replace("__TITLE__", escape(title)).replace("__PLOTS__", "".join(figures)).replace("__DATA__", payload, 1)
    )


def write_review(build_dir: Path, output: Path | None = None, sample: int | None = None, seed: int = 0) -> ReviewPage:
    """Write a corpus's plots into its folder (`plots/`) and its review page.

    Args:
        build_dir: a folder written by `aligner build`.
        output: the HTML file; `review.html` in the build folder by default.
        sample: None to show every pair, else the size of a stratified sample of kept pairs
            to audit (`page_rows`).
        seed: the sample's random seed.

    Returns:
        The ReviewPage.

    Raises:
        InputError: build_dir is not a build folder.
    """
    build_dir = Path(build_dir)
    build = read_build(build_dir)
    output = Path(output) if output is not None else build_dir / DEFAULT_NAME
    rows, reviewed = page_rows(build.pairs, sample, seed)
    sampled = sum(reviewed) if sample is not None else None
    note = ""
    if sample is not None:
        kept = sum(p.kept for p in build.pairs)
        note = (
            f"Audit sample: {sampled:,} of {kept:,} kept pairs drawn at random by level, score band and document "
            f"(seed {seed}). Mark every one good or bad, download corrections.jsonl and run "
            f"`aligner audit {build_dir} corrections.jsonl`."
        )
    plots = write_plots(build.pairs, thresholds(build.manifest), build_dir / PLOTS_DIR)
    name = build_dir.resolve().name
    data = page_data(name, str(build.manifest.get("signature", "")), build.pairs, rows, reviewed, note)
    title = f"aligner review: {name}" + (" (audit sample)" if sample is not None else "")
    with atomic_write(output) as f:
        f.write(render_page(title, data, plots, build_dir))
    return ReviewPage(output, len(rows), sampled, len(rows) - sum(reviewed), tuple(plots))
