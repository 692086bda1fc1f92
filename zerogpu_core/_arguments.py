"""One policy for the constructor arguments of every public class.

Users arrive from neighbouring integrations (``ChatOpenAI``, ``OpenAILike``,
``OpenAIEmbeddings``) and type their names, so those synonyms work. Nothing else is
ignored: an unknown argument is an error that names it, except on LangChain chat
models, whose convention is to forward it in the request body; there it is moved
into ``model_kwargs`` with a warning that says so.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Collection, Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, model_validator

from zerogpu_core._secrets import InputHidingModel
from zerogpu_core._urls import resolve_base_url

__all__ = ["SYNONYMS", "ArgumentPolicy", "resolve_arguments"]

#: Names meaning the same setting; a class accepts every name of a group whose
#: first matching member is one of its fields.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("model", "model_name"),
    ("base_url", "api_base", "openai_api_base"),
    ("api_key", "openai_api_key"),
    ("timeout", "request_timeout"),
)


def _aliases(accepted: Collection[str], extra: Mapping[str, str]) -> dict[str, str]:
    """Alias -> field for a class whose fields (and field aliases) are ``accepted``."""
    aliases = dict(extra)
    for group in SYNONYMS:
        field = next((name for name in group if name in accepted), None)
        if field is not None:
            aliases.update({name: field for name in group if name not in accepted})
    return aliases


def _did_you_mean(name: str, candidates: Collection[str]) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


def resolve_arguments(
    owner: str,
    values: Mapping[str, Any],
    accepted: Collection[str],
    *,
    aliases: Mapping[str, str] | None = None,
    fixed: Mapping[str, Any] | None = None,
    unknown_into: str | None = None,
    hint: str = "",
) -> dict[str, Any]:
    """Constructor keyword arguments with synonyms renamed and unknown ones handled.

    Args:
        owner: The class name, for messages.
        values: The keyword arguments as given.
        accepted: The names the class takes (fields and their aliases).
        aliases: Class-specific synonyms (alias -> field), on top of :data:`SYNONYMS`.
        fixed: Arguments of neighbouring integrations that describe what this class
            always is (``is_chat_model=True``): accepted with that value only.
        unknown_into: A dict field (``model_kwargs``) that unknown arguments are moved
            into with a warning; ``None`` makes them an error.
        hint: Where request-body fields go for this class, added to the error.

    Raises:
        TypeError: for an unknown argument (when ``unknown_into`` is ``None``) or
            for two synonyms given together.
    """
    renames = _aliases(accepted, aliases or {})
    out = dict(values)
    for name, value in (fixed or {}).items():
        if name in out and out.pop(name) != value:
            raise TypeError(f"{owner} only supports {name}={value!r}.")
    for alias, field in renames.items():
        if alias not in out:
            continue
        value = out.pop(alias)
        if field in out and out[field] is not None and out[field] != value:
            raise TypeError(f"{owner} got both {field}= and {alias}=, which mean the same.")
        out[field] = value
    unknown = sorted(set(out) - set(accepted))
    if not unknown:
        return out
    known = set(accepted) | set(renames)
    if unknown_into is None:
        named = "; ".join(f"{name!r}{_did_you_mean(name, known)}" for name in unknown)
        raise TypeError(f"{owner} got unexpected argument(s): {named}. {hint}".rstrip())
    moved = dict(out.get(unknown_into) or {})
    for name in unknown:
        if name in moved:
            raise TypeError(f"{owner} got {name}= both directly and in {unknown_into}.")
        moved[name] = out.pop(name)
        warnings.warn(
            f"{owner}: {name!r} is not a {owner} parameter; it was moved to {unknown_into} "
            f"and is sent in every request body as {name!r}{_did_you_mean(name, known)}.",
            UserWarning,
            stacklevel=5,
        )
    out[unknown_into] = moved
    return out


def _field_names(model: type[BaseModel]) -> set[str]:
    names = set(model.model_fields)
    names.update(f.alias for f in model.model_fields.values() if f.alias)
    return names


class ArgumentPolicy(InputHidingModel, BaseModel):
    """Pydantic mixin applying :func:`resolve_arguments` to a class's constructor.

    It also resolves an unset ``base_url`` (``ZEROGPU_BASE_URL``, else production)
    at construction, so ``repr`` and serialised configs show the URL actually used.
    Validation errors never echo the arguments (they include the API key).
    """

    _argument_aliases: ClassVar[Mapping[str, str]] = {}
    _fixed_arguments: ClassVar[Mapping[str, Any]] = {}
    _unknown_arguments_into: ClassVar[str | None] = None
    _argument_hint: ClassVar[str] = ""
    #: Keys frameworks put in serialised configs that are not constructor arguments.
    _ignored_arguments: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _apply_argument_policy(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        accepted = _field_names(cls) | cls._ignored_arguments
        values = resolve_arguments(
            cls.__name__,
            data,
            accepted,
            aliases=cls._argument_aliases,
            fixed=cls._fixed_arguments,
            unknown_into=cls._unknown_arguments_into,
            hint=cls._argument_hint,
        )
        if "base_url" in cls.model_fields:
            values["base_url"] = resolve_base_url(values.get("base_url"))
        return values
