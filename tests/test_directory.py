"""The member directory, profiles and editing your own profile: HTML pages and JSON API."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.members.models import Member, MemberRole, MemberStatus
from tests.support.database import see_committed
from tests.support.flows import csrf_token
from tests.support.members import add_member, browser, set_member, signed_in

LEEDS = "Leeds City Council"
YORK_UNI = "University of York"


@pytest.fixture
def alice(client: TestClient) -> str:
    """Alice Adams of Leeds City Council, signed in on ``client``."""
    return signed_in(client, subject="alice-adams", name="Alice Adams")


def listed_ids(page_text: str) -> set[str]:
    return set(re.findall(r'href="/members/([0-9a-f-]{36})"', page_text))


def profile_form(client: TestClient, **fields: Any) -> dict[str, Any]:
    """What the edit-profile form posts, CSRF token first."""
    return {
        "csrftoken": csrf_token(client),
        "display_name": "Alice Adams",
        "job_title": "",
        "team": "",
        "bio": "",
        "visibility_email": "organisation",
        "visibility_job_title": "members",
        "visibility_team": "members",
        "visibility_areas_of_practice": "members",
        "visibility_bio": "members",
        **fields,
    }


def api_headers(client: TestClient) -> dict[str, str]:
    return {"X-CSRFToken": csrf_token(client)}


def stored(db: Session, member_id: str) -> Member:
    see_committed(db)
    return db.get_one(Member, member_id)


class TestDirectory:
    def test_lists_active_members_only(self, client: TestClient, alice: str, db: Session) -> None:
        active = add_member(db, "Bea Active")
        hidden = {
            add_member(db, "Sam Suspended", status=MemberStatus.SUSPENDED),
            add_member(db, "Lee Left", status=MemberStatus.LEFT),
            add_member(db, "Pat Pending", status=MemberStatus.PENDING),
            add_member(db, "Rory Rejected", status=MemberStatus.REJECTED),
        }
        later_suspended = add_member(db, "Sid Soon Suspended")
        set_member(db, later_suspended, status=MemberStatus.SUSPENDED)

        page = client.get("/members")

        assert page.status_code == 200
        assert listed_ids(page.text) == {alice, active}
        assert "2 members" in page.text
        assert not ({*hidden, later_suspended} & listed_ids(page.text))
        api = client.get("/api/v1/members").json()
        assert api["total"] == 2
        assert {entry["id"] for entry in api["members"]} == {alice, active}
        for member_id in (*hidden, later_suspended):
            assert client.get(f"/members/{member_id}").status_code == 404
            assert client.get(f"/api/v1/members/{member_id}").status_code == 404

    def test_entries_show_role_organisation_champion_and_visible_job_title(
        self, client: TestClient, alice: str, db: Session
    ) -> None:
        add_member(
            db,
            "Chris Champion",
            role=MemberRole.PRINCIPAL_SOCIAL_WORKER,
            job_title="Principal social worker for Leeds",
            is_champion=True,
        )
        add_member(
            db, "Hana Hidden", job_title="Secret job title", visibility={"job_title": "only_me"}
        )

        page = client.get("/members").text

        assert "Chris Champion" in page and "Principal social worker for Leeds" in page
        assert re.search(r'<strong class="govuk-tag[^"]*">Champion</strong>', page)
        assert "Principal social worker, Leeds City Council" in page
        assert "Hana Hidden" in page and "Secret job title" not in page

    def test_filters_by_organisation_role_area_and_name(
        self, client: TestClient, alice: str, db: Session
    ) -> None:
        york = add_member(db, "Yusuf York", organisation=YORK_UNI, role=MemberRole.ACADEMIC)
        student = add_member(db, "Stella Student", role=MemberRole.STUDENT, areas=["neglect"])
        carer = add_member(db, "Carl Care", areas=["care-leavers", "neglect"])
        organisations = re.findall(
            r'<option value="([^"]+)"[^>]*>University of York</option>', client.get("/members").text
        )
        assert len(organisations) == 1

        def listed(query: str) -> set[str]:
            return listed_ids(client.get(f"/members?{query}").text)

        assert listed(f"organisation={organisations[0]}") == {york}
        assert listed("role=academic") == {york}
        assert listed("role=student") == {student}
        assert listed("area=neglect") == {student, carer}
        assert listed("area=care-leavers") == {carer}
        assert listed("q=STELL") == {student}
        assert listed("q=a") == {alice, student, carer}
        assert listed("area=neglect&role=practitioner") == {carer}
        assert listed("organisation=&role=&area=&q=") == {alice, york, student, carer}
        assert listed("q=%25") == set(), "a % in the search box is a character, not a wildcard"

        api = client.get("/api/v1/members", params={"role": "student", "topic": "neglect"})
        assert [entry["id"] for entry in api.json()["members"]] == [student]
        assert client.get("/api/v1/members", params={"q": "york"}).json()["total"] == 1

    def test_unknown_role_is_refused(self, client: TestClient, alice: str) -> None:
        assert client.get("/members?role=wizard").status_code == 400
        response = client.get("/api/v1/members?role=wizard")
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"

    def test_pages_of_25_keep_the_filters(
        self, client: TestClient, alice: str, db: Session
    ) -> None:
        for number in range(1, 31):
            add_member(db, f"Paged Person {number:02d}", role=MemberRole.MANAGER)

        first = client.get("/members?role=manager&q=paged")
        older = re.search(
            r'href="\?(role=manager&amp;q=paged&amp;after=[^"]+)" rel="next"', first.text
        )
        assert older is not None, "the Next link keeps the filters"
        second = client.get("/members?" + older.group(1).replace("&amp;", "&"))

        assert len(listed_ids(first.text)) == 25
        assert len(listed_ids(second.text)) == 5
        assert not listed_ids(first.text) & listed_ids(second.text)
        assert "30 members" in first.text
        assert 'rel="next"' not in second.text
        assert re.search(
            r'href="\?role=manager&amp;q=paged&amp;before=[^"]+" rel="prev"', second.text
        )
        api_first = client.get("/api/v1/members", params={"role": "manager"}).json()
        api = client.get(
            "/api/v1/members", params={"role": "manager", "after": api_first["next_cursor"]}
        ).json()
        assert (api["total"], api["limit"], len(api["members"])) == (30, 25, 5)
        assert api["next_cursor"] is None and api["previous_cursor"] is not None

    def test_directory_needs_sign_in(self, client: TestClient) -> None:
        assert client.get("/members").status_code == 303
        assert client.get("/api/v1/members").status_code == 401


class TestFieldVisibility:
    def test_only_me_field_is_hidden_from_members_but_shown_to_owner_and_admin(
        self,
        client: TestClient,
        alice: str,
        app: FastAPI,
        db: Session,
    ) -> None:
        saved = client.post(
            "/profile",
            data=profile_form(
                client, job_title="Senior practitioner", visibility_job_title="only_me"
            ),
        )
        assert saved.status_code == 303
        bob = browser(app)
        signed_in(bob, subject="bob-brown", name="Bob Brown")
        admin = browser(app)
        admin_id = signed_in(admin, subject="ada-admin", name="Ada Admin")
        set_member(db, admin_id, is_admin=True)

        assert "Senior practitioner" not in bob.get(f"/members/{alice}").text
        assert "Senior practitioner" not in bob.get("/members").text
        assert bob.get(f"/api/v1/members/{alice}").json()["job_title"] is None
        own = client.get(f"/members/{alice}").text
        assert "Senior practitioner" in own
        assert "Who can see this: Only me (and admins)" in own
        assert "Edit your profile" in own
        assert "Edit your profile" not in bob.get(f"/members/{alice}").text
        assert "Senior practitioner" in admin.get(f"/members/{alice}").text
        assert admin.get(f"/api/v1/members/{alice}").json()["job_title"] == "Senior practitioner"

    def test_organisation_field_is_shown_to_the_same_organisation_only(
        self,
        client: TestClient,
        alice: str,
        app: FastAPI,
    ) -> None:
        client.post(
            "/profile",
            data=profile_form(client, team="Leeds West fostering", visibility_team="organisation"),
        )
        colleague = browser(app)
        signed_in(colleague, subject="cal-colleague", name="Cal")
        academic = browser(app)
        signed_in(
            academic,
            provider="york-uni",
            subject="yvonne-york",
            name="Yvonne York",
        )
        assert "University of York" in academic.get("/").text

        colleague_view = colleague.get(f"/api/v1/members/{alice}").json()
        academic_view = academic.get(f"/api/v1/members/{alice}").json()

        assert colleague_view["team"] == "Leeds West fostering"
        assert colleague_view["email"] == "alice-adams@example.org"  # organisation by default
        assert academic_view["team"] is None and academic_view["email"] is None
        assert "Leeds West fostering" in colleague.get(f"/members/{alice}").text
        assert "Leeds West fostering" not in academic.get(f"/members/{alice}").text
        assert "alice-adams@example.org" not in academic.get(f"/members/{alice}").text

    def test_area_filter_does_not_reveal_hidden_areas(
        self,
        client: TestClient,
        alice: str,
        app: FastAPI,
        db: Session,
    ) -> None:
        secret = add_member(
            db, "Quinn Quiet", areas=["neglect"], visibility={"areas_of_practice": "only_me"}
        )
        colleagues_only = add_member(
            db, "Olive Org", areas=["neglect"], visibility={"areas_of_practice": "organisation"}
        )
        open_member = add_member(db, "Mo Open", areas=["neglect"])
        academic = browser(app)
        signed_in(
            academic,
            provider="york-uni",
            subject="yvonne-york",
            name="Yvonne York",
        )

        assert listed_ids(client.get("/members?area=neglect").text) == {
            colleagues_only,
            open_member,
        }
        assert listed_ids(academic.get("/members?area=neglect").text) == {open_member}
        assert academic.get("/api/v1/members?topic=neglect").json()["total"] == 1
        assert secret in listed_ids(client.get("/members").text), "still listed unfiltered"
        assert client.get(f"/api/v1/members/{secret}").json()["areas_of_practice"] is None
        set_member(db, alice, is_admin=True)
        assert secret in listed_ids(client.get("/members?area=neglect").text)


class TestEditProfile:
    def test_form_shows_current_profile_with_csrf_first(
        self, client: TestClient, alice: str
    ) -> None:
        page = client.get("/profile")

        assert page.status_code == 200
        form = page.text[page.text.index('<form method="post" action="/profile"') :]
        first_field = re.search(r"<(input|textarea|select|button)\b[^>]*>", form)
        assert first_field is not None and 'name="csrftoken"' in first_field.group(0)
        assert 'value="Alice Adams"' in form
        assert form.count('type="checkbox"') == 20
        assert (
            '<legend class="govuk-fieldset__legend govuk-fieldset__legend--m">Areas of practice'
            in form
        )
        chosen = re.search(r'<input[^>]*name="visibility_email"[^>]*checked>', form)
        assert chosen is not None and 'value="organisation"' in chosen.group(0)

    def test_saves_and_redirects_to_the_profile(
        self, client: TestClient, alice: str, db: Session
    ) -> None:
        response = client.post(
            "/profile",
            data=profile_form(
                client,
                display_name="  Alice A. Adams ",
                job_title="Advanced practitioner",
                team="Leeds North",
                bio="Line one\r\nLine two <b>not bold</b>",
                areas_of_practice=["neglect", "court-work"],
                visibility_bio="organisation",
            ),
        )

        assert response.status_code == 303
        assert response.headers["location"] == f"/members/{alice}"
        profile = client.get(response.headers["location"])
        assert "Your profile has been saved." in profile.text
        assert "Line one<br>Line two &lt;b&gt;not bold&lt;/b&gt;" in profile.text
        assert "Court work" in profile.text and "Neglect" in profile.text
        member = stored(db, alice)
        assert member.display_name == "Alice A. Adams"
        assert (member.job_title, member.team) == ("Advanced practitioner", "Leeds North")
        assert member.bio == "Line one\nLine two <b>not bold</b>"
        assert member.profile_visibility["bio"] == "organisation"
        assert "Your profile has been saved." not in client.get(f"/members/{alice}").text

    def test_clearing_optional_fields_stores_nothing(
        self, client: TestClient, alice: str, db: Session
    ) -> None:
        client.post("/profile", data=profile_form(client, job_title="Temp", team="Temp"))
        client.post("/profile", data=profile_form(client, job_title="   "))
        member = stored(db, alice)
        assert (member.job_title, member.team) == (None, None)

    @pytest.mark.parametrize(
        ("fields", "field_id", "message"),
        [
            ({"job_title": "x" * 121}, "job_title", "Job title must be 120 characters or fewer"),
            ({"bio": "b" * 1001}, "bio", "About you must be 1000 characters or fewer"),
            ({"display_name": "   "}, "display_name", "Enter your name as other members"),
            (
                {"areas_of_practice": ["neglect", "made-up-area"]},
                "areas_of_practice",
                "Unknown area of practice: made-up-area",
            ),
            (
                {"visibility_bio": "everyone"},
                "visibility_bio",
                "Choose who can see this",
            ),
        ],
        ids=["job-title-121", "bio-1001", "blank-name", "unknown-area", "bad-visibility"],
    )
    def test_bad_input_is_refused_with_a_message_and_nothing_saved(
        self,
        client: TestClient,
        alice: str,
        db: Session,
        fields: dict[str, Any],
        field_id: str,
        message: str,
    ) -> None:
        response = client.post(
            "/profile",
            data=profile_form(
                client, **{"display_name": "Changed Name", "team": "Typed team", **fields}
            ),
        )

        assert response.status_code == 422
        assert "There is a problem" in response.text
        assert f'<a href="#{field_id}">{message}' in response.text
        assert f'id="{field_id}-error"' in response.text
        assert f'id="{field_id}"' in response.text, "the summary links to an element that exists"
        assert 'value="Typed team"' in response.text, "what the member typed is kept"
        assert response.text.index('name="csrftoken"') < response.text.index('name="display_name"')
        member = stored(db, alice)
        assert (member.display_name, member.team) == ("Alice Adams", None)

    def test_bio_of_1000_characters_with_new_lines_is_accepted(
        self, client: TestClient, alice: str, db: Session
    ) -> None:
        bio = "\r\n".join(["a" * 99] * 10) + "b"  # 1000 characters as the browser counts
        response = client.post("/profile", data=profile_form(client, bio=bio))
        assert response.status_code == 303
        assert len(stored(db, alice).bio or "") == 1000

    def test_post_without_csrf_token_is_refused(
        self, client: TestClient, alice: str, db: Session
    ) -> None:
        data = profile_form(client, display_name="Forged")
        del data["csrftoken"]
        assert client.post("/profile", data=data).status_code == 403
        assert stored(db, alice).display_name == "Alice Adams"


class TestProfileApi:
    def test_directory_and_profile_json(self, client: TestClient, alice: str, db: Session) -> None:
        other = add_member(
            db, "Bea Bright", job_title="Team manager", is_champion=True, areas=["poverty"]
        )

        directory = client.get("/api/v1/members").json()
        profile = client.get(f"/api/v1/members/{other}").json()

        assert directory["total"] == 2 and directory["limit"] == 25
        assert profile["display_name"] == "Bea Bright"
        assert profile["organisation"] == LEEDS
        assert profile["is_champion"] is True
        assert profile["job_title"] == "Team manager"
        assert profile["areas_of_practice"] == [{"slug": "poverty", "name": "Poverty"}]
        missing = client.get("/api/v1/members/no-such-member")
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/problem+json"
        topics = client.get("/api/v1/topics").json()
        assert len(topics) == 20 and {"slug": "neglect", "name": "Neglect"} in topics

    def test_put_profile_saves(self, client: TestClient, alice: str, db: Session) -> None:
        response = client.put(
            "/api/v1/me/profile",
            headers=api_headers(client),
            json={
                "display_name": "Alice Adams",
                "job_title": "Social worker",
                "areas_of_practice": ["fostering"],
                "visibility": {"email": "only_me"},
            },
        )

        assert response.status_code == 200, response.text
        assert response.json()["job_title"] == "Social worker"
        member = stored(db, alice)
        assert member.profile_visibility == {"email": "only_me"}
        assert client.get(f"/api/v1/members/{alice}").json()["areas_of_practice"] == [
            {"slug": "fostering", "name": "Fostering"}
        ]

    @pytest.mark.parametrize(
        ("body", "location"),
        [
            ({"display_name": "A", "job_title": "x" * 121}, ["body", "job_title"]),
            ({"display_name": "A", "bio": "x" * 1001}, ["body", "bio"]),
            ({"job_title": "No name"}, ["body", "display_name"]),
            (
                {"display_name": "A", "visibility": {"email": "world"}},
                ["body", "visibility", "email"],
            ),
            ({"display_name": "A", "visibility": {"shoe_size": "members"}}, ["body", "visibility"]),
            ({"display_name": "A", "is_admin": True}, ["body", "is_admin"]),
        ],
        ids=["job-title", "bio", "no-name", "bad-visibility", "unknown-field", "extra"],
    )
    def test_put_profile_bad_input_is_a_422_problem(
        self, client: TestClient, alice: str, db: Session, body: dict[str, Any], location: list[str]
    ) -> None:
        response = client.put("/api/v1/me/profile", headers=api_headers(client), json=body)

        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert location in [error["loc"] for error in response.json()["errors"]]
        member = stored(db, alice)
        assert (member.display_name, member.job_title, member.is_admin) == (
            "Alice Adams",
            None,
            False,
        )

    def test_put_profile_unknown_area_is_a_422_problem(
        self, client: TestClient, alice: str, db: Session
    ) -> None:
        response = client.put(
            "/api/v1/me/profile",
            headers=api_headers(client),
            json={"display_name": "Renamed", "areas_of_practice": ["nope"]},
        )

        assert response.status_code == 422
        assert response.json()["errors"] == {"areas_of_practice": "Unknown area of practice: nope"}
        assert stored(db, alice).display_name == "Alice Adams"

    def test_put_profile_needs_the_csrf_header_with_a_session(
        self, client: TestClient, alice: str
    ) -> None:
        csrf_token(client)
        response = client.put("/api/v1/me/profile", json={"display_name": "Forged"})
        assert response.status_code == 403

    def test_openapi_describes_every_members_route(self, client: TestClient, alice: str) -> None:
        paths = client.get("/api/v1/openapi.json").json()["paths"]
        expected = {
            ("/api/v1/members", "get"),
            ("/api/v1/members/{member_id}", "get"),
            ("/api/v1/me/profile", "put"),
            ("/api/v1/topics", "get"),
            ("/api/v1/me/tokens", "get"),
            ("/api/v1/me/tokens", "post"),
            ("/api/v1/me/tokens/{token_id}", "delete"),
        }
        for path, method in expected:
            operation = paths[path][method]
            assert operation["summary"]
            success = next(code for code in operation["responses"] if code.startswith("2"))
            if method != "delete":
                assert "application/json" in operation["responses"][success]["content"]
