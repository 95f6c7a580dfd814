"""The message type and the collector every check writes into."""
from __future__ import annotations

from dataclasses import dataclass

from engine.errors import ScriptError
from engine.scripting.expressions import check_expression

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS}


def bpmn(tag: str) -> str:
    return f"{{{BPMN_NS}}}{tag}"


@dataclass(frozen=True)
class LintMessage:
    file: str
    element_id: str | None
    element_name: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.element_id:
            where += f" · {self.element_id}"
            if self.element_name:
                where += f"「{self.element_name}」"
        return f"{where}: {self.message}"


class Report:
    """Collects messages and remembers which elements they cover.

    SpiffWorkflow's parser stops at the first problem of a process and words it in English; when
    one of our own checks already named that element, its message is the one worth keeping."""

    def __init__(self) -> None:
        self.messages: list[LintMessage] = []
        self.covered: set[tuple[str, str]] = set()

    def add(self, file: str, element, message: str, also: tuple[str | None, ...] = ()) -> None:
        """`element` is an lxml element (its id and name are used) or None for the whole file;
        `also` lists further element ids the message is about (e.g. a gateway's offending flow)."""
        el_id = element.get("id") if element is not None else None
        el_name = (element.get("name") or None) if element is not None else None
        self.add_raw(file, el_id, el_name, message, also)

    def add_raw(self, file, element_id, element_name, message, also=()) -> None:
        msg = LintMessage(file, element_id or None, element_name or None, message)
        if msg not in self.messages:
            self.messages.append(msg)
        for el_id in (element_id, *also):
            if el_id:
                self.covered.add((file, el_id))

    def expression(self, file: str, element, what: str, source: str | None, mode: str = "eval",
                   also: tuple[str | None, ...] = ()) -> bool:
        """Compile-only check of one expression or script (nothing is ever evaluated here);
        False if a message was added."""
        if source is None or not source.strip():
            self.add(file, element, f"{what}为空", also)
            return False
        try:
            check_expression(source, mode)
        except ScriptError as exc:
            self.add(file, element, f"{what}「{shorten(source)}」：{exc.message}", also)
            return False
        return True


def shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def text_of(element) -> str | None:
    return element.text if element is not None else None
