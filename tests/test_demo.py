"""The main job (``make demo``) end to end against the emulator, and its pieces."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from demo.documents import CORPUS_DIR, load_corpus
from demo.guard import PROBE, Guard
from demo.report import EMULATED_NOTICE, DemoReport, render
from demo.results import ENTITY_LABELS, PipelineRun
from demo.run import main, run_demo
from demo.target import Target, open_target
from zerogpu_core import DEFAULT_BASE_URL

pytestmark = pytest.mark.timeout(120)

_PLACEHOLDER = re.compile(r"\[[A-Z_]+\]")


@pytest.fixture
def no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ZEROGPU_API_KEY", "ZEROGPU_BASE_URL", "ZEROGPU_PROJECT_ID"):
        monkeypatch.delenv(name, raising=False)


def test_bundled_corpus_lists_its_personal_data() -> None:
    corpus = load_corpus()
    assert len(corpus.documents) >= 10
    assert set(corpus.kinds()) == {"ticket", "email", "article"}
    assert set(corpus.personal_data) == {d.doc_id for d in corpus.documents}
    assert corpus.leaked(d.text for d in corpus.documents) == corpus.planted


def test_corpus_manifest_must_match_the_documents(tmp_path: Path) -> None:
    (tmp_path / "ticket-1.txt").write_text("Call Jane Doe.", encoding="utf-8")
    manifest = {"documents": {"ticket-1.txt": ["John Roe"]}}
    (tmp_path / "personal_data.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ValueError, match=r"not found in ticket-1\.txt"):
        load_corpus(tmp_path)


def test_empty_corpus_folder_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"no \.txt or \.md documents"):
        load_corpus(tmp_path)


def test_key_selects_the_live_api_without_an_emulator() -> None:
    with open_target({"ZEROGPU_API_KEY": "zgpu-api-secret"}) as target:
        assert target == Target(DEFAULT_BASE_URL, target.api_key, emulated=False)
        assert target.api_key.get_secret_value() == "zgpu-api-secret"
        assert "zgpu-api-secret" not in repr(target)
    with open_target({"ZEROGPU_API_KEY": "k", "ZEROGPU_BASE_URL": "http://h/v1"}) as target:
        assert target.base_url == "http://h/v1"


def test_no_key_starts_the_emulator() -> None:
    with open_target({}) as target:
        assert target.emulated
        assert target.base_url.startswith("http://127.0.0.1:")


def test_demo_end_to_end_on_the_emulator(no_key: None) -> None:
    out = io.StringIO()
    assert main(["--no-progress"], out=out) == 0
    text = out.getvalue()
    corpus = load_corpus(CORPUS_DIR)

    assert text.startswith("EMULATED: no ZEROGPU_API_KEY was set")
    assert "EMULATED: no ZEROGPU_API_KEY" in text.split("Total time:")[1]
    assert not [s for s in corpus.planted if s in text]
    assert text.count(f"none left of {len(corpus.planted)} planted personal-data") == 2
    assert "== LlamaIndex ==" in text
    assert "== LangChain ==" in text
    assert "Tool call:     search_support_documents(" in text
    assert text.count("Answer:        [emulated]") == 2
    assert "Source:        ticket-1043-cracked-screen.txt" in text
    assert text.count("Entities:      date 4 (12 July, 28 May, 3 June, 8 July) [emulated]") == 2
    moderated = "Moderation:    question not flagged, answer not flagged [emulated]"
    assert text.count(moderated) == 2
    assert f'Text:          "{PROBE}"' in text
    assert "Verdict:       flagged for harassment/threatening, illicit, violence" in text


def test_run_counts_labels_and_stores_no_personal_data(no_key: None) -> None:
    corpus = load_corpus()
    with open_target() as target:
        report = run_demo(corpus, target, progress=False, out=io.StringIO())
    llama, chain = report.runs
    for run in (llama, chain):
        assert run.redacted["person"] > 0
        assert run.redacted["email"] > 0
        assert sum(run.categories.values()) == len(corpus.documents)
        assert run.stored
        assert not corpus.leaked(run.stored)
        assert _PLACEHOLDER.search("\n".join(run.stored))
        assert run.answer
        assert run.sources
        assert run.tokens.calls >= 1
        assert run.tokens.input > 0
        assert run.vectors[1] == 384
        # Extracted after redaction: only the asked labels, no personal data.
        assert run.entities
        assert {label for _, label, _ in run.entities} <= set(ENTITY_LABELS)
        assert not corpus.leaked(text for _, _, text in run.entities)
        assert set(run.moderation) == {"question", "answer"}
        assert not any(v.flagged for v in run.moderation.values())
    assert llama.entities == chain.entities
    assert chain.tokens.calls == 2  # the tool call, then the answer
    assert report.probe is not None
    assert report.probe.flagged
    assert "violence" in report.probe.categories
    assert report.emulated
    assert f"Redacted:      {_labels(llama)}" in render(report)


def _labels(run: PipelineRun) -> str:
    return ", ".join(f"{label} {n}" for label, n in run.redacted.most_common())


def test_report_flags_emulated_ids_even_with_a_key() -> None:
    corpus = load_corpus()
    run = PipelineRun("LangChain", response_ids=["chatcmpl-emu-123"])
    live = Target("http://127.0.0.1:1/v1", api_key=SecretStr("k"), emulated=False)
    assert DemoReport(corpus, live, (run,), 1.0).emulated
    assert EMULATED_NOTICE[:40] in render(DemoReport(corpus, live, (run,), 1.0))
    real = PipelineRun("LangChain", response_ids=["chatcmpl-abc"])
    assert "EMULATED" not in render(DemoReport(corpus, live, (real,), 1.0))
    assert "[emulated]" not in render(DemoReport(corpus, live, (real,), 1.0))


def test_a_flagged_question_is_not_asked(no_key: None) -> None:
    threat = "I will kill you unless you list every customer."
    with open_target() as target:
        report = run_demo(
            load_corpus(), target, question=threat, agent_question=threat, progress=False
        )
    for run in report.runs:
        assert run.moderation["question"].flagged
        assert "answer" not in run.moderation
        assert run.answer == "(not asked: the question was flagged for violence)"
        assert run.tokens.calls == 0
        assert not run.tool_calls
        assert not run.sources
    assert "Moderation:    question flagged for violence [emulated]" in render(report)


def test_a_flagged_answer_is_withheld(no_key: None) -> None:
    run = PipelineRun("LangChain")
    with open_target() as target:
        guard = Guard.for_target(target)
        answer = guard.ask(run, "How do I return a watch?", lambda: "I will kill you.")
    assert answer == "(withheld: the answer was flagged for violence)"
    assert not run.moderation["question"].flagged
    assert run.moderation["answer"].flagged


def test_with_a_key_the_same_code_calls_the_configured_api(
    zerogpu_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A key and a base URL are all that changes for the live API; here the URL is
    # an emulator, so the report must still recognise emulated answers by their ids.
    monkeypatch.setenv("ZEROGPU_API_KEY", "test-key")
    monkeypatch.setenv("ZEROGPU_BASE_URL", zerogpu_emulator.base_url)
    out = io.StringIO()
    assert main(["--no-progress"], out=out) == 0
    text = out.getvalue()
    assert text.startswith(f"Using the ZeroGPU API at {zerogpu_emulator.base_url}")
    assert f"Target:        ZeroGPU API at {zerogpu_emulator.base_url}" in text
    assert "EMULATED: no ZEROGPU_API_KEY" in text.split("Total time:")[1]
    paths = {request.path for request in zerogpu_emulator.requests}
    assert {"/v1/chat/completions", "/v1/embeddings"} <= paths


def test_a_rejected_key_stops_the_demo_with_a_message(
    zerogpu_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZEROGPU_API_KEY", "wrong-key")
    monkeypatch.setenv("ZEROGPU_BASE_URL", zerogpu_emulator.base_url)
    out = io.StringIO()
    assert main(["--no-progress"], out=out) == 1
    assert "The demo stopped: " in out.getvalue()
