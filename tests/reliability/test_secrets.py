"""The API key never shows: repr, str, DEBUG logs, errors, validation errors, dumpd,
to_dict, cassettes. Every object is checked after it has made a call, when it holds
clients. Pickles carry it (process-to-process transport), still as a ``SecretStr``."""

from __future__ import annotations

import json
import logging
import pickle
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import vcr
from langchain_core.documents import Document
from langchain_core.load import dumpd, dumps
from llama_index.core import Document as LlamaDocument
from llama_index.core.base.llms.types import ChatMessage
from llama_index.core.ingestion import IngestionCache, IngestionPipeline
from llama_index.core.query_engine import CustomQueryEngine
from llama_index.core.schema import NodeWithScore, TextNode
from pydantic import SecretStr, ValidationError

from langchain_zerogpu import (
    ChatZeroGPU,
    ZeroGPUEmbeddings,
    ZeroGPUIABClassifier,
    ZeroGPUModerationTagger,
    ZeroGPUPIIRedactor,
)
from langchain_zerogpu.document_transformers import ZeroGPUPIIDetector
from llama_index_zerogpu import (
    ZeroGPU,
    ZeroGPUEmbedding,
    ZeroGPUIABExtractor,
    ZeroGPUModeratedQueryEngine,
    ZeroGPUModerationPostprocessor,
    ZeroGPUPIINodePostprocessor,
    ZeroGPUToolSpec,
)
from llama_index_zerogpu import ZeroGPUPIIRedactor as LlamaPIIRedactor
from tests.conftest import zerogpu_body_matcher
from tests.test_cassette_hygiene import leaks
from zerogpu_core import (
    AsyncZeroGPUClient,
    InvalidAPIKeyError,
    MissingAPIKeyError,
    PermissionDeniedError,
    ZeroGPUClient,
    ZeroGPUError,
)
from zerogpu_core.emulator import Emulator, Fault

pytestmark = pytest.mark.emulator

SECRET = "zgpu-api-RELIABILITY-secret-0042"
MODEL = "LFM2.5-1.2B-Instruct"


@pytest.fixture
def secret_emulator() -> Iterator[Emulator]:
    with Emulator(api_key=SECRET) as emu:
        yield emu


class _Echo(CustomQueryEngine):
    """A query engine answering its query (the guarded engine in these tests)."""

    def custom_query(self, query_str: str) -> str:
        return query_str


def _used_objects(emu: Emulator, key: str | None = SECRET) -> dict[str, Any]:
    """Every public object holding a key, each after one successful call."""
    kw: dict[str, Any] = {"base_url": emu.base_url}
    if key is not None:
        kw["api_key"] = key
    doc, node = Document("Mail jane@example.com"), TextNode(text="Mail jane@example.com")
    objects: dict[str, tuple[Any, Callable[[Any], Any]]] = {
        "ChatZeroGPU": (ChatZeroGPU(model=MODEL, **kw), lambda o: o.invoke("Hi")),
        "ZeroGPUEmbeddings": (ZeroGPUEmbeddings(**kw), lambda o: o.embed_query("Hi")),
        "ZeroGPUIABClassifier": (
            ZeroGPUIABClassifier(**kw),
            lambda o: o.transform_documents([doc]),
        ),
        "ZeroGPUPIIRedactor": (ZeroGPUPIIRedactor(**kw), lambda o: o.transform_documents([doc])),
        "ZeroGPUPIIDetector": (ZeroGPUPIIDetector(**kw), lambda o: o("Mail jane@example.com")),
        "llama ZeroGPU": (
            ZeroGPU(model=MODEL, **kw),
            lambda o: o.chat([ChatMessage(role="user", content="Hi")]),
        ),
        "llama ZeroGPUEmbedding": (ZeroGPUEmbedding(**kw), lambda o: o.get_text_embedding("Hi")),
        "llama ZeroGPUIABExtractor": (ZeroGPUIABExtractor(**kw), lambda o: o.extract([node])),
        "llama ZeroGPUPIIRedactor": (LlamaPIIRedactor(**kw), lambda o: o([node])),
        "llama ZeroGPUPIINodePostprocessor": (
            ZeroGPUPIINodePostprocessor(**kw),
            lambda o: o.postprocess_nodes([NodeWithScore(node=node, score=1.0)]),
        ),
        "ZeroGPUModerationTagger": (
            ZeroGPUModerationTagger(**kw),
            lambda o: o.transform_documents([doc]),
        ),
        "llama ZeroGPUModerationPostprocessor": (
            ZeroGPUModerationPostprocessor(**kw),
            lambda o: o.postprocess_nodes([NodeWithScore(node=node, score=1.0)]),
        ),
        "llama ZeroGPUModeratedQueryEngine": (
            ZeroGPUModeratedQueryEngine(query_engine=_Echo(), **kw),
            lambda o: o.query("Hi"),
        ),
        "llama ZeroGPUToolSpec": (
            ZeroGPUToolSpec(**kw),
            lambda o: o.moderate_text("Hi"),
        ),
    }
    for instance, use in objects.values():
        use(instance)
    return {name: instance for name, (instance, _) in objects.items()}


