"""Restricted script engine: every BPMN/DMN expression and script runs under RestrictedPython,
with a whitelist of host functions and a wall-clock limit. Refusals are Chinese ScriptErrors."""
from __future__ import annotations

import ast
import builtins
import functools
import operator
import sys
import time
import traceback
import types
from collections.abc import Callable
from contextlib import contextmanager

from RestrictedPython import RestrictingNodeTransformer, compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Guards import guarded_iter_unpack_sequence, guarded_unpack_sequence, raise_, safe_builtins, safer_getattr
from RestrictedPython.PrintCollector import PrintCollector
from RestrictedPython.transformer import INSPECT_ATTRIBUTES, copy_locations
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.exceptions import SpiffWorkflowException

from engine.errors import PingxuanError, ScriptError

# PythonScriptEngine looks for this filename in tracebacks to find a script's failing line.
_FILENAME = "<string>"
_CHECK_EVERY = 100  # trace events between clock reads
MAX_INT_BITS = 1 << 16  # ~19,700 decimal digits: far beyond any real quota or score
MAX_ITEMS = 10**6  # longest sequence one C-level operation may build or walk

_SIZE_GUARDED = {"Pow": ("**", operator.pow), "Mult": ("*", operator.mul), "LShift": ("<<", operator.lshift)}
_INPLACE = {sym + "=": getattr(operator, "i" + name) for sym, name in zip(
    "+ - * / // % ** << >> & | ^ @".split(), "add sub mul truediv floordiv mod pow lshift rshift and or xor matmul".split())}
_INPLACE_SIZE = {"*=": "Mult", "**=": "Pow", "<<=": "LShift"}


class _Timeout(BaseException):
    """Not an Exception so that host code's `except Exception` cannot swallow it."""


class ScriptTaskError(WorkflowTaskException, ScriptError):
    """What SpiffWorkflow's callers expect (task, task_trace) and what our services catch (ScriptError)."""

    def __init__(self, message: str, task, cause: PingxuanError, line_number=None, error_line=None):
        super().__init__(message, task=task, exception=cause.__cause__ or cause,
                         line_number=line_number, error_line=error_line)
        self.code, self.http_status, self.details = cause.code, cause.http_status, dict(cause.details)

    def add_note(self, note):
        if note:  # WorkflowTaskException adds an empty or None "did you mean" note for NameErrors
            super().add_note(note)


class _Policy(RestrictingNodeTransformer):
    """RestrictedPython's rules with Chinese messages, plus: no try (a handler could swallow the
    timeout after the trace hook has been removed), no classes, and size guards on ** * <<."""

    def error(self, node, info):
        self.errors.append(f"第 {getattr(node, 'lineno', '?')} 行：{info}")

    def check_name(self, node, name, allow_magic_methods=False):
        if name == "__import__":
            self.error(node, "不允许导入模块（__import__）")
        elif name and name.startswith("_") and name != "_":
            self.error(node, f"不允许使用以下划线开头的名称 {name}")
        else:
            super().check_name(node, name, allow_magic_methods)

    def visit_Attribute(self, node):
        refused = node.attr.startswith("_") or node.attr in INSPECT_ATTRIBUTES
        if not refused:
            return super().visit_Attribute(node)
        node = self.node_contents_visit(node)  # report every refused name in a chain, innermost first
        what = "以下划线开头的属性" if node.attr.startswith("_") else "属性"
        self.error(node, f"不允许访问{what} {node.attr}")
        return node

    _REFUSED = {"Import": "不允许导入模块", "ImportFrom": "不允许导入模块", "ClassDef": "不允许定义类",
                "Try": "不允许使用 try 语句", "TryStar": "不允许使用 try 语句"}

    def _refuse(self, node):
        self.error(node, self._REFUSED[type(node).__name__])
        return node

    visit_Import = visit_ImportFrom = visit_ClassDef = visit_Try = visit_TryStar = _refuse

    def visit_Call(self, node):
        if isinstance(node.func, ast.Name) and node.func.id in ("exec", "eval"):
            self.error(node, f"不允许使用 {node.func.id}")
            return node
        return super().visit_Call(node)

    def visit_BinOp(self, node):
        node = self.node_contents_visit(node)
        op = type(node.op).__name__
        if op not in _SIZE_GUARDED:
            return node
        call = ast.Call(func=ast.Name("_arith_", ast.Load()), args=[ast.Constant(op), node.left, node.right],
                        keywords=[])
        copy_locations(call, node)
        return call


