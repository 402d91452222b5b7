"""The consultation report (Law 146/2014) as a document: Word, PDF and Excel from the report the secretariat issued.

It prints the content frozen when the report was issued (`nsm.consultation.issue`), never the comments as they are
now, so that every copy of an issue says the same, in either language: the round and the version consulted, the
institutions invited, the participants by stakeholder type and sex, and every comment with its answer and reason.
The content holds no e-mail address, so none can be printed.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from nsm.consultation.issue import answer_label, commenter, item_label, label_of
from nsm.consultation.models import ConsultationReport, Sex, StakeholderType
from nsm.reports.document import (
    Column,
    Document,
    KeyFigure,
    KeyFigures,
    Paragraph,
    Row,
    Section,
    Table,
    day_in_words,
)
from nsm.reports.generate import Output, check_format, output


def _day(iso: str, language: str) -> str:
    return day_in_words(datetime.date.fromisoformat(iso), language)


def build_consultation(issued: ConsultationReport, language: str) -> Document:
    """The document of an issued consultation report, in `language` (its own words; what people wrote as written)."""
    content = issued.content
    with translation.override(language):
        strategy, version, round_ = content["strategy"], content["version"], content["round"]
        strategy_title = strategy.get(language) or strategy.get("en") or strategy.get("sq") or strategy["code"]
        version_name = f"v{version['number']}" + (f" ({version['label']})" if version["label"] else "")
        start, end = _day(round_["opens_on"], language), _day(round_["closes_on"], language)
        issued_on = day_in_words(issued.issued_at.date(), language)
        who = (
            _("to the public and to the institutions invited")
            if round_["is_public"]
            else _("to the institutions invited")
        )
        comments = content["comments"]
        sections = [
            Section(
                _("The consultation"),
                (
                    Paragraph(
                        _(
                            "The draft %(version)s of %(strategy)s was open for comments %(who)s from %(start)s to "
                            "%(end)s, under Law No. 146/2014 on notification and public consultation."
                        )
                        % {
                            "version": version_name,
                            "strategy": strategy_title,
                            "who": who,
                            "start": start,
                            "end": end,
                        }  # fmt: skip
                    ),
                    KeyFigures(
                        (
                            KeyFigure(_("Participants"), content["total"]),
                            KeyFigure(_("Comments"), len(comments)),
                            KeyFigure(_("Comments answered"), content["answered"]),
                        )
                    ),
                ),
            ),
            Section(_("Institutions invited"), (_invited_table(content, language),)),
            Section(_("Participants by stakeholder type and sex"), (_participants_table(content),)),
            Section(
                _("Comments and answers"),
                (_comments_table(comments, language),) if comments else (Paragraph(_("No comment was received.")),),
                landscape=bool(comments),
            ),
        ]
        return Document(
            kind="consultation",
            language=language,
            title=_("Consultation report"),
            subtitle=round_["title"],
            cover_lines=(
                f"{strategy_title} ({strategy['code']})",
                _("Version consulted: %(version)s") % {"version": version_name},
                _("Open for comments from %(start)s to %(end)s") % {"start": start, "end": end},
                _("Report no. %(number)s, issued on %(day)s") % {"number": issued.number, "day": issued_on},
            ),
            sections=tuple(sections),
            strategy_code=strategy["code"],
            period="",
            generated_at=issued.issued_at,
        )


def _invited_table(content: dict[str, Any], language: str) -> Table:
    rows = tuple(
        Row((institution["code"], institution.get(language) or institution.get("en") or institution.get("sq")))
        for institution in content["invited"]
    )
    return Table(
        caption=_("Institutions invited to comment"),
        columns=(Column(_("Code"), width=1), Column(_("Institution"), width=4)),
        rows=rows,
        name=_("Invited"),
        note="" if rows else _("No institution was invited."),
    )


def _participants_table(content: dict[str, Any]) -> Table:
    sexes = content.get("sexes") or list(Sex.values)
    columns = (
        Column(_("Stakeholder type"), width=3),
        *(Column(label_of(Sex, sex), "number") for sex in sexes),
        Column(_("Total"), "number"),
    )
    rows = [
        Row((label_of(StakeholderType, line["type"]), *line["by_sex"], line["total"]))
        for line in content["participants"]
    ]
    rows.append(Row((_("Total"), *content["sex_totals"], content["total"]), total=True))
    return Table(
        caption=_("Participants by stakeholder type and sex"),
        columns=columns,
        rows=tuple(rows),
        name=_("Participants"),
        note=_("Each participant is counted once, as in their latest comment."),
    )


def _comments_table(comments: list[dict[str, Any]], language: str) -> Table:
    columns = (
        Column(_("No."), "number", width=0.5),
        Column(_("On"), width=2),
        Column(_("From"), width=2),
        Column(_("Comment"), width=4),
        Column(_("Answer"), width=1.2),
        Column(_("Reason"), width=3),
    )
    rows = tuple(
        Row(
            (
                comment["number"],
                item_label(comment, language),
                commenter(comment, language),
                comment["text"],
                answer_label(comment),
                comment["reason"],
            )
        )  # fmt: skip
        for comment in comments
    )
    return Table(caption=_("Every comment and its answer"), columns=columns, rows=rows, name=_("Comments"))


def filename(issued: ConsultationReport, language: str, fmt: str) -> str:
    """`AL-NSM-2024-2030_consultation-7-1_sq.pdf`: the strategy, the round, the issue, the language."""
    code = issued.content["strategy"]["code"]
    return f"{code}_consultation-{issued.round_id}-{issued.number}_{language}.{fmt}"


def generate_consultation(issued: ConsultationReport, *, language: str, fmt: str) -> Output:
    """The issued report as one file."""
    check_format(language, fmt)
    document = build_consultation(issued, language)
    return output(
        document,
        fmt,
        filename(issued, language, fmt),
        data_stamp=f"round {issued.round_id}, report no. {issued.number}",
    )
