"""The open-data catalogue in DCAT-AP-SE, the profile Sweden's data portal harvests.

One catalogue with four datasets — the winners with the jury's motivations, the editions with
their nominees and finalists, the municipalities with their results, and the themes juries
have valued — each with a distribution per download format and per API endpoint, and the API
itself as a data service. Built from the public selectors only, so nothing embargoed (a winner,
a shortlist, even the size of a download that would include one) is in it.

What DIGG's harvesting rules (DCAT-AP-SE, docs/harvesting.md) ask, and how it is met here:
every IRI is absolute (from KOMMUNPRIS_SITE_URL); the catalogue, datasets, distributions,
publisher and contact point are IRIs, never blank nodes; the publisher is described once and
is not the contact point; the licence is CC0 by its canonical URI; titles, descriptions and
keywords carry a language tag, in Swedish and English. The texts are written here in both
languages side by side, since the catalogue gives both at once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, SKOS

from kommunpris.archive.announcement import render as render_announcement
from kommunpris.archive.exports import (
    municipality_result_row,
    municipality_results_csv,
    winner_row,
    winners_csv,
)
from kommunpris.archive.licence import LICENCE_URI
from kommunpris.archive.selectors import (
    municipality_results,
    public_announcement,
    public_editions,
    public_winners,
)
from kommunpris.awards.models import Award, Edition
from kommunpris.permissions import ANNOUNCED_STAGES, stage_announced_at

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
THEME = Namespace(EU + "data-theme/")
FILE_TYPE = Namespace(EU + "file-type/")
LANGUAGE = Namespace(EU + "language/")
FREQUENCY = Namespace(EU + "frequency/")
ACCESS_RIGHT = Namespace(EU + "access-right/")
COUNTRY = Namespace(EU + "country/")
IANA = "http://www.iana.org/assignments/media-types/"
DATAPORTAL_ORGANISATION = "http://dataportal.se/organisation/SE"
OPENAPI_SPECIFICATION = URIRef("https://spec.openapis.org/oas/v3.1.0")
FIRST_YEAR = 2001


def site_iri(path: str) -> URIRef:
    """An absolute IRI on this site (the portal refuses relative ones)."""
    return URIRef(settings.KOMMUNPRIS_SITE_URL.rstrip("/") + path)


def catalogue_iri() -> URIRef:
    return site_iri(reverse("dcat-catalogue"))


def _part(name: str) -> URIRef:
    """A thing the catalogue describes, named by a fragment of the catalogue's own address."""
    return URIRef(f"{catalogue_iri()}#{name}")


def publisher_iri() -> URIRef:
    """The portal's identifier for the organisation when its number is configured."""
    number = re.sub(r"[\s-]", "", settings.KOMMUNPRIS_PUBLISHER_ORGNR)
    if not number:
        return _part("utgivare")
    if not re.fullmatch(r"[0-9]{10}", number):
        raise ImproperlyConfigured(
            f"KOMMUNPRIS_PUBLISHER_ORGNR är '{settings.KOMMUNPRIS_PUBLISHER_ORGNR}'; ange "
            "utgivarens organisationsnummer med tio siffror, t.ex. 5560000000."
        )
    return URIRef(DATAPORTAL_ORGANISATION + number)


@dataclass(frozen=True)
class Download:
    """A distribution: one way to get a dataset, with its format."""

    key: str
    title: tuple[str, str]
    url: str
    media_type: str
    file_type: str
    body: bytes | None = None  # when known, its size is given
    api: bool = False


@dataclass(frozen=True)
class DatasetText:
    key: str
    title: tuple[str, str]
    description: tuple[str, str]
    keywords: tuple[tuple[str, ...], tuple[str, ...]]
    themes: tuple[str, ...]
    landing_page: str


