"""The restricted script engine: refusals with Chinese messages, normal expressions, the time limit,
directly and inside real SpiffWorkflow workflows (script task, gateway, DMN business rule task)."""
from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.definitions.safe_xml import parse_xml
from engine.errors import ScriptError
from engine.scripting.scripting import RestrictedScriptEngine, ScriptTaskError, compile_source

FIXTURES = Path(__file__).parent / "bpmn" / "scripting"
HOST = {"double": lambda x: 2 * x, "full_name": lambda d: d["family"] + d["given"]}

# (source, mode, message fragment): each one of the classic sandbox escapes
REFUSED = [
    ("__import__('os')", "eval", "不允许导入模块"),
    ("import os", "exec", "不允许导入模块"),
    ("from os import path", "exec", "不允许导入模块"),
    ("().__class__.__mro__[1].__subclasses__()", "eval", "不允许访问以下划线开头的属性 __class__"),
    ("open('/etc/passwd')", "eval", "不允许使用 open"),
    ("x.__dict__", "eval", "不允许访问以下划线开头的属性 __dict__"),
    ("getattr(x, '__class__')", "eval", "不允许访问以下划线开头的属性 __class__"),
    ("type(x)", "eval", "不允许使用 type"),
    ("eval('1')", "eval", "不允许使用 eval"),
    ("(lambda: 1).__globals__", "eval", "不允许访问以下划线开头的属性 __globals__"),
    ("(i for i in [1]).gi_frame", "eval", "不允许访问属性 gi_frame"),
    ("'{0.__class__}'.format(x)", "eval", "不允许使用字符串的 format 方法"),
    ("y = 1\ny.real = 2", "exec", "不允许修改 int 类型的对象"),
    ("class A:\n    pass", "exec", "不允许定义类"),
    # a handler could swallow the timeout once the trace hook is gone, so try is refused outright
    ("while True:\n    try:\n        pass\n    except BaseException:\n        pass", "exec", "不允许使用 try 语句"),
    # C-level work a trace hook cannot interrupt is refused by size guards before it starts
    ("10 ** 10 ** 8", "eval", "不允许结果过大的运算（**）"),
    ("pow(10, 10 ** 8)", "eval", "不允许结果过大的运算（**）"),
    ("'x' * 10 ** 9", "eval", "不允许结果过大的运算（*）"),
    ("1 << 10 ** 9", "eval", "不允许结果过大的运算（<<）"),
    ("n = 10\nn **= 10 ** 8", "exec", "不允许结果过大的运算（**）"),
    ("sum(range(10 ** 12))", "eval", "不允许超过 1000000 项的 range"),
    ("undefined_thing + 1", "eval", "未定义的变量 undefined_thing"),
    ("1 +", "eval", "语法错误"),
]


def within(seconds: float, fn, *args):
    """Run fn in a daemon thread, so a broken time limit fails the test instead of hanging the run."""
    outcome = {}

    def target():
        try:
            outcome["value"] = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test thread
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        pytest.fail(f"still running after {seconds} s: the time limit did not stop it")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def run(engine, source, mode, data=None):
    data = {"x": 1} if data is None else data
    env = engine.environment
    return env.evaluate(source, data) if mode == "eval" else env.execute(source, data)


@pytest.fixture
def engine():
    return RestrictedScriptEngine(HOST, time_limit=0.3)


@pytest.mark.parametrize("source,mode,message", REFUSED, ids=[r[0][:40] for r in REFUSED])
def test_refused_directly(engine, source, mode, message):
    started = time.monotonic()
    with pytest.raises(ScriptError) as err:
        within(5, run, engine, source, mode)
    assert message in err.value.message
    assert time.monotonic() - started < 0.25  # refused up front, not after burning the time budget


def test_infinite_loop_times_out_with_the_default_limit():
    started = time.monotonic()
    with pytest.raises(ScriptError) as err:
        within(5, run, RestrictedScriptEngine(), "while True: pass", "exec")
    assert err.value.message == "脚本执行超时（超过 1 秒）"
    assert 0.9 < time.monotonic() - started < 3


@pytest.mark.parametrize("source,mode", [
    ("n = 0\nwhile True:\n    n += 1", "exec"),
    ("[i for i in range(10 ** 6) for j in range(10 ** 6)]", "eval"),
    ("max(i * j for i in range(10 ** 6) for j in range(10 ** 6))", "eval"),
    ("def f(n):\n    while n:\n        pass\nf(1)", "exec"),
])
def test_long_running_code_times_out(engine, source, mode):
    with pytest.raises(ScriptError, match="执行超时（超过 0.3 秒）"):
        within(5, run, engine, source, mode)


