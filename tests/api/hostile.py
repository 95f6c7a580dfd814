"""Hostile request bodies (the shapes that once gave 500s) and a fingerprint of every stored row,
to show a refused request changed nothing."""
from __future__ import annotations

import hashlib

from sqlalchemy import select

from engine.storage.models import Base

DEEP = 1_000
HOSTILE_BODIES: dict[str, bytes] = {
    "nested_400": b'{"version": 1, "data": {"a": ' + b"[" * 400 + b"]" * 400 + b"}}",
    "nested_1000_objects": b'{"version": 1, "data": ' + b'{"a":' * DEEP + b"1" + b"}" * DEEP + b"}",
    "nested_unclosed": b'{"data": ' + b"[" * 100_000,
    "int_5000_digits": b'{"version": ' + b"9" * 5000 + b', "data": {}}',
    "int_in_data": b'{"version": 1, "data": {"n": -' + b"1" * 4400 + b"}}",
    "lone_surrogate": b'{"version": 1, "data": {"deeds": "\\ud800"}}',
    "surrogate_key": b'{"version": 1, "data": {"\\udfff": "x"}}',
    "nan": b'{"version": 1, "data": {"score": NaN}}',
    "infinity": b'{"version": 1, "data": {"score": -Infinity}}',
    "float_overflow": b'{"version": 1, "data": {"score": 1e999}}',
    "nul_key": b'{"version": 1, "data": {"a\\u0000": 1}}',
    "not_utf8": b'{"version": 1, "data": {"deeds": "\xff\xfe"}}',
}
ESCAPED_BACKSLASH_OK = b'{"version": 1, "data": {"deeds": "C:\\\\u0000 is text"}}'


def fingerprint(db) -> str:
    """A digest of every row of every table: equal before and after means nothing was stored."""
    digest = hashlib.sha256()
    with db.engine.connect() as connection:
        for name in sorted(Base.metadata.tables):
            table = Base.metadata.tables[name]
            rows = connection.execute(select(table)).all()
            digest.update(name.encode())
            for row in sorted(repr(tuple(r)) for r in rows):
                digest.update(row.encode())
    return digest.hexdigest()
