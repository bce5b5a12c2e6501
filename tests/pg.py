"""A throwaway PostgreSQL cluster for the test session (initdb + pg_ctl on a Unix socket)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

PG_BIN_CANDIDATES = tuple(f"/usr/lib/postgresql/{v}/bin" for v in (15, 16, 17))


@dataclass
class Cluster:
    """A running cluster and how to reach and stop it."""

    root: Path
    socket_dir: Path
    pg_ctl: str
    as_postgres: bool

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the test database."""
        return f"postgresql+psycopg://postgres@/advocate_test?host={self.socket_dir}"

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        command = list(args)
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603

    def stop(self) -> None:
        """Stop the server and delete its files."""
        self._run(self.pg_ctl, "-D", str(self.root / "data"), "-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def find_bin(name: str) -> str | None:
    """The path of a PostgreSQL server binary, if installed."""
    for directory in PG_BIN_CANDIDATES:
        candidate = Path(directory) / name
        if candidate.exists():
            return str(candidate)
    return shutil.which(name)


def start() -> tuple[Cluster | None, str]:
    """Start a cluster; return it, or None and the reason it could not start."""
    initdb, pg_ctl = find_bin("initdb"), find_bin("pg_ctl")
    if not initdb or not pg_ctl:
        return None, "PostgreSQL server binaries (initdb, pg_ctl) are not installed"
    as_postgres = os.geteuid() == 0
    root = Path(tempfile.mkdtemp(prefix="advocate-pg-"))
    socket_dir = root / "sock"
    socket_dir.mkdir()
    if as_postgres:
        shutil.chown(root, "postgres")
        shutil.chown(socket_dir, "postgres")
        root.chmod(0o755)
    cluster = Cluster(root, socket_dir, pg_ctl, as_postgres)
    steps = [
        (initdb, "-D", str(root / "data"), "-A", "trust", "-U", "postgres", "-E", "UTF8",
         "--locale=C.UTF-8"),
        (pg_ctl, "-D", str(root / "data"), "-l", str(root / "log"), "-w",
         "-o", f"-k {socket_dir} -c listen_addresses='' -c fsync=off -c full_page_writes=off",
         "start"),
    ]
    for step in steps:
        result = cluster._run(*step)
        if result.returncode != 0:
            shutil.rmtree(root, ignore_errors=True)
            return None, f"{Path(step[0]).name} failed: {result.stderr.strip()[:500]}"
    psql = find_bin("psql") or "psql"
    result = cluster._run(psql, "-h", str(socket_dir), "-U", "postgres", "-c",
                          "CREATE DATABASE advocate_test")
    if result.returncode != 0:
        cluster.stop()
        return None, f"createdb failed: {result.stderr.strip()[:500]}"
    return cluster, ""
