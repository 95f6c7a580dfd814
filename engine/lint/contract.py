"""Deploy lint of the BPMN ↔ Python contract (engine/definitions/contract.py): the extension properties and
their values, the shared publicity subprocess's message and timer, and a variant's declared
outcomes against its end events."""
from __future__ import annotations

from engine.definitions.contract import OBJECTION_MESSAGE, PUBLICITY_PROCESS, PUBLICITY_TIMER, TASK_PROPERTIES
from engine.lint.report import NS, Report, bpmn

SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"


def check_task_properties(report: Report, file: str, tree) -> None:
    for prop in tree.iter(f"{SPIFF}property"):
        name, value = prop.get("name"), prop.get("value")
        task = next((a for a in prop.iterancestors() if a.tag.startswith("{" + NS["bpmn"])), None)
        if name not in TASK_PROPERTIES:
            report.add(file, task, f"未知的扩展属性 {name}（程序只识别：{'、'.join(TASK_PROPERTIES)}）")
        elif (allowed := TASK_PROPERTIES[name]) is not None and value not in allowed:
            report.add(file, task, f"扩展属性 {name} 的值应为 {'、'.join(allowed)} 之一，当前为 {value!r}")


def check_publicity(report: Report, file: str, tree) -> None:
    """The shared publicity subprocess must catch the objection message and time its period under
    the names the engine uses to lodge objections and show "公示中（至 …）"."""
    process = next((p for p in tree.iter(bpmn("process")) if p.get("id") == PUBLICITY_PROCESS), None)
    if process is None:
        return
    messages = {m.get("name") for m in tree.iter(bpmn("message"))}
    if OBJECTION_MESSAGE not in messages:
        report.add(file, process, f"公示子流程须定义名为“{OBJECTION_MESSAGE}”的消息（登记异议时发送该消息）")
    timers = {e.get("id") for e in process.iter(bpmn("intermediateCatchEvent"))
              if e.find(bpmn("timerEventDefinition")) is not None}
    if PUBLICITY_TIMER not in timers:
        report.add(file, process, f"公示子流程须有 ID 为 {PUBLICITY_TIMER} 的公示期定时事件")


def end_event_names(trees) -> set[str]:
    return {e.get("name") for tree in trees for e in tree.iter(bpmn("endEvent")) if e.get("name")}


def check_outcomes(report: Report, config_file: str, outcomes: dict, trees) -> None:
    """Each outcome a variant's campaign.json names must be an end event of its process."""
    names = end_event_names(trees)
    for kind, label in (("selected", "入选结局"), ("quota_returned", "退还名额的结局")):
        for name in outcomes.get(kind, []):
            if name not in names:
                report.add_raw(config_file, None, None,
                               f"outcomes.{kind}（{label}）中的“{name}”不是流程中任何结束事件的名称")
