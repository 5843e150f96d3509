"""The model tagger and the pipeline on a tiny randomly initialised model built here (no weights on disk)."""

from datetime import date

import numpy as np
import pytest
import torch
from transformers import BertConfig, BertForTokenClassification

from extractor.labels import ID2LABEL, LABEL2ID, PRODUCT_LABELS
from extractor.pipeline import Extractor
from extractor.schema import Notice
from extractor.taggers.model import ModelTagger
from training.vocab import build_tokenizer, build_vocab, count_chars

TEXT = "下一步，我局将在2025年底前新建社区养老服务中心12个，力争全年培训护理人员不少于800人次。\n联系电话：0571-87654321"


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory):
    torch.manual_seed(0)
    tokenizer = build_tokenizer(build_vocab(count_chars([TEXT]), min_freq=1))
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=64, num_labels=len(PRODUCT_LABELS),
                        id2label=ID2LABEL, label2id=LABEL2ID)
    path = tmp_path_factory.mktemp("tiny-tagger")
    BertForTokenClassification(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


def test_every_character_gets_probabilities_across_windows(tiny_model_dir):
    tagger = ModelTagger.load(tiny_model_dir, max_chars=24, overlap=8)
    probs = tagger.probabilities(TEXT * 3)
    assert probs.shape == (len(TEXT) * 3, len(PRODUCT_LABELS))
    assert abs(float(probs.sum(axis=1).min()) - 1.0) < 1e-4


@pytest.mark.parametrize("name", ["model", "hybrid"])
def test_model_pipeline_offsets_are_valid(tiny_model_dir, name):
    extractor = Extractor.load(name, tiny_model_dir, device="cpu")
    assert extractor.name == name
    result = extractor.extract(Notice(id="t", text=TEXT, date=date(2025, 3, 1)))
    for span in result.spans:
        assert 0 <= span.start < span.end <= len(TEXT) and 0.0 <= span.score <= 1.0
    for c in result.commitments:
        assert TEXT[c.measure.start:c.measure.end] == c.measure.text
    for r in result.rejections:
        assert TEXT[r.start:r.end] == r.text


def test_missing_checkpoint_and_wrong_labels_are_clear_errors(tmp_path, tiny_model_dir):
    with pytest.raises(FileNotFoundError, match="no model checkpoint"):
        ModelTagger.load(tmp_path / "none")
    config = BertConfig(vocab_size=10, hidden_size=8, num_hidden_layers=1, num_attention_heads=1,
                        intermediate_size=8, num_labels=3)
    BertForTokenClassification(config).save_pretrained(tmp_path / "other")
    with pytest.raises(ValueError, match="product label set"):
        ModelTagger.load(tmp_path / "other")



def test_characters_a_window_would_drop_are_an_error_not_silent_o(tiny_model_dir):
    tagger = ModelTagger.load(tiny_model_dir, max_chars=24, overlap=8)
    with pytest.raises(ValueError, match="uncovered"):
        tagger.probabilities(TEXT, windows=[(0, len(TEXT))])  # one 60-character window truncated to 24 tokens


def test_int8_precision_quantises_the_linear_layers_and_stays_close(tiny_model_dir):
    exact = ModelTagger.load(tiny_model_dir, device="cpu", max_chars=24, overlap=8)
    fast = ModelTagger.load(tiny_model_dir, device="cpu", max_chars=24, overlap=8, precision="int8")
    assert any("quantized" in type(m).__module__ for m in fast.model.modules())
    assert not any("quantized" in type(m).__module__ for m in exact.model.modules())
    a, b = exact.probabilities(TEXT), fast.probabilities(TEXT)
    assert a.shape == b.shape and abs(float(b.sum(axis=1).min()) - 1.0) < 1e-4
    assert float(abs(a - b).max()) < 0.1  # weights rounded to int8, not a different model


def test_int8_precision_refuses_a_gpu(tiny_model_dir):
    from extractor.taggers.model import quantize_int8

    with pytest.raises(ValueError, match="CPU only"):
        quantize_int8(torch.nn.Linear(2, 2), "cuda")


def _product_probs(rows):
    """(n, len(PRODUCT_LABELS)) probabilities from one {product label: p} dict per character."""
    from extractor.labels import LABEL2ID, PRODUCT_LABELS

    probs = np.zeros((len(rows), len(PRODUCT_LABELS)), dtype=np.float32)
    for i, row in enumerate(rows):
        for label, p in row.items():
            probs[i, LABEL2ID[label]] = p
    return probs


def test_decoding_sums_a_layer_over_the_other_and_keeps_bio_valid():
    from extractor.labels import ID2LABEL, product_to_spans
    from extractor.taggers.decode import decode

    rows = [{"O|O": 1.0}] * 3 + [
        {"B-MEASURE|O": 0.6, "O|O": 0.4},
        {"I-MEASURE|O": 0.3, "I-MEASURE|B-QUANTITY": 0.3, "O|O": 0.4},  # product argmax: O|O
        {"I-MEASURE|O": 0.7, "O|O": 0.3},
        {"O|O": 0.9, "I-MEASURE|O": 0.1},
        {"I-MEASURE|O": 0.5, "O|O": 0.4, "B-MEASURE|O": 0.1},  # a stray I- after O
        {"I-MEASURE|I-DEADLINE": 0.9, "O|O": 0.05, "B-MEASURE|O": 0.05},
    ] + [{"O|O": 1.0}] * 40
    probs = _product_probs(rows)
    argmax = [(s.start, s.end, s.label) for s in product_to_spans([ID2LABEL[int(i)] for i in probs.argmax(1)])]
    assert (3, 4, "MEASURE") in argmax and (5, 6, "MEASURE") in argmax  # fragments
    got = [(s.start, s.end, s.label) for s in decode(probs)]
    assert got == [(3, 6, "MEASURE"), (7, 9, "MEASURE")]  # one span; the stray I- begins one (B- is valid)
    assert decode(_product_probs([{"O|O": 1.0}] * 5)) == []


def test_auto_precision_is_bf16_only_where_the_hardware_has_it(monkeypatch):
    from extractor.taggers.model import resolve_precision

    assert resolve_precision("int8", "cpu") == "int8" and resolve_precision("fp32", "cpu") == "fp32"
    monkeypatch.setattr(torch.cpu, "_is_avx512_bf16_supported", lambda: True, raising=False)
    assert resolve_precision("auto", "cpu") == "bf16"
    monkeypatch.setattr(torch.cpu, "_is_avx512_bf16_supported", lambda: False, raising=False)
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: False, raising=False)
    assert resolve_precision("auto", "cpu") == "fp32"
