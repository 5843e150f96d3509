"""``commitments train …``: the training subcommands (``pretrain`` now; ``finetune`` later)."""

from __future__ import annotations

import argparse

from training import pretrain


def register(subparsers: argparse._SubParsersAction) -> None:
    train = subparsers.add_parser(
        "train", help="pretrain the character encoder (and, later, fine-tune the tagger)"
    )
    sub = train.add_subparsers(dest="train_command", required=True, metavar="STEP")
    parser = sub.add_parser(
        "pretrain",
        help="masked-LM pretraining of the character encoder",
        description=pretrain.__doc__.splitlines()[0],
    )
    pretrain.add_arguments(parser)
    parser.set_defaults(func=pretrain.run)
