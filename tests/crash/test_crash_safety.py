"""Crash safety under gunicorn on SQLite: a write answered with success survives SIGKILL of the
whole server, nothing is half-written, and concurrent saves never silently overwrite each other.

Each test drives the real server (harness.py) over HTTP from several client threads, only to
127.0.0.1, with a bounded number of requests; the database is then read through the models in a
separate process and straight from the file by SQLite.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter, defaultdict
from functools import partial
from typing import Any

import pytest

pytestmark = pytest.mark.slow

NOMINATORS = 3
NOMINATIONS_EACH = 10
SAVES_EACH = 15
KILL_AFTER = 35  # successful writes before the kill, about a third of the ~105 planned
CHANGED = (
    "Bedömningen har ändrats i en annan flik eller session sedan du öppnade den. "
    "Dina ändringar sparades inte."
)


def _events(snapshot: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    by_target: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in snapshot["events"]:
        by_target[event["target"]].append(event)
    return by_target


def _actions(events: list[dict[str, Any]], *actions: str) -> list[dict[str, Any]]:
    return [e for e in events if e["action"] in actions]


def _score_events(snapshot: dict[str, Any], juror: str, candidacy: int) -> list[dict[str, Any]]:
    return [
        e
        for e in _events(snapshot)[f"candidacy:{candidacy}"]
        if e["action"].startswith("jury.scores_") and e["actor"] == juror
    ]


def _scores(sent: dict[str, Any], names: dict[str, str]) -> dict[str, list[Any]]:
    """The audit record of a save as the juror sent it: criterion name → [value, comment]."""
    return {
        names[pk]: [value, f"{sent['comment']}, kriterium {pk}"]
        for pk, value in sent["values"].items()
    }


def _entries(sent: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        pk: [value, f"{sent['comment']}, kriterium {pk}"] for pk, value in sent["values"].items()
    }


def _nomination_written(snapshot: dict[str, Any], sent: dict[str, Any]) -> dict[str, Any] | None:
    found = [
        n
        for n in snapshot["nominations"]
        if (n["email"], n["municipality"]) == (sent["email"], sent["code"])
    ]
    assert len(found) <= 1
    return found[0] if found else None


def _score_written(snapshot: dict[str, Any], sent: dict[str, Any], names: dict[str, str]) -> int:
    return sum(
        1
        for e in _score_events(snapshot, sent["juror"], sent["candidacy"])
        if e["after"]["comment"] == sent["comment"] and e["after"]["scores"] == _scores(sent, names)
    )


def _assert_whole(snapshot: dict[str, Any], world: dict[str, Any]) -> None:
    """No half-written rows, whoever wrote them and whether or not they were answered."""
    assert snapshot["audit_chain_broken_at"] is None
    events = _events(snapshot)
    years = {world["jury_year"], world["nomination_year"]}
    confirm_mails = Counter(
        m["to"] for m in snapshot["mails"] if m["template"] == "nominations/confirm"
    )
    candidacies = {c["pk"]: c for c in snapshot["candidacies"]}
    nominated = {n["email"] for n in snapshot["nominations"]}
    for nomination in snapshot["nominations"]:
        story = events[f"nomination:{nomination['pk']}"]
        # Each submission queues its confirmation e-mail in the same transaction as its event
        # (every address here nominates one municipality).
        submitted = _actions(story, "nomination.submitted")
        assert len(submitted) == confirm_mails[nomination["email"]] >= 1, nomination
        confirmed = _actions(story, "nomination.confirmed")
        if nomination["status"] == "confirmed":
            assert len(confirmed) == 1, nomination
            assert len(_actions(story, "nomination.updated")) < len(submitted), nomination
            assert nomination["municipality"] in candidacies[nomination["candidacy"]]["members"]
        else:
            assert (nomination["status"], confirmed, nomination["candidacy"]) == (
                "pending",
                [],
                None,
            )
    assert set(confirm_mails) <= nominated, "a confirmation e-mail without its nomination"
    for candidacy in candidacies.values():
        assert candidacy["members"], candidacy
        if candidacy["year"] in years:
            created = _actions(events[f"candidacy:{candidacy['pk']}"], "candidacy.created")
            assert len(created) == 1, candidacy
    for sheet in snapshot["sheets"]:
        assert len(sheet["entries"]) == snapshot["rubric_size"], sheet
        # Every saved change bumps the version once and leaves one audit event: a save that
        # was cut short left neither.
        assert sheet["version"] == len(_score_events(snapshot, sheet["juror"], sheet["candidacy"]))
        if sheet["submitted"]:
            assert None not in [value for value, _ in sheet["entries"].values()], sheet


def test_crash_safety_answered_writes_survive_sigkill_and_nothing_is_half_written(
    harness, site, world, server
):
    names = {str(c["pk"]): c["name"] for c in world["criteria"]}
    started = time.monotonic()
    sent_before = harness.Browser.sent
    load = harness.Load(site=site, world=world, deadline=started + 100)
    kill: dict[str, Any] = {}

    def kill_switch() -> None:
        """SIGKILL the master and all workers once enough writes succeeded and at least two
        are in flight; read the file as the kill left it; start gunicorn again."""
        while time.monotonic() < load.deadline:
            if len(load.successes()) >= KILL_AFTER and load.in_flight >= 2:
                break
            time.sleep(0.002)
        kill["at"] = time.monotonic()
        kill["answered_before"] = [o for o in load.successes() if o.answered < kill["at"]]
        kill["in_flight"] = load.in_flight
        kill["pids"] = server.kill()
        try:
            kill["still_running"] = [pid for pid in kill["pids"] if harness._running(pid)]
            kill["integrity"] = site.pragma("integrity_check")
            kill["snapshot"] = site.snapshot()
        finally:
            server.start()
            kill["restarted"] = time.monotonic()

    switch = threading.Thread(target=kill_switch)
    switch.start()
    errors = harness.run_clients(
        load,
        [partial(load.nominator, n, NOMINATIONS_EACH) for n in range(NOMINATORS)]
        + [partial(load.juror, email, SAVES_EACH, i) for i, email in enumerate(world["jurors"])],
    )
    switch.join(timeout=30)
    elapsed = time.monotonic() - started
    assert errors == []
    assert "snapshot" in kill, "the kill switch failed"

    # The kill came in the middle of the load: writes had succeeded before it, writes were
    # cut off by it, and writes succeeded after the restart.
    successes = load.successes()
    unanswered = [o for o in load.outcomes if o.status is None]
    after_restart = [o for o in successes if o.started > kill["restarted"]]
    assert len(kill["pids"]) == 1 + server.workers
    assert kill["still_running"] == []
    assert len(kill["answered_before"]) >= KILL_AFTER
    assert kill["in_flight"] >= 2 and len(unanswered) >= 1
    assert len(after_restart) >= 10
    # Every write that was answered was answered with success: no server error, no lock error.
    assert [
        (o.kind, o.status, o.text[:200]) for o in load.outcomes if o.status not in (None, 302)
    ] == []
    log = server.log.read_text()
    assert "database is locked" not in log and "Traceback" not in log

    # Bounded: a few hundred requests, well under two minutes.
    requests = harness.Browser.sent - sent_before
    assert requests <= 400 and elapsed < 110

    # SQLite as the workers use it: WAL and a busy timeout, in every worker of both servers.
    reports = site.worker_reports()
    assert len(reports) >= 2 * server.workers
    # synchronous 2 = FULL: the WAL is synced at every commit, so an answer outlives a power cut.
    assert {(r["journal_mode"], r["busy_timeout"], r["synchronous"]) for r in reports} == {
        ("wal", 20000, 2)
    }
    assert site.pragma("journal_mode") == "wal"

    # The file as SIGKILL left it: intact, and holding every write answered before the kill.
    at_kill = kill["snapshot"]
    assert kill["integrity"] == "ok"
    for outcome in kill["answered_before"]:
        if outcome.kind == "score":
            assert _score_written(at_kill, outcome.sent, names) == 1, outcome
        else:
            written = _nomination_written(at_kill, outcome.sent)
            assert written is not None, outcome
            if outcome.kind == "confirm":
                assert written["status"] == "confirmed", outcome
    _assert_whole(at_kill, world)

    # At the end: every success-answered write is in the database exactly once.
    final = site.snapshot()
    assert site.pragma("integrity_check") == "ok"
    events = _events(final)
    for outcome in successes:
        if outcome.kind == "score":
            assert _score_written(final, outcome.sent, names) == 1, outcome
            continue
        written = _nomination_written(final, outcome.sent)
        assert written is not None, outcome
        assert written["proud"] == outcome.sent["proud"]
        story = events[f"nomination:{written['pk']}"]
        assert len(_actions(story, "nomination.submitted")) == 1
        if outcome.kind == "confirm":
            assert written["status"] == "confirmed"
            assert len(_actions(story, "nomination.confirmed")) == 1
    # Nothing written that no client sent.
    tried = {o.sent["email"] for o in load.outcomes if o.kind == "nominate"}
    ours = {n["email"] for n in final["nominations"] if n["email"].startswith("nominerare-")}
    assert ours <= tried
    # Each score sheet holds its juror's last answered save, or a later one cut off unanswered.
    by_sheet: dict[tuple[str, int], list[Any]] = defaultdict(list)
    for outcome in (o for o in load.outcomes if o.kind == "score"):
        by_sheet[(outcome.sent["juror"], outcome.sent["candidacy"])].append(outcome)
    sheets = {(s["juror"], s["candidacy"]): s for s in final["sheets"]}
    for key, tries in by_sheet.items():
        answered = [i for i, o in enumerate(tries) if o.succeeded]
        if not answered:
            continue
        possible = [tries[answered[-1]]] + [
            o for o in tries[answered[-1] + 1 :] if o.status is None
        ]
        stored = sheets[key]
        assert any(
            (stored["comment"], stored["entries"]) == (o.sent["comment"], _entries(o.sent))
            for o in possible
        ), (stored, [o.sent for o in possible])
    _assert_whole(final, world)
    committed_unanswered = sum(
        1
        for o in unanswered
        if (
            _score_written(final, o.sent, names)
            if o.kind == "score"
            else (_nomination_written(final, o.sent) or {}).get("status")
            in (("pending", "confirmed") if o.kind == "nominate" else ("confirmed",))
        )
    )
    print(
        f"\n{requests} requests in {elapsed:.1f} s; {len(successes)} writes answered with "
        f"success ({len(kill['answered_before'])} before the kill, {len(after_restart)} after "
        f"the restart), {len(unanswered)} cut off ({committed_unanswered} of them committed "
        f"before the kill, all whole); killed {len(kill['pids'])} processes "
        f"{kill['at'] - started:.1f} s in, {kill['in_flight']} writes in flight; "
        f"{final['audit_events']} audit events verified."
    )


def _checked_values(page: Any, criteria: list[dict[str, Any]]) -> dict[str, int | None]:
    values: dict[str, int | None] = {}
    for criterion in criteria:
        found = re.search(
            rf'<input type="radio" name="value_{criterion["pk"]}" value="(\d)"[^>]*checked',
            page.body,
        )
        values[str(criterion["pk"])] = int(found.group(1)) if found else None
    return values


def test_two_sessions_saving_one_sheet_at_once_one_is_saved_the_other_told(
    harness, site, world, server
):
    """The same juror in two browsers presses save at the same moment, five times over."""
    criteria = world["criteria"]
    email = world["two_tab_juror"]
    deadline = time.monotonic() + 60
    tabs = [harness.Browser(site.port), harness.Browser(site.port)]
    for tab in tabs:
        tab.sign_in(
            email, world["password"], until=deadline, totp_key=world["totp_keys"].get(email)
        )
    candidacy = world["candidacies"][0]["pk"]
    path = f"/arbetsyta/jury/{world['jury_year']}/omgang/kandidatur/{candidacy}/"
    winners: list[dict[str, Any]] = []
    for round_number in range(5):
        opened = [tab.get(path) for tab in tabs]
        assert opened[0].hidden("version") == opened[1].hidden("version") == str(round_number)
        forms = []
        for number, page in enumerate(opened):
            value = (round_number + number * 2) % 5
            comment = f"Runda {round_number}, flik {number + 1}"
            form = {
                "csrfmiddlewaretoken": page.hidden("csrfmiddlewaretoken"),
                "version": page.hidden("version"),
                "comment": comment,
                "action": "draft",
            } | {f"value_{c['pk']}": str(value) for c in criteria}
            forms.append({"form": form, "value": value, "comment": comment})
        answers = _all_at_once(
            [partial(tab.post, path, f["form"]) for tab, f in zip(tabs, forms, strict=True)]
        )

        assert sorted(a.status for a in answers) == [302, 409]
        won = next(n for n in range(2) if answers[n].status == 302)
        lost = 1 - won
        assert CHANGED in answers[lost].text
        assert forms[won]["comment"] in answers[lost].text  # what is saved now, shown
        assert _checked_values(answers[lost], criteria) == {
            str(c["pk"]): forms[lost]["value"] for c in criteria
        }  # the loser's own input, still in the form
        now_saved = tabs[lost].get(path)
        assert _checked_values(now_saved, criteria) == {
            str(c["pk"]): forms[won]["value"] for c in criteria
        }
        assert re.search(rf">\s*{forms[won]['comment']}</textarea>", now_saved.body)
        winners.append(forms[won])

    final = site.snapshot()
    [sheet] = [s for s in final["sheets"] if (s["juror"], s["candidacy"]) == (email, candidacy)]
    assert (sheet["comment"], sheet["version"]) == (winners[-1]["comment"], 5)
    assert {v for v, _ in sheet["entries"].values()} == {winners[-1]["value"]}
    assert [e["after"]["comment"] for e in _score_events(final, email, candidacy)] == [
        w["comment"] for w in winners
    ]


def _nominate(harness, site, world, browser, email: str, proud: str) -> str:
    """Send the form for the race municipality; returns the path of the link e-mailed back."""
    form = browser.get("/nominera/")
    sent = browser.post(
        "/nominera/",
        {
            "csrfmiddlewaretoken": form.hidden("csrfmiddlewaretoken"),
            "municipality": world["race_municipality"]["name"],
            "proud": proud,
            "effect": "Färre samtal till kontaktcenter.",
            "learned": "Att mäta effekten från början.",
            "nominator_name": email.split("@")[0],
            "nominator_email": email,
            "consent": "on",
            "website": "",
        },
    )
    assert (sent.status, sent.location) == (302, "/nominera/skickad/"), sent.text[:500]
    link = harness.confirmation_path(site.mail_folder, email)
    assert link is not None
    return str(link)


def _all_at_once(calls: list[Any]) -> list[Any]:
    together = threading.Barrier(len(calls))
    answers: list[Any] = [None] * len(calls)

    def run(number: int) -> None:
        together.wait()
        answers[number] = calls[number]()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers


def test_racing_confirmations_lose_no_nomination(harness, site, world, server):
    code = world["race_municipality"]["code"]
    people = [harness.Browser(site.port) for _ in range(4)]
    emails = [f"samtidig-{n}@race.example.invalid" for n in range(4)]
    links = [
        _nominate(harness, site, world, person, email, f"Samtidig nominering {n}.")
        for n, (person, email) in enumerate(zip(people, emails, strict=True))
    ]
    pages = [person.get(link) for person, link in zip(people, links, strict=True)]

    # Four first confirmations of one municipality at once: all count, in one candidacy.
    answers = _all_at_once(
        [
            partial(person.post, link, {"csrfmiddlewaretoken": page.hidden("csrfmiddlewaretoken")})
            for person, link, page in zip(people, links, pages, strict=True)
        ]
    )
    assert [(a.status, a.location) for a in answers] == [(302, "/nominera/bekraftad/")] * 4

    # One person's link clicked in two tabs at once: it counts once; the other tab is told so.
    tabs = [harness.Browser(site.port), harness.Browser(site.port)]
    link = _nominate(harness, site, world, tabs[0], "tva-flikar@race.example.invalid", "En gång.")
    opened = [tab.get(link) for tab in tabs]
    answers = _all_at_once(
        [
            partial(tab.post, link, {"csrfmiddlewaretoken": page.hidden("csrfmiddlewaretoken")})
            for tab, page in zip(tabs, opened, strict=True)
        ]
    )
    assert sorted(a.status for a in answers) == [200, 302]
    told = next(a for a in answers if a.status == 200).text
    assert "Länken har redan använts" in told
    assert "Din nominering av Sundsvall är redan bekräftad och räknas." in told

    # The same person sends a change from one tab and opens its link, sends another change
    # from a second tab, then presses confirm in both at once: the newer text applies either
    # way; the older one either applied first (and was then replaced by the newer one) or, taken
    # after the newer one, is told that the nomination is confirmed. Neither is silently lost.
    first = _nominate(
        harness, site, world, tabs[0], "tva-flikar@race.example.invalid", "Ändring A."
    )
    older = tabs[0].get(first)
    second = _nominate(
        harness, site, world, tabs[1], "tva-flikar@race.example.invalid", "Ändring B."
    )
    newer = tabs[1].get(second)
    answers = _all_at_once(
        [
            partial(
                tabs[0].post, first, {"csrfmiddlewaretoken": older.hidden("csrfmiddlewaretoken")}
            ),
            partial(
                tabs[1].post, second, {"csrfmiddlewaretoken": newer.hidden("csrfmiddlewaretoken")}
            ),
        ]
    )
    assert answers[1].status == 302
    if answers[0].status != 302:
        older_told = answers[0].text
        assert answers[0].status == 200
        assert "Länken har redan använts" in older_told
        assert "Din nominering av Sundsvall är redan bekräftad och räknas." in older_told

    final = site.snapshot()
    ours = [
        n
        for n in final["nominations"]
        if n["email"] in {*emails, "tva-flikar@race.example.invalid"}
    ]
    assert [(n["status"], n["municipality"]) for n in ours] == [("confirmed", code)] * 5
    assert len({n["candidacy"] for n in ours}) == 1
    [candidacy] = [c for c in final["candidacies"] if c["pk"] == ours[0]["candidacy"]]
    assert candidacy["members"] == [code]
    events = _events(final)
    assert len(_actions(events[f"candidacy:{candidacy['pk']}"], "candidacy.created")) == 1
    for nomination in ours:
        story = events[f"nomination:{nomination['pk']}"]
        assert len(_actions(story, "nomination.confirmed")) == 1
    [changed] = [n for n in ours if n["email"] == "tva-flikar@race.example.invalid"]
    assert changed["proud"] == "Ändring B."
    _assert_whole(final, world)
