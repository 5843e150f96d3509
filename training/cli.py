"""``commitments train …``: the training subcommands. The training modules import torch and
transformers, so they are imported only when a training command runs (``commitments --help`` and
extraction stay fast)."""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path


def _run(module: str):
    def handler(args: argparse.Namespace) -> int:
        return importlib.import_module(module).run(args)

    return handler


def add_pretrain_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", required=True, type=Path, help="YAML file (see training/configs/)")
    parser.add_argument(
        "--resume",
        nargs="?",
        const="latest",
        default=None,
        help="resume from CHECKPOINT, or from the latest one in output_dir when given alone",
    )
    parser.add_argument(
        "--export", type=Path, default=None, help="also save the final model to this directory"
    )


def register(subparsers: argparse._SubParsersAction) -> None:
    train = subparsers.add_parser(
        "train", help="pretrain the character encoder, fine-tune the commitment tagger"
    )
    sub = train.add_subparsers(dest="train_command", required=True, metavar="STEP")
    parser = sub.add_parser(
        "pretrain",
        help="masked-LM pretraining of the character encoder",
        description="Masked-LM pretraining of the project's character encoder (training/pretrain.py).",
    )
    add_pretrain_arguments(parser)
    parser.set_defaults(func=_run("training.pretrain"))
    parser = sub.add_parser(
        "tagger",
        help="fine-tune the commitment tagger (token classifier over MEASURE/QUANTITY/DEADLINE)",
        description="Fine-tune a token-classification checkpoint on the gold notices (training/finetune.py); "
                    "with a `student` section, distil a smaller model from a teacher.",
    )
    add_pretrain_arguments(parser)
    parser.set_defaults(func=_run("training.finetune"))
    parser = sub.add_parser(
        "review",
        help="train the review-paragraph classifier from the structure of real work reports",
        description="Label the paragraphs of the real work reports by their sections (工作回顾 vs the plan after "
                    "it) and fit the character n-gram classifier the filters use (training/review_classifier.py).",
    )
    from training.review_classifier import add_arguments  # light: scikit-learn loads only when it runs

    add_arguments(parser)
    parser.set_defaults(func=_run("training.review_classifier"))
