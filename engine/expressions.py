"""Compile-time check shared by the script engine and the deploy lint."""
from __future__ import annotations

from RestrictedPython import compile_restricted_eval, compile_restricted_exec

from .errors import ScriptError


def check_expression(source: str, mode: str = "eval") -> None:
    """Raise ScriptError (Chinese message) if `source` does not compile under the restrictions.

    mode: "eval" for expressions (conditions, timer and collection expressions), "exec" for scripts.
    """
    compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    result = compiler(source or "", "<bpmn>")
    if result.errors or result.code is None:
        raise ScriptError("表达式不允许或无法编译：" + "；".join(result.errors or ["语法错误"]))
