"""Backup and restore: everything comes back as it was, and a damaged file changes nothing."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import stat
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from kommunpris.audit.models import AuditEvent
from kommunpris.audit.services import record_event
from kommunpris.audit.verification import verify_chain
from kommunpris.awards.models import Award
from kommunpris.operations.management.commands.backup import Command as BackupCommand
from kommunpris.operations.services import (
    BackupError,
    Part,
    content_sha256,
    create_backup,
    key_id,
    restore_backup,
    sign_manifest,
)

NATURAL_PRIMARY = {"contenttypes.contenttype", "auth.permission"}


def _tables() -> dict[str, list[dict[str, Any]]]:
    """Every table's rows in primary-key order (content types and permissions by natural key,
    since `migrate` numbers those itself); sessions are not part of a backup."""
    content: dict[str, list[dict[str, Any]]] = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if model._meta.app_label == "sessions":
            continue
        rows = serializers.serialize(
            "python",
            model._base_manager.order_by("pk"),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=label in NATURAL_PRIMARY,
        )
        if model._meta.auto_created:
            # Rows of Django's own many-to-many link tables are numbered anew when the links are
            # restored; nothing refers to those numbers, so the links are compared without them.
            rows = [{**r, "pk": None} for r in rows]
        if label in NATURAL_PRIMARY or model._meta.auto_created:
            rows = sorted(rows, key=lambda r: json.dumps(r["fields"], sort_keys=True))
        content[label] = rows
    return content


def _files(root: Path) -> dict[str, bytes]:
    if not root.exists():
        return {}
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "uploads"
    (root / "bilagor" / "2027").mkdir(parents=True)
    (root / "bilagor" / "2027" / "Värmdö kommun – självskattning.pdf").write_bytes(
        b"%PDF-1.7\n" + bytes(range(256)) * 40
    )
    (root / "bilagor" / "tom.txt").write_bytes(b"")
    (root / "logga.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", "utf-8")
    settings.MEDIA_ROOT = root
    return root


def _more_content() -> None:
    """Rows beyond the archive: accounts with groups and permissions, an admin log entry."""
    jury = Group.objects.create(name="Jury 2027")
    jury.permissions.add(Permission.objects.get(codename="view_auditevent"))
    chair = User.objects.create_user(
        "ordforande@example.se", "ordforande@example.se", "en-lång-lösenfras-1", first_name="Åsa"
    )
    chair.groups.add(jury)
    chair.user_permissions.add(Permission.objects.get(codename="view_winner"))
    LogEntry.objects.log_actions(
        chair.pk, [Award.objects.get()], ADDITION, change_message="Skapade utmärkelsen"
    )
    record_event(action="test.content", actor=chair.email, target="user:1", after={"ö": [1, 2]})


def _rewrite(
    source: Path,
    target: Path,
    change: Callable[[dict[str, bytes]], None],
    *,
    fix_checksums: bool,
) -> Path:
    """A copy of a backup with its members changed, optionally with checksums made to fit and
    the manifest signed again."""
    members: dict[str, bytes] = {}
    with tarfile.open(source, "r:gz") as tar:
        for member in tar:
            data = tar.extractfile(member)
            members[member.name] = data.read() if data else b""
    change(members)
    if fix_checksums:
        manifest = json.loads(members["manifest.json"])
        parts = [
            Part(name, len(data), hashlib.sha256(data).hexdigest())
            for name, data in members.items()
            if name != "manifest.json"
        ]
        manifest["parts"] = [vars(p) for p in parts]
        manifest["sha256"] = content_sha256(parts)
        # Signed anew, as by someone who holds the installation's key (what restore checks
        # after the signature is then what these tests are about).
        manifest = sign_manifest(manifest, key=settings.KOMMUNPRIS_BACKUP_KEY)
        members["manifest.json"] = json.dumps(manifest).encode()
    with tarfile.open(target, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return target


@pytest.mark.django_db(transaction=True)
def test_restore_into_empty_database_gives_back_every_table_and_file(
    archive: Award, media: Path, tmp_path: Path
) -> None:
    _more_content()
    tables, files = _tables(), _files(media)
    backup = create_backup(path=tmp_path / "kommunpris.tar.gz")

    call_command("flush", interactive=False, verbosity=0)  # as a fresh `migrate` leaves it
    shutil.rmtree(media)
    assert AuditEvent.objects.count() == User.objects.count() == 0

    result = restore_backup(path=backup.path)

    restored = _tables()
    restore_event = restored["audit.auditevent"].pop()
    assert restored == tables
    assert _files(media) == files
    assert restore_event["fields"]["action"] == "operations.restored"
    assert (
        restore_event["fields"]["previous_hash"] == tables["audit.auditevent"][-1]["fields"]["hash"]
    )
    assert (result.rows, result.files, result.audit_intact) == (backup.rows, 3, True)
    assert verify_chain().intact
    assert User.objects.get(username="ordforande@example.se").check_password("en-lång-lösenfras-1")


def test_backup_file_is_private_and_checks_every_part(
    archive: Award, media: Path, tmp_path: Path
) -> None:
    result = create_backup(path=tmp_path / "kommunpris.tar.gz")
    assert stat.S_IMODE(result.path.stat().st_mode) == 0o600
    assert result.sha256 == hashlib.sha256(result.path.read_bytes()).hexdigest()
    with tarfile.open(result.path, "r:gz") as tar:
        names = tar.getnames()
        contents = {n: tar.extractfile(n).read() for n in names}  # type: ignore[union-attr]
    manifest = json.loads(contents["manifest.json"])
    assert names == [
        "manifest.json",
        "database.json",
        "media/bilagor/2027/Värmdö kommun – självskattning.pdf",
        "media/bilagor/tom.txt",
        "media/logga.svg",
    ]
    assert manifest["parts"] == [
        {"name": n, "size": len(contents[n]), "sha256": hashlib.sha256(contents[n]).hexdigest()}
        for n in names[1:]
    ]
    assert manifest["sha256"] == content_sha256([Part(**p) for p in manifest["parts"]])
    assert manifest["rows"]["register.municipality"] == 290
    assert manifest["audit_head_hash"] == AuditEvent.objects.order_by("-id").first().hash  # type: ignore[union-attr]
    rows = json.loads(contents["database.json"])
    assert {r["model"] for r in rows} >= {
        "register.municipality",
        "archive.winner",
        "audit.auditevent",
    }
    assert not {r["model"] for r in rows} & {"sessions.session", "contenttypes.contenttype"}


def test_backup_never_overwrites_a_file(archive: Award, media: Path, tmp_path: Path) -> None:
    existing = tmp_path / "kommunpris.tar.gz"
    existing.write_bytes(b"en tidigare kopia")
    with pytest.raises(BackupError) as refused:
        create_backup(path=existing)
    assert str(refused.value) == (
        f"{existing} finns redan. Välj ett nytt filnamn; en säkerhetskopia skrivs aldrig över."
    )
    assert existing.read_bytes() == b"en tidigare kopia"


def test_backup_left_half_written_is_named(archive: Award, media: Path, tmp_path: Path) -> None:
    stale = tmp_path / ".kommunpris.tar.gz.partial"
    stale.write_bytes(b"avbruten")
    with pytest.raises(BackupError) as refused:
        create_backup(path=tmp_path / "kommunpris.tar.gz")
    assert str(refused.value) == (
        f"{stale} finns kvar från ett avbrutet försök. Ta bort den och försök igen."
    )
    assert not (tmp_path / "kommunpris.tar.gz").exists()


def _assert_refused_and_unchanged(path: Path, media: Path, message: str, **options: Any) -> None:
    tables, files = _tables(), _files(media)
    with pytest.raises(BackupError) as refused:
        restore_backup(path=path, **options)
    assert str(refused.value) == message
    assert _tables() == tables
    assert _files(media) == files


def test_truncated_backup_is_refused_and_nothing_changes(
    archive: Award, media: Path, tmp_path: Path
) -> None:
    backup = create_backup(path=tmp_path / "kommunpris.tar.gz")
    truncated = tmp_path / "avkortad.tar.gz"
    truncated.write_bytes(backup.path.read_bytes()[: backup.size // 2])
    _assert_refused_and_unchanged(
        truncated,
        media,
        f"{truncated} är skadad eller ofullständig (avkortad eller ändrad) och kan inte läsas. "
        "Använd en annan säkerhetskopia. Ingenting har ändrats.",
        force=True,
    )


def test_backup_cut_at_its_last_bytes_is_refused(
    archive: Award, media: Path, tmp_path: Path
) -> None:
    backup = create_backup(path=tmp_path / "kommunpris.tar.gz")
    truncated = tmp_path / "avkortad.tar.gz"
    truncated.write_bytes(backup.path.read_bytes()[:-4])
    with pytest.raises(BackupError, match="är skadad eller ofullständig"):
        restore_backup(path=truncated, force=True)


def test_altered_database_part_is_refused_and_nothing_changes(
    archive: Award, media: Path, tmp_path: Path
) -> None:
    backup = create_backup(path=tmp_path / "kommunpris.tar.gz")

    def change(members: dict[str, bytes]) -> None:
        # The same length: the size still fits, the checksum does not.
        members["database.json"] = members["database.json"].replace(
            "Värmdö kommun".encode(), "Värmdö Kommun".encode(), 1
        )

    altered = _rewrite(backup.path, tmp_path / "ändrad.tar.gz", change, fix_checksums=False)
    _assert_refused_and_unchanged(
        altered,
        media,
        f"{altered}: 'database.json' stämmer inte med sin kontrollsumma (SHA-256). {altered} är "
        "skadad eller ofullständig (avkortad eller ändrad) och kan inte läsas. Använd en annan "
        "säkerhetskopia. Ingenting har ändrats.",
        force=True,
    )


def test_altered_manifest_is_refused(archive: Award, media: Path, tmp_path: Path) -> None:
    backup = create_backup(path=tmp_path / "kommunpris.tar.gz")

    def change(members: dict[str, bytes]) -> None:
        manifest = json.loads(members["manifest.json"])
        members["media/logga.svg"] = b"<svg onload='alert(1)'/>"
        manifest["parts"][-1]["sha256"] = hashlib.sha256(members["media/logga.svg"]).hexdigest()
        manifest["parts"][-1]["size"] = len(members["media/logga.svg"])
        members["manifest.json"] = json.dumps(manifest).encode()

    altered = _rewrite(backup.path, tmp_path / "ändrad.tar.gz", change, fix_checksums=False)
    with pytest.raises(BackupError) as refused:
        restore_backup(path=altered, force=True)
    assert str(refused.value).startswith(
        f"{altered}: innehållsförteckningen stämmer inte med sin egen kontrollsumma."
    )


@pytest.mark.parametrize(
    "name", ["../../etc/cron.d/x", "/etc/passwd", "media/../../x", "media/./x", "ovrigt.txt"]
)
def test_member_outside_the_backup_layout_is_refused(
    archive: Award, media: Path, tmp_path: Path, name: str
) -> None:
    backup = create_backup(path=tmp_path / "kommunpris.tar.gz")

    def change(members: dict[str, bytes]) -> None:
        members[name] = b"* * * * * root sh"

    altered = _rewrite(backup.path, tmp_path / "farlig.tar.gz", change, fix_checksums=True)
    _assert_refused_and_unchanged(
        altered,
        media,
        f"{altered} innehåller '{name}', som inte hör hemma i en säkerhetskopia från kommunpris. "
        "Ingenting har ändrats.",
        force=True,
    )
    assert not (tmp_path.parent / "x").exists()


def test_file_that_is_not_a_backup_is_refused(archive: Award, tmp_path: Path) -> None:
    other = tmp_path / "vinnare.txt"
    other.write_text("Sveriges IT-kommun 2001", "utf-8")
    with pytest.raises(BackupError, match="är skadad eller ofullständig"):
        restore_backup(path=other)


def test_restore_into_non_empty_database_is_refused_and_nothing_changes(
    archive: Award, media: Path, tmp_path: Path
) -> None:
    backup = create_backup(path=tmp_path / "kommunpris.tar.gz")
    count = AuditEvent.objects.count()
    _assert_refused_and_unchanged(
        backup.path,
        media,
        f"Databasen är inte tom: den innehåller redan audit.auditevent ({count}), "
        "register.county (21), register.municipality (290) med flera. Återställ till en ny, tom "
        "databas (kör kommunpris migrate på den), eller ange --force för att ersätta allt "
        "innehåll. Ingenting har ändrats.",
    )


def test_forced_restore_replaces_everything(archive: Award, media: Path, tmp_path: Path) -> None:
    tables, files = _tables(), _files(media)
    backup = create_backup(path=tmp_path / "kommunpris.tar.gz")
    _more_content()
    (media / "efteråt.pdf").write_bytes(b"%PDF later")

    restore_backup(path=backup.path, force=True)

    restored = _tables()
    restore_event = restored["audit.auditevent"].pop()
    assert restored == tables
    assert _files(media) == files
    assert restore_event["fields"]["after"]["forced"] is True
    assert verify_chain().intact


def test_database_that_cannot_be_loaded_changes_nothing(
    archive: Award, media: Path, tmp_path: Path
) -> None:
    backup = create_backup(path=tmp_path / "kommunpris.tar.gz")

    def change(members: dict[str, bytes]) -> None:
        rows = json.loads(members["database.json"])
        county = next(r for r in rows if r["model"] == "register.county")
        county["pk"] = "ÖÖ"  # breaks the two-digit code constraint
        members["database.json"] = json.dumps(rows).encode()
        members["media/ny.pdf"] = b"%PDF new"

    broken = _rewrite(backup.path, tmp_path / "trasig.tar.gz", change, fix_checksums=True)
    tables, files = _tables(), _files(media)
    with pytest.raises(BackupError) as refused:
        restore_backup(path=broken, force=True)
    assert str(refused.value).startswith(
        f"{broken}: databasen i säkerhetskopian kunde inte läsas in ("
    )
    assert str(refused.value).endswith("Ingenting har ändrats.")
    assert _tables() == tables
    assert _files(media) == files


def test_backup_from_newer_schema_is_refused(archive: Award, media: Path, tmp_path: Path) -> None:
    backup = create_backup(path=tmp_path / "kommunpris.tar.gz")

    def change(members: dict[str, bytes]) -> None:
        manifest = json.loads(members["manifest.json"])
        manifest["migrations"]["audit"].append("0099_future")
        members["manifest.json"] = json.dumps(manifest).encode()

    newer = _rewrite(backup.path, tmp_path / "nyare.tar.gz", change, fix_checksums=True)
    _assert_refused_and_unchanged(
        newer,
        media,
        f"{newer} kommer från en nyare version av kommunpris (migreringen audit.0099_future finns "
        "inte i den här databasen). Uppgradera kommunpris och kör kommunpris migrate, och "
        "återställ sedan. Ingenting har ändrats.",
        force=True,
    )


def test_restore_checks_the_whole_file_checksum_when_given(
    archive: Award, media: Path, tmp_path: Path
) -> None:
    backup = create_backup(path=tmp_path / "kommunpris.tar.gz")
    wrong = "0" * 64
    _assert_refused_and_unchanged(
        backup.path,
        media,
        f"{backup.path} har inte kontrollsumman {wrong}: filen är en annan eller har ändrats. "
        "Ingenting har ändrats.",
        force=True,
        expected_sha256=wrong,
    )
    restore_backup(path=backup.path, force=True, expected_sha256=backup.sha256.upper())


def test_backup_and_restore_commands(archive: Award, media: Path, tmp_path: Path) -> None:
    path = tmp_path / "kommunpris.tar.gz"
    out = io.StringIO()
    call_command("backup", str(path), stdout=out)
    size = path.stat().st_size
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with tarfile.open(path) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    rows = sum(manifest["rows"].values())
    assert out.getvalue() == (
        f"Säkerhetskopian är skriven till {path} ({size} byte): {rows} rader ur databasen och "
        f"3 uppladdade filer.\nSHA-256 för filen: {digest}\n"
        f"Signerad med säkerhetskopieringsnyckeln {key_id(settings.KOMMUNPRIS_BACKUP_KEY)} "
        "(KOMMUNPRIS_BACKUP_KEY).\n"
    )
    with pytest.raises(CommandError, match="^Databasen är inte tom: "):
        call_command("restore", str(path))
    out = io.StringIO()
    call_command("restore", str(path), "--force", "--sha256", digest, stdout=out)
    assert out.getvalue().endswith(
        f"{rows} rader och 3 uppladdade filer.\nGranskningsloggen är obruten.\n"
    )
    assert ContentType.objects.filter(app_label="audit").exists()


def test_commands_speak_the_sites_language_whatever_the_caller_had_active(
    archive: Award, media: Path, tmp_path: Path
) -> None:
    path = tmp_path / "kommunpris.tar.gz"
    with translation.override("en"):
        call_command("backup", str(path), stdout=io.StringIO())
        with pytest.raises(CommandError, match="^Databasen är inte tom: "):
            call_command("restore", str(path))
        help_text = BackupCommand().create_parser("kommunpris", "backup").format_help()
    assert "Skriver en säkerhetskopia av hela installationen" in help_text
    assert "Ny fil, t.ex. kommunpris-2027-11-10.tar.gz" in help_text


def test_refusal_is_in_the_readers_language(tmp_path: Path) -> None:
    missing = tmp_path / "saknas.tar.gz"
    with translation.override("en"), pytest.raises(BackupError) as refused:
        restore_backup(path=missing)
    assert str(refused.value) == f"{missing}: the file does not exist. Give the path to a backup."
