"""Small built-in word lists and patterns behind the rule-based task models."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

__all__ = [
    "ADDRESS",
    "COMPANIES",
    "EMAIL",
    "FAMILY_FIRST",
    "FIRST_NAMES",
    "JOB_TITLE",
    "LAST_NAMES",
    "LOCATIONS",
    "PERSON",
    "PHONE",
    "TERMS",
    "URL_HANDLE",
    "count_keywords",
    "find_terms",
    "fold",
    "top_words",
]


def _words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES = frozenset(
    _words(
        "James John Robert Michael William David Richard Joseph Thomas Charles Daniel Matthew "
        "Anthony Mark Steven Paul Andrew Joshua Kevin Brian George Edward Peter Alex Sam Tom "
        "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Nancy Lisa "
        "Emily Emma Olivia Sophia Anna Jane Maria Laura Julia Alice Grace Chloe Hannah Priya "
        "Jean Pierre Marie Camille Louis Hans Klaus Jürgen Stefan Lukas Sofia Lucia Carlos Juan "
        "José Miguel Pedro Ana Giulia Marco Luca Francesco João Beatriz Ahmed Wei Yuki "
        "Zoë Søren Łukasz Ærin Björn Jürgen Agnieszka Małgorzata Ines Inés Fatima Omar "
        "Aisha Mohammed Ravi Arjun Ananya Olga Ivan Dmitri Kenji Hiroshi Sakura Mei"
    )
)

LAST_NAMES = frozenset(
    _words(
        "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez "
        "Lopez Gonzalez Wilson Anderson Taylor Moore Jackson Thompson White Harris Clark Lewis "
        "Walker Hall Young King Wright Scott Green Baker Adams Nelson Hill Doe Roe Okafor "
        "Müller Schmidt Schneider Fischer Weber Dubois Durand Moreau Rossi Russo Bianchi Silva "
        "Santos Costa Pereira Fernandez Sanchez Nguyen Chen Wang Kim Patel Singh Novak "
        "Kowalski Nowak Wójcik Lindqvist Johansson Haddad Tanaka Sato Suzuki Ivanov"
    )
)

#: Family names written first (Chinese, Vietnamese, Korean order): "Li Wei".
FAMILY_FIRST = frozenset(
    _words(
        "Li Wang Zhang Liu Chen Yang Zhao Huang Zhou Wu Xu Sun Zhu Hu Guo Lin Gao Luo "
        "Nguyen Tran Pham Hoang Vu Kim Park Choi"
    )
)

# Upper- and lower-case letters of the Latin scripts (ASCII, Latin-1, Extended-A/B).
_UPPER = "".join(c for c in map(chr, range(0x41, 0x250)) if c.isupper())
_LOWER = "".join(c for c in map(chr, range(0x61, 0x250)) if c.islower())
# A capitalised word: "Smith", "Jean-Pierre", "O'Brien".
_CAP = (
    rf"(?:[{_UPPER}][{_LOWER}]+(?:['’-][{_UPPER}]?[{_LOWER}]+)*"
    rf"|[{_UPPER}]['’][{_UPPER}][{_LOWER}]+)"
)
_FIRST = "|".join(sorted(FIRST_NAMES, key=len, reverse=True))
_LAST = "|".join(sorted(LAST_NAMES, key=len, reverse=True))
_FAMILY_FIRST = "|".join(sorted(FAMILY_FIRST, key=len, reverse=True))
_GREETINGS = "Hello|Hi|Hey|Dear|Contact|Call|Email|Thanks|Regards|From|To|The|This|Ask"
_TITLE = r"(?:Mr|Mrs|Ms|Mx|Dr|Prof|Sir|Dame)\.?"
_NON_ASCII_CAP = rf"[{_UPPER}][{_LOWER}'’-]*[^\x00-\x7f\s][{_LOWER}'’-]*"
# Names never span lines, so only spaces separate their parts.
PERSON = re.compile(
    rf"\b(?:(?:{_FIRST})(?: +[A-Z]\.)?(?: +{_CAP}){{1,2}}"
    rf"|{_TITLE} +(?:[A-Z]\. +)*{_CAP}(?: +{_CAP})?"
    rf"|(?<![.\w])(?:[A-Z]\. +){{1,3}}{_CAP}"
    rf"|(?:{_FAMILY_FIRST})(?: +{_CAP}){{1,2}}"
    rf"|(?:{_NON_ASCII_CAP}|{_CAP}) +{_NON_ASCII_CAP}|{_NON_ASCII_CAP} +{_CAP}"
    rf"|(?!(?:{_GREETINGS})\b){_CAP} +(?:{_LAST}))(?![{_LOWER}{_UPPER}])"
)
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")
PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?!\w)"
    r"|(?<![\w+])\+\d{2}(?:[\s-]\d{2,4}){3,4}(?!\w)"
)
_STREET = r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Way|Court|Ct)"
ADDRESS = re.compile(
    rf"\b\d{{1,5}}(?: +{_CAP}){{1,3}} +{_STREET}\.?"
    r"(?:,\s*(?:Apt|Suite|Unit)\s*[\w-]+)?"
    rf"(?:,\s*{_CAP}(?:\s+{_CAP})*)?(?:,\s*[A-Z]{{2}})?(?:\s+\d{{5}})?"
)
URL_HANDLE = re.compile(
    r"\b(?:https?://)?(?:www\.)?(?:linkedin\.com/in|github\.com|twitter\.com|x\.com)/[\w.-]+"
    r"|(?<![\w.])@[A-Za-z_][\w]{2,30}\b"
)
JOB_TITLE = re.compile(
    r"\b(?:(?:Senior|Junior|Lead|Principal|Staff|Chief)\s+)?(?:Software|Data|Product|Project"
    r"|Marketing|Sales|Account|Engineering|Research)?\s?(?:Engineer|Manager|Scientist|Analyst"
    r"|Designer|Director|Developer|Architect|Officer)\b"
)


def _items(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split(",") if item.strip())


# Term lists for NER-style labels; a trailing version number joins the term.
TERMS: dict[str, tuple[str, ...]] = {
    "programming language": _items(
        "Python, JavaScript, TypeScript, Java, Go, Rust, C++, C#, Ruby, Kotlin, Swift, Scala,"
        " PHP, SQL"
    ),
    "database": _items(
        "PostgreSQL, MySQL, SQLite, MongoDB, Redis, Cassandra, DynamoDB, Elasticsearch, Oracle"
    ),
    "technology": _items(
        "Kubernetes, Docker, gRPC, React, AWS, GCP, Azure, Kafka, Spark, Terraform, Linux,"
        " Git, GraphQL, TensorFlow, PyTorch"
    ),
    "protocol": _items("gRPC, HTTP, HTTPS, TCP, UDP, REST, WebSocket, MQTT, SMTP"),
}
TERMS["skill"] = tuple(
    dict.fromkeys(TERMS["programming language"] + TERMS["database"] + TERMS["technology"])
)
COMPANIES = _items(
    "Acme Corp, Google, Apple, Amazon, Microsoft, Meta, NVIDIA, Intel, Samsung, TSMC, Stripe,"
    " Airbnb, Twilio, OpenAI, IBM, Netflix, Tesla"
)
LOCATIONS = _items(
    "San Francisco, New York, Los Angeles, London, Paris, Berlin, Madrid, Rome, Tokyo, Austin,"
    " Seattle, Chicago, Boston, California, Texas, Illinois, Urbana, Arizona, Ohio, Idaho,"
    " Taiwan, China, Japan, Europe, United States, Germany, France, Spain, Italy"
)


@lru_cache(maxsize=64)
def _terms_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    # One pass for all terms; longer terms first so "Acme Corp" wins over a prefix.
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<![\w+#])(?:{alternatives})(?:\s+\d+(?:\.\d+)*)?(?![\w+#])")


def find_terms(text: str, terms: tuple[str, ...]) -> list[tuple[int, int, str]]:
    """Spans ``(start, end, text)`` of ``terms`` in ``text``, with trailing versions."""
    return [(m.start(), m.end(), m.group(0)) for m in _terms_pattern(terms).finditer(text)]


_STOPWORDS = frozenset(
    _words(
        "about after again also because been before being between both could does doing during "
        "each from further have having here into itself just more most much only other over "
        "same should some such than that their them then there these they this those through "
        "under until very were what when where which while will with would your yours every "
        "many like make made often first last next another itself seamlessly para como pero "
        "porque sobre entre desde hasta donde cuando puede todos todas esta este estos estas "
        "tiene tienen mejores cosas dans avec pour sont leur nous vous mais"
    )
)


def fold(text: str) -> str:
    """Lower-case ``text`` and strip accents so keywords match in any language."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=256)
def _keyword_pattern(keywords: tuple[str, ...]) -> re.Pattern[str]:
    folded = sorted({fold(k) for k in keywords if k}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, folded)) + r")(?!\w)")


def count_keywords(folded: str, keywords: tuple[str, ...]) -> int:
    """How many times ``keywords`` occur as whole words in already folded text."""
    return len(_keyword_pattern(keywords).findall(folded))


def top_words(text: str, limit: int = 10) -> list[str]:
    """The most frequent content words of ``text`` (first occurrence breaks ties)."""
    words = [w for w in re.findall(r"[^\W\d_]{4,}", text.lower()) if w not in _STOPWORDS]
    counts = Counter(words)
    order = {w: i for i, w in reversed(list(enumerate(words)))}
    return sorted(counts, key=lambda w: (-counts[w], order[w]))[:limit]
