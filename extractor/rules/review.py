"""Whether a paragraph reviews past work (工作回顾) rather than plans: a character n-gram logistic
regression trained on the section structure of real work reports (training/review_classifier.py), stored
as plain JSON in rules/data and scored here in pure Python: extraction needs no scikit-learn and loads no
serialised Python object.

Excerpts of work reports often start mid-section, with no 回顾 heading to read: review prose (实施…项目
1847个、新增…2个) then looks like plan prose to the rules and to the tagger alike. The filters use the
probability to reject measures of a confident review paragraph whose sentence has no future cue.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ANALYZER = "char"
NGRAMS = (1, 2)
MIN_CHARS = 20  # shorter lines (headings, salutations) are not scored
TABLE = Path(__file__).with_name("data") / "review_classifier.json"
_WHITE_SPACES = re.compile(r"\s\s+")  # scikit-learn's char analyzer folds runs of whitespace to one space


@dataclass(frozen=True)
class ReviewClassifier:
    terms: dict[str, tuple[float, float]]  # n-gram -> (idf, weight)
    intercept: float
    ngrams: tuple[int, int] = NGRAMS

    @classmethod
    def from_dict(cls, table: dict) -> ReviewClassifier:
        if table.get("analyzer") != ANALYZER or not table.get("sublinear_tf"):
            raise ValueError("review classifier table: expected a sublinear-tf character analyzer")
        return cls({t: (v[0], v[1]) for t, v in table["terms"].items()}, float(table["intercept"]),
                   tuple(table["ngrams"]))

    def probability(self, text: str) -> float:
        """P(review) of one paragraph, as scikit-learn's TfidfVectorizer + LogisticRegression computes it."""
        text = _WHITE_SPACES.sub(" ", text)
        low, high = self.ngrams
        counts = Counter(text[i:i + n] for n in range(low, high + 1) for i in range(len(text) - n + 1))
        dot = square = 0.0
        for gram, tf in counts.items():
            term = self.terms.get(gram)
            if term is not None:
                weight = (1.0 + math.log(tf)) * term[0]  # sublinear tf x idf, then l2-normalised below
                dot += weight * term[1]
                square += weight * weight
        score = self.intercept + dot / (math.sqrt(square) or 1.0)
        return 1.0 / (1.0 + math.exp(-score))


@lru_cache(maxsize=1)
def classifier() -> ReviewClassifier | None:
    """The shipped classifier, or None where its table is absent (the filter then does nothing)."""
    if not TABLE.is_file():
        return None
    return ReviewClassifier.from_dict(json.loads(TABLE.read_text(encoding="utf-8")))



class ParagraphOdds:
    """Smoothed P(review) of a document's lines, computed lazily: the mean log-odds of a line and its
    nearest scored neighbours (review prose comes in runs of paragraphs; one line alone is often
    ambiguous). Only lines that hold a measure are ever scored, with their neighbours."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self._logits: dict[int, float] = {}

    def _scored(self, i: int) -> bool:
        return len(self.lines[i].strip()) >= MIN_CHARS

    def _logit(self, i: int) -> float:
        if i not in self._logits:
            p = min(max(classifier().probability(self.lines[i]), 1e-9), 1 - 1e-9)
            self._logits[i] = math.log(p / (1 - p))
        return self._logits[i]

    def probability(self, i: int) -> float | None:
        """None where there is no classifier or the line is too short to score."""
        if classifier() is None or not self._scored(i):
            return None
        before = next((j for j in range(i - 1, -1, -1) if self._scored(j)), None)
        after = next((j for j in range(i + 1, len(self.lines)) if self._scored(j)), None)
        near = [self._logit(j) for j in (before, i, after) if j is not None]
        return 1.0 / (1.0 + math.exp(-sum(near) / len(near)))


def paragraph_review_odds(lines: list[str]) -> list[float | None]:
    """Smoothed P(review) of every line (None for short lines)."""
    odds = ParagraphOdds(lines)
    return [odds.probability(i) for i in range(len(lines))]
