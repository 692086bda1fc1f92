"""Adversarial PII corpora for the leak suite, generated deterministically.

Every document carries the personal data planted in it (``secrets``); a leak is a
secret that survives redaction. The kinds target the ways a chunked redactor
loses an entity: cuts after titles and initials, cuts at every offset of a
window, sentences longer than a request, token-dense logs, PII inside URLs,
non-ASCII names and full-width digits, and repeats.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

__all__ = ["LeakDoc", "adversarial_corpus", "leaked"]

_FILLER = (
    "the quarterly figures were reviewed by the committee",
    "nothing unusual was found in the logs of the build server",
    "the shipment left the warehouse on schedule",
    "all invoices were reconciled against the ledger",
    "a follow-up meeting was planned for next week",
    "the backup job finished without errors",
    "several tickets were closed after the release",
    "the support queue stayed short during the holidays",
)
_TITLED = ("Novak", "Kowalski", "O'Brien", "Tanaka", "Haddad", "Lindqvist", "Abernathy")
_TITLES = ("Dr.", "Mrs.", "Mr.", "Ms.", "Prof.")
_INITIALLED = ("John R. Smith", "Mary K. Novak", "J. R. R. Tolkien", "A. B. Lindqvist")
_WIDE_NAMES = ("Li Wei", "Zhang Min", "Wang Fang", "Nguyen Van An")
_NON_ASCII = ("Zoë Ólafsdóttir", "Łukasz Wójcik", "Søren Kjær", "José Núñez", "Ærin Løkke")
_EMAILS = ("jane.doe@example.com", "r.smith@corp.example.org", "li.wei@example.cn")
_PHONES = ("415-555-0134", "(212) 555-0199", "+44 20 7946 0958", "415 555 0178")
_WIDE_PHONES = ("４１５-５５５-０１３４", "２１２-５５５-０１９９")
_CARDS = ("4111 1111 1111 1111", "5500-0000-0000-0004")
_HANDLES = ("https://www.linkedin.com/in/janedoe", "github.com/rsmith-dev")


@dataclass(frozen=True)
class LeakDoc:
    """One adversarial document and the personal data planted in it."""

    id: str
    kind: str
    text: str
    secrets: tuple[str, ...]
    metadata: dict[str, str] = field(default_factory=dict)
    metadata_secrets: tuple[str, ...] = ()


def _filler(rng: random.Random) -> str:
    return rng.choice(_FILLER).capitalize() + "."


def _name_sentence(rng: random.Random) -> tuple[str, list[str]]:
    kind = rng.randrange(4)
    if kind == 0:
        surname = rng.choice(_TITLED)
        return f"The case was handled by {rng.choice(_TITLES)} {surname} and the nurse.", [surname]
    if kind == 1:
        name = rng.choice(_INITIALLED)
        return f"The form was signed by {name} on Monday.", _parts(name)
    if kind == 2:
        name = rng.choice(_WIDE_NAMES)
        return f"Please forward the file to {name} today.", _parts(name)
    name = rng.choice(_NON_ASCII)
    return f"The request came from {name} yesterday.", _parts(name)


def _contact_sentence(rng: random.Random) -> tuple[str, list[str]]:
    kind = rng.randrange(5)
    if kind == 0:
        email = rng.choice(_EMAILS)
        return f"Replies go to {email} only.", [email]
    if kind == 1:
        phone = rng.choice(_PHONES + _WIDE_PHONES)
        return f"The callback number is {phone} for now.", [phone]
    if kind == 2:
        card = rng.choice(_CARDS)
        return f"The card on file is {card} until May.", [card]
    if kind == 3:
        email = rng.choice(_EMAILS)
        return f"See https://crm.example.com/contacts?email={email}&ref=42 for details.", [email]
    handle = rng.choice(_HANDLES)
    return f"The profile is at {handle} and nowhere else.", [handle.rsplit("/", 1)[-1]]


def _parts(name: str) -> list[str]:
    # Initials ("R.") are too short to count as leaked on their own.
    return [part for part in name.split() if len(part.rstrip(".")) > 1]


def _sentences(rng: random.Random, size: int, density: float) -> tuple[str, list[str]]:
    pieces: list[str] = []
    secrets: list[str] = []
    while sum(len(p) + 1 for p in pieces) < size:
        if rng.random() < density:
            maker = _name_sentence if rng.random() < 0.5 else _contact_sentence
            sentence, planted = maker(rng)
            secrets += planted
        else:
            sentence = _filler(rng)
        pieces.append(sentence)
    return rng.choice((" ", " ", "\n", "  ")).join(pieces), secrets


def _prose(rng: random.Random, index: int) -> LeakDoc:
    text, secrets = _sentences(rng, rng.randrange(1000, 2000), 0.4)
    return _doc(rng, index, "prose", text, secrets)


def _cut_sweep(rng: random.Random, index: int, offset: int) -> LeakDoc:
    """An entity sentence starting ``offset`` characters into the document."""
    head, _ = _sentences(rng, offset, 0.0)
    head = head[:offset].ljust(offset)
    sentence, secrets = (_name_sentence if index % 2 else _contact_sentence)(rng)
    tail, more = _sentences(rng, 200, 0.3)
    return _doc(rng, index, "cut-sweep", f"{head} {sentence} {tail}", secrets + more)


def _long_sentence(rng: random.Random, index: int) -> LeakDoc:
    words: list[str] = []
    secrets: list[str] = []
    while sum(len(w) + 1 for w in words) < 5_200:
        if rng.random() < 0.04:
            sentence, planted = (_name_sentence if rng.random() < 0.5 else _contact_sentence)(rng)
            words += sentence.rstrip(".").split()
            secrets += planted
        else:
            words += [*rng.choice(_FILLER).split(), ","]
    return _doc(rng, index, "long-sentence", " ".join(words) + ".", secrets)


def _log(rng: random.Random, index: int) -> LeakDoc:
    lines = ["timestamp,level,user,ip,phone"]
    secrets: list[str] = []
    for n in range(rng.randrange(60, 110)):
        email, phone = rng.choice(_EMAILS), rng.choice(_PHONES)
        ip = f"10.{n % 256}.{rng.randrange(256)}.{rng.randrange(256)}"
        lines.append(
            f"2024-05-01T12:{n % 60:02d}:{rng.randrange(60):02d}Z,INFO,{email},{ip},{phone}"
        )
        secrets += [email, phone]
    return _doc(rng, index, "log-csv", "\n".join(lines), secrets)


def _repeats(rng: random.Random, index: int) -> LeakDoc:
    sentence, secrets = _name_sentence(rng)
    filler, _ = _sentences(rng, 700, 0.0)
    text = f"{sentence} {filler} Again, {sentence.lower()[:1]}{sentence[1:]} {filler}"
    return _doc(rng, index, "repeats", text, secrets)


def _doc(rng: random.Random, index: int, kind: str, text: str, secrets: list[str]) -> LeakDoc:
    if index % 4:  # metadata with PII on every fourth document: each field is a request
        return LeakDoc(f"{kind}-{index}", kind, text, tuple(dict.fromkeys(secrets)))
    author = rng.choice(_NON_ASCII + _INITIALLED)
    email = rng.choice(_EMAILS)
    metadata = {"author": author, "source": f"crm/{email}/export.csv", "page": "3"}
    return LeakDoc(
        id=f"{kind}-{index}",
        kind=kind,
        text=text,
        secrets=tuple(dict.fromkeys(secrets)),
        metadata=metadata,
        metadata_secrets=(*_parts(author), email),
    )


def adversarial_corpus(size: int = 2_000, seed: int = 12) -> list[LeakDoc]:
    """``size`` documents of every kind (about 8% of them 5,000+ characters long)."""
    rng = random.Random(seed)
    docs: list[LeakDoc] = []
    for index in range(size):
        slot = index % 25
        if slot == 0:
            docs.append(_long_sentence(rng, index))
        elif slot == 1:
            docs.append(_log(rng, index))
        elif slot in (2, 3, 4):
            docs.append(_repeats(rng, index))
        elif slot < 15:
            docs.append(_cut_sweep(rng, index, offset=(index * 13) % 2000))
        else:
            docs.append(_prose(rng, index))
    return docs


def leaked(text: str, secrets: Iterable[str]) -> list[str]:
    """The secrets still present in ``text`` (name parts as whole words)."""
    return [s for s in secrets if re.search(rf"(?<!\w){re.escape(s)}(?!\w)", text)]


def leak_counts(docs: Sequence[LeakDoc], outputs: dict[str, str]) -> Counter[str]:
    """Leaked secrets per document kind (documents that failed closed are absent)."""
    counts: Counter[str] = Counter()
    for doc in docs:
        if doc.id in outputs:
            counts[doc.kind] += len(leaked(outputs[doc.id], doc.secrets))
    return counts
