"""flask-smorest Blueprint whose argument parser words body errors in Chinese."""
from __future__ import annotations

import json

import flask_smorest
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from . import json_body
from .errors import ApiError, BadRequest


class UnsupportedMediaType(ApiError):
    code = "unsupported_media_type"
    http_status = 415


class Parser(FlaskParser):
    def _raw_load_json(self, req):
        if not is_json_request(req):
            if req.content_length or req.get_data(cache=True):
                raise UnsupportedMediaType(f"请求体应为 JSON（Content-Type: application/json），收到的是 {req.mimetype or '未知类型'}")
            return core.missing
        if json_body.PARSED in req.environ:
            return req.environ[json_body.PARSED]
        raw = req.get_data(cache=True)
        return json_body.parse_request_body(raw) if raw else core.missing

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        if isinstance(error, json.JSONDecodeError):
            raise BadRequest(f"请求体不是有效的 JSON：第 {error.lineno} 行第 {error.colno} 列附近有语法错误")
        raise BadRequest("请求体不是有效的 UTF-8 编码 JSON")


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = Parser()
