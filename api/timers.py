"""/api/timers: upcoming deadlines and publicity ends."""
from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

from engine.definitions import catalog

from .blueprint import Blueprint
from .schemas.misc import TimerSchema, UpcomingArgsSchema
from .security import now, requires, services

blp = Blueprint("timers", __name__, url_prefix="/api/timers", description="定时器（截止时间、公示期）")


@blp.route("", methods=["GET"])
@requires("timers:read")
@blp.arguments(UpcomingArgsSchema, location="query")
@blp.response(200, TimerSchema(many=True))
def upcoming(args):
    """即将到期的定时器，按到期时间排序"""
    within = timedelta(days=args["within_days"]) if "within_days" in args else None
    return [asdict(t) for t in catalog.upcoming_timers(services(), now(), within, args["limit"])]
