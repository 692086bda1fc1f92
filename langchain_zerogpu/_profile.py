"""What the catalog says about a chat model, in LangChain's terms."""

from __future__ import annotations

import warnings

from langchain_core.language_models import ModelProfile

from zerogpu_core import catalog

__all__ = ["catalog_profile", "warn_without_tool_calling"]


def catalog_profile(model: str) -> ModelProfile | None:
    """The LangChain model profile the catalog supports (``None`` for unknown ids).

    ``structured_output`` (native ``response_format``) is left ``False``: ZeroGPU does
    not document it for any model, so agents use the tool-calling strategy.
    """
    info = catalog.find_model(model)
    if info is None:
        return None
    return ModelProfile(
        max_input_tokens=info.input_token_limit,
        text_inputs=True,
        text_outputs=True,
        tool_calling=info.function_calling,
        tool_choice=info.function_calling,
        structured_output=False,
        reasoning_output=info.reasoning,
    )


def warn_without_tool_calling(model: str) -> None:
    """Warn when the catalog says ``model`` cannot call tools (unknown ids pass)."""
    info = catalog.find_model(model)
    if info is not None and not info.function_calling:
        capable = [m.id for m in catalog.MODELS.values() if m.function_calling]
        warnings.warn(
            f"ChatZeroGPU: the ZeroGPU catalog does not list tool calling for {model!r}; "
            f"it may ignore the tools or answer in text. Models that call tools: "
            f"{', '.join(sorted(capable))}.",
            UserWarning,
            stacklevel=3,
        )
