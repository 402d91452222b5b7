"""Two languages: the interface in Albanian or English, content fields falling back to the other language."""

from types import SimpleNamespace

from django.urls import reverse
from django.utils import translation

from nsm.i18n import localized


def test_content_is_shown_in_the_active_language():
    item = SimpleNamespace(title_sq="Qëllimi", title_en="Goal")
    with translation.override("sq"):
        assert localized(item, "title") == "Qëllimi"
    with translation.override("en"):
        assert localized(item, "title") == "Goal"


def test_content_falls_back_to_the_other_language_when_empty():
    only_albanian = SimpleNamespace(title_sq="Vetëm shqip", title_en="")
    only_english = SimpleNamespace(title_sq="", title_en="English only")
    with translation.override("en"):
        assert localized(only_albanian, "title") == "Vetëm shqip"
    with translation.override("sq"):
        assert localized(only_english, "title") == "English only"


def test_albanian_is_the_default_interface_language(public, settings):
    settings.LANGUAGE_CODE = "sq"
    response = public.get(reverse("accounts:login"))
    assert response.headers["Content-Language"] == "sq"
    assert "Hyni" in response.content.decode()


def test_the_language_switch_changes_the_interface_language(public, settings):
    settings.LANGUAGE_CODE = "sq"
    response = public.post(reverse("set_language"), {"language": "en", "next": reverse("accounts:login")}, follow=True)
    assert response.headers["Content-Language"] == "en"
    assert "Sign in" in response.content.decode()
