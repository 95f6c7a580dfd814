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


def _deadline_key(timer) -> str | None:
    """The campaign deadline a boundary timer counts to: deadline_end(<key>) → <key>."""
    text = (timer.findtext(f"{bpmn('timerEventDefinition')}/{bpmn('timeDate')}") or "").strip()
    if text.startswith("deadline_end(") and text.endswith(")"):
        return text[len("deadline_end("):-1].split(",")[0].strip()
    return None


def check_step_deadlines(report: Report, file: str, tree) -> None:
    """A task whose `deadline` property names a campaign deadline must also carry a boundary timer
    deadline_end(<that key>): the property refuses a late completion, the timer ends the candidate;
    either alone would leave a late candidate stuck or a late completion accepted."""
    timers: dict[str, set[str]] = {}
    for event in tree.iter(bpmn("boundaryEvent")):
        key = _deadline_key(event)
        if key is not None and event.find(bpmn("timerEventDefinition")) is not None:
            timers.setdefault(event.get("attachedToRef"), set()).add(key)
    for task in tree.iter(bpmn("userTask")):
        props = {p.get("name"): p.get("value") for p in task.iter(f"{SPIFF}property")}
        key = props.get("deadline")
        if key is not None and key not in timers.get(task.get("id"), set()):
            report.add(file, task, f"任务有截止日期属性 deadline={key}，但没有以 deadline_end({key}) 计时的边界定时事件"
                                   "（逾期时结束该推荐对象）")


def check_deadline_keys(report: Report, config_file: str, deadlines: dict, trees) -> None:
    """Every deadline a task or timer names must be one of the campaign's (campaign.json "deadlines")."""
    named = {p.get("value") for tree in trees for p in tree.iter(f"{SPIFF}property") if p.get("name") == "deadline"}
    named |= {k for tree in trees for e in tree.iter(bpmn("boundaryEvent")) if (k := _deadline_key(e))}
    for key in sorted(named - set(deadlines)):
        report.add_raw(config_file, None, None, f"流程使用的截止日期 {key} 不在 deadlines（截止日期）中")