WINNERS = DatasetText(
    key="vinnare",
    title=("Vinnare med juryns motiveringar", "Winners with the jury's motivations"),
    description=(
        "Varje vinnare av Sveriges DigitaliseringsKommun (tidigare Sveriges IT-kommun) sedan "
        "2001 med juryns motivering ordagrant, kommunens och länets SCB-koder och galans datum. "
        "En gemensam kandidatur som vinner ger alla sina kommuner.",
        "Every winner of Sveriges DigitaliseringsKommun (formerly Sveriges IT-kommun) since "
        "2001 with the jury's motivation verbatim, the municipality's and county's codes from "
        "Statistics Sweden and the date of the ceremony. A joint candidacy that wins lists all "
        "its municipalities.",
    ),
    keywords=(
        ("digitalisering", "kommun", "utmärkelse", "motivering"),
        ("digitalisation", "municipality", "award", "motivation"),
    ),
    themes=("GOVE", "TECH"),
    landing_page="winners",
)
EDITIONS = DatasetText(
    key="upplagor",
    title=("Upplagor med nominerade och finalister", "Editions with nominees and finalists"),
    description=(
        "Varje upplaga av utmärkelsen: namnet det året, galan, vinnaren, finalisterna och de "
        "nominerade, var och en så snart juryn offentliggör den.",
        "Every edition of the award: its name that year, the ceremony, the winner, the finalists "
        "and the nominees, each as soon as the jury announces it.",
    ),
    keywords=(
        ("digitalisering", "kommun", "utmärkelse", "finalist", "nominering"),
        ("digitalisation", "municipality", "award", "finalist", "nomination"),
    ),
    themes=("GOVE", "TECH"),
    landing_page="winners",
)
MUNICIPALITIES = DatasetText(
    key="kommuner",
    title=("Kommuner och deras resultat", "Municipalities and their results"),
    description=(
        "Sveriges 290 kommuner med SCB:s kommun- och länskoder och de år varje kommun vunnit, "
        "varit finalist eller nominerad.",
        "Sweden's 290 municipalities with Statistics Sweden's municipality and county codes and "
        "the years each won, was a finalist or was a nominee.",
    ),
    keywords=(("kommun", "län", "utmärkelse"), ("municipality", "county", "award")),
    themes=("GOVE", "REGI"),
    landing_page="municipalities",
)
THEMES = DatasetText(
    key="teman",
    title=("Vad juryerna har värderat", "What juries have valued"),
    description=(
        "Bedömningsgrundernas sju teman och de ord i varje offentlig motivering som talar om "
        "dem, funna med svensk ordstamning, med teckenpositioner i motiveringen.",
        "The seven themes of the rubric and the words in every public motivation that speak of "
        "them, found with Swedish stemming, with their character positions in the motivation.",
    ),
    keywords=(
        ("digitalisering", "bedömningsgrund", "textanalys"),
        ("digitalisation", "rubric", "text analysis"),
    ),
    themes=("GOVE", "TECH"),
    landing_page="themes",
)


def _json(rows: object) -> bytes:
    return json.dumps(rows, ensure_ascii=False, indent=2).encode("utf-8")


def _api(path: str) -> str:
    return f"/api/v1{path}"


