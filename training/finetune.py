"""Fine-tune the commitment tagger: a character-level token classifier over the product label set.

    commitments train tagger --config training/configs/finetune.yaml [--resume [CHECKPOINT]]

The Hugging Face ``Trainer`` does the loop (``DataCollatorForTokenClassification`` pads, the progress bar
and checkpoints are its own); this module supplies the windows (``training.tagging_data``), a dev span F1
for early stopping and model selection, a wall-clock limit, a JSON Lines log, and the export of the best
model with its dev scores (``eval_results.json``). ``base_model`` may be the project's encoder or any
checkpoint a user has (``bert-base-chinese``, ``hfl/chinese-roberta-wwm-ext``): labels map to characters
through the offset mapping.

With a ``student`` section the model is a smaller one trained from scratch on the gold windows plus the
teacher's labels over unlabelled text (knowledge distillation with hard labels). The unlabelled text
excludes every document of the real gold's dev and test splits, so no evaluation text is trained on.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from extractor.labels import ID2LABEL, LABEL2ID, PRODUCT_LABELS, SPAN_LABELS, product_to_spans
from training.config import FinetuneConfig, GoldSourceConfig, StudentConfig
from training.tagging_data import (
    IGNORE,
    Window,
    encode,
    gold_windows,
    load_gold_source,
    notice_windows,
    oversample,
    shuffled,
)

LOG_FILE = "train_log.jsonl"


def span_scores(predictions: np.ndarray, label_ids: np.ndarray) -> dict[str, float]:
    """Strict span precision/recall/F1 per label over dev windows (tokens with label -100 skipped), and
    their macro F1, the model-selection metric (MEASURE is frequent, so a micro F1 would hide the rest)."""
    counts = {label: [0, 0, 0] for label in SPAN_LABELS}  # true positives, predicted, gold
    for pred_row, gold_row in zip(predictions, label_ids, strict=True):
        keep = gold_row != IGNORE
        pred = product_to_spans([ID2LABEL[int(i)] for i in pred_row[keep]])
        gold = product_to_spans([ID2LABEL[int(i)] for i in gold_row[keep]])
        gold_keys = {(s.start, s.end, s.label) for s in gold}
        for s in pred:
            counts[s.label][0] += (s.start, s.end, s.label) in gold_keys
            counts[s.label][1] += 1
        for s in gold:
            counts[s.label][2] += 1
    out: dict[str, float] = {}
    for label, (tp, n_pred, n_gold) in counts.items():
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gold if n_gold else 0.0
        out[f"{label}_p"], out[f"{label}_r"] = p, r
        out[f"{label}_f1"] = 2 * p * r / (p + r) if p + r else 0.0
    out["span_f1"] = float(np.mean([out[f"{label}_f1"] for label in SPAN_LABELS]))
    return out


def compute_metrics(eval_pred) -> dict[str, float]:
    logits, label_ids = eval_pred
    return span_scores(np.asarray(logits).argmax(-1), np.asarray(label_ids))


def _excluded_documents(sources: list[GoldSourceConfig]) -> set[tuple[str, str]]:
    """(corpus file, record id) of every real-gold document in a dev or test split."""
    from extractor.annotations.standoff import read_doc, read_splits, standoff_files

    out: set[tuple[str, str]] = set()
    for source in sources:
        if source.kind != "standoff":
            continue
        split_of = read_splits(source.path)
        for path in standoff_files(source.path):
            doc = read_doc(path)
            if split_of.get(doc.key) in ("dev", "test"):
                out.add((doc.source, doc.id))
    return out


def unlabelled_documents(student: StudentConfig, excluded: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """(name, text) of the unlabelled documents, evaluation documents left out, capped in characters."""
    out, total = [], 0
    for source in student.unlabelled:
        with open(source.path, encoding="utf-8") as handle:
            for n, line in enumerate(handle):
                if not line.strip():
                    continue
                record = json.loads(line) if source.kind == "jsonl" else {"text": line.rstrip("\n")}
                text = record.get(source.field) if source.kind == "jsonl" else record["text"]
                rid = str(record.get("id", n))
                if not isinstance(text, str) or not text.strip() or (source.path.name, rid) in excluded:
                    continue
                out.extend([(f"{source.path.name}:{rid}", text)] * source.repeat)
                total += len(text) * source.repeat
                if student.max_unlabelled_chars and total >= student.max_unlabelled_chars:
                    return out
    return out


def teacher_windows(student: StudentConfig, sources: list[GoldSourceConfig], max_chars: int,
                    overlap: int) -> list[Window]:
    """Windows over unlabelled text labelled with the teacher's most probable product label per char."""
    from tqdm.auto import tqdm

    from extractor.taggers.model import ModelTagger

    teacher = ModelTagger.load(student.teacher, device="auto", max_chars=max_chars, overlap=overlap)
    docs = unlabelled_documents(student, _excluded_documents(sources))
    out: list[Window] = []
    for name, text in tqdm(docs, desc="teacher labels", unit="doc"):
        labels = teacher.probabilities(text).argmax(axis=1).tolist()
        out.extend(notice_windows(name, text, labels, max_chars, overlap))
    return out


