"""Desk routes for jurors, the jury chair and the organiser's jury work (/arbetsyta/jury/)."""

from __future__ import annotations

from django.urls import URLPattern, path, register_converter

from .jury_views import ballot, funnel, members, rubric, scoring


class StageConverter:
    """A funnel stage in a Swedish URL: kandidatur, nominerad, finalist."""

    regex = "kandidatur|nominerad|finalist"
    to_stage = {"kandidatur": "candidacy", "nominerad": "nominee", "finalist": "finalist"}
    to_slug = {stage: slug for slug, stage in to_stage.items()}

    def to_python(self, value: str) -> str:
        return self.to_stage[value]

    def to_url(self, value: str) -> str:
        return self.to_slug[value]


register_converter(StageConverter, "stage")

urlpatterns: list[URLPattern] = [
    path("", members.home, name="jury-home"),
    path("inbjudan/<str:token>/", members.accept, name="jury-accept"),
    path("<int:year>/", funnel.edition, name="jury-edition"),
    path("<int:year>/fas/", funnel.phase, name="jury-phase"),
    path("<int:year>/ledamoter/", members.members, name="jury-members"),
    path("<int:year>/sprak/", members.language, name="jury-language"),
    path("<int:year>/jav/", members.ties, name="jury-ties"),
    path("<int:year>/jav/register/", members.recusals, name="jury-recusals"),
    path("<int:year>/kriterier/", rubric.rubric, name="jury-rubric"),
    path("<int:year>/kriterier/nytt/", rubric.criterion, name="jury-criterion-new"),
    path("<int:year>/kriterier/<int:pk>/", rubric.criterion, name="jury-criterion"),
    path("<int:year>/kandidaturer/", funnel.candidacies, name="jury-candidacies"),
    path("<int:year>/kandidaturer/<int:pk>/", funnel.candidacy, name="jury-candidacy"),
    path(
        "<int:year>/kandidaturer/<int:pk>/bilagor/<int:attachment_pk>/",
        funnel.attachment,
        name="jury-attachment",
    ),
    path("<int:year>/kandidaturer/<int:pk>/steg/", funnel.move, name="jury-move"),
    path("<int:year>/kandidaturer/<int:pk>/platsbesok/", funnel.site_visit, name="jury-visit"),
    path("<int:year>/omgang/<stage:stage>/", scoring.round_page, name="jury-round"),
    path("<int:year>/omgang/<stage:stage>/status/", scoring.round_status, name="jury-round-status"),
    path("<int:year>/omgang/<stage:stage>/resultat/", scoring.results, name="jury-results"),
    path(
        "<int:year>/omgang/<stage:stage>/resultat.csv", scoring.results_csv, name="jury-results-csv"
    ),
    path("<int:year>/omgang/<stage:stage>/<int:pk>/", scoring.sheet, name="jury-sheet"),
    path("<int:year>/omrostning/", ballot.ballot, name="jury-ballot"),
    path("<int:year>/omrostning/resultat/", ballot.count, name="jury-count"),
    path("<int:year>/beslut/", ballot.decision, name="jury-decision"),
]