def _downloads(award: Award, *, now: datetime | None) -> dict[str, list[Download]]:
    winners = list(public_winners(award=award, now=now))
    results = municipality_results(award=award, now=now)
    return {
        WINNERS.key: [
            Download(
                "vinnare-csv",
                ("Vinnare som CSV", "Winners as CSV"),
                reverse("winners-csv"),
                "text/csv",
                "CSV",
                winners_csv(winners).encode("utf-8"),
            ),
            Download(
                "vinnare-json",
                ("Vinnare som JSON", "Winners as JSON"),
                reverse("winners-json"),
                "application/json",
                "JSON",
                _json([winner_row(w) for w in winners]),
            ),
            Download(
                "vinnare-text",
                ("Vinnarsidan som text", "The winners page as text"),
                reverse("winners-text"),
                "text/plain",
                "TXT",
                render_announcement(public_announcement(award=award, now=now)).encode("utf-8"),
            ),
            Download(
                "vinnare-atom",
                ("Atomflöde med vinnarna", "Atom feed of the winners"),
                reverse("feed"),
                "application/atom+xml",
                "ATOM",
            ),
            Download(
                "vinnare-api",
                ("Vinnare i API:et", "Winners in the API"),
                _api("/winners"),
                "application/json",
                "JSON",
                api=True,
            ),
        ],
        EDITIONS.key: [
            Download(
                "upplagor-api",
                ("Upplagor i API:et", "Editions in the API"),
                _api("/editions"),
                "application/json",
                "JSON",
                api=True,
            ),
        ],
        MUNICIPALITIES.key: [
            Download(
                "kommuner-csv",
                ("Kommuner och resultat som CSV", "Municipalities and results as CSV"),
                reverse("municipalities-csv"),
                "text/csv",
                "CSV",
                municipality_results_csv(results).encode("utf-8"),
            ),
            Download(
                "kommuner-json",
                ("Kommuner och resultat som JSON", "Municipalities and results as JSON"),
                reverse("municipalities-json"),
                "application/json",
                "JSON",
                _json([municipality_result_row(m, p) for m, p in results]),
            ),
            Download(
                "kommuner-api",
                ("Kommuner i API:et", "Municipalities in the API"),
                _api("/municipalities"),
                "application/json",
                "JSON",
                api=True,
            ),
        ],
        THEMES.key: [
            Download(
                "teman-api",
                ("Teman i API:et", "Themes in the API"),
                _api("/themes"),
                "application/json",
                "JSON",
                api=True,
            ),
            Download(
                "teman-motiveringar-api",
                ("Motiveringarnas teman i API:et", "The motivations' themes in the API"),
                _api("/themes/motivations"),
                "application/json",
                "JSON",
                api=True,
            ),
        ],
    }


# The class of each kind of value, stated so the graph holds DCAT-AP's range constraints by itself
# (a harvester does not fetch the EU vocabularies to learn it).
RANGES = {
    DCTERMS.accrualPeriodicity: DCTERMS.Frequency,
    DCTERMS.language: DCTERMS.LinguisticSystem,
    DCTERMS.spatial: DCTERMS.Location,
    DCAT.mediaType: DCTERMS.MediaType,
    DCTERMS.format: DCTERMS.MediaTypeOrExtent,
    DCTERMS.accessRights: DCTERMS.RightsStatement,
    DCTERMS.conformsTo: DCTERMS.Standard,
    DCAT.landingPage: FOAF.Document,
    FOAF.homepage: FOAF.Document,
    DCAT.theme: SKOS.Concept,
    DCTERMS.license: DCTERMS.LicenseDocument,
}


# The labels of the EU's data themes used here, as the EU vocabulary gives them.
THEME_LABELS = {
    "GOVE": ("Regeringen och den offentliga sektorn", "Government and public sector"),
    "TECH": ("Vetenskap och teknik", "Science and technology"),
    "REGI": ("Regioner och städer", "Regions and cities"),
}


def _state_ranges(graph: Graph) -> None:
    # Every value of these is an IRI (a term of a vocabulary, a page, the licence).
    for predicate, cls in RANGES.items():
        for value in {str(v) for v in graph.objects(None, predicate)}:
            graph.add((URIRef(value), RDF.type, cls))
    for theme in {str(v) for v in graph.objects(None, DCAT.theme)}:
        graph.add((URIRef(theme), SKOS.inScheme, URIRef(EU + "data-theme")))
        _texts(graph, URIRef(theme), SKOS.prefLabel, THEME_LABELS[theme.removeprefix(str(THEME))])


def _texts(graph: Graph, subject: URIRef, predicate: URIRef, pair: tuple[str, str]) -> None:
    graph.add((subject, predicate, Literal(pair[0], lang="sv")))
    graph.add((subject, predicate, Literal(pair[1], lang="en")))


def _last_change(award: Award, *, now: datetime | None) -> datetime | date | None:
    """When the newest public decision or announcement of nominees or finalists became public:
    the data's last change."""
    moments = [
        edition.publish_at or edition.ceremony_at
        for edition in public_editions(award=award, now=now)
    ]
    for edition in Edition.objects.filter(award=award).only(*ANNOUNCED_STAGES.values(), "phase"):
        moments += [stage_announced_at(edition, stage, now=now) for stage in ANNOUNCED_STAGES]
    known = [m for m in moments if m is not None]
    return max(known) if known else None


def _date_literal(moment: datetime | date) -> Literal:
    if isinstance(moment, datetime):
        utc = moment.astimezone(UTC).replace(microsecond=0)
        return Literal(utc.isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime)
    return Literal(moment.isoformat(), datatype=XSD.date)