@functools.lru_cache(maxsize=2048)
def compile_source(source: str, mode: str = "eval") -> types.CodeType:
    """Compile under the restrictions (cached by source); raise ScriptError in Chinese if refused."""
    kind = "表达式" if mode == "eval" else "脚本"
    try:
        ast.parse(source or "", _FILENAME, mode)
    except SyntaxError as exc:
        raise ScriptError(f"{kind}有语法错误：第 {exc.lineno} 行：{exc.msg}") from None
    compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    result = compiler(source or "", _FILENAME, policy=_Policy)
    if result.errors or result.code is None:
        raise ScriptError(f"{kind}未通过安全检查：" + "；".join(result.errors or ["无法编译"]))
    return result.code


def _check_size(op: str, a, b) -> None:
    ints = isinstance(a, int) and isinstance(b, int)
    if op == "Pow":
        too_big = ints and b > 0 and abs(a) > 1 and abs(a).bit_length() * b > MAX_INT_BITS
    elif op == "LShift":
        too_big = ints and a != 0 and a.bit_length() + b > MAX_INT_BITS
    elif ints:
        too_big = a.bit_length() + b.bit_length() > MAX_INT_BITS
    else:
        seq, n = (a, b) if isinstance(b, int) else (b, a)
        too_big = isinstance(n, int) and isinstance(seq, (str, bytes, list, tuple)) and len(seq) * n > MAX_ITEMS
    if too_big:
        raise ScriptError(f"不允许结果过大的运算（{_SIZE_GUARDED[op][0]}）")


def _arith(op, a, b):
    _check_size(op, a, b)
    return _SIZE_GUARDED[op][1](a, b)


def _inplacevar(op, x, y):
    if op in _INPLACE_SIZE:
        _check_size(_INPLACE_SIZE[op], x, y)
    return _INPLACE[op](x, y)


def _getattr(obj, name, default=raise_):
    if isinstance(name, str) and name.startswith("_"):
        raise ScriptError(f"不允许访问以下划线开头的属性 {name}")
    if name in ("format", "format_map") and (isinstance(obj, str) or obj is str):
        raise ScriptError("不允许使用字符串的 format 方法，请改用 f-string")  # it reaches attributes unguarded
    return safer_getattr(obj, name, default)


def _write(obj):
    # Only task-data containers may be changed in place; everything else stays read-only.
    if isinstance(obj, (dict, list)):
        return obj
    raise ScriptError(f"不允许修改 {type(obj).__name__} 类型的对象")


def _range(*args):
    r = range(*args)
    if (r.stop - r.start) // r.step > MAX_ITEMS:  # len() itself overflows on huge ranges
        raise ScriptError(f"不允许超过 {MAX_ITEMS} 项的 range")
    return r


# Dropped: raising SystemExit & co. would get past callers' `except Exception`; bytes(n) allocates n in C.
_UNSAFE = {"__build_class__", "bytes", "BaseException", "KeyboardInterrupt", "SystemExit", "GeneratorExit"}
_BUILTINS = {k: v for k, v in safe_builtins.items() if k not in _UNSAFE and not k.startswith("_")}
_BUILTINS.update({name: getattr(builtins, name) for name in (
    "len", "min", "max", "sum", "sorted", "any", "all", "abs", "round", "int", "float", "str", "bool",
    "list", "dict", "set", "tuple", "enumerate", "zip", "isinstance")})
_BUILTINS.update(range=_range, getattr=_getattr,
                 pow=lambda base, exp, mod=None: _arith("Pow", base, exp) if mod is None else pow(base, exp, mod))
_GUARDS = {
    "__builtins__": _BUILTINS, "_getattr_": _getattr, "_getitem_": operator.getitem, "_getiter_": iter,
    "_write_": _write, "_inplacevar_": _inplacevar, "_arith_": _arith, "_print_": PrintCollector,
    "_unpack_sequence_": guarded_unpack_sequence, "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_apply_": lambda f, *args, **kwargs: f(*args, **kwargs),
}


