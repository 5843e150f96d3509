"""Score the specificity rubric and the rule score against the hand-labelled sample.

``annotations/specificity/labels.jsonl`` holds 220 gold commitments (110 from the team's notices, 110 from
the real standoff gold), each labelled blind by two annotators (A, B) and adjudicated where they differed,
split into dev (rule tables developed on it) and test. The sample stores ids and offsets only; the real
texts are joined from ``--corpus``. Prints the annotators' agreement (weighted Cohen's kappa) and the rule
score's accuracy and kappa against the adjudicated level, per split:

    python -m eval.specificity --corpus ../shared/corpus [--split dev|test]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from extractor.annotations.model import GoldCommitment, GoldNotice
from extractor.annotations.standoff import load_real
from extractor.rules.specificity import level

LABELS = Path("annotations/specificity/labels.jsonl")


def gold_level(notice: GoldNotice, c: GoldCommitment) -> int:
    """The rule score over a gold commitment: its linked values decide levels 2 and 3."""
    quantified = any(q.role == "target" for q in c.quantities)
    dated = c.deadline is not None and c.deadline.kind != "vague" and (c.deadline.end or c.deadline.start) is not None
    return level(quantified, dated, notice.text[c.measure[0]:c.measure[1]])


def load_notices(corpus: Path) -> dict[tuple[str, str], GoldNotice]:
    from eval.gold import load_gold

    team = {("team", n.id): n for n in load_gold(Path("annotations"), None).notices}
    real = {("real", n.id): n for n in load_real(Path("annotations/real"), corpus)}
    return {**team, **real}


def rows(labels: Path, corpus: Path) -> list[dict]:
    notices = load_notices(corpus)
    out = []
    for lineno, line in enumerate(labels.read_text(encoding="utf-8").splitlines(), 1):
        item = json.loads(line)
        notice = notices.get((item["gold"], item["notice_id"]))
        if notice is None:
            raise SystemExit(f"{labels}:{lineno}: no {item['gold']} gold notice {item['notice_id']!r}")
        c = notice.commitments[item["commitment_index"]]
        if list(c.measure) != item["measure"]:
            raise SystemExit(f"{labels}:{lineno}: commitment {item['commitment_index']} of {item['notice_id']} "
                             f"has moved (measure {list(c.measure)}, labelled {item['measure']})")
        out.append({**item, "rule": gold_level(notice, c)})
    return out


def kappa(a: list[int], b: list[int]) -> float:
    from sklearn.metrics import cohen_kappa_score

    return float(cohen_kappa_score(a, b, weights="linear", labels=[0, 1, 2, 3]))


def table(items: list[dict]) -> list[tuple[str, str]]:
    gold = [r["level"] for r in items]
    rule = [r["rule"] for r in items]
    a, b = [r["annotator_a"] for r in items], [r["annotator_b"] for r in items]
    team = sum(r["gold"] == "team" for r in items)
    return [
        ("commitments", f"{len(items)} (team {team}, real {len(items) - team})"),
        ("annotators A vs B: exact agreement", f"{sum(x == y for x, y in zip(a, b)) / len(items):.3f}"),
        ("annotators A vs B: linear-weighted kappa", f"{kappa(a, b):.3f}"),
        ("rule score vs adjudicated: accuracy", f"{sum(x == y for x, y in zip(rule, gold)) / len(items):.3f}"),
        ("rule score vs adjudicated: linear-weighted kappa", f"{kappa(rule, gold):.3f}"),
        ("levels 0/1/2/3 (adjudicated)", "/".join(str(gold.count(k)) for k in range(4))),
        ("levels 0/1/2/3 (rule score)", "/".join(str(rule.count(k)) for k in range(4))),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus"))
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--split", choices=("dev", "test"), help="one split (default: each, then both)")
    parser.add_argument("--errors", action="store_true", help="list the items the rule score gets wrong")
    args = parser.parse_args(argv)
    items = rows(args.labels, args.corpus)
    splits = [args.split] if args.split else ["dev", "test", None]
    if "test" in splits:
        print("note: scoring the specificity test split — report these numbers, do not tune on them",
              file=sys.stderr)
    for split in splits:
        chosen = [r for r in items if split is None or r["split"] == split]
        print(f"\n{split or 'all'}\n\n| measure | value |\n|---|---|")
        for name, value in table(chosen):
            print(f"| {name} | {value} |")
        if args.errors:
            for r in chosen:
                if r["rule"] != r["level"]:
                    print(f"  {r['item']} {r['gold']} {r['notice_id']} gold {r['level']} rule {r['rule']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
