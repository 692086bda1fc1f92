"""A document job's custom ids: computed from 8 bytes per document, in memory and in
the state file, never a string per line."""

from __future__ import annotations

import base64
import json
from array import array
from pathlib import Path

import pytest

from zerogpu_core.batch import BatchStateError, load_state, save_state
from zerogpu_core.batch.ids import LineIds, line_id, parse_line_id
from zerogpu_core.batch.job import JobOptions, build_job, check_same_requests
from zerogpu_core.batch.jsonl import make_batch_line
from zerogpu_core.batch.spool import SpooledLines

MODEL = "llama-3.1-8b-instruct-fast"


def _job(ends: list[int]) -> tuple[LineIds, SpooledLines]:
    ids = LineIds(array("q", ends))
    spool = SpooledLines()
    for custom_id in ids:
        body = {"model": MODEL, "messages": [{"role": "user", "content": custom_id}]}
        spool.append(make_batch_line(body, custom_id).encode())
    return ids, spool


def test_line_ids_are_computed_from_where_each_document_ends() -> None:
    ids = LineIds(array("q", [2, 2, 3, 5]))
    expected = ["doc-0-chunk-0", "doc-0-chunk-1", "doc-2-chunk-0", "doc-3-chunk-0", "doc-3-chunk-1"]
    assert list(ids) == expected
    assert ids == expected
    assert (len(ids), ids[-1], ids[1:3]) == (5, "doc-3-chunk-1", expected[1:3])
    assert [parse_line_id(i) for i in ids[:2]] == [(0, 0), (0, 1)]
    assert parse_line_id("request-3") is None
    assert line_id(7, 1) == "doc-7-chunk-1"
    with pytest.raises(IndexError):
        ids[5]


def test_a_document_jobs_state_saves_its_ids_compactly_and_loads_them_back(
    tmp_path: Path,
) -> None:
    ids, spool = _job([1, 3, 3, 4])
    with spool:
        state, _ = build_job(spool, ids, JobOptions())
        assert state.custom_ids is ids  # not copied into a list of strings
        path = tmp_path / "job.json"
        save_state(state, path)
        saved = json.loads(path.read_text())
        assert saved["custom_ids"] == {"document_line_ends": ids.encode()}
        assert "doc-" not in path.read_text()
        loaded = load_state(path)
        assert loaded == state
        assert isinstance(loaded.custom_ids, LineIds)
        assert list(loaded.custom_ids) == list(ids)
        check_same_requests(loaded, ids, spool)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("not base64!", "not base64"),
        (base64.b64encode(b"1234567").decode(), "whole number"),
        (base64.b64encode(array("q", [3, 2]).tobytes()).decode(), "non-decreasing"),
        (base64.b64encode(array("q", [-1]).tobytes()).decode(), "non-negative"),
    ],
)
def test_a_corrupt_compact_id_list_is_refused_naming_the_field(
    tmp_path: Path, value: str, problem: str
) -> None:
    ids, spool = _job([1])
    with spool:
        state, _ = build_job(spool, ids, JobOptions())
    path = tmp_path / "job.json"
    save_state(state, path)
    saved = json.loads(path.read_text())
    saved["custom_ids"] = {"document_line_ends": value}
    path.write_text(json.dumps(saved))
    with pytest.raises(BatchStateError, match=f"custom_ids: .*{problem}"):
        load_state(path)
