"""The shipped fine-tuned tagger (models/zh-commitment-tagger): it loads the way its model card says, its
labels are the product label set, and the default `commitments extract` (the hybrid) runs it end to end."""

from __future__ import annotations

import json

import pytest

from extractor.cli import main
from extractor.labels import PRODUCT_LABELS
from extractor.taggers import DEFAULT_MODEL_DIR, DEFAULT_TAGGER

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
NOTICE = ("发文日期：2025-03-01\n关于加快社区养老服务设施建设的提案的答复\n"
          "下一步，我局将在年底前新建社区养老服务中心12个，2026年6月底前完成老旧小区适老化改造。\n")


def test_the_checkpoint_ships_with_its_card_and_results():
    for name in ("config.json", "model.safetensors", "tokenizer_config.json", "eval_results.json", "README.md"):
        assert (DEFAULT_MODEL_DIR / name).is_file(), f"{name} missing from {DEFAULT_MODEL_DIR}"
    card = (DEFAULT_MODEL_DIR / "README.md").read_text(encoding="utf-8")
    assert card.startswith("---\n") and "\nlicense:" in card.split("---")[1]
    assert not list(DEFAULT_MODEL_DIR.glob("*.bin")) and not list(DEFAULT_MODEL_DIR.glob("*.pt"))


def test_it_loads_with_auto_classes_and_tags_characters():
    import torch
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    model = AutoModelForTokenClassification.from_pretrained(str(DEFAULT_MODEL_DIR)).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(DEFAULT_MODEL_DIR))
    assert [model.config.id2label[i] for i in range(model.config.num_labels)] == PRODUCT_LABELS
    enc = tokenizer("我局将在年底前新建社区养老服务中心12个", return_offsets_mapping=True, return_tensors="pt")
    offsets = enc.pop("offset_mapping")[0]
    with torch.inference_mode():
        logits = model(**enc).logits[0]
    assert logits.shape == (len(offsets), len(PRODUCT_LABELS))
    assert all(e - s == 1 for s, e in offsets.tolist() if e > s)  # one token per character


def test_the_default_extract_is_the_hybrid_with_the_shipped_model(tmp_path):
    assert DEFAULT_TAGGER == "hybrid"
    notice = tmp_path / "n.txt"
    notice.write_text(NOTICE, encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert main(["extract", str(notice), "-o", str(out), "--progress", "off", "--device", "cpu"]) == 0
    record = json.loads(out.read_text(encoding="utf-8"))
    text = record["text"]
    assert text == NOTICE
    assert record["spans"], "the hybrid found no spans"
    for span in record["spans"]:
        assert 0 <= span["start"] < span["end"] <= len(text)
        assert 0.0 <= span["score"] <= 1.0
    for commitment in record["commitments"]:
        for part in ("measure", "quantity", "deadline"):
            if commitment.get(part):
                assert text[commitment[part]["start"]:commitment[part]["end"]] == commitment[part]["text"]
    deadlines = {c["deadline"]["end_date"] for c in record["commitments"] if c.get("deadline")}
    assert "2025-12-31" in deadlines, record["commitments"]
