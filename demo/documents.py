"""The demo corpus: the documents and the personal data planted in them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CORPUS_DIR", "Corpus", "CorpusDocument", "load_corpus"]

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
MANIFEST = "personal_data.json"
_SUFFIXES = (".txt", ".md")


@dataclass(frozen=True)
class CorpusDocument:
    """One file of the corpus.

    Attributes:
        doc_id: the file name, used as document id and shown as the source.
        kind: the file-name prefix (``ticket``, ``email``, ``article``).
        title: the subject, heading or first line; never contains personal data.
        text: the full text, personal data included.
    """

    doc_id: str
    kind: str
    title: str
    text: str


@dataclass(frozen=True)
class Corpus:
    """The documents, and per document the planted personal-data strings (if listed)."""

    documents: tuple[CorpusDocument, ...]
    personal_data: Mapping[str, tuple[str, ...]]

    @property
    def planted(self) -> frozenset[str]:
        """Every planted string, over all documents."""
        return frozenset(s for strings in self.personal_data.values() for s in strings)

    def leaked(self, texts: Iterable[str]) -> frozenset[str]:
        """The planted strings that still occur in any of ``texts``."""
        joined = "\n".join(texts)
        return frozenset(s for s in self.planted if s in joined)

    def kinds(self) -> dict[str, int]:
        """Number of documents per kind."""
        counts: dict[str, int] = {}
        for document in self.documents:
            counts[document.kind] = counts.get(document.kind, 0) + 1
        return counts


def _title(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        if line.lower().startswith("subject:"):
            return line.split(":", 1)[1].strip()
    return lines[0].lstrip("# ").strip() if lines else ""


def _document(path: Path) -> CorpusDocument:
    text = path.read_text(encoding="utf-8")
    if not text.strip():
        raise ValueError(f"corpus file {path} is empty")
    return CorpusDocument(path.name, path.name.split("-", 1)[0], _title(text), text)


def _manifest(folder: Path, names: set[str]) -> dict[str, tuple[str, ...]]:
    path = folder / MANIFEST
    if not path.exists():
        return {}
    listed = json.loads(path.read_text(encoding="utf-8"))["documents"]
    unknown = set(listed) - names
    if unknown:
        raise ValueError(f"{path} lists files that are not in the corpus: {sorted(unknown)}")
    return {name: tuple(strings) for name, strings in listed.items()}


def load_corpus(folder: Path = CORPUS_DIR) -> Corpus:
    """Read every ``.txt`` / ``.md`` file of ``folder`` and its ``personal_data.json``.

    Raises:
        ValueError: the folder holds no documents, a file is empty, or the manifest
            names a file that does not exist or a string its document does not contain.
    """
    paths = sorted(p for p in folder.iterdir() if p.suffix in _SUFFIXES)
    if not paths:
        raise ValueError(f"no .txt or .md documents in {folder}")
    documents = tuple(_document(p) for p in paths)
    personal_data = _manifest(folder, {d.doc_id for d in documents})
    texts = {d.doc_id: d.text for d in documents}
    for name, strings in personal_data.items():
        missing = [s for s in strings if s not in texts[name]]
        if missing:
            raise ValueError(f"{MANIFEST} lists strings not found in {name}: {len(missing)}")
    return Corpus(documents, personal_data)
