"""DMN files: one decision each (all SpiffWorkflow reads), and compilable cell expressions."""
from __future__ import annotations

import re

from lxml import etree
from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS

from engine.errors import ScriptError
from engine.lint.report import Report
from engine.scripting.expressions import check_expression

# Spiff rewrites a '?' outside quotes into the input value before evaluating (DMNEngine.evaluate).
_QUESTION = re.compile(r'(\?)(?=(?:[^\'"]|[\'"][^\'"]*[\'"])*$)')


def check_dmn(report: Report, file: str, tree) -> tuple[list[str], bool]:
    """Reports problems; returns the ids of the file's decisions and whether Spiff can use them."""
    root = tree.getroot()
    ns = etree.QName(root).namespace
    if etree.QName(root).localname != "definitions" or ns not in SCHEMAS:
        report.add(file, None, f"不是受支持的 DMN 文件（根元素 {root.tag}）")
        return [], False
    nsmap = {"dmn": ns}
    decisions = root.findall("dmn:decision", nsmap)
    if not decisions:
        report.add(file, None, "DMN 文件中没有决策（decision）")
    elif len(decisions) > 1:
        ids = "、".join(d.get("id", "?") for d in decisions)
        report.add(file, None, f"SpiffWorkflow 每个 DMN 文件只支持一个决策，本文件有 {len(decisions)} 个：{ids}")
    for decision in decisions:
        for table in decision.iterfind("dmn:decisionTable", nsmap):
            _check_table(report, file, decision, table, nsmap)
    return [d.get("id") for d in decisions if d.get("id")], len(decisions) == 1


def _check_table(report: Report, file: str, decision, table, nsmap) -> None:
    inputs = table.findall("dmn:input", nsmap)
    for col in inputs:
        text = col.findtext("dmn:inputExpression/dmn:text", None, nsmap)
        what = f"输入列「{col.get('label') or col.get('id')}」的表达式"
        report.expression(file, decision, what, text, also=(col.get("id"),))
    for row, rule in enumerate(table.iterfind("dmn:rule", nsmap), start=1):
        for entry in rule.iterfind("dmn:inputEntry", nsmap):
            text = (entry.findtext("dmn:text", "", nsmap) or "").strip()
            if text and text != "-":
                _check_input_entry(report, file, decision, row, entry, text)
        for entry in rule.iterfind("dmn:outputEntry", nsmap):
            text = (entry.findtext("dmn:text", "", nsmap) or "").strip()
            if text:
                report.expression(file, decision, f"第 {row} 条规则的输出", text,
                                  also=(rule.get("id"), entry.get("id")))


def _check_input_entry(report, file, decision, row, entry, text) -> None:
    # An entry is either a value compared with ==, a tail like "< 5" / "in [...]" appended to the
    # input expression, or a test using '?'; it is acceptable if any of those forms compiles.
    if _QUESTION.search(text):
        candidates = [_QUESTION.sub("dmninputexpr", text)]
    else:
        candidates = [text, f"v {text}"]
    if not any(_compiles(candidate) for candidate in candidates):
        report.expression(file, decision, f"第 {row} 条规则的输入条件", candidates[0],
                          also=(entry.getparent().get("id"), entry.get("id")))


def _compiles(source: str) -> bool:
    try:
        check_expression(source, "eval")
    except ScriptError:
        return False
    return True
