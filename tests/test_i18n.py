"""Two languages: the interface in Albanian or English, content fields falling back to the other language."""

import ast
import gettext
from pathlib import Path
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


CATALOGUE = Path(__file__).resolve().parent.parent / "nsm" / "locale" / "sq" / "LC_MESSAGES"


def _unquote(line: str) -> str:
    return ast.literal_eval(line)


def read_po(path: Path) -> list[dict[str, list[str] | str]]:
    """The entries of a .po file: msgctxt, msgid, msgid_plural and msgstr (a list, one per plural form), flags."""
    entries: list[dict] = []
    entry: dict = {}
    key = None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if entry:
                entries.append(entry)
            entry, key = {}, None
        elif line.startswith("#,"):
            entry["flags"] = line[2:]
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if key.startswith("msgstr"):
                entry["msgstr"][-1] += _unquote(line)
            else:
                entry[key] += _unquote(line)
        else:
            key, _, value = line.partition(" ")
            if key.startswith("msgstr"):
                entry.setdefault("msgstr", []).append(_unquote(value))
            else:
                entry[key] = _unquote(value)
    return [e for e in entries if e.get("msgid")]


def test_every_interface_string_has_an_albanian_translation():
    entries = read_po(CATALOGUE / "django.po")
    assert len(entries) > 400
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"])]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e.get("flags", "")]
    assert untranslated == []
    assert fuzzy == []


def test_the_compiled_catalogue_matches_the_translations():
    """django.mo is committed (so that no gettext is needed to run): it must be compiled from the current .po."""
    with (CATALOGUE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in read_po(CATALOGUE / "django.po"):
        context = entry.get("msgctxt")
        if "msgid_plural" in entry:
            for n, expected in ((1, entry["msgstr"][0]), (2, entry["msgstr"][1])):
                got = (
                    compiled.npgettext(context, entry["msgid"], entry["msgid_plural"], n)
                    if context
                    else compiled.ngettext(entry["msgid"], entry["msgid_plural"], n)
                )
                assert got == expected, entry["msgid"]
        else:
            got = compiled.pgettext(context, entry["msgid"]) if context else compiled.gettext(entry["msgid"])
            assert got == entry["msgstr"][0], entry["msgid"]
