"""Train the review-paragraph classifier (extractor/rules/review.py) from the structure of real work reports.

A government work report opens with a review of past work (一、2024年工作回顾) and goes on with the plan
(二、2025年工作安排 …). Neither the rules nor the fine-tuned tagger tell a review paragraph from a plan
paragraph when an excerpt starts mid-section: both read 实施…、新增…个 as measures. The section headings give
free labels: every paragraph of the review section is ``review``, every paragraph after it is ``plan``.
A character 1–2-gram TF-IDF logistic regression (scikit-learn) learns the difference; it is written as JSON
(vocabulary, idf, weights), never as a serialised Python object, and scored in pure Python at extraction time.

Paragraphs overlapping a real-gold dev or test region (annotations/real) are left out, so the frozen test
split never trains it and the dev split measures it fairly. Accuracy is reported by grouped cross-validation over reports.

    commitments train review --corpus ../shared/corpus -o extractor/rules/data/review_classifier.json
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from extractor.annotations.standoff import read_doc, read_splits, standoff_files
from extractor.rules.report_structure import TOP_HEADING, review_span
from extractor.rules.review import ANALYZER, MIN_CHARS, NGRAMS, ReviewClassifier

REPORT_FILES = ("state_council_work_reports.jsonl", "provincial_work_reports_2025.jsonl")


@dataclass
class Paragraph:
    report: str
    start: int
    text: str
    review: bool


def report_paragraphs(report_id: str, text: str, excluded: list[tuple[int, int]]) -> list[Paragraph]:
    """The labelled paragraphs of one report: its review section, then everything after it."""
    review = review_span(text)
    if review is None:
        return []  # no review heading, or nothing after it: no labels to read from the structure
    out = []
    for m in re.finditer(r"[^\n]+", text[review[0]:]):
        start, body = review[0] + m.start(), m.group(0).strip()
        if len(body) < MIN_CHARS or TOP_HEADING.match(m.group(0)):
            continue
        if any(a < start + len(m.group(0)) and start < b for a, b in excluded):
            continue
        out.append(Paragraph(report_id, start, body, start < review[1]))
    return out


def held_out_regions(gold: Path) -> dict[str, list[tuple[int, int]]]:
    splits = read_splits(gold)
    regions: dict[str, list[tuple[int, int]]] = {}
    for path in standoff_files(gold):
        doc = read_doc(path)
        if splits.get(doc.key) in ("dev", "test"):
            regions.setdefault(doc.id, []).append(tuple(doc.region))
    return regions


def load_paragraphs(corpus: Path, gold: Path) -> list[Paragraph]:
    excluded = held_out_regions(gold)
    paragraphs: list[Paragraph] = []
    for name in REPORT_FILES:
        path = corpus / name
        if not path.is_file():
            raise SystemExit(f"{path}: missing (give the real corpus folder with --corpus)")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            record = json.loads(line)
            rid = f"{record['id']}#{n}"  # several records share the id gwr-na
            paragraphs += report_paragraphs(rid, record["text"], excluded.get(record["id"], []))
    return paragraphs


def fit(texts: list[str], labels: list[int], c: float):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(analyzer=ANALYZER, ngram_range=NGRAMS, sublinear_tf=True, min_df=3,
                                 max_features=12000, lowercase=False)
    features = vectorizer.fit_transform(texts)
    model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced").fit(features, labels)
    return vectorizer, model


def export(vectorizer, model) -> dict:
    vocab = vectorizer.vocabulary_
    idf, coef = vectorizer.idf_, model.coef_[0]
    return {"analyzer": ANALYZER, "ngrams": list(NGRAMS), "sublinear_tf": True, "intercept": float(model.intercept_[0]),
            "terms": {t: [round(float(idf[i]), 6), round(float(coef[i]), 6)] for t, i in sorted(vocab.items())}}


def cross_validate(paragraphs: list[Paragraph], c: float, folds: int = 5) -> dict:
    from sklearn.model_selection import GroupKFold

    texts = [p.text for p in paragraphs]
    labels = [int(p.review) for p in paragraphs]
    groups = [p.report.split("#")[0][:8] for p in paragraphs]  # one group per report (year or province)
    right = total = 0
    confusion = {"review_as_plan": 0, "plan_as_review": 0}
    for train, held in GroupKFold(n_splits=folds).split(texts, labels, groups):
        vectorizer, model = fit([texts[i] for i in train], [labels[i] for i in train], c)
        scorer = ReviewClassifier.from_dict(export(vectorizer, model))
        for i in held:
            said = scorer.probability(texts[i]) >= 0.5
            right += said == bool(labels[i])
            total += 1
            if said != bool(labels[i]):
                confusion["plan_as_review" if said else "review_as_plan"] += 1
    return {"paragraphs": total, "accuracy": round(right / total, 4), **confusion}


def run(args: argparse.Namespace) -> int:
    paragraphs = load_paragraphs(args.corpus, args.gold)
    reviews = sum(p.review for p in paragraphs)
    print(f"{len(paragraphs)} paragraphs from {len({p.report for p in paragraphs})} reports: {reviews} review, "
          f"{len(paragraphs) - reviews} plan (dev and test regions left out)", file=sys.stderr)
    scores = cross_validate(paragraphs, args.c)
    print(f"grouped 5-fold cross-validation by report: {json.dumps(scores)}", file=sys.stderr)
    vectorizer, model = fit([p.text for p in paragraphs], [int(p.review) for p in paragraphs], args.c)
    table = export(vectorizer, model)
    table["trained_on"] = {"paragraphs": len(paragraphs), "review": reviews, "C": args.c,
                           "cross_validation": scores, "command": "commitments train review --corpus CORPUS"}
    args.output.write_text(json.dumps(table, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.output} ({len(table['terms'])} terms)", file=sys.stderr)
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus"), help="the real corpus folder")
    parser.add_argument("--gold", type=Path, default=Path("annotations/real"), help="real standoff gold (its dev and "
                        "test regions are left out of training)")
    parser.add_argument("-o", "--output", type=Path, default=Path("extractor/rules/data/review_classifier.json"))
    parser.add_argument("--c", type=float, default=16.0, help="inverse regularisation strength")
