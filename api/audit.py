"""/api/audit: the event timeline, state as of event k, verification, JSON and CSV exports."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict

from flask import Response

from engine.audit import audit_views

from .blueprint import Blueprint
from .schemas.audit import StateArgsSchema, StateAsOfSchema, TimelineSchema, VerificationSchema
from .security import requires, services

blp = Blueprint("audit", __name__, url_prefix="/api/audit", description="审计：时间线、重放、核验、导出")
CSV_COLUMNS = ["seq", "type", "actor", "at", "payload", "prev_hash", "hash"]


def _timeline(instance_id: str) -> dict:
    instance, events = audit_views.timeline(services(), instance_id)
    return {"instance_id": instance.id, "process_id": instance.process_id, "status": instance.status,
            "last_seq": instance.last_seq, "last_hash": instance.last_hash, "events": events}


@blp.route("/instances/<instance_id>/events", methods=["GET"])
@requires("audit:read")
@blp.response(200, TimelineSchema)
def events(instance_id):
    """事件时间线（哈希链）"""
    return _timeline(instance_id)


@blp.route("/instances/<instance_id>/state", methods=["GET"])
@requires("audit:read")
@blp.arguments(StateArgsSchema, location="query")
@blp.response(200, StateAsOfSchema)
def state(args, instance_id):
    """第 k 条事件之后的状态：仅凭流程定义和前 k 条事件重建"""
    return _state(instance_id, args["seq"])


def _state(instance_id: str, seq: int) -> dict:
    s = audit_views.state_as_of(services(), instance_id, seq)
    return {"seq": s.seq, "event": s.event, "completed": s.completed, "active": s.active, "tasks": s.tasks,
            "data": s.data, "finished": s.finished}


@blp.route("/instances/<instance_id>/verification", methods=["GET"])
@requires("audit:read")
@blp.response(200, VerificationSchema)
def verification(instance_id):
    """核验：逐条校验哈希链，并重放事件与存储的快照逐项比对"""
    chain, replay = audit_views.verify(services(), instance_id)
    return {"ok": chain.ok and replay is not None and replay.ok, "chain": asdict(chain),
            "replay": asdict(replay) if replay is not None else None}


@blp.route("/instances/<instance_id>/export.json", methods=["GET"])
@requires("audit:read")
@blp.response(200, TimelineSchema)
def export_json(instance_id):
    """导出事件（JSON 文件）"""
    body = TimelineSchema().dump(_timeline(instance_id))
    return Response(json.dumps(body, ensure_ascii=False, indent=1), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="events-{instance_id}.json"'})


@blp.route("/instances/<instance_id>/export.csv", methods=["GET"])
@requires("audit:read")
@blp.response(200, content_type="text/csv", description="每行一条事件；payload 为 JSON 文本")
def export_csv(instance_id):
    """导出事件（CSV 文件，UTF-8 带 BOM，可直接用 Excel 打开）"""
    _instance, rows = audit_views.timeline(services(), instance_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for e in rows:
        writer.writerow([e.seq, e.type, e.actor, e.at.isoformat(),
                         json.dumps(e.payload, ensure_ascii=False, sort_keys=True), e.prev_hash, e.hash])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="events-{instance_id}.csv"'})
