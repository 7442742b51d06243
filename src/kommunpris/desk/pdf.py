"""PDF documents made from the same HTML templates as the printable pages, with WeasyPrint.

A PDF is a document for the desk's own readers (the jury's packet, a municipality's feedback
report): it is laid out in the application process, reads nothing from outside (no network, no
file: every stylesheet is given as text, and a link or image in the text is never fetched), is
tagged PDF/UA-1 so a screen reader follows its headings and reading order, and carries its title
and language in its metadata. WeasyPrint is imported only when a PDF is made: the rest of the
site runs on a machine without Pango.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

# The print stylesheet every PDF is laid out with (a template, so it ships with the package).
PRINT_STYLESHEET = "desk/pdf/print.css"


class PdfUnavailable(RuntimeError):
    """WeasyPrint or the system's Pango is missing: the PDF cannot be made on this machine."""


def _refuse_every_fetch() -> Any:
    from weasyprint import URLFetcher

    class RefuseEveryFetch(URLFetcher):
        """Nothing outside the document is read: not the network, not the server's files."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError(f"kommunpris PDFs fetch nothing from outside ({url})")

    return RefuseEveryFetch()


def html_to_pdf(html: str) -> bytes:
    """The PDF of a whole HTML document (title and `lang` from its own <title> and <html>)."""
    try:
        from weasyprint import CSS, HTML
    except OSError as exc:  # Pango's libraries are loaded when weasyprint is imported
        raise PdfUnavailable(
            "The PDF cannot be made: WeasyPrint does not find Pango on this server "
            f"(run scripts/system-packages --for run). {exc}"
        ) from exc
    fetcher = _refuse_every_fetch()
    stylesheet = CSS(string=render_to_string(PRINT_STYLESHEET), url_fetcher=fetcher)
    document = HTML(string=html, url_fetcher=fetcher, base_url="about:blank")
    pdf = document.write_pdf(stylesheets=[stylesheet], pdf_variant="pdf/ua-1")
    assert isinstance(pdf, bytes)
    return pdf


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """The PDF of a template that renders a whole HTML document."""
    return html_to_pdf(render_to_string(template, context))
