"""The field as CSV files, streamed as they are read."""

from __future__ import annotations

from collections.abc import Iterator

from django.http import HttpRequest, HttpResponseBase, StreamingHttpResponse

from kommunpris.nominations import exports, selectors

from ..nominations_forms import FieldFilterForm, NominationFilterForm
from ._common import call_edition, chosen_filters, organiser_required

# Rows read from the database at a time for a streamed export.
CSV_CHUNK = 2000


def _csv_response(lines: Iterator[str], filename: str) -> StreamingHttpResponse:
    """Sent as it is read from the database: a national call's 20,000 nominations are never
    held in memory at once."""
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in lines), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@organiser_required
def nominations_csv(request: HttpRequest, year: int) -> HttpResponseBase:
    edition = call_edition(year)
    chosen = chosen_filters(NominationFilterForm(request.GET or None))
    rows = selectors.nominations(
        edition, status=chosen.get("status"), county=chosen.get("county"), search=chosen.get("q")
    )
    return _csv_response(
        exports.nominations_csv(rows.iterator(chunk_size=CSV_CHUNK)), f"nomineringar-{year}.csv"
    )


@organiser_required
def candidacies_csv(request: HttpRequest, year: int) -> HttpResponseBase:
    edition = call_edition(year)
    chosen = chosen_filters(FieldFilterForm(request.GET or None))
    rows = selectors.candidacies(
        edition,
        county=chosen.get("county"),
        response=chosen.get("response"),
        search=chosen.get("q"),
    )
    return _csv_response(
        exports.candidacies_csv(rows.iterator(chunk_size=CSV_CHUNK)), f"kandidaturer-{year}.csv"
    )
