"""Spooled batch input: lines on disk in a private temporary file, parts uploaded from
files (flat memory), the files deleted after the upload, also when it fails."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

from zerogpu_core import AsyncZeroGPUClient, InternalServerError, ZeroGPUClient
from zerogpu_core.batch import BatchRunner, SpooledLines, encode_file, make_batch_line, split_lines
from zerogpu_core.emulator import Emulator, Fault
from zerogpu_core.tasks import BatchAPIOptions, redact_pii_documents
from zerogpu_core.types import FileObject

MODEL = "llama-3.1-8b-instruct-fast"


def _lines(count: int) -> list[bytes]:
    body = {"model": MODEL, "messages": [{"role": "user", "content": "Grüße"}]}
    return [make_batch_line(body, f"req-{i}").encode() for i in range(count)]


def _spool(lines: list[bytes]) -> SpooledLines:
    spool = SpooledLines()
    for line in lines:
        spool.append(line)
    return spool


def test_a_spool_reads_back_what_was_written() -> None:
    lines = _lines(5)
    with _spool(lines) as spool:
        assert len(spool) == 5
        assert list(spool) == lines
        assert spool[-1] == lines[4]
        assert spool[1:3] == lines[1:3]
        with pytest.raises(IndexError):
            spool[5]
        content = encode_file(lines[1:4])
        assert spool.digest(1, 4) == (hashlib.sha256(content).hexdigest(), len(content))
        with spool.part_file(1, 4) as part:
            assert part.read() == content
        assert split_lines(spool, max_lines=2) == split_lines(lines, max_lines=2)


def _client(emu: Emulator, **kwargs: Any) -> ZeroGPUClient:
    return ZeroGPUClient(api_key="test-key", base_url=emu.base_url, **kwargs)


class _UploadSpy:
    """Records what each upload was given (and the file's mode and links at the time)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.files: list[Any] = []
        self.modes: list[int] = []
        self.links: list[int] = []
        original = ZeroGPUClient.upload_file

        def spy(client: ZeroGPUClient, *args: Any, **kwargs: Any) -> FileObject:
            file = kwargs["file"]
            self.files.append(file)
            if not isinstance(file, bytes):
                info = os.fstat(file.fileno())
                self.modes.append(stat.S_IMODE(info.st_mode))
                self.links.append(info.st_nlink)
            return original(client, *args, **kwargs)

        monkeypatch.setattr(ZeroGPUClient, "upload_file", spy)


def test_each_part_is_uploaded_from_a_private_temporary_file_then_deleted(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    uploads = _UploadSpy(monkeypatch)
    lines, ids = _lines(5), [f"req-{i}" for i in range(5)]
    runner = BatchRunner(
        _client(emu), state_path=tmp_path / "job.json", poll_interval=0.02, max_lines_per_batch=2
    )
    with _spool(lines) as spool:
        results = runner.run(spool, custom_ids=ids)
    assert [r.custom_id for r in results] == ids
    assert all(r.completion is not None for r in results)
    # Not bytes: the part streams from a file, which nobody else can read or find.
    assert len(uploads.files) == 3
    assert not any(isinstance(file, bytes) for file in uploads.files)
    assert uploads.modes == [0o600] * 3
    assert uploads.links == [0] * 3
    assert all(file.closed for file in uploads.files)
    client = _client(emu)
    for part in runner.state.parts:
        assert part.input_file_id is not None
        uploaded = client.file_content(part.input_file_id)
        assert uploaded == encode_file(lines[part.start : part.stop])


def test_the_temporary_files_are_deleted_when_the_upload_fails(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    uploads = _UploadSpy(monkeypatch)
    spools: list[SpooledLines] = []
    original_init = SpooledLines.__init__

    def recording(self: SpooledLines) -> None:
        original_init(self)
        spools.append(self)

    monkeypatch.setattr(SpooledLines, "__init__", recording)
    emu.faults.add(Fault(status=500, path="/v1/files"))
    with pytest.raises(InternalServerError):
        redact_pii_documents(
            _client(emu, max_retries=0), ["Call Jane Doe at 415-555-0134."], batch=_POLL
        )
    assert len(uploads.files) == 1
    assert all(file.closed for file in uploads.files)
    assert spools
    assert all(_closed(spool) for spool in spools)


def test_the_task_runner_spools_its_lines_and_deletes_them_once_submitted(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    uploads = _UploadSpy(monkeypatch)
    texts = [f"Write to jane{i}@example.com or call 415-555-01{i:02}." for i in range(20)]
    batch = redact_pii_documents(_client(emu), texts, batch=_POLL)
    assert batch == redact_pii_documents(_client(emu), texts)
    assert len(uploads.files) == 1
    assert not isinstance(uploads.files[0], bytes)
    assert uploads.files[0].closed


_POLL = BatchAPIOptions(poll_interval=0.02)


def _closed(spool: SpooledLines) -> bool:
    file: IO[bytes] = spool._file
    return file.closed


class _Download(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A result file's body that records whether the client closed it."""

    def __init__(self, body: bytes) -> None:
        self.body, self.closed = body, False

    def __iter__(self) -> Iterator[bytes]:
        yield from (self.body[i : i + 7] for i in range(0, len(self.body), 7))

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self:
            yield chunk

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


_RESULTS = b'{"custom_id": "a"}\r\n{"custom_id": "b", "text": "Gr\xc3\xbc\xc3\x9fe"}\n\n{"x": 1}'


def test_result_lines_are_handed_over_only_once_the_download_is_closed() -> None:
    # A lazy run may take hours over one output file; a server closes a download
    # its client stops reading, so the connection must not wait for the consumer.
    body = _Download(_RESULTS)
    transport = httpx.MockTransport(lambda request: httpx.Response(200, stream=body))
    client = ZeroGPUClient(api_key="zgpu-test", http_client=httpx.Client(transport=transport))
    lines = client.iter_file_lines("file-1")
    assert next(lines) == '{"custom_id": "a"}'
    assert body.closed
    assert list(lines) == ['{"custom_id": "b", "text": "Grüße"}', "", '{"x": 1}']


async def test_async_result_lines_are_handed_over_only_once_the_download_is_closed() -> None:
    body = _Download(_RESULTS)
    transport = httpx.MockTransport(lambda request: httpx.Response(200, stream=body))
    client = AsyncZeroGPUClient(
        api_key="zgpu-test", http_client=httpx.AsyncClient(transport=transport)
    )
    lines = client.iter_file_lines("file-1")
    assert await lines.__anext__() == '{"custom_id": "a"}'
    assert body.closed
    assert [line async for line in lines] == ['{"custom_id": "b", "text": "Grüße"}', "", '{"x": 1}']
