"""Real faults for the outage tests: a cuttable TCP front for the embedded PostgreSQL and real processes.

`PostgresProxy` forwards 127.0.0.1:<port> to the embedded server's Unix socket. `cut()` closes the listener
and every open connection (clients see what they see when the server stops: the connection drops, new ones
are refused); `restore()` listens on the same port again. The server itself stays up for the other tests.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class PostgresProxy:
    def __init__(self, unix_socket: str):
        self.unix_socket = unix_socket
        self.port = 0
        self.listener = None
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()

    def restore(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        with self.lock:
            sockets, self.sockets = self.sockets, []
            listener, self.listener = self.listener, None
        for sock in [listener, *sockets]:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def _accept(self, listener) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            upstream.connect(self.unix_socket)
            with self.lock:
                self.sockets += [client, upstream]
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source, target) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        for sock in (source, target):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def proxy_for(settings_dict: dict) -> PostgresProxy:
    proxy = PostgresProxy(f"{settings_dict['HOST']}/.s.PGSQL.{settings_dict['PORT']}")
    proxy.restore()
    return proxy


def app_env(proxy: PostgresProxy, database: str, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POSTGRES_", "DATABASE_URL", "DB_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.local", "DEBUG": "false",
                "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{proxy.port}/{database}",
                "SCHEDULER_ENABLED": "false", "WORKER_MAX_BACKOFF_SECONDS": "1", "LOG_LEVEL": "INFO",
                "PYTHONUNBUFFERED": "1", **extra})
    return env


def start_manage(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "manage.py", *args], cwd=ROOT, env=env, stdout=log.open("w"),
                            stderr=subprocess.STDOUT)


def wait_for(condition, *, what: str, log: Path | None = None, timeout: float = 45.0):
    """Poll `condition` until it returns something truthy; fail with the process log after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}" + (f"; log:\n{log.read_text()[-3000:]}" if log else ""))
