"""The jury packet and the feedback reports are tested in the permission matrix's world
(tests/permissions/world.py): an edition decided and embargoed, one in deliberation with a
conflicted juror, an open call. Built once per module, rolled back after it."""

from __future__ import annotations

from tests.permissions.conftest import _fresh, world

__all__ = ["_fresh", "world"]
