"""A crafted backup is not trusted: restore takes only what this installation signed, or what the
operator vouches for with the file's SHA-256, and no file makes it write more than it declares.

Made as an attacker would make them: a real backup taken apart, a superuser with a known
password and authenticator key added, every checksum made to fit (none has a key); and a small
file whose one member unpacks to hundreds of megabytes.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from kommunpris.awards.models import Award
from kommunpris.operations.services import (
    BackupError,
    Part,
    content_sha256,
    create_backup,
    restore_backup,
)

INTRUDER = "intrang@example.org"
HUGE = 300 * 1024 * 1024


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "uploads"
    root.mkdir()
    (root / "bilaga.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)))
    settings.MEDIA_ROOT = root
    return root


def _members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar}  # type: ignore[union-attr]


def _write(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _with_checksums_to_fit(members: dict[str, bytes], **manifest_changes: Any) -> None:
    """What anyone can do without a key: recompute every checksum in the manifest."""
    manifest = json.loads(members["manifest.json"])
    parts = [
        Part(name, len(data), hashlib.sha256(data).hexdigest())
        for name, data in members.items()
        if name != "manifest.json"
    ]
    manifest.update(parts=[vars(p) for p in parts], sha256=content_sha256(parts))
    manifest.update(manifest_changes)
    members["manifest.json"] = json.dumps(manifest).encode()


def _add_superuser(members: dict[str, bytes]) -> None:
    rows = json.loads(members["database.json"])
    pk = (
        max(r["pk"] for r in rows if r["model"] == "auth.user") + 1
        if any(r["model"] == "auth.user" for r in rows)
        else 9000
    )
    rows.append(
        {
            "model": "auth.user",
            "pk": pk,
            "fields": {
                "username": INTRUDER,
                "email": INTRUDER,
                "password": make_password("känt-lösenord"),
                "is_superuser": True,
                "is_staff": True,
                "is_active": True,
                "first_name": "",
                "last_name": "",
                "last_login": None,
                "date_joined": "2027-01-01T00:00:00Z",
                "groups": [],
                "user_permissions": [],
            },
        }
    )
    members["database.json"] = json.dumps(rows).encode()


@pytest.fixture
def crafted(archive: Award, media: Path, tmp_path: Path) -> Iterator[Path]:
    """This installation's own backup with a superuser added and every checksum made to fit."""
    backup = create_backup(path=tmp_path / "kommunpris.tar.gz")
    members = _members(backup.path)
    _add_superuser(members)
    signature = json.loads(members["manifest.json"]).get("signature")
    _with_checksums_to_fit(members)
    if signature is not None:
        # The old signature left in place: it does not fit the new content.
        manifest = json.loads(members["manifest.json"])
        manifest["signature"] = signature
        members["manifest.json"] = json.dumps(manifest).encode()
    yield _write(tmp_path / "sakerhetskopia.tar.gz", members)


def test_crafted_backup_adding_a_superuser_is_refused(crafted: Path) -> None:
    with pytest.raises(BackupError) as refused:
        restore_backup(path=crafted, force=True)
    assert str(refused.value) == (
        f"{crafted}: signaturen stämmer inte med innehållet. Filen har ändrats efter att den "
        "gjordes, eller gjorts med en annan nyckel än den här installationens "
        "(KOMMUNPRIS_BACKUP_KEY). Ange filens SHA-256 med --sha256, så som kommunpris backup "
        "skrev ut den när säkerhetskopian gjordes, om du vet att filen är er egen. "
        "Ingenting har ändrats."
    )
    assert not User.objects.filter(username=INTRUDER).exists()


def test_unsigned_backup_is_refused_unless_the_operator_gives_its_sha256(
    archive: Award, media: Path, tmp_path: Path
) -> None:
    backup = create_backup(path=tmp_path / "kommunpris.tar.gz")
    members = _members(backup.path)
    _add_superuser(members)
    _with_checksums_to_fit(members)
    manifest = json.loads(members["manifest.json"])
    manifest.pop("signature", None)
    members["manifest.json"] = json.dumps(manifest).encode()
    unsigned = _write(tmp_path / "osignerad.tar.gz", members)
    with pytest.raises(BackupError) as refused:
        restore_backup(path=unsigned, force=True)
    assert str(refused.value) == (
        f"{unsigned} är inte signerad, så vem som helst kan ha gjort den. Ange filens SHA-256 "
        "med --sha256, så som kommunpris backup skrev ut den när säkerhetskopian gjordes, om "
        "du vet att filen är er egen. Ingenting har ändrats."
    )
    assert not User.objects.filter(username=INTRUDER).exists()
    # The operator vouches for this very file: it is restored as it is.
    digest = hashlib.sha256(unsigned.read_bytes()).hexdigest()
    restore_backup(path=unsigned, force=True, expected_sha256=digest)
    assert User.objects.get(username=INTRUDER).is_superuser


