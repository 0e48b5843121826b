"""The sentence-transformers backend (`st:PATH`) on a tiny random BERT built offline in a tmp folder."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

st = pytest.importorskip(
    "sentence_transformers", reason="the sentence-transformers backend needs its extra: pip install 'aligner[st]'"
)
torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

import aligner  # noqa: E402
from aligner.cli import app  # noqa: E402
from aligner.embed import Embedder, SentenceTransformerEmbedder, get_embedder  # noqa: E402
from aligner.errors import BackendError  # noqa: E402
from tests.conftest import REPO  # noqa: E402

DIM = 32
MAX_TOKENS = 128  # the position table's size: longer inputs must be truncated, not overflow it
TEXTS = ["猫が好きです。", "I like cats.", "I like cats."]

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WORDS = (
    "i you we they he she it my your the a an is are was be and or of to in on at for with this that "
    "like likes cat cats dog dogs big small play plays every day too year became university student"
).split()
LETTERS = [chr(c) for c in range(ord("a"), ord("z") + 1)] + list("0123456789")
PUNCT = list(".,!?;:'\"()-。、「」！？")
KANA = [chr(c) for c in range(0x3041, 0x3097)] + [chr(c) for c in range(0x30A1, 0x30FB)] + ["ー"]
KANJI = list("猫犬好私日本語英文人大学生今年月火水木金土山川毎遊")
# Whole characters, then "##" continuations so that a run of kana or letters splits into
# known pieces: BERT's basic tokenizer splits CJK ideographs and punctuation, not kana.
VOCAB = list(dict.fromkeys(SPECIAL + WORDS + LETTERS + PUNCT + KANA + KANJI + ["##" + c for c in LETTERS + KANA]))

# A bilingual document: JA and EN paragraphs alternate, so blocks 0, 2, 4 are JA and 1, 3, 5 EN.
DOC = """猫が好きです。毎日猫と遊びます。

I like cats. I play with my cat every day.

犬も好きです。犬は大きいです。

I like dogs too. The dog is big.

今年、大学生になりました。

This year I became a university student.
"""
JA_BLOCKS = (0, 2, 4)
EN_BLOCKS = (1, 3, 5)


@pytest.fixture(scope="module", autouse=True)
def _offline():
    """Make any attempt to reach a model hub fail at once, for every test of this module."""
    import huggingface_hub.constants as hub

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        mp.setenv("TRANSFORMERS_OFFLINE", "1")
        # huggingface_hub reads the variables once, when imported (above, by importorskip)
        mp.setattr(hub, "HF_HUB_OFFLINE", True, raising=False)
        yield


def _modules():
    """sentence_transformers.models, whose import warns from v6 on (it moved); it still works from v3."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from sentence_transformers import models
    return models


@pytest.fixture(scope="module")
def model_path(tmp_path_factory) -> str:
    """A sentence-transformers folder: random 2-layer BERT (hidden 32) + mean pooling, seeded."""
    root = tmp_path_factory.mktemp("tiny_st")
    bert_dir, st_dir = root / "bert", root / "st"
    bert_dir.mkdir()
    vocab_file = bert_dir / "vocab.txt"
    vocab_file.write_text("\n".join(VOCAB) + "\n", encoding="utf-8")
    # strip_accents=False: with lowercasing BERT would otherwise NFD-strip dakuten (で -> て)
    tokenizer = transformers.BertTokenizerFast(
        str(vocab_file), do_lower_case=True, strip_accents=False, model_max_length=MAX_TOKENS
    )
    for text in TEXTS + DOC.split("\n\n"):
        assert tokenizer.unk_token not in tokenizer.tokenize(text), f"the tiny vocab misses a piece of {text!r}"
    config = transformers.BertConfig(
        vocab_size=len(VOCAB),
        hidden_size=DIM,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=MAX_TOKENS,
    )
    with torch.random.fork_rng(devices=[]):  # a fixed seed without touching the session's RNG
        torch.manual_seed(0)
        bert = transformers.BertModel(config).eval()
    bert.save_pretrained(bert_dir)
    tokenizer.save_pretrained(bert_dir)

    models = _modules()
    word = models.Transformer(str(bert_dir), max_seq_length=MAX_TOKENS)
    model = st.SentenceTransformer(modules=[word, models.Pooling(DIM, "mean")], device="cpu")
    model.save(str(st_dir))
    return str(st_dir)


