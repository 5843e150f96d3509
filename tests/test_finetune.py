"""Fine-tuning on tiny randomly initialised models built here: the Trainer loop, export and reload, labels
through a WordPiece tokenizer's offset mapping, the config's strictness, the distillation data."""

import json
from pathlib import Path

import pytest
import torch
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers
from transformers import (
    AutoModelForTokenClassification,
    BertConfig,
    BertForMaskedLM,
    PreTrainedTokenizerFast,
)

from eval.gold import notice_from_markup
from extractor.labels import ID2LABEL, LABEL2ID, PRODUCT_LABELS, product_to_spans
from extractor.schema import Span
from extractor.taggers.model import ModelTagger
from training.config import FinetuneConfig, SourceConfig, StudentConfig
from training.finetune import span_scores, train, unlabelled_documents
from training.tagging_data import IGNORE, Window, char_labels, encode, gold_windows
from training.vocab import build_tokenizer, build_vocab, count_chars

MARKUPS = [
    "下一步，我局将<D k=by s=2025-03-01 e=2025-12-31>年底前</D><M>新建社区养老服务中心<Q v=12 u=个>12个</Q></M>。",
    "我们将<M>培训护理人员<Q v=800 u=人次 c=ge>不少于800人次</Q></M>，感谢您的关注。",
    "经核实，该路段已完成修复。我局将于<D k=by s=2025-03-01 e=2025-05-31>5月底前</D><M>组织人员现场查看</M>。",
]


def _gold_folder(root: Path) -> Path:
    notices = [notice_from_markup(f"n{i}", m, "2025-03-01") for i, m in enumerate(MARKUPS)]
    (root / "notices").mkdir(parents=True)
    for n in notices:
        (root / "notices" / f"{n.id}.json").write_text(n.model_dump_json(), encoding="utf-8")
    ids = [n.id for n in notices]
    (root / "splits.json").write_text(json.dumps({"train": ids, "dev": ids, "test": []}), encoding="utf-8")
    return root


def _base_model(root: Path) -> Path:
    torch.manual_seed(0)
    tokenizer = build_tokenizer(build_vocab(count_chars([*MARKUPS, "联系电话0123456789"]), min_freq=1))
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=128, pad_token_id=tokenizer.pad_token_id)
    BertForMaskedLM(config).save_pretrained(root)
    tokenizer.save_pretrained(root)
    return root


def _wordpiece_tokenizer() -> PreTrainedTokenizerFast:
    vocab = {t: i for i, t in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "2025", "12", "年", "底",
                                         "前", "新", "建", "个", "中", "心", "##5"])}
    tok = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(handle_chinese_chars=True, lowercase=False)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    from tokenizers.processors import TemplateProcessing

    tok.post_processor = TemplateProcessing(single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    return PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
                                   sep_token="[SEP]", mask_token="[MASK]")


def test_wordpiece_tokens_take_the_label_of_their_first_character():
    tokenizer = _wordpiece_tokenizer()
    text = "2025年底前新建中心12个"
    spans = [Span(start=0, end=5, label="DEADLINE"), Span(start=5, end=11, label="MEASURE"),
             Span(start=9, end=11, label="QUANTITY")]
    [features] = encode([Window("w", 0, text, char_labels(text, spans))], tokenizer, max_tokens=64)
    tokens = tokenizer.convert_ids_to_tokens(features["input_ids"])
    assert tokens[1] == "2025" and "12" in tokens  # multi-character tokens, so offsets matter
    assert features["labels"][0] == IGNORE and features["labels"][-1] == IGNORE
    offsets = tokenizer(text, return_offsets_mapping=True)["offset_mapping"]
    per_char = ["O|O"] * len(text)
    for (s, e), label in zip(offsets, features["labels"], strict=True):
        if label != IGNORE:
            tag = ID2LABEL[label]
            per_char[s] = tag
            for i in range(s + 1, e):  # the rest of a multi-character token continues its span
                per_char[i] = "|".join(p.replace("B-", "I-") for p in tag.split("|"))
    decoded = {(s.start, s.end, s.label) for s in product_to_spans(per_char)}
    assert decoded == {(s.start, s.end, s.label) for s in spans}


def test_a_window_longer_than_the_model_is_an_error_not_a_silent_cut():
    tokenizer = _wordpiece_tokenizer()
    with pytest.raises(ValueError, match="lower max_chars"):
        encode([Window("long", 0, "年" * 40, [0] * 40)], tokenizer, max_tokens=16)


def test_gold_windows_cover_every_character_of_a_long_notice():
    notice = notice_from_markup("long", "".join(MARKUPS) * 4, "2025-03-01")
    ws = gold_windows([notice], max_chars=40, overlap=8)
    assert len(ws) > 4
    covered = set()
    for w in ws:
        assert notice.text[w.start:w.start + len(w.text)] == w.text and len(w.text) <= 40
        covered.update(range(w.start, w.start + len(w.text)))
    assert covered == set(range(len(notice.text)))


