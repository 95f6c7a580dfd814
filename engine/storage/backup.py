"""Backups: SQLite through its online backup API (a consistent copy while the server writes);
PostgreSQL through pg_dump / pg_restore (custom format), which must be installed."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from engine.errors import PingxuanError


class BackupFailed(PingxuanError):
    code = "backup_failed"


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    return Path(parsed.database) if parsed.get_backend_name() == "sqlite" and parsed.database else None


def _libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupFailed(f"未找到 {name}：请安装 PostgreSQL 客户端（如 apt-get install postgresql-client）")
    return found


def backup(url: str, target: Path) -> None:
    target = Path(target)
    if target.exists():
        raise BackupFailed(f"{target} 已存在，为免覆盖请换一个文件名")
    source = _sqlite_path(url)
    if source is not None:
        if not source.is_file():
            raise BackupFailed(f"数据库文件 {source} 不存在")
        with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
            live.backup(copy)  # page by page under the read lock; writers resume between steps
        return
    done = subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}", _libpq_url(url)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupFailed(f"pg_dump 失败：{done.stderr.strip()[:500]}")


def restore(url: str, source: Path) -> None:
    """Replace the database's contents with the backup's. Stop the server and timer workers first."""
    source = Path(source)
    if not source.is_file():
        raise BackupFailed(f"备份文件 {source} 不存在")
    target = _sqlite_path(url)
    if target is not None:
        try:
            with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as copy:
                if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                    raise BackupFailed(f"{source} 未通过 SQLite 完整性检查")
                target.parent.mkdir(parents=True, exist_ok=True)
                with sqlite3.connect(target) as live:
                    copy.backup(live)
        except sqlite3.DatabaseError as exc:
            raise BackupFailed(f"{source} 不是有效的 SQLite 备份：{exc}") from exc
        return
    done = subprocess.run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
                           f"--dbname={_libpq_url(url)}", str(source)], capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupFailed(f"pg_restore 失败：{done.stderr.strip()[:500]}")
