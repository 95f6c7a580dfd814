"""JSON-Schema forms of user tasks: loading, offline $ref resolution, and Chinese field errors.

Every file under forms_dir is registered in one `referencing.Registry` under its forms_dir-relative
POSIX path (e.g. "defs/common.json"), so nothing is ever fetched. Resolution rules, shared with
engine/lint/forms.py:

* A form's `$id` is "pingxuan:forms/<path>". That scheme is opaque (not hierarchical), so the
  relative `$ref`s of a form start at forms_dir: "defs/common.json#/$defs/id_card",
  "000/defs.json#/$defs/photo".
* Shared files (defs/common.json, NNN/defs.json) have no `$id`; their refs are relative to their own
  path ("../defs/common.json#/$defs/photo", "#/$defs/gender").

Messages: a schema may carry a non-standard `errorMessage` keyword, either a string (for any failure
at that node) or an object keyed by validator kind ({"pattern": "…", "minimum": "…"}); otherwise a
generic Chinese message is built per validator kind. Format checkers raise ValueError with a Chinese
explanation, which wins over both because it says exactly what is wrong.
"""
from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError, ValidationError
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from engine.errors import DefinitionError, NotFound, ValidationFailed

FORM_ID_PREFIX = "pingxuan:forms/"
SUMMARY_MESSAGE = "表单填写有误，请按提示修改"
ROOT_FIELD = "_form"  # key for errors about the form as a whole

# --- formats -------------------------------------------------------------------------------------
# jsonschema only asserts "format" when given a FormatChecker; this one keeps the standard checks
# ("date", "email", …) and adds ours.
FORMAT_CHECKER = FormatChecker()

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
# First two digits: province-level division codes (GB/T 2260), plus 71/81/82/83 used for Taiwan,
# Hong Kong and Macao residents' numbers.
_ID_PROVINCES = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
                 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}


