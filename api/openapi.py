"""The OpenAPI 3 document is generated from the blueprints and marshmallow schemas (flask-smorest
+ apispec); /api/docs renders it as a page that needs nothing from the internet."""
from __future__ import annotations

import html

import flask_smorest
from flask import Flask, current_app
from flask_smorest.utils import prepare_response

from .errors import PROBLEM_TYPE
from .schemas.base import ProblemSchema
from .security import SECURITY, SECURITY_SCHEMES, public

DESCRIPTION = """评选表彰（两审三公示）流程系统的 HTTP 接口。

* 身份：浏览器使用 `POST /api/auth/login` 取得会话 Cookie，修改类请求须带 `X-CSRF-Token` 请求头；
  其他客户端使用 `Authorization: Bearer 访问令牌`。
* 错误：一律为 RFC 7807 `application/problem+json`，`detail` 为中文说明，`errors` 为字段级错误。
* 并发：提交、退回、撤回、转办须带实例版本号 `version`；版本已变或任务已办理时返回 409。
* 每个操作的 `x-pingxuan-roles` 列出可调用的角色；哪些任务、哪些实例可见由泳道、单位和转办决定。"""


class Api(flask_smorest.Api):
    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        pass  # api.errors handles every error as problem+json

    def _register_responses(self):
        """As flask-smorest's, with error responses typed application/problem+json."""
        import http  # noqa: PLC0415

        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "错误（RFC 7807 问题详情）", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def make_api(app: Flask) -> Api:
    app.config.update(
        API_TITLE="评选表彰流程系统 API", API_VERSION="1.0", OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api", OPENAPI_JSON_PATH="openapi.json",
    )
    api = Api(app, spec_kwargs={"info": {"description": DESCRIPTION}, "security": SECURITY})
    for name, scheme in SECURITY_SCHEMES.items():
        api.spec.components.security_scheme(name, scheme)
    return api


@public
def docs_page():
    """A readable index of the generated OpenAPI document."""
    spec = current_app.extensions["pingxuan_api"].spec.to_dict()
    rows = []
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            roles = "、".join(op.get("x-pingxuan-roles", [])) or "无需登录"
            rows.append(f"<tr><td><code>{method.upper()}</code></td><td><code>{html.escape(path)}</code></td>"
                        f"<td>{html.escape(op.get('summary', ''))}</td><td>{html.escape(roles)}</td>"
                        f"<td>{html.escape(', '.join(op.get('tags', [])))}</td></tr>")
    info = spec["info"]
    return (
        "<!doctype html><html lang='zh-CN'><meta charset='utf-8'>"
        f"<title>{html.escape(info['title'])}</title>"
        "<style>body{font-family:sans-serif;margin:2em}td,th{border-bottom:1px solid #ddd;padding:4px 8px;"
        "text-align:left}table{border-collapse:collapse}</style>"
        f"<h1>{html.escape(info['title'])} <small>v{html.escape(info['version'])}</small></h1>"
        f"<pre style='white-space:pre-wrap'>{html.escape(info.get('description', ''))}</pre>"
        "<p>机器可读的接口文档：<a href='/api/openapi.json'>/api/openapi.json</a>（OpenAPI 3）</p>"
        "<table><tr><th>方法</th><th>路径</th><th>说明</th><th>可调用角色</th><th>分组</th></tr>"
        + "".join(rows) + "</table></html>"
    )
