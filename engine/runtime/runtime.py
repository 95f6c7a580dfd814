"""Runtime commands: the one path by which an instance's state changes (`Runtime.run`). A command
appends its event, rewrites the snapshot where it changed, syncs the task and timer indexes and
bumps the instance version (or raises a conflict), all in one write transaction."""
from __future__ import annotations

import copy
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from engine.config import TIMEZONE
from engine.definitions.definitions import SpecLibrary, latest_for_process
from engine.errors import Conflict, NotFound, PingxuanError, ScriptError, ValidationFailed
from engine.forms import datapath
from engine.forms.uploads import missing_uploads
from engine.runtime import snapshot
from engine.runtime.appliers import MessageNotWaiting, apply, instance_item, protect_routing
from engine.runtime.determinism import command_context
from engine.runtime.spiff import find_task
from engine.storage import eventlog, index
from engine.storage.db import Database, StaleRow, Writes, is_uuid
from engine.storage.index import form_properties, timer_due
from engine.storage.models import Deployment, HumanTask, Instance
from engine.storage.storable import require_storable
from engine.timekeeping import step_deadlines


@dataclass(frozen=True)
class InstanceView:
    id: str
    version: int
    status: str
    ready_tasks: list[dict]


@dataclass
class Command:
    """One state change of one instance, as `Runtime.run` takes it.

    `payload` may be a function (live workflow, time) -> payload, or None for nothing to do.
    `check(session, live, time)` runs before the change on the command's read session and refuses
    by raising; `after(writes, live, time)` runs once the change is worked out, may still refuse, and
    may record further writes (a reassignment row, say) that commit with the event.
    `expected_version` None skips the user's version check (the command is then worked out again
    if another transaction moves the instance meanwhile)."""

    instance_id: str
    event_type: str
    payload: Any  # a dict, or a function (live workflow, time) -> dict | None
    expected_version: int | None = None
    check: Callable[[Session, snapshot.LiveWorkflow, datetime], None] | None = None
    after: Callable[[Writes, snapshot.LiveWorkflow, datetime], None] | None = None


_BRIEF_COLUMNS = ("task_id", "spec_name", "title", "lane", "role", "unit", "form", "due_at")


