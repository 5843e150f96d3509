"""Loads the rule data tables in rules/data/*.yaml once."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def table(name: str) -> dict[str, Any]:
    text = resources.files("extractor.rules").joinpath("data", f"{name}.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)
