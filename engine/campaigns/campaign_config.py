"""The campaign config of a variant (processes/<variant>/campaign.json), validated on load."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from engine.campaigns import rules
from engine.errors import ValidationFailed
from engine.timekeeping.workdays import CONVENTIONS

AWARD_TYPES = ("collective", "individual", "suggestion", "station")


class QuotaSchema(Schema):
    unit = fields.String(required=True, validate=validate.Length(min=1))
    kind = fields.String(load_default="")  # 区 / 县 / 市级部门 …: for people reading the config
    limits = fields.Dict(keys=fields.String(validate=validate.OneOf(AWARD_TYPES + ("total",))),
                         values=fields.Integer(validate=validate.Range(min=0)), required=True)


class RatioCapSchema(Schema):
    id = fields.String(required=True)
    label = fields.String(required=True)
    tag = fields.String(required=True)  # counted candidates carry this tag
    scope = fields.String(required=True, validate=validate.OneOf(AWARD_TYPES + ("all",)))
    max = fields.Float(load_default=None, validate=validate.Range(min=0, max=1))
    min = fields.Float(load_default=None, validate=validate.Range(min=0, max=1))

    @validates_schema
    def one_bound(self, data, **_):
        if (data.get("max") is None) == (data.get("min") is None):
            raise ValidationError("比例上限 max 与下限 min 必须且只能填写一个", "max")


class ConditionSchema(Schema):
    field = fields.String(required=True)  # a path in the form's data, e.g. person.admin_level
    equals = fields.Raw(load_default=None)
    in_ = fields.List(fields.Raw(), data_key="in", load_default=None)
    contains = fields.List(fields.String(), load_default=None)
    not_in = fields.List(fields.Raw(), load_default=None)

    @validates_schema
    def one_test(self, data, **_):
        if sum(data.get(k) is not None for k in ("equals", "in_", "contains", "not_in")) != 1:
            raise ValidationError("条件须且只能填写 equals、in、not_in、contains 之一", "field")

    @post_load
    def compact(self, data, **_):
        out = {"field": data["field"]}
        for key, name in (("equals", "equals"), ("in_", "in"), ("contains", "contains"), ("not_in", "not_in")):
            if data.get(key) is not None:
                out[name] = data[key]
        return out


class FactSchema(Schema):
    fact = fields.String(required=True, validate=validate.Length(min=1))
    quote = fields.String(required=True, validate=validate.Length(min=1))  # the notice's words
    declared = fields.Boolean(load_default=False)  # the form has no field for it: the nominator says
    any = fields.List(fields.Nested(ConditionSchema), load_default=list)

    @validates_schema
    def source(self, data, **_):
        if data.get("declared") == bool(data.get("any")):
            raise ValidationError(f"事实「{data.get('fact')}」须由审批表条件（any）认定或由推荐时标注（declared），二者选一", "any")


class RuleSchema(Schema):
    id = fields.String(required=True, validate=validate.Length(min=1))
    kind = fields.String(required=True, validate=validate.OneOf(rules.KINDS))
    quote = fields.String(required=True, validate=validate.Length(min=1))  # the notice's words
    force = fields.String(load_default="binding", validate=validate.OneOf(rules.FORCES))
    at = fields.List(fields.String(), load_default=list)  # reviewStage names; empty: checksRatioCaps steps
    fact = fields.String(load_default=None)
    requires = fields.String(load_default=None)
    scope = fields.String(load_default="all", validate=validate.OneOf(AWARD_TYPES + ("all",)))
    base = fields.String(load_default="selected", validate=validate.OneOf(("selected", "total")))
    total_of = fields.List(fields.String(validate=validate.OneOf(AWARD_TYPES)), load_default=None)
    max = fields.Float(load_default=None, validate=validate.Range(min=0))
    min = fields.Float(load_default=None, validate=validate.Range(min=0, max=1))
    per = fields.String(load_default=None, validate=validate.OneOf(("unit",)))
    unit_kinds = fields.List(fields.String(), load_default=list)
    extra = fields.Integer(load_default=0, validate=validate.Range(min=0))
    min_count = fields.Integer(load_default=None, validate=validate.Range(min=1))
    bonus = fields.Dict(keys=fields.String(validate=validate.OneOf(("fact", "requires", "scope"))),
                        values=fields.String(), load_default=None)

    @validates_schema
    def complete(self, data, **_):
        kind = data["kind"]
        if kind in ("cap", "limit", "pairing") and not data.get("fact"):
            raise ValidationError(f"规则 {data['id']} 须指明所计的事实 fact", "fact")
        if kind == "pairing" and not data.get("requires"):
            raise ValidationError(f"规则 {data['id']} 须指明配套的事实 requires", "requires")
        if kind == "cap":
            if (data.get("max") is None) == (data.get("min") is None):
                raise ValidationError(f"比例规则 {data['id']} 的上限 max 与下限 min 必须且只能填写一个", "max")
            if data.get("max") is not None and data["max"] > 1:
                raise ValidationError(f"比例规则 {data['id']} 的上限应在 0 到 1 之间", "max")
        if kind == "minimum" and data.get("min_count") is None:
            raise ValidationError(f"最少数量规则 {data['id']} 须填写 min_count", "min_count")
        if kind == "limit" and data.get("max") is None:
            raise ValidationError(f"数量规则 {data['id']} 须填写最多数量 max", "max")

    @post_load
    def compact(self, data, **_):
        return {k: v for k, v in data.items() if v not in (None, [], 0) or k in ("max", "min") and v == 0}


class PublicitySchema(Schema):
    days = fields.Integer(load_default=5, validate=validate.Range(min=1, max=30))
    convention = fields.String(load_default="posting-day", validate=validate.OneOf(CONVENTIONS))


class OutcomesSchema(Schema):
    """End events (by name) the engine must tell apart: see engine/definitions/contract.py."""
    selected = fields.List(fields.String(validate=validate.Length(min=1)), required=True,
                           validate=validate.Length(min=1))  # 表彰 / 排序上报…: stays in the selected set
    quota_returned = fields.List(fields.String(validate=validate.Length(min=1)), load_default=list)  # 视为放弃


class CampaignConfigSchema(Schema):
    variant = fields.String(required=True)
    title = fields.String(required=True)
    notice = fields.String(required=True)  # 文号, e.g. 渝人社〔2026〕232号
    process_id = fields.String(required=True)
    award_types = fields.Dict(keys=fields.String(validate=validate.OneOf(AWARD_TYPES)),
                              values=fields.String(), required=True)
    candidate_types = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    tags = fields.List(fields.String(), load_default=list)
    deadlines = fields.Dict(keys=fields.String(), values=fields.Date(), required=True)
    publicity = fields.Nested(PublicitySchema, load_default=lambda: PublicitySchema().load({}))
    opinion_reminder_workdays = fields.Integer(load_default=3, validate=validate.Range(min=1, max=30))
    totals = fields.Dict(keys=fields.String(), values=fields.Integer(validate=validate.Range(min=0)), load_default=dict)
    quotas = fields.List(fields.Nested(QuotaSchema), required=True)
    ratio_caps = fields.List(fields.Nested(RatioCapSchema), load_default=list)  # before rules: see migration 0006
    facts = fields.List(fields.Nested(FactSchema), load_default=list)
    rules = fields.List(fields.Nested(RuleSchema), load_default=list)
    forms = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict)
    outcomes = fields.Nested(OutcomesSchema, required=True)

    @validates_schema
    def consistent(self, data, **_):
        units = [q["unit"] for q in data.get("quotas", [])]
        duplicates = sorted({u for u in units if units.count(u) > 1})
        if duplicates:
            raise ValidationError(f"推荐单位重复：{'、'.join(duplicates)}", "quotas")
        known = set(data.get("tags", []))
        for cap in data.get("ratio_caps", []):
            if cap["tag"] not in known:
                raise ValidationError(f"比例限制 {cap['id']} 引用了未声明的标签 {cap['tag']}", "ratio_caps")
        facts = {f["fact"] for f in data.get("facts", [])}
        ids = [r["id"] for r in data.get("rules", [])]
        if len(ids) != len(set(ids)):
            raise ValidationError("规则编号重复", "rules")
        for rule in data.get("rules", []):
            for _name, value in (("fact", rule.get("fact")), ("requires", rule.get("requires")),
                                *((f"bonus.{k}", (rule.get("bonus") or {}).get(k)) for k in ("fact", "requires"))):
                if value and value not in facts:
                    raise ValidationError(f"规则 {rule['id']} 引用了未定义的事实「{value}」", "rules")
            if rule["kind"] == "total" and rule.get("max") is None and rule.get("scope", "all") not in data.get("totals", {}):
                raise ValidationError(f"总数规则 {rule['id']} 没有 max，且 totals 中没有 {rule.get('scope')}", "rules")


def _flatten(messages, prefix="") -> dict[str, str]:
    out = {}
    for key, value in messages.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            out.update(_flatten(value, path))
        else:
            out[path] = "；".join(_zh(v) for v in value)
    return out


_ZH = {
    "Missing data for required field.": "必填",
    "Not a valid integer.": "应为整数",
    "Not a valid date.": "应为日期（YYYY-MM-DD）",
    "Not a valid string.": "应为文字",
    "Unknown field.": "未知字段",
    "Must be one of": "取值不在允许范围内",
}


def _zh(message: str) -> str:
    for english, chinese in _ZH.items():
        if message.startswith(english):
            return chinese
    return message


def load_config(data: dict) -> dict:
    """Validated config (dates as ISO strings, so it can be stored as JSON)."""
    try:
        config = CampaignConfigSchema().load(data)
    except ValidationError as exc:
        raise ValidationFailed("评选活动配置有误", _flatten(exc.messages)) from exc
    config["deadlines"] = {k: v.isoformat() for k, v in config["deadlines"].items()}
    return config


def shifted_deadlines(deadlines: dict, last: date) -> dict:
    """The notice's deadlines moved together so that the latest falls on `last`, keeping the gaps
    between them (003's 联系表 three weeks before its materials): a demo or a re-run next year."""
    days = {k: date.fromisoformat(v) for k, v in deadlines.items()}
    delta = last - max(days.values())
    return {k: (d + delta).isoformat() for k, d in days.items()}


def load_variant_config(processes_dir: Path, variant: str, deadlines: dict | None = None) -> dict:
    path = Path(processes_dir) / variant / "campaign.json"
    if not path.is_file():
        raise ValidationFailed(f"变体 {variant} 没有评选活动配置文件 campaign.json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        declared = data.get("deadlines", {})
        # Deadlines join each nomination's start data: only the notice's own dates may be moved,
        # so an override can never name a routing field (recommending_unit …) or anything else.
        unknown = sorted(set(deadlines or {}) - set(declared))
        if unknown:
            allowed = "、".join(declared) or "（本变体没有可调整的截止日期）"
            raise ValidationFailed("截止日期中含有本次评选没有的项目",
                                   {f"deadlines.{key}": f"不是本变体的截止日期，可调整的有：{allowed}" for key in unknown})
        data["deadlines"] = {**declared, **(deadlines or {})}
        return load_config(data)
    except json.JSONDecodeError as exc:
        raise ValidationFailed(f"{path.name} 不是合法的 JSON：第 {exc.lineno} 行 {exc.msg}") from exc
