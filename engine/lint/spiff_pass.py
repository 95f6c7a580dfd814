"""Last pass: what the BPMN/DMN XSDs and SpiffWorkflow's own parser reject."""
from __future__ import annotations

import copy
import functools

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS
from SpiffWorkflow.spiff.parser.process import VALIDATOR as BPMN_VALIDATOR
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine.lint.report import BPMN_NS, SPIFF_NS, Report

_PREFIXES = {BPMN_NS: "bpmn:", SPIFF_NS: "spiffworkflow:", **{ns: "dmn:" for ns in SCHEMAS}}


def check_with_spiff(report: Report, bpmn_trees: dict, dmn_trees: dict) -> None:
    parser = SpiffBpmnParser()  # as the runtime builds it (engine/runtime/spiff.py)
    # Copies: the validator rewrites some elements in place, and our own checks use the trees.
    for file, tree in dmn_trees.items():
        root = copy.deepcopy(tree).getroot()
        if _schema_valid(report, file, root, _dmn_validator(etree.QName(root).namespace)):
            _guard(report, file, lambda: parser.add_dmn_xml(root, filename=file))
    for file, tree in bpmn_trees.items():
        tree = copy.deepcopy(tree)
        if _schema_valid(report, file, tree, BPMN_VALIDATOR):
            _guard(report, file, lambda: parser.add_bpmn_xml(tree, filename=file))

    # Parsing a process registers its embedded subprocesses as further "processes", so keep going
    # until nothing new appears (as BpmnParser.find_all_specs does).
    done: set[str] = set()
    while pending := [pid for pid in parser.get_process_ids() if pid not in done]:
        for pid in pending:
            done.add(pid)
            _guard(report, parser.process_parsers[pid].filename, lambda: parser.get_spec(pid))


def _schema_valid(report: Report, file: str, doc, validator) -> bool:
    """XSD validation, which the runtime parser skips: Spiff silently ignores misspelled or
    misplaced elements, so a typo would otherwise deploy as a diagram that does something else."""
    if validator is None:
        return True
    try:
        validator.validate(doc, file)
    except ValidationException as exc:
        text = exc.args[0] if exc.args else ""
        for ns, prefix in _PREFIXES.items():
            text = text.replace(f"{{{ns}}}", prefix)
        report.add_raw(file, None, None, f"不符合 {'DMN' if file.endswith('.dmn') else 'BPMN 2.0'} XSD"
                       f"（第 {exc.line_number} 行）：{text}")
        return False
    return True


@functools.cache
def _dmn_validator(namespace: str):
    schema = SCHEMAS.get(namespace)
    return BpmnValidator(schema) if schema else None


def _guard(report: Report, file: str, step) -> None:
    try:
        step()
    except ValidationException as exc:
        file = exc.file_name or file
        if (file, exc.id) in report.covered and _text(exc).startswith(_ALREADY_CHECKED):
            return  # the same problem, already explained in Chinese by our own check
        where = f"（第 {exc.line_number} 行）" if exc.line_number and not exc.id else ""
        report.add_raw(file, exc.id, exc.name, f"SpiffWorkflow 无法解析{where}：{_chinese(_text(exc))}")
    except Exception as exc:  # the parser also leaks KeyError/AttributeError on malformed input
        report.add_raw(file, None, None, f"SpiffWorkflow 无法解析：{type(exc).__name__}: {exc}")


# Spiff errors that one of our checks reports too (with the element in Report.covered).
_ALREADY_CHECKED = (
    "No DMN Diagram available with id",  # structure.check_references
    'No "calledElement" attribute',
    "A multiinstance task must specify",  # structure.check_multi_instance
    "Non-default exclusive outgoing sequence flow without condition",  # structure.check_gateways
    "Unknown Time Specification",  # exprs
    "Malformed Output Expression",  # dmn
    "Multiple decision tables are not current supported",
    "No decisions found",
)

# The Spiff messages a designer is most likely to meet, in the designer's language; the original
# stays in the message so it can still be looked up.
_KNOWN = {
    "Multiple outgoing flows are not supported": "任务不能有多条出口顺序流，分支请使用网关",
    "No start event found": "流程没有开始事件",
    "Duplicate process ID": "流程 ID 重复",
    "Exactly one start event is required in a SubWorkflow": "子流程必须恰好有一个开始事件",
    "A SubWorkflow Must contain an End event": "子流程必须有结束事件",
    "A loopMaximum or loopCondition must be specified": "循环任务必须指定 loopMaximum 或 loopCondition",
}


def _text(exc: ValidationException) -> str:
    return "；".join(str(part) for part in (exc.args[0] if exc.args else "", *exc.notes) if part)


def _chinese(text: str) -> str:
    for prefix, chinese in _KNOWN.items():
        if text.startswith(prefix):
            return f"{chinese}（{text}）"
    return text
