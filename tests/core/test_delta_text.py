"""``DeltaTextSplitter``: answer and reasoning text of streamed deltas."""

from __future__ import annotations

from zerogpu_core.delta_text import DeltaTextSplitter
from zerogpu_core.types.chat import ChatCompletionMessage, ChoiceDelta


def _run(*deltas: ChoiceDelta) -> tuple[str, str]:
    splitter = DeltaTextSplitter()
    parts = [splitter.feed(d) for d in deltas] + [splitter.flush()]
    return "".join(p[0] for p in parts), "".join(p[1] for p in parts)


def test_reasoning_fields() -> None:
    assert _run(
        ChoiceDelta(reasoning="a"), ChoiceDelta(reasoning_content="b"), ChoiceDelta(content="X")
    ) == ("X", "ab")


def test_tags_split_across_deltas_match_the_whole_message_split() -> None:
    text = "<thinking>plan it</thinking>\n\nThe answer."
    deltas = [ChoiceDelta(content=text[i : i + 3]) for i in range(0, len(text), 3)]
    whole = ChatCompletionMessage(content=text)
    assert _run(*deltas) == (whole.answer, whole.reasoning_text)


def test_unclosed_tag_is_reasoning() -> None:
    assert _run(ChoiceDelta(content="<think>cut off")) == ("", "cut off")


def test_plain_text_keeps_its_whitespace_and_angle_brackets() -> None:
    assert _run(ChoiceDelta(content="  a < b"), ChoiceDelta(content=" <br>")) == (
        "  a < b <br>",
        "",
    )


def test_tag_split_across_deltas_after_plain_answer_text_still_splits() -> None:
    # Plain deltas once the answer has started take a shortcut past the tag
    # splitter; a tag that begins later, cut between deltas, must still be found.
    deltas = ["Sure", ", here", " it is <th", "ink>che", "ck</thi", "nk> done", " now"]
    splitter = DeltaTextSplitter()
    parts = [splitter.feed(ChoiceDelta(content=d)) for d in deltas] + [splitter.flush()]
    assert parts[:3] == [("Sure", ""), (", here", ""), (" it is ", "")]
    assert "".join(p[0] for p in parts) == "Sure, here it is  done now"
    assert "".join(p[1] for p in parts) == "check"


def test_reasoning_fields_between_plain_answer_deltas_are_kept() -> None:
    assert _run(
        ChoiceDelta(content="A"),
        ChoiceDelta(content="B"),
        ChoiceDelta(content="C", reasoning="r"),
        ChoiceDelta(content="D", reasoning_content="s"),
        ChoiceDelta(content="E"),
    ) == ("ABCDE", "rs")
