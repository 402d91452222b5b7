"""Every capacity-building write: trainings and their topics, participants added by hand or imported from a file.

Each runs in one transaction inside `acting_as(by)`, validates with `full_clean()` and saves object by object, so
that every change leaves a history row. Adding participants checks every row first and writes nothing when any row
is wrong; an import names the cell of each error. Re-importing the same file changes nothing. A participant's
institution is one of the training's country, named by its code or its name in either language (case and accents
aside), as the plan workbook names institutions (`nsm.accounts.names`); a near miss gets a "did you mean".
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Field
from django.utils.translation import gettext as _

from nsm.accounts.models import Institution
from nsm.accounts.names import InstitutionNames, looks_like_a_name, suggestion
from nsm.audit import acting_as
from nsm.capacity.models import Participant, Topic, Training, TrainingTopic, name_key
from nsm.core.importing import Headers, Problems, RowError, all_or_nothing, column_twice, upload_table
from nsm.core.spreadsheet import (
    CellValueError,
    WorkbookError,
    as_text,
    formula_without_value,
    parse_number,
    parse_text,
)
from nsm.core.stale import StaleVersion as StaleVersion  # re-exported: the pages and tests catch it from here
from nsm.core.stale import bump_version, check_version, refuse_with
from nsm.core.text import fold
from nsm.strategy.models import Strategy

TRAINING_FIELDS = ("title", "starts_on", "ends_on", "organiser", "organiser_name", "location")


# --- Trainings ---


def _set_topics(training: Training, topics: Iterable[str]) -> None:
    wanted = set(topics)
    unknown = wanted - set(Topic.values)
    if unknown:
        raise ValidationError({"topics": _("Choose the topics from the list.")})
    if not wanted:
        raise ValidationError({"topics": _("Choose at least one topic.")})
    current = {row.topic: row for row in TrainingTopic.objects.filter(training=training)}
    for topic, row in current.items():
        if topic not in wanted:
            row.delete()
    for topic in sorted(wanted - set(current)):
        TrainingTopic.objects.create(training=training, topic=topic)


def create_training(
    *,
    strategy: Strategy,
    by: Any,
    title: str,
    topics: Sequence[str],
    starts_on: datetime.date,
    ends_on: datetime.date,
    organiser: Institution | None = None,
    organiser_name: str = "",
    location: str = "",
) -> Training:
    """Record a training of the strategy with its topics."""
    with transaction.atomic(), acting_as(by):
        training = Training(
            strategy=strategy,
            title=title.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            organiser=organiser,
            organiser_name=organiser_name.strip(),
            location=location.strip(),
            created_by=by if getattr(by, "pk", None) else None,
        )
        training.full_clean()
        if not topics:
            raise ValidationError({"topics": _("Choose at least one topic.")})
        training.save()
        _set_topics(training, topics)
        return training


def update_training(training: Training, *, by: Any, data: dict[str, Any], version: int | None = None) -> Training:
    """Change a training's fields and topics, edited at `version`; a stale version is refused."""
    with transaction.atomic(), acting_as(by):
        locked = Training.objects.select_for_update().select_related("strategy").get(pk=training.pk)
        refusal = _("The training was changed by someone else since you opened it. Reload the page and try again.")
        check_version(locked, version, refuse_with(refusal))
        changed = False
        for name in TRAINING_FIELDS:
            if name in data:
                value = data[name].strip() if isinstance(data[name], str) else data[name]
                changed |= getattr(locked, name) != value
                setattr(locked, name, value)
        locked.full_clean()
        if "topics" in data:
            before = set(locked.topics.values_list("topic", flat=True))
            _set_topics(locked, data["topics"])
            changed |= before != set(data["topics"])
        if changed:
            bump_version(locked)
        return locked


def delete_training(training: Training, *, by: Any) -> None:
    """Delete a training with its participants (history keeps them)."""
    with transaction.atomic(), acting_as(by):
        training.delete()


# --- Participants ---


@dataclass(frozen=True)
class ParticipantInput:
    """One participant as typed or read from a file; `institution` is its code or its name (either language)."""

    name: str
    institution: str
    sex: str
    position: str = ""
    pre_score: int | None = None
    post_score: int | None = None


