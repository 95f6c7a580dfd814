"""Liveness and readiness: ready only when the database answers and its schema is the code's."""
from __future__ import annotations

from engine.storage import migrate


def test_liveness_and_readiness(api, sample):
    assert api.get("/api/health").json["status"] == "ok"
    r = api.get("/api/health/ready", expect=503)  # tables built from the models, no migration recorded
    assert r.mimetype == "application/problem+json" and "pingxuan db upgrade" in r.json["detail"]
    migrate.stamp(sample.db)
    body = api.get("/api/health/ready").json
    assert body["status"] == "ready" and body["schema_revision"] == migrate.schema_revisions(sample.db)[1]
