"""Parsing a request's JSON body within bounds: nesting depth, integer size, finite numbers, and
strings PostgreSQL and UTF-8 can hold. Every refusal is a clear 400 in Chinese, never a 500.

Python's json module recurses once per nesting level (a deep body raises RecursionError), turns a
4,300-digit integer into a ValueError, and accepts NaN, Infinity and lone surrogates ("\\ud800"),
which then fail in the database or when the stored value is read back."""
from __future__ import annotations

import json
import math
import re

from engine.storage.storable import unstorable_reason

from .errors import BadRequest

PARSED = "pingxuan.json_body"  # request.environ key: the body parsed once, before any view
MAX_DEPTH = 64
MAX_INT_DIGITS = 20  # a 64-bit integer; a longer one is never a form value (ID numbers are strings)

# A JSON string token (escapes included) or a bracket: only brackets outside strings nest.
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class BodyRefused(ValueError):
    """The body is not JSON this service accepts; `message` says why, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def nesting_depth(raw: bytes, limit: int = MAX_DEPTH) -> int:
    """The deepest bracket nesting of `raw`, counted without recursion; stops once past `limit`."""
    depth = deepest = 0
    for match in _TOKENS.finditer(raw):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        elif token in (b"]", b"}"):
            depth -= 1
    return deepest


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise BodyRefused(f"请求中的整数位数过多（最多 {MAX_INT_DIGITS} 位）")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BodyRefused("请求中的数值超出范围（不允许无穷大）")
    return value


def _constant(name: str):
    raise BodyRefused(f"请求中含有不允许的数值 {name}（JSON 不支持 NaN 和 Infinity）")


def refuse_unstorable_strings(value) -> None:
    reason = unstorable_reason(value)
    if reason:
        raise BodyRefused("请求内容" + reason)


def loads(raw: bytes | str):
    """Parse a request body; raises BodyRefused for what we refuse, json.JSONDecodeError for bad
    syntax (the caller words that one) and UnicodeDecodeError for bytes that are not UTF-8."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    if nesting_depth(raw) > MAX_DEPTH:
        raise BodyRefused(f"请求内容嵌套层数过多（最多 {MAX_DEPTH} 层）")
    text = raw.decode("utf-8")
    value = json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    # Raw NUL bytes and raw surrogates cannot reach a string (the parser refuses control
    # characters, the UTF-8 decoder refuses encoded surrogates): only \u escapes can make them.
    if "\\u" in text:
        refuse_unstorable_strings(value)
    return value


def parse_request_body(raw: bytes):
    """`loads`, with every failure a 400 problem in Chinese."""
    try:
        return loads(raw)
    except BodyRefused as exc:
        raise BadRequest(exc.message) from exc
    except json.JSONDecodeError as exc:
        raise BadRequest(f"请求体不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列附近有语法错误") from exc
    except UnicodeDecodeError as exc:
        raise BadRequest("请求体不是有效的 UTF-8 编码 JSON") from exc