def build_model(config: FinetuneConfig, tokenizer):
    from transformers import AutoModelForTokenClassification

    common = {"num_labels": len(PRODUCT_LABELS), "id2label": ID2LABEL, "label2id": LABEL2ID}
    if config.student is None:
        return AutoModelForTokenClassification.from_pretrained(str(config.base_model), **common,
                                                               ignore_mismatched_sizes=True)
    from transformers import BertConfig, ModernBertConfig

    m = config.student.model
    size = {"vocab_size": len(tokenizer), "hidden_size": m.hidden_size, "num_hidden_layers": m.num_hidden_layers,
            "num_attention_heads": m.num_attention_heads, "intermediate_size": m.intermediate_size,
            "max_position_embeddings": m.max_position_embeddings, "pad_token_id": tokenizer.pad_token_id}
    if m.architecture == "modernbert":
        model_config = ModernBertConfig(**size, **common, global_attn_every_n_layers=1,
                                        cls_token_id=tokenizer.cls_token_id, sep_token_id=tokenizer.sep_token_id)
    else:
        model_config = BertConfig(**size, **common)
    return AutoModelForTokenClassification.from_config(model_config)


def _wall_limit_callback(minutes: float | None):
    from transformers import TrainerCallback

    class WallLimit(TrainerCallback):
        """Stop after ``minutes`` of training; the Trainer then evaluates and saves as at an epoch end."""

        def __init__(self):
            self.started = time.monotonic()

        def on_step_end(self, args, state, control, **kwargs):
            if minutes is not None and time.monotonic() - self.started > minutes * 60:
                control.should_training_stop = True
                control.should_evaluate = control.should_save = True
            return control

    return WallLimit()


def _log_callback(path: Path):
    from transformers import TrainerCallback

    class JsonLog(TrainerCallback):
        def on_log(self, args, state, control, logs=None, **kwargs):
            with open(path, "a", encoding="utf-8") as handle:
                handle.write(json.dumps({"step": state.global_step, "epoch": state.epoch, **(logs or {})}) + "\n")

    return JsonLog()


def load_windows(config: FinetuneConfig) -> tuple[list[Window], list[Window], dict[str, dict[str, int]]]:
    """Training windows (oversampled per source) and dev windows of every gold source, with counts."""
    train, dev, counts = [], [], {}
    for source in config.gold:
        name = f"{source.kind}:{source.path}"
        if source.genres:
            name += f" ({', '.join(source.genres)})"
        tr = gold_windows(load_gold_source(source.kind, source.path, "train", source.corpus, source.genres),
                          config.max_chars, config.overlap)
        dv = gold_windows(load_gold_source(source.kind, source.path, "dev", source.corpus, source.genres),
                          config.max_chars, config.overlap)
        train.extend(oversample(tr, source.repeat))
        dev.extend(dv)
        counts[name] = {"train_windows": len(tr), "repeat": source.repeat, "dev_windows": len(dv)}
    return train, dev, counts


