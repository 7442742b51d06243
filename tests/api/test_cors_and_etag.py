"""Open data for other sites: every API read and download carries an ETag and answers 304 to a
client that has it, pages elsewhere may read it (CORS: any origin, GET, HEAD and OPTIONS, no
credentials), the licence is in a Link header, and the OpenAPI document says all of it."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import Client

from kommunpris.awards.models import Award

CC0 = "http://creativecommons.org/publicdomain/zero/1.0/"
LICENCE_LINK = f'<{CC0}>; rel="license"'
EXAMPLES = {"{slug}": "digitaliseringskommun", "{year}": "2023", "{code}": "2281"}


def _api_reads(client: Client) -> list[str]:
    """Every GET operation of the OpenAPI document, with example parameters."""
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    urls = []
    for path, item in paths.items():
        assert set(item) == {"get"}, path
        for placeholder, value in EXAMPLES.items():
            path = path.replace(placeholder, value)
        if path.startswith("/api/v1/counties/"):
            path = "/api/v1/counties/22"
        urls.append(path)
    return urls


DOWNLOADS = [
    "/vinnare/vinnare.csv",
    "/vinnare/vinnare.json",
    "/vinnare/vinnare.txt",
    "/en/vinnare/vinnare.csv",
    "/kommun/kommuner.csv",
    "/kommun/kommuner.json",
    "/feed/",
    "/datasets/dcat",
]


def test_every_api_read_and_download_has_etag_cors_and_licence(
    client: Client, archive: Award
) -> None:
    urls = [*_api_reads(client), "/api/v1/openapi.json", *DOWNLOADS]
    assert len(urls) == 20
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Access-Control-Allow-Origin"] == "*", url
        assert "Access-Control-Allow-Credentials" not in response, url
        assert response["Access-Control-Expose-Headers"] == "ETag, Link", url
        assert response["Link"] == LICENCE_LINK, url
        etag = response["ETag"]
        assert etag.startswith('"') and etag.endswith('"') and len(etag) == 34, url

        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert (again.status_code, again.content, again["ETag"]) == (304, b"", etag), url
        assert again["Access-Control-Allow-Origin"] == "*", url
        assert again["Link"] == LICENCE_LINK, url
        # Weak comparison (RFC 9110): a cache may have made the validator weak.
        assert client.get(url, HTTP_IF_NONE_MATCH=f'"other", W/{etag}').status_code == 304
        assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200, url


def test_etag_changes_with_the_answer(client: Client, archive: Award) -> None:
    swedish = client.get("/api/v1/winners")
    one = client.get("/api/v1/winners?award=digitaliseringskommun")
    assert swedish["ETag"] == one["ETag"]
    other = client.get("/api/v1/municipalities/0180")
    assert other["ETag"] != swedish["ETag"]
    stale = client.get("/api/v1/municipalities/0180", HTTP_IF_NONE_MATCH=swedish["ETag"])
    assert (stale.status_code, stale.json()["name"]) == (200, "Stockholm")


def test_head_answers_like_get_without_a_body(client: Client, archive: Award) -> None:
    for url in ["/api/v1/winners", "/api/v1/editions/2023", "/vinnare/vinnare.csv"]:
        got = client.get(url)
        head = client.head(url)
        assert (head.status_code, head.content) == (200, b""), url
        assert head["ETag"] == got["ETag"], url
        assert head["Content-Length"] == str(len(got.content)), url
        assert head["Access-Control-Allow-Origin"] == "*", url
    missing = client.head("/api/v1/editions/1999")
    assert (missing.status_code, missing.content) == (404, b"")


def test_preflight_allows_reads_only_and_writes_are_refused(client: Client, archive: Award) -> None:
    preflight = client.options(
        "/api/v1/winners",
        HTTP_ORIGIN="https://kommun.example.se",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert preflight.status_code == 204
    assert {
        key: preflight[key]
        for key in (
            "Access-Control-Allow-Origin",
            "Access-Control-Allow-Methods",
            "Access-Control-Allow-Headers",
            "Access-Control-Max-Age",
            "Allow",
        )
    } == {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
        "Access-Control-Allow-Headers": "Accept, Accept-Language, If-None-Match",
        "Access-Control-Max-Age": "86400",
        "Allow": "GET, HEAD, OPTIONS",
    }
    assert "Access-Control-Allow-Credentials" not in preflight
    for method in ("post", "put", "patch", "delete"):
        refused = getattr(client, method)(
            "/api/v1/winners", HTTP_ORIGIN="https://kommun.example.se"
        )
        assert (refused.status_code, refused["Allow"]) == (405, "GET, HEAD, OPTIONS"), method


def test_pages_are_not_opened_to_other_sites(client: Client, archive: Award) -> None:
    for url in ["/", "/vinnare/", "/oppna-data/", "/logga-in/"]:
        response = client.get(url)
        assert "Access-Control-Allow-Origin" not in response, url
        assert "Link" not in response, url


def test_openapi_document_names_licence_cors_and_conditional_get(
    client: Client, archive: Award
) -> None:
    document = client.get("/api/v1/openapi.json").json()
    assert document["info"]["license"] == {"name": "CC0 1.0 Universal", "url": CC0}
    assert "CORS: alla ursprung, metoderna GET, HEAD och OPTIONS" in document["info"]["description"]
    assert "304 Not Modified" in document["info"]["description"]
    for path, item in document["paths"].items():
        operation = item["get"]
        names = [(p["name"], p["in"]) for p in operation["parameters"]]
        assert ("If-None-Match", "header") in names, path
        assert set(operation["responses"]["304"]["headers"]) == {"ETag", "Link"}, path
        assert set(operation["responses"]["200"]["headers"]) == {
            "ETag",
            "Link",
            "Access-Control-Allow-Origin",
        }, path


@pytest.mark.browser
def test_a_page_on_another_site_reads_the_api_in_chromium(
    live_server: Any, archive: Award, chromium: Any
) -> None:
    """Chromium itself enforces CORS: a page from another origin reads the API and the CSV,
    may not send credentials along, and may not write."""

    # The other site: a page served from another origin on this machine (Chromium keeps pages
    # from the public internet away from loopback addresses, so it must really be served here).
    class OtherSite(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<!doctype html><title>Kommunen</title>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    other = ThreadingHTTPServer(("127.0.0.1", 0), OtherSite)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    context = chromium.new_context()
    page = context.new_page()
    page.goto(f"http://127.0.0.1:{other.server_address[1]}/kommunens-sida.html")
    base = live_server.url.replace("127.0.0.1", "localhost")
    assert base != page.evaluate("location.origin")
    result = page.evaluate(
        """async (base) => {
            const read = await fetch(base + "/api/v1/winners");
            const rows = await read.json();
            const csv = await fetch(base + "/vinnare/vinnare.csv");
            const outcome = async (promise) => {
                try { const r = await promise; return "status " + r.status; }
                catch (e) { return "blocked"; }
            };
            return {
                first: rows[0].display_name,
                etag: read.headers.get("ETag") !== null,
                link: read.headers.get("Link"),
                csv: csv.status,
                withCredentials: await outcome(fetch(base + "/api/v1/winners", {credentials: "include"})),
                post: await outcome(fetch(base + "/api/v1/winners", {
                    method: "POST", headers: {"Content-Type": "application/json"}, body: "{}"})),
            };
        }""",
        base,
    )
    context.close()
    other.shutdown()
    other.server_close()
    assert result == {
        "first": "Värmdö kommun",
        "etag": True,
        "link": LICENCE_LINK,
        "csv": 200,
        "withCredentials": "blocked",
        "post": "blocked",
    }