class ParticipantsInvalid(ValidationError):
    """Rows that break a rule: every error is listed and nothing was written."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        super().__init__([str(error) for error in errors], code="invalid")
        self.row_errors = list(errors)


@dataclass(frozen=True)
class SaveSummary:
    created: int
    updated: int
    unchanged: int


FIELD_OF_ERROR = {"pre_score": "pre_score", "post_score": "post_score", "name": "name", "sex": "sex"}


def _institution(names: InstitutionNames, text: str, country: str) -> Institution | str:
    """The institution of the training's country that `text` names (its code, or its name in either language, case
    and accents aside), else why not: another country's code, a near miss with its suggestion, or unknown."""
    text = text.strip()
    if not text:
        return _("Give the institution's code or name.")
    found = names.find(text)
    if found is not None:
        return found
    others = names.elsewhere.get(fold(text))
    if others:
        return others[0].refusal_for(country) or ""
    near = names.near(text)
    if near is not None:
        return _('"%(name)s" is not the code or the name of an institution: %(suggestion)s') % {
            "name": text,
            "suggestion": suggestion(near),
        }
    if looks_like_a_name(text):
        return _('"%(name)s" is not the code or the name of an institution.') % {"name": text}
    return _('"%(code)s" is not the code of an institution.') % {"code": text}


