"""A form's printable fields in the order the form shows them: (dotted path, Chinese title,
long text?), with `$ref`s followed as engine/forms/forms.py resolves them (a form's refs start at
forms_schema/, a shared file's at its own folder). Used to lay out templates and summary columns."""
from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FieldInfo:
    path: str
    title: str
    long: bool  # a textarea: printed as its own full-width row


def form_fields(forms_dir: Path, form: str) -> list[FieldInfo]:
    forms_dir = Path(forms_dir)
    schema = _load(forms_dir, form)
    ui_path = forms_dir / form.replace(".json", ".ui.json")
    ui = json.loads(ui_path.read_text(encoding="utf-8")) if ui_path.exists() else {}
    out: list[FieldInfo] = []
    _walk(forms_dir, _resolve(forms_dir, schema, ""), "", "", ui, out, {})
    return out


def group_titles(forms_dir: Path, form: str) -> dict[str, str]:
    """Titles of the form's nested objects by dotted path ("approvals.county": "区县意见")."""
    groups: dict[str, str] = {}
    _walk(Path(forms_dir), _resolve(Path(forms_dir), _load(Path(forms_dir), form), ""), "", "", {}, [], groups)
    return groups


def _load(forms_dir: Path, rel: str) -> dict:
    return json.loads((forms_dir / rel).read_text(encoding="utf-8"))


def _resolve(forms_dir: Path, node: dict, base_dir: str) -> dict:
    """The node with its `$ref` merged in (the local keywords win; properties merge)."""
    ref = node.get("$ref")
    if not ref:
        return node
    file, _, pointer = ref.partition("#")
    if file:
        rel = posixpath.normpath(posixpath.join(base_dir, file))
        doc, target_dir = _load(forms_dir, rel), posixpath.dirname(rel)
    else:
        raise ValueError("a local $ref needs its document; handled by the caller")
    target = doc
    for part in [p for p in pointer.split("/") if p]:
        target = target[part]
    target = _resolve_in(forms_dir, target, doc, target_dir)
    local = {k: v for k, v in node.items() if k != "$ref"}
    merged = {**target, **local}
    if "properties" in target and "properties" in local:
        merged["properties"] = {**target["properties"], **{
            k: {**target["properties"].get(k, {}), **v} for k, v in local["properties"].items()}}
    return merged


def _resolve_in(forms_dir: Path, node: dict, doc: dict, base_dir: str) -> dict:
    ref = node.get("$ref")
    if ref and ref.startswith("#"):
        target = doc
        for part in [p for p in ref[1:].split("/") if p]:
            target = target[part]
        local = {k: v for k, v in node.items() if k != "$ref"}
        return {**_resolve_in(forms_dir, target, doc, base_dir), **local}
    if ref:
        return _resolve(forms_dir, node, base_dir)
    if "properties" in node:  # nested properties may $ref within this shared file
        node = {**node, "properties": {k: _resolve_in(forms_dir, v, doc, base_dir) if isinstance(v, dict) else v
                                       for k, v in node["properties"].items()}}
    return node


def _walk(forms_dir: Path, node: dict, prefix: str, base_dir: str, ui: dict, out: list[FieldInfo],
          groups: dict[str, str], parent_title: str = "") -> None:
    props = node.get("properties", {})
    order = [k for k in ui.get("ui:order", []) if k in props] if ui else []
    order += [k for k in props if k not in order]
    for key in order:
        child = _resolve(forms_dir, props[key], base_dir) if "$ref" in props[key] else props[key]
        path = f"{prefix}{key}"
        child_ui = ui.get(key, {}) if isinstance(ui.get(key), dict) else {}
        title = child.get("title") or key
        if child.get("type") == "object" and child.get("properties"):
            groups[path] = title
            # a second-level group's fields are named with the group ("负责人姓名"), the first's alone
            _walk(forms_dir, child, path + ".", base_dir, child_ui, out, groups, title if prefix else "")
            continue
        long = child_ui.get("ui:widget") == "textarea" or (child.get("maxLength") or 0) > 300
        out.append(FieldInfo(path, parent_title + title, long))
