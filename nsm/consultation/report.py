"""The consultation report (Law 146/2014): participants by stakeholder type and sex, every comment and its answer.

`build(round)` reads the round in a fixed number of queries; `workbook(report, with_emails=...)` writes it as XLSX.
Participants are counted once each: a signed-in author by their account, a member of the public by their email
address (case-insensitive); a participant's type and sex are those of their latest comment. Email addresses go into
the workbook only for the secretariat (`with_emails=True`), never for anyone else.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from nsm.consultation.models import ConsultationComment, ConsultationRound, Sex, StakeholderType
from nsm.consultation.rounds import items_by_key
from nsm.core.spreadsheet import first_sheet
from nsm.strategy.workbook import put_cell

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class ParticipantRow:
    type: str
    label: str
    by_sex: list[int]
    total: int


@dataclass
class ConsultationReport:
    round: ConsultationRound
    comments: list[ConsultationComment]
    rows: list[ParticipantRow]
    sex_totals: list[int]
    participants: int
    answered: int
    titles: dict[str, str]

    @property
    def sexes(self) -> list[tuple[str, StrOrPromise]]:
        return list(Sex.choices)


def comments_of(round_: ConsultationRound) -> list[ConsultationComment]:
    return list(
        ConsultationComment.objects.filter(round=round_)
        .select_related("author", "institution", "answered_by")
        .order_by("created_at", "pk")
    )


def build(round_: ConsultationRound) -> ConsultationReport:
    comments = comments_of(round_)
    latest: dict[str, ConsultationComment] = {}
    for comment in comments:
        latest[comment.participant_key] = comment
    counts: dict[tuple[str, str], int] = {}
    for comment in latest.values():
        counts[comment.stakeholder_type, comment.sex] = counts.get((comment.stakeholder_type, comment.sex), 0) + 1
    rows = []
    for value, label in StakeholderType.choices:
        by_sex = [counts.get((value, sex), 0) for sex in Sex.values]
        rows.append(ParticipantRow(value, str(label), by_sex, sum(by_sex)))
    sex_totals = [sum(row.by_sex[i] for row in rows) for i in range(len(Sex.values))]
    titles = {key: item.title for key, item in items_by_key(round_.version).items()}
    return ConsultationReport(
        round=round_, comments=comments, rows=rows, sex_totals=sex_totals, participants=len(latest),
        answered=sum(1 for comment in comments if comment.answer), titles=titles,
    )  # fmt: skip


def author_name(comment: ConsultationComment) -> str:
    if comment.author_id:
        return str(comment.author)
    return comment.name


def workbook(report: ConsultationReport, *, with_emails: bool) -> bytes:
    """The report as an XLSX file: a sheet of participants and a sheet of comments with their answers."""
    book = Workbook()
    bold = Font(bold=True)
    sheet = first_sheet(book)
    sheet.title = _("Participants")[:31]
    round_ = report.round
    put_cell(sheet, 1, 1, _("Consultation report: %(title)s") % {"title": round_.title})
    sheet.cell(1, 1).font = bold
    put_cell(sheet, 2, 1, f"{round_.version.strategy.code} {round_.version.name}")
    put_cell(
        sheet, 3, 1,
        _("Open from %(start)s to %(end)s") % {
            "start": date_format(round_.opens_on, "Y-m-d"), "end": date_format(round_.closes_on, "Y-m-d"),
        },
    )  # fmt: skip
    header = [_("Stakeholder type"), *[str(label) for label in Sex.labels], _("Total")]
    for column, text in enumerate(header, start=1):
        put_cell(sheet, 5, column, text)
        sheet.cell(5, column).font = bold
    row_number = 6
    for row in report.rows:
        put_cell(sheet, row_number, 1, row.label)
        for column, count in enumerate([*row.by_sex, row.total], start=2):
            sheet.cell(row_number, column, count)
        row_number += 1
    put_cell(sheet, row_number, 1, _("Total"))
    sheet.cell(row_number, 1).font = bold
    for column, count in enumerate([*report.sex_totals, report.participants], start=2):
        sheet.cell(row_number, column, count)
    sheet.column_dimensions["A"].width = 28

    comments = book.create_sheet(_("Comments")[:31])
    header = [
        _("No."), _("Posted"), _("On"), _("Item code"), _("Item"), _("Participant"), _("Organisation"),
        _("Stakeholder type"), _("Sex"), _("Consent to publication"),
    ]  # fmt: skip
    if with_emails:
        header.append(_("Email"))
    header += [_("Comment"), _("Answer"), _("Reason"), _("Answered by"), _("Answered on")]
    for column, text in enumerate(header, start=1):
        put_cell(comments, 1, column, text)
        comments.cell(1, column).font = bold
    for number, comment in enumerate(report.comments, start=1):
        values: list = [
            number,
            date_format(timezone.localtime(comment.created_at), "Y-m-d H:i"),
            str(comment.get_target_kind_display()),
            comment.target_code,
            report.titles.get(f"{comment.target_kind}:{comment.target_code}", ""),
            author_name(comment),
            comment.organisation,
            str(comment.get_stakeholder_type_display()),
            str(comment.get_sex_display()),
            _("Yes") if comment.consent or comment.author_id else _("No"),
        ]
        if with_emails:
            values.append(comment.email)
        values += [
            comment.text,
            str(comment.get_answer_display()) if comment.answer else "",
            comment.answer_reason,
            str(comment.answered_by) if comment.answered_by_id else "",
            date_format(timezone.localtime(comment.answered_at), "Y-m-d") if comment.answered_at else "",
        ]
        for column, value in enumerate(values, start=1):
            put_cell(comments, number + 1, column, value)
    for letter, width in (("E", 40), ("F", 24), ("L" if with_emails else "K", 60)):
        comments.column_dimensions[letter].width = width
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def workbook_name(round_: ConsultationRound) -> str:
    return f"{round_.version.strategy.code}-v{round_.version.number}-consultation-{round_.pk}.xlsx"
