"""API fixtures: the real app over the real database and engine, one user (and token) per role."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from api import create_app
from engine.people import users

START = {"submit_by": "2025-09-30", "departments": ["纪检监察", "公安"]}
NOMINATION = {"candidate_name": "示例机械厂技术科", "deeds": "攻克关键工艺难题。"}
OPINION_OK = {"opinion": {"adverse": False, "comment": "同意", "signer": "经办人"}}

# name, role, unit
PEOPLE = [
    ("designer", "designer", None),
    ("unit", "staff", "示例机械厂"),
    ("unit2", "staff", "示例机械厂"),
    ("other_unit", "staff", "另一家工厂"),
    ("jijian", "staff", "纪检监察"),
    ("gongan", "staff", "公安"),
    ("office", "office", None),
    ("office2", "office", None),
    ("leader", "leading", None),
    ("auditor", "auditor", None),
    ("admin", "admin", None),
]
ROLE_USER = {"designer": "designer", "staff": "unit", "office": "office", "leading": "leader",
             "auditor": "auditor", "admin": "admin"}


@dataclass
class Person:
    name: str
    role: str
    unit: str | None
    token: str

    @property
    def auth(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
def app(sample):
    return create_app(sample)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def people(sample, clock) -> dict[str, Person]:
    out = {}
    with sample.db.transaction() as session:
        for name, role, unit in PEOPLE:
            p = users.create_user(session, name, role, clock(), unit=unit)
            raw, _ = users.issue_token(session, p.id, clock(), ttl=timedelta(days=365))
            out[name] = Person(name, role, unit, raw)
    return out


class Api:
    """Small helper: JSON calls as a given person, asserting the status when asked."""

    def __init__(self, client, people):
        self.client, self.people = client, people

    def call(self, method, path, who=None, expect=None, **kwargs):
        headers = dict(kwargs.pop("headers", {}))
        if who is not None:
            headers.update(self.people[who].auth)
        response = self.client.open(path, method=method, headers=headers, **kwargs)
        if expect is not None:
            assert response.status_code == expect, (response.status_code, response.get_data(as_text=True))
        return response

    def get(self, path, who=None, expect=200, **kw):
        return self.call("GET", path, who, expect, **kw)

    def post(self, path, who=None, expect=200, **kw):
        return self.call("POST", path, who, expect, **kw)

    def put(self, path, who=None, expect=200, **kw):
        return self.call("PUT", path, who, expect, **kw)

    def start(self, who="unit", data=None):
        body = {"process_id": "sample_nomination", "data": dict(data or START)}
        return self.post("/api/instances", who, 201, json=body).json

    def task(self, task_id, who):
        return self.get(f"/api/tasks/{task_id}", who).json

    def submit(self, task_id, who, data, version=None, expect=200):
        if version is None:
            version = self.task(task_id, who)["version"]
        return self.post(f"/api/tasks/{task_id}/submit", who, expect, json={"version": version, "data": data})

    def to_opinions(self, clock, services):
        """Start as the unit, submit the nomination, let the publicity period pass."""
        from datetime import datetime, timezone

        inst = self.start()
        self.submit(inst["ready_tasks"][0]["task_id"], "unit", NOMINATION, inst["version"])
        clock.set(datetime(2025, 10, 10, 1, 0, tzinfo=timezone.utc))
        assert services.runtime.fire_timers(inst["id"])
        return self.get(f"/api/instances/{inst['id']}", "office").json


@pytest.fixture
def api(client, people):
    return Api(client, people)