def test_framework_objects_never_show_the_key(secret_emulator: Emulator) -> None:
    shown: dict[str, list[str]] = {}
    for name, instance in _used_objects(secret_emulator).items():
        texts = {
            "repr": repr(instance),
            "str": str(instance),
            "dumpd": json.dumps(dumpd(instance), default=str),
            "dumps": dumps(instance),
            "unpickled repr": repr(pickle.loads(pickle.dumps(instance))),
        }
        if hasattr(instance, "to_dict"):
            texts["to_dict"] = json.dumps(instance.to_dict(), default=str)
            texts["to_json"] = instance.to_json()
        shown[name] = [where for where, text in texts.items() if SECRET in text]
    assert shown == {name: [] for name in shown}


def test_pickles_carry_the_key_as_a_secret(
    secret_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A pickle is how worker processes get their copy: with api_key= passed explicitly
    # and no ZEROGPU_API_KEY anywhere, the copy must still work.
    objects = _used_objects(secret_emulator)
    monkeypatch.delenv("ZEROGPU_API_KEY", raising=False)
    copies = {name: pickle.loads(pickle.dumps(instance)) for name, instance in objects.items()}
    for name, copy in copies.items():
        assert isinstance(copy.api_key, SecretStr), name
        assert copy.api_key.get_secret_value() == SECRET, name
        assert SECRET not in repr(copy), name
    redactor = copies["llama ZeroGPUPIIRedactor"]
    assert "[EMAIL]" in redactor([TextNode(text="Mail jane@example.com")])[0].get_content()
    assert "[emulated]" in str(copies["ChatZeroGPU"].invoke("Hi").content)
    assert len(copies["ZeroGPUEmbeddings"].embed_query("Hi")) == 384


@pytest.mark.parametrize("where", ["argument", "environment"])
@pytest.mark.parametrize("padding", ["\n", "\r\n", "  ", "\t"])
def test_keys_with_surrounding_whitespace_work_everywhere(
    secret_emulator: Emulator, monkeypatch: pytest.MonkeyPatch, where: str, padding: str
) -> None:
    # Keys read from a file or a secret mount end in a newline; h11 refuses such a
    # header and its error quoted the whole key.
    padded = padding + SECRET + padding
    monkeypatch.delenv("ZEROGPU_API_KEY", raising=False)
    if where == "environment":
        monkeypatch.setenv("ZEROGPU_API_KEY", padded)
    objects = _used_objects(secret_emulator, padded if where == "argument" else None)
    assert len(objects) == 14
    sent = {r.headers["x-api-key"] for r in secret_emulator.requests}
    assert sent == {"***"}  # every request authenticated (the log masks the key)


@pytest.mark.parametrize("bad", ["zgpu-in\nside", "zgpu-\x00nul", "zgpu-caf\u00e9", "zgpu-a\rb"])
def test_an_invalid_key_fails_before_any_request_without_showing_it(
    secret_emulator: Emulator, caplog: pytest.LogCaptureFixture, bad: str
) -> None:
    caplog.set_level(logging.DEBUG)
    key = bad + SECRET
    llm = ChatZeroGPU(model=MODEL, base_url=secret_emulator.base_url, api_key=key, max_retries=2)
    started = time.monotonic()
    with pytest.raises(InvalidAPIKeyError) as caught:
        llm.invoke("Hi")
    assert time.monotonic() - started < 0.5  # no backoff: nothing to retry
    client = ZeroGPUClient(base_url=secret_emulator.base_url, api_key=key)
    with pytest.raises(InvalidAPIKeyError):
        client.create_embeddings(model="bge-small-en-v1.5", input="Hi")
    assert secret_emulator.requests == []
    assert "ZEROGPU_API_KEY" in str(caught.value)
    for text in (str(caught.value), repr(caught.value), caplog.text):
        assert SECRET not in text
        assert "Retrying" not in text


def test_an_invalid_header_is_never_retried_or_quoted(secret_emulator: Emulator) -> None:
    client = ZeroGPUClient(
        base_url=secret_emulator.base_url,
        api_key=SECRET,
        default_headers={"x-trace": "token-" + SECRET + "\n"},
    )
    started = time.monotonic()
    with pytest.raises(ZeroGPUError) as caught:
        client.create_embeddings(model="bge-small-en-v1.5", input="Hi")
    assert time.monotonic() - started < 0.5
    assert type(caught.value).__name__ == "InvalidHeaderError"
    assert SECRET not in str(caught.value)
    assert secret_emulator.requests == []


def _public_constructors() -> dict[str, Callable[..., Any]]:
    return {
        "ChatZeroGPU": ChatZeroGPU,
        "ZeroGPUEmbeddings": ZeroGPUEmbeddings,
        "ZeroGPUIABClassifier": ZeroGPUIABClassifier,
        "ZeroGPUPIIRedactor": ZeroGPUPIIRedactor,
        "ZeroGPUPIIDetector": ZeroGPUPIIDetector,
        "llama ZeroGPU": ZeroGPU,
        "llama ZeroGPUEmbedding": ZeroGPUEmbedding,
        "llama ZeroGPUIABExtractor": ZeroGPUIABExtractor,
        "llama ZeroGPUPIIRedactor": LlamaPIIRedactor,
        "llama ZeroGPUPIINodePostprocessor": ZeroGPUPIINodePostprocessor,
        "ZeroGPUModerationTagger": ZeroGPUModerationTagger,
        "llama ZeroGPUModerationPostprocessor": ZeroGPUModerationPostprocessor,
    }


def _validation_texts(error: ValidationError) -> list[str]:
    return [str(error), repr(error), error.json(), repr(error.errors()), repr(vars(error))]


@pytest.mark.parametrize("name", list(_public_constructors()))
@pytest.mark.parametrize("bad", ["wrong model kind", "bad timeout"])
def test_validation_errors_never_echo_the_key(name: str, bad: str) -> None:
    cls = _public_constructors()[name]
    assert cls.model_config.get("hide_input_in_errors") is True
    model_field = "model_name" if name == "llama ZeroGPUEmbedding" else "model"
    wrong_kind = "gpt-oss-120b" if "Embedding" in name else "bge-small-en-v1.5"
    kwargs = {model_field: wrong_kind} if bad == "wrong model kind" else {"timeout": "soon"}
    with pytest.raises(ValidationError) as caught:
        cls(api_key=SECRET, **kwargs)
    assert caught.value.__context__ is None  # the original error quoted the input
    texts = _validation_texts(caught.value)
    assert not [text for text in texts if SECRET in text or SECRET[-12:] in text]


def test_validation_errors_never_echo_a_prompt(secret_emulator: Emulator) -> None:
    prompt = "x" * 131_072 + " Call Jane Doe on +1 415 555 0142 or jane@example.com"
    client = ZeroGPUClient(base_url=secret_emulator.base_url, api_key=SECRET)
    llm = ChatZeroGPU(model=MODEL, base_url=secret_emulator.base_url, api_key=SECRET)
    errors: list[ValueError] = []
    for call in (
        lambda: client.chat_completion(model=MODEL, messages=[{"role": "user", "content": prompt}]),
        lambda: client.create_response(model=MODEL, input=prompt),
        lambda: llm.invoke(prompt),
    ):
        # Request bodies are checked field by field: the message names the field and
        # the rule, and no exception in the chain keeps the prompt.
        with pytest.raises(ValueError, match=r"131,?072") as caught:
            call()
        errors.append(caught.value)
    for error in errors:
        assert "131072" in str(error).replace(",", "")  # the message still says why
        chained = error.__cause__ or error.__context__
        assert chained is None or not isinstance(chained, ValidationError)
        texts = (
            _validation_texts(error)
            if isinstance(error, ValidationError)
            else [str(error), repr(error), repr(error.args), repr(vars(error))]
        )
        for text in texts:
            assert "jane@example.com" not in text
            assert "555 0142" not in text
    assert secret_emulator.requests == []


def test_core_clients_never_show_the_key(secret_emulator: Emulator) -> None:
    for client in (
        ZeroGPUClient(base_url=secret_emulator.base_url, api_key=SECRET),
        AsyncZeroGPUClient(base_url=secret_emulator.base_url, api_key=SECRET),
    ):
        assert SECRET not in repr(client)
        assert SECRET not in str(client)
        assert SECRET not in repr(client.settings)


def test_debug_logs_never_show_the_key(
    secret_emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret_emulator.faults.add(Fault(status=429, headers={"Retry-After": "0"}))
    secret_emulator.faults.add(Fault(status=500, headers={"Retry-After": "0"}))
    _used_objects(secret_emulator)
    llm = ChatZeroGPU(model=MODEL, base_url=secret_emulator.base_url, api_key=SECRET)
    list(llm.stream("Hi"))
    secret_emulator.faults.add(Fault(status=401))
    with pytest.raises(ZeroGPUError):
        llm.invoke("Hi")
    assert any(r.levelno == logging.DEBUG for r in caplog.records)
    assert any("Retrying" in r.getMessage() for r in caplog.records)
    assert SECRET not in caplog.text
    assert not any(SECRET in repr(r.args) for r in caplog.records)


def test_errors_never_show_the_key(secret_emulator: Emulator) -> None:
    wrong = SECRET + "-wrong"
    llm = ChatZeroGPU(model=MODEL, base_url=secret_emulator.base_url, api_key=wrong)
    with pytest.raises(PermissionDeniedError) as caught:
        llm.invoke("Hi")
    for text in (str(caught.value), repr(caught.value), repr(vars(caught.value))):
        assert SECRET not in text
    with pytest.raises(MissingAPIKeyError) as missing:
        ZeroGPUClient(base_url=secret_emulator.base_url, api_key="").chat_completion(
            model=MODEL, messages=[{"role": "user", "content": "Hi"}]
        )
    assert "ZEROGPU_API_KEY" in str(missing.value)


def test_recorded_cassettes_never_hold_the_key(
    secret_emulator: Emulator, tmp_path: Path, vcr_config: dict[str, Any]
) -> None:
    options = {k: v for k, v in vcr_config.items() if k != "allowed_hosts"}
    recorder = vcr.VCR(record_mode="all", **options)
    recorder.register_matcher("zerogpu_body", zerogpu_body_matcher)
    cassette = tmp_path / "secret.yaml"
    with recorder.use_cassette(str(cassette)):
        _used_objects(secret_emulator)
    text = cassette.read_text()
    assert text.count("- request:") >= 10  # every object's call was recorded
    assert "x-zerogpu-emulator" in text
    assert SECRET not in text
    assert leaks(text) == []


def test_stored_forms_never_hold_the_key(secret_emulator: Emulator, tmp_path: Path) -> None:
    # Batch state files and the ingestion cache are written to disk for later runs.
    state = tmp_path / "job.json"
    kw: dict[str, Any] = {"base_url": secret_emulator.base_url, "api_key": SECRET}
    redactor = ZeroGPUPIIRedactor(
        mode="batch", batch_state_path=state, batch_poll_interval=0.01, **kw
    )
    assert redactor.transform_documents([Document("Mail jane@example.com")])
    assert SECRET not in state.read_text()
    cache = IngestionCache()
    pipeline = IngestionPipeline(transformations=[LlamaPIIRedactor(**kw)], cache=cache)
    pipeline.run(documents=[LlamaDocument(text="Mail jane@example.com")])
    cache.persist(str(tmp_path / "cache.json"))
    pipeline.persist(str(tmp_path / "pipeline"))
    stored = [p.read_text() for p in tmp_path.rglob("*") if p.is_file()]
    assert len(stored) >= 3
    assert not [text for text in stored if SECRET in text]
