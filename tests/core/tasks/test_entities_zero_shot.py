"""The entities and zero-shot core tasks: pure parts (planning, parsing, merging)."""

from __future__ import annotations

import itertools

import pytest

from zerogpu_core.tasks import TaskOutputError, TextChunk
from zerogpu_core.tasks.entities import (
    EntitiesOptions,
    EntitiesResult,
    EntitiesTask,
    Entity,
    locate_spans,
    merge_entities,
    parse_entities,
)
from zerogpu_core.tasks.zero_shot import (
    ZeroShotOptions,
    ZeroShotTask,
    combine_scores,
    parse_scores,
    zero_shot_request,
)

LABELS = ("person", "company")


def test_locate_spans_whole_words_whitespace_and_case() -> None:
    text = "Go to Google.\nAcme\n Corp hired ACME corp staff."
    assert locate_spans(text, "Go") == [(0, 2)]  # not inside "Google"
    assert locate_spans(text, "Acme Corp") == [(14, 24)]  # exact case first
    assert locate_spans(text, "acme corp") == [(14, 24), (31, 40)]  # else any case
    assert locate_spans(text, "Nobody") == []


def test_parse_entities_offsets_labels_and_unlocated() -> None:
    chunk = TextChunk(100, "Jane Doe met Jane Doe at Acme.")
    payload = {"entities": {"Person": ["Jane Doe"], "company": ["Acme", "Initech"]}}
    result = parse_entities(payload, chunk, LABELS)
    assert [e.to_json() for e in result.entities] == [
        {"label": "person", "text": "Jane Doe", "start": 100, "end": 108},
        {"label": "person", "text": "Jane Doe", "start": 113, "end": 121},
        {"label": "company", "text": "Acme", "start": 125, "end": 129},
    ]
    assert result.unlocated == (("company", "Initech"),)


@pytest.mark.parametrize("payload", [{"entities": ["x"]}, {"entities": {"person": "Jane"}}])
def test_parse_entities_refuses_other_shapes(payload: dict[str, object]) -> None:
    with pytest.raises(TaskOutputError, match="labels to lists"):
        parse_entities(payload, TextChunk(0, "Jane"), LABELS)


def test_merge_dedupes_overlap_and_drops_cut_spans() -> None:
    whole = Entity(10, 20, "person", "John Smith")
    cut = Entity(10, 14, "person", "John")
    other = Entity(10, 14, "first name", "John")
    first = EntitiesResult("", (cut, Entity(0, 4, "company", "Acme")), (("company", "Acme"),), 1)
    second = EntitiesResult("", (whole, other), (("company", "Initech"),), 1)
    merged = merge_entities([first, second, EntitiesResult("", (whole,), (), 1)], model="m")
    assert merged.entities == (Entity(0, 4, "company", "Acme"), other, whole)
    assert merged.unlocated == (("company", "Initech"),)
    assert merged.chunks == 3
    assert merged.by_label == {
        "company": ["Acme"],
        "first name": ["John"],
        "person": ["John Smith"],
    }


def test_entities_windows_overlap_and_request_shape() -> None:
    task = EntitiesTask(EntitiesOptions(LABELS, threshold=0.3))
    windows = task.plan("Jane Doe works at Acme. " * 200)
    assert len(windows) > 1
    assert all(a.end > b.start for a, b in itertools.pairwise(windows))
    body = task.request(windows[0])
    assert body["metadata"] == {"usecase": "ner", "labels": list(LABELS), "threshold": 0.3}
    assert body["messages"] == [{"role": "user", "content": windows[0].text}]
    assert task.plan("   ") == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"labels": ()}, "at least one label"),
        ({"labels": "person"}, "list of strings"),
        ({"labels": LABELS, "threshold": 2}, "between 0 and 1"),
        ({"labels": LABELS, "max_chunk_tokens": 100}, "at least 400"),
        ({"labels": LABELS, "model": "bge-small-en-v1.5"}, "entity extraction"),
    ],
)
def test_entities_options_refuse_bad_input(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        EntitiesOptions(**kwargs)  # type: ignore[arg-type]


def test_parse_scores_maps_case_and_fills_missing() -> None:
    labels = ("Sports", "Finance", "Tech")
    assert parse_scores({"sports": 0.75, "FINANCE": 0.25}, labels) == {
        "Sports": 0.75,
        "Finance": 0.25,
        "Tech": 0.0,
    }
    with pytest.raises(TaskOutputError, match="not asked for"):
        parse_scores({"weather": 1.0}, labels)
    with pytest.raises(TaskOutputError, match="not a number"):
        parse_scores({"sports": "high"}, labels)


def test_combine_scores_weights_by_chunk_length() -> None:
    jobs = [TextChunk(0, "a" * 300), TextChunk(300, "b" * 100)]
    result = combine_scores(jobs, [{"x": 1.0, "y": 0.0}, {"x": 0.0, "y": 1.0}], model="m")
    assert result.scores == (("x", 0.75), ("y", 0.25))
    assert result.label == "x"
    assert result.to_metadata() == {
        "label": "x",
        "scores": {"x": 0.75, "y": 0.25},
        "model": "m",
        "chunks": 2,
    }
    assert combine_scores([], [], model="m").label is None


def test_zero_shot_chunks_and_chat_body() -> None:
    task = ZeroShotTask(ZeroShotOptions(("sports", "finance")))
    chunks = task.plan("The match ended in a draw. " * 200)
    assert len(chunks) > 1
    assert "".join(c.text for c in chunks) == "The match ended in a draw. " * 200
    assert task.request(chunks[0])["categories"] == ["sports", "finance"]


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ([f"l{i}" for i in range(11)], "at most 10 labels, got 11"),
        (["Sports", "sports "], "distinct ignoring letter case"),
        ([], "at least one label"),
    ],
)
def test_zero_shot_labels_checked_before_sending(labels: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ZeroShotOptions(tuple(labels))
    with pytest.raises(ValueError, match=message):
        zero_shot_request("text", labels)
