"""Character vocabulary and the one-character-per-token tokenizer of the project's encoder.

Why not WordPiece (``BertTokenizer``): its pre-tokenizer glues runs of digits and letters into one word
(``2025`` -> ``2 ##0 ##2 ##5``, or one ``[UNK]`` for the whole run if any piece is missing), so the
same digit gets different ids depending on its neighbours and ``is_split_into_words`` input disagrees
with raw-text input. Here every character is its own pre-token and a ``WordLevel`` model looks it up:

- every character of the input gives exactly one token, whitespace included (``offset_mapping[i]`` of
  the ``i``-th non-special token is ``(i, i + 1)``): horizontal whitespace (space, tab, U+3000, NBSP …)
  becomes the token ``" "``, vertical whitespace (``\\n``, ``\\r``, U+2028 …) the token ``"\\n"``;
- full-width digits and Latin letters (U+FF10–FF19, FF21–FF3A, FF41–FF5A) are read as their ASCII
  forms (a one-to-one character map, offsets unchanged); full-width punctuation stays as it is;
- a character outside the vocabulary becomes one ``[UNK]`` token (never merged with its neighbours).

The tokenizer is saved by ``save_pretrained`` as ``tokenizer.json`` and loads with
``AutoTokenizer.from_pretrained(dir)``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
from tokenizers.models import WordLevel
from transformers import AutoTokenizer, PreTrainedTokenizerBase, TokenizersBackend

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WHITESPACE_TOKENS = [" ", "\n"]
_FULLWIDTH_ALNUM = [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]
_VERTICAL_WS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"


def normalize_char(ch: str) -> str:
    """The Python mirror of the tokenizer's normalizer, for one character (used to count the vocabulary)."""
    code = ord(ch)
    if code in _FULLWIDTH_ALNUM:
        return chr(code - 0xFEE0)
    if ch in _VERTICAL_WS:
        return "\n"
    if ch.isspace():
        return " "
    return ch


def count_chars(lines: Iterable[str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for line in lines:
        counts.update(line)
    merged: Counter[str] = Counter()
    for ch, n in counts.items():
        merged[normalize_char(ch)] += n
    return merged


def build_vocab(counts: Counter[str], min_freq: int = 3, max_size: int | None = None) -> list[str]:
    """Specials, the two whitespace tokens, then characters with ``count >= min_freq``, most frequent first."""
    chars = [c for c, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if n >= min_freq]
    chars = [c for c in chars if c not in WHITESPACE_TOKENS and c not in SPECIAL_TOKENS]
    vocab = SPECIAL_TOKENS + WHITESPACE_TOKENS + chars
    return vocab[:max_size] if max_size else vocab


def build_tokenizer(vocab: list[str], model_max_length: int = 512) -> TokenizersBackend:
    ids = {token: i for i, token in enumerate(vocab)}
    missing = [t for t in SPECIAL_TOKENS + WHITESPACE_TOKENS if t not in ids]
    if missing:
        raise ValueError(f"vocabulary lacks {missing!r}")
    backend = Tokenizer(WordLevel(ids, unk_token="[UNK]"))
    backend.normalizer = normalizers.Sequence(
        [normalizers.Replace(chr(c), chr(c - 0xFEE0)) for c in _FULLWIDTH_ALNUM]
        + [
            normalizers.Replace(Regex("[" + "".join(f"\\x{{{ord(c):x}}}" for c in _VERTICAL_WS) + "]"), "\n"),
            normalizers.Replace(Regex(r"[^\S\n]"), " "),
        ]
    )
    backend.pre_tokenizer = pre_tokenizers.Split(Regex(r"[\s\S]"), behavior="isolated")
    backend.decoder = decoders.Fuse()
    backend.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", ids["[CLS]"]), ("[SEP]", ids["[SEP]"])],
    )
    return TokenizersBackend(
        tokenizer_object=backend,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
        model_max_length=model_max_length,
    )


def save_vocab_txt(vocab: list[str], path: str | Path) -> None:
    """A human-readable copy (one token a line, whitespace tokens escaped); the tokenizer reads tokenizer.json."""
    escaped = [{" ": "[SPACE]", "\n": "[NEWLINE]"}.get(t, t) for t in vocab]
    Path(path).write_text("\n".join(escaped) + "\n", encoding="utf-8")


def load_tokenizer(path: str | Path) -> PreTrainedTokenizerBase:
    return AutoTokenizer.from_pretrained(str(path))


def unk_share(tokenizer: PreTrainedTokenizerBase, lines: Iterable[str]) -> float:
    """Share of ``[UNK]`` among the tokens of ``lines`` (specials excluded)."""
    unk, total = 0, 0
    for ids in tokenizer(list(lines), add_special_tokens=False, verbose=False)["input_ids"]:
        total += len(ids)
        unk += sum(1 for i in ids if i == tokenizer.unk_token_id)
    return unk / total if total else 0.0
