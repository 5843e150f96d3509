"""The encoder evaluation: baselines checked by hand, the table on a tiny random model."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from transformers import BertConfig, BertForMaskedLM

from eval.encoder import NgramBaselines, Score, evaluate, format_table
from training.vocab import build_tokenizer, build_vocab, count_chars

A, B, C = 0, 1, 2


@pytest.fixture()
def baselines():
    return NgramBaselines(np.array([A, B, A, B, A, C]), 3)


def test_unigram_is_add_one(baselines):
    assert np.allclose(baselines.unigram, [4 / 9, 3 / 9, 2 / 9])
    assert np.allclose(np.exp(baselines.log_probs("unigram", A, B)), baselines.unigram)


def test_bigram_is_witten_bell_interpolated(baselines):
    # after A: B twice, C once -> 3 tokens, 2 types, lambda = 3 / 5
    expected_a = [0.4 * 4 / 9, 0.6 * 2 / 3 + 0.4 * 3 / 9, 0.6 * 1 / 3 + 0.4 * 2 / 9]
    assert np.allclose(baselines.bigram[A], expected_a, atol=1e-6)
    # after B: A twice -> lambda = 2 / 3
    assert baselines.bigram[B, A] == pytest.approx(2 / 3 + 1 / 3 * 4 / 9, abs=1e-6)
    # nothing ever follows C: back off to the unigram
    assert np.allclose(baselines.bigram[C], baselines.unigram, atol=1e-6)
    assert np.allclose(baselines.bigram.sum(1), 1.0, atol=1e-6)
    assert np.allclose(np.exp(baselines.log_probs("bigram_left", A, None)), expected_a, atol=1e-6)
    assert np.allclose(np.exp(baselines.log_probs("bigram_left", None, A)), baselines.unigram)


def test_bigram_both_neighbours_multiplies_and_normalises(baselines):
    both = np.exp(baselines.log_probs("bigram_both", A, A))
    raw = baselines.bigram[A] * baselines.bigram[:, A]
    assert np.allclose(both, raw / raw.sum(), atol=1e-6)
    assert both.argmax() == B  # A ? A : only B is ever followed by A


def test_boundaries_cut_bigrams():
    cut = NgramBaselines(np.array([A, B, A, B]), 3, boundary=np.array([True, False, True, False]))
    assert cut.bigram[B, A] == pytest.approx(cut.unigram[A], abs=1e-6)  # the B|A pair straddles a boundary


def test_evaluate_gives_one_row_per_model_on_a_tiny_random_encoder():
    torch.manual_seed(0)
    lines = [
        "区住建局将加快推进老旧小区改造，年内新增停车位120个。",
        "感谢您对我们工作的理解和支持！",
        "我局已安排维修，预计于2026年3月底前完成。",
    ] * 6
    tokenizer = build_tokenizer(build_vocab(count_chars(lines), min_freq=1))
    model = BertForMaskedLM(
        BertConfig(
            vocab_size=len(tokenizer),
            hidden_size=16,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=32,
            max_position_embeddings=64,
        )
    )
    scores = evaluate(model, tokenizer, lines, lines, seq_len=32, passes=2)
    assert [s.model for s in scores] == [
        "unigram",
        "bigram (left neighbour)",
        "bigram (both neighbours)",
        "encoder",
    ]
    assert len({s.masked for s in scores}) == 1 and scores[0].masked > 10
    for s in scores:
        assert 0 <= s.accuracy <= s.top5 <= 1 and s.perplexity >= 1
    # trained and scored on the same repeated lines, the bigram must beat the unigram and a random encoder
    assert scores[2].perplexity < scores[0].perplexity
    assert scores[2].perplexity < scores[3].perplexity
    assert scores[3].perplexity > len(tokenizer) / 4  # untrained: close to uniform


def test_format_table():
    table = format_table(
        [Score("unigram", 0.05, 0.2, 300.0, 1000), Score("encoder", 0.5, 0.75, 12.345, 1000)]
    )
    lines = table.splitlines()
    assert lines[0].startswith("| model |") and len(lines) == 4
    assert lines[3] == "| encoder | 50.0% | 75.0% | 12.3 | 1,000 |"
    assert math.isclose(float(lines[2].split("|")[4]), 300.0)
