"""The character tokenizer: one token per character, vocabulary really loaded after a save."""

from __future__ import annotations

import pytest
from transformers import AutoTokenizer

from training.vocab import (
    SPECIAL_TOKENS,
    build_tokenizer,
    build_vocab,
    count_chars,
    normalize_char,
    save_vocab_txt,
    unk_share,
)

TRAIN = [
    "市住建局将于2026年6月底前完成老旧小区改造。",
    "新增停车位120个，投入资金3.5亿元（含ABC项目）。",
    "感谢您的来信！如有疑问请拨打12345。",
    "一、加快推进\n二、确保完成",
]
MIXED = "我局将于２０２６年6月底前完成Ａb改造, 投入3.5亿元（约50%）；\n联系电话：12345\u3000谢谢！"


@pytest.fixture(scope="module")
def tokenizer():
    return build_tokenizer(build_vocab(count_chars(TRAIN + [MIXED]), min_freq=1))


def test_vocab_starts_with_specials_and_whitespace():
    vocab = build_vocab(count_chars(TRAIN), min_freq=1)
    assert vocab[:7] == SPECIAL_TOKENS + [" ", "\n"]
    assert len(vocab) == len(set(vocab))
    rare = build_vocab(count_chars(TRAIN), min_freq=2)
    assert "完" in rare and "A" not in rare  # 完 three times, A once


def test_every_character_gets_exactly_one_token(tokenizer):
    enc = tokenizer(MIXED, return_offsets_mapping=True)
    assert len(enc.input_ids) == len(MIXED) + 2
    assert enc.input_ids[0] == tokenizer.cls_token_id and enc.input_ids[-1] == tokenizer.sep_token_id
    assert enc.offset_mapping[1:-1] == [(i, i + 1) for i in range(len(MIXED))]
    assert tokenizer.unk_token_id not in enc.input_ids


def test_round_trip_keeps_every_character_up_to_the_documented_normalisation(tokenizer):
    ids = tokenizer(MIXED, add_special_tokens=False).input_ids
    tokens = tokenizer.convert_ids_to_tokens(ids)
    assert tokens == [normalize_char(c) for c in MIXED]
    assert tokenizer.decode(ids) == "".join(normalize_char(c) for c in MIXED)
    # the documented mappings: full-width digits/letters -> ASCII, any horizontal space -> " "
    assert normalize_char("２") == "2" and normalize_char("Ａ") == "A" and normalize_char("\u3000") == " "
    assert normalize_char("，") == "，" and normalize_char("（") == "（"  # full-width punctuation kept


def test_fullwidth_and_ascii_digits_share_ids(tokenizer):
    assert (
        tokenizer("２０２６", add_special_tokens=False).input_ids
        == tokenizer("2026", add_special_tokens=False).input_ids
    )


def test_newlines_and_carriage_returns(tokenizer):
    enc = tokenizer("完成\r\n改造\n", add_special_tokens=False, return_offsets_mapping=True)
    assert tokenizer.convert_ids_to_tokens(enc.input_ids) == ["完", "成", "\n", "\n", "改", "造", "\n"]
    assert enc.offset_mapping == [(i, i + 1) for i in range(7)]


def test_unknown_character_is_one_unk_token_not_merged_with_neighbours(tokenizer):
    text = "完成😀改造"
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    assert enc.input_ids[2] == tokenizer.unk_token_id
    assert len(enc.input_ids) == len(text) and enc.offset_mapping[2] == (2, 3)
    digits = tokenizer("12字9", add_special_tokens=False).input_ids
    assert digits[2] == tokenizer.unk_token_id and digits[0] != tokenizer.unk_token_id and len(digits) == 4


def test_split_into_words_gives_the_same_ids(tokenizer):
    raw = tokenizer(MIXED).input_ids
    split = tokenizer(list(MIXED), is_split_into_words=True).input_ids
    assert raw == split


def test_saved_tokenizer_really_loads_its_vocabulary(tokenizer, tmp_path):
    tokenizer.save_pretrained(tmp_path)
    loaded = AutoTokenizer.from_pretrained(str(tmp_path))
    assert len(loaded) == len(tokenizer) > len(SPECIAL_TOKENS) + 20
    assert loaded.get_vocab() == tokenizer.get_vocab()
    assert loaded(MIXED).input_ids == tokenizer(MIXED).input_ids
    assert unk_share(loaded, [MIXED]) == 0.0  # an unloaded vocabulary would make every character [UNK]
    assert loaded.mask_token_id == tokenizer.mask_token_id == SPECIAL_TOKENS.index("[MASK]")


def test_unk_share_counts_unknown_characters(tokenizer):
    assert unk_share(tokenizer, ["完成😀😀"]) == pytest.approx(0.5)


def test_vocab_txt_is_human_readable(tmp_path):
    vocab = build_vocab(count_chars(TRAIN), min_freq=1)
    save_vocab_txt(vocab, tmp_path / "vocab.txt")
    lines = (tmp_path / "vocab.txt").read_text(encoding="utf-8").splitlines()
    assert lines[:7] == SPECIAL_TOKENS + ["[SPACE]", "[NEWLINE]"] and len(lines) == len(vocab)
