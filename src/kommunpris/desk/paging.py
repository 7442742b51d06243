"""Long desk lists come a page at a time: a national call has 20,000 nominations, and a popular
municipality hundreds. The page is chosen by `?page=N` beside the list's own filters."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 100


def page_of(request: HttpRequest, rows: Any, *, size: int = PAGE_SIZE) -> Page[Any]:
    """The page the request asks for (the first for a page that is not a number, the last for
    one past the end)."""
    return Paginator(rows, size).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    """The request's filters, for links to other pages of the same list and its downloads."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
