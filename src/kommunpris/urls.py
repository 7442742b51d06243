"""URLs: Swedish paths at the root, the same paths in English under /en/, the API under /api/v1/."""

from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from kommunpris.api.urls import api
from kommunpris.desk.urls import admin_auth_urlpatterns, auth_urlpatterns
from kommunpris.web import calendar_views, catalogue, views
from kommunpris.web.feeds import WinnersFeed
from kommunpris.web.sitemaps import SITEMAPS

urlpatterns = [
    path("api/v1/", api.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("feed/", WinnersFeed(), name="feed"),
    path("datasets/dcat", catalogue.dcat_catalogue, name="dcat-catalogue"),
    *admin_auth_urlpatterns,
    path("admin/", admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("vinnare/", views.winners, name="winners"),
    path("vinnare/vinnare.csv", views.winners_download, {"fmt": "csv"}, name="winners-csv"),
    path("vinnare/vinnare.json", views.winners_download, {"fmt": "json"}, name="winners-json"),
    path("vinnare/vinnare.txt", views.winners_download, {"fmt": "text"}, name="winners-text"),
    path("vinnare/<int:year>/", views.edition, name="edition"),
    path(
        "vinnare/<int:year>/kalender.ics",
        calendar_views.edition_calendar_feed,
        name="edition-calendar",
    ),
    path("kommun/", views.municipalities, name="municipalities"),
    path(
        "kommun/kommuner.csv",
        views.municipalities_download,
        {"fmt": "csv"},
        name="municipalities-csv",
    ),
    path(
        "kommun/kommuner.json",
        views.municipalities_download,
        {"fmt": "json"},
        name="municipalities-json",
    ),
    path("kommun/<str:code>/", views.municipality, name="municipality"),
    path("lan/", views.counties, name="counties"),
    path("lan/<str:code>/", views.county, name="county"),
    path("oppna-data/", views.open_data, name="open-data"),
    path("", include("kommunpris.web.nominate_urls")),
    path("", include("kommunpris.web.public_face_urls")),
    path("arbetsyta/", include("kommunpris.desk.urls")),
    *auth_urlpatterns,
    prefix_default_language=False,
)

handler404 = "kommunpris.web.views.not_found"
