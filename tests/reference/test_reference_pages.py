"""The public reference pages: open to all, in both languages, with sources, in a fixed number of queries."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

# page -> (the most queries it may run for the public, a row it shows in English, the same row in Albanian)
PAGES = {
    "index": (0, "Migration Governance Indicators", "Fushat e Treguesve të Qeverisjes së Migracionit"),
    "gcm": (2, "Collect and utilize accurate and disaggregated data", "Mbledhja dhe përdorimi i të dhënave"),
    "sdg": (2, "Recruitment cost borne by employee", "Kostoja e rekrutimit"),
    "mgi": (1, "Mobility dimensions of crises", "Dimensionet e lëvizshmërisë në kriza"),
    "code_lists": (3, "Unaccompanied and separated children", "Fëmijët e pashoqëruar"),
    "institutions": (
        1,
        "National Agency for Employment and Skills",
        "Agjencia Kombëtare e Punësimit dhe Aftësive",
    ),
    "territory": (2, "Malësi e Madhe", "Malësi e Madhe"),
}


@pytest.fixture(autouse=True)
def albania_publishes(db):
    """The institutions page lists, to the public, those of the countries that publish something: here Albania."""
    from tests.factories import StrategyFactory

    StrategyFactory(code="AL-PUBLIC", country="AL", is_public=True)


def get(client, page: str, language: str = "en"):
    name = "accounts:institutions" if page == "institutions" else f"reference:{page}"
    return client.get(reverse(name), headers={"accept-language": language})


@pytest.mark.parametrize("page", PAGES)
def test_each_reference_page_is_open_to_the_public_and_shows_a_known_row(public, page):
    response = get(public, page)
    assert response.status_code == 200
    assert PAGES[page][1] in response.content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_each_reference_page_shows_albanian_content_in_albanian(public, page):
    response = get(public, page, language="sq")
    assert PAGES[page][2] in response.content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_each_reference_page_runs_a_fixed_number_of_queries(public, page, django_assert_max_num_queries):
    with django_assert_max_num_queries(PAGES[page][0]):
        get(public, page)


def test_the_albanian_page_shows_the_english_original_beside_the_working_translation(public):
    html = get(public, "gcm", language="sq").content.decode()
    assert "Mbledhja dhe përdorimi i të dhënave" in html
    assert '<div class="small text-body-secondary" lang="en">Collect and utilize' in html


def test_sdg_page_links_the_source_and_states_the_verified_flag_in_words(public):
    html = get(public, "sdg").content.decode()
    assert 'href="https://worldbank.github.io/sdg-metadata/metadata/en/10-7-1"' in html
    assert "<strong>Verified:</strong> Yes" in html  # target 10.7
    assert "<td>Partly\n</td>" in html  # indicator 10.7.2


def test_sdg_page_lists_every_target_with_its_indicators(public):
    html = get(public, "sdg").content.decode()
    for code in ["10.7.1", "10.7.2", "10.7.3", "10.7.4", "10.c.1", "3.c.1"]:
        assert code in html


def test_institutions_page_says_in_words_which_bodies_no_longer_exist(public):
    html = get(public, "institutions").content.decode()
    assert "BASHKIA-TIRANE" in html
    assert "No longer exists" in html
    assert "general knowledge" in html


def test_code_lists_page_shows_the_categories_of_each_dimension(public):
    html = get(public, "code_lists").content.decode()
    assert "<code>65_plus</code>" in html
    assert "<code>AL-11</code>" in html


def test_a_signed_in_viewer_sees_the_same_pages(viewer, client_for):
    response = get(client_for(viewer), "territory")
    assert response.status_code == 200
    assert "AL-11" in response.content.decode()
