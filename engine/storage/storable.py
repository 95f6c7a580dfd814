"""What both databases can store and read back as JSON: no U+0000 (PostgreSQL refuses it), no
unpaired surrogates (not UTF-8), no NaN or Infinity (PostgreSQL's JSON refuses them, SQLite's
stores them: the two databases would disagree). Checked where a command takes data in."""
from __future__ import annotations

import math
import re

from engine.errors import ValidationFailed

_SURROGATE = re.compile("[\ud800-\udfff]")


def _string_reason(text: str) -> str | None:
    if "\x00" in text:
        return "含有不允许的空字符（U+0000）"
    if not text.isascii() and _SURROGATE.search(text):
        return "含有不成对的代理字符（如 \\ud800），不是有效的 Unicode 文本"
    return None


def unstorable_reason(value) -> str | None:
    """Why `value` cannot be stored, or None; walked with an explicit stack (depth costs no recursion)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            reason = _string_reason(item)
        elif isinstance(item, float):
            reason = None if math.isfinite(item) else "含有不允许的数值（NaN 或无穷大）"
        elif isinstance(item, dict):
            reason = next(filter(None, (_string_reason(k) for k in item if isinstance(k, str))), None)
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
            reason = None
        else:
            reason = None
        if reason:
            return reason
    return None


def require_storable(value, field: str = "data") -> None:
    reason = unstorable_reason(value)
    if reason:
        raise ValidationFailed(f"提交的数据{reason}", {field: reason})
