"""`commitments evaluate`: score systems against the gold annotations and write report.json / .md / .html.

    commitments evaluate --gold annotations/ --split dev --system rules
    commitments evaluate --gold annotations/ --split test --compare rules jionlp
    commitments evaluate --gold annotations/ --split dev --compare rules runs/preds.jsonl -o runs/eval/x
    commitments evaluate --gold annotations/real --corpus ../shared/corpus --split dev --compare rules hybrid
    commitments evaluate encoder [ARGS…]      # python -m eval.encoder ARGS…
    python -m eval.cli --gold annotations/ --split dev --system rules   # the same without the entry point

The first system named is the reference: every other one is compared with it by a paired bootstrap.
Tune on dev; the test split is for the final numbers only.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from eval import bootstrap
from extractor.commands import positive_int

DEFAULT_OUT = Path("runs/eval")


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return out


def command_line(args: argparse.Namespace) -> str:
    """The command that reproduces this report (for the report and the README)."""
    parts = ["commitments", "evaluate", "--gold", str(args.gold)]
    if args.split:
        parts += ["--split", args.split]
    if args.system:
        parts += ["--system", args.system]
    if args.compare:
        parts += ["--compare", *args.compare]
    if args.model_dir:
        parts += ["--model-dir", str(args.model_dir)]
    if args.corpus:
        parts += ["--corpus", str(args.corpus)]
    if args.output != DEFAULT_OUT:
        parts += ["-o", str(args.output)]
    if args.resamples != bootstrap.DEFAULT_RESAMPLES:
        parts += ["--resamples", str(args.resamples)]
    if args.seed != bootstrap.DEFAULT_SEED:
        parts += ["--seed", str(args.seed)]
    return " ".join(shlex.quote(p) for p in parts)


def run(args: argparse.Namespace) -> int:
    if getattr(args, "evaluate_target", None) == "encoder":
        from eval import encoder  # imports torch: only when asked for

        return int(encoder.main(args.encoder_argv) or 0)
    specs = ([args.system] if args.system else []) + list(args.compare or [])
    if not specs:
        print("error: name a system with --system or systems with --compare", file=sys.stderr)
        return 2
    if args.gold is None:
        print("error: --gold is required (the annotations folder)", file=sys.stderr)
        return 2

    from eval.gold import GoldError, load_gold
    from eval.report import terminal_table, write_reports
    from eval.score import evaluate
    from eval.systems import SystemUnavailable, run_system

    try:
        gold = load_gold(args.gold, args.split, args.corpus)
    except GoldError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.split == "test":
        print("note: scoring the test split — report these numbers, do not tune on them", file=sys.stderr)
    runs = []
    for spec in specs:
        try:
            runs.append(run_system(spec, gold.notices, args.model_dir))
        except SystemUnavailable as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        for note in runs[-1].notes[:10]:
            print(f"warning: {runs[-1].name}: {note}", file=sys.stderr)
    for r, name in zip(runs, _unique([r.name for r in runs]), strict=True):
        r.name = name
    report = evaluate(gold, runs, resamples=args.resamples, seed=args.seed)
    report["command"] = command_line(args)
    try:
        paths = write_reports(report, args.output)
    except OSError as exc:
        print(f"error: cannot write the report to {args.output}: {exc}", file=sys.stderr)
        return 2
    print(terminal_table(report))
    print("\nwrote " + ", ".join(str(p) for p in paths), file=sys.stderr)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("evaluate", help="score systems against the gold annotations; reports",
                              description=__doc__.splitlines()[0],
                              epilog="`commitments evaluate encoder --help` shows the encoder evaluation's options.")
    p.add_argument("--gold", type=Path, help="annotations folder (notices/*.json, splits.json), a folder of "
                                             "notice JSON files, or one file")
    p.add_argument("--corpus", type=Path, help="folder of the real corpus for standoff gold (annotations/real); "
                                               "default ../shared/corpus where it exists")
    p.add_argument("--split", choices=("train", "dev", "test"), help="score one split (default: every notice)")
    p.add_argument("--system", help="rules | model | hybrid | jionlp | PATH.jsonl (predictions in the extract format)")
    p.add_argument("--compare", nargs="+", metavar="SYSTEM", help="several systems side by side (after --system, "
                                                                  "if given); the first is the reference")
    p.add_argument("--model-dir", type=Path, help="checkpoint for the model system")
    p.add_argument("-o", "--output", type=Path, default=DEFAULT_OUT, help=f"report folder (default {DEFAULT_OUT})")
    p.add_argument("--resamples", type=positive_int, default=bootstrap.DEFAULT_RESAMPLES, help="bootstrap resamples")
    p.add_argument("--seed", type=int, default=bootstrap.DEFAULT_SEED, help="bootstrap seed")
    p.set_defaults(func=run)
    targets = p.add_subparsers(dest="evaluate_target", metavar="{encoder}")
    targets.required = False
    # Everything after `encoder` goes to `python -m eval.encoder` untouched: this parser treats no
    # argument as an option (its prefix character never occurs on a command line).
    enc = targets.add_parser("encoder", help="masked-character evaluation of the encoder (python -m eval.encoder)",
                             prefix_chars="\x00", add_help=False)
    enc.add_argument("encoder_argv", nargs=argparse.REMAINDER)



def main(argv: list[str] | None = None) -> int:
    """``python -m eval.cli ARGS`` = ``commitments evaluate ARGS``."""
    parser = argparse.ArgumentParser(prog="python -m eval.cli")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["evaluate", *(sys.argv[1:] if argv is None else argv)])
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
