"""The benchmark corpus: deterministic documents with ids and PII."""

from __future__ import annotations

from langchain_core.documents import Document

__all__ = ["corpus"]

_TOPICS = (
    "The new smartphone review covers battery life, the camera and the price.",
    "A slow-cooked beef stew recipe with carrots, thyme and red wine.",
    "Stock markets rallied after the central bank held interest rates steady.",
    "The home team won the championship final in extra time last night.",
    "A guide to planning a week of hiking in the Scottish Highlands.",
    "Researchers published a study on sleep and heart health in adults.",
)
_PEOPLE = ("Jane Doe", "Omar Haddad", "Li Wei", "Maria Garcia", "Tom Becker")


def corpus(size: int) -> list[Document]:
    """``size`` deterministic documents (~250 characters, one request each), with ids
    and PII: a name, an email address and a phone number."""
    documents = []
    for i in range(size):
        person = _PEOPLE[i % len(_PEOPLE)]
        email = person.lower().replace(" ", ".") + f"{i}@example.com"
        text = (
            f"{_TOPICS[i % len(_TOPICS)]} Document {i} was filed by {person}; "
            f"reach them at {email} or +1 415 555 {i % 10000:04d}. "
            f"{_TOPICS[(i * 7 + 3) % len(_TOPICS)]}"
        )
        documents.append(Document(page_content=text, id=f"doc-{i}", metadata={"n": i}))
    return documents
