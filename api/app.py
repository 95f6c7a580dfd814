"""Flask app factory: the API is thin; every decision is made in engine/."""
from __future__ import annotations

import os

from flask import Flask, request

from . import errors, json_body, web
from .openapi import docs_page, make_api
from .security import check_guarded

DEFAULT_MAX_BODY = 2 * 1024 * 1024  # bytes; a photo is at most 500 KB, a BPMN bundle well under this


def blueprints():
    """One blueprint per resource; later resources (campaigns, publicity, objections) add theirs here."""
    from . import (
        audit,
        auth,
        calendar,
        campaigns,
        definitions,
        documents,
        instances,
        system,
        task_actions,
        tasks,
        timers,
        uploads,
    )

    return [system.blp, auth.blp, definitions.blp, instances.blp, tasks.blp, task_actions.blp, timers.blp,
            audit.blp, calendar.blp, uploads.blp, campaigns.blp, campaigns.candidates_blp, documents.blp]


def create_app(services) -> Flask:
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = int(os.environ.get("PINGXUAN_MAX_BODY_BYTES", DEFAULT_MAX_BODY))
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Flask's DefaultJSONProvider
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["pingxuan"] = services
    api = make_api(app)
    app.extensions["pingxuan_api"] = api
    for blueprint in blueprints():
        api.register_blueprint(blueprint)
    errors.register(app)
    app.before_request(_refuse_unstorable_input)
    app.add_url_rule("/api/docs", "docs", docs_page)
    web.register(app)
    check_guarded(app, exempt={"static", "api-docs.openapi_json"})
    return app


def _refuse_unstorable_input() -> None:
    """Refuse up front, with a clear 400, what the database or the JSON parser would fail on:
    U+0000 (PostgreSQL text and JSON cannot hold it), unpaired surrogates, NaN and Infinity,
    deep nesting, huge integers. The parsed body is kept for the argument parser."""
    if "\x00" in request.path or b"%00" in request.query_string:
        raise errors.BadRequest("请求地址中含有不允许的空字符（U+0000）")
    if request.is_json:
        raw = request.get_data(cache=True)
        if raw:
            request.environ[json_body.PARSED] = json_body.parse_request_body(raw)
    elif request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        texts = [*request.form.keys(), *request.form.values(), *request.files.keys(),
                 *(f.filename or "" for f in request.files.values())]
        try:
            json_body.refuse_unstorable_strings(texts)
        except json_body.BodyRefused as exc:
            raise errors.BadRequest(exc.message) from exc

