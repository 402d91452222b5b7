"""The search page and the API's search: results grouped by kind and linked, the sentence when nothing is found or
the search is refused, and never an error whatever is typed."""

from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.conftest import assert_error

ANY_TEXT = st.text(max_size=200) | st.text(alphabet=" \"*:^&|!()-+<>.NEARORANDNOT'\\~@#", max_size=60)
RELAXED = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def test_the_page_groups_the_results_and_links_them(world, secretariat, client_for):
    page = client_for(secretariat).get("/search/?q=deshmi")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Activities" in html and "Report narratives" in html and "Decisions" in html
    assert "<mark>dëshmive</mark>" in html
    assert f'href="/plan/{world.code}/activities/' in html
    assert 'role="search"' in html and 'for="header-search"' in html


def test_one_kind_in_pages(world, secretariat, client_for):
    page = client_for(secretariat).get("/search/?q=deshmi&kind=narrative&page=9")
    assert page.status_code == 200
    assert "Report narratives" in page.content.decode() and "Activities" not in page.content.decode()


def test_nothing_found_and_refused_say_so(world, secretariat, client_for):
    client = client_for(secretariat)
    assert "Nothing you may see matches" in client.get("/search/?q=zzzz").content.decode()
    assert "longer than 200 characters" in client.get("/search/?q=" + "a" * 201).content.decode()


def test_the_anonymous_visitor_is_sent_to_sign_in(world, public):
    response = public.get("/search/?q=deshmi")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@RELAXED
@given(text=ANY_TEXT)
def test_any_text_on_the_page_is_a_page(world, secretariat, client_for, text):
    if any(ord(char) < 32 or ord(char) == 127 for char in text):
        return  # refused by the middleware before the view (tests/security/test_control_characters.py)
    response = client_for(secretariat).get(f"/search/?q={quote(text)}")
    assert response.status_code == 200


def test_the_api_answers_grouped_results(world, secretariat, api_for):
    body = api_for(secretariat).get("/api/v1/search", {"q": "Deshm"}).json()
    assert body["words"] == ["deshm"]
    kinds = {group["kind"]: group for group in body["groups"]}
    assert kinds["activity"]["count"] == 1
    assert kinds["activity"]["items"][0]["text"] == "Mbledhja e dëshmive për kthimin"
    assert kinds["activity"]["items"][0]["url"].startswith(f"/plan/{world.code}/activities/")


def test_the_api_is_scoped_and_bounded(world, focal_point, api_for, client):
    body = api_for(focal_point).get("/api/v1/search", {"q": "deshmi", "kind": "narrative"}).json()
    assert [group["count"] for group in body["groups"]] == [1]
    assert client.get("/api/v1/search", {"q": "deshmi"}).status_code == 401
    error = assert_error(api_for(focal_point).get("/api/v1/search", {"q": "d" * 201}), 422, "invalid")
    assert "200 characters" in error["message"]


@RELAXED
@given(text=ANY_TEXT)
def test_any_text_in_the_api_is_an_answer(world, secretariat, api_for, text):
    if any(ord(char) < 32 or ord(char) == 127 for char in text):
        return
    response = api_for(secretariat).get("/api/v1/search", {"q": text})
    assert response.status_code == 200, response.content
    assert isinstance(response.json()["groups"], list)
