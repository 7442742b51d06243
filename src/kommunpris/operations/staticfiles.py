"""Static files as production serves them (`kommunpris collectstatic`, the production settings).

Every file also gets a name with a hash of its content (Django's ManifestStaticFilesStorage:
`web/site.55e7cbb9ba48.css`) and pages name that one, so a file that changes after a deploy has
a new name and nginx may let browsers keep static files for a year (deploy/nginx). Every text
file, under both names, gets a gzip copy beside it (`site.55e7cbb9ba48.css.gz`) that nginx sends
as it is (`gzip_static on`) instead of compressing the file for each request.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from typing import Any

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

# What compresses well and browsers take compressed (fonts in WOFF2 and images already are).
COMPRESSIBLE = (".css", ".js", ".mjs", ".map", ".svg", ".json", ".txt", ".html", ".xml", ".ico")
# A copy that saves less than this share of the file is not worth a second file.
MINIMUM_SAVING = 0.05


class HashedCompressedStaticFilesStorage(ManifestStaticFilesStorage):
    def post_process(
        self, *args: Any, **kwargs: Any
    ) -> Iterator[tuple[str, str, bool] | tuple[str, None, RuntimeError]]:
        yield from super().post_process(*args, **kwargs)
        paths: dict[str, Any] = args[0] if args else kwargs["paths"]
        if kwargs.get("dry_run") or (len(args) > 1 and args[1]):
            return
        names = {*paths, *self.hashed_files.values()}
        for name in sorted(n for n in names if n and n.lower().endswith(COMPRESSIBLE)):
            self._write_gzip_copy(name)

    def _write_gzip_copy(self, name: str) -> None:
        with self.open(name) as original:
            content = original.read()
        # mtime=0: the same file gives the same copy, whenever collectstatic runs.
        packed = gzip.compress(content, compresslevel=9, mtime=0)
        copy = f"{name}.gz"
        if self.exists(copy):
            self.delete(copy)
        if len(packed) <= len(content) * (1 - MINIMUM_SAVING):
            # The storage's own save would hash the copy's name as well.
            FileSystemStorage.save(self, copy, ContentFile(packed))
