"""The DCAT-AP-SE catalogue at /datasets/dcat: valid against the EU's DCAT-AP 2.1.1 SHACL shapes
(tests/web/shapes, with pySHACL), holding the harvesting rules of Sweden's data portal (DIGG's
DCAT-AP-SE, docs/harvesting.md), in three formats, and never revealing an embargoed decision."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyshacl
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings
from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF

from kommunpris.awards.models import Award, Edition

from .conftest import SECRET_MOTIVATION

SHAPES = Path(__file__).parent / "shapes"
CC0 = URIRef("http://creativecommons.org/publicdomain/zero/1.0/")
SITE = "http://127.0.0.1:8000"
CATALOGUE = URIRef(f"{SITE}/datasets/dcat")
VCARD = "http://www.w3.org/2006/vcard/ns#"
# RFC 3987: an absolute IRI has a scheme, and none of these characters.
ABSOLUTE_IRI = re.compile(r'^(https?|mailto):[^\s<>"{}|\\^`]+$')


def _graph(client: Client, **headers: str) -> Graph:
    response = client.get("/datasets/dcat", **headers)
    assert response.status_code == 200
    formats = {
        "application/rdf+xml": "xml",
        "text/turtle": "turtle",
        "application/ld+json": "json-ld",
    }
    media_type = response["Content-Type"].split(";")[0]
    return Graph().parse(data=response.content, format=formats[media_type])


def _canonical(graph: Graph) -> Graph:
    """The same graph with whole decimals in one lexical form (Turtle writes 12.0 for 12)."""
    canonical = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype == XSD.decimal:
            o = Literal(str(int(o.toPython())), datatype=XSD.decimal)
        canonical.add((s, p, o))
    return canonical


def _validate(graph: Graph, shapes: str) -> tuple[bool, str]:
    conforms, _report, text = pyshacl.validate(
        graph, shacl_graph=Graph().parse(SHAPES / shapes, format="turtle")
    )
    return bool(conforms), text


@pytest.mark.parametrize(
    "shapes", ["dcat-ap_2.1.1_shacl_shapes.ttl", "dcat-ap_2.1.1_shacl_range.ttl"]
)
def test_catalogue_conforms_to_dcat_ap_shapes(client: Client, archive: Award, shapes: str) -> None:
    conforms, report = _validate(_graph(client), shapes)
    assert conforms, report


def test_shapes_find_a_dataset_without_title_or_a_licence_of_the_wrong_kind(
    client: Client, archive: Award
) -> None:
    """The validation can fail: the same catalogue, broken, is refused."""
    graph = _graph(client)
    winners = URIRef(f"{CATALOGUE}#vinnare")
    graph.remove((winners, DCTERMS.title, None))
    conforms, report = _validate(graph, "dcat-ap_2.1.1_shacl_shapes.ttl")
    assert not conforms
    assert "dct:title" in report
    graph = _graph(client)
    graph.remove((CC0, RDF.type, None))
    conforms, report = _validate(graph, "dcat-ap_2.1.1_shacl_range.ttl")
    assert not conforms
    assert "LicenseDocument" in report


def test_catalogue_is_rdf_xml_by_default_and_turtle_or_json_ld_by_accept(
    client: Client, archive: Award
) -> None:
    default = client.get("/datasets/dcat")
    assert default["Content-Type"] == "application/rdf+xml; charset=utf-8"
    assert "Accept" in default["Vary"]
    assert default.content.startswith(b"<?xml")
    rdf_xml = _graph(client)
    for accept, media_type in [
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("text/html;q=0.9, application/ld+json", "application/ld+json"),
        ("application/rdf+xml;q=0.5, text/turtle", "text/turtle"),
        ("text/html", "application/rdf+xml"),
        ("*/*", "application/rdf+xml"),
    ]:
        response = client.get("/datasets/dcat", HTTP_ACCEPT=accept)
        assert response["Content-Type"] == f"{media_type}; charset=utf-8", accept
        assert isomorphic(_canonical(_graph(client, HTTP_ACCEPT=accept)), _canonical(rdf_xml))
    assert client.get("/datasets/dcat?format=ttl")["Content-Type"].startswith("text/turtle")


def test_catalogue_has_the_four_datasets_and_the_api_as_data_service(
    client: Client, archive: Award
) -> None:
    graph = _graph(client)
    assert list(graph.subjects(RDF.type, DCAT.Catalog)) == [CATALOGUE]
    swedish_titles = sorted(
        str(title)
        for dataset in graph.objects(CATALOGUE, DCAT.dataset)
        for title in graph.objects(dataset, DCTERMS.title)
        if title.language == "sv"
    )
    assert swedish_titles == [
        "Kommuner och deras resultat",
        "Upplagor med nominerade och finalister",
        "Vad juryerna har värderat",
        "Vinnare med juryns motiveringar",
    ]
    service = graph.value(CATALOGUE, DCAT.service)
    assert (service, RDF.type, DCAT.DataService) in graph
    assert graph.value(service, DCAT.endpointURL) == URIRef(f"{SITE}/api/v1/")
    assert graph.value(service, DCAT.endpointDescription) == URIRef(f"{SITE}/api/v1/openapi.json")
    assert set(graph.objects(service, DCAT.servesDataset)) == set(
        graph.objects(CATALOGUE, DCAT.dataset)
    )
    api_distributions = list(graph.subjects(DCAT.accessService, service))
    assert len(api_distributions) == 5
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_every_distribution_answers_with_its_media_type_size_and_licence(
    client: Client, archive: Award
) -> None:
    graph = _graph(client)
    distributions = list(graph.subjects(RDF.type, DCAT.Distribution))
    assert len(distributions) == 11
    sized = 0
    for distribution in distributions:
        url = str(graph.value(distribution, DCAT.downloadURL))
        assert graph.value(distribution, DCAT.accessURL) == URIRef(url)
        assert graph.value(distribution, DCTERMS.license) == CC0
        response = client.get(url.removeprefix(SITE))
        assert response.status_code == 200, url
        media_type = str(graph.value(distribution, DCAT.mediaType)).removeprefix(
            "http://www.iana.org/assignments/media-types/"
        )
        assert response["Content-Type"].split(";")[0] == media_type, url
        size = graph.value(distribution, DCAT.byteSize)
        if size is not None:
            assert size.datatype == XSD.decimal
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert int(size) == len(body), url
            sized += 1
    assert sized == 5  # the winners as CSV, JSON and text; the municipalities as CSV and JSON


def test_harvesting_rules_of_swedens_data_portal(client: Client, archive: Award) -> None:
    """DIGG's DCAT-AP-SE docs/harvesting.md, rule by rule."""
    # Harvested from http(s)://<host>/datasets/dcat, as RDF/XML, without a redirect needed.
    response = client.get("/datasets/dcat")
    assert (response.status_code, response["Content-Type"]) == (
        200,
        "application/rdf+xml; charset=utf-8",
    )
    graph = _graph(client)
    # Every IRI absolute and valid as an IRI (RFC 3987), e-mail addresses as mailto: IRIs.
    iris = {term for triple in graph for term in triple if isinstance(term, URIRef)}
    assert [iri for iri in iris if not ABSOLUTE_IRI.match(iri)] == []
    assert {iri for iri in iris if iri.startswith("mailto:")} == {
        URIRef("mailto:oppnadata@kommunpris.se")
    }
    # No blank nodes for the catalogue, datasets, distributions, publishers and contacts.
    for kind in (DCAT.Catalog, DCAT.Dataset, DCAT.Distribution, DCAT.DataService):
        things = list(graph.subjects(RDF.type, kind))
        assert things and not [t for t in things if isinstance(t, BNode)], kind
    publishers = set(graph.objects(None, DCTERMS.publisher))
    contacts = set(graph.objects(None, DCAT.contactPoint))
    assert [type(p) for p in publishers] == [URIRef]
    assert [type(c) for c in contacts] == [URIRef]
    # One catalogue (several would need dct:hasPart), the publisher described once, and the
    # contact point not the publisher.
    assert len(list(graph.subjects(RDF.type, DCAT.Catalog))) == 1
    assert not list(graph.triples((None, DCTERMS.hasPart, None)))
    (publisher,) = publishers
    assert list(graph.objects(publisher, FOAF.name)) == [Literal("Kvalitetsmässan", lang="sv")]
    assert publisher not in contacts
    assert (next(iter(contacts)), RDF.type, URIRef(VCARD + "Organization")) in graph
    # Licences by their canonical URI only: CC0, http, with the closing slash.
    assert set(graph.objects(None, DCTERMS.license)) == {CC0}
    for distribution in graph.subjects(RDF.type, DCAT.Distribution):
        assert graph.value(distribution, DCTERMS.license) == CC0
    # Titles, descriptions and keywords in Swedish and English, each with its language.
    for thing in [*graph.subjects(RDF.type, DCAT.Dataset), CATALOGUE]:
        for predicate in (DCTERMS.title, DCTERMS.description):
            assert {v.language for v in graph.objects(thing, predicate)} == {"sv", "en"}
    keywords = list(graph.objects(None, DCAT.keyword))
    assert keywords and all(
        k.language in ("sv", "en") and str(k) == str(k).lower() for k in keywords
    )
    # Dates typed.
    dates = [
        o
        for predicate in (DCTERMS.issued, DCTERMS.modified, DCAT.startDate)
        for o in graph.objects(None, predicate)
    ]
    assert dates and {d.datatype for d in dates} <= {XSD.date, XSD.dateTime}


