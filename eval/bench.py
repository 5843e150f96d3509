"""Benchmarks. ``batch``: throughput and peak memory of ``commitments extract`` with 1 and 2 workers, and
JioNLP's time + money extraction on the same texts in the same run as the yardstick.

    python -m eval.bench batch                          # 2,000 notices: annotated notices + examples, repeated
    python -m eval.bench batch --corpus ../shared/corpus/citizen_message_replies.jsonl --date-field reply_date
    python -m eval.bench batch --notices 200 --workers 1 --no-jionlp -o runs/bench/batch.json
    python -m eval.bench batch --workers 1 --systems rules model hybrid hybrid:bf16

A system is a tagger name (at the default precision, ``auto``), with ``:fp32``, ``:bf16`` or ``:int8`` for a
given precision and ``=CHECKPOINT`` for another fine-tuned
checkpoint (model=runs/tagger-teacher3/best); all systems run on the same notices in the same command,
so their ratios hold on a noisy machine.

Each system runs in its own process, measured from the outside: wall time from start to exit (start-up,
model load and output writing included) and peak memory as the summed RSS of the process and its
workers, sampled every 20 ms. Throughput is reported in notices/s and characters/s; the ratio column is
characters/s over JioNLP's. Texts are written once to a JSONL file that every system reads.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from extractor.taggers import DEFAULT_PRECISION, DEFAULT_TAGGER, NAMES, PRECISIONS

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_S = 0.02


def bundled_texts() -> list[dict]:
    """The team's annotated notices and the bundled examples: {id, text, date}."""
    from extractor.ingest import IngestFailure, read_notices

    out = []
    for p in sorted((ROOT / "annotations" / "notices").glob("*.json")):
        g = json.loads(p.read_text(encoding="utf-8"))
        meta = g.get("metadata") or {}
        out.append({"id": g["id"], "text": g["text"], "date": meta.get("doc_date")})
    for p in sorted((ROOT / "examples").iterdir()):
        for n in read_notices(p):
            if not isinstance(n, IngestFailure):
                out.append({"id": n.id, "text": n.text, "date": n.date.isoformat() if n.date else None})
    return out


def corpus_texts(path: Path, text_field: str, id_field: str, date_field: str | None) -> list[dict]:
    from extractor.ingest import IngestFailure, RecordFields, iter_inputs, read_notices

    fields = RecordFields.of(id_field, text_field, date_field)
    out = []
    for p in iter_inputs([str(path)]):
        for n in read_notices(p, fields):
            if not isinstance(n, IngestFailure):
                out.append({"id": n.id, "text": n.text, "date": n.date.isoformat() if n.date else None})
    return out


def repeat(texts: list[dict], n: int) -> list[dict]:
    """n notices: the texts in order, repeated with new ids (id#k) until there are n."""
    if not texts:
        raise SystemExit("error: no texts to benchmark")
    return [{**texts[i % len(texts)], "id": f"{texts[i % len(texts)]['id']}#{i // len(texts)}"} for i in range(n)]


def measure(cmd: list[str], cwd: Path = ROOT) -> dict:
    """Run cmd; wall seconds and peak summed RSS (MB) of it and its children."""
    import psutil

    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    ps = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            rss = ps.memory_info().rss + sum(c.memory_info().rss for c in ps.children(recursive=True))
            peak = max(peak, rss)
        except psutil.Error:
            pass
        time.sleep(SAMPLE_S)
    out, err = proc.communicate()
    return {"seconds": time.perf_counter() - started, "peak_mb": peak / 2**20, "returncode": proc.returncode,
            "stdout": out, "stderr": err}


def _jionlp_worker(path: str) -> None:
    """Child process: JioNLP time + money extraction over every text (the notice date as time base)."""
    with contextlib.redirect_stdout(sys.stderr):
        import jionlp as jio
    with open(path, encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh]
    found = failed = 0
    started = time.perf_counter()
    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull), contextlib.redirect_stderr(devnull):
        for r in records:
            try:
                if r.get("date"):
                    base = dt.datetime.combine(dt.date.fromisoformat(r["date"]), dt.time()).timestamp()
                    found += len(jio.ner.extract_time(r["text"], time_base=base))
                else:
                    found += len(jio.ner.extract_time(r["text"]))
                found += len(jio.ner.extract_money(r["text"]))
            except Exception:  # noqa: BLE001 - counted: the yardstick's own failures
                failed += 1
    print(json.dumps({"found": found, "failed": failed, "inner_seconds": time.perf_counter() - started}))


def system_spec(value: str) -> tuple[str, str, str | None]:
    """``tagger[:PRECISION][=CHECKPOINT]`` (argparse type): hybrid, hybrid:bf16, model=runs/x/best."""
    head, _, model_dir = value.partition("=")
    name, _, precision = head.partition(":")
    if name not in NAMES:
        raise argparse.ArgumentTypeError(f"unknown tagger {name!r}: use one of {', '.join(NAMES)}")
    if precision and precision not in PRECISIONS:
        raise argparse.ArgumentTypeError(f"unknown precision {precision!r}: use one of {', '.join(PRECISIONS)}")
    return name, precision or DEFAULT_PRECISION, model_dir or None


