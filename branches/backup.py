"""Backup and restore of the whole platform: the database and the media files
(`manage.py backup`, `manage.py restore`; README: 备份与恢复).

One archive, `dzb-backup-<time>.tar.gz`, holds:
- `database.dump` — PostgreSQL: `pg_dump -Fc` (the pg_dump of the server's
  major version when it is installed, /usr/lib/postgresql/<major>/bin);
  or `database.sqlite3` — SQLite: a consistent copy by the sqlite3 backup API;
- `media/…` — every file under MEDIA_ROOT;
- `manifest.json` — when, which database, the number of rows of every model,
  and the SHA-256 of the database file and of every media file.

Restore checks every checksum before it touches anything, then replaces the
database (`pg_restore --clean --if-exists --single-transaction`, or the sqlite3
backup API the other way) and the media files, and checks the row counts
against the manifest. It lives in `branches`, the ground layer, because it
names no app: it walks every installed model.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

FORMAT = 1


class BackupError(Exception):
    """A backup or restore that cannot go on (message in Chinese, for the operator)."""


@dataclass
class RestoreResult:
    archive: Path
    counts: dict[str, int]
    files: int


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def row_counts() -> dict[str, int]:
    """`app_label.Model` → rows, for every concrete model with a table."""
    out = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        out[model._meta.label] = model._base_manager.using(connection.alias).count()
    return dict(sorted(out.items()))


def media_checksums(root: Path) -> dict[str, str]:
    """Path relative to MEDIA_ROOT → SHA-256, for every file under it."""
    if not root.is_dir():
        return {}
    return {p.relative_to(root).as_posix(): sha256(p) for p in sorted(root.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- PostgreSQL


def _pg_tool(name: str) -> str:
    """The client tool of the server's major version if installed (pg_dump refuses a newer server)."""
    connection.ensure_connection()
    major = connection.pg_version // 10000
    versioned = Path(f"/usr/lib/postgresql/{major}/bin/{name}")
    if versioned.exists():
        return str(versioned)
    found = shutil.which(name)
    if not found:
        raise BackupError(f"找不到 {name}：请安装 postgresql-client（与服务器同为 {major} 版）。")
    return found


def _pg_args() -> tuple[list[str], dict]:
    db = connection.settings_dict
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(cmd: list[str], env: dict) -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{Path(cmd[0]).name} 失败（退出码 {done.returncode}）：{done.stderr.strip()[-2000:]}")


def _dump_database(target_dir: Path) -> Path:
    if connection.vendor == "postgresql":
        path = target_dir / "database.dump"
        args, env = _pg_args()
        _run([_pg_tool("pg_dump"), "-Fc", "--no-owner", "--no-privileges", *args, "-f", str(path),
              "-d", str(connection.settings_dict["NAME"])], env)
        return path
    if connection.vendor == "sqlite":
        path = target_dir / "database.sqlite3"
        connection.ensure_connection()
        copy = sqlite3.connect(path)
        try:
            connection.connection.backup(copy)  # a consistent copy, even while the site writes
        finally:
            copy.close()
        return path
    raise BackupError(f"不支持的数据库：{connection.vendor}")


def _load_database(path: Path) -> None:
    if connection.vendor == "postgresql":
        connections.close_all()  # no session of ours may hold a lock on a table pg_restore drops
        args, env = _pg_args()
        _run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", "--exit-on-error", *args, "-d", str(connection.settings_dict["NAME"]),
              str(path)], env)
        return
    connection.ensure_connection()
    source = sqlite3.connect(path)
    try:
        source.backup(connection.connection)  # replaces every page of the live database
    finally:
        source.close()


# ---------------------------------------------------------------- the archive


def backup_create(*, output_dir: Path | str) -> Path:
    """Write one archive of the database and the media files into `output_dir`; returns its path."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    media_root = Path(settings.MEDIA_ROOT)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    archive = output_dir / f"dzb-backup-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory(prefix="dzb-backup-") as tmp:
        tmp = Path(tmp)
        counts = row_counts()  # counted before the dump; a site in use may add rows in between
        db_file = _dump_database(tmp)
        files = media_checksums(media_root)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": {"vendor": connection.vendor, "name": str(connection.settings_dict["NAME"]),
                         "file": db_file.name, "sha256": sha256(db_file)},
            "counts": counts,
            "media": files,
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        partial = archive.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(tmp / "manifest.json", arcname="manifest.json")
            tar.add(db_file, arcname=db_file.name)
            for name in files:
                tar.add(media_root / name, arcname=f"media/{name}")
        partial.rename(archive)  # a half-written archive never carries the final name
    return archive


def read_manifest(archive: Path | str) -> dict:
    with tarfile.open(archive, "r:gz") as tar:
        member = tar.extractfile("manifest.json")
        if member is None:
            raise BackupError("备份文件中没有 manifest.json。")
        return json.loads(member.read().decode("utf-8"))


def backup_restore(*, archive: Path | str) -> RestoreResult:
    """Replace the database and the media files with those of `archive`. Every
    checksum is verified before anything is changed; the row counts after."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"备份文件不存在：{archive}")
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="dzb-restore-") as tmp:
        tmp = Path(tmp)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(tmp, filter="data")  # no absolute paths, no links out of tmp
        manifest = json.loads((tmp / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            raise BackupError(f"不认识的备份格式：{manifest.get('format')}")
        db = manifest["database"]
        if db["vendor"] != connection.vendor:
            raise BackupError(f"备份来自 {db['vendor']} 数据库，当前数据库为 {connection.vendor}，不能恢复。")
        db_file = tmp / db["file"]
        if sha256(db_file) != db["sha256"]:
            raise BackupError(f"数据库文件校验和不符：{db['file']}，备份已损坏。")
        extracted = tmp / "media"
        for name, digest in manifest["media"].items():
            if sha256(extracted / name) != digest:
                raise BackupError(f"附件文件校验和不符：{name}，备份已损坏。")

        _load_database(db_file)
        _replace_media(extracted, media_root)

    counts = row_counts()
    wrong = {label: (n, counts.get(label)) for label, n in manifest["counts"].items() if counts.get(label) != n}
    if wrong:
        raise BackupError("恢复后的记录数与备份不符：" + "，".join(f"{k} {a}≠{b}" for k, (a, b) in wrong.items()))
    files = media_checksums(media_root)
    if files != manifest["media"]:
        raise BackupError("恢复后的附件文件与备份不符。")
    return RestoreResult(archive=archive, counts=counts, files=len(files))


def _replace_media(source: Path, media_root: Path) -> None:
    """MEDIA_ROOT afterwards holds exactly the backed-up files (emptied in place: it may be a mount)."""
    media_root.mkdir(parents=True, exist_ok=True)
    for child in media_root.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    if source.is_dir():
        shutil.copytree(source, media_root, dirs_exist_ok=True)


def describe(manifest: dict) -> str:
    when = datetime.fromisoformat(manifest["created_at"]).astimezone(timezone.get_current_timezone())
    rows = sum(manifest["counts"].values())
    return (f"{when:%Y-%m-%d %H:%M}，{manifest['database']['vendor']} 数据库 {manifest['database']['name']}，"
            f"{rows} 行记录（{len(manifest['counts'])} 张表），{len(manifest['media'])} 个附件文件")
