"""The `commitments` command. Each subcommand lives in its own module exposing ``register(subparsers)``;
a registered subparser sets ``func`` to a handler ``(args) -> int`` (the exit status)."""

from __future__ import annotations

import argparse
import importlib
import sys

COMMAND_MODULES = (
    "extractor.commands",
    "extractor.annotations.cli",
    "eval.cli",
    "extractor.report.cli",
    "extractor.db.cli",
    "extractor.fulfilment.cli",
    "training.cli",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="commitments",
        description="Extract commitments (measures, quantities, deadlines) from Chinese government reply "
                    "notices; evaluate, report and manage the gold annotations.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
