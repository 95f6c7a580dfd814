"""Every expression and script in a diagram must compile under the restricted engine.

Only compiled, never run: the lint sees uploaded text and has no task data to run it against."""
from __future__ import annotations

import ast
from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.lint.report import NS, Report, bpmn, text_of

_TIMER_KINDS = {"timeDate": "计时器时间（timeDate）", "timeDuration": "计时器时长（timeDuration）",
                "timeCycle": "计时器周期（timeCycle）"}


def check_expressions(report: Report, file: str, tree) -> None:
    for flow in tree.iterfind(".//bpmn:sequenceFlow", NS):
        cond = flow.find("bpmn:conditionExpression", NS)
        if cond is not None:
            report.expression(file, flow, "顺序流条件", cond.text)

    for task in tree.iterfind(".//bpmn:scriptTask", NS):
        report.expression(file, task, "脚本任务的脚本", text_of(task.find("bpmn:script", NS)), "exec")

    for kind in ("preScript", "postScript"):
        for script in tree.iterfind(f".//bpmn:extensionElements/spiffworkflow:{kind}", NS):
            report.expression(file, script.getparent().getparent(), f"{kind} 脚本", script.text, "exec")

    for mi in tree.iterfind(".//bpmn:multiInstanceLoopCharacteristics", NS):
        activity = mi.getparent()
        card = mi.find("bpmn:loopCardinality", NS)
        if card is not None:
            report.expression(file, activity, "多实例数量（loopCardinality）", card.text)
        done = mi.find("bpmn:completionCondition", NS)
        if done is not None:
            report.expression(file, activity, "多实例完成条件（completionCondition）", done.text)

    for cond in tree.iterfind(".//bpmn:standardLoopCharacteristics/bpmn:loopCondition", NS):
        report.expression(file, cond.getparent().getparent(), "循环条件（loopCondition）", cond.text)

    for sub in tree.iterfind(".//bpmn:adHocSubProcess", NS):
        done = sub.find("bpmn:completionCondition", NS)
        if done is not None:
            report.expression(file, sub, "自由子流程完成条件", done.text)

    for timer in tree.iterfind(".//bpmn:timerEventDefinition", NS):
        _check_timer(report, file, timer)


def _check_timer(report: Report, file: str, timer) -> None:
    event = timer.getparent()
    found = [(child, _TIMER_KINDS[child.tag.split("}")[1]]) for child in timer
             if child.tag in {bpmn(k) for k in _TIMER_KINDS}]
    if not found:
        report.add(file, event, "计时器没有 timeDate、timeDuration 或 timeCycle")
        return
    child, what = found[0]
    if not report.expression(file, event, what, child.text):
        return
    literal = _string_literal(child.text)
    if literal is not None:
        problem = _literal_problem(child.tag.split("}")[1], literal)
        if problem:
            report.add(file, event, f"{what}「{literal}」{problem}")


def _string_literal(source: str) -> str | None:
    """The value of a quoted string constant, read from the syntax tree, not by evaluating."""
    try:
        body = ast.parse(source.strip(), mode="eval").body
    except SyntaxError:
        return None
    return body.value if isinstance(body, ast.Constant) and isinstance(body.value, str) else None


def _literal_problem(kind: str, value: str) -> str | None:
    """Mirrors how SpiffWorkflow reads the value a timer expression yields (timer.py)."""
    try:
        if kind == "timeCycle":
            TimerEventDefinition.parse_iso_recurring_interval(value)
        elif kind == "timeDuration":
            if not value.upper().startswith("P"):
                return "不是 ISO 8601 时长（应以 P 开头，如 P5D）"
            TimerEventDefinition.parse_iso_duration(value)
        elif value.upper().startswith("P"):
            # Spiff would compare the parsed duration with a datetime and fail when the timer waits.
            return "是时长而不是时间点；时长请用 timeDuration"
        elif datetime.fromisoformat(value).tzinfo is None:
            # Spiff would read a naive time in the server's zone; deadlines are Beijing time.
            return "没有时区，应写明偏移量，如 2025-08-20T00:00:00+08:00"
    except Exception:  # Spiff raises bare Exception/ValueError/AttributeError for bad input
        return "无法解析为 ISO 8601 时间、时长或周期"
    return None
