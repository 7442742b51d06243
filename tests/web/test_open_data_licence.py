"""The licence, CC0 1.0 by its canonical URI, wherever the open data is given."""

from __future__ import annotations

from django.test import Client

from kommunpris.awards.models import Award

CC0 = "http://creativecommons.org/publicdomain/zero/1.0/"


def test_open_data_page_names_the_licence_and_the_catalogue(client: Client, archive: Award) -> None:
    html = client.get("/oppna-data/").content.decode("utf-8")
    assert f'<a rel="license" href="{CC0}">CC0 1.0 Universal</a> (CC0 1.0)' in html
    assert '<a href="/datasets/dcat"><code>/datasets/dcat</code></a>' in html
    assert '<a href="/kommun/kommuner.csv">kommuner.csv</a>' in html
    english = client.get("/en/oppna-data/").content.decode("utf-8")
    assert f'<a rel="license" href="{CC0}">CC0 1.0 Universal</a>' in english
    assert "without asking and without naming the source" in english


def test_feed_names_the_licence(client: Client, archive: Award) -> None:
    feed = client.get("/feed/").content.decode("utf-8")
    assert f"<rights>CC0 1.0 Universal: {CC0}</rights>" in feed
    assert f'<link href="{CC0}" rel="license"/>' in feed
