"""Keyword table behind the emulated IAB classifiers (``data/iab_categories.psv``).

Each row: IAB 1.0 code/name/parent, IAB 2.2 content id/parent/tier path, audience
id/parent/tier path, and the keywords (any language, matched accent-insensitively)
that trigger it. Ids follow the documented examples where the docs show them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["IabCategory", "categories"]


@dataclass(frozen=True)
class IabCategory:
    """One row of the table."""

    iab1_code: str
    iab1_name: str
    iab1_parent: str | None
    content_id: int
    content_parent: int
    content_tiers: tuple[str, ...]
    audience_id: int
    audience_parent: int
    audience_tiers: tuple[str, ...]
    keywords: tuple[str, ...]


def _parse(line: str) -> IabCategory:
    code, name, parent, cid, cparent, ctiers, aid, aparent, atiers, words = line.split("|")
    return IabCategory(
        iab1_code=code,
        iab1_name=name,
        iab1_parent=None if parent == "-" else parent,
        content_id=int(cid),
        content_parent=int(cparent),
        content_tiers=tuple(ctiers.split(">")),
        audience_id=int(aid),
        audience_parent=int(aparent),
        audience_tiers=tuple(atiers.split(">")),
        keywords=tuple(w.strip() for w in words.split(",")),
    )


@lru_cache(maxsize=1)
def categories() -> tuple[IabCategory, ...]:
    """All table rows, in file order."""
    text = resources.files("zerogpu_core.emulator").joinpath("data/iab_categories.psv")
    lines = text.read_text(encoding="utf-8").splitlines()
    return tuple(_parse(line) for line in lines if line and not line.startswith("#"))
