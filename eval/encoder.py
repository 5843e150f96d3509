"""Does the character encoder know Chinese? Masked-character accuracy and perplexity on held-out
government text, against a unigram and two character-bigram baselines.

    python -m eval.encoder --model models/zh-char-encoder --config training/configs/pretrain.yaml

The held-out lines are recomputed from the pretraining config (the same deterministic 2 % hash split of
the government sources), and the baselines are counted on the same training lines the encoder saw.
Held-out text is cut into windows of ``seq_len - 2`` characters; in each pass 15 % of the positions
(seeded) are replaced by ``[MASK]`` — all of them, no 80/10/10 — and every model predicts the
original character at each masked position from what is left unmasked:

- unigram: P(c) from training counts (add-one), ignores the context;
- bigram (left): P(c | left neighbour), Witten-Bell interpolated with the unigram;
- bigram (both): ∝ P(c | left) · P(right | c), each neighbour used when it is not masked itself;
- the encoder: its softmax at the masked position.

Targets that are ``[UNK]`` are left out (no model can name them). Perplexity is ``exp`` of the mean
negative log-likelihood of the true character over the masked positions.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

DEFAULT_MODEL = Path("models/zh-char-encoder")
DEFAULT_CONFIG = Path("training/configs/pretrain.yaml")


@dataclass
class Score:
    model: str
    accuracy: float
    top5: float
    perplexity: float
    masked: int


class NgramBaselines:
    """Unigram and Witten-Bell character-bigram models over token ids (vocabulary of size ``v``)."""

    def __init__(self, stream: np.ndarray, v: int, boundary: np.ndarray | None = None):
        stream = np.asarray(stream, dtype=np.int64)
        counts = np.bincount(stream, minlength=v).astype(np.float64)
        self.unigram = (counts + 1) / (counts.sum() + v)
        left, right = stream[:-1], stream[1:]
        if boundary is not None:  # pairs that straddle a window / document boundary are not bigrams
            keep = ~np.asarray(boundary[1:], dtype=bool)
            left, right = left[keep], right[keep]
        pairs = np.bincount(left * v + right, minlength=v * v).reshape(v, v).astype(np.float64)
        n_left = pairs.sum(1, keepdims=True)
        types = (pairs > 0).sum(1, keepdims=True)
        lam = np.divide(n_left, n_left + types, out=np.zeros_like(n_left), where=(n_left + types) > 0)
        np.divide(pairs, n_left, out=pairs, where=n_left > 0)  # in place: maximum-likelihood P(c | left)
        pairs *= lam
        pairs += (1 - lam) * self.unigram[None, :]  # row: left, column: next char
        self.bigram = pairs.astype(np.float32)
        del pairs
        self.log_unigram = np.log(self.unigram)
        self.log_bigram = np.log(self.bigram)

    def log_probs(self, kind: str, left: int | None, right: int | None) -> np.ndarray:
        """Log-distribution over the vocabulary for one masked position (``None``: neighbour unusable)."""
        if kind == "unigram":
            return self.log_unigram
        scores = self.log_bigram[left] if left is not None else self.log_unigram.copy()
        if kind == "bigram_both" and right is not None:
            scores = scores + self.log_bigram[:, right]
            scores = scores - np.logaddexp.reduce(scores)
        return scores


def _summarise(name: str, logp_true: list[float], ranks: list[int]) -> Score:
    n = len(logp_true)
    return Score(
        model=name,
        accuracy=sum(r == 0 for r in ranks) / n if n else float("nan"),
        top5=sum(r < 5 for r in ranks) / n if n else float("nan"),
        perplexity=math.exp(-sum(logp_true) / n) if n else float("nan"),
        masked=n,
    )


def evaluate(
    model,
    tokenizer,
    heldout_lines: list[str],
    train_lines: list[str],
    *,
    seq_len: int = 128,
    mask_prob: float = 0.15,
    passes: int = 3,
    seed: int = 0,
    batch_size: int = 32,
) -> list[Score]:
    """Scores of the baselines and the encoder (last row) on ``heldout_lines``."""
    from training.corpus import SourceLines
    from training.mlm import Corpus, encode_windows

    v = len(tokenizer)
    train_windows, _ = encode_windows(
        Corpus([SourceLines("train", True, 1, train_lines, [])]), tokenizer, seq_len, False, None
    )
    boundary = np.zeros(train_windows.shape, dtype=bool)
    boundary[:, 0] = True
    baselines = NgramBaselines(train_windows.reshape(-1), v, boundary.reshape(-1))
    windows, _ = encode_windows(
        Corpus([SourceLines("heldout", True, 1, heldout_lines, [])]), tokenizer, seq_len, False, None
    )
    data = torch.from_numpy(windows).long()
    kinds = ("unigram", "bigram_left", "bigram_both", "encoder")
    logp = {k: [] for k in kinds}
    ranks = {k: [] for k in kinds}
    model.eval()
    unk, mask_id = tokenizer.unk_token_id, tokenizer.mask_token_id
    for p in range(passes):
        gen = torch.Generator().manual_seed(seed * 7919 + p)
        selected = (torch.rand(data.shape, generator=gen) < mask_prob) & (data != unk)
        inputs = torch.where(selected, torch.full_like(data, mask_id), data)
        cls = torch.full((len(data), 1), tokenizer.cls_token_id)
        sep = torch.full((len(data), 1), tokenizer.sep_token_id)
        inputs = torch.cat([cls, inputs, sep], 1)
        for start in range(0, len(data), batch_size):
            with torch.no_grad():
                logits = model(input_ids=inputs[start : start + batch_size]).logits[:, 1:-1].float()
            log_soft = torch.log_softmax(logits, -1).numpy()
            for b, i in zip(*np.nonzero(selected[start : start + batch_size].numpy()), strict=True):
                row = start + b
                true = int(data[row, i])
                left = int(data[row, i - 1]) if i > 0 and not selected[row, i - 1] else None
                right = int(data[row, i + 1]) if i + 1 < data.shape[1] and not selected[row, i + 1] else None
                for kind in kinds:
                    dist = log_soft[b, i] if kind == "encoder" else baselines.log_probs(kind, left, right)
                    logp[kind].append(float(dist[true]))
                    ranks[kind].append(int((dist > dist[true]).sum()))
    names = {
        "unigram": "unigram",
        "bigram_left": "bigram (left neighbour)",
        "bigram_both": "bigram (both neighbours)",
        "encoder": "encoder",
    }
    return [_summarise(names[k], logp[k], ranks[k]) for k in kinds]


def format_table(scores: list[Score]) -> str:
    lines = [
        "| model | masked-char accuracy | top-5 accuracy | perplexity | masked positions |",
        "| --- | --- | --- | --- | --- |",
    ]
    for s in scores:
        lines.append(f"| {s.model} | {s.accuracy:.1%} | {s.top5:.1%} | {s.perplexity:.1f} | {s.masked:,} |")
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model", type=Path, default=DEFAULT_MODEL, help="encoder directory (a masked-LM checkpoint)"
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=DEFAULT_CONFIG,
        help="pretraining config: its sources give the held-out split and the baseline counts",
    )
    parser.add_argument("--passes", type=int, default=3, help="masking passes over the held-out text")
    parser.add_argument("--mask-prob", type=float, default=0.15)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None, help="also write the scores here")


def run(args: argparse.Namespace) -> int:
    from transformers import AutoModelForMaskedLM, AutoTokenizer

    from training.config import PretrainConfig
    from training.mlm import load_corpus
    from training.vocab import unk_share

    torch.set_num_threads(args.threads)
    config = PretrainConfig.from_yaml(args.config)
    corpus = load_corpus(config)
    tokenizer = AutoTokenizer.from_pretrained(str(args.model))
    model = AutoModelForMaskedLM.from_pretrained(str(args.model))
    heldout = corpus.heldout_lines
    scores = evaluate(
        model,
        tokenizer,
        heldout,
        corpus.train_lines,
        seq_len=config.train.seq_len,
        mask_prob=args.mask_prob,
        passes=args.passes,
        seed=args.seed,
    )
    share = unk_share(tokenizer, heldout)
    print(f"held-out: {len(heldout):,} lines, {sum(map(len, heldout)):,} characters; [UNK] share {share:.3%}")
    print(format_table(scores))
    encoder, best = scores[-1], min(scores[:-1], key=lambda s: s.perplexity)
    print(
        f"encoder vs best baseline ({best.model}): accuracy {encoder.accuracy - best.accuracy:+.1%} points, "
        f"perplexity ÷ {best.perplexity / encoder.perplexity:.2f}"
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "heldout_lines": len(heldout),
                    "heldout_chars": sum(map(len, heldout)),
                    "unk_share": share,
                    "scores": [asdict(s) for s in scores],
                },
                ensure_ascii=False,
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.encoder", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