def _check_rows(
    training: Training, rows: Sequence[ParticipantInput], cells: Sequence[dict[str, str]] | None = None
) -> tuple[list[tuple[Participant, bool]], list[RowError]]:
    """The participants to save (new or changed, with a flag: new?) and the errors, checking every row.

    A row that names a person already listed at the training (same name and institution) updates that person.
    """
    errors: list[RowError] = []
    country = training.strategy.country
    institutions = InstitutionNames.of_country(country)
    existing = {(p.name_key, p.institution_id): p for p in Participant.objects.filter(training=training)}
    seen: dict[tuple[str, int], int] = {}
    to_save: list[tuple[Participant, bool]] = []

    def error(index: int, name: str, message: str) -> None:
        cell = cells[index].get(name, "") if cells else ""
        errors.append(RowError(_row_number(index, cells), name, message, cell))

    for index, row in enumerate(rows):
        known_errors = len(errors)
        found = _institution(institutions, row.institution, country)
        institution = found if isinstance(found, Institution) else None
        if isinstance(found, str):
            error(index, "institution", found)
        if row.sex not in Participant.Sex.values:
            error(index, "sex", _("The sex is female, male or other."))
        for name in ("pre_score", "post_score"):
            score = getattr(row, name)
            if score is not None and not (isinstance(score, int) and 0 <= score <= 100):
                error(index, name, _("A score is a whole number from 0 to 100."))
        key = name_key(row.name)
        if not key:
            error(index, "name", _("Give the participant's name."))
        if institution is None or not key or len(errors) > known_errors:
            continue
        if (key, institution.pk) in seen:
            error(
                index,
                "name",
                _("This person is listed already on row %(row)s.") % {"row": seen[(key, institution.pk)]},
            )
            continue
        seen[(key, institution.pk)] = _row_number(index, cells)
        current = existing.get((key, institution.pk))
        participant = current or Participant(training=training, institution=institution)
        values = {
            "name": " ".join(row.name.split()),
            "sex": row.sex,
            "position": row.position.strip(),
            "pre_score": row.pre_score,
            "post_score": row.post_score,
        }
        if current is not None and all(getattr(current, k) == v for k, v in values.items()):
            continue
        for name, value in values.items():
            setattr(participant, name, value)
        try:
            participant.full_clean(
                exclude=["training", "institution"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as invalid:
            for name, messages in invalid.message_dict.items():
                error(index, FIELD_OF_ERROR.get(name, "name"), " ".join(messages))
            continue
        to_save.append((participant, current is None))
    return to_save, errors


def _row_number(index: int, cells: Sequence[dict[str, str]] | None) -> int:
    """The file's row of the `index`-th row given (from its cells' references), else its place among the rows."""
    if cells and cells[index]:
        found = re.search(r"(\d+)$", next(iter(cells[index].values())))
        if found:
            return int(found.group(1))
    return index + 1


def save_participants(
    training: Training, *, by: Any, rows: Sequence[ParticipantInput], cells: Sequence[dict[str, str]] | None = None
) -> SaveSummary:
    """Add the rows' participants to the training (a person listed already is updated); nothing is written when
    any row is wrong: `ParticipantsInvalid` lists every error."""
    with all_or_nothing(), acting_as(by):
        Training.objects.select_for_update().filter(pk=training.pk).first()
        to_save, errors = _check_rows(training, rows, cells)
        if errors:
            raise ParticipantsInvalid(errors)
        created = sum(1 for _participant, new in to_save if new)
        for participant, _new in to_save:
            participant.save()
        return SaveSummary(created=created, updated=len(to_save) - created, unchanged=len(rows) - len(to_save))


def remove_participant(participant: Participant, *, by: Any) -> None:
    with transaction.atomic(), acting_as(by):
        participant.delete()


# --- Import from a file ---

COLUMNS = {  # the first name of each is the one messages give
    "name": ("name", "emri", "emer"),
    "institution": ("institution code", "institution", "code", "kodi i institucionit", "institucioni"),
    "sex": ("sex", "gender", "gjinia"),
    "position": ("position", "pozicioni", "detyra"),
    "pre_score": ("pre", "pre-test", "pre score", "para"),
    "post_score": ("post", "post-test", "post score", "pas"),
}
HEADERS = Headers(COLUMNS)
REQUIRED = ("name", "institution", "sex")
SEX_WORDS = {
    "female": "female",
    "f": "female",
    "femer": "female",
    "grua": "female",
    "male": "male",
    "m": "male",
    "mashkull": "male",
    "burre": "male",
    "other": "other",
    "tjeter": "other",
}  # fmt: skip  (folded: case and accents do not matter)


def _score(raw: Any) -> tuple[int | None, str | None]:
    """A whole number from 0 to 100, written with the digits 0-9 (not ١٢٣)."""
    if raw is None or as_text(raw) == "":
        return None, None
    problem = _("A score is a whole number from 0 to 100.")
    if isinstance(raw, bool):
        return None, problem
    try:
        number = parse_number(raw)
    except CellValueError:
        return None, problem
    if number != number.to_integral_value() or not 0 <= number <= 100:
        return None, problem
    return int(number), None


def _text(raw: Any, field: str, ref: str, problems: Problems) -> str:
    """A text cell within its model field's length: a longer one is an error on its cell, never cut."""
    model_field = Participant._meta.get_field(field)
    if not isinstance(model_field, Field) or model_field.max_length is None:
        raise TypeError(f"Participant.{field} is not a text field with a maximum length")
    try:
        return parse_text(raw, model_field.max_length)
    except CellValueError as error:
        problems.at(ref, str(error))
        return ""


def read_participants(file: Any, *, name: str = "") -> tuple[list[ParticipantInput], list[dict[str, str]]]:
    """The rows of a participants file (the first sheet of an xlsx, or a CSV file) and each row's cells by field,
    for messages. The file is bounded as `settings.IMPORT_BOUNDS["participants"]` says before it is read.

    Raises WorkbookError with every problem, each naming its cell (`Participants!D4: ...` or `D4: ...`).
    """
    table = upload_table(file, "participants", name=name or str(getattr(file, "name", "") or ""))
    cells = table.cells
    if not cells:
        raise WorkbookError(_("The file is empty."))
    header_row = min(row for row, _column in cells)
    header = HEADERS.read(table.row_values(header_row))
    columns = header.columns
    problems = Problems()
    for column, text in header.repeated:
        problems.at(table.cell(header_row, column), column_twice(text))
    for field in header.missing(REQUIRED):
        problems.append(
            _("%(cell)s: the header row has no column %(name)s.")
            % {"cell": table.cell(header_row, 1), "name": COLUMNS[field][0]}
        )
    problems.refuse()
    rows: list[ParticipantInput] = []
    where: list[dict[str, str]] = []
    for row in table.rows(columns=columns.values()):
        if row <= header_row:
            continue
        ref = {field: table.cell(row, column) for field, column in columns.items()}
        for field, column in columns.items():
            if (row, column) in table.missing_formulas:
                problems.at(ref[field], formula_without_value())
        value = {field: cells.get((row, column)) for field, column in columns.items()}
        if all(as_text(v) == "" for v in value.values()):
            continue
        scores = {}
        for field in ("pre_score", "post_score"):
            scores[field], problem = _score(value.get(field))
            if problem:
                problems.at(ref[field], problem)
        raw_sex = as_text(value.get("sex"))
        sex = SEX_WORDS.get(fold(raw_sex), raw_sex.casefold())
        if sex not in Participant.Sex.values:
            problems.at(ref["sex"], _('"%(value)s" is not a sex: write female, male or other.') % {"value": raw_sex})
        rows.append(
            ParticipantInput(
                name=_text(value.get("name"), "name", ref["name"], problems),
                institution=as_text(value.get("institution")),
                sex=sex,
                position=_text(value.get("position"), "position", ref.get("position", ref["name"]), problems),
                pre_score=scores["pre_score"],
                post_score=scores["post_score"],
            )
        )
        where.append(ref)
    problems.refuse()
    return rows, where


def import_participants(training: Training, *, by: Any, file: Any) -> SaveSummary:
    """Read a participants file (columns name, institution (code or name), sex, position, pre, post) and save its
    rows as `save_participants` does. Raises WorkbookError naming every wrong cell; nothing is written then."""
    rows, where = read_participants(file)
    if not rows:
        raise WorkbookError(_("The file has a header row but no participants."))
    try:
        return save_participants(training, by=by, rows=rows, cells=where)
    except ParticipantsInvalid as invalid:
        raise WorkbookError([str(error) for error in invalid.row_errors]) from invalid