def run_batch_bench(args: argparse.Namespace) -> dict:
    if args.corpus:
        texts = corpus_texts(args.corpus, args.text_field, args.id_field, args.date_field)
        source = str(args.corpus)
    else:
        texts = bundled_texts()
        source = "annotations/notices + examples"
    notices = repeat(texts, args.notices)
    chars = sum(len(n["text"]) for n in notices)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        data = Path(tmp) / "notices.jsonl"
        with data.open("w", encoding="utf-8") as fh:
            for n in notices:
                fh.write(json.dumps(n, ensure_ascii=False) + "\n")
        for k, (tagger, precision, model_dir) in enumerate(args.systems):
            shown = precision
            if precision == "auto" and tagger != "rules":  # the default: name what it resolves to here
                from extractor.taggers.model import resolve_precision

                precision = resolve_precision("auto", "cpu")
                shown = f"{precision}, the default"
            for workers in args.workers:
                out = Path(tmp) / f"out-{k}-{workers}.jsonl"
                cmd = [sys.executable, "-m", "extractor.cli", "extract", str(data), "-o", str(out),
                       "--workers", str(workers), "--tagger", tagger, "--progress", "off", "--device", "cpu",
                       "--precision", precision]
                if model_dir:
                    cmd += ["--model-dir", model_dir]
                m = measure(cmd)
                if m["returncode"] not in (0, 1):
                    raise SystemExit(f"error: {' '.join(cmd)} failed:\n{m['stderr'][-2000:]}")
                summary = m["stderr"].strip().splitlines()[-1] if m["stderr"].strip() else ""
                detail = ([shown] if tagger != "rules" else []) + ([model_dir] if model_dir else [])
                name = f"commitments ({', '.join([tagger, *detail])})"
                rows.append({"system": name, "workers": workers, "notices": len(notices), "chars": chars,
                             "seconds": m["seconds"], "peak_mb": m["peak_mb"], "summary": summary})
        if args.jionlp:
            m = measure([sys.executable, "-m", "eval.bench", "_jionlp", str(data)])
            if m["returncode"] != 0:
                print(f"warning: JioNLP yardstick did not run: {m['stderr'][-500:]}", file=sys.stderr)
            else:
                inner = json.loads(m["stdout"].strip().splitlines()[-1])
                rows.append({"system": "JioNLP 1.5.31 time + money", "workers": 1, "notices": len(notices),
                             "chars": chars, "seconds": m["seconds"], "peak_mb": m["peak_mb"],
                             "summary": f"{inner['found']} expressions, {inner['failed']} notices raised"})
    yard = next((r for r in rows if r["system"].startswith("JioNLP")), None)
    for r in rows:
        r["notices_per_s"] = r["notices"] / r["seconds"]
        r["chars_per_s"] = r["chars"] / r["seconds"]
    for r in rows:
        r["vs_jionlp"] = r["chars_per_s"] / yard["chars_per_s"] if yard else None
    return {"benchmark": "batch", "source": source, "distinct_texts": len(texts), "notices": len(notices),
            "chars": chars, "cpus": os.cpu_count(), "python": sys.version.split()[0],
            "command": " ".join(["python -m eval.bench", *args.argv]), "rows": rows}


def table(result: dict) -> str:
    lines = [(f"batch benchmark: {result['notices']} notices ({result['distinct_texts']} distinct texts from "
              f"{result['source']}), {result['chars']:,} characters, {result['cpus']} CPUs"),
             "",
             "| system | workers | notices/s | chars/s | wall s | peak RSS MB | chars/s vs JioNLP |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in result["rows"]:
        ratio = f"{r['vs_jionlp']:.1f}×" if r["vs_jionlp"] is not None else "n/a"
        lines.append(f"| {r['system']} | {r['workers']} | {r['notices_per_s']:.1f} | {r['chars_per_s']:,.0f} | "
                     f"{r['seconds']:.1f} | {r['peak_mb']:.0f} | {ratio} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_jionlp"]:
        _jionlp_worker(argv[1])
        return 0
    parser = argparse.ArgumentParser(prog="python -m eval.bench", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="bench", required=True)
    p = sub.add_parser("batch", help="throughput and peak memory of batch extraction vs JioNLP")
    p.add_argument("--notices", type=int, default=2000, help="notices to run (texts repeated with new ids)")
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to measure (default 1 2)")
    p.add_argument("--corpus", type=Path, help="a record file or directory to take texts from instead")
    p.add_argument("--text-field", default="text")
    p.add_argument("--id-field", default="id")
    p.add_argument("--date-field")
    p.add_argument("--systems", "--tagger", type=system_spec, nargs="+", default=[(DEFAULT_TAGGER, "fp32", None)],
                   metavar="TAGGER[:PRECISION][=CHECKPOINT]",
                   help=f"taggers to measure, in order (default {DEFAULT_TAGGER}); {', '.join(NAMES)}")
    p.add_argument("--no-jionlp", dest="jionlp", action="store_false", help="skip the JioNLP yardstick")
    p.add_argument("-o", "--output", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    args.argv = list(argv)
    result = run_batch_bench(args)
    print(table(result))
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
