"""The API key never shows: repr, str, DEBUG logs, errors, dumpd, to_dict, pickles,
cassettes. Every object is checked after it has made a call, when it holds clients."""

from __future__ import annotations

import json
import logging
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import vcr
from langchain_core.documents import Document
from langchain_core.load import dumpd, dumps
from llama_index.core.base.llms.types import ChatMessage
from llama_index.core.schema import NodeWithScore, TextNode

from langchain_zerogpu import (
    ChatZeroGPU,
    ZeroGPUEmbeddings,
    ZeroGPUIABClassifier,
    ZeroGPUPIIRedactor,
)
from langchain_zerogpu.document_transformers import ZeroGPUPIIDetector
from llama_index_zerogpu import (
    ZeroGPU,
    ZeroGPUEmbedding,
    ZeroGPUIABExtractor,
    ZeroGPUPIINodePostprocessor,
)
from llama_index_zerogpu import ZeroGPUPIIRedactor as LlamaPIIRedactor
from tests.conftest import zerogpu_body_matcher
from tests.test_cassette_hygiene import leaks
from zerogpu_core import (
    AsyncZeroGPUClient,
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


def _used_objects(emu: Emulator) -> dict[str, Any]:
    """Every public object holding a key, each after one successful call."""
    kw: dict[str, Any] = {"base_url": emu.base_url, "api_key": SECRET}
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
            "pickle": pickle.dumps(instance).decode("latin-1"),
        }
        if hasattr(instance, "to_dict"):
            texts["to_dict"] = json.dumps(instance.to_dict(), default=str)
            texts["to_json"] = instance.to_json()
        shown[name] = [where for where, text in texts.items() if SECRET in text]
    assert shown == {name: [] for name in shown}


def test_unpickled_objects_still_work_from_the_environment(
    secret_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Keeping the key out of pickles must not break multi-process pipelines.
    monkeypatch.setenv("ZEROGPU_API_KEY", SECRET)
    objects = _used_objects(secret_emulator)
    redactor = pickle.loads(pickle.dumps(objects["llama ZeroGPUPIIRedactor"]))
    assert "[EMAIL]" in redactor([TextNode(text="Mail jane@example.com")])[0].get_content()
    chat = pickle.loads(pickle.dumps(objects["ChatZeroGPU"]))
    assert "[emulated]" in str(chat.invoke("Hi").content)


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
