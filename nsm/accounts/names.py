"""Institutions named as plans name them: by code or by name, in Albanian or English, whatever the case and
accents ("Ministria per Evropen" is "Ministria për Evropën"), with a suggestion for a near miss, and a code made
for a name the registry does not know yet.

Used by every importer that reads institutions (the plan workbook, the adopted matrix, a training's participants),
so that "accents do not matter" is written once.
"""

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from nsm.accounts.models import Institution
from nsm.core.text import fold

# Function words left out of a code made from a name's initials, in both languages.
_FUNCTION_WORDS = frozenset(
    ("of", "for", "and", "the", "on", "in", "to", "a", "an", "per", "dhe", "e", "i", "te", "se", "ne", "me", "nga")
)
# Words and letters that mark a name as Albanian (a name in one language is enough: this decides which).
_ALBANIAN = re.compile(r"[ëç]|\b(ministria|agjencia|drejtoria|instituti|bashkia|per|dhe|se|te|shqiperise)\b", re.I)
_NAME_IN_BRACKETS = re.compile(r"^(?P<name>.+?)\s*\((?P<code>[^()]+)\)$")
SUGGESTION_CUTOFF = 0.85
NAME_CHARS = 200  # Institution.name_sq and name_en


def looks_like_a_name(text: str) -> bool:
    """A name has a space in it ("State Minister for Diaspora"); a code does not (MPB, AKPA, QKM-1)."""
    return " " in text.strip()


# The first word of an institution's name: where a comma is followed by one, a new name starts
# ("Ministry of Interior, Ministry of Justice" are two; "Ministry of Tourism, Culture and Sports" is one).
_NAME_HEAD = re.compile(
    r"^(the )?(state|national|general|ministry|ministria|ministrise|minister|ministri|agency|agjencia|institute|"
    r"instituti|directorate|drejtoria|municipality|bashkia|office|zyra|prefecture|prefektura|council|keshilli|"
    r"commission|komisioni|centre|center|qendra|authority|autoriteti|inspectorate|inspektorati|police|policia|"
    r"university|universiteti|embassy|ambasada|department|departamenti|parliament|kuvendi|court|gjykata|"
    r"ombudsman|avokati|prime minister|kryeministria|state minister|ministri i shtetit)\b"
)


def starts_a_name(text: str) -> bool:
    return bool(_NAME_HEAD.match(fold(text)))


def why_not_a_new_name(text: str, codes: Iterable[str]) -> str | None:
    """Why `text`, unknown, is not taken as the name of a new institution: it holds a known code as a word
    ("MPB AKPA", "MPB (lead)"), or joins several ("MPB / QKM", "MPB and QKM"), or is too long; None when it may be."""
    folded = fold(text)
    words = set(re.findall(r"[a-z0-9-]+", folded))
    known = sorted(code for code in codes if fold(code) in words)
    if known:
        return _("it names %(codes)s, which is known: write one institution per item, separated by ;") % {
            "codes": ", ".join(known)
        }
    joined = re.split(r"\s+(?:and|dhe|or|ose|&)\s+", folded, maxsplit=1)
    short_sides = len(joined) == 2 and all(len(side.split()) <= 2 for side in joined)  # "Police and Customs"
    if "/" in folded or short_sides:
        return _("it seems to join several institutions: separate them by ;")
    if len(text) > NAME_CHARS:
        return _("a name has at most %(limit)s characters") % {"limit": NAME_CHARS}
    return None


def name_language(name: str) -> str:
    """`sq` for a name written in Albanian, else `en`."""
    return "sq" if _ALBANIAN.search(name) else "en"


def code_from_name(name: str, taken: Iterable[str]) -> str:
    """`State Minister for Diaspora` -> `SMD`; `SMD-2` when SMD is taken (codes compared without case)."""
    words = [word for word in re.findall(r"[a-z0-9]+", fold(name)) if word not in _FUNCTION_WORDS]
    base = "".join(word[0] for word in words).upper()[:12] or "INST"
    if len(base) == 1:
        base = fold(name).upper().replace(" ", "")[:6] or "INST"
    taken_folded = {fold(code) for code in taken}
    code, number = base, 1
    while fold(code) in taken_folded:
        number += 1
        code = f"{base}-{number}"
    return code


@dataclass
class InstitutionNames:
    """The institutions of one country, by folded code and by folded name in either language."""

    by_code: dict[str, Institution] = field(default_factory=dict)
    by_name: dict[str, Institution] = field(default_factory=dict)
    elsewhere: dict[str, list[Institution]] = field(default_factory=dict)  # folded code -> other countries' ones

    @classmethod
    def of(cls, institutions: Iterable[Institution]) -> "InstitutionNames":
        names = cls()
        for institution in institutions:
            names.add(institution)
        return names

    @classmethod
    def of_country(cls, country: str) -> "InstitutionNames":
        """The institutions of `country`, in one query; the other countries' are kept by code in `elsewhere`, so
        that a code only they have is refused in a sentence (`Institution.refusal_for`), not as unknown."""
        names = cls()
        for institution in Institution.objects.order_by("country", "code"):
            names.keep(institution, country)
        return names

    def keep(self, institution: Institution, country: str) -> bool:
        """Add an institution of `country` (True), or remember one of another country in `elsewhere` (False)."""
        if institution.country == country:
            self.add(institution)
            return True
        self.elsewhere.setdefault(fold(institution.code), []).append(institution)
        return False

    def add(self, institution: Institution) -> None:
        self.by_code[fold(institution.code)] = institution
        for name in (institution.name_sq, institution.name_en):
            if name and name.strip():
                self.by_name.setdefault(fold(name), institution)

    def find(self, text: str) -> Institution | None:
        """The institution `text` names: its code, its name in either language, or "Name (CODE)"."""
        key = fold(text)
        found = self.by_code.get(key) or self.by_name.get(key)
        if found is None:
            match = _NAME_IN_BRACKETS.match(text.strip())
            if match:
                found = self.by_code.get(fold(match["code"])) or self.by_name.get(fold(match["name"]))
        return found

    def near(self, text: str) -> Institution | None:
        """The institution whose code or name is close to `text` without being equal (a typing slip)."""
        key = fold(text)
        table = self.by_name if looks_like_a_name(text) else self.by_code
        close = difflib.get_close_matches(key, table, n=1, cutoff=SUGGESTION_CUTOFF)
        return table[close[0]] if close else None


def suggestion(institution: Institution) -> str:
    """`did you mean Ministria për Evropën dhe Punët e Jashtme (MEPJ)?`"""
    name = institution.name or institution.code
    return _("did you mean %(name)s (%(code)s)?") % {"name": name, "code": institution.code}