def test_time_limit_works_off_the_main_thread_and_restores_the_previous_tracer(engine):
    outcome = {}

    def previous_tracer(frame, event, arg):
        return None

    def worker():
        sys.settrace(previous_tracer)
        try:
            run(engine, "while True: pass", "exec")
        except ScriptError as exc:
            outcome["message"] = exc.message
        outcome["tracer_after_timeout"] = sys.gettrace()
        outcome["value"] = run(engine, "x + 1", "eval")
        outcome["tracer_after_success"] = sys.gettrace()
        sys.settrace(None)

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert outcome["message"] == "脚本执行超时（超过 0.3 秒）"
    assert outcome["tracer_after_timeout"] is previous_tracer
    assert outcome["tracer_after_success"] is previous_tracer
    assert outcome["value"] == 2


@pytest.mark.parametrize("source,expected", [
    ("a * 2 + b / 4 - 1", 8.5),
    ("0 < a <= 10 and b != 3 and not (a > b)", True),
    ("d['scores'][1] + d['meta']['bonus']", 90),
    ("[s * 2 for s in d['scores'] if s > 60]", [170, 180]),
    ("{k: len(v) for k, v in names.items()}", {"张三": 2, "李四": 3}),
    ("double(a) + len(names)", 10),
    ("full_name({'family': '王', 'given': '小明'})", "王小明"),
    ("sorted(d['scores'], reverse=True)[:2]", [90, 85]),
    ("max(d['scores']) - min(d['scores']) if any(d['scores']) else 0", 30),
    ("round(sum(d['scores']) / len(d['scores']), 1)", 78.3),
    ("' 先进 '.strip() + str(a)", "先进4"),
    ("2 ** 10 * 3 << 2", 12288),
    ("f'{a}-{a * 2:03d}'", "4-008"),  # the allowed alternative to str.format
])
def test_normal_expressions(engine, source, expected):
    data = {"a": 4, "b": 6, "d": {"scores": [60, 85, 90], "meta": {"bonus": 5}},
            "names": {"张三": [1, 2], "李四": [1, 2, 3]}}
    assert engine.environment.evaluate(source, data) == expected


def test_script_assignments_land_in_task_data_and_functions_do_not(engine):
    data = {"a": 2, "items": [3, 1, 2], "d": {}}
    script = ("def bump(v):\n    return v + 1\n"
              "total = bump(a) * 10\n"
              "d['count'] = len(items)\n"
              "items[0] = 30\n"
              "acc = 0\nfor i, v in enumerate(items):\n    acc += i * v\n"
              "first, *rest = sorted(items)\n"
              "doubled = double(a)\n"
              "print('not an error, just discarded')")
    assert engine.environment.execute(script, data) is True
    assert data == {"a": 2, "items": [30, 1, 2], "d": {"count": 3}, "total": 30, "acc": 5,
                    "first": 1, "rest": [2, 30], "doubled": 4, "v": 2, "i": 2}


def test_task_data_cannot_shadow_host_functions_or_guards(engine):
    with pytest.raises(ScriptError, match="同名.*double"):
        engine.environment.execute("y = 1", {"double": 3})
    # form data is user input: a field named like a guard must not replace the guard
    assert engine.environment.evaluate("d['k']", {"d": {"k": 1}, "_getitem_": "x", "__builtins__": {}}) == 1


def test_compiled_code_is_cached_by_source(engine):
    compile_source.cache_clear()
    for value in range(5):
        assert engine.environment.evaluate("score >= 60", {"score": value * 30}) == (value >= 2)
    info = compile_source.cache_info()
    assert (info.misses, info.hits) == (1, 4)


# ---- inside real workflows -------------------------------------------------------------------

def workflow(bpmn: str, process_id: str, engine, replace: dict[str, str] | None = None,
             dmn: tuple[str, ...] = (), data: dict | None = None) -> BpmnWorkflow:
    """Parse fixtures the way deployment does (safe_xml first), optionally swapping in an expression."""
    replace, used = replace or {}, set()

    def root(name):
        text = (FIXTURES / name).read_text(encoding="utf-8")
        for old, new in replace.items():
            if escape(old) in text:
                used.add(old)
                text = text.replace(escape(old), escape(new))
        return parse_xml(text, name).getroot()

    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_xml(root(bpmn), filename=bpmn)
    for name in dmn:
        parser.add_dmn_xml(root(name), filename=name)
    assert used == set(replace), "a replacement did not match the fixture"
    wf = BpmnWorkflow(parser.get_spec(process_id), script_engine=engine)
    wf.get_tasks(state=TaskState.READY)[0].data.update(data or {})
    return wf


