"""Where candidacy attachments live: under MEDIA_ROOT (var/uploads), outside the web root, with
no URL of their own. They are handed out only by a permission-checked view."""

from __future__ import annotations

import uuid
from typing import IO

from django.core.files.base import File
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """MEDIA_ROOT, read when used (so tests can move it), and never a public URL."""

    def url(self, name: str | None) -> str:
        raise ValueError("Attachments have no public address; only a view hands them out.")


storage = PrivateStorage()


def save(content: File[bytes], *, year: int) -> str:
    """Store the file under a random name; returns the name to keep in the database."""
    return storage.save(f"nominations/{year}/{uuid.uuid4().hex}.pdf", content)


def open_file(name: str) -> IO[bytes]:
    return storage.open(name, "rb")


def delete(name: str) -> None:
    storage.delete(name)
