"""The API key and caller input in errors: normalised once, never echoed.

Keys read from files, secret mounts or ``.env`` lines often end in a newline. The
key is stripped here, once, for every client and framework object, and checked to
be a valid header value before any request, with an error that never quotes it.

Pydantic validation errors quote their input (``input_value=...``), which for a
framework object holds the key and for a request holds the prompt. Every public
model hides its input: ``hide_input_in_errors`` for the message, and
:func:`without_input` for ``errors()`` and ``json()`` of constructor errors.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from pydantic import ConfigDict, SecretStr, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from zerogpu_core._exceptions import InvalidAPIKeyError, MissingAPIKeyError

if TYPE_CHECKING:
    # Mixed into pydantic models only; typed as one so ``super().__init__`` checks.
    from pydantic import BaseModel as _Model
else:
    _Model = object

__all__ = [
    "HIDDEN_INPUT",
    "HIDE_INPUT",
    "InputHidingModel",
    "api_key_header",
    "normalise_api_key",
    "without_input",
]

#: What stands in for an input value in a validation error.
HIDDEN_INPUT = "<hidden>"
#: The model setting every public model carries.
HIDE_INPUT = ConfigDict(hide_input_in_errors=True)

# RFC 9110 field values: visible ASCII, with inner spaces or tabs. h11 enforces the
# same rule, but its error quotes the value, so it is checked here first.
_HEADER_VALUE = re.compile(r"[\x21-\x7e]+(?:[ \t]+[\x21-\x7e]+)*")


def normalise_api_key(value: str | SecretStr | None) -> SecretStr | None:
    """The key without surrounding whitespace; ``None`` when nothing is left."""
    if value is None:
        return None
    text = value.get_secret_value() if isinstance(value, SecretStr) else value
    stripped = text.strip()
    return SecretStr(stripped) if stripped else None


def api_key_header(key: SecretStr | None) -> str:
    """The ``x-api-key`` header value.

    Raises:
        MissingAPIKeyError: when no key is configured.
        InvalidAPIKeyError: when the key cannot be an HTTP header value (the error
            never contains it).
    """
    if key is None or not key.get_secret_value():
        raise MissingAPIKeyError()
    value = key.get_secret_value()
    if not _HEADER_VALUE.fullmatch(value):
        raise InvalidAPIKeyError()
    return value


def without_input(error: ValidationError, *, title: str | None = None) -> ValidationError:
    """The same validation error with every input value replaced by ``<hidden>``.

    Messages and locations are kept; ``errors()`` and ``json()`` no longer carry
    the key, a prompt or any other value the caller passed. ``title`` names the
    class the caller constructed when the validating model is a helper.
    """
    details = [
        InitErrorDetails(
            type=PydanticCustomError(item["type"], item["msg"]),
            loc=item["loc"],
            input=HIDDEN_INPUT,
        )
        for item in error.errors(include_url=False, include_context=False, include_input=False)
    ]
    return ValidationError.from_exception_data(title or error.title, details, hide_input=True)


class InputHidingModel(_Model):
    """Mixin for the public pydantic classes (LLMs, embeddings, transformers).

    Its ``model_config`` hides input in validation messages (pydantic merges a
    base's config into the class), and constructor errors are re-raised through
    :func:`without_input`, outside the ``except`` block so the original error is
    not kept as the new one's context.
    """

    model_config = HIDE_INPUT

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as error:
            hidden = without_input(error)
        else:
            return
        raise hidden
