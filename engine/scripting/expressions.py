"""Compile-time check shared by the deploy lint and anyone validating an expression up front: the
same restricted compiler the script engine runs, so lint accepts exactly what runs."""
from __future__ import annotations

from engine.errors import ScriptError
from engine.scripting.scripting import compile_source


def check_expression(source: str, mode: str = "eval") -> None:
    """Raise ScriptError (Chinese message) if `source` does not compile under the restrictions.

    mode: "eval" for expressions (conditions, timer and collection expressions), "exec" for scripts."""
    if not (source or "").strip():
        raise ScriptError("表达式为空")
    compile_source(source, mode)