def catalogue_graph(*, award: Award, now: datetime | None = None) -> Graph:
    """The whole catalogue as an RDF graph."""
    graph = Graph()
    for prefix, namespace in [
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("vcard", VCARD),
        ("skos", SKOS),
    ]:
        graph.bind(prefix, namespace)
    catalogue = catalogue_iri()
    publisher = publisher_iri()
    contact = _part("kontakt")
    licence = URIRef(LICENCE_URI)
    last_change = _last_change(award, now=now)
    publisher_name = settings.KOMMUNPRIS_PUBLISHER_NAME or award.organiser or award.current_name

    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, RDF.type, FOAF.Organization))
    graph.add((publisher, FOAF.name, Literal(publisher_name, lang="sv")))
    graph.add((publisher, FOAF.homepage, site_iri("/")))

    graph.add((contact, RDF.type, VCARD.Kind))
    graph.add((contact, RDF.type, VCARD.Organization))
    graph.add((contact, VCARD.fn, Literal(f"{award.current_name}, öppna data", lang="sv")))
    graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{settings.KOMMUNPRIS_OPEN_DATA_CONTACT}")))

    graph.add((catalogue, RDF.type, DCAT.Catalog))
    _texts(
        graph,
        catalogue,
        DCTERMS.title,
        (f"Öppna data om {award.current_name}", f"Open data about {award.current_name}"),
    )
    _texts(
        graph,
        catalogue,
        DCTERMS.description,
        (
            f"Öppna data om utmärkelsen {award.current_name}: vinnare sedan {FIRST_YEAR} med "
            "juryns motiveringar, upplagor med nominerade och finalister, kommunernas resultat "
            "och vad juryerna har värderat. Fria att använda (CC0 1.0).",
            f"Open data about the award {award.current_name}: winners since {FIRST_YEAR} with "
            "the jury's motivations, editions with nominees and finalists, the municipalities' "
            "results and what juries have valued. Free to use (CC0 1.0).",
        ),
    )
    graph.add((catalogue, DCTERMS.publisher, publisher))
    graph.add((catalogue, DCTERMS.license, licence))
    graph.add((catalogue, FOAF.homepage, site_iri(reverse("open-data"))))
    graph.add((catalogue, DCTERMS.language, LANGUAGE.SWE))
    graph.add((catalogue, DCTERMS.language, LANGUAGE.ENG))
    graph.add((catalogue, DCTERMS.spatial, COUNTRY.SWE))
    graph.add((catalogue, DCTERMS.issued, Literal(f"{FIRST_YEAR}-01-01", datatype=XSD.date)))
    if last_change is not None:
        graph.add((catalogue, DCTERMS.modified, _date_literal(last_change)))

    service = _part("api")
    graph.add((service, RDF.type, DCAT.DataService))
    _texts(graph, service, DCTERMS.title, ("Öppna data-API, version 1", "Open data API, version 1"))
    _texts(
        graph,
        service,
        DCTERMS.description,
        (
            "Läs-API i JSON med ett OpenAPI-dokument. Svaren har ETag och får läsas av sidor "
            "på andra webbplatser (CORS).",
            "A read-only JSON API with an OpenAPI document. Answers carry an ETag and may be "
            "read by pages on other sites (CORS).",
        ),
    )
    graph.add((service, DCAT.endpointURL, site_iri(_api("/"))))
    graph.add((service, DCAT.endpointDescription, site_iri(_api("/openapi.json"))))
    graph.add((service, DCTERMS.conformsTo, OPENAPI_SPECIFICATION))
    graph.add((service, DCAT.landingPage, site_iri(_api("/docs"))))
    graph.add((service, DCTERMS.publisher, publisher))
    graph.add((service, DCAT.contactPoint, contact))
    graph.add((service, DCTERMS.license, licence))
    graph.add((service, DCTERMS.accessRights, ACCESS_RIGHT.PUBLIC))
    graph.add((catalogue, DCAT.service, service))

    downloads = _downloads(award, now=now)
    for text in (WINNERS, EDITIONS, MUNICIPALITIES, THEMES):
        dataset = _part(text.key)
        graph.add((catalogue, DCAT.dataset, dataset))
        graph.add((service, DCAT.servesDataset, dataset))
        graph.add((dataset, RDF.type, DCAT.Dataset))
        _texts(graph, dataset, DCTERMS.title, text.title)
        _texts(graph, dataset, DCTERMS.description, text.description)
        for language, words in zip(("sv", "en"), text.keywords, strict=True):
            for word in words:
                graph.add((dataset, DCAT.keyword, Literal(word, lang=language)))
        for theme in text.themes:
            graph.add((dataset, DCAT.theme, THEME[theme]))
        graph.add((dataset, DCTERMS.publisher, publisher))
        graph.add((dataset, DCAT.contactPoint, contact))
        graph.add((dataset, DCAT.landingPage, site_iri(reverse(text.landing_page))))
        graph.add((dataset, DCTERMS.language, LANGUAGE.SWE))
        graph.add((dataset, DCTERMS.spatial, COUNTRY.SWE))
        graph.add((dataset, DCTERMS.accessRights, ACCESS_RIGHT.PUBLIC))
        graph.add((dataset, DCTERMS.accrualPeriodicity, FREQUENCY.BIENNIAL))
        period = _part(f"{text.key}-period")
        graph.add((dataset, DCTERMS.temporal, period))
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        graph.add((period, DCAT.startDate, Literal(f"{FIRST_YEAR}-01-01", datatype=XSD.date)))
        if last_change is not None:
            graph.add((dataset, DCTERMS.modified, _date_literal(last_change)))
        for download in downloads[text.key]:
            distribution = _part(download.key)
            url = site_iri(download.url)
            graph.add((dataset, DCAT.distribution, distribution))
            graph.add((distribution, RDF.type, DCAT.Distribution))
            _texts(graph, distribution, DCTERMS.title, download.title)
            graph.add((distribution, DCAT.accessURL, url))
            graph.add((distribution, DCAT.downloadURL, url))
            graph.add((distribution, DCAT.mediaType, URIRef(IANA + download.media_type)))
            graph.add((distribution, DCTERMS.format, FILE_TYPE[download.file_type]))
            graph.add((distribution, DCTERMS.license, licence))
            if download.body is not None:
                graph.add(
                    (
                        distribution,
                        DCAT.byteSize,
                        Literal(str(len(download.body)), datatype=XSD.decimal),
                    )
                )
            if download.api:
                graph.add((distribution, DCAT.accessService, service))
                graph.add((distribution, DCTERMS.conformsTo, site_iri(_api("/openapi.json"))))
    _state_ranges(graph)
    return graph


