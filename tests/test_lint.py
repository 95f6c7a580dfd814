"""Deploy-time lint: a clean bundle passes; each defect yields exactly the expected message(s)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from engine.lint import LintMessage, lint_bundle, load_lanes

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "bpmn" / "lint"
LANES = load_lanes(ROOT / "processes" / "lanes.json")
B = "http://www.omg.org/spec/BPMN/20100524/MODEL"
S = "http://spiffworkflow.org/bpmn/schema/1.0/core"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NB, PUB, DMN = "nomination.bpmn", "publicity.bpmn", "departments.dmn"

FORMS = {
    "defs/common.json": {"$defs": {"idcard": {"type": "string", "pattern": "^[0-9]{17}[0-9X]$"}}},
    "sample/nomination.json": {
        "type": "object",
        "required": ["name", "id_no"],
        "properties": {"name": {"type": "string"}, "id_no": {"$ref": "defs/common.json#/$defs/idcard"}},
    },
    "sample/nomination.ui.json": {"ui:order": ["name", "id_no"]},
    "sample/review.json": {"type": "object", "properties": {"approved": {"type": "boolean"}}},
    "sample/opinion.json": {"type": "object", "properties": {"agree": {"type": "boolean"}}},
}


@pytest.fixture
def forms_dir(tmp_path) -> Path:
    for rel, doc in FORMS.items():
        path = tmp_path / "forms" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return tmp_path / "forms"


def clean_files() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(FIXTURES.iterdir())}


def test_clean_bundle_has_no_messages(forms_dir):
    assert lint_bundle(clean_files(), forms_dir, LANES) == []


# --- mutation helpers: each edits parsed copies of the clean fixtures ----------------------------

def node(doc, element_id):
    return doc.xpath(f"//*[@id='{element_id}']")[0]


def add(parent, tag, text=None, index=None, **attrs):
    prefix, local = tag.split(":")
    uri = {"bpmn": B, "spiff": S}[prefix]
    el = etree.Element(f"{{{uri}}}{local}", attrs)
    el.text = text
    parent.insert(len(parent) if index is None else index, el)
    return el


def remove(el):
    el.getparent().remove(el)


def set_text(doc, element_id, path, text):
    node(doc, element_id).find(path, {"bpmn": B, "spiff": S}).text = text


def set_form(doc, task_id, prop, value):
    node(doc, task_id).find(f".//{{{S}}}property[@name='{prop}']").set("value", value)


def mi(docs):
    return node(docs[NB], "UserTask_Opinion").find(f"{{{B}}}multiInstanceLoopCharacteristics")


def write_form(forms_dir, rel, content):
    (forms_dir / rel).write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")


def timer_text(text):
    return lambda d, f: set_text(d[NB], "Timer_Publicity", ".//bpmn:timeDate", text)


def with_standard_loop(d, f):
    loop = add(node(d[NB], "UserTask_Review"), "bpmn:standardLoopCharacteristics")
    add(loop, "bpmn:loopCondition", "done ==").set(f"{{{XSI}}}type", "bpmn:tFormalExpression")


def with_cardinality(d, f):
    remove(mi(d).find(f"{{{B}}}loopDataInputRef"))
    add(mi(d), "bpmn:loopCardinality", "len(departments", index=0)


def with_extra_exit(d, f):
    # a second exit straight from a task: SpiffWorkflow rejects it, none of our own checks does
    process = node(d[NB], "Process_Nomination")
    add(process, "bpmn:sequenceFlow", id="Flow_Extra", sourceRef="UserTask_Fill", targetRef="End_Done")
    add(node(d[NB], "UserTask_Fill"), "bpmn:outgoing", "Flow_Extra", index=3)


def with_condition_on_task_exit(d, f):
    add(node(d[NB], "Flow_Filled"), "bpmn:conditionExpression", "approved")


def with_two_decisions(d, f):
    second = etree.fromstring(etree.tostring(d[DMN].find("{*}decision")))
    second.set("id", "decide_other")
    d[DMN].append(second)


# Each case: (mutation of {file: parsed root} and the forms dir, expected messages as
# (file, element_id, element_name, fragment of the message)).
CASES = {
    # 1. XML that is not safe or not well formed
    "xml_malformed": (lambda d, f: d.update({PUB: "<bpmn:definitions"}),
                      [(PUB, None, None, "不是格式正确的 XML")]),
    "xml_doctype": (lambda d, f: d.update({PUB: '<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>'}),
                    [(PUB, None, None, "DOCTYPE")]),
    # 2. forms bound to user tasks
    "form_property_missing": (lambda d, f: remove(node(d[NB], "UserTask_Review").find(f".//{{{S}}}property")),
                              [(NB, "UserTask_Review", "区县初审", 'name="formJsonSchemaFilename"')]),
    "form_file_missing": (lambda d, f: (f / "sample/review.json").unlink(),
                          [(NB, "UserTask_Review", "区县初审", "表单 schema 文件 sample/review.json 不存在")]),
    "form_outside_forms_dir": (lambda d, f: set_form(d[NB], "UserTask_Review", "formJsonSchemaFilename", "../x.json"),
                               [(NB, "UserTask_Review", "区县初审", "文件 ../x.json 不在表单目录内")]),
    "form_not_json": (lambda d, f: write_form(f, "sample/review.json", "{not json"),
                      [(NB, "UserTask_Review", "区县初审", "sample/review.json 不是合法的 JSON")]),
    "form_not_json_schema": (lambda d, f: write_form(f, "sample/review.json", {"type": "objekt"}),
                             [(NB, "UserTask_Review", "区县初审", "sample/review.json 不是合法的 JSON Schema")]),
    "form_ref_file_missing": (lambda d, f: (f / "defs/common.json").unlink(),
                              [(NB, "UserTask_Fill", "填写推荐表", "所指文件 defs/common.json 不存在")]),
    "form_ref_fragment_missing": (
        lambda d, f: write_form(f, "defs/common.json", {"$defs": {}}),
        [(NB, "UserTask_Fill", "填写推荐表", "在 defs/common.json 中找不到 /$defs/idcard")]),
    "form_ref_external": (
        lambda d, f: write_form(f, "sample/review.json", {"$ref": "https://example.com/s.json"}),
        [(NB, "UserTask_Review", "区县初审", "指向表单目录以外的地址 https://example.com/s.json")]),
    "form_ref_by_id_uri_ok": (
        lambda d, f: (write_form(f, "defs/common.json", {**FORMS["defs/common.json"], "$id": "https://p.invalid/forms/defs/common.json"}),
                      write_form(f, "sample/review.json", {"$id": "https://p.invalid/forms/sample/review.json",
                                                           "$ref": "../defs/common.json#/$defs/idcard"})),
        []),
    "form_ref_by_id_uri": (  # a shared file's $id names it, and the prefix it implies names its siblings
        lambda d, f: (write_form(f, "defs/common.json", {**FORMS["defs/common.json"], "$id": "https://p.invalid/forms/defs/common.json"}),
                      write_form(f, "sample/review.json", {"$id": "https://p.invalid/forms/sample/review.json",
                                                           "$ref": "../defs/missing.json"})),
        [(NB, "UserTask_Review", "区县初审", "所指文件 defs/missing.json 不存在")]),
    "form_ui_missing": (lambda d, f: (f / "sample/nomination.ui.json").unlink(),
                        [(NB, "UserTask_Fill", "填写推荐表", "表单 UI schema 文件 sample/nomination.ui.json 不存在")]),
    # 3. timers
    "timer_not_compiling": (timer_text("working_days_end(posted_at, "),
                            [(NB, "Timer_Publicity", "公示期满", "计时器时间（timeDate）「working_days_end(posted_at,」")]),
    "timer_bad_date": (timer_text("'2025-13-20T00:00:00+08:00'"),
                       [(NB, "Timer_Publicity", "公示期满", "无法解析为 ISO 8601")]),
    "timer_naive_date": (timer_text("'2025-08-20T00:00:00'"),
                         [(NB, "Timer_Publicity", "公示期满", "没有时区")]),
    "timer_good_literal": (timer_text("'2025-08-20T00:00:00+08:00'"), []),
    "timer_bad_duration": (lambda d, f: set_text(d[PUB], "Timer_Wait", ".//bpmn:timeDuration", "'7 days'"),
                           [(PUB, "Timer_Wait", "公示七日", "应以 P 开头")]),
    # 4. expressions and scripts compile under the restrictions
    "condition_not_compiling": (lambda d, f: set_text(d[NB], "Flow_Pass", "bpmn:conditionExpression", "approved =="),
                                [(NB, "Flow_Pass", "通过", "顺序流条件「approved ==」")]),
    "script_forbidden": (lambda d, f: set_text(d[NB], "ScriptTask_Reject", "bpmn:script", "status = task._data"),
                         [(NB, "ScriptTask_Reject", "记录退回", "脚本任务的脚本")]),
    "mi_completion_not_compiling": (
        lambda d, f: setattr(mi(d).find(f"{{{B}}}completionCondition"), "text", "len(opinions) =="),
        [(NB, "UserTask_Opinion", "部门意见", "completionCondition")]),
    "mi_cardinality_not_compiling": (with_cardinality, [(NB, "UserTask_Opinion", "部门意见", "loopCardinality")]),
    "standard_loop_not_compiling": (with_standard_loop, [(NB, "UserTask_Review", "区县初审", "循环条件（loopCondition）")]),
    "dmn_output_not_compiling": (
        lambda d, f: setattr(d[DMN].find(".//{*}outputEntry/{*}text"), "text", '["组织部",'),
        [(DMN, "decide_departments", "确定征求意见部门", "第 1 条规则的输出")]),
    "dmn_input_not_compiling": (
        lambda d, f: setattr(d[DMN].find(".//{*}inputEntry/{*}text"), "text", "< > 3"),
        [(DMN, "decide_departments", "确定征求意见部门", "第 1 条规则的输入条件")]),
    # 5. lanes
    "lane_unknown": (lambda d, f: node(d[NB], "Lane_County").set("name", "乡镇审核"),
                     [(NB, "Lane_County", "乡镇审核", "可用的泳道：推荐单位、区县审核")]),
    "user_task_outside_lanes": (
        lambda d, f: remove(node(d[NB], "Lane_County").find(f"{{{B}}}flowNodeRef")),
        [(NB, "UserTask_Review", "区县初审", "不在任何泳道内")]),
    # 6. exclusive gateways
    "gateway_without_default": (lambda d, f: node(d[NB], "Gateway_Review").attrib.pop("default"),
                                [(NB, "Gateway_Review", "初审通过？", "Flow_Reject「退回」 既没有条件")]),
    "gateway_default_elsewhere": (lambda d, f: node(d[NB], "Gateway_Review").set("default", "Flow_Start"),
                                  [(NB, "Gateway_Review", "初审通过？", "默认流 Flow_Start 不是它的出口"),
                                   (NB, "Gateway_Review", "初审通过？", "Flow_Reject「退回」 既没有条件")]),
    "condition_on_task_exit": (with_condition_on_task_exit, [(NB, "Flow_Filled", None, "会被忽略")]),
    # a flow to nowhere is named at the flow, in Chinese (Spiff named an unrelated element, in English)
    "flow_target_dangling": (lambda d, f: node(d[NB], "Flow_Filled").set("targetRef", "Nowhere"),
                             [(NB, "Flow_Filled", None, "终点（targetRef）“Nowhere”不是同一流程中的元素")]),
    "flow_source_missing": (lambda d, f: node(d[NB], "Flow_Filled").attrib.pop("sourceRef"),
                            [(NB, "Flow_Filled", None, "缺少起点（sourceRef）")]),
    # 7. multi-instance data
    "mi_no_input": (lambda d, f: remove(mi(d).find(f"{{{B}}}loopDataInputRef")),
                    [(NB, "UserTask_Opinion", "部门意见", "loopCardinality（数量）或 loopDataInputRef")]),
    "mi_input_without_item": (lambda d, f: remove(mi(d).find(f"{{{B}}}inputDataItem")),
                              [(NB, "UserTask_Opinion", "部门意见", "没有定义 inputDataItem")]),
    "mi_output_without_item": (lambda d, f: remove(mi(d).find(f"{{{B}}}outputDataItem")),
                               [(NB, "UserTask_Opinion", "部门意见", "没有定义 outputDataItem")]),
    "mi_item_without_output": (lambda d, f: remove(mi(d).find(f"{{{B}}}loopDataOutputRef")),
                               [(NB, "UserTask_Opinion", "部门意见", "没有 loopDataOutputRef")]),
    # 8. decisions
    "decision_unknown": (lambda d, f: set_text(d[NB], "BusinessRuleTask_Depts", ".//spiff:calledDecisionId", "nope"),
                         [(NB, "BusinessRuleTask_Depts", "确定征求意见部门", "决策 nope 不在本次部署")]),
    "decision_two_in_one_file": (with_two_decisions,
                                 [(DMN, None, None, "只支持一个决策"),
                                  (NB, "BusinessRuleTask_Depts", "确定征求意见部门", "含多个决策")]),
    "decision_id_duplicated": (lambda d, f: d.update({"departments2.dmn": etree.tostring(d[DMN], encoding="unicode")}),
                               [("departments2.dmn", "decide_departments", None, "与 departments.dmn 中的重复")]),
    # 9. call activities
    "called_process_unknown": (lambda d, f: node(d[NB], "CallActivity_Publicity").set("calledElement", "Process_X"),
                               [(NB, "CallActivity_Publicity", "社会公示", "流程 Process_X 不在本次部署")]),
    # 10. SpiffWorkflow's parser and the XSD
    "spiff_rejects_task_split": (with_extra_exit, [(NB, "UserTask_Fill", "填写推荐表", "Multiple outgoing flows")]),
    "xsd_rejects_typo": (lambda d, f: add(node(d[NB], "Process_Nomination"), "bpmn:startEvnt", id="Typo", index=1),
                         [(NB, None, None, "不符合 BPMN 2.0 XSD（第")]),
    # the bundle itself
    "foreign_file": (lambda d, f: d.update({"notes.txt": "hello"}), [("notes.txt", None, None, "不是 .bpmn 或 .dmn")]),
}


@pytest.mark.parametrize("mutate, expected", CASES.values(), ids=CASES.keys())
def test_each_defect_is_reported_on_its_element(forms_dir, mutate, expected):
    docs = {name: etree.fromstring(text.encode()) for name, text in clean_files().items()}
    mutate(docs, forms_dir)
    files = {name: doc if isinstance(doc, str) else etree.tostring(doc, encoding="unicode")
             for name, doc in docs.items()}

    messages = lint_bundle(files, forms_dir, LANES)

    got = sorted((m.file, m.element_id or "", m.element_name or "", m.message) for m in messages)
    want = sorted((f, i or "", n or "", frag) for f, i, n, frag in expected)
    assert len(got) == len(want), "\n".join(str(m) for m in messages)
    for (gf, gi, gn, gmsg), (wf, wi, wn, frag) in zip(got, want):
        assert (gf, gi, gn) == (wf, wi, wn), "\n".join(str(m) for m in messages)
        assert frag in gmsg


def test_message_text_names_the_element():
    assert str(LintMessage("sample.bpmn", "UserTask_Fill", "填写推荐表", "表单 schema 文件 sample/nomination.json 不存在")) \
        == "sample.bpmn · UserTask_Fill「填写推荐表」: 表单 schema 文件 sample/nomination.json 不存在"
    assert str(LintMessage("a.bpmn", "Flow_1", None, "x")) == "a.bpmn · Flow_1: x"
    assert str(LintMessage("a.bpmn", None, None, "x")) == "a.bpmn: x"


def test_lint_compiles_but_never_runs_expressions(forms_dir, tmp_path):
    marker = tmp_path / "ran"
    files = clean_files()
    files[NB] = files[NB].replace("working_days_end(posted_at, 5)", f"open({str(marker)!r}, 'w')")
    assert lint_bundle(files, forms_dir, LANES) == []
    assert not marker.exists()


def test_load_lanes_reads_the_lane_table():
    assert LANES["推荐单位"]["role"] == "staff"
    assert "roles" not in LANES


# --- the BPMN ↔ Python contract (engine/definitions/contract.py) -------------------------------------------------

def test_every_variant_keeps_the_contract():
    """Each shipped variant deploys: its properties, publicity subprocess and declared outcomes are
    the names the engine uses."""
    from engine.campaigns.campaign_config import load_variant_config
    from engine.definitions import definitions
    from engine.lint import lint_bundle, lint_outcomes, load_lanes

    for variant in ("000", "001", "002", "003", "004"):
        files = definitions.bundle_from_folder(ROOT / "processes" / variant)
        assert lint_bundle(files, ROOT / "forms_schema", load_lanes(ROOT / "processes" / "lanes.json")) == []
        assert lint_outcomes(f"{variant}/campaign.json",
                             load_variant_config(ROOT / "processes", variant)["outcomes"], files) == []


def test_a_variant_spelling_a_contract_name_differently_is_refused():
    from engine.definitions import definitions
    from engine.lint import lint_bundle, lint_outcomes, load_lanes

    files = definitions.bundle_from_folder(ROOT / "processes" / "001")
    files["001.bpmn"] = files["001.bpmn"].replace('name="checksRatioCaps" value="true"',
                                                  'name="checkRatioCaps" value="true"', 1)
    files["shared/publicity.bpmn"] = files["shared/publicity.bpmn"].replace('name="异议"', 'name="异议登记"')
    messages = [m.message for m in lint_bundle(files, ROOT / "forms_schema", load_lanes(ROOT / "processes" / "lanes.json"))]
    assert any(m.startswith("未知的扩展属性 checkRatioCaps") for m in messages), messages
    assert any("名为“异议”的消息" in m for m in messages), messages
    wrong = lint_outcomes("001/campaign.json", {"selected": ["表彰（通过）"], "quota_returned": ["视为放弃"]}, files)
    assert [m.message for m in wrong] == [
        "outcomes.selected（入选结局）中的“表彰（通过）”不是流程中任何结束事件的名称",
        "outcomes.quota_returned（退还名额的结局）中的“视为放弃”不是流程中任何结束事件的名称"]


def test_deploy_refuses_a_variant_whose_outcomes_are_not_end_events(services, tmp_path):
    import json
    import shutil

    from engine.definitions import catalog, definitions
    from engine.errors import LintFailed

    processes = tmp_path / "processes"
    shutil.copytree(ROOT / "processes", processes)
    config = json.loads((processes / "002" / "campaign.json").read_text(encoding="utf-8"))
    config["outcomes"]["selected"] = ["予以表彰"]
    (processes / "002" / "campaign.json").write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    import dataclasses
    services.settings = dataclasses.replace(services.settings, processes_dir=processes)
    with pytest.raises(LintFailed, match="予以表彰"):
        catalog.deploy(services, "002", definitions.bundle_from_folder(processes / "002"), "test")
