"""The browser app: web/dist served same-origin. Hashed files under /assets/ never change, so they are
cached for a year; index.html is revalidated every time so a new build is picked up at once. Any other
path that is not an API call gets index.html, and the client router shows the page."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, send_from_directory
from werkzeug.routing import PathConverter

from engine.config import REPO_ROOT

from .security import public

DIST = Path(os.environ.get("PINGXUAN_WEB_DIST", REPO_ROOT / "web" / "dist"))
LONG_CACHE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"
FALLBACK_PAGE = (
    "<!doctype html><html lang='zh-CN'><meta charset='utf-8'><title>评选表彰流程系统</title>"
    "<h1>评选表彰流程系统</h1><p>服务运行中，但网页界面尚未构建（请运行 make run）。"
    "接口文档：<a href='/api/docs'>/api/docs</a>；健康检查：<a href='/api/health'>/api/health</a></p></html>"
)


class PagePath(PathConverter):
    """Any path outside /api/, so that API paths keep their own 404 and 405 answers."""
    regex = r"(?!api(?:/|$))[^/].*?"


def register(app: Flask, dist: Path = DIST) -> None:
    app.url_map.converters["page"] = PagePath

    @public
    def asset(filename):
        response = send_from_directory(dist / "assets", filename, max_age=31536000)
        response.headers["Cache-Control"] = LONG_CACHE
        return response

    @public
    def page(path=""):
        candidate = dist / path
        if path and candidate.is_file() and candidate.resolve().is_relative_to(dist.resolve()):
            response = send_from_directory(dist, path)
        elif (dist / "index.html").is_file():
            response = send_from_directory(dist, "index.html")
        else:
            response = app.response_class(FALLBACK_PAGE, mimetype="text/html")
        response.headers["Cache-Control"] = NO_CACHE
        return response

    app.add_url_rule("/assets/<path:filename>", "web_asset", asset)
    app.add_url_rule("/", "index", page)
    app.add_url_rule("/<page:path>", "web_page", page)
