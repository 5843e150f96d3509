"""Masked-LM pretraining on a few invented sentences with a tiny model built in the test."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import pytest
import torch
from transformers import AutoModelForMaskedLM, AutoModelForTokenClassification, AutoTokenizer

from extractor.labels import ID2LABEL, LABEL2ID, PRODUCT_LABELS
from training import cli as training_cli
from training.config import PretrainConfig
from training.mlm import mask_batch
from training.pretrain import STATE_FILE, latest_checkpoint, load_state, lr_at, resolve_resume, train
from training.vocab import build_tokenizer, build_vocab, count_chars

SENTENCES = [
    "您好！关于您反映的小区路灯损坏问题，我局已安排维修，预计于2026年3月底前完成。",
    "区住建局将加快推进老旧小区改造，年内新增停车位120个，确保按期完成。",
    "针对来信反映的噪音扰民问题，执法人员已于5月10日到现场核查并责令整改。",
    "下一步，我们将力争在年底前完成道路拓宽工程，总投资约3.5亿元。",
    "感谢您对我们工作的理解和支持！如有疑问，请拨打12345热线。",
    "一、继续做好垃圾分类工作\n二、完善社区养老服务设施，新建服务站8个。",
]


def write_config(tmp_path: Path, **train_overrides) -> Path:
    corpus = tmp_path / "notices.jsonl"
    rows = [{"id": str(i), "text": "\n".join(SENTENCES[i:] + SENTENCES[:i])} for i in range(len(SENTENCES))]
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    plain = tmp_path / "plain.txt"
    plain.write_text("\n".join(s[::-1] for s in SENTENCES) + "\n", encoding="utf-8")
    train_cfg = {
        "seq_len": 32,
        "batch_size": 4,
        "warmup_steps": 2,
        "max_steps": 6,
        "log_every": 1,
        "save_every": 3,
        "keep_checkpoints": 5,
        "bf16": False,
        "seed": 3,
        **train_overrides,
    }
    config = {
        "output_dir": str(tmp_path / "run"),
        "data": {
            "sources": [
                {"path": str(corpus), "kind": "jsonl", "government": True},
                {"path": str(plain), "kind": "text", "government": False},
            ],
            "min_line_chars": 4,
            "heldout_per_mille": 0,
        },
        "vocab": {"min_freq": 1},
        "model": {
            "num_hidden_layers": 2,
            "hidden_size": 32,
            "num_attention_heads": 2,
            "intermediate_size": 64,
            "max_position_embeddings": 64,
        },
        "train": train_cfg,
    }
    path = tmp_path / "pretrain.yaml"
    path.write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")  # JSON is valid YAML
    return path


def quiet(_message: str) -> None:
    pass


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


@pytest.mark.parametrize("architecture", ["bert", "modernbert"])
def test_trains_saves_reloads_with_identical_outputs(tmp_path, architecture):
    config = PretrainConfig.from_yaml(write_config(tmp_path))
    config.model.architecture = architecture
    checkpoint = train(config, log=quiet, export=tmp_path / "export")
    assert checkpoint.name == "checkpoint-6" and (checkpoint / STATE_FILE).exists()
    log = [json.loads(line) for line in (tmp_path / "run" / "train_log.jsonl").read_text().splitlines()]
    losses = [r["loss"] for r in log if "loss" in r]
    assert len(losses) == 6 and all(math.isfinite(loss) and loss > 0 for loss in losses)
    assert all(r["tokens_per_s"] > 0 for r in log if "loss" in r)

    export = tmp_path / "export"
    assert {"config.json", "model.safetensors", "tokenizer.json", "pretraining.json"} <= {
        p.name for p in export.iterdir()
    }
    tokenizer = AutoTokenizer.from_pretrained(str(export))
    first = AutoModelForMaskedLM.from_pretrained(str(checkpoint)).eval()
    second = AutoModelForMaskedLM.from_pretrained(str(export)).eval()
    enc = tokenizer(SENTENCES[0], return_tensors="pt")
    assert tokenizer.unk_token_id not in enc.input_ids[0].tolist()
    with torch.no_grad():
        assert torch.equal(first(**enc).logits, second(**enc).logits)
    # the checkpoint is ready for the token classifier of the next step
    tagger = AutoModelForTokenClassification.from_pretrained(
        str(export), num_labels=len(PRODUCT_LABELS), id2label=ID2LABEL, label2id=LABEL2ID
    )
    with torch.no_grad():
        assert tagger(**enc).logits.shape == (1, len(SENTENCES[0]) + 2, len(PRODUCT_LABELS))
    assert torch.equal(tagger.get_input_embeddings().weight, second.get_input_embeddings().weight)
    # padding in a batch changes nothing for the shorter sequence
    batch = tokenizer([SENTENCES[1], SENTENCES[0]], padding=True, return_tensors="pt")
    alone = tokenizer(SENTENCES[1], return_tensors="pt")
    with torch.no_grad():
        padded = second(**batch).logits[0, : alone.input_ids.shape[1]]
        assert torch.allclose(padded, second(**alone).logits[0], atol=1e-4)


@pytest.mark.parametrize("architecture", ["bert", "modernbert"])
def test_resume_continues_from_the_saved_step_like_an_uninterrupted_run(tmp_path, architecture):
    straight_dir, resumed_dir = tmp_path / "straight", tmp_path / "resumed"
    straight_dir.mkdir()
    resumed_dir.mkdir()
    straight_config = PretrainConfig.from_yaml(write_config(straight_dir))
    straight_config.model.architecture = architecture
    straight = train(straight_config, log=quiet)

    # same config (the schedule depends on max_steps); the first run is interrupted after step 3
    stopped_config = PretrainConfig.from_yaml(write_config(resumed_dir))
    stopped_config.model.architecture = architecture
    messages: list[str] = []
    first = _train_until(stopped_config, 3, messages)
    assert first.name == "checkpoint-3"
    assert resolve_resume("latest", Path(stopped_config.output_dir)) == first
    resumed_messages: list[str] = []
    final = train(stopped_config, resume=first, log=resumed_messages.append)
    assert final.name == "checkpoint-6"
    assert json.loads(resumed_messages[1])["step"] == 3  # it picked up at the saved step
    a = AutoModelForMaskedLM.from_pretrained(str(straight)).state_dict()
    b = AutoModelForMaskedLM.from_pretrained(str(final)).state_dict()
    for name in a:
        assert torch.allclose(a[name], b[name], atol=1e-6), name
    state = load_state(final / STATE_FILE)
    assert state["step"] == 6 and state["tokens_seen"] == 6 * 4 * 32


def _train_until(config: PretrainConfig, step: int, messages: list[str]) -> Path:
    """Run ``train`` and interrupt it (as SIGTERM would) once ``step`` is logged."""
    import signal

    def log(message: str) -> None:
        messages.append(message)
        record = json.loads(message)
        if record.get("step") == step and "loss" in record:
            signal.raise_signal(signal.SIGTERM)

    return train(config, log=log)


def test_resume_without_checkpoint_fails_clearly(tmp_path):
    with pytest.raises(FileNotFoundError):
        resolve_resume("latest", tmp_path)
    assert latest_checkpoint(tmp_path) is None


def test_mask_batch_labels_and_specials():
    tokenizer = build_tokenizer(build_vocab(count_chars(SENTENCES), min_freq=1))
    ids = torch.tensor([tokenizer(s[:20], add_special_tokens=False).input_ids for s in SENTENCES])
    inputs, labels = mask_batch(ids, None, tokenizer, 0.5, torch.Generator().manual_seed(0))
    assert inputs.shape == labels.shape == (len(SENTENCES), 22)
    assert (inputs[:, 0] == tokenizer.cls_token_id).all() and (inputs[:, -1] == tokenizer.sep_token_id).all()
    assert (labels[:, 0] == -100).all() and (labels[:, -1] == -100).all()
    masked = labels != -100
    assert 0.3 < masked.float().mean() < 0.7
    assert torch.equal(
        labels[masked], torch.cat([torch.full((6, 1), -1), ids, torch.full((6, 1), -1)], 1)[masked]
    )
    assert (inputs[~masked] == torch.cat([inputs[:, :1], ids, inputs[:, -1:]], 1)[~masked]).all()
    assert (inputs[masked] == tokenizer.mask_token_id).float().mean() > 0.6
    again, _ = mask_batch(ids, None, tokenizer, 0.5, torch.Generator().manual_seed(0))
    assert torch.equal(inputs, again)  # seeded: a resumed run masks the same way


def test_whole_word_masking_masks_whole_words():
    pytest.importorskip("jieba")
    from training.mlm import word_starts

    line = "我们将加快推进老旧小区改造"
    starts = word_starts([line])[0]
    assert starts[0] and sum(starts) < len(line)
    tokenizer = build_tokenizer(build_vocab(count_chars([line]), min_freq=1))
    ids = torch.tensor([tokenizer(line, add_special_tokens=False).input_ids] * 50)
    flags = torch.tensor([starts] * 50)
    _, labels = mask_batch(ids, flags, tokenizer, 0.3, torch.Generator().manual_seed(1))
    masked = labels[:, 1:-1] != -100
    word_id = torch.cumsum(flags.long(), 1)
    for row in range(50):
        for w in word_id[row].unique():
            in_word = masked[row][word_id[row] == w]
            assert in_word.all() or not in_word.any()


def test_learning_rate_warms_up_then_decays(tmp_path):
    config = PretrainConfig.from_yaml(write_config(tmp_path, warmup_steps=10, max_steps=100))
    rates = [lr_at(s, config) for s in range(100)]
    assert rates[0] < rates[9] == pytest.approx(config.train.learning_rate)
    assert rates[50] < rates[10] and rates[-1] < 0.01 * config.train.learning_rate


def test_cli_registers_train_pretrain(tmp_path):
    parser = argparse.ArgumentParser(prog="commitments")
    sub = parser.add_subparsers(dest="command", required=True)
    training_cli.register(sub)
    config = write_config(tmp_path, max_steps=2, save_every=100)
    args = parser.parse_args(
        ["train", "pretrain", "--config", str(config), "--export", str(tmp_path / "enc")]
    )
    assert args.func(args) == 0
    assert (tmp_path / "enc" / "model.safetensors").exists()
    assert (tmp_path / "run" / "checkpoint-2" / STATE_FILE).exists()
    resumed = parser.parse_args(["train", "pretrain", "--config", str(config), "--resume"])
    assert resumed.resume == "latest"
