"""What a person types, made into the engines' queries, and the words found marked in a text.

The query is folded as the index is (lower case, accents off: "Dëshmi" -> "deshmi") and cut into words of letters
and digits; everything else (quotes, `*`, `-`, `:`, `&`, `|`, brackets, the engines' operators) only separates
words, so no text can make a query the engine refuses. A group of words typed together ("2.1.3", "e-mail") is a
phrase; the last word of each is matched as a prefix ("desh" finds "dëshmi") when it has two characters or more.
Every word must match (AND). The text is bounded before it is read (`MAX_CHARS`, `MAX_WORDS`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_CHARS = 200
MAX_WORDS = 12
MIN_PREFIX = 2
WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower case, without accents (NFKD, combining marks dropped): "Dëshmi Çështje" -> "deshmi ceshtje"."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


@dataclass(frozen=True)
class Query:
    text: str
    phrases: tuple[tuple[str, ...], ...]

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(word for phrase in self.phrases for word in phrase)

    def fts5(self) -> str:
        """SQLite FTS5: each phrase quoted (its words letters and digits only), the last word a prefix."""
        return " ".join(
            f'"{" ".join(phrase)}"' + ("*" if len(phrase[-1]) >= MIN_PREFIX else "") for phrase in self.phrases
        )

    def tsquery(self) -> str:
        """PostgreSQL to_tsquery: the words of a phrase followed by each other (<->), phrases joined by &."""
        return " & ".join(
            " <-> ".join(
                f"'{word}'" + (":*" if index == len(phrase) - 1 and len(word) >= MIN_PREFIX else "")
                for index, word in enumerate(phrase)
            )
            for phrase in self.phrases
        )


def parse(text: str) -> Query:
    """The phrases of a text already bounded to MAX_CHARS; at most MAX_WORDS words in all."""
    phrases: list[tuple[str, ...]] = []
    left = MAX_WORDS
    for chunk in text.split():
        words = tuple(WORD.findall(fold(chunk)))[:left]
        if words:
            phrases.append(words)
            left -= len(words)
        if left <= 0:
            break
    return Query(text, tuple(phrases))


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index of the character of `text` it comes from."""
    folded, origin = [], []
    for index, char in enumerate(text):
        for part in fold(char):
            folded.append(part)
            origin.append(index)
    return "".join(folded), origin


def marks(text: str, words: tuple[str, ...]) -> list[tuple[int, int]]:
    """The spans of `text` where a word starts with one of `words` (folded), merged and in order."""
    if not words:
        return []
    folded, origin = _folded_with_positions(text)
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    pattern = re.compile(rf"(?<![^\W_])(?:{alternatives})[^\W_]*")
    spans: list[tuple[int, int]] = []
    for found in pattern.finditer(folded):
        start, end = origin[found.start()], origin[found.end() - 1] + 1
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


def highlight(text: str, words: tuple[str, ...], *, width: int = 220) -> SafeString:
    """`text` escaped, around its first mark when longer than `width`, each found word in <mark>."""
    spans = marks(text, words)
    start = 0
    if len(text) > width and spans:
        start = max(0, min(spans[0][0] - width // 4, len(text) - width))
    end = min(len(text), start + width)
    pieces = ["…" if start else ""]
    position = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        pieces += [escape(text[position:span_start]), "<mark>", escape(text[span_start:span_end]), "</mark>"]
        position = span_end
    pieces += [escape(text[position:end]), "…" if end < len(text) else ""]
    return mark_safe("".join(pieces))  # noqa: S308 - every piece of the text is escaped above  # nosec B308 B703
