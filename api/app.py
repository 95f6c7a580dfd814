"""Flask app factory: the API is thin; every decision is made in engine/."""
from __future__ import annotations

from flask import Flask, jsonify
from sqlalchemy import text


def create_app(services) -> Flask:
    app = Flask(__name__)
    app.config["JSON_AS_ASCII"] = False
    app.extensions["pingxuan"] = services

    @app.get("/api/health")
    def health():
        with services.db.transaction(write=False) as session:
            session.execute(text("SELECT 1"))
        return jsonify(status="ok", database=services.db.engine.dialect.name)

    @app.get("/")
    def index():
        return (
            "<!doctype html><html lang='zh-CN'><meta charset='utf-8'><title>评选表彰流程系统</title>"
            "<h1>评选表彰流程系统</h1><p>服务运行中。接口健康检查：<a href='/api/health'>/api/health</a></p></html>"
        )

    return app
