"""The sections of a government work report: it opens with a review of past work (一、2024年工作回顾)
and goes on with the plan (二、2025年工作安排 …). Used to label paragraphs for the review classifier and
to find where a later report states the outcomes of an earlier one's targets."""

from __future__ import annotations

import re

TOP_HEADING = re.compile(r"^[ \t\u3000]*[一二三四五六七八九十]+、[^\n]{1,60}$", re.MULTILINE)
REVIEW_HEADING = re.compile(r"回顾|过去|成就|执行情况")


def review_span(text: str) -> tuple[int, int] | None:
    """(start, end) of the review section: from the first top-level heading that names a review to the
    next top-level heading; None when the report has no such heading or nothing after it."""
    heads = list(TOP_HEADING.finditer(text))
    first = next((i for i, h in enumerate(heads) if REVIEW_HEADING.search(h.group(0))), None)
    if first is None or first + 1 >= len(heads):
        return None
    return heads[first].end(), heads[first + 1].start()