def train(config: FinetuneConfig, resume: str | None = None) -> dict:
    import torch
    from datasets import Dataset
    from transformers import (
        AutoTokenizer,
        DataCollatorForTokenClassification,
        EarlyStoppingCallback,
        Trainer,
        TrainingArguments,
        set_seed,
    )

    t = config.train
    torch.set_num_threads(t.num_threads)
    set_seed(t.seed)
    config.output_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    tokenizer = AutoTokenizer.from_pretrained(str(config.base_model))
    train_windows, dev_windows, counts = load_windows(config)
    if config.student is not None:
        distilled = teacher_windows(config.student, config.gold, config.max_chars, config.overlap)
        counts["teacher_labels"] = {"train_windows": len(distilled), "repeat": 1, "dev_windows": 0}
        train_windows.extend(distilled)
    if not train_windows or not dev_windows:
        raise ValueError("fine-tuning needs training and dev windows: check the gold paths and splits")
    model = build_model(config, tokenizer)
    max_tokens = min(getattr(model.config, "max_position_embeddings", 512), 512)
    train_set = Dataset.from_list(encode(shuffled(train_windows, t.seed), tokenizer, max_tokens))
    dev_set = Dataset.from_list(encode(dev_windows, tokenizer, max_tokens))
    steps_per_epoch = max(1, -(-len(train_set) // t.batch_size))
    total_steps = int(steps_per_epoch * t.epochs)
    eval_steps = max(1, int(steps_per_epoch * t.eval_every_epochs))
    args = TrainingArguments(
        output_dir=str(config.output_dir),
        per_device_train_batch_size=t.batch_size,
        per_device_eval_batch_size=t.batch_size * 2,
        learning_rate=t.learning_rate,
        weight_decay=t.weight_decay,
        max_steps=total_steps,
        warmup_steps=int(total_steps * t.warmup_ratio),
        lr_scheduler_type="linear",
        eval_strategy="steps",
        eval_steps=eval_steps,
        save_strategy="steps",
        save_steps=eval_steps,
        save_total_limit=2,
        load_best_model_at_end=True,
        metric_for_best_model="span_f1",
        greater_is_better=True,
        logging_steps=max(1, min(50, eval_steps)),
        seed=t.seed,
        data_seed=t.seed,
        bf16=t.bf16,
        use_cpu=not torch.cuda.is_available(),
        report_to=[],
        dataloader_num_workers=0,
    )
    log_path = config.output_dir / LOG_FILE
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=train_set,
        eval_dataset=dev_set,
        data_collator=DataCollatorForTokenClassification(tokenizer),
        compute_metrics=compute_metrics,
        callbacks=[EarlyStoppingCallback(early_stopping_patience=t.patience), _wall_limit_callback(t.max_wall_minutes),
                   _log_callback(log_path)],
    )
    if resume == "latest":
        resume_arg: str | bool | None = True
    else:
        resume_arg = resume
    trainer.train(resume_from_checkpoint=resume_arg)
    dev = trainer.evaluate()
    results = {
        "dev": {k.removeprefix("eval_"): v for k, v in dev.items()},
        "data": counts,
        "base_model": str(config.base_model),
        "student": config.student.model.model_dump() if config.student else None,
        "seed": t.seed,
        "steps": trainer.state.global_step,
        "best_checkpoint": trainer.state.best_model_checkpoint,
        "wall_seconds": round(time.monotonic() - started, 1),
        "threads": t.num_threads,
        "parameters": sum(p.numel() for p in trainer.model.parameters()),
    }
    (config.output_dir / "eval_results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False),
                                                        encoding="utf-8")
    if config.export_dir is not None:
        export(trainer.model, tokenizer, config.export_dir, results)
    return results


def export(model, tokenizer, target: Path, results: dict) -> None:
    target.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(target), safe_serialization=True)
    tokenizer.save_pretrained(str(target))
    (target / "eval_results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")


def run(args: argparse.Namespace) -> int:
    try:
        config = FinetuneConfig.from_yaml(args.config)
    except (OSError, ValueError) as exc:
        print(f"ERROR {args.config}: {exc}", file=sys.stderr)
        return 2
    if args.export is not None:
        config = config.model_copy(update={"export_dir": args.export})
    results = train(config, resume=args.resume)
    dev = results["dev"]
    print("dev strict span F1: " + ", ".join(f"{label} {dev[f'{label}_f1']:.3f}" for label in SPAN_LABELS)
          + f" (macro {dev['span_f1']:.3f}); steps {results['steps']}, {results['wall_seconds']:.0f} s")
    if config.export_dir is not None:
        print(f"saved the best model to {config.export_dir}")
    return 0


def main(argv: list[str] | None = None) -> int:
    from training.cli import add_pretrain_arguments

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_pretrain_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
