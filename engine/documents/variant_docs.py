"""A notice's document rules, read from forms_schema/<variant>/documents.toml (TOML, because every
*.json under forms_schema/ is loaded as a form schema). A new notice is new files, never a branch here."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from engine.errors import NotFound


@dataclass(frozen=True)
class ApprovalFormRule:
    form: str  # the recommendation form it prints, e.g. "000/recommend_individual.json"
    template: Path
    title: str
    cover: list[tuple[str, str]]  # (label, dotted path)


@dataclass(frozen=True)
class VariantDocs:
    variant: str
    folder: Path
    photo_file_name: str
    approval_forms: dict[str, ApprovalFormRule]
    chain: dict[str, str]  # approval level path -> title of the process step that fills it
    opinion_forms: dict[str, str]  # award type -> title
    summary: dict[str, dict]  # award type -> {"title", "columns"}

    def approval_form(self, form: str) -> ApprovalFormRule:
        try:
            return self.approval_forms[form]
        except KeyError:
            raise NotFound(f"通知 {self.variant} 没有表单 {form} 的审批表模板") from None


@lru_cache(maxsize=32)
def variant_docs(forms_dir: Path, variant: str) -> VariantDocs:
    folder = Path(forms_dir) / variant
    path = folder / "documents.toml"
    if not path.exists():
        raise NotFound(f"通知 {variant} 未配置打印材料（缺少 {variant}/documents.toml）")
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    forms = {form: ApprovalFormRule(form, folder / rule["template"], rule["title"],
                                    [tuple(c) for c in rule.get("cover", [])])
             for form, rule in raw.get("approval_forms", {}).items()}
    return VariantDocs(variant, folder, raw.get("photo_file_name", "{name}.jpg"), forms, raw.get("chain", {}),
                       raw.get("opinion_forms", {}), raw.get("summary", {}))
