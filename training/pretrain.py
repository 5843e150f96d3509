"""Masked-LM pretraining of the project's character encoder (``ModernBertForMaskedLM`` or ``BertForMaskedLM``).

    python -m training.pretrain --config training/configs/pretrain.yaml [--resume [CHECKPOINT]] [--export DIR]

Dynamic masking (a fresh mask per step, seeded by the step so a resumed run masks as the uninterrupted
run would), optional whole-word masking with jieba, bf16 autocast where the CPU supports it,
checkpoints every ``save_every`` steps (and on SIGTERM/SIGINT or at ``max_wall_minutes``), a JSON
Lines log of loss, learning rate and tokens/s in ``<output_dir>/train_log.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import signal
import sys
import time
from pathlib import Path

import numpy as np
import torch
from transformers import (
    AutoModelForMaskedLM,
    BertConfig,
    BertForMaskedLM,
    ModernBertConfig,
    ModernBertForMaskedLM,
    PreTrainedModel,
    PreTrainedTokenizerBase,
)

from training.config import PretrainConfig
from training.corpus import SourceLines
from training.mlm import Corpus, encode_windows, load_corpus, mask_batch
from training.vocab import (
    build_tokenizer,
    build_vocab,
    count_chars,
    load_tokenizer,
    save_vocab_txt,
    unk_share,
)

STATE_FILE = "training_state.pt"


def build_model(config: PretrainConfig, tokenizer: PreTrainedTokenizerBase) -> PreTrainedModel:
    m = config.model
    common = {
        "vocab_size": len(tokenizer),
        "hidden_size": m.hidden_size,
        "num_hidden_layers": m.num_hidden_layers,
        "num_attention_heads": m.num_attention_heads,
        "intermediate_size": m.intermediate_size,
        "max_position_embeddings": m.max_position_embeddings,
        "pad_token_id": tokenizer.pad_token_id,
    }
    if m.architecture == "modernbert":
        model_config = ModernBertConfig(
            **common,
            layer_types=["full_attention"] * m.num_hidden_layers,
            attention_dropout=m.attention_probs_dropout_prob,
            mlp_dropout=m.hidden_dropout_prob,
            embedding_dropout=m.hidden_dropout_prob,
            cls_token_id=tokenizer.cls_token_id,
            sep_token_id=tokenizer.sep_token_id,
            bos_token_id=tokenizer.cls_token_id,
            eos_token_id=tokenizer.sep_token_id,
        )
        return ModernBertForMaskedLM(model_config)
    model_config = BertConfig(
        **common,
        hidden_dropout_prob=m.hidden_dropout_prob,
        attention_probs_dropout_prob=m.attention_probs_dropout_prob,
        type_vocab_size=2,
    )
    return BertForMaskedLM(model_config)


def lr_at(step: int, config: PretrainConfig) -> float:
    t = config.train
    if step < t.warmup_steps:
        return t.learning_rate * (step + 1) / t.warmup_steps
    progress = (step - t.warmup_steps) / max(1, t.max_steps - t.warmup_steps)
    return t.learning_rate * max(0.0, 0.5 * (1 + math.cos(math.pi * min(1.0, progress))))


def bf16_supported() -> bool:
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except Exception:  # noqa: BLE001 — older builds lack the probe
        return False


def latest_checkpoint(output_dir: Path) -> Path | None:
    found = sorted(output_dir.glob("checkpoint-*"), key=lambda p: int(p.name.split("-")[-1]))
    found = [p for p in found if (p / STATE_FILE).exists()]
    return found[-1] if found else None


class StateFileError(ValueError):
    pass


def load_state(path: Path) -> dict:
    """The training state of a checkpoint. State files get handed around, and an unrestricted load runs
    whatever code a file holds, so it is read weights-only: dicts, lists, tuples, str, int, float, bool,
    None and tensors (the optimizer state, counters, the data summary and the RNG state are nothing else).
    Anything more is refused with StateFileError, before any of it runs."""
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 - torch reports a refused or broken file with several types
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StateFileError(f"{path}: refused: not a plain training state (a weights-only load allows "
                             f"tensors, numbers, strings, lists and dicts only; {first})") from None
    if not isinstance(state, dict):
        raise StateFileError(f"{path}: refused: a training state is a dict, not {type(state).__name__}")
    return state


def save_checkpoint(path: Path, model, tokenizer, optimizer, state: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
    torch.save({"optimizer": optimizer.state_dict(), **state}, tmp / STATE_FILE)
    shutil.rmtree(path, ignore_errors=True)
    tmp.rename(path)


def heldout_loss(model, tokenizer, windows: np.ndarray, config: PretrainConfig) -> float:
    """Masked-LM loss on (at most 256) held-out windows, with a fixed mask: comparable across steps."""
    if len(windows) == 0:
        return float("nan")
    model.eval()
    gen = torch.Generator().manual_seed(1234)
    data = torch.from_numpy(windows[:256])
    total, count = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(data), 64):
            inputs, labels = mask_batch(data[i : i + 64], None, tokenizer, config.train.mask_prob, gen)
            logits = model(input_ids=inputs).logits
            mask = labels != -100
            total += torch.nn.functional.cross_entropy(
                logits[mask].float(), labels[mask], reduction="sum"
            ).item()
            count += int(mask.sum())
    model.train()
    return total / max(1, count)


def train(config: PretrainConfig, resume: Path | None = None, export: Path | None = None, log=print) -> Path:
    """Run (or resume) pretraining; returns the directory of the last checkpoint written."""
    t = config.train
    torch.set_num_threads(t.num_threads)
    torch.manual_seed(t.seed)
    np.random.seed(t.seed)
    out = Path(config.output_dir)
    out.mkdir(parents=True, exist_ok=True)

    corpus = load_corpus(config)
    if resume is not None:
        tokenizer = load_tokenizer(resume)
    else:
        vocab = build_vocab(count_chars(corpus.train_lines), config.vocab.min_freq, config.vocab.max_size)
        tokenizer = build_tokenizer(vocab, config.model.max_position_embeddings)
        save_vocab_txt(vocab, out / "vocab.txt")
    windows, word = encode_windows(corpus, tokenizer, t.seq_len, t.whole_word_mask, config.data.max_chars)
    heldout = corpus.heldout_lines
    held_windows, _ = (
        encode_windows(
            Corpus([SourceLines("heldout", True, 1, heldout, [])]), tokenizer, t.seq_len, False, None
        )
        if sum(map(len, heldout)) > t.seq_len
        else (np.zeros((0, t.seq_len - 2), dtype=np.int32), None)
    )
    data_info = {
        "train_chars": int(windows.size),
        "train_windows": len(windows),
        "heldout_lines": len(heldout),
        "heldout_chars": sum(map(len, heldout)),
        "vocab_size": len(tokenizer),
        "heldout_unk_share": unk_share(tokenizer, heldout) if heldout else None,
        "sources": {
            s.name: {
                "train_lines": len(s.train),
                "train_chars": sum(map(len, s.train)),
                "heldout_lines": len(s.heldout),
                "repeat": s.repeat,
            }
            for s in corpus.sources
        },
    }
    log(json.dumps({"data": data_info}, ensure_ascii=False))

    if resume is not None:
        model = AutoModelForMaskedLM.from_pretrained(resume)
        state = load_state(resume / STATE_FILE)
    else:
        model = build_model(config, tokenizer)
        state = {"step": 0, "tokens_seen": 0, "wall_seconds": 0.0}
    model.train()
    no_decay = ("bias", "LayerNorm.weight")
    groups = [
        {
            "params": [p for n, p in model.named_parameters() if not n.endswith(no_decay)],
            "weight_decay": t.weight_decay,
        },
        {"params": [p for n, p in model.named_parameters() if n.endswith(no_decay)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=t.learning_rate, betas=(0.9, 0.98), eps=1e-6)
    if resume is not None:
        optimizer.load_state_dict(state["optimizer"])
        if "torch_rng" in state:  # dropout continues exactly as in an uninterrupted run
            torch.set_rng_state(state["torch_rng"])
    use_bf16 = t.bf16 and bf16_supported()
    log(
        json.dumps(
            {
                "params": sum(p.numel() for p in model.parameters()),
                "bf16": use_bf16,
                "resumed_from": str(resume) if resume else None,
                "step": state["step"],
            }
        )
    )

    stop = {"flag": False}

    def _stop(signum, frame):
        stop["flag"] = True

    old_handlers = {s: signal.signal(s, _stop) for s in (signal.SIGTERM, signal.SIGINT)}
    data = torch.from_numpy(windows)
    word_t = torch.from_numpy(word) if word is not None else None
    n = len(data)
    perms: dict[int, np.ndarray] = {}
    step, tokens_seen, wall_before = state["step"], state["tokens_seen"], state["wall_seconds"]
    started = time.time()
    last_log_time, last_log_tokens = started, tokens_seen
    last_path = None
    log_file = open(out / "train_log.jsonl", "a", encoding="utf-8")  # noqa: SIM115

    def checkpoint() -> Path:
        path = out / f"checkpoint-{step}"
        wall = wall_before + time.time() - started
        held = heldout_loss(model, tokenizer, held_windows, config)
        save_checkpoint(
            path,
            model,
            tokenizer,
            optimizer,
            {
                "step": step,
                "tokens_seen": tokens_seen,
                "wall_seconds": wall,
                "data": data_info,
                "torch_rng": torch.get_rng_state(),
            },
        )
        record = {
            "checkpoint": str(path),
            "step": step,
            "tokens_seen": tokens_seen,
            "wall_seconds": round(wall, 1),
            "heldout_loss": round(held, 4),
            "heldout_ppl": round(math.exp(held), 2) if math.isfinite(held) else None,
        }
        log_file.write(json.dumps(record) + "\n")
        log_file.flush()
        log(json.dumps(record))
        for old in sorted(out.glob("checkpoint-*"), key=lambda p: int(p.name.split("-")[-1]))[
            : -t.keep_checkpoints
        ]:
            if old != path and not old.name.endswith(".tmp"):
                shutil.rmtree(old, ignore_errors=True)
        return path

    try:
        while step < t.max_steps:
            elapsed_min = (wall_before + time.time() - started) / 60
            if stop["flag"] or (t.max_wall_minutes is not None and elapsed_min >= t.max_wall_minutes):
                log(json.dumps({"stopping": "signal" if stop["flag"] else "max_wall_minutes", "step": step}))
                break
            index = []
            for g in range(step * t.batch_size, (step + 1) * t.batch_size):
                epoch = g // n
                if epoch not in perms:
                    perms[epoch] = np.random.default_rng(t.seed + epoch).permutation(n)
                index.append(int(perms[epoch][g % n]))
            gen = torch.Generator().manual_seed(t.seed * 1_000_003 + step)
            inputs, labels = mask_batch(
                data[index], word_t[index] if word_t is not None else None, tokenizer, t.mask_prob, gen
            )
            for group in optimizer.param_groups:
                group["lr"] = lr_at(step, config)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=use_bf16):
                loss = model(input_ids=inputs, labels=labels).loss
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            step += 1
            tokens_seen += inputs.numel()
            if step % t.log_every == 0 or step == 1:
                now = time.time()
                record = {
                    "step": step,
                    "loss": round(loss.item(), 4),
                    "lr": round(lr_at(step - 1, config), 6),
                    "tokens_seen": tokens_seen,
                    "epoch": round(tokens_seen / (n * t.seq_len), 3),
                    "tokens_per_s": round((tokens_seen - last_log_tokens) / max(1e-9, now - last_log_time)),
                    "wall_seconds": round(wall_before + now - started, 1),
                }
                last_log_time, last_log_tokens = now, tokens_seen
                log_file.write(json.dumps(record) + "\n")
                log_file.flush()
                log(json.dumps(record))
            if step % t.save_every == 0:
                last_path = checkpoint()
        if last_path is None or not last_path.name.endswith(f"-{step}"):
            last_path = checkpoint()
    finally:
        log_file.close()
        for s, h in old_handlers.items():
            signal.signal(s, h)
    if export is not None:
        export_encoder(last_path, export)
        log(json.dumps({"exported": str(export)}))
    return last_path


def export_encoder(checkpoint: Path, target: Path) -> None:
    """Copy a checkpoint's model and tokenizer (not the optimizer state) to ``target``; keeps README.md."""
    target.mkdir(parents=True, exist_ok=True)
    model = AutoModelForMaskedLM.from_pretrained(checkpoint)
    model.save_pretrained(target)
    load_tokenizer(checkpoint).save_pretrained(target)
    state = load_state(checkpoint / STATE_FILE)
    summary = {k: state[k] for k in ("step", "tokens_seen", "wall_seconds", "data") if k in state}
    (target / "pretraining.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def resolve_resume(value: str | None, output_dir: Path) -> Path | None:
    if value is None:
        return None
    path = latest_checkpoint(output_dir) if value == "latest" else Path(value)
    if path is None or not (path / STATE_FILE).exists():
        raise FileNotFoundError(f"no checkpoint to resume from ({value!r} in {output_dir})")
    return path


def run(args: argparse.Namespace) -> int:
    config = PretrainConfig.from_yaml(args.config)
    if os.environ.get("OMP_NUM_THREADS") is None:
        os.environ["OMP_NUM_THREADS"] = str(config.train.num_threads)
    resume = resolve_resume(args.resume, Path(config.output_dir))
    train(config, resume=resume, export=args.export, log=lambda s: print(s, flush=True))
    return 0


def main(argv: list[str] | None = None) -> int:
    from training.cli import add_pretrain_arguments

    parser = argparse.ArgumentParser(prog="python -m training.pretrain", description=__doc__.splitlines()[0])
    add_pretrain_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