@override_settings(
    KOMMUNPRIS_PUBLISHER_ORGNR="556000-0000", KOMMUNPRIS_PUBLISHER_NAME="Provbolaget AB"
)
def test_publisher_with_organisation_number_gets_the_portals_identifier(
    client: Client, archive: Award
) -> None:
    graph = _graph(client)
    publisher = URIRef("http://dataportal.se/organisation/SE5560000000")
    assert set(graph.objects(None, DCTERMS.publisher)) == {publisher}
    assert graph.value(publisher, FOAF.name) == Literal("Provbolaget AB", lang="sv")


@override_settings(KOMMUNPRIS_PUBLISHER_ORGNR="55600")
def test_publisher_with_a_malformed_organisation_number_is_refused(
    client: Client, archive: Award
) -> None:
    with pytest.raises(ImproperlyConfigured, match="ange utgivarens organisationsnummer med tio"):
        client.get("/datasets/dcat")


def test_catalogue_reveals_nothing_embargoed(
    client: Client, archive: Award, decided_2025: Callable[..., Edition]
) -> None:
    """An embargoed decision changes nothing in the catalogue: not a size, not a date."""
    before = _graph(client)
    decided_2025(publish_in=timedelta(days=30))
    after = _graph(client)
    assert isomorphic(after, before)
    text = client.get("/datasets/dcat", HTTP_ACCEPT="text/turtle").content.decode("utf-8")
    assert "Kiruna" not in text and SECRET_MOTIVATION not in text
    assert {str(o) for o in after.objects(None, DCTERMS.modified)} == {"2022-05-02T10:00:00+00:00"}


