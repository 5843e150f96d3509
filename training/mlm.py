"""Masked-LM data: the training corpus of a config, fixed-width windows of token ids, and BERT masking.

Shared by ``training.pretrain`` and ``eval.encoder`` so that training and evaluation see text the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from transformers import PreTrainedTokenizerBase

from training.config import PretrainConfig
from training.corpus import SourceLines, load_source


@dataclass
class Corpus:
    sources: list[SourceLines]

    @property
    def train_lines(self) -> list[str]:
        return [line for s in self.sources for line in s.train]

    @property
    def heldout_lines(self) -> list[str]:
        return [line for s in self.sources for line in s.heldout]


def load_corpus(config: PretrainConfig) -> Corpus:
    seen: set[bytes] = set()
    sources = [
        load_source(
            src.path,
            src.kind,
            field=src.field,
            government=src.government,
            repeat=src.repeat,
            min_chars=config.data.min_line_chars,
            heldout_per_mille=config.data.heldout_per_mille,
            seen=seen,
        )
        for src in config.data.sources
    ]
    return Corpus(sources)


def word_starts(lines: list[str]) -> list[list[bool]]:
    """Per character: does a jieba word start here? (for whole-word masking)"""
    import jieba

    jieba.setLogLevel(60)
    out = []
    for line in lines:
        flags = [False] * len(line)
        pos = 0
        for word in jieba.cut(line):
            flags[pos] = True
            pos += len(word)
        out.append(flags)
    return out


def encode_windows(
    corpus: Corpus, tokenizer: PreTrainedTokenizerBase, seq_len: int, whole_word: bool, max_chars: int | None
) -> tuple[np.ndarray, np.ndarray | None]:
    """Training lines of every source (``repeat`` times) as one id stream, lines joined by ``\\n``,
    cut into windows of ``seq_len - 2`` (room for ``[CLS]`` and ``[SEP]``)."""
    newline = tokenizer.convert_tokens_to_ids("\n")
    ids: list[int] = []
    starts: list[bool] = []
    for source in corpus.sources:
        encoded = tokenizer(source.train, add_special_tokens=False, verbose=False)["input_ids"]
        flags = word_starts(source.train) if whole_word else None
        for _ in range(source.repeat):
            for i, line_ids in enumerate(encoded):
                ids.extend(line_ids)
                ids.append(newline)
                if flags is not None:
                    starts.extend(flags[i])
                    starts.append(True)
    if max_chars:
        ids, starts = ids[:max_chars], starts[:max_chars]
    width = seq_len - 2
    n = len(ids) // width
    if n == 0:
        raise ValueError(f"not enough training text for one window of {width} characters")
    windows = np.asarray(ids[: n * width], dtype=np.int32).reshape(n, width)
    word = np.asarray(starts[: n * width], dtype=bool).reshape(n, width) if whole_word else None
    return windows, word


def mask_batch(
    windows: torch.Tensor,
    word_start: torch.Tensor | None,
    tokenizer: PreTrainedTokenizerBase,
    mask_prob: float,
    generator: torch.Generator,
) -> tuple[torch.Tensor, torch.Tensor]:
    """BERT masking on windows without specials: 80 % [MASK], 10 % random character, 10 % unchanged.
    Returns ``input_ids`` and ``labels`` with ``[CLS]``/``[SEP]`` added (labels -100 where not masked)."""
    b, w = windows.shape
    if word_start is None:
        selected = torch.rand(b, w, generator=generator) < mask_prob
    else:
        # one draw per word, spread over its characters: a word is masked as a whole
        word_id = torch.cumsum(word_start.long(), dim=1)
        draws = torch.rand(b, w + 1, generator=generator) < mask_prob
        selected = torch.gather(draws, 1, word_id.clamp(max=w))
    labels = torch.where(selected, windows, torch.full_like(windows, -100))
    inputs = windows.clone()
    roll = torch.rand(b, w, generator=generator)
    n_special = len(tokenizer.all_special_ids)
    random_ids = torch.randint(n_special, len(tokenizer), (b, w), generator=generator, dtype=windows.dtype)
    inputs = torch.where(selected & (roll < 0.8), torch.full_like(inputs, tokenizer.mask_token_id), inputs)
    inputs = torch.where(selected & (roll >= 0.8) & (roll < 0.9), random_ids, inputs)
    cls = torch.full((b, 1), tokenizer.cls_token_id, dtype=windows.dtype)
    sep = torch.full((b, 1), tokenizer.sep_token_id, dtype=windows.dtype)
    none = torch.full((b, 1), -100, dtype=windows.dtype)
    return torch.cat([cls, inputs, sep], 1).long(), torch.cat([none, labels, none], 1).long()