_ATTEMPTS = 5  # a command worked out on a row another transaction moved is worked out again


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Runtime:
    def __init__(self, db: Database, script_engine, *, lanes: dict | None = None, forms=None,
                 clock: Callable[[], datetime] = utcnow, cache_size: int = 2000):
        self.db, self.script_engine, self.lanes, self.forms, self.clock = db, script_engine, lanes or {}, forms, clock
        # Called inside each command's transaction after it ran: (its writes, instance, workflow, ids
        # of the user tasks it closed).
        # Higher layers (campaigns) keep their read models in step without the runtime knowing them.
        self.observers: list[Callable[[Writes, Instance, BpmnWorkflow, list[str]], None]] = []
        # Called before each command opens its transaction: caches that host functions read (the
        # calendar) refresh here, so a command never needs a second pooled connection inside its
        # transaction (under load that starves the pool and deadlocks until the pool times out).
        self.before_command: list[Callable[[], object]] = []
        # Called inside each command's read transaction, after every check and before anything is
        # worked out: (session, [(instance id, task, payload) of each task completion], writes). A
        # guard may refuse the whole command, add to a payload what the event must record (the rules
        # a review list was checked against), or record a guarded write so that two commands that
        # read the same state cannot both commit. Every path that completes a task passes here.
        self.completion_guards: list[Callable[[Session, list, Writes], None]] = []
        self.specs = SpecLibrary()
        self._cache: OrderedDict[str, tuple[int, snapshot.LiveWorkflow]] = OrderedDict()
        self._cache_size = cache_size
        self._cache_lock = threading.Lock()
        self._last_at = datetime.min.replace(tzinfo=timezone.utc)

    # --- commands ------------------------------------------------------------------------------

    def start(self, process_id: str, data: dict | None = None, actor: str = "system",
              business_key: str | None = None,
              on_start: Callable[[Session, Instance], None] | None = None,
              instance_id: str | None = None) -> InstanceView:
        """`on_start` runs in the same transaction before the first step; raising refuses the start.
        The lanes' unit fields given at start route the tasks: they join the protected fields
        (engine.runtime.appliers.PROTECTED), which a form submission cannot overwrite."""
        require_storable(data)
        data = protect_routing(data or {}, self.lanes)
        at = self._prepare()
        with self.db.transaction() as session:
            deployment = latest_for_process(session, process_id)
            instance = Instance(
                id=instance_id or str(uuid.uuid4()), deployment_id=deployment.id, process_id=process_id, status="running",
                snapshot="{}", id_counter=0, last_seq=0, last_hash=eventlog.GENESIS,
                business_key=business_key, created_at=at, updated_at=at,
            )
            specs = self.specs.get(deployment, process_id)
            live, created = new_workflow(instance, specs, self.script_engine, at)
            session.add(instance)
            if on_start is not None:
                session.flush()
                on_start(session, instance)
            session.flush()  # the row exists before the writes below guard and reference it
            writes = Writes()
            self._run(session, writes, instance, live, "instance_started", {"data": data or {}}, actor, at, created)
            writes.run(session.connection())
            view = self._view(session, instance, live)
        self._put(instance, live)
        return view

    def complete_task(self, instance_id: str, task_id: str, data: dict, actor: str,
                      expected_version: int | None) -> InstanceView:
        return self.complete_many([(instance_id, task_id, data, expected_version)], actor)[0]

    def complete_many(self, items: list[tuple[str, str, dict, int | None]], actor: str) -> list[InstanceView]:
        """Complete several tasks (e.g. a review list) all or nothing, in one transaction.
        An expected version of None skips the version check; a task must still be open."""
        validated: set[tuple[str, int]] = set()  # a list act submits one form for many tasks: check it once
        for data in {id(d): d for _, _, d, _ in items}.values():
            require_storable(data)
        return self.run([
            Command(instance_id, "task_completed", {"task_id": task_id, "data": data}, version,
                    self.completion_check(task_id, data, validated))
            for instance_id, task_id, data, version in items
        ], actor)

    def completion_check(self, task_id: str, data: dict, validated: set | None = None,
                         correction: dict | None = None):
        """The checks every completion passes: the task is open here, its form validates, no date
        that starts a period (a publicity's 开始日期) lies before the command's day, and the step's own
        deadline (its `deadline` property: 报送 by X月X日) has not passed by the command's clock, unless
        an administrator's recorded correction says why."""
        validated = set() if validated is None else validated

        def check(session: Session, live: snapshot.LiveWorkflow, at: datetime) -> None:
            task = find_task(live.workflow, task_id)
            if task is None or not task.task_spec.manual:
                raise NotFound("该实例中没有这个待办任务")
            if task.state != TaskState.READY:
                raise Conflict("该任务已办理或已不在可办理状态，不能重复提交")
            if correction is None:
                step_deadlines.check(form_properties(task), task.data, at)
            form = form_properties(task).get("formJsonSchemaFilename")
            decided = self.forms.decided_fields(form) if form and self.forms is not None else ()
            given = decided_by_process(task, data, decided)
            if form and self.forms is not None and (form, id(data)) not in validated:
                self.forms.validate(form, given)
                if correction is None:
                    self.forms.validate_not_past(form, given, at.astimezone(TIMEZONE).date())
                if missing := missing_uploads(session, self.forms.upload_refs(form, given)):
                    raise self.forms.refusal(form, missing)
                validated.add((form, id(data)))
        return check

    def send_message(self, instance_id: str, name: str, payload: dict, actor: str,
                     not_waiting: str | None = None) -> InstanceView:
        """Deliver a named message (e.g. 异议) to a waiting message event; Conflict if none waits."""
        require_storable(payload, "payload")
        try:
            return self.command(Command(instance_id, "message_received", {"name": name, "payload": payload}), actor)
        except MessageNotWaiting as exc:
            raise Conflict(not_waiting or exc.message) from None

    def cancel(self, instance_id: str, actor: str, expected_version: int, reason: str) -> InstanceView:
        def check(_session, live, _at):
            if live.workflow.completed:
                raise Conflict("流程已结束，不能取消")
        return self.command(Command(instance_id, "instance_cancelled", {"reason": reason}, expected_version, check), actor)

    def fire_timers(self, instance_id: str, actor: str = "timer") -> bool:
        """Advance an instance whose timers are due; False if none was (already fired elsewhere)."""
        fired = []

        def due_now(live: snapshot.LiveWorkflow, at: datetime) -> dict | None:
            due = [str(t.id) for t in live.workflow.event_manager.tasks.values()
                   if (d := timer_due(t)) is not None and d < at]
            fired.append(bool(due))
            return {"timers": due} if due else None
        self.run([Command(instance_id, "timers_fired", due_now)], actor, quiet=True)
        return fired[-1] if fired else False

    # --- queries -------------------------------------------------------------------------------

    def instance(self, instance_id: str) -> InstanceView:
        with self.db.transaction(write=False) as session:
            return self.view(session, instance_id)

    def view(self, session: Session, instance_id: str) -> InstanceView:
        """The instance's version, status and open tasks, read in the caller's transaction."""
        return self._view(session, self._instance(session, instance_id))

    def workflow(self, instance_id: str) -> BpmnWorkflow:
        """A fresh copy from the stored snapshot (not the cache): what replay is compared with."""
        with self.db.transaction(write=False) as session:
            instance = self._instance(session, instance_id)
            return self._load(session, instance).workflow

    # --- the machinery -------------------------------------------------------------------------

    def command(self, command: Command, actor: str) -> InstanceView:
        return self.run([command], actor)[0]

    def run(self, commands: list[Command], actor: str, quiet: bool = False) -> list[InstanceView]:
        """The one way state changes: run commands all or nothing. Each is worked out in a read
        transaction and its writes recorded; the writes then go in one write transaction, each
        instance's UPDATE guarded by the version it was read at. Commands without an expected
        version are worked out again if another transaction moved an instance in between; with
        one, the user is told to refresh. `quiet`: an ended instance or a payload of None is
        skipped, not an error (timers)."""
        retry = all(c.expected_version is None for c in commands)
        for attempt in range(_ATTEMPTS):
            try:
                return self._run_once(commands, actor, quiet)
            except StaleRow:
                if not retry or attempt == _ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def _run_once(self, commands: list[Command], actor: str, quiet: bool) -> list[InstanceView]:
        at = self._prepare()
        taken: dict[str, tuple[Instance, snapshot.LiveWorkflow]] = {}
        views, writes, ran = [], Writes(), []
        with self.db.read_then_write() as (session, write):
            loaded = self._read(session, [c.instance_id for c in commands])
            if self.completion_guards:
                self._guard(session, commands, loaded, taken, writes, at)
            for c in commands:
                instance = self._instance(session, c.instance_id, loaded)
                if c.expected_version is not None and instance.version != c.expected_version:
                    raise Conflict(f"数据已被他人更新（当前版本 {instance.version}，提交所依据的版本 {c.expected_version}），请刷新后重试")
                if instance.status != "running":
                    if quiet:
                        continue
                    raise Conflict("流程已结束，不能再办理")
                live = taken[instance.id][1] if instance.id in taken else self._take(session, instance)
                taken[instance.id] = (instance, live)
                if c.check is not None:
                    c.check(session, live, at)
                payload = c.payload(live, at) if callable(c.payload) else c.payload
                if payload is None:
                    continue
                self._run(session, writes, instance, live, c.event_type, payload, actor, at)
                if c.after is not None:
                    c.after(writes, live, at)  # may still refuse: nothing is written or cached yet
                views.append(self._view(session, instance, live))
                ran.append(instance.id)
            if writes:
                with write() as connection:  # rows merged across commands on distinct instances
                    writes.run(connection, merge=len(ran) == len(set(ran)))
        for instance, live in taken.values():  # only after commit: a failure leaves the cache empty
            self._put(instance, live)
        return views

    def _guard(self, session: Session, commands: list[Command], loaded: dict, taken: dict, writes: Writes,
               at: datetime) -> None:
        """Run the completion guards over the command's task completions (their own checks first,
        so a guard sees only open tasks); the workflows taken here are the ones the loop runs."""
        items = []
        for c in commands:
            if c.event_type != "task_completed" or callable(c.payload):
                continue
            instance = self._instance(session, c.instance_id, loaded)
            if instance.status != "running":
                continue
            if instance.id not in taken:
                taken[instance.id] = (instance, self._take(session, instance))
            live = taken[instance.id][1]
            if c.check is not None:
                c.check(session, live, at)
            items.append((instance.id, find_task(live.workflow, c.payload["task_id"]), c.payload))
        if items:
            for guard in self.completion_guards:
                guard(session, items, writes)

    def _run(self, session: Session, writes: Writes, instance: Instance, live: snapshot.LiveWorkflow,
             event_type: str, payload: dict, actor: str, at: datetime, created: dict | None = None) -> None:
        """Work out a command and record its writes; `session` only reads (a workflow's index rows
        the first time it is used)."""
        try:
            with command_context(instance.id, instance.id_counter, at) as ids:
                apply(live.workflow, event_type, payload)
        except PingxuanError:
            raise
        except SpiffWorkflowException as exc:
            raise ScriptError(f"流程执行出错：{exc}") from exc
        written = snapshot.save(writes, instance, live, at.timestamp(), {**(created or {}), **ids.issued})
        eventlog.append(writes, instance, event_type, actor, at, payload)
        instance.id_counter = ids.counter
        instance.status = _status(live.workflow, event_type)
        instance.updated_at = at
        _write_instance(writes, instance)
        closed = index.sync(session, writes, instance.id, live, written, self.lanes, at, actor)
        for observer in self.observers:
            observer(writes, instance, live.workflow, closed)

    def _prepare(self) -> datetime:
        """Run the before-command hooks; returns the command's time."""
        for hook in self.before_command:
            hook()
        return self.now()

    def _read(self, session: Session, instance_ids: list[str]) -> dict[str, Instance]:
        """The instances' rows, detached from the session: a command changes them in memory and
        writes them through its recorded, version-guarded UPDATE, never by an ORM flush."""
        ids = sorted({i for i in instance_ids if is_uuid(i)})
        if not ids:
            return {}
        found = {i.id: i for i in session.scalars(select(Instance).where(Instance.id.in_(ids)))}
        for instance in found.values():
            session.expunge(instance)
        return found

    def _instance(self, session: Session, instance_id: str, loaded: dict[str, Instance] | None = None) -> Instance:
        instance = (loaded or {}).get(instance_id)
        if instance is None and is_uuid(instance_id):
            instance = session.get(Instance, instance_id)
        if instance is None:
            raise NotFound(f"流程实例 {instance_id} 不存在")
        return instance

    def _load(self, session: Session, instance: Instance) -> snapshot.LiveWorkflow:
        deployment = session.get_one(Deployment, instance.deployment_id)
        specs = self.specs.get(deployment, instance.process_id)
        return snapshot.load(session, instance, specs, self.script_engine)

    def _take(self, session: Session, instance: Instance) -> snapshot.LiveWorkflow:
        """The cached workflow if it is at the stored version, else a load. Taken out of the cache
        for the command's duration: a failed command must not leave a half-changed workflow there."""
        with self._cache_lock:
            cached = self._cache.pop(instance.id, None)
        if cached is not None and cached[0] == instance.version:
            return cached[1]
        return self._load(session, instance)

    def _put(self, instance: Instance, live: snapshot.LiveWorkflow) -> None:
        with self._cache_lock:
            self._cache[instance.id] = (instance.version, live)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    def _view(self, session: Session, instance: Instance, live: snapshot.LiveWorkflow | None = None) -> InstanceView:
        """The instance's open tasks: from the workflow a command just ran (no query), else the index."""
        if live is not None:
            rows = index.open_human_tasks(live.workflow, self.lanes)
        else:
            rows = [{c: getattr(r, c) for c in _BRIEF_COLUMNS} for r in session.scalars(select(HumanTask).where(
                HumanTask.instance_id == instance.id, HumanTask.state == "ready").order_by(HumanTask.created_at))]
        tasks = [{"task_id": r["task_id"], "spec": r["spec_name"], "title": r["title"], "lane": r["lane"],
                  "role": r["role"], "unit": r["unit"], "form": r["form"],
                  "due_at": r["due_at"].astimezone(timezone.utc).isoformat() if r["due_at"] else None} for r in rows]
        return InstanceView(instance.id, instance.version, instance.status, tasks)

    def now(self) -> datetime:
        """The clock, but strictly increasing within this runtime: snapshot saves tell what a command
        changed by its timestamp, so two commands must never share one (a frozen test clock, a
        simulation, a batch on a fast machine would otherwise make every save rewrite old tasks)."""
        now = self.clock()
        if now.tzinfo is None:
            raise ValueError("clock must return timezone-aware datetimes")
        with self._cache_lock:
            now = max(now.astimezone(timezone.utc), self._last_at + timedelta(microseconds=1))
            self._last_at = now
        return now


