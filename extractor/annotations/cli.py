"""`commitments annotations …`: build, validate, stats, split, export-ls, import-ls, agreement."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from extractor.annotations import agreement as agreement_mod
from extractor.annotations import labelstudio, splits, standoff
from extractor.annotations import stats as stats_mod
from extractor.annotations.build import DEFAULT_OUT, DEFAULT_SRC, batches, build_all, dumps
from extractor.annotations.render import render_source
from extractor.annotations.validate import default_src, is_root, validate_paths, validate_real

DEFAULT_SPLITS = Path("annotations/splits.json")
AGREEMENT_DIR = Path("annotations/agreement")


def cmd_build(args: argparse.Namespace) -> int:
    report = build_all(args.src, args.out)
    for error in report.errors:
        print(f"ERROR {error}", file=sys.stderr)
    for nid in report.removed:
        print(f"removed stale {args.out / (nid + '.json')}")
    print(report.summary())
    return 1 if report.errors else 0


DEFAULT_CORPUS = Path("../shared/corpus")
REAL_DIR = Path("annotations/real")


def _corpus(args: argparse.Namespace, required: bool) -> Path | None:
    """The corpus folder: --corpus, else ../shared/corpus where it exists; None (or an error) otherwise."""
    corpus = args.corpus or (DEFAULT_CORPUS if DEFAULT_CORPUS.is_dir() else None)
    if corpus is not None and not corpus.is_dir():
        print(f"ERROR corpus folder {corpus} does not exist", file=sys.stderr)
        return None
    if corpus is None and required:
        print("ERROR the standoff gold needs the corpus: give --corpus DIR (e.g. ../shared/corpus)",
              file=sys.stderr)
    return corpus


def _validate_parts(args: argparse.Namespace) -> list[tuple[str, list, int]] | None:
    """(name, issues, file count) per gold set under args.path; None after an error message."""
    path = args.path
    if standoff.is_standoff_dir(path):
        corpus = _corpus(args, required=True)
        if corpus is None:
            return None
        return [("real", *validate_real(path, corpus))]
    if is_root(path):
        src = None if args.no_sources else (args.src or path / "src")
        parts = [("notices", *validate_paths(path / "notices", src))]
        if standoff.is_standoff_dir(path / "real"):
            corpus = _corpus(args, required=False)
            if corpus is None:
                print(f"note: {path / 'real'} skipped (no corpus: give --corpus DIR)", file=sys.stderr)
            else:
                parts.append(("real", *validate_real(path / "real", corpus)))
        return parts
    src = None if args.no_sources else (args.src or default_src(path))
    return [("notices", *validate_paths(path, src))]


def cmd_validate(args: argparse.Namespace) -> int:
    if not args.path.exists():
        print(f"ERROR {args.path} does not exist", file=sys.stderr)
        return 1
    parts = _validate_parts(args)
    if parts is None:
        return 1
    status = 0
    for name, issues, n_files in parts:
        status = max(status, _report_validation(args, name, issues, n_files))
    return status


def _report_validation(args: argparse.Namespace, name: str, issues: list, n_files: int) -> int:
    errors = [i for i in issues if i.severity == "error"]
    warnings = [i for i in issues if i.severity != "error"]
    for issue in errors + (warnings if args.warnings else []):
        print(issue)
    by_rule = Counter(i.rule for i in errors)
    w_rule = Counter(i.rule for i in warnings)
    print(f"validated {n_files} {'notice' if name == 'notices' else 'real gold'} files: {len(errors)} errors, {len(warnings)} warnings"
          + (f"; errors by rule: {dict(sorted(by_rule.items()))}" if by_rule else "")
          + (f"; warnings by rule: {dict(sorted(w_rule.items()))}" if w_rule else "")
          + ("" if args.warnings or not warnings else " (--warnings lists them)"))
    if n_files == 0:
        print("ERROR no notice files found", file=sys.stderr)
        return 1
    return 1 if errors else 0


def _missing(path: Path) -> bool:
    if path.exists():
        return False
    print(f"ERROR {path} does not exist", file=sys.stderr)
    return True


def load_dicts(path: Path, args: argparse.Namespace) -> list[dict] | None:
    """Notice dicts of a notices folder / file, or of the standoff gold joined with the corpus."""
    if standoff.is_standoff_dir(path):
        corpus = _corpus(args, required=True)
        if corpus is None:
            return None
        try:
            return [standoff.notice_dict(n) for n in standoff.load_real(path, corpus)]
        except standoff.StandoffError as exc:
            print(f"ERROR {exc}", file=sys.stderr)
            return None
    return stats_mod.load(path / "notices" if is_root(path) else path)


def cmd_stats(args: argparse.Namespace) -> int:
    if _missing(args.path):
        return 1
    notices = load_dicts(args.path, args)
    if notices is None:
        return 1
    if standoff.is_standoff_dir(args.path):
        split_file = args.splits if args.splits != DEFAULT_SPLITS else args.path / "splits.json"
        print(stats_mod.report(notices, {}, splits.split_of(split_file)), end="")
        return 0
    src = args.src or (args.path / "src" if is_root(args.path) else default_src(args.path))
    batch_of = batches(src) if src.exists() else {}
    print(stats_mod.report(notices, batch_of, splits.split_of(args.splits)), end="")
    return 0


def cmd_build_real(args: argparse.Namespace) -> int:
    for p in (args.markup, args.corpus):
        if _missing(p):
            return 1
    selection = args.selection or args.markup / "selection.json"
    report = standoff.build_real(args.markup, args.corpus, args.output, args.second_pass,
                                 selection if selection.exists() else None)
    for error in report.errors:
        print(f"ERROR {error}", file=sys.stderr)
    for stale in report.removed:
        print(f"removed stale {stale}")
    print(report.summary())
    if selection.exists():
        print(f"wrote {args.output / 'splits.json'} from {selection}")
    else:
        print(f"warning: no {selection}: splits.json not written", file=sys.stderr)
    return 1 if report.errors else 0


def cmd_split(args: argparse.Namespace) -> int:
    batch_of = batches(args.src)
    if not batch_of:
        print(f"ERROR no sources in {args.src}", file=sys.stderr)
        return 1
    try:
        data = splits.write(args.out, batch_of, force=args.force, update=args.update)
    except (FileExistsError, ValueError) as exc:
        print(f"ERROR {exc}", file=sys.stderr)
        return 1
    print(f"wrote {args.out}: " + ", ".join(f"{k} {v}" for k, v in data["counts"].items()))
    return 0


def cmd_export_ls(args: argparse.Namespace) -> int:
    if _missing(args.notices) or (args.predictions and _missing(args.predictions)):
        return 1
    notices = load_dicts(args.notices, args)
    if notices is None:
        return 1
    predictions = labelstudio.load_predictions(args.predictions) if args.predictions else None
    if predictions is not None:
        unknown = sorted(set(predictions) - {n["id"] for n in notices})
        for nid in unknown:
            print(f"WARNING prediction for {nid} has no notice in {args.notices}; skipped", file=sys.stderr)
    tasks = labelstudio.export_tasks(notices, predictions, annotate=not args.no_annotations)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(tasks, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(tasks)} tasks to {args.output}")
    return 0


def cmd_import_ls(args: argparse.Namespace) -> int:
    if _missing(args.tasks):
        return 1
    try:
        tasks = json.loads(args.tasks.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"ERROR {args.tasks} cannot be read as Label Studio JSON: {exc}", file=sys.stderr)
        return 1
    try:
        notices, warnings = labelstudio.import_tasks(tasks, use_predictions=args.use_predictions)
    except ValueError as exc:
        print(f"ERROR {exc}", file=sys.stderr)
        return 1
    for w in warnings:
        print(f"WARNING {w}", file=sys.stderr)
    args.output.mkdir(parents=True, exist_ok=True)
    for notice in notices:
        if args.as_source:
            try:
                content = render_source(notice)
            except ValueError as exc:
                print(f"ERROR {notice['id']}: {exc}", file=sys.stderr)
                return 1
            (args.output / f"{notice['id']}.txt").write_text(content, encoding="utf-8")
        else:
            (args.output / f"{notice['id']}.json").write_text(dumps(notice), encoding="utf-8")
    print(f"wrote {len(notices)} notices to {args.output}")
    return 0


def cmd_agreement(args: argparse.Namespace) -> int:
    sample = args.dir / "sample.json"
    if args.select:
        try:
            ids = agreement_mod.write_sample(args.src, sample, set(args.exclude))
        except FileExistsError as exc:
            print(f"ERROR {exc}", file=sys.stderr)
            return 1
        print(f"wrote {sample}: {' '.join(ids)}")
        return 0
    if args.real:
        second = args.real_second / "second_pass"
        result = agreement_mod.run_real(args.real, second, args.corpus)
        # The listing quotes corpus text: it goes to the untracked runs/ folder, never into the repository.
        listing_path = Path("runs/real-agreement/disagreements.md")
        first_name = str(args.real)
    else:
        second = args.dir / "second_pass"
        result = agreement_mod.run(args.src, second, sample)
        listing_path, first_name = args.dir / "disagreements.md", "annotations/src"
    print(f"{len(result.notices)} notices annotated twice\n")
    print(agreement_mod.table(result))
    listing = agreement_mod.disagreement_listing(result)
    listing_path.parent.mkdir(parents=True, exist_ok=True)
    listing_path.write_text(f"# Disagreements (first pass = {first_name}, second pass = {second})\n\n{listing}\n",
                            encoding="utf-8")
    print(f"\ndisagreements by kind written to {listing_path}")
    if args.write_readme:
        agreement_mod.write_table_into(args.readme, result)
        print(f"table written into {args.readme}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("annotations", help="gold corpus: build, validate, stats, splits, "
                                                       "Label Studio, agreement")
    sub = parser.add_subparsers(dest="annotations_command", required=True, metavar="ACTION")

    p = sub.add_parser("build", help="build annotations/src/*.txt into annotations/notices/*.json")
    p.add_argument("--src", type=Path, default=DEFAULT_SRC)
    p.add_argument("--out", type=Path, default=DEFAULT_OUT)
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("validate", help="check notice JSON files against every annotation rule")
    p.add_argument("path", nargs="?", type=Path, default=DEFAULT_OUT, help="notices directory or one file")
    p.add_argument("--src", type=Path, default=None, help="sources for the sources-in-sync rule "
                                                          "(default: ../src beside the notices)")
    p.add_argument("--no-sources", action="store_true", help="skip the sources-in-sync rule")
    p.add_argument("--warnings", action="store_true", help="list warnings too")
    p.add_argument("--corpus", type=Path, default=None, help="corpus folder for the standoff gold "
                                                             "(default ../shared/corpus where it exists)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("stats", help="tables of counts and distributions")
    p.add_argument("path", nargs="?", type=Path, default=DEFAULT_OUT)
    p.add_argument("--src", type=Path, default=None, help="sources, for the batch of each notice")
    p.add_argument("--splits", type=Path, default=DEFAULT_SPLITS,
                   help="splits file (default annotations/splits.json; <real dir>/splits.json for the standoff gold)")
    p.add_argument("--corpus", type=Path, default=None, help="corpus folder for the standoff gold "
                                                             "(default ../shared/corpus where it exists)")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("build-real", help="standoff gold (offsets only) from the annotators' inline markup "
                                          "over the real corpus")
    p.add_argument("--markup", type=Path, required=True, help="folder of <ANNOTATOR>/<key>.txt and DONE.txt")
    p.add_argument("--corpus", type=Path, required=True, help="corpus folder (../shared/corpus)")
    p.add_argument("-o", "--output", type=Path, default=REAL_DIR)
    p.add_argument("--second-pass", type=Path, default=Path("annotations/real-agreement/second_pass"),
                   help="where the blind second pass (W2) goes")
    p.add_argument("--selection", type=Path, default=None,
                   help="selection.json with the frozen split (default <markup>/selection.json)")
    p.set_defaults(func=cmd_build_real)

    p = sub.add_parser("split", help="write the frozen annotations/splits.json (once)")
    p.add_argument("--src", type=Path, default=DEFAULT_SRC)
    p.add_argument("--out", type=Path, default=DEFAULT_SPLITS)
    group = p.add_mutually_exclusive_group()
    group.add_argument("--force", action="store_true", help="rebuild from scratch (moves notices!)")
    group.add_argument("--update", action="store_true", help="add new notices; never move assigned ones")
    p.set_defaults(func=cmd_split)

    p = sub.add_parser("export-ls", help="notices (+ predictions) to Label Studio tasks")
    p.add_argument("notices", type=Path, help="notices directory or one notice file")
    p.add_argument("-o", "--output", type=Path, required=True)
    p.add_argument("--predictions", type=Path, default=None, help="JSONL of `commitments extract`")
    p.add_argument("--no-annotations", action="store_true", help="export text and predictions only")
    p.add_argument("--corpus", type=Path, default=None, help="corpus folder for the standoff gold")
    p.set_defaults(func=cmd_export_ls)

    p = sub.add_parser("import-ls", help="Label Studio tasks (JSON export) to notices")
    p.add_argument("tasks", type=Path)
    p.add_argument("-o", "--output", type=Path, required=True)
    p.add_argument("--as-source", action="store_true", help="write markup sources (.txt) instead of JSON")
    p.add_argument("--use-predictions", action="store_true",
                   help="take the prediction of a task that has no submitted annotation")
    p.set_defaults(func=cmd_import_ls)

    p = sub.add_parser("agreement", help="span F1 between the gold and the second pass")
    p.add_argument("--src", type=Path, default=DEFAULT_SRC)
    p.add_argument("--dir", type=Path, default=AGREEMENT_DIR)
    p.add_argument("--readme", type=Path, default=Path("annotations/README.md"))
    p.add_argument("--write-readme", action="store_true", help="replace the table in the README")
    p.add_argument("--select", action="store_true", help="choose and freeze the sample (once)")
    p.add_argument("--exclude", nargs="*", default=[], help="ids the second annotator has already seen")
    p.add_argument("--real", type=Path, help="standoff gold (annotations/real): compare its blind second pass "
                                             "(--real-second/second_pass) instead of the team notices")
    p.add_argument("--real-second", type=Path, default=Path("annotations/real-agreement"))
    p.add_argument("--corpus", type=Path, default=Path("../shared/corpus"), help="corpus folder for --real")
    p.set_defaults(func=cmd_agreement)
