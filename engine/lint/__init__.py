"""Deploy-time lint of a bundle of BPMN/DMN files.

Every check runs on every file and all messages are returned together, so a designer fixes a
diagram in one round instead of one error per upload. Nothing in the bundle is ever executed:
expressions are compiled under the same restrictions the runtime uses, never evaluated.
"""
from __future__ import annotations

import json
from pathlib import Path

from lxml import etree

from engine.definitions.safe_xml import parse_xml
from engine.errors import DefinitionError
from engine.lint.contract import (
    check_deadline_keys,
    check_outcomes,
    check_publicity,
    check_step_deadlines,
    check_task_properties,
)
from engine.lint.dmn import check_dmn
from engine.lint.exprs import check_expressions
from engine.lint.forms import FormFiles, check_user_tasks
from engine.lint.report import NS, LintMessage, Report, bpmn
from engine.lint.spiff_pass import check_with_spiff
from engine.lint.structure import check_flows, check_gateways, check_lanes, check_multi_instance, check_references

__all__ = ["LintMessage", "lint_bundle", "lint_outcomes", "load_lanes"]


def lint_outcomes(config_file: str, outcomes: dict, files: dict[str, str],
                  deadlines: dict | None = None) -> list[LintMessage]:
    """A variant's declared outcomes (campaign.json) against the end events of its bundle, and (given
    its deadlines) every deadline its steps name against those the campaign declares."""
    report = Report()
    trees = [parse_xml(text, file) for file, text in sorted(files.items()) if file.endswith(".bpmn")]
    check_outcomes(report, config_file, outcomes, trees)
    if deadlines is not None:
        check_deadline_keys(report, config_file, deadlines, trees)
    return report.messages


def load_lanes(path: str | Path) -> dict[str, dict]:
    """The known lanes (name → {"role", "unit_from"}) from processes/lanes.json."""
    return json.loads(Path(path).read_text(encoding="utf-8"))["lanes"]


def lint_bundle(files: dict[str, str], forms_dir: Path, lanes: dict[str, dict]) -> list[LintMessage]:
    """All problems found in `files` (relative path → XML text); an empty list means deployable."""
    report = Report()
    bpmn_trees: dict[str, etree._ElementTree] = {}
    dmn_trees: dict[str, etree._ElementTree] = {}
    unreadable: set[str] = set()
    for file, text in sorted(files.items()):
        kind = bpmn_trees if file.endswith(".bpmn") else dmn_trees if file.endswith(".dmn") else None
        if kind is None:
            report.add(file, None, "不是 .bpmn 或 .dmn 文件，部署包中不应包含")
            continue
        try:
            kind[file] = parse_xml(text, file)
        except DefinitionError as exc:
            report.add(file, None, exc.message)
            unreadable.add(Path(file).suffix)

    decisions: dict[str, str | None] = {}
    defined_in: dict[str, str] = {}
    for file, tree in list(dmn_trees.items()):
        ids, usable = check_dmn(report, file, tree)
        for decision_id in ids:
            if decision_id in defined_in:
                report.add_raw(file, decision_id, None, f"决策 ID 与 {defined_in[decision_id]} 中的重复")
            defined_in.setdefault(decision_id, file)
            decisions.setdefault(decision_id, None if usable else file)
        if not usable:
            del dmn_trees[file]  # already reported; Spiff would only fail on it less clearly

    for file, tree in list(bpmn_trees.items()):
        if tree.getroot().tag != bpmn("definitions"):
            report.add(file, None, f"不是 BPMN 2.0 文件（根元素 {tree.getroot().tag}）")
            del bpmn_trees[file]
            unreadable.add(".bpmn")
    process_ids = {p.get("id") for tree in bpmn_trees.values() for p in tree.iterfind(".//bpmn:process", NS)}

    forms = FormFiles(forms_dir)
    broken_flows = set()
    for file, tree in bpmn_trees.items():
        if not check_flows(report, file, tree):
            broken_flows.add(file)
        check_user_tasks(report, file, tree, forms)
        check_expressions(report, file, tree)
        check_lanes(report, file, tree, lanes)
        check_gateways(report, file, tree)
        check_multi_instance(report, file, tree)
        check_task_properties(report, file, tree)
        check_step_deadlines(report, file, tree)
        check_publicity(report, file, tree)
        check_references(report, file, tree, None if ".dmn" in unreadable else decisions,
                         None if ".bpmn" in unreadable else process_ids)

    # Spiff's own parse of a diagram with a dangling flow only repeats the problem, in English.
    check_with_spiff(report, {f: t for f, t in bpmn_trees.items() if f not in broken_flows}, dmn_trees)
    # Grouped by file for reading; within a file, in the order the checks ran.
    return sorted(report.messages, key=lambda m: m.file)
