"""Who must give a second factor, and that the desk and the admin stay shut until they have."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.test import Client

from kommunpris.audit.models import AuditEvent
from kommunpris.permissions.accounts import needs_two_factor

CODE = "/logga-in/kod/"
ORGANISER_ADDRESS = "organisator@kvalitetsmassan.se"


def test_needs_two_factor_organisers_superusers_and_jury_members_only(juror, world):
    plain = User.objects.create_user("lasare@example.se", password="x")
    admin = User.objects.create_superuser("admin@example.se", password="x")
    closed = User.objects.create_user(
        "stangd@example.se", password="x", is_staff=True, is_active=False
    )
    assert {
        "juror": needs_two_factor(juror),
        "organiser": needs_two_factor(world.organiser),
        "superuser": needs_two_factor(admin),
        "plain": needs_two_factor(plain),
        "inactive": needs_two_factor(closed),
        "anonymous": needs_two_factor(AnonymousUser()),
    } == {
        "juror": True,
        "organiser": True,
        "superuser": True,
        "plain": False,
        "inactive": False,
        "anonymous": False,
    }


def test_guard_password_only_session_is_sent_to_the_code_page_everywhere(
    enrolled, world, sign_in_verified
):
    organiser = world.organiser
    sign_in_verified(Client(), organiser)  # the organiser's app is set up
    half = Client()
    half.force_login(organiser)  # password given, code not yet
    for path in ("/arbetsyta/", "/arbetsyta/nomineringar/", "/arbetsyta/jury/2029/", "/admin/"):
        response = half.get(path)
        assert response["Location"].startswith(f"{CODE}?next="), path
    assert half.get("/en/arbetsyta/")["Location"] == f"/en{CODE}?next=%2Fen%2Farbetsyta%2F"
    # A post is refused the same way and changes nothing.
    response = half.post("/arbetsyta/nomineringar/upplagor/ny/", {"year": "2031"})
    assert response["Location"].startswith(CODE)
    # Public pages and the municipality contacts' sign-in stay as they are.
    assert half.get("/vinnare/").status_code == 200
    assert half.get("/arbetsyta/nomineringar/kommun/logga-in/").status_code == 200


def test_guard_admin_signs_in_through_the_same_steps(world, kit, sign_in_verified):
    assert Client().get("/admin/")["Location"] == "/admin/login/?next=/admin/"
    assert Client().get("/admin/login/?next=/admin/")["Location"] == "/logga-in/?next=%2Fadmin%2F"
    organiser = sign_in_verified(Client(), world.organiser)
    assert organiser.get("/admin/").status_code == 200
    response = organiser.post("/admin/logout/")
    assert response["Location"] == "/logga-in/"
    assert AuditEvent.objects.filter(action="accounts.signed_out").count() == 1
    assert organiser.get("/admin/").status_code == 302


def test_guard_person_without_duties_signs_in_with_the_password_alone(db, kit):
    User.objects.create_user("lasare@example.se", email="lasare@example.se", password=kit.password)
    person = Client()
    response = kit.sign_in(person, "lasare@example.se")
    assert response["Location"] == "/arbetsyta/"
    assert "Inloggad som lasare@example.se" in kit.text(person.get("/arbetsyta/"))
    event = AuditEvent.objects.get(action="accounts.signed_in")
    assert event.after == {"username": "lasare@example.se", "second_factor": "none"}


def test_guard_sign_in_does_not_follow_a_next_link_to_another_site(juror, kit):
    person = Client()
    response = kit.sign_in(person, "anna@example.se", next="https://example.org/")
    assert response["Location"] == "/arbetsyta/konto/tvastegsverifiering/"


def test_guard_password_only_session_never_opens_a_page_whose_name_begins_like_an_open_one(
    enrolled, world, sign_in_verified
):
    """The contacts' own pages are open to anyone; the organiser's contacts page is not, although
    its name (desk:nominations-contacts) begins with theirs (desk:nominations-contact)."""
    sign_in_verified(Client(), world.organiser)
    half = Client()
    half.force_login(world.organiser)
    contacts = "/arbetsyta/nomineringar/2029/kontakter/"
    response = half.get(contacts)
    assert response["Location"] == f"{CODE}?next=%2Farbetsyta%2Fnomineringar%2F2029%2Fkontakter%2F"
    response = half.post(contacts, {"municipality": "Sundsvall", "email": "evil@example.org"})
    assert response["Location"].startswith(f"{CODE}?next=")
    assert not AuditEvent.objects.filter(action="contact.registered").exists()
    # The municipality contact's own page is open, and answers as to anyone not signed in there.
    own = half.get("/arbetsyta/nomineringar/kommun/")
    assert own["Location"] == "/arbetsyta/nomineringar/kommun/logga-in/"


def test_guard_password_only_session_is_an_anonymous_visitor_outside_the_desk(
    enrolled, world, sign_in_verified
):
    sign_in_verified(Client(), world.organiser)
    half = Client()
    half.force_login(world.organiser)
    page = half.get("/vinnare/")
    assert (page.status_code, page.context["user"].is_authenticated) == (200, False)
    # The code step still knows who is signing in, and the session is not ended by the visit.
    code = half.get(CODE)
    assert (code.status_code, code.context["user"].get_username()) == (200, ORGANISER_ADDRESS)


def test_guard_lists_hold_exact_names_of_views_that_exist():
    from django.urls import reverse

    from kommunpris.accounts.middleware import OPEN_VIEWS, SIGN_IN_STEPS

    needs_args = {
        "desk:jury-accept": {"token": "x"},
        "desk:nominations-contact-link": {"token": "x"},
        "desk:nominations-contact-remove": {"pk": 1},
        "desk:nominations-contact-attachment": {"pk": 1},
    }
    for name in sorted(OPEN_VIEWS | SIGN_IN_STEPS):
        assert reverse(name, kwargs=needs_args.get(name)), name
    # Nothing the organiser or the jury works in is open: every open desk view is a contact's
    # own page or the invitation link.
    assert {name for name in OPEN_VIEWS if not name.startswith("desk:nominations-contact-")} == {
        "desk:jury-accept",
        "desk:nominations-contact",
    }
