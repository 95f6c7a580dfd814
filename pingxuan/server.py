"""`pingxuan serve`: the API under gunicorn (threaded workers, one process per core by default).

Each worker builds its own services after the fork (database pools must not cross a fork) and runs
its own timer alarm: the sweep claims due timers with a lease (SKIP LOCKED on PostgreSQL, the write
lock on SQLite), so several workers and several hosts never fire one timer twice."""
from __future__ import annotations

import errno
import os
from dataclasses import dataclass

from gunicorn.app.base import BaseApplication
from gunicorn.workers.gthread import TConn, ThreadWorker

READ_TIMEOUT_ENV = "PINGXUAN_READ_TIMEOUT"


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 5000
    workers: int = 0  # 0: one per core
    threads: int = 4
    timeout: int = 60  # a worker silent this long is restarted
    graceful_timeout: int = 30  # on TERM or HUP, requests under way get this long to finish
    keepalive: int = 5
    read_timeout: float = 10.0  # a client that stops sending a request mid-way is cut off
    timers: bool = True
    pidfile: str | None = None

    @property
    def worker_count(self) -> int:
        return self.workers or os.cpu_count() or 1


class ReadTimeoutWorker(ThreadWorker):
    """gunicorn's threaded worker with two changes for a server without a buffering proxy:

    - each read has a deadline: the stock worker reads a request with a blocking socket and none,
      so 200 half-sent requests would hold every thread forever;
    - a new connection goes straight to a thread: the stock worker first parks it in its poller
      until readable, and a worker retiring on HUP or TERM drops what is parked there (the client
      sees a reset), while queued threads' work is waited for up to the graceful timeout."""

    def accept(self, server, listener):
        try:
            sock, client = listener.accept()
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        self.enqueue_req(TConn(self.cfg, sock, client, server))

    def enqueue_req(self, conn):
        conn.init()
        conn.sock.settimeout(float(os.environ.get(READ_TIMEOUT_ENV, "10")))
        self._wrap_future(self.tpool.submit(self.handle, conn), conn)


class PingxuanServer(BaseApplication):
    def __init__(self, options: ServeOptions):
        self.options = options
        self._scheduler = None
        super().__init__()

    def load_config(self) -> None:
        o = self.options
        settings = {
            "bind": f"{o.host}:{o.port}", "workers": o.worker_count, "threads": o.threads,
            "worker_class": f"{__name__}.ReadTimeoutWorker", "timeout": o.timeout,
            "graceful_timeout": o.graceful_timeout, "keepalive": o.keepalive, "preload_app": False,
            "limit_request_line": 8190, "limit_request_fields": 100, "limit_request_field_size": 8190,
            "accesslog": None, "errorlog": "-", "loglevel": "info", "pidfile": o.pidfile,
            "proc_name": "pingxuan", "worker_exit": self._worker_exit,
        }
        for key, value in settings.items():
            self.cfg.set(key, value)

    def load(self):
        """Runs in each worker after the fork."""
        from api import create_app
        from engine.services import build, tune_gc

        tune_gc()
        services = build()
        if self.options.timers:
            from engine.timekeeping.timers import start_scheduler

            self._scheduler = start_scheduler(services.runtime, services.settings.timer_sweep_seconds)
        return create_app(services)

    def _worker_exit(self, _arbiter, _worker) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)


def serve(options: ServeOptions) -> None:
    os.environ[READ_TIMEOUT_ENV] = str(options.read_timeout)
    PingxuanServer(options).run()
