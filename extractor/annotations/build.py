"""Build every source ``annotations/src/<id>.txt`` into ``annotations/notices/<id>.json``.

Output is deterministic (same source, same bytes): pretty JSON, UTF-8 without escapes, keys in the
order of the guide, a final newline. A file is rewritten only when its content changes, and JSON files
whose source is gone are removed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from extractor.annotations.source import build_notice, source_batch
from extractor.markup import MarkupError

DEFAULT_SRC = Path("annotations/src")
DEFAULT_OUT = Path("annotations/notices")


def dumps(notice: dict[str, Any]) -> str:
    return json.dumps(notice, ensure_ascii=False, indent=2) + "\n"


def source_files(src: Path) -> list[Path]:
    return sorted(src.glob("*.txt"))


def batches(src: Path) -> dict[str, str | None]:
    """Notice id (the file stem) -> batch named in its source's front matter."""
    out = {}
    for path in source_files(src):
        try:
            out[path.stem] = source_batch(path)
        except (MarkupError, ValueError):
            out[path.stem] = None
    return out


@dataclass
class BuildReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"built {len(self.written) + len(self.unchanged)} notices "
                f"({len(self.written)} written, {len(self.unchanged)} unchanged), "
                f"removed {len(self.removed)} stale, {len(self.errors)} errors")


def build_one(path: Path) -> dict[str, Any]:
    notice = build_notice(path)
    if notice["id"] != path.stem:
        raise MarkupError(f"{path}: id {notice['id']!r} differs from the file name {path.stem!r}")
    return notice


def build_all(src: Path = DEFAULT_SRC, out: Path = DEFAULT_OUT) -> BuildReport:
    report = BuildReport()
    out.mkdir(parents=True, exist_ok=True)
    sources = source_files(src)
    for path in sources:
        try:
            notice = build_one(path)
        except (ValueError, yaml.YAMLError, OSError) as exc:  # report and go on with the others
            report.errors.append(f"{path}: {exc}" if str(path) not in str(exc) else str(exc))
            continue
        target = out / f"{notice['id']}.json"
        content = dumps(notice)
        if target.exists() and target.read_text(encoding="utf-8") == content:
            report.unchanged.append(notice["id"])
            continue
        tmp = target.with_suffix(".json.tmp")
        tmp.write_text(content, encoding="utf-8")
        tmp.replace(target)
        report.written.append(notice["id"])
    live = {p.stem for p in sources}
    for stale in sorted(out.glob("*.json")):
        if stale.stem not in live:
            stale.unlink()
            report.removed.append(stale.stem)
    return report