def test_catalogue_sizes_and_dates_follow_a_published_decision(
    client: Client, archive: Award, published_2025: Edition
) -> None:
    graph = _graph(client)
    modified = {o.toPython() for o in graph.objects(None, DCTERMS.modified)}
    assert modified == {published_2025.publish_at.replace(microsecond=0)}
    csv_size = int(graph.value(URIRef(f"{CATALOGUE}#vinnare-csv"), DCAT.byteSize))
    assert csv_size == len(client.get("/vinnare/vinnare.csv").content)
    assert "Kiruna kommun" in client.get("/vinnare/vinnare.csv").content.decode("utf-8")


def test_catalogue_bytes_do_not_depend_on_the_order_triples_were_added(archive: Award) -> None:
    """Same bytes on every server process, so the ETag is too (rdflib writes in store order)."""
    from kommunpris.web import dcat

    graph = dcat.catalogue_graph(award=archive)
    reversed_graph = Graph()
    for prefix, namespace in graph.namespaces():
        reversed_graph.bind(prefix, namespace)
    for triple in reversed(list(graph)):
        reversed_graph.add(triple)
    for media_type in dcat.FORMATS:
        assert dcat.serialise(reversed_graph, media_type) == dcat.serialise(graph, media_type)


# Each limit counts the query for the data version every public answer makes (web.freshness).
@pytest.mark.parametrize(("path", "limit"), [("/datasets/dcat", 23), ("/kommun/kommuner.csv", 10)])
def test_catalogue_and_results_query_counts_do_not_grow_with_the_data(
    client: Client,
    archive: Award,
    decided_2025: Callable[..., Edition],
    django_assert_max_num_queries: Any,
    path: str,
    limit: int,
) -> None:
    with django_assert_max_num_queries(limit):
        client.get(path)
    decided_2025(publish_in=-timedelta(minutes=1))
    with django_assert_max_num_queries(limit):
        client.get(path)
