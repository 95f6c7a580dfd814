"""Flask app factory: the API is thin; every decision is made in engine/."""
from __future__ import annotations

import os

from flask import Flask, request

from . import errors
from .openapi import docs_page, make_api
from . import web
from .security import check_guarded

DEFAULT_MAX_BODY = 2 * 1024 * 1024  # bytes; a photo is at most 500 KB, a BPMN bundle well under this


def blueprints():
    """One blueprint per resource; later resources (campaigns, publicity, objections) add theirs here."""
    from . import (audit, auth, calendar, campaigns, definitions, documents, instances, system, task_actions, tasks,
                   timers, uploads)

    return [system.blp, auth.blp, definitions.blp, instances.blp, tasks.blp, task_actions.blp, timers.blp,
            audit.blp, calendar.blp, uploads.blp, campaigns.blp, campaigns.candidates_blp, documents.blp]


def create_app(services) -> Flask:
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = int(os.environ.get("PINGXUAN_MAX_BODY_BYTES", DEFAULT_MAX_BODY))
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.extensions["pingxuan"] = services
    api = make_api(app)
    app.extensions["pingxuan_api"] = api
    for blueprint in blueprints():
        api.register_blueprint(blueprint)
    errors.register(app)
    app.before_request(_refuse_nul_characters)
    app.add_url_rule("/api/docs", "docs", docs_page)
    web.register(app)
    check_guarded(app, exempt={"static", "api-docs.openapi_json"})
    return app


def _refuse_nul_characters() -> None:
    """PostgreSQL text and JSON cannot hold U+0000: refuse it up front with a clear 400 instead of
    letting the database fail the request (found by schemathesis)."""
    if "\x00" in request.path or b"%00" in request.query_string:
        raise errors.BadRequest("请求地址中含有不允许的空字符（U+0000）")
    if request.is_json and _has_nul(request.get_json(silent=True)):
        raise errors.BadRequest("请求内容中含有不允许的空字符（U+0000）")


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False