# The formats the catalogue is served in: RDF/XML first, the one the portal harvests.
FORMATS = {
    "application/rdf+xml": "xml",
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
}
FORMAT_NAMES = {"rdf": "application/rdf+xml", "ttl": "text/turtle", "jsonld": "application/ld+json"}


def serialise(graph: Graph, media_type: str) -> bytes:
    """The graph in a format, the same bytes in every process (its ETag stays the same on
    every server): the triples go in sorted, since rdflib writes them in the store's order."""
    ordered = Graph(store="SimpleMemory")
    for prefix, namespace in graph.namespaces():
        ordered.bind(prefix, namespace)
    for triple in sorted(graph):
        ordered.add(triple)
    data = ordered.serialize(format=FORMATS[media_type], encoding="utf-8")
    if media_type == "application/ld+json":
        # rdflib's JSON-LD writer groups in hash order: sort nodes and values once more.
        return _sorted_json_ld(json.loads(data))
    return data if isinstance(data, bytes) else data.encode("utf-8")


def _sorted_json_ld(document: Any) -> bytes:
    def key(value: Any) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=False)

    nodes = document if isinstance(document, list) else document.get("@graph", [document])
    for node in nodes:
        for name, values in node.items():
            if isinstance(values, list):
                node[name] = sorted(values, key=key)
    nodes.sort(key=lambda node: key(node.get("@id", node)))
    return json.dumps(document, sort_keys=True, ensure_ascii=False, indent=2).encode("utf-8")
