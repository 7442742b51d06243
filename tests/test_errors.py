"""Domain errors carry their HTTP status; the mapping is one function."""

from __future__ import annotations

import pytest

from kommunpris.errors import Conflict, DomainError, Invalid, NotAllowed, NotFound, http_status


@pytest.mark.parametrize(
    ("error", "status"), [(Invalid, 400), (NotAllowed, 403), (NotFound, 404), (Conflict, 409)]
)
def test_http_status_of_each_kind_of_domain_error(error: type[DomainError], status: int) -> None:
    assert http_status(error("Meddelande")) == status
    assert str(error("Meddelande")) == "Meddelande"


def test_http_status_of_a_subclass_follows_its_kind() -> None:
    class PhaseIsOver(Conflict):
        pass

    assert http_status(PhaseIsOver("Fasen är över")) == 409
    assert isinstance(PhaseIsOver("x"), DomainError)
