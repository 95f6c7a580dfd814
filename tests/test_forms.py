"""The 附件 forms of the five notices: schema hygiene, offline $ref resolution, field-level Chinese
errors, formats and the eligibility rules the notices make decidable from form data."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from lxml import etree
from referencing.jsonschema import DRAFT202012

from engine.errors import NotFound, ValidationFailed
from engine.forms.forms import FORM_ID_PREFIX, FormRegistry, id_card_check_char
from engine.lint.forms import FormFiles, check_user_tasks
from engine.lint.report import Report

ROOT = Path(__file__).resolve().parents[1]
FORMS_DIR = ROOT / "forms_schema"
FIXTURES = Path(__file__).parent.parent / "demo" / "forms"
OURS = ("defs", "common", "000", "001", "002", "003", "004")  # folders this suite vouches for
CJK = re.compile(r"[\u4e00-\u9fa5]")


@pytest.fixture(scope="module")
def forms() -> FormRegistry:
    return FormRegistry(FORMS_DIR)


def our_files(pattern="*.json"):
    return sorted(p for folder in OURS for p in (FORMS_DIR / folder).glob(pattern) if not p.name.endswith(".ui.json"))


def rel(path: Path) -> str:
    return path.relative_to(FORMS_DIR).as_posix()


def is_form(name: str) -> bool:
    return not (name.startswith("defs/") or name.endswith("/defs"))


OUR_FORMS = [rel(p)[:-5] for p in our_files() if is_form(rel(p)[:-5])]


def sample(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def errors_after(forms, name, mutate) -> dict[str, str]:
    data = sample(name)
    mutate(data)
    return forms.errors(name, data)


# --- schema hygiene --------------------------------------------------------------------------------

def test_the_expected_forms_exist():
    # One file per 附件 that staff fill in (see the report for the mapping), plus generic workflow forms.
    assert len([n for n in OUR_FORMS if n[:3] in {"000", "001", "002", "003", "004"}]) == 36
    assert {n for n in OUR_FORMS if n.startswith("common/")} == {
        "common/department_opinion", "common/review_decision", "common/publicity_posting",
        "common/objection", "common/objection_verification", "common/disqualification_approval",
        "common/forwarding", "common/ranking"}


@pytest.mark.parametrize("path", our_files(), ids=rel)
def test_every_schema_file_is_valid_draft_2020_12(path):
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(doc)
    assert CJK.search(doc["title"])
    name = rel(path)[:-5]
    if is_form(name):
        assert doc["$id"] == FORM_ID_PREFIX + rel(path)
        assert doc["type"] == "object" and doc["required"]
        for prop, sub in doc["properties"].items():
            assert re.fullmatch(r"[a-z][a-z0-9_]*", prop), prop
            assert CJK.search(sub.get("title", "")) or "$ref" in sub, f"{prop} 缺少中文标题"
    else:
        assert "$id" not in doc  # shared files resolve their refs relative to their own path


@pytest.mark.parametrize("name", OUR_FORMS)
def test_every_form_has_a_minimal_ui_schema(forms, name):
    ui = forms.ui_schema(name)
    assert ui is not None
    assert ui["ui:order"][:-1] == list(forms.schema(name)["properties"]) and ui["ui:order"][-1] == "*"


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            elif key not in ("const", "enum", "default", "examples"):
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_every_ref_resolves_offline(forms):
    checked = 0
    for path in sorted(FORMS_DIR.rglob("*.json")):
        if path.name.endswith(".ui.json"):
            continue
        doc = json.loads(path.read_text(encoding="utf-8"))
        base = doc.get("$id", rel(path))
        registry = forms.registry.with_resource(base, DRAFT202012.create_resource(doc))
        resolver = registry.resolver(base_uri=base)
        for ref in _refs(doc):
            assert "://" not in ref, f"{rel(path)}: {ref} 指向外部地址"
            resolver.lookup(ref)  # raises Unresolvable
            checked += 1
    assert checked > 300


def test_forms_pass_the_deploy_lint():
    """The lint resolves refs its own way (engine/lint/forms.py); both must agree on every form."""
    tasks = "".join(
        f'<bpmn:userTask id="T{i}"><bpmn:extensionElements><spiffworkflow:properties>'
        f'<spiffworkflow:property name="formJsonSchemaFilename" value="{name}.json"/>'
        f'<spiffworkflow:property name="formUiSchemaFilename" value="{name}.ui.json"/>'
        f"</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>"
        for i, name in enumerate(OUR_FORMS))
    xml = ('<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
           'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core">'
           f'<bpmn:process id="P">{tasks}</bpmn:process></bpmn:definitions>')
    report = Report()
    check_user_tasks(report, "forms.bpmn", etree.ElementTree(etree.fromstring(xml)), FormFiles(FORMS_DIR))
    assert [str(m) for m in report.messages] == []


def test_shared_definitions_are_not_copied():
    """ID card, year-month, ethnicity list and approval entry are defined once, in defs/common.json."""
    for path in our_files():
        text = path.read_text(encoding="utf-8")
        if rel(path) == "defs/common.json":
            continue
        for marker in ('"cn-id-card"', '"year-month"', '"仡佬族"', '"九三学社社员"', '"审核（审批）意见"',
                       '"是否为否定性意见（不同意推荐）"'):
            assert marker not in text, f"{rel(path)} 重复定义了 {marker}"


# --- samples and the API ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", OUR_FORMS)
def test_a_complete_sample_passes(forms, name):
    forms.validate(name, sample(name))


def test_names_accept_the_bpmn_file_property_form(forms):
    name = "000/recommend_individual"
    assert forms.schema(name + ".json") is forms.schema(name)
    assert forms.ui_schema(name + ".ui.json") == forms.ui_schema(name)
    assert name in forms.names() and "defs/common" not in forms.names() and "000/defs" not in forms.names()
    with pytest.raises(NotFound):
        forms.schema("000/no_such_form")


def test_validate_raises_with_dotted_field_errors(forms):
    data = sample("000/recommend_individual")
    del data["person"]["name"]
    data["person"]["gender"] = "M"
    with pytest.raises(ValidationFailed) as caught:
        forms.validate("000/recommend_individual.json", data)
    assert caught.value.message == "表单填写有误，请按提示修改（基本情况 · 姓名：必填；基本情况 · 性别：请从以下选项中选择：男、女）"
    assert caught.value.field_errors == {"person.name": "必填", "person.gender": "请从以下选项中选择：男、女"}
    assert caught.value.field_labels == {"person.name": "基本情况 · 姓名", "person.gender": "基本情况 · 性别"}


# --- the self-contained schema a browser renders ----------------------------------------------------

@pytest.mark.parametrize("name", OUR_FORMS)
def test_resolved_schema_is_self_contained_and_judges_like_the_original(forms, name):
    """No `$ref` is left, and the inlined schema gives the server's verdict on a good sample and on
    the same sample with each top-level field removed or emptied."""
    resolved = forms.resolved(name)
    assert "$ref" not in json.dumps(resolved)
    Draft202012Validator.check_schema(resolved)
    from engine.forms.forms import FORMAT_CHECKER, _field_errors
    plain = Draft202012Validator(resolved, format_checker=FORMAT_CHECKER)
    good = sample(name)
    variants = [good] + [{k: v for k, v in good.items() if k != key} for key in good] + \
               [{**good, key: ""} for key in good]
    for data in variants:
        assert _field_errors(plain.iter_errors(data)) == forms.errors(name, data)


def test_resolved_schema_keeps_sibling_keywords_over_the_shared_definition(forms):
    person = forms.resolved("003/recommend_individual")["properties"]["person"]
    assert person["properties"]["education"]["enum"] == ["初中", "高中", "大学专科", "大学本科", "研究生"]
    assert person["properties"]["name"]["title"] == "姓名"


def test_required_fields_say_必填(forms):
    errors = forms.errors("004/suggestion", {})
    assert errors["number"] == errors["summary"] == errors["approvals"] == "必填"


def test_enum_lists_the_notice_specific_options(forms):
    # 003 narrows 学历 to its five options; the narrower list is what the user is shown.
    expected = {"person.education": "请从以下选项中选择：初中、高中、大学专科、大学本科、研究生"}
    assert errors_after(forms, "003/recommend_individual", lambda d: d["person"].update(education="中专")) == expected
    # Outside both the shared list and 003's: still 003's list, not the shared one.
    assert errors_after(forms, "003/recommend_individual", lambda d: d["person"].update(education="博士")) == expected


# --- formats ---------------------------------------------------------------------------------------

FICTIONAL = "11010519491231002"


def test_check_digit_algorithm():
    # GB 11643 example number 11010519491231002X: its check character is X.
    assert id_card_check_char(FICTIONAL) == "X"
    assert id_card_check_char("50011219800505123") == "3"


@pytest.mark.parametrize("name,path,put", [
    ("000/recommend_individual", "person.id_card", lambda d, v: d["person"].update(id_card=v)),
    ("002/summary_individual", "items.0.id_card", lambda d, v: d["items"][0].update(id_card=v)),
    ("004/recommend_individual", "person.id_number", lambda d, v: d["person"].update(id_number=v)),
])
def test_id_card_check_digit(forms, name, path, put):
    good = FICTIONAL + id_card_check_char(FICTIONAL)
    wrong = FICTIONAL + ("1" if good[-1] != "1" else "2")

    def put_agreeing(d, v):  # the holder's 出生年月 and 性别 as the number encodes them (1949.12, 女)
        put(d, v)
        holder = d["items"][0] if "items" in d else d["person"]
        holder.update(birth_month="1949.12", gender="女")

    assert errors_after(forms, name, lambda d: put_agreeing(d, good)) == {}
    assert errors_after(forms, name, lambda d: put(d, wrong)) == {path: "身份证号校验位不正确"}


@pytest.mark.parametrize("value,message", [
    ("11010519491231002", "身份证号应为 18 位"),
    ("1101051949123100AX", "身份证号前 17 位须为数字，末位为数字或 X"),
    ("11010519491231002x", "身份证号末位 X 请大写"),
    ("99010519491231002" + id_card_check_char("99010519491231002"), "身份证号前两位地区代码不正确"),
    ("11010519490231002" + id_card_check_char("11010519490231002"), "身份证号中的出生日期不正确"),
])
def test_id_card_other_defects(forms, value, message):
    errors = errors_after(forms, "000/recommend_individual", lambda d: d["person"].update(id_card=value))
    assert errors == {"person.id_card": message}


def test_id_number_is_only_checked_for_resident_id_cards(forms):
    errors = errors_after(forms, "004/recommend_individual",
                          lambda d: d["person"].update(id_type="护照", id_number="E12345678"))
    assert errors == {}


@pytest.mark.parametrize("value,message", [
    ("1980.05", None), ("1980-05", "请按 YYYY.MM 格式填写，如 1980.05"), ("1980.5", "请按 YYYY.MM 格式填写，如 1980.05"),
    ("198005", "请按 YYYY.MM 格式填写，如 1980.05"), ("1980.13", "年月不正确，月份应为 01—12"),
])
def test_birth_month_is_yyyy_mm(forms, value, message):
    errors = errors_after(forms, "000/recommend_individual", lambda d: d["person"].update(birth_month=value))
    assert errors == ({"person.birth_month": message} if message else {})


def test_native_place_phone_date_email_postcode_messages(forms):
    def mutate(d):
        d["person"].update(native_place="重庆", phone="12345", postcode="4011")
        d["fill_date"] = "2025/08/15"
    errors = errors_after(forms, "000/recommend_individual", mutate)
    assert errors == {
        "person.native_place": "籍贯请按“XX省XX市（县、区）”格式填写，如“山西省忻州市”“重庆市渝北区”",
        "person.phone": "请填写有效的手机号码或固定电话，如 13800000000、023-63897023",
        "person.postcode": "邮政编码应为 6 位数字",
        "fill_date": "请按 YYYY-MM-DD 格式填写有效日期",
    }
    errors = errors_after(forms, "003/contact", lambda d: d["leader"].update(office_phone="3334026", email="abc"))
    assert errors == {"leader.office_phone": "须填写区号，如 0350-3334026", "leader.email": "电子邮箱格式不正确"}


# --- text limits -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name,field,limit", [
    ("000/recommend_individual", "deeds", 1500), ("000/recommend_collective", "deeds", 1500),
    ("001/recommend_individual", "deeds", 1500), ("002/recommend_collective", "deeds", 1500),
    ("003/recommend_individual", "deeds", 1500), ("004/recommend_individual", "deeds", 2000),
    ("004/recommend_collective", "deeds", 2000),
    ("000/recommend_individual", "brief_deeds", 500), ("001/recommend_collective", "brief_deeds", 500),
    ("004/suggestion", "summary", 200), ("004/suggestion", "reason", 500),
])
def test_text_limits_per_notice(forms, name, field, limit):
    assert errors_after(forms, name, lambda d: d.update({field: "事" * limit})) == {}
    assert errors_after(forms, name, lambda d: d.update({field: "事" * (limit + 1)})) == {
        field: f"不能超过 {limit} 个字"}


def test_1501_characters_fail_in_000_but_pass_in_004(forms):
    assert errors_after(forms, "000/recommend_individual", lambda d: d.update(deeds="事" * 1501))
    assert errors_after(forms, "004/recommend_individual", lambda d: d.update(deeds="事" * 1501)) == {}


def test_003_blank_cells_must_say_无(forms):
    errors = errors_after(forms, "003/recommend_collective", lambda d: d.update(awards="", punishments="  "))
    assert errors == {"awards": "不可空白，无相关情况请填写“无”", "punishments": "不可空白，无相关情况请填写“无”"}


def test_photo_rules(forms):
    errors = errors_after(forms, "000/recommend_individual", lambda d: d["photo"].update(
        background="蓝色", size_kb=600, file_name="photo.jpg", file_format="PNG"))
    assert errors == {
        "photo.background": "照片须为白色背景（通知要求）",
        "photo.size_kb": "照片文件大小须在 50—500KB 之间（通知要求）",
        "photo.file_name": "照片文件名应为“中文姓名—8位出生年月日”，如“李某某—19660101”",
        "photo.file_format": "照片须为 JPG 格式（通知要求）",
    }
    assert errors_after(forms, "003/recommend_individual", lambda d: d["photo"].update(background="白色")) == {
        "photo.background": "照片须为蓝色背景（通知要求）"}


# --- eligibility rules -----------------------------------------------------------------------------

def _set(path, value):
    def mutate(d):
        *parents, last = path.split(".")
        node = d
        for p in parents:
            node = node[int(p)] if p.isdigit() else node[p]
        node[last] = value
    return mutate


def _many(*mutations):
    def mutate(d):
        for m in mutations:
            m(d)
    return mutate


def _drop(path):
    def mutate(d):
        *parents, last = path.split(".")
        node = d
        for p in parents:
            node = node[p]
        del node[last]
    return mutate


ELIGIBILITY = [
    # years in the industry / field
    ("000/recommend_individual", _set("industry_years", 4.5), "industry_years", "须连续专职从事有色金属行业工作满 5 年"),
    ("000/first_review_register_individual", _set("industry_years", 3), "industry_years", "满 5 年"),
    ("001/recommend_individual", _set("industry_years", 2), "industry_years", "从事与制造业相关工作须满 3 年（含）"),
    ("003/recommend_individual", _set("field_years", 4), "field_years", "从业时间须满 5 年（含）"),
    ("003/summary_individual", _set("items.0.field_years", 4), "items.0.field_years", "满 5 年"),
    # prior 省部级 awards, unless a new major contribution
    ("000/recommend_individual", _many(_set("prior_provincial_award", True), _set("new_major_contribution", False),
                                       _set("new_major_contribution_detail", "无")),
     "new_major_contribution", "除有新的重大贡献外不再推荐"),
    ("000/recommend_individual", _set("prior_provincial_award", True), "new_major_contribution",
     "须填写获表彰后新的重大贡献情况"),
    ("001/recommend_individual", _many(_set("prior_provincial_award", True), _set("new_major_contribution", False),
                                       _set("new_major_contribution_detail", "无")),
     "new_major_contribution", "除有新的重大贡献外不再推荐"),
    ("001/recommend_collective", _many(_set("prior_industry_award", True), _set("new_major_contribution", False),
                                       _set("new_major_contribution_detail", "无")),
     "new_major_contribution", "全国或全市经信系统有关表彰"),
    # levels and cadres excluded
    ("001/recommend_individual", _set("person.admin_level", "副厅局级"), "person.admin_level", "副厅局级"),
    ("001/recommend_collective", _set("collective.level", "正厅局级"), "collective.level", "副厅局级"),
    ("004/recommend_individual", _set("person.admin_level", "副厅局级"), "person.admin_level", "副厅局级"),
    ("004/recommend_collective", _set("collective.level", "副厅局级"), "collective.level", "副厅局级"),
    ("003/recommend_individual", _set("person.admin_level", "副处级"), "person.admin_level", "副处级"),
    ("003/recommend_collective", _set("collective.level", "正处级"), "collective.level", "副处级"),
    ("003/summary_individual", _set("items.0.admin_level", "正处级"), "items.0.admin_level", "副处级"),
    ("001/recommend_individual", _set("is_city_managed_cadre", True), "is_city_managed_cadre", "市管干部"),
    ("002/recommend_individual", _set("is_city_managed_cadre", True), "is_city_managed_cadre", "市管干部"),
    ("004/recommend_individual", _set("is_city_managed_cadre", True), "is_city_managed_cadre", "市管干部"),
    ("000/recommend_individual", _set("is_institution_leader", True), "is_institution_leader", "事业单位领导人员"),
    ("000/recommend_collective", _set("collective.unit_nature", "中央企业"), "collective.unit_nature", "中央企业"),
    # annual assessments of 机关事业 staff
    ("002/recommend_individual", _set("annual_assessments.2.grade", "基本称职"), "annual_assessments.2.grade",
     "称职（合格）及以上"),
    ("002/recommend_individual", _drop("annual_assessments"), "annual_assessments", "年度考核情况"),
    ("002/recommend_individual", lambda d: d["annual_assessments"].pop(), "annual_assessments", "2018—2022"),
    ("004/recommend_individual", _set("annual_assessments.0.grade", "不合格"), "annual_assessments.0.grade",
     "称职（合格）及以上"),
    ("004/recommend_individual", _drop("annual_assessments"), "annual_assessments", "机关事业单位人员"),
    ("004/recommend_individual", _many(_set("category", "直接从事市人大代表联络的工作人员"),
                                       _set("person.unit_nature", "企业"), _set("deputy_work_years", 2.5)),
     "deputy_work_years", "专职从事代表工作须满 3 年"),
    # collectives: penalties, accidents, violations
    ("000/recommend_collective", _set("no_admin_penalty_5y", False), "no_admin_penalty_5y", "行政处罚"),
    ("001/recommend_collective", _set("no_major_accident_5y", False), "no_major_accident_5y", "重大责任事故"),
    ("001/recommend_collective", _set("not_dishonest", False), "not_dishonest", "失信"),
    ("002/recommend_collective", _set("approvals.unit.no_violation_5y", False), "approvals.unit.no_violation_5y",
     "违纪违法"),
    ("003/recommend_collective", _set("enterprise_excluded", True), "enterprise_excluded", "不予推荐"),
    ("003/recommend_collective", _drop("enterprise_excluded"), "enterprise_excluded", "推荐对象为企业的"),
    ("004/recommend_collective", _set("no_violation_this_term", False), "no_violation_this_term", "市五届人大以来"),
    # opinions: which departments must be consulted
    ("004/opinion_individual", _drop("opinions.united_front"), "opinions.united_front", "民主党派"),
    ("004/opinion_individual", _set("subject.is_enterprise_head", True), "opinions.tax", "企业负责人"),
    ("common/department_opinion", _set("opinion.adverse", True), "opinion.reason", "否定性意见须填写理由"),
    # workflow forms
    ("common/review_decision", lambda d: d["decisions"][1].pop("reason"), "decisions.1.reason", "不通过的须填写理由"),
    ("common/publicity_posting", _set("working_days", 3), "working_days", "不少于 5 个工作日"),
    ("common/objection", _set("anonymous", False), "objector", "实名反映"),
    ("common/objection_verification", _set("upheld", True), "handling", "异议属实"),
]


@pytest.mark.parametrize("name,mutate,path,expected", ELIGIBILITY,
                         ids=[f"{n}:{p}" for n, _, p, _ in ELIGIBILITY])
def test_each_rule_yields_its_field_error(forms, name, mutate, path, expected):
    errors = errors_after(forms, name, mutate)
    assert path in errors, errors
    assert expected in errors[path]


def test_rules_name_the_notice(forms):
    errors = errors_after(forms, "000/recommend_individual", _set("industry_years", 4))
    assert errors == {"industry_years": "须连续专职从事有色金属行业工作满 5 年（通知要求）"}


def test_conditional_rules_stay_quiet_when_they_do_not_apply(forms):
    # Enterprise staff in 002 need no annual assessments; 004 non-liaison, non-organ people neither.
    assert errors_after(forms, "002/recommend_individual", _many(
        _drop("annual_assessments"), _set("person.identity", "企业职工"))) == {}
    assert errors_after(forms, "004/recommend_individual", _many(
        _drop("annual_assessments"), _set("person.unit_nature", "企业"))) == {}
    # A prior award with a documented new major contribution may be recommended.
    assert errors_after(forms, "000/recommend_individual", _many(
        _set("prior_provincial_award", True), _set("new_major_contribution", True),
        _set("new_major_contribution_detail", "2024年主持完成某重大技改项目"))) == {}
    # Anonymous objections are accepted without objector details.
    assert errors_after(forms, "common/objection", _set("anonymous", True)) == {}


# --- message for every validator kind --------------------------------------------------------------

def test_generic_messages_for_each_validator_kind(tmp_path):
    (tmp_path / "t.json").write_text(json.dumps({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "s": {"type": "string", "minLength": 3, "maxLength": 4, "pattern": "^a"},
            "n": {"type": "number", "minimum": 1, "maximum": 9, "multipleOf": 2},
            "e": {"exclusiveMinimum": 0}, "f": {"exclusiveMaximum": 0},
            "c": {"const": True}, "t": {"type": "integer"},
            "a": {"type": "array", "minItems": 2, "maxItems": 3, "uniqueItems": True},
            "not_": {"not": {"const": 1}},
            "custom": {"type": "string", "errorMessage": "自定义提示"},
        },
    }), encoding="utf-8")
    forms = FormRegistry(tmp_path)
    assert forms.errors("t", {"s": "b", "n": 11, "e": 0, "f": 0, "c": False, "t": 1.5, "a": [1],
                              "not_": 1, "custom": 5}) == {
        "s": "格式不正确",  # the later keyword of the same value wins: pattern after minLength
        "n": "应为 2 的整数倍",
        "e": "应大于 0", "f": "应小于 0", "c": "应为“是”", "t": "应填写整数", "a": "至少填写 2 项",
        "not_": "填写的内容不符合要求", "custom": "自定义提示",
    }
    assert forms.errors("t", {"s": "aaaaa", "a": [1, 1], "n": 0})["s"] == "不能超过 4 个字"
    assert forms.errors("t", {"a": [1, 1]}) == {"a": "不能有重复项"}
    assert forms.errors("t", {"a": [1, 2, 3, 4]}) == {"a": "最多填写 3 项"}
    assert forms.errors("t", {"n": 0}) == {"n": "不能小于 1"}
    assert forms.errors("t", []) == {"_form": "应填写对象"}


# --- cross-field: the ID number against 出生年月 and 性别 --------------------------------------------

@pytest.mark.parametrize("name,person,id_key", [
    ("000/recommend_individual", "person", "id_card"),
    ("001/recommend_individual", "person", "id_card"),
    ("004/recommend_individual", "person", "id_number"),
])
def test_birth_month_and_gender_must_agree_with_the_id_number(forms, name, person, id_key):
    data = sample(name)
    id_card = data[person][id_key]
    born = f"{id_card[6:10]}.{id_card[10:12]}"
    sex = "男" if int(id_card[16]) % 2 else "女"
    assert forms.errors(name, data) == {}
    data[person]["birth_month"] = "1995.01" if born != "1995.01" else "1996.02"
    data[person]["gender"] = "女" if sex == "男" else "男"
    errors = forms.errors(name, data)
    assert errors[f"{person}.birth_month"] == f"与身份证号中的出生年月（{born}）不一致"
    assert errors[f"{person}.gender"] == f"与身份证号中的性别（{sex}）不一致"


def test_rows_of_a_summary_table_are_checked_each(forms):
    data = sample("002/summary_individual")
    row = data["items"][0]
    row["birth_month"] = "1901.01"
    assert forms.errors("002/summary_individual", data) == {
        "items.0.birth_month": f"与身份证号中的出生年月（{row['id_card'][6:10]}.{row['id_card'][10:12]}）不一致"}
