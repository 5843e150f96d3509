"""Frozen train / dev / test splits (``annotations/splits.json``).

test = every notice whose batch starts with ``test-`` (written after the training notices);
dev  = a seeded ~15% of each train batch (stratified by batch); train = the rest.
The file is written once. ``--update`` adds notices that appeared later by the same rule without
moving any notice already assigned; ``--force`` rebuilds it from scratch.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

SPLITS = ("train", "dev", "test")
DEV_FRACTION = 0.15
SEED = 3


def _split_of_batch(batch: str | None) -> str:
    if batch and batch.startswith("test-"):
        return "test"
    if batch and batch.startswith("train-"):
        return "train"
    raise ValueError(f"batch {batch!r} is neither train-* nor test-*")


def assign(batch_of: dict[str, str | None], previous: dict[str, list[str]] | None = None,
           seed: int = SEED, dev_fraction: float = DEV_FRACTION) -> dict[str, list[str]]:
    """Split ids; ids already in ``previous`` keep their split."""
    fixed = {nid: name for name in SPLITS for nid in (previous or {}).get(name, [])}
    out: dict[str, list[str]] = {name: [] for name in SPLITS}
    per_batch: dict[str, list[str]] = {}
    for nid, batch in sorted(batch_of.items()):
        if nid in fixed:
            out[fixed[nid]].append(nid)
            continue
        if _split_of_batch(batch) == "test":
            out["test"].append(nid)
        else:
            per_batch.setdefault(str(batch), []).append(nid)
    for batch, new_ids in sorted(per_batch.items()):
        members = [nid for nid, b in batch_of.items() if b == batch]
        want_dev = round(dev_fraction * len(members))
        have_dev = sum(fixed.get(nid) == "dev" for nid in members)
        rng = random.Random(f"{seed}:{batch}")
        order = sorted(new_ids)
        rng.shuffle(order)
        take = max(0, min(len(order), want_dev - have_dev))
        out["dev"] += order[:take]
        out["train"] += order[take:]
    return {name: sorted(ids) for name, ids in out.items()}


def record(splits: dict[str, list[str]], batch_of: dict[str, str | None]) -> dict:
    by_split_batch = {name: dict(sorted(Counter(batch_of.get(n) for n in ids).items(), key=str))
                      for name, ids in splits.items()}
    return {
        "version": 1,
        "seed": SEED,
        "rule": f"test = batch test-*; dev = seeded {DEV_FRACTION:.0%} of each train-* batch; train = the rest. "
                "Frozen: later notices are added by the same rule, no notice ever moves.",
        "counts": {name: len(ids) for name, ids in splits.items()},
        "counts_by_batch": by_split_batch,
        **splits,
    }


def check(splits: dict, ids: set[str] | None = None) -> list[str]:
    """Problems: a notice in two splits, a split missing, or (given ``ids``) a notice in none / unknown."""
    problems = []
    seen: dict[str, str] = {}
    for name in SPLITS:
        if name not in splits:
            problems.append(f"split {name!r} is missing")
            continue
        for nid in splits[name]:
            if nid in seen:
                problems.append(f"{nid} is in both {seen[nid]} and {name}")
            seen.setdefault(nid, name)
        if splits.get("counts", {}).get(name, len(splits[name])) != len(splits[name]):
            problems.append(f"counts[{name!r}] does not match the {name} list")
    if ids is not None:
        problems += [f"{nid} is in no split" for nid in sorted(ids - set(seen))]
        problems += [f"{nid} is in a split but not in the corpus" for nid in sorted(set(seen) - ids)]
    return problems


def write(path: Path, batch_of: dict[str, str | None], force: bool = False, update: bool = False) -> dict:
    previous = None
    if path.exists():
        if update:
            previous = json.loads(path.read_text(encoding="utf-8"))
            gone = {nid for name in SPLITS for nid in previous.get(name, [])} - set(batch_of)
            if gone:
                raise ValueError(f"{path} lists notices that no longer exist: {sorted(gone)}")
        elif not force:
            raise FileExistsError(f"{path} exists and splits are frozen: use --update to add new notices "
                                  f"or --force to rebuild")
    data = record(assign(batch_of, previous), batch_of)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return data


def split_of(path: Path) -> dict[str, str]:
    """Notice id -> split name, or an empty mapping when the file does not exist."""
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {nid: name for name in SPLITS for nid in data.get(name, [])}
