"""A municipality's PDF attachments, for organisers and the jury."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kommunpris.nominations import selectors, storage
from kommunpris.permissions.candidacy_material import may_read_candidacy_material

from ._common import forbidden


@require_http_methods(["GET"])
def attachment_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A municipality's PDF, for organisers and the jury only."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    found = selectors.attachment(pk)
    if found is None:
        raise Http404(_("There is no such attachment."))
    if not may_read_candidacy_material(request.user, found.candidacy):
        return forbidden(request)
    try:
        handle = storage.open_file(found.stored_name)
    except FileNotFoundError:
        raise Http404(_("The attachment's file is missing.")) from None
    response = FileResponse(
        handle, as_attachment=True, filename=found.original_name, content_type="application/pdf"
    )
    return response
