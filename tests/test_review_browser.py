"""The review page in a real browser (headless Chromium through Playwright): a page built from
the seeds loads, filters, searches, takes marks by key, keeps them over a reload and downloads
them as corrections.jsonl; a screenshot goes to data/review_seeds.png for a person to look at."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aligner.cli import app
from aligner.export.jsonl import read_build
from aligner.export.pairs import pair_id
from aligner.review.browser import CHROMIUM_ARGS, find_chromium
from tests.conftest import REPO, SEEDS

pytestmark = pytest.mark.browser


def _chromium() -> str:
    """The system Chromium, or skip saying how to get one."""
    path = find_chromium()
    if path is None:
        pytest.skip("no Chromium found: install it (Debian: apt-get install chromium) or set ALIGNER_CHROMIUM")
    return path


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module, driven by Playwright."""
    executable = _chromium()
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright not installed: pip install -e '.[test]'")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS), headless=True)
        yield b
        b.close()


@pytest.fixture
def context(browser):
    """A fresh browser profile (its own localStorage) that accepts downloads."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    yield ctx
    ctx.close()


@pytest.fixture(scope="module")
def seeds_page(tmp_path_factory):
    """The seeds built into a corpus and its review page."""
    out = tmp_path_factory.mktemp("seeds") / "corpus"
    runner = CliRunner()
    result = runner.invoke(app, ["build", str(SEEDS), "-o", str(out)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["review", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _open(context, path: Path):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    local = ("file:", "data:", "blob:")
    page.on("request", lambda r: None if r.url.startswith(local) else errors.append(f"request {r.url}"))
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-ready='1']")
    page.errors = errors
    return page


def _shown(page) -> list[str]:
    return page.eval_on_selector_all(".pair", "els => els.map(e => e.dataset.i)")


def _count(page) -> str:
    return page.inner_text("#count")


def test_page_loads_filters_searches_and_sorts(context, seeds_page):
    build = read_build(seeds_page)
    total = len(build.pairs)
    page = _open(context, seeds_page / "review.html")
    assert f"of {total} pairs" in _count(page) and len(_shown(page)) == total
    assert page.locator("#plots img").count() == 4

    rejected = sum(not p.kept for p in build.pairs)
    page.select_option("#status", "rejected")
    assert f"of {rejected} pairs" in _count(page)
    assert page.locator(".pair .badge.kept").count() == 0

    page.select_option("#status", "")
    page.select_option("#reason", label="low_score")
    low = [p for p in build.pairs if p.reason == "low_score"]
    assert f"of {len(low)} pairs" in _count(page) and page.inner_text(".pair .badge.rej") == "low_score"
    page.select_option("#reason", "")

    page.fill("#doc", "rfa_")  # the English-only seed: no pair
    page.wait_for_function("document.querySelector('#count').textContent === '0 pairs'")
    assert page.locator(".empty-list").count() == 1
    page.fill("#doc", "")
    page.wait_for_function(f"document.querySelector('#count').textContent.indexOf(' of {total} ') >= 0")
    page.locator(".pair a.doc").first.click()  # a pair's document: that document only
    docs = {p.doc for p in build.pairs}
    assert page.input_value("#doc") in docs and f"of {total} pairs" in _count(page)  # the seeds' pairs share one

    page.select_option("#level", "1")
    sentences = sum(p.level == "sentence" for p in build.pairs)
    assert f"of {sentences} pairs" in _count(page)
    page.fill("#smax", "0.99")
    under = sum(p.level == "sentence" and p.score <= 0.99 for p in build.pairs)
    page.locator("#smax").dispatch_event("change")
    assert f"of {under} pairs" in _count(page)
    page.fill("#smax", "")
    page.locator("#smax").dispatch_event("change")
    page.select_option("#level", "")

    page.fill("#search", "red star")
    page.wait_for_function("document.querySelector('#count').textContent.indexOf(' of " + str(total) + " ') < 0")
    hits = [p for p in build.pairs if "red star" in p.ja.lower() or "red star" in p.en.lower()]
    assert hits and f"of {len(hits)} pairs" in _count(page)
    assert page.locator(".pair mark.hit").count() >= len(hits)
    page.fill("#search", "")
    page.wait_for_function(f"document.querySelector('#count').textContent.indexOf(' of {total} ') >= 0")

    page.select_option("#sort", "asc")
    scores = [float(s) for s in page.locator(".pair .score").all_inner_texts()]
    assert scores == sorted(scores) and scores[0] == round(min(p.score for p in build.pairs), 3)
    assert page.errors == []


def test_marks_by_key_survive_a_reload_and_download(context, seeds_page, tmp_path):
    build = read_build(seeds_page)
    page = _open(context, seeds_page / "review.html")
    first = _shown(page)[:3]
    page.keyboard.press("j")  # the second pair
    page.keyboard.press("g")  # good, and on to the third
    page.keyboard.press("b")  # bad, and on to the fourth
    page.keyboard.press("k")
    page.keyboard.press("k")
    page.keyboard.press("k")  # back to the first
    page.keyboard.press("b")
    page.keyboard.press("k")
    page.keyboard.press("u")  # the first unmarked again
    assert "2 marked (1 good, 1 bad)" in page.inner_text("#stats")
    page.locator(".pair").nth(4).locator("button.b").click()  # by mouse: bad,
    assert "3 marked (1 good, 2 bad)" in page.inner_text("#stats")
    assert "bad" in page.locator(".pair").nth(4).get_attribute("class")
    page.locator(".pair").nth(4).locator("button.b").click()  # and a second click takes it back
    assert "bad" not in page.locator(".pair").nth(4).get_attribute("class")
    assert "2 marked (1 good, 1 bad)" in page.inner_text("#stats")

    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    rows = page.locator(".pair")
    assert "2 marked (1 good, 1 bad)" in page.inner_text("#stats")
    assert rows.nth(1).get_attribute("class").split() == ["pair", "good"]
    assert "bad" in rows.nth(2).get_attribute("class").split()
    assert "good" not in rows.nth(0).get_attribute("class") and "bad" not in rows.nth(0).get_attribute("class")
    page.select_option("#marked", "any")
    assert _shown(page) == first[1:3]
    page.select_option("#marked", "")

    with page.expect_download() as info:
        page.click("#download")
    download = info.value
    assert download.suggested_filename == "corrections.jsonl"
    saved = tmp_path / "corrections.jsonl"
    download.save_as(saved)
    lines = [json.loads(line) for line in saved.read_text(encoding="utf-8").splitlines()]
    pairs = [build.pairs[int(i)] for i in first[1:3]]
    assert lines == [
        {"id": pair_id(pairs[0]), "ja": pairs[0].ja, "en": pairs[0].en, "label": 1},
        {"id": pair_id(pairs[1]), "ja": pairs[1].ja, "en": pairs[1].en, "label": 0},
    ]
    result = CliRunner().invoke(app, ["audit", str(seeds_page), str(saved)])
    assert result.exit_code == 0 and "from 2 marks" in result.output

    page.keyboard.press("j")
    (REPO / "data").mkdir(exist_ok=True)
    page.screenshot(path=str(REPO / "data" / "review_seeds.png"))
    assert page.errors == []


def test_a_sentence_pair_links_to_its_paragraph_pair(context, seeds_page):
    build = read_build(seeds_page)
    page = _open(context, seeds_page / "review.html")
    page.select_option("#level", "1")
    sentence = build.pairs[int(_shown(page)[0])]
    page.locator(".pair").first.locator("a.para").click()
    selected = build.pairs[int(page.get_attribute(".pair.sel", "data-i"))]
    assert selected.level == "paragraph" and selected.doc == sentence.doc
    assert set(sentence.ja_blocks) <= set(selected.ja_blocks) and set(sentence.en_blocks) <= set(selected.en_blocks)
    assert page.input_value("#level") == ""  # filters cleared to show it
    page.locator(".pair.sel a.sents").click()
    shown = [build.pairs[int(i)] for i in _shown(page)]
    assert shown[0] == selected and sentence in shown and all(p.doc == sentence.doc for p in shown)


def test_sample_page_shows_the_sample_and_its_context_only_when_linked(context, seeds_page, tmp_path):
    out = tmp_path / "sample.html"
    result = CliRunner().invoke(app, ["review", str(seeds_page), "-o", str(out), "--sample", "6", "--seed", "1"])
    assert result.exit_code == 0, result.output
    page = _open(context, out)
    assert "of 6 pairs" in _count(page) and page.locator(".pair.ctx").count() == 0
    assert "Audit sample: 6 of" in page.inner_text("#sample-note")
    page.locator(".pair:not(.ctx) a.para").first.click()
    assert page.locator(".pair.sel.ctx").count() == 1  # the paragraph, shown as context
    assert page.locator(".pair.sel .marks button").count() == 0  # which is not marked
    # data-i indexes this page's own pairs (the sample and its context): the id from its data
    context_id = page.evaluate(
        "i => JSON.parse(document.getElementById('data').textContent).cols.id[i]",
        int(page.get_attribute(".pair.sel", "data-i")),
    )
    assert context_id in {pair_id(p) for p in read_build(seeds_page).pairs if p.level == "paragraph"}

    # marked on the whole corpus's page (marks are shared), it is still no mark of the sample
    full = _open(context, seeds_page / "review.html")
    full.fill("#search", f"id:{context_id}")
    full.wait_for_function("document.querySelector('#count').textContent.indexOf(' of 1 pairs') >= 0")
    full.keyboard.press("Escape")  # out of the search box
    full.keyboard.press("g")
    assert "1 marked" in full.inner_text("#stats")
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    assert "0 marked" in page.inner_text("#stats")
    page.keyboard.press("g")  # the first sampled pair
    with page.expect_download() as info:
        page.click("#download")
    lines = Path(info.value.path()).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["id"] != context_id
    assert page.errors == []
