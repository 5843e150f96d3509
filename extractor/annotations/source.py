"""Build gold notice JSON from hand-written sources: YAML front matter plus inline markup (markup.py).

A source file ``annotations/src/<id>.txt`` looks like::

    ---
    id: gz-jyj-2025-045
    doc_date: 2025-05-20
    issuer: 广州市教育局
    level: city            # district | city | province
    kind: 政协提案          # 政协提案 | 人大建议
    topic: 教育
    region: 广东省广州市
    ---
    索引号：...
    ...下一步，我局将<D k=by s=2025-05-20 e=2025-12-31>年底前</D><M>新建...<Q v=12 u=所>12所</Q></M>。

The body after the closing ``---`` line is the notice text with tags; the text is taken verbatim.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from extractor.markup import MarkupError, parse

METADATA_KEYS = ("doc_date", "issuer", "level", "kind", "topic", "region")
# Front-matter keys that describe how a notice was produced, not the notice: kept out of its metadata.
PRODUCTION_KEYS = ("batch",)


def split_front_matter(raw: str, name: str) -> tuple[dict[str, Any], str]:
    if not raw.startswith("---\n"):
        raise MarkupError(f"{name}: source must start with a '---' front-matter line")
    end = raw.find("\n---\n", 4)
    if end < 0:
        raise MarkupError(f"{name}: front matter is not closed by a '---' line")
    meta = yaml.safe_load(raw[4:end]) or {}
    if not isinstance(meta, dict):
        raise MarkupError(f"{name}: front matter must be a mapping")
    return meta, raw[end + 5:]


def read_front_matter(path: Path) -> dict[str, Any]:
    """The front matter of a source (including production keys such as ``batch``)."""
    meta, _ = split_front_matter(path.read_text(encoding="utf-8"), str(path))
    return meta


def source_batch(path: Path) -> str | None:
    batch = read_front_matter(path).get("batch")
    return None if batch is None else str(batch)


def build_notice(path: Path) -> dict[str, Any]:
    raw = path.read_text(encoding="utf-8")
    meta, body = split_front_matter(raw, str(path))
    for key in PRODUCTION_KEYS:
        meta.pop(key, None)
    try:
        parsed = parse(body.rstrip("\n"))
        commitments = parsed.commitments()
    except MarkupError as exc:
        raise MarkupError(f"{path}: {exc}") from exc
    notice_id = str(meta.pop("id", path.stem))
    metadata = {k: (str(meta[k]) if meta.get(k) is not None else None) for k in METADATA_KEYS}
    extra = {k: v for k, v in meta.items() if k not in METADATA_KEYS}
    metadata.update({k: str(v) for k, v in extra.items()})
    return {
        "id": notice_id,
        "text": parsed.text,
        "metadata": metadata,
        "spans": [{"start": s.start, "end": s.end, "label": s.label} for s in parsed.spans()],
        "commitments": commitments,
    }
