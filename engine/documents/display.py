"""Recorded values as a printed form shows them: dates in 年月日, yes/no in words, lists joined."""
from __future__ import annotations

import re
from datetime import date

from engine.forms.datapath import get  # noqa: F401  (re-exported: the documents read recorded data by path)

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def show(value) -> str:
    if value is None:
        return ""
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, date):
        return cn_date(value.isoformat())
    if isinstance(value, str):
        return cn_date(value) if _ISO_DATE.match(value) else value
    if isinstance(value, list):
        return "、".join(show(v) if not isinstance(v, dict) else "，".join(show(x) for x in v.values()) for v in value)
    if isinstance(value, dict):
        return "，".join(f"{show(v)}" for v in value.values())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def cn_date(iso: str | None) -> str:
    """"2025-08-10" -> "2025年8月10日" (as the forms' 年 月 日 boxes read)."""
    m = _ISO_DATE.match(iso or "")
    if not m:
        return iso or ""
    return f"{int(m[1])}年{int(m[2])}月{int(m[3])}日"


def flatten(data: dict, prefix: str = "") -> dict[str, str]:
    """Every leaf of the form data by dotted path, shown as printed."""
    out: dict[str, str] = {}
    for key, value in (data or {}).items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, path + "."))
        else:
            out[path] = show(value)
    return out