@pytest.fixture(scope="module")
def st_embedder(model_path):
    return get_embedder(f"st:{model_path}")


def test_name_and_type(st_embedder, model_path):
    assert isinstance(st_embedder, SentenceTransformerEmbedder)
    assert isinstance(st_embedder, Embedder)
    assert st_embedder.name == f"st:{model_path}"


def test_encode_gives_unit_float32_rows(st_embedder):
    x = st_embedder.encode(TEXTS)
    assert x.shape == (3, DIM) and x.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(x[1], x[2])
    # JA and EN differ: a vocab that turned everything into [UNK] would make the test above empty
    assert not np.allclose(x[0], x[1])


def test_encode_is_deterministic(st_embedder, model_path):
    first = st_embedder.encode(TEXTS)
    np.testing.assert_array_equal(first, st_embedder.encode(TEXTS))
    np.testing.assert_array_equal(first, get_embedder(f"st:{model_path}").encode(TEXTS))  # a fresh load too


def test_encode_of_nothing(st_embedder):
    x = st_embedder.encode([])
    assert x.shape == (0, DIM) and x.dtype == np.float32


def test_encode_of_nothing_uses_no_deprecated_call(st_embedder):
    # get_sentence_embedding_dimension() warns from sentence-transformers 5 on, and is to go
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        warnings.simplefilter("error", DeprecationWarning)
        assert st_embedder.encode([]).shape == (0, DIM)


@pytest.mark.parametrize(
    "model",
    [
        "/nonexistent/model",  # a folder that is not there
        "no-such-org/no-such-model",  # a hub name: offline, it must fail at once, not hang
    ],
)
def test_bad_model_raises_backend_error_naming_it(model):
    with pytest.raises(BackendError) as err:
        get_embedder(f"st:{model}")
    assert repr(model) in str(err.value)


@pytest.fixture()
def doc(tmp_path) -> Path:
    path = tmp_path / "cats.txt"
    path.write_text(DOC, encoding="utf-8")
    return path


def test_build_by_name_uses_every_block_once(doc, model_path):
    # The random model aligns nothing well: check the structure, not which pairs are kept.
    corpus = aligner.build([doc], aligner.BuildConfig(model=f"st:{model_path}"))
    assert isinstance(corpus, aligner.Corpus)
    (report,) = corpus.reports
    assert (report.ja_blocks, report.en_blocks, report.other_blocks, report.error) == (3, 3, 0, "")
    para = [p for p in corpus.pairs if p.level == "paragraph"]
    assert sorted(b for p in para for b in p.ja_blocks) == list(JA_BLOCKS)
    assert sorted(b for p in para for b in p.en_blocks) == list(EN_BLOCKS)
    for p in corpus.pairs:
        assert (p.reason == "") if p.kept else (p.reason in {"low_score", "no_counterpart"})
        if p.ja_blocks and p.en_blocks:
            assert p.features is not None and np.isfinite([p.features.cosine, p.features.margin, p.score]).all()
    # sentence pairs only come from inside a kept paragraph pair
    kept_para = [(set(p.ja_blocks), set(p.en_blocks)) for p in para if p.kept]
    for p in corpus.pairs:
        if p.level == "sentence":
            assert any(set(p.ja_blocks) <= ja and set(p.en_blocks) <= en for ja, en in kept_para)
    assert report.paragraph_pairs == len(kept_para)
    assert report.rejected == len(corpus.rejected)


def test_cli_records_the_st_model_in_the_manifest(doc, model_path, tmp_path):
    from typer.testing import CliRunner

    out = tmp_path / "corpus"
    name = f"st:{model_path}"
    args = ["build", str(doc), "-o", str(out), "--model", name, "--cache", str(tmp_path / "emb.sqlite")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["embedder"] == name
    assert manifest["config"]["model"] == name
    assert f"model={json.dumps(name)}|" in manifest["signature"]


def test_importing_aligner_loads_neither_torch_nor_sentence_transformers():
    code = "import aligner, sys; print('torch' in sys.modules, 'sentence_transformers' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]