def test_script_task_result_is_in_workflow_data(engine):
    wf = workflow("script_task.bpmn", "script_process", engine, data={"a": 2, "b": 3})
    wf.do_engine_steps()
    assert wf.is_completed()
    assert wf.data == {"a": 2, "b": 3, "total": 5}


WORKFLOW_REFUSED = [
    ("total = __import__('os').getcwd()", "不允许导入模块"),
    ("import os\ntotal = os.getcwd()", "不允许导入模块"),
    ("total = ().__class__.__mro__[1].__subclasses__()", "不允许访问以下划线开头的属性 __class__"),
    ("total = open('/etc/passwd').read()", "不允许使用 open"),
    ("total = a.__dict__", "不允许访问以下划线开头的属性 __dict__"),
    ("total = getattr(a, '__class__')", "不允许访问以下划线开头的属性 __class__"),
    ("while True:\n    pass", "脚本执行超时（超过 0.3 秒）"),
    ("total = a + c", "未定义的变量 c"),
]


@pytest.mark.parametrize("script,message", WORKFLOW_REFUSED, ids=[s[:30] for s, _ in WORKFLOW_REFUSED])
def test_script_task_refusal_surfaces_in_chinese(engine, script, message):
    wf = workflow("script_task.bpmn", "script_process", engine, {"total = a + b": script}, data={"a": 2, "b": 3})
    with pytest.raises(WorkflowTaskException) as err:
        within(5, wf.do_engine_steps)
    assert isinstance(err.value, ScriptTaskError) and isinstance(err.value, ScriptError)
    assert message in str(err.value) and message in err.value.message
    assert err.value.task.task_spec.name == "compute"
    assert wf.get_tasks(spec_name="compute")[0].state == TaskState.ERROR
    assert "total" not in wf.get_tasks(spec_name="compute")[0].data


def test_script_task_error_names_the_failing_line(engine):
    script = "total = a + b\nbad = open('/etc/passwd')"
    wf = workflow("script_task.bpmn", "script_process", engine, {"total = a + b": script}, data={"a": 1, "b": 1})
    with pytest.raises(ScriptTaskError) as err:
        wf.do_engine_steps()
    assert err.value.line_number == 2
    assert "第 2 行：bad = open('/etc/passwd')" in err.value.message


@pytest.mark.parametrize("score,route", [(75, "pass"), (60, "pass"), (30, "fail")])
def test_gateway_routes_on_condition(engine, score, route):
    wf = workflow("gateway.bpmn", "gateway_process", engine, data={"score": score})
    wf.do_engine_steps()
    assert wf.is_completed()
    assert wf.data["route"] == route


@pytest.mark.parametrize("condition,message", [
    ("().__class__.__mro__[1].__subclasses__()", "不允许访问以下划线开头的属性 __class__"),
    ("open('/etc/passwd') is not None", "不允许使用 open"),
    ("all(True for i in range(10 ** 6) for j in range(10 ** 6))", "表达式执行超时（超过 0.3 秒）"),
])
def test_gateway_condition_refusal_surfaces_in_chinese(engine, condition, message):
    wf = workflow("gateway.bpmn", "gateway_process", engine, {"score >= 60": condition}, data={"score": 75})
    with pytest.raises(ScriptTaskError) as err:
        within(5, wf.do_engine_steps)
    assert message in str(err.value)
    assert condition in err.value.message  # the expression is quoted so the designer can find it


@pytest.mark.parametrize("candidate_type,years,departments", [
    ("个人", 6, ["纪检监察", "公安", "信访"]),
    ("个人", 2, ["纪检监察", "公安"]),
    ("集体", 0, ["纪检监察"]),
])
def test_dmn_business_rule_task_under_restricted_engine(engine, candidate_type, years, departments):
    wf = workflow("business_rule.bpmn", "rule_process", engine, dmn=("departments.dmn",),
                  data={"candidate_type": candidate_type, "service_years": years})
    wf.do_engine_steps()
    assert wf.is_completed()
    assert wf.data["departments"] == departments


def test_dmn_expressions_go_through_the_restricted_engine(engine):
    wf = workflow("business_rule.bpmn", "rule_process", engine, {"service_years": "open('/etc/passwd')"},
                  dmn=("departments.dmn",), data={"candidate_type": "个人", "service_years": 6})
    with pytest.raises(WorkflowTaskException) as err:
        wf.do_engine_steps()
    assert "不允许使用 open" in str(err.value)
