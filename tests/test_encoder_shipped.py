"""The shipped encoder in models/zh-char-encoder (marked: run with ``pytest -m shipped``)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from extractor.labels import ID2LABEL, LABEL2ID, PRODUCT_LABELS

MODEL_DIR = Path(__file__).parent.parent / "models" / "zh-char-encoder"

pytestmark = [
    pytest.mark.shipped,
    pytest.mark.skipif(not (MODEL_DIR / "model.safetensors").exists(), reason="no shipped encoder"),
]

TEXT = "您好！关于您反映的路灯问题，我局将于２０２６年3月底前完成维修，新增路灯120盏（约50%）。\n谢谢！"


@pytest.fixture(scope="module")
def tokenizer():
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(MODEL_DIR))


def test_card_and_files():
    card = (MODEL_DIR / "README.md").read_text(encoding="utf-8")
    assert card.startswith("---\n") and "\n---\n" in card[4:]
    assert (MODEL_DIR / "model.safetensors").stat().st_size < 25 * 1024 * 1024


def test_tokenizer_vocabulary_loaded_and_one_token_per_character(tokenizer):
    assert len(tokenizer) > 3000
    enc = tokenizer(TEXT, return_offsets_mapping=True)
    assert enc.offset_mapping[1:-1] == [(i, i + 1) for i in range(len(TEXT))]
    assert tokenizer.unk_token_id not in enc.input_ids


def test_loads_as_token_classifier(tokenizer):
    from transformers import AutoModelForTokenClassification

    model = AutoModelForTokenClassification.from_pretrained(
        str(MODEL_DIR), num_labels=len(PRODUCT_LABELS), id2label=ID2LABEL, label2id=LABEL2ID
    ).eval()
    with torch.no_grad():
        logits = model(**tokenizer(TEXT, return_tensors="pt")).logits
    assert logits.shape == (1, len(TEXT) + 2, len(PRODUCT_LABELS))


def test_padded_batch_matches_single_sequence(tokenizer):
    from transformers import AutoModelForMaskedLM

    model = AutoModelForMaskedLM.from_pretrained(str(MODEL_DIR)).eval()
    short = "我局将于年底前完成改造。"
    batch = tokenizer([short, TEXT], padding=True, return_tensors="pt")
    alone = tokenizer(short, return_tensors="pt")
    with torch.no_grad():
        padded = model(**batch).logits[0, : alone.input_ids.shape[1]]
        assert torch.allclose(padded, model(**alone).logits[0], atol=1e-3)


def test_fills_obvious_masks(tokenizer):
    from transformers import AutoModelForMaskedLM

    model = AutoModelForMaskedLM.from_pretrained(str(MODEL_DIR)).eval()
    hits = 0
    cases = [("中华人民共和国", 5), ("感谢您对我们工作的支持", 3), ("经济社会发展", 2), ("老旧小区改造", 3)]
    for text, i in cases:
        enc = tokenizer(text, return_tensors="pt")
        enc["input_ids"][0, i + 1] = tokenizer.mask_token_id
        with torch.no_grad():
            predicted = model(**enc).logits[0, i + 1].argmax().item()
        hits += tokenizer.convert_ids_to_tokens(predicted) == text[i]
    assert hits >= 3
