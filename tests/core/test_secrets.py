"""The key is normalised once and validation errors never carry input values."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, Field, SecretStr, ValidationError

from zerogpu_core import ClientSettings, InvalidAPIKeyError, MissingAPIKeyError
from zerogpu_core._secrets import (
    HIDDEN_INPUT,
    api_key_header,
    normalise_api_key,
    without_input,
)


@pytest.mark.parametrize("raw", ["k-1\n", " k-1", "\tk-1\r\n", SecretStr("k-1\n")])
def test_surrounding_whitespace_is_stripped(raw: str | SecretStr) -> None:
    key = normalise_api_key(raw)
    assert key is not None
    assert key.get_secret_value() == "k-1"


@pytest.mark.parametrize("raw", [None, "", "  \n", SecretStr("\t")])
def test_blank_keys_are_unset(raw: str | SecretStr | None) -> None:
    assert normalise_api_key(raw) is None


def test_settings_strip_the_environment_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZEROGPU_API_KEY", "env-key\n")
    settings = ClientSettings.resolve(api_key=" \n")
    assert settings.headers()["x-api-key"] == "env-key"


@pytest.mark.parametrize("bad", ["a\nb", "a\x00b", "caf\u00e9", "a\x7fb"])
def test_keys_that_are_not_header_values_are_refused_unquoted(bad: str) -> None:
    with pytest.raises(InvalidAPIKeyError) as caught:
        api_key_header(SecretStr(bad))
    assert bad not in str(caught.value)


def test_missing_key() -> None:
    with pytest.raises(MissingAPIKeyError):
        api_key_header(None)
    assert api_key_header(SecretStr("zgpu key-1")) == "zgpu key-1"


class _Body(BaseModel):
    prompt: str = Field(max_length=5)
    n: int


def test_without_input_keeps_messages_and_locations_only() -> None:
    with pytest.raises(ValidationError) as caught:
        _Body(prompt="jane@example.com", n="many")  # type: ignore[arg-type]
    hidden = without_input(caught.value)
    assert [e["loc"] for e in hidden.errors()] == [("prompt",), ("n",)]
    assert [e["msg"] for e in hidden.errors()] == [e["msg"] for e in caught.value.errors()]
    assert {e["input"] for e in hidden.errors()} == {HIDDEN_INPUT}
    for text in (str(hidden), hidden.json(), repr(hidden.errors())):
        assert "jane@example.com" not in text
        assert "many" not in text