@contextmanager
def _time_limit(seconds: float):
    """Per-thread trace hook: works off the main thread, unlike signal.alarm."""
    deadline = time.monotonic() + seconds
    events = 0

    def local(frame, event, arg):
        nonlocal events
        events += 1
        if events % _CHECK_EVERY == 0 and time.monotonic() > deadline:
            raise _Timeout
        return local

    def on_call(frame, event, arg):
        # Trace only sandboxed frames, so host functions run at full speed. Opcode events, because
        # `while True: pass` jumps to its own instruction and never raises a line event.
        if frame.f_code.co_filename != _FILENAME:
            return None
        frame.f_trace_opcodes = True
        return local(frame, event, arg)

    previous = sys.gettrace()
    sys.settrace(on_call)
    try:
        yield
    finally:
        sys.settrace(previous)


def _sandbox_line(tb) -> int | None:
    lines = [frame.lineno for frame in traceback.extract_tb(tb) if frame.filename == _FILENAME]
    return lines[-1] if lines else None


class RestrictedEnvironment(TaskDataEnvironment):
    """TaskDataEnvironment's data semantics, with restricted code, guards and a time limit."""

    def __init__(self, host_functions: dict[str, Callable] | None = None, time_limit: float = 1.0):
        super().__init__(dict(host_functions or {}))
        self.time_limit = time_limit

    def evaluate(self, expression, context, external_context=None):
        code = compile_source(expression, "eval")
        self._prepare_context(context)
        # Guards go last so task data (user input) can never replace them.
        namespace = {**self.globals, **(external_context or {}), **context, **_GUARDS}
        return self._run(code, namespace, "表达式")

    def execute(self, script, context, external_context=None):
        self.check_for_overwrite(context, external_context or {})
        code = compile_source(script, "exec")
        self._prepare_context(context)
        context.update({**self.globals, **(external_context or {}), **_GUARDS})
        try:
            self._run(code, context, "脚本")
        finally:
            self._remove_globals_and_functions_from_context(context, external_context)
        return True

    def check_for_overwrite(self, context, external_context):
        clash = (set(self.globals) | set(external_context)) & set(context)
        if clash:
            raise ScriptError(f"任务数据中的字段与预定义函数同名，请改名：{'、'.join(sorted(clash))}")

    def _run(self, code, namespace, kind):
        try:
            with _time_limit(self.time_limit):
                result = eval(code, namespace)  # exec-mode code objects evaluate to None
                if isinstance(result, types.GeneratorType):
                    result = list(result)  # consumed later, it would run outside the clock
            return result
        except _Timeout as exc:
            raise self._error(f"{kind}执行超时（超过 {self.time_limit:g} 秒）", exc) from None
        except (PingxuanError, SpiffWorkflowException) as exc:
            if isinstance(exc, PingxuanError):
                exc.details.setdefault("line_number", _sandbox_line(exc.__traceback__))
            raise
        except NameError as exc:
            # A real builtin that is missing here was left out on purpose.
            message = f"不允许使用 {exc.name}" if exc.name in vars(builtins) else f"未定义的变量 {exc.name}"
            raise self._error(message, exc) from exc
        except Exception as exc:
            raise self._error(f"{kind}执行出错：{type(exc).__name__}: {exc}", exc) from exc

    @staticmethod
    def _error(message: str, exc: BaseException) -> ScriptError:
        return ScriptError(message, line_number=_sandbox_line(exc.__traceback__))


class RestrictedScriptEngine(PythonScriptEngine):
    def __init__(self, host_functions: dict[str, Callable] | None = None, time_limit: float = 1.0):
        super().__init__(environment=RestrictedEnvironment(host_functions, time_limit))

    def evaluate(self, task, expression, external_context=None):
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except PingxuanError as exc:
            raise ScriptTaskError(f"{exc.message}（表达式：{expression}）", task, exc) from exc

    def execute(self, task, script, external_context=None):
        try:
            return self.environment.execute(script, task.data, external_context or {})
        except PingxuanError as exc:
            line = exc.details.get("line_number")
            text = script.splitlines()[line - 1].strip() if line else None
            message = f"{exc.message}（第 {line} 行：{text}）" if line else exc.message
            raise ScriptTaskError(message, task, exc, line_number=line, error_line=text) from exc