def test_span_scores_counts_strict_matches_per_label():
    gold = [LABEL2ID[t] for t in ["O|O", "B-MEASURE|O", "I-MEASURE|B-QUANTITY", "I-MEASURE|I-QUANTITY", "O|O"]]
    pred = [LABEL2ID[t] for t in ["O|O", "B-MEASURE|O", "I-MEASURE|O", "I-MEASURE|B-QUANTITY", "O|O"]]
    import numpy as np

    scores = span_scores(np.array([[0, *pred]]), np.array([[IGNORE, *gold]]))
    assert scores["MEASURE_f1"] == 1.0 and scores["QUANTITY_f1"] == 0.0


def test_config_rejects_unknown_keys_and_a_standoff_source_without_corpus(tmp_path):
    base = {"output_dir": str(tmp_path), "base_model": "x", "gold": [{"path": "annotations"}]}
    FinetuneConfig.model_validate(base)
    with pytest.raises(ValueError, match="epoch"):
        FinetuneConfig.model_validate({**base, "train": {"epoch": 3}})
    with pytest.raises(ValueError, match="corpus"):
        FinetuneConfig.model_validate({**base, "gold": [{"path": "annotations/real", "kind": "standoff"}]})


def test_finetune_trains_exports_and_the_export_reloads(tmp_path):
    gold, base = _gold_folder(tmp_path / "gold"), _base_model(tmp_path / "base")
    config = FinetuneConfig.model_validate({
        "output_dir": str(tmp_path / "run"), "base_model": str(base), "export_dir": str(tmp_path / "export"),
        "gold": [{"path": str(gold), "kind": "team", "repeat": 4}], "max_chars": 40, "overlap": 8,
        "train": {"epochs": 6, "batch_size": 4, "learning_rate": 0.01, "num_threads": 1, "patience": 10}})
    results = train(config)
    assert results["steps"] > 0 and results["data"][f"team:{gold}"]["repeat"] == 4
    log = [json.loads(line) for line in (tmp_path / "run" / "train_log.jsonl").read_text().splitlines()]
    losses = [e["loss"] for e in log if "loss" in e]
    assert losses and losses[-1] < losses[0]  # it learns something on its own training notices
    export = tmp_path / "export"
    assert (export / "model.safetensors").is_file() and (export / "eval_results.json").is_file()
    model = AutoModelForTokenClassification.from_pretrained(export)
    assert [model.config.id2label[i] for i in range(model.config.num_labels)] == PRODUCT_LABELS
    first = ModelTagger.load(export, device="cpu").probabilities(MARKUPS[0])
    second = ModelTagger.load(export, device="cpu").probabilities(MARKUPS[0])
    assert (first == second).all()


def test_distillation_text_leaves_out_the_real_gold_dev_and_test_documents(tmp_path):
    corpus = tmp_path / "replies.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"R{i}", "text": f"我局将加快建设{i}。"}) + "\n" for i in range(4)),
                      encoding="utf-8")
    student = StudentConfig(teacher=tmp_path, unlabelled=[SourceConfig(path=corpus)])
    docs = unlabelled_documents(student, excluded={("replies.jsonl", "R1"), ("replies.jsonl", "R3")})
    assert [name for name, _ in docs] == ["replies.jsonl:R0", "replies.jsonl:R2"]


def test_a_standoff_source_can_select_genres(tmp_path):
    """``genres`` keeps only those documents of a standoff source (a second entry can weight replies up)."""
    from extractor.annotations.standoff import sha256
    from training.tagging_data import load_gold_source

    texts = {"a1": "我局将于年底前完成路面修复。", "b1": "今年要加快建设重点项目。"}
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "mixed.jsonl").write_text(
        "".join(json.dumps({"id": k, "text": v}, ensure_ascii=False) + "\n" for k, v in texts.items()),
        encoding="utf-8")
    gold = tmp_path / "real"
    (gold / "mixed").mkdir(parents=True)
    for key, rid, genre in (("reply-a1", "a1", "reply"), ("report-b1", "b1", "report")):
        (gold / "mixed" / f"{key}.json").write_text(json.dumps({
            "key": key, "source": "mixed.jsonl", "id": rid, "region": [0, len(texts[rid])],
            "sha256": sha256(texts[rid]), "anchor": "2026-03-01", "genre": genre, "annotator": "T1",
            "spans": [], "commitments": []}), encoding="utf-8")
    (gold / "splits.json").write_text(json.dumps({"train": ["reply-a1", "report-b1"], "dev": [], "test": []}))
    every = load_gold_source("standoff", gold, "train", tmp_path / "corpus")
    replies = load_gold_source("standoff", gold, "train", tmp_path / "corpus", ["reply"])
    assert sorted(n.id for n in every) == ["reply-a1", "report-b1"]
    assert [n.id for n in replies] == ["reply-a1"]
    base = {"output_dir": str(tmp_path), "base_model": "x"}
    with pytest.raises(ValueError, match="genres"):
        FinetuneConfig.model_validate({**base, "gold": [{"path": "annotations", "genres": ["reply"]}]})