# The columns a command moves, written by one UPDATE guarded by the version the command started from.
_COMMAND_COLUMNS = ("snapshot", "id_counter", "status", "updated_at", "last_seq", "last_hash")
_UPDATE_INSTANCE = update(Instance.__table__).where(
    Instance.__table__.c.id == bindparam("b_id"), Instance.__table__.c.version == bindparam("b_version"),
).values({column: bindparam(column) for column in (*_COMMAND_COLUMNS, "version")})


def _write_instance(writes: Writes, instance: Instance) -> None:
    """The instance row's UPDATE, guarded by the version the command read (the ORM's version_id_col
    check, done by hand: the command's writes run later, outside the ORM's unit of work). The new
    values become the object's committed state, so that no ORM flush writes them again."""
    values = {column: getattr(instance, column) for column in _COMMAND_COLUMNS}
    values["version"] = instance.version + 1
    writes.guard(instance.id, _UPDATE_INSTANCE, {**values, "b_id": instance.id, "b_version": instance.version})
    for column, value in values.items():
        set_committed_value(instance, column, value)


def decided_by_process(task, data: dict, decided_fields=()) -> dict:
    """The form as the process completes it: every field the schema marks `decidedBy` (a path into
    the task data: the department an opinion task was sent to, the candidate it is about, the
    objection being verified) takes the process's value when left out, and a form that says
    otherwise is refused at that field (a 纪检监察 user answering as 公安, or about another candidate).
    A multi-instance item (the department) is decided by the process whatever the schema says."""
    item = instance_item(task)
    fields = list(decided_fields) + ([((item,), item)] if item is not None else [])
    completed, errors = copy.deepcopy(data), {}
    for path, source in fields:
        decided = _lookup(task.data, source.split("."))
        if decided is _MISSING:
            continue
        given = _lookup(completed, path)
        if given is _MISSING:
            _put(completed, path, decided)
        elif given != decided:
            errors[".".join(path)] = f"由流程确定为“{decided}”，不能更改"
    if errors:
        raise ValidationFailed("表单中由流程确定的内容与本任务不符", field_errors=errors)
    return completed


_MISSING = object()


def _lookup(data, path):
    return datapath.get(data, path, _MISSING)


def _put(data: dict, path, value) -> None:
    for part in path[:-1]:
        if not isinstance(data.get(part), dict):
            return  # the enclosing object is missing or malformed: the schema check will say so
        data = data[part]
    data[path[-1]] = value


def new_workflow(instance: Any, specs, script_engine, at: datetime) -> tuple[snapshot.LiveWorkflow, dict]:
    """`instance`: the row, or replay's stand-in with the same id and id_counter. Construct the workflow (Spiff creates its first tasks here, so ids start at 0 in a command
    context); returns it with the creation order of those tasks and advances the id counter."""
    with command_context(instance.id, instance.id_counter, at) as ids:
        wf = BpmnWorkflow(specs.spec, specs.subprocess_specs, script_engine=script_engine)
    instance.id_counter = ids.counter
    return snapshot.LiveWorkflow(wf, human_states={}, timer_states={}), ids.issued


def _status(wf: BpmnWorkflow, event_type: str) -> str:
    if event_type == "instance_cancelled":
        return "cancelled"
    return "completed" if wf.completed else "running"