def test_backup_signed_with_another_key_is_refused(
    archive: Award, media: Path, tmp_path: Path, settings: Any
) -> None:
    settings.KOMMUNPRIS_BACKUP_KEY = "en-annan-installations-nyckel-" + "7" * 40
    backup = create_backup(path=tmp_path / "kommunpris.tar.gz")
    settings.KOMMUNPRIS_BACKUP_KEY = "den-har-installationens-nyckel-" + "3" * 40
    with pytest.raises(BackupError, match="signaturen stämmer inte med innehållet"):
        restore_backup(path=backup.path, force=True)
    restore_backup(path=backup.path, force=True, expected_sha256=backup.sha256)


def test_backup_needs_the_key_and_says_how_to_make_one(
    archive: Award, media: Path, tmp_path: Path, settings: Any
) -> None:
    settings.KOMMUNPRIS_BACKUP_KEY = ""
    with pytest.raises(CommandError) as refused:
        call_command("backup", str(tmp_path / "kommunpris.tar.gz"))
    assert str(refused.value) == (
        "KOMMUNPRIS_BACKUP_KEY är inte satt: säkerhetskopior signeras med den, så att restore "
        "känner igen dem. Skapa en nyckel (openssl rand -hex 32), lägg den i miljön "
        "(/etc/kommunpris/kommunpris.env) och förvara en kopia åtskild från "
        "säkerhetskopiorna."
    )
    assert not (tmp_path / "kommunpris.tar.gz").exists()


def _bytes_written() -> int:
    """Bytes this process has written so far (Linux: /proc/self/io)."""
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("wchar:"):
            return int(line.split()[1])
    raise AssertionError("no wchar in /proc/self/io")


class _Zeros(io.RawIOBase):
    def __init__(self, size: int) -> None:
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = min(len(buffer), self.left)
        buffer[:count] = bytes(count)
        self.left -= count
        return count


def _bomb(path: Path, manifest: dict[str, Any]) -> Path:
    """A small file: the manifest, then database.json unpacking to HUGE bytes of zeros."""
    data = json.dumps(manifest).encode()
    with (
        gzip.open(path, "wb", compresslevel=1) as raw,
        tarfile.open(fileobj=raw, mode="w|") as tar,
    ):
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
        info = tarfile.TarInfo("database.json")
        info.size = HUGE
        tar.addfile(info, io.BufferedReader(_Zeros(HUGE)))
    assert path.stat().st_size < 2 * 1024 * 1024
    return path


def _own_signed_manifest(tmp_path: Path) -> dict[str, Any]:
    """This installation's own signed manifest (its database part is a few hundred kB)."""
    backup = create_backup(path=tmp_path / "eget.tar.gz")
    return dict(json.loads(_members(backup.path)["manifest.json"]))


@pytest.mark.parametrize("signed", [True, False], ids=["signed manifest", "unsigned"])
def test_small_file_declaring_a_huge_member_writes_nothing_of_it(
    archive: Award, media: Path, tmp_path: Path, signed: bool
) -> None:
    if signed:
        # A genuine manifest, whose database part is small: the member is not what it declares.
        manifest = _own_signed_manifest(tmp_path)
    else:
        parts = [Part("database.json", HUGE, hashlib.sha256(b"").hexdigest())]
        manifest = {
            "format": "kommunpris-backup",
            "version": 1,
            "created_at": "2027-11-10T18:00:00+00:00",
            "migrations": {},
            "rows": {},
            "parts": [vars(p) for p in parts],
            "sha256": content_sha256(parts),
        }
    bomb = _bomb(tmp_path / "liten.tar.gz", manifest)
    before = _bytes_written()
    with pytest.raises(BackupError):
        restore_backup(path=bomb, force=True)
    assert _bytes_written() - before < 5 * 1024 * 1024


def test_manifest_larger_than_any_backup_needs_is_refused_unread(
    archive: Award, media: Path, tmp_path: Path
) -> None:
    padded = {"format": "kommunpris-backup", "padding": " " * (20 * 1024 * 1024)}
    path = _write(tmp_path / "stor.tar.gz", {"manifest.json": json.dumps(padded).encode()})
    with pytest.raises(BackupError) as refused:
        restore_backup(path=path, force=True)
    assert str(refused.value) == (
        f"{path}: innehållsförteckningen (manifest.json) är 20 MB, mer än de 8 MB en "
        "säkerhetskopia från kommunpris har plats för. Ingenting har ändrats."
    )


def test_check_deploy_warns_while_backups_cannot_be_signed(settings: Any) -> None:
    from kommunpris.operations.checks import backup_key_is_set

    settings.KOMMUNPRIS_BACKUP_KEY = ""
    assert [m.id for m in backup_key_is_set()] == ["kommunpris.W001"]
    settings.KOMMUNPRIS_BACKUP_KEY = settings.SECRET_KEY = "s" * 64
    assert [m.id for m in backup_key_is_set()] == ["kommunpris.W002"]
    settings.KOMMUNPRIS_BACKUP_KEY = "b" * 64
    assert backup_key_is_set() == []