def id_card_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of an 18-character resident ID number (GB 11643)."""
    return _ID_CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS)) % 11]


@FORMAT_CHECKER.checks("cn-id-card", raises=ValueError)
def _is_id_card(value) -> bool:
    if not isinstance(value, str):
        return True
    if len(value) != 18:
        raise ValueError("身份证号应为 18 位")
    if not re.fullmatch(r"\d{17}[\dXx]", value):
        raise ValueError("身份证号前 17 位须为数字，末位为数字或 X")
    if value[-1] == "x":
        raise ValueError("身份证号末位 X 请大写")
    if int(value[:2]) not in _ID_PROVINCES:
        raise ValueError("身份证号前两位地区代码不正确")
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValueError("身份证号中的出生日期不正确") from None
    if born.year < 1900 or born > date.today():
        raise ValueError("身份证号中的出生日期不正确")
    if id_card_check_char(value[:17]) != value[-1]:
        raise ValueError("身份证号校验位不正确")
    return True


@FORMAT_CHECKER.checks("year-month", raises=ValueError)
def _is_year_month(value) -> bool:
    if not isinstance(value, str):
        return True
    m = re.fullmatch(r"(\d{4})\.(\d{2})", value)
    if not m:
        raise ValueError("请按 YYYY.MM 格式填写，如 1980.05")
    if not 1900 <= int(m[1]) <= 2100 or not 1 <= int(m[2]) <= 12:
        raise ValueError("年月不正确，月份应为 01—12")
    return True


# --- messages ------------------------------------------------------------------------------------
_TYPE_NAMES = {"string": "文本", "number": "数字", "integer": "整数", "boolean": "是或否", "array": "列表",
               "object": "对象", "null": "空值"}
_FORMAT_MESSAGES = {"date": "请按 YYYY-MM-DD 格式填写有效日期", "email": "电子邮箱格式不正确",
                    "cn-id-card": "身份证号不正确", "year-month": "请按 YYYY.MM 格式填写，如 1980.05"}


def _show(value) -> str:
    if value is True:
        return "是"
    if value is False:
        return "否"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _default_message(err: ValidationError) -> str:
    kind, v = err.validator, err.validator_value
    generic = {
        "maxLength": lambda: f"不能超过 {v} 个字",
        "minLength": lambda: "不能为空" if v == 1 else f"不能少于 {v} 个字",
        "pattern": lambda: "格式不正确",
        "format": lambda: _FORMAT_MESSAGES.get(v, "格式不正确"),
        "enum": lambda: "请从以下选项中选择：" + "、".join(_show(x) for x in v),
        "const": lambda: f"应为“{_show(v)}”",
        "type": lambda: "应填写" + "或".join(_TYPE_NAMES.get(t, t) for t in ([v] if isinstance(v, str) else v)),
        "minimum": lambda: f"不能小于 {_show(v)}",
        "maximum": lambda: f"不能大于 {_show(v)}",
        "exclusiveMinimum": lambda: f"应大于 {_show(v)}",
        "exclusiveMaximum": lambda: f"应小于 {_show(v)}",
        "multipleOf": lambda: f"应为 {_show(v)} 的整数倍",
        "minItems": lambda: f"至少填写 {v} 项",
        "maxItems": lambda: f"最多填写 {v} 项",
        "uniqueItems": lambda: "不能有重复项",
        "contains": lambda: "缺少必需的项",
        "not": lambda: "填写的内容不符合要求",
        "anyOf": lambda: "不符合任何一种允许的填写方式",
        "oneOf": lambda: "不符合任何一种允许的填写方式",
    }
    return generic.get(kind, lambda: "填写不正确")()


def _custom_message(err: ValidationError) -> str | None:
    custom = err.schema.get("errorMessage") if isinstance(err.schema, dict) else None
    if isinstance(custom, dict):
        custom = custom.get(err.validator)
    return custom if isinstance(custom, str) else None


def _path(parts) -> str:
    return ".".join(str(p) for p in parts) or ROOT_FIELD


def _field_errors(errors) -> dict[str, str]:
    """One message per dotted field path.

    When one value breaks two constraints (a shared enum and a notice's narrower enum, say), the
    later keyword is the more specific one, unless only the earlier carries an errorMessage.
    """
    found: dict[str, tuple[str, bool]] = {}

    def put(path: str, message: str, custom: bool) -> None:
        if path in found and found[path][1] and not custom:
            return
        found[path] = (message, custom)

    for err in errors:
        custom = _custom_message(err)
        base = list(err.absolute_path)
        if err.validator in ("required", "dependentRequired", "additionalProperties",
                             "unevaluatedProperties") and isinstance(err.instance, dict):
            for name in _named_properties(err):
                put(_path([*base, name]), custom or ("不允许填写此项" if "Properties" in err.validator else "必填"),
                    custom is not None)
            continue
        if err.validator == "format" and err.cause is not None and str(err.cause):
            put(_path(base), str(err.cause), True)  # the checker's own explanation
            continue
        put(_path(base), custom or _default_message(err), custom is not None)
    return {path: message for path, (message, _) in found.items()}


def _named_properties(err: ValidationError) -> list[str]:
    instance, v = err.instance, err.validator_value
    if err.validator == "required":
        return [name for name in v if name not in instance]
    if err.validator == "dependentRequired":
        return [d for name, deps in v.items() if name in instance for d in deps if d not in instance]
    # additional/unevaluated: jsonschema quotes the offending names in its message.
    return [name for name in instance if repr(name) in err.message]


# --- cross-field checks --------------------------------------------------------------------------

def _valid_id_card(value) -> bool:
    try:
        return isinstance(value, str) and _is_id_card(value)
    except ValueError:
        return False


def _is_id_field(schema: dict, value) -> bool:
    title = schema.get("title") or ""
    return schema.get("format") == "cn-id-card" or (("身份证" in title or "证件号码" in title) and _valid_id_card(value))


def id_card_disagreements(schema: dict, data, path: tuple = ()) -> dict[str, str]:
    """Wherever an object holds a valid resident ID number beside a 出生年月 or 性别, the three must
    agree: the number encodes the birth date (digits 7–14) and the sex (digit 17, odd for 男)."""
    errors: dict[str, str] = {}
    if isinstance(data, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(data):
            errors.update(id_card_disagreements(schema["items"], item, (*path, str(i))))
        return errors
    properties = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(data, dict) or not isinstance(properties, dict):
        return errors
    id_card = next((data[k] for k, sub in properties.items() if isinstance(sub, dict) and k in data
                    and _is_id_field(sub, data[k]) and _valid_id_card(data[k])), None)
    for key, sub in properties.items():
        if not isinstance(sub, dict) or key not in data:
            continue
        value, where = data[key], ".".join((*path, key))
        if id_card and sub.get("format") == "year-month" and "出生" in (sub.get("title") or "") \
                and isinstance(value, str) and value != f"{id_card[6:10]}.{id_card[10:12]}":
            errors[where] = f"与身份证号中的出生年月（{id_card[6:10]}.{id_card[10:12]}）不一致"
        elif id_card and sub.get("enum") == ["男", "女"] and value in ("男", "女") \
                and value != ("男" if int(id_card[16]) % 2 else "女"):
            errors[where] = f"与身份证号中的性别（{'男' if int(id_card[16]) % 2 else '女'}）不一致"
        elif isinstance(value, (dict, list)):
            errors.update(id_card_disagreements(sub, value, (*path, key)))
    return errors


# --- registry ------------------------------------------------------------------------------------
class FormRegistry:
    """All form schemas under forms_dir, loaded once. Form names are forms_dir-relative paths, with
    or without ".json" ("000/recommend_individual" or "000/recommend_individual.json")."""

    def __init__(self, forms_dir: Path):
        self.forms_dir = Path(forms_dir)
        self._schemas: dict[str, dict] = {}
        self._ui: dict[str, dict] = {}
        resources = []
        for path in sorted(self.forms_dir.rglob("*.json")):
            rel = path.relative_to(self.forms_dir).as_posix()
            try:
                doc = json.loads(path.read_text(encoding="utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise DefinitionError(f"表单文件 {rel} 不是合法的 JSON：{exc}") from exc
            if rel.endswith(".ui.json"):
                self._ui[rel[: -len(".ui.json")]] = doc
                continue
            try:
                Draft202012Validator.check_schema(doc)
            except SchemaError as exc:
                raise DefinitionError(f"表单文件 {rel} 不是合法的 JSON Schema：{exc.message}") from exc
            self._schemas[rel[: -len(".json")]] = doc
            resources.append((rel, DRAFT202012.create_resource(doc)))
        self.registry = Registry().with_resources(resources).crawl()
        self._validators: dict[str, Draft202012Validator] = {}
        self._resolved: dict[str, dict] = {}
        self._decided: dict[str, list] = {}

    @staticmethod
    def _key(name: str) -> str:
        name = name.removeprefix(FORM_ID_PREFIX).lstrip("/")
        for suffix in (".ui.json", ".json"):
            if name.endswith(suffix):
                return name[: -len(suffix)]
        return name

    def names(self) -> list[str]:
        """Form names; shared definition files (defs/…, NNN/defs) are not forms."""
        return [n for n in self._schemas if not (n.startswith("defs/") or n.endswith("/defs"))]

    def schema(self, name: str) -> dict:
        try:
            return self._schemas[self._key(name)]
        except KeyError:
            raise NotFound(f"表单 {name} 不存在") from None

    def ui_schema(self, name: str) -> dict | None:
        return self._ui.get(self._key(name))

    def validator(self, name: str) -> Draft202012Validator:
        key = self._key(name)
        if key not in self._validators:
            self._validators[key] = Draft202012Validator(
                self.schema(key), registry=self.registry, format_checker=FORMAT_CHECKER)
        return self._validators[key]

    def errors(self, name: str, data) -> dict[str, str]:
        """{dotted field path: Chinese message}; empty when the data is valid."""
        errors = _field_errors(self.validator(name).iter_errors(data))
        for path, message in id_card_disagreements(self.resolved(name), data).items():
            errors.setdefault(path, message)
        return errors

    def resolved(self, name: str) -> dict:
        """The form as one self-contained schema, every `$ref` inlined: what a browser renders
        (rjsf cannot fetch our opaque "pingxuan:forms/…" references). Rendering only: the server
        validates with the original schema, whose verdict is final."""
        key = self._key(name)
        if key not in self._resolved:
            self._resolved[key] = inline_refs(self.schema(key), self.registry.resolver(FORM_ID_PREFIX + key + ".json"))
        return self._resolved[key]

    def decided_fields(self, name: str) -> list[tuple[tuple[str, ...], str]]:
        """(field path, task-data path) of every field the schema marks `"decidedBy": "…"`."""
        key = self._key(name)
        if key not in self._decided:
            self._decided[key] = list(_decided_by(self.resolved(key)))
        return self._decided[key]

    def labels(self, name: str, paths) -> dict[str, str]:
        """{dotted path: the field's label}, e.g. "person.name" → "基本情况 · 姓名"."""
        schema = self.resolved(name)
        return {path: label for path in paths if (label := field_label(schema, path))}

    def validate_not_past(self, name: str, data, today: date) -> None:
        """A date that starts a period must not be before `today` (the command's day, Beijing
        time): a publicity posted "last week" would end at once and skip its 5 working days."""
        schema = self.resolved(name)
        errors = {path: f"不能早于今天（{today.year}年{today.month}月{today.day}日）；更正已过去的日期须由系统管理员办理并说明理由"
                  for path, value, _ in _marked(schema, data, "notBeforeToday") if (day := _parsed_date(value)) and day < today}
        if errors:
            raise self.refusal(name, errors)

    def upload_refs(self, name: str, data) -> list[tuple[str, str, str]]:
        """(dotted path, upload id, kind) of every filled field marked `"uploadOf": "<kind>"`: the
        id must name a file really uploaded, or the printed 审批表 would lack its photo."""
        return list(_marked(self.resolved(name), data, "uploadOf"))

    def validate(self, name: str, data) -> None:
        field_errors = self.errors(name, data)
        if field_errors:
            raise self.refusal(name, field_errors)

    def refusal(self, name: str, field_errors: dict[str, str]) -> ValidationFailed:
        """The error that refuses a form: the fields in the order the form reads, each with its label."""
        schema = self.resolved(name)
        field_errors = dict(sorted(field_errors.items(), key=lambda item: field_position(schema, item[0])))
        labels = self.labels(name, field_errors)
        return ValidationFailed(summary(field_errors, labels), field_errors=field_errors, field_labels=labels)


def _marked(schema, data, keyword: str, path=()):
    """(dotted path, value, the keyword's value) of every filled text field whose schema carries
    `keyword` (e.g. `"notBeforeToday": true`, `"uploadOf": "photo"`)."""
    if not isinstance(schema, dict) or not isinstance(data, dict):
        return
    for name, sub in (schema.get("properties") or {}).items():
        if name not in data or not isinstance(sub, dict):
            continue
        if sub.get(keyword) and isinstance(data[name], str) and data[name]:
            yield ".".join((*path, name)), data[name], sub[keyword]
        yield from _marked(sub, data[name], keyword, (*path, name))


def _decided_by(schema, path=()):
    for name, sub in ((schema.get("properties") or {}) if isinstance(schema, dict) else {}).items():
        if isinstance(sub, dict) and isinstance(sub.get("decidedBy"), str):
            yield (*path, name), sub["decidedBy"]
        yield from _decided_by(sub, (*path, name))


def summary(field_errors: dict[str, str], labels: dict[str, str], shown: int = 3) -> str:
    """The headline of a refused form, naming the first fields so a user knows where to look."""
    parts = [f"{labels.get(path, path)}：{message}" for path, message in list(field_errors.items())[:shown]]
    more = f"等 {len(field_errors)} 处" if len(field_errors) > shown else ""
    return f"{SUMMARY_MESSAGE}（{'；'.join(parts)}{more}）"


def _parsed_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


# --- self-contained schemas ----------------------------------------------------------------------
_MERGED_MAPS = ("properties", "$defs", "patternProperties", "dependentSchemas")


def _merge(base: dict, over: dict) -> dict:
    """A `$ref` target with its sibling keywords applied on top, as 2020-12 applies both: maps of
    subschemas merge per key, `required` lists unite, anything else the sibling (narrower) wins."""
    out = dict(base)
    for key, value in over.items():
        if key in _MERGED_MAPS and isinstance(out.get(key), dict) and isinstance(value, dict):
            merged = dict(out[key])
            for name, sub in value.items():
                merged[name] = _merge(merged[name], sub) if isinstance(merged.get(name), dict) and isinstance(sub, dict) else sub
            out[key] = merged
        elif key == "required" and isinstance(out.get(key), list) and isinstance(value, list):
            out[key] = list(dict.fromkeys([*out[key], *value]))
        elif key == "allOf" and isinstance(out.get(key), list) and isinstance(value, list):
            out[key] = [*out[key], *value]
        else:
            out[key] = value
    return out


def inline_refs(schema, resolver, depth: int = 0):
    """Replace every `$ref` by its target (resolved with `referencing`, offline), recursively."""
    if depth > 64:
        raise DefinitionError("表单引用层级过深或存在循环引用")
    if isinstance(schema, list):
        return [inline_refs(item, resolver, depth) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        found = resolver.lookup(schema["$ref"])
        target = inline_refs(found.contents, found.resolver, depth + 1)
        siblings = {k: v for k, v in schema.items() if k != "$ref"}
        schema = _merge(target, inline_refs(siblings, resolver, depth))
        return {k: v for k, v in schema.items() if k not in ("$id", "$defs")}
    # Nothing refers to "$defs" or an "$id" once every reference is inlined.
    return {k: inline_refs(v, resolver, depth) for k, v in schema.items() if k not in ("$id", "$defs")}


def field_position(schema: dict, path: str) -> tuple:
    """Where a field stands in the form (properties in their order, array items by index), so that
    errors read from top to bottom as the form does; unknown parts sort last."""
    position: list[int] = []
    node: dict | None = schema
    for part in path.split("."):
        if isinstance(node, dict) and part.isdigit() and isinstance(node.get("items"), dict):
            position.append(int(part))
            node = node["items"]
            continue
        names = list((node.get("properties") or {}) if isinstance(node, dict) else ())
        position.append(names.index(part) if part in names else len(names) + 1_000_000)
        node = (node.get("properties") or {}).get(part) if isinstance(node, dict) else None
    return tuple(position)


def field_label(schema: dict, path: str) -> str | None:
    """The titles along a dotted path of a resolved schema, joined (array indexes shown as 第 N 项)."""
    if path == ROOT_FIELD:
        return None
    titles: list[str] = []
    node: dict | None = schema
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        if part.isdigit() and isinstance(node.get("items"), dict):
            node = node["items"]
            titles.append(f"第 {int(part) + 1} 项")
            continue
        node = (node.get("properties") or {}).get(part)
        if not isinstance(node, dict):
            return None
        titles.append(node.get("title") or part)
    return " · ".join(titles) if titles else None
