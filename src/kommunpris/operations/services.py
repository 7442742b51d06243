"""Backup and restore: the whole installation (database and uploaded files) in one checked file.

A backup is a gzip-compressed tar archive holding

- ``manifest.json`` (first): format and version, when it was made, the applied migrations, the
  audit log's head hash, and for every other member its size and SHA-256, plus one SHA-256 over
  that whole list (the content's checksum); signed with HMAC-SHA256 under the installation's
  backup key (KOMMUNPRIS_BACKUP_KEY, from the environment and kept apart from the backups);
- ``database.json``: every row of every table in Django's serialisation (natural keys for
  content types and permissions, which `migrate` creates itself; sessions are left out, so a
  restore signs everyone out);
- ``media/…``: the uploaded files under MEDIA_ROOT.

A restore trusts a file only if its manifest's signature holds under this installation's key,
or if the operator gives the SHA-256 of the whole file (as `backup` printed it): anyone can write
a tar file with fitting checksums, nobody without the key a fitting signature. The manifest must
come first and is read only up to MANIFEST_MAX_BYTES; every other member must be listed in it
with the size its tar header gives, and is read up to that size and no further, so a small file
cannot unpack into more than it declares. The whole file is read and checked before anything
changes, then loaded in one transaction; a file that is truncated, altered, unsigned or not a
backup is refused with nothing changed.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import shutil
import tarfile
import tempfile
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Self

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from kommunpris.audit import protection
from kommunpris.audit.models import AuditEvent
from kommunpris.audit.services import GENESIS_HASH, record_event
from kommunpris.audit.verification import verify_chain
from kommunpris.audit.vocabulary import CLI, Action, MachineActor, actor_label, backup_target
from kommunpris.errors import Invalid

FORMAT = "kommunpris-backup"
VERSION = 1
MANIFEST = "manifest.json"
DATABASE = "database.json"
MEDIA = "media"
# Rows that `migrate` creates itself (the dump refers to them by natural key), and sessions.
NOT_BACKED_UP = ("contenttypes", "auth.permission", "sessions")
# Tables that must be empty for a restore without --force (sessions do not count).
_KEPT_ON_RESTORE = {"contenttypes.contenttype", "auth.permission"}
_CHUNK = 1 << 20
MB = 1024 * 1024
# A manifest lists every uploaded file in about 150 bytes: room for some 50 000 of them.
MANIFEST_MAX_BYTES = 8 * MB
# Tar's own extended headers (long or non-ASCII names) and what follows the last member
# (padding to tar's record size) are small in every file `create_backup` writes.
TAR_HEADER_MAX_BYTES = 64 * 1024
TRAILER_MAX_BYTES = 1 * MB
SIGNATURE = "signature"
BACKUP_KEY_MIN_LENGTH = 32


class BackupError(Invalid, ValueError):
    """A backup cannot be written or restored; the message says why and what to do."""


@dataclass(frozen=True)
class Part:
    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    sha256: str
    rows: int
    files: int
    key_id: str = ""


@dataclass(frozen=True)
class RestoreResult:
    rows: int
    files: int
    backup_created_at: str
    audit_intact: bool
    older_schema: list[str]
    trusted_by: str = "signature"  # or "sha256": the operator vouched for the file


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def content_sha256(parts: list[Part]) -> str:
    """One checksum over every part: names, sizes and SHA-256s, in archive order."""
    listing = "".join(f"{p.name}\0{p.size}\0{p.sha256}\n" for p in parts)
    return hashlib.sha256(listing.encode()).hexdigest()


def _backup_key() -> str:
    return str(getattr(settings, "KOMMUNPRIS_BACKUP_KEY", "") or "")


def _mac(manifest: dict[str, Any], key: str) -> str:
    """HMAC-SHA256 of the manifest (without its signature), in one canonical JSON form."""
    unsigned = {name: value for name, value in manifest.items() if name != SIGNATURE}
    canonical = json.dumps(unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(key.encode(), canonical.encode(), hashlib.sha256).hexdigest()


def key_id(key: str) -> str:
    """Which key signed a backup, without telling the key: a name to compare, not a secret."""
    return hmac.new(key.encode(), b"kommunpris backup key id", hashlib.sha256).hexdigest()[:16]


def sign_manifest(manifest: dict[str, Any], *, key: str) -> dict[str, Any]:
    return {
        **manifest,
        SIGNATURE: {
            "algorithm": "HMAC-SHA256",
            "key_id": key_id(key),
            "value": _mac(manifest, key),
        },
    }


def _signature_holds(manifest: dict[str, Any], key: str) -> bool:
    signature = manifest.get(SIGNATURE)
    if not isinstance(signature, dict) or signature.get("algorithm") != "HMAC-SHA256":
        return False
    return hmac.compare_digest(str(signature.get("value", "")), _mac(manifest, key))


def _require_backup_key() -> str:
    key = _backup_key()
    if not key:
        raise BackupError(
            "KOMMUNPRIS_BACKUP_KEY är inte satt: säkerhetskopior signeras med den, så att "
            "restore känner igen dem. Skapa en nyckel (openssl rand -hex 32), lägg den i miljön "
            "(/etc/kommunpris/kommunpris.env) och förvara en kopia åtskild från "
            "säkerhetskopiorna."
        )
    if len(key) < BACKUP_KEY_MIN_LENGTH:
        raise BackupError(
            f"KOMMUNPRIS_BACKUP_KEY är för kort ({len(key)} tecken): använd minst "
            f"{BACKUP_KEY_MIN_LENGTH} slumpmässiga tecken, t.ex. från openssl rand -hex 32."
        )
    return key


def _applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


@contextmanager
def _snapshot() -> Iterator[None]:
    """One consistent view of the database while it is dumped (inside a caller's transaction,
    that transaction's view)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    found = [p for p in root.rglob("*") if p.is_file() and not p.is_symlink()]
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def _tar_info(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = int(timezone.now().timestamp())
    return info


def create_backup(*, path: Path) -> BackupResult:
    """Write the database and the uploaded files to `path` (created with mode 0600), with the
    manifest signed under KOMMUNPRIS_BACKUP_KEY."""
    key = _require_backup_key()
    target = Path(path)
    if target.exists():
        raise BackupError(
            f"{target} finns redan. Välj ett nytt filnamn; en säkerhetskopia skrivs aldrig över."
        )
    if not target.parent.is_dir():
        raise BackupError(f"Mappen {target.parent} finns inte. Skapa den eller välj en annan.")
    media_root = Path(settings.MEDIA_ROOT)

    with tempfile.TemporaryDirectory(prefix="kommunpris-backup-") as work_dir:
        work = Path(work_dir)
        dump = work / DATABASE
        with _snapshot():
            call_command(
                "dumpdata",
                format="exactjson",
                exclude=list(NOT_BACKED_UP),
                natural_foreign=True,
                use_base_manager=True,
                output=str(dump),
                verbosity=0,
            )
            migrations = _applied_migrations()
            head = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        rows = Counter(str(row["model"]) for row in json.loads(dump.read_text("utf-8")))

        # Files are copied first, so what is hashed is exactly what goes into the archive.
        copies: list[tuple[str, Path]] = [(DATABASE, dump)]
        for number, source in enumerate(_media_files(media_root)):
            copy = work / f"file-{number}"
            shutil.copyfile(source, copy)
            copies.append((f"{MEDIA}/{source.relative_to(media_root).as_posix()}", copy))
        parts = [Part(name, file.stat().st_size, _sha256_of(file)) for name, file in copies]
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": timezone.now().isoformat(),
            "database_vendor": connection.vendor,
            "migrations": migrations,
            "audit_head_hash": head or GENESIS_HASH,
            "rows": dict(sorted(rows.items())),
            "parts": [vars(p) for p in parts],
            "sha256": content_sha256(parts),
        }
        manifest = sign_manifest(manifest, key=key)
        manifest_bytes = json.dumps(manifest, indent=2, ensure_ascii=False).encode()

        partial = target.with_name(f".{target.name}.partial")
        try:
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise BackupError(
                f"{partial} finns kvar från ett avbrutet försök. Ta bort den och försök igen."
            ) from None
        try:
            with os.fdopen(descriptor, "wb") as raw:
                with tarfile.open(fileobj=raw, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
                    info = _tar_info(MANIFEST, len(manifest_bytes))
                    tar.addfile(info, io.BytesIO(manifest_bytes))
                    for name, file in copies:
                        with file.open("rb") as data:
                            tar.addfile(_tar_info(name, file.stat().st_size), data)
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise

    return BackupResult(
        path=target,
        size=target.stat().st_size,
        sha256=_sha256_of(target),
        rows=sum(rows.values()),
        files=len(copies) - 1,
        key_id=key_id(key),
    )


def _safe_member_name(name: str) -> str | None:
    """The member's name if it may be read from a backup; None for anything else."""
    pure = PurePosixPath(name)
    if pure.as_posix() != name or pure.is_absolute() or ".." in pure.parts:
        return None
    if name in (MANIFEST, DATABASE):
        return name
    if len(pure.parts) >= 2 and pure.parts[0] == MEDIA:
        return name
    return None


class _CheckedTarInfo(tarfile.TarInfo):
    """Tar's extended headers (PAX, GNU long names) are read whole into memory by tarfile: one
    larger than any backup of ours has is refused before it is read."""

    @classmethod
    def fromtarfile(cls, tarfile_: tarfile.TarFile) -> Self:
        assert tarfile_.fileobj is not None
        buf = tarfile_.fileobj.read(tarfile.BLOCKSIZE)
        obj = cls.frombuf(buf, tarfile_.encoding, tarfile_.errors)
        obj.offset = tarfile_.fileobj.tell() - tarfile.BLOCKSIZE
        extended = (tarfile.XHDTYPE, tarfile.XGLTYPE, tarfile.GNUTYPE_LONGNAME)
        if (obj.type in (*extended, tarfile.GNUTYPE_LONGLINK)) and obj.size > TAR_HEADER_MAX_BYTES:
            raise tarfile.HeaderError(f"extended header of {obj.size} bytes")
        return obj._proc_member(tarfile_)  # type: ignore[attr-defined]


def _manifest_from(data: bytes, path: Path, broken: str) -> tuple[dict[str, Any], list[Part]]:
    try:
        manifest = json.loads(data)
        parts = [Part(str(p["name"]), int(p["size"]), str(p["sha256"])) for p in manifest["parts"]]
        declared = str(manifest["sha256"])
        is_ours = manifest["format"] == FORMAT
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{path}: innehållsförteckningen går inte att läsa. {broken}") from exc
    if not is_ours:
        raise BackupError(
            f"{path} är inte en säkerhetskopia från kommunpris. Ingenting har ändrats."
        )
    if manifest.get("version") != VERSION:
        raise BackupError(
            f"{path} har formatversion {manifest.get('version')}; den här versionen av kommunpris "
            f"läser version {VERSION}. Ingenting har ändrats."
        )
    if content_sha256(parts) != declared:
        raise BackupError(
            f"{path}: innehållsförteckningen stämmer inte med sin egen kontrollsumma. {broken}"
        )
    if any(p.size < 0 for p in parts) or len({p.name for p in parts}) != len(parts):
        raise BackupError(f"{path}: innehållsförteckningen går inte att läsa. {broken}")
    return manifest, parts


def _trust(manifest: dict[str, Any], path: Path, *, vouched: bool) -> str:
    """Why this file may be restored: its signature holds, or the operator gave its SHA-256."""
    key = _backup_key()
    if key and _signature_holds(manifest, key):
        return "signature"
    if vouched:
        return "sha256"
    how = (
        "Ange filens SHA-256 med --sha256, så som kommunpris backup skrev ut den när "
        "säkerhetskopian gjordes, om du vet att filen är er egen. Ingenting har ändrats."
    )
    if SIGNATURE not in manifest:
        raise BackupError(f"{path} är inte signerad, så vem som helst kan ha gjort den. {how}")
    if not key:
        raise BackupError(
            f"{path}: signaturen kan inte kontrolleras, eftersom KOMMUNPRIS_BACKUP_KEY inte är "
            f"satt. Sätt samma nyckel som när säkerhetskopian gjordes. {how}"
        )
    raise BackupError(
        f"{path}: signaturen stämmer inte med innehållet. Filen har ändrats efter att den "
        "gjordes, eller gjorts med en annan nyckel än den här installationens "
        f"(KOMMUNPRIS_BACKUP_KEY). {how}"
    )


def _copy_at_most(source: io.BufferedReader, copy: Path, size: int) -> str:
    """Copy exactly `size` bytes (no more is ever read); their SHA-256."""
    digest = hashlib.sha256()
    left = size
    with copy.open("wb") as out:
        while left:
            chunk = source.read(min(_CHUNK, left))
            if not chunk:
                raise EOFError("member shorter than declared")
            digest.update(chunk)
            out.write(chunk)
            left -= len(chunk)
    return digest.hexdigest()


def _read_archive(
    path: Path, work: Path, *, vouched: bool
) -> tuple[dict[str, Any], dict[str, Path], str]:
    """Read the manifest, decide whether the file is to be trusted, then read every member into
    `work`, each checked against the manifest before a byte of it is read."""
    broken = (
        f"{path} är skadad eller ofullständig (avkortad eller ändrad) och kan inte läsas. "
        "Använd en annan säkerhetskopia. Ingenting har ändrats."
    )

    def not_ours(name: str) -> BackupError:
        return BackupError(
            f"{path} innehåller '{name}', som inte hör hemma i en säkerhetskopia från "
            "kommunpris. Ingenting har ändrats."
        )

    read: dict[str, Path] = {}
    try:
        with tarfile.open(path, mode="r:gz", tarinfo=_CheckedTarInfo) as tar:
            members = iter(tar)
            first = next(members, None)
            if first is None or first.name != MANIFEST or not first.isreg():
                raise BackupError(
                    f"{path} saknar innehållsförteckning (manifest.json) först. {broken}"
                )
            if first.size > MANIFEST_MAX_BYTES:
                raise BackupError(
                    f"{path}: innehållsförteckningen (manifest.json) är {first.size // MB} MB, mer "
                    f"än de {MANIFEST_MAX_BYTES // MB} MB en säkerhetskopia från kommunpris har "
                    "plats för. Ingenting har ändrats."
                )
            source = tar.extractfile(first)
            assert source is not None
            manifest, parts = _manifest_from(source.read(first.size), path, broken)
            trusted_by = _trust(manifest, path, vouched=vouched)
            declared = {p.name: p for p in parts}
            needed = sum(p.size for p in parts)
            free = shutil.disk_usage(work).free
            if needed > free:
                raise BackupError(
                    f"{path} packas upp till {needed // MB} MB, men bara {free // MB} MB är lediga "
                    f"i {work.parent}. Gör plats (eller sätt TMPDIR) och försök igen. "
                    "Ingenting har ändrats."
                )
            for member in members:
                name = _safe_member_name(member.name)
                if name is None or name in read or name == MANIFEST:
                    raise not_ours(member.name)
                if member.type not in (tarfile.REGTYPE, tarfile.AREGTYPE):
                    raise not_ours(member.name)
                part = declared.get(name)
                if part is None:
                    raise BackupError(
                        f"{path}: '{name}' står inte i innehållsförteckningen. {broken}"
                    )
                if member.size != part.size:
                    raise BackupError(
                        f"{path}: '{name}' är {member.size} byte, men innehållsförteckningen "
                        f"säger {part.size}. {broken}"
                    )
                data = tar.extractfile(member)
                assert data is not None
                copy = work / f"part-{len(read)}"
                if _copy_at_most(data, copy, part.size) != part.sha256:  # type: ignore[arg-type]
                    raise BackupError(
                        f"{path}: '{name}' stämmer inte med sin kontrollsumma (SHA-256). {broken}"
                    )
                read[name] = copy
            # Read to the end, so gzip checks its own checksum and length too; after the last
            # member only tar's padding may follow.
            assert tar.fileobj is not None
            rest = 0
            while chunk := tar.fileobj.read(_CHUNK):
                rest += len(chunk)
                if rest > TRAILER_MAX_BYTES:
                    raise BackupError(
                        f"{path}: efter sista delen följer mer data än en säkerhetskopia har. "
                        f"{broken}"
                    )
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise BackupError(broken) from exc

    for part in parts:
        if part.name not in read:
            raise BackupError(f"{path}: '{part.name}' saknas i filen. {broken}")
    if DATABASE not in declared:
        raise BackupError(f"{path}: databasen ({DATABASE}) saknas i filen. {broken}")
    return manifest, read, trusted_by


def _tables_with_rows() -> list[str]:
    """Models with content, as "app.model (N)", ignoring what `migrate` creates and sessions."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if label in _KEPT_ON_RESTORE or model._meta.app_label == "sessions":
            continue
        count = model._base_manager.count()
        if count:
            found.append(f"{label} ({count})")
    return found


def _empty_all_tables() -> None:
    """Remove every row (but content types and permissions) for a forced restore."""
    tables = [
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label_lower not in _KEPT_ON_RESTORE and model._meta.managed
    ]
    statements = connection.ops.sql_flush(no_style(), tables, allow_cascade=False)
    # PostgreSQL will not TRUNCATE a table with deferred checks still pending in this transaction.
    connection.check_constraints()
    with protection.suspended():
        connection.ops.execute_sql_flush(statements)


def _check_schema(manifest: dict[str, Any], path: Path) -> list[str]:
    """Refuse a backup from a newer schema; list what this database has that the backup lacks."""
    theirs = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    ours = {(app, name) for app, names in _applied_migrations().items() for name in names}
    newer = sorted(theirs - ours)
    if newer:
        app, name = newer[0]
        raise BackupError(
            f"{path} kommer från en nyare version av kommunpris (migreringen {app}.{name} finns "
            "inte i den här databasen). Uppgradera kommunpris och kör kommunpris migrate, och "
            "återställ sedan. Ingenting har ändrats."
        )
    return [f"{app}.{name}" for app, name in sorted(ours - theirs)]


def restore_backup(
    *,
    path: Path,
    force: bool = False,
    expected_sha256: str | None = None,
    actor: MachineActor = CLI,
) -> RestoreResult:
    """Load a backup into this installation; refused unless the database and MEDIA_ROOT are
    empty or `force` says to replace what is there. Checked in full before anything changes."""
    source = Path(path)
    if not source.is_file():
        raise BackupError(f"{source}: filen finns inte. Ange sökvägen till en säkerhetskopia.")
    # The file's own SHA-256 is read without unpacking anything: with it, the operator vouches.
    if expected_sha256 and _sha256_of(source) != expected_sha256.strip().lower():
        raise BackupError(
            f"{source} har inte kontrollsumman {expected_sha256}: filen är en annan eller har "
            "ändrats. Ingenting har ändrats."
        )
    media_root = Path(settings.MEDIA_ROOT)

    with tempfile.TemporaryDirectory(prefix="kommunpris-restore-") as work_dir:
        manifest, files, trusted_by = _read_archive(
            source, Path(work_dir), vouched=bool(expected_sha256)
        )
        older_schema = _check_schema(manifest, source)
        if not force:
            occupied = _tables_with_rows()
            if occupied:
                raise BackupError(
                    "Databasen är inte tom: den innehåller redan "
                    + ", ".join(occupied[:3])
                    + (" med flera" if len(occupied) > 3 else "")
                    + ". Återställ till en ny, tom databas (kör kommunpris migrate på den), "
                    "eller ange --force för att ersätta allt innehåll. Ingenting har ändrats."
                )
            if _media_files(media_root):
                raise BackupError(
                    f"Mappen för uppladdade filer ({media_root}) är inte tom. Töm den eller "
                    "ange --force för att ersätta innehållet. Ingenting har ändrats."
                )

        media = {name: copy for name, copy in files.items() if name != DATABASE}
        # loaddata reads the format from the file name.
        fixture = files[DATABASE].rename(files[DATABASE].with_name("database.exactjson"))
        swap = _MediaSwap(media_root, media)
        try:
            with transaction.atomic():
                if force:
                    _empty_all_tables()
                call_command("loaddata", str(fixture), verbosity=0)
                swap.apply()
                rows = sum(manifest.get("rows", {}).values())
                record_event(
                    action=Action.OPERATIONS_RESTORED,
                    actor=actor_label(actor),
                    target=backup_target(source.name),
                    after={
                        "sha256": manifest["sha256"],
                        "backup_created_at": manifest["created_at"],
                        "restored_audit_head_hash": manifest.get("audit_head_hash", GENESIS_HASH),
                        "rows": rows,
                        "files": len(media),
                        "forced": force,
                        "trusted_by": trusted_by,
                    },
                )
        except (DatabaseError, DeserializationError, ValueError, LookupError) as exc:
            swap.undo()
            if isinstance(exc, BackupError):
                raise
            raise BackupError(
                f"{source}: databasen i säkerhetskopian kunde inte läsas in ({exc}). "
                "Ingenting har ändrats."
            ) from exc
        except BaseException:
            swap.undo()
            raise
        swap.forget_old()

    return RestoreResult(
        rows=rows,
        files=len(media),
        backup_created_at=str(manifest["created_at"]),
        audit_intact=verify_chain().intact,
        older_schema=older_schema,
        trusted_by=trusted_by,
    )


class _MediaSwap:
    """Puts the restored files under MEDIA_ROOT; what was there is set aside until the
    database has committed, and put back if anything fails."""

    def __init__(self, media_root: Path, media: dict[str, Path]) -> None:
        self.root = media_root
        self.media = media
        self.set_aside = media_root.with_name(f".{media_root.name}.before-restore")
        self.started = False
        self.had_root = media_root.exists()

    def apply(self) -> None:
        self.started = True
        shutil.rmtree(self.set_aside, ignore_errors=True)
        if self.had_root:
            os.replace(self.root, self.set_aside)
        self.root.mkdir(parents=True, exist_ok=True)
        for name, copy in self.media.items():
            destination = self.root.joinpath(*PurePosixPath(name).parts[1:])
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(copy, destination)

    def undo(self) -> None:
        if not self.started:
            return
        shutil.rmtree(self.root, ignore_errors=True)
        if self.had_root and self.set_aside.exists():
            os.replace(self.set_aside, self.root)

    def forget_old(self) -> None:
        shutil.rmtree(self.set_aside, ignore_errors=True)
