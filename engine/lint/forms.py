"""User tasks must point at form files that exist and are valid JSON Schema."""
from __future__ import annotations

import json
import posixpath
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from engine.lint.report import NS, Report

SCHEMA_PROP = "formJsonSchemaFilename"
UI_PROP = "formUiSchemaFilename"
_MISSING = object()


class FormFiles:
    """Reads files under forms_dir once per lint run; paths are POSIX-style and relative."""

    def __init__(self, forms_dir: Path):
        self.root = Path(forms_dir).resolve()
        self._cache: dict[str, tuple[object, str | None]] = {}
        self._by_uri: dict[str, str] | None = None
        self._prefixes: set[str] = set()

    def load(self, rel: str) -> tuple[object, str | None]:
        """(document, None) or (None, problem in Chinese)."""
        if rel not in self._cache:
            self._cache[rel] = self._load(rel)
        return self._cache[rel]

    def uri_to_rel(self, uri: str) -> str | None:
        """The file an absolute URI names: one whose $id it is, or one under the prefix those $ids
        share (defs/common.json with $id https://x/forms/defs/common.json gives https://x/forms/)."""
        if self._by_uri is None:
            self._by_uri = {}
            for path in sorted(self.root.rglob("*.json")):
                rel = path.relative_to(self.root).as_posix()
                doc, _ = self.load(rel)
                schema_id = doc.get("$id") if isinstance(doc, dict) else None
                if isinstance(schema_id, str):
                    schema_id = urldefrag(schema_id).url
                    self._by_uri[schema_id] = rel
                    if schema_id.endswith("/" + rel):
                        self._prefixes.add(schema_id[: -len(rel)])
        if uri in self._by_uri:
            return self._by_uri[uri]
        return next((uri[len(p):] for p in sorted(self._prefixes) if uri.startswith(p)), None)

    def _load(self, rel: str):
        try:
            path = (self.root / rel).resolve()
            # A form path comes from an uploaded diagram: it must not reach outside the forms folder.
            if rel.startswith("/") or not path.is_relative_to(self.root):
                return None, f"文件 {rel} 不在表单目录内"
            if not path.is_file():
                return None, f"文件 {rel} 不存在"
            return json.loads(path.read_text(encoding="utf-8")), None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return None, f"文件 {rel} 不是合法的 JSON：{exc}"
        except (OSError, ValueError) as exc:  # e.g. a NUL byte or an over-long name in the path
            return None, f"文件 {rel} 无法读取：{exc}"


def check_user_tasks(report: Report, file: str, tree, forms: FormFiles) -> None:
    for task in tree.iterfind(".//bpmn:userTask", NS):
        props = {
            p.get("name"): p.get("value")
            for p in task.iterfind("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS)
        }
        if not props.get(SCHEMA_PROP):
            report.add(file, task, f'用户任务没有绑定表单：缺少 spiffworkflow:property name="{SCHEMA_PROP}"')
        else:
            _check_schema_file(report, file, task, forms, props[SCHEMA_PROP])
        if props.get(UI_PROP, _MISSING) is not _MISSING:
            ui = props[UI_PROP]
            _, problem = forms.load(ui) if ui else (None, f"{UI_PROP} 为空")
            if problem:
                report.add(file, task, f"表单 UI schema {problem}")


def _check_schema_file(report, file, task, forms: FormFiles, rel: str) -> None:
    doc, problem = forms.load(rel)
    if problem:
        report.add(file, task, f"表单 schema {problem}")
        return
    for problem in _schema_problems(forms, rel, doc, base="", seen={rel}):
        report.add(file, task, problem)


def _schema_problems(forms: FormFiles, rel: str, doc, base: str, seen: set[str]):
    try:
        Draft202012Validator.check_schema(doc)
    except SchemaError as exc:
        where = "/" + "/".join(str(p) for p in exc.path)
        yield f"表单 schema 文件 {rel} 不是合法的 JSON Schema：{exc.message}（位置 {where}）"
        return
    # check_schema does not follow $ref; a reference to a missing shared file would only fail
    # when somebody submits the form, so every reachable file and fragment is checked here.
    # Resolution follows jsonschema's: against the schema's own $id if it has one, else against
    # the path it was reached by; a form itself is validated without a base, i.e. from forms_dir.
    own_id = doc.get("$id") if isinstance(doc, dict) else None
    base_uri = own_id if isinstance(own_id, str) else base
    for ref in _refs(doc):
        uri, fragment = urldefrag(urljoin(base_uri, ref))
        if urlsplit(uri).scheme or urlsplit(uri).netloc:
            target_rel = forms.uri_to_rel(uri)
            if target_rel is None:
                yield f"表单 schema 文件 {rel} 中的 $ref「{ref}」指向表单目录以外的地址 {uri}"
                continue
        else:
            target_rel = posixpath.normpath(unquote(uri)) if uri else rel
        target = doc
        if target_rel != rel:
            target, problem = forms.load(target_rel)
            if problem:
                yield f"表单 schema 文件 {rel} 中的 $ref「{ref}」所指{problem}"
                continue
            if target_rel not in seen:
                seen.add(target_rel)
                yield from _schema_problems(forms, target_rel, target, target_rel, seen)
        fragment = unquote(fragment)
        if fragment.startswith("/") and _pointer(target, fragment) is _MISSING:
            yield f"表单 schema 文件 {rel} 中的 $ref「{ref}」在 {target_rel} 中找不到 {fragment}"


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            elif key not in ("const", "enum", "default", "examples"):  # data, not schema
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _pointer(doc, pointer: str):
    """RFC 6901 lookup; _MISSING when the path does not exist."""
    node = doc
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return _MISSING
    return node
