"""Writing many audited objects at once, with the validation and the history that saving them one by one gives.

    keys = UniqueKeys(Activity, loaded)               # the stored rows' unique keys, read once by the caller
    clean_in_memory(activity, keys)                   # full_clean()'s rules and messages, without its queries
    keys.add(activity)
    Activity.objects.bulk_create(created)             # the caller inserts the rows and their many-to-many links
    record_history(Activity, created, created=True)   # then one history row each, many-to-many values included

`full_clean()` asks the database about every object: that each related object exists, that no stored row has the
same unique key, that each check constraint holds. An import that has just read (or written) the related objects
and the rows that share the keys knows the answers: `clean_in_memory` checks the same rules against what the
caller gives, and reports the same errors under the same fields. What it cannot judge in memory (a constraint with a
condition or an expression, a lookup it does not evaluate) it still asks the database.

`record_history` writes what `save()` would have recorded after the many-to-many values were set: one row per
object in its final state, with the acting user and reason of `nsm.audit.acting_as`, and the many-to-many history
rows of the fields the model tracks. This module imports no app of ours.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import router
from django.db.models import CheckConstraint, F, Field, Model, Q, UniqueConstraint
from simple_history.utils import get_history_manager_for_model

from nsm.audit import current_reason

CHUNK = 500  # primary keys per `IN (...)`: within every database's limit on a statement's parameters


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# ----------------------------------------------------------------------------------------------------
# Validating in memory
# ----------------------------------------------------------------------------------------------------


def _plain_unique(constraint: Any) -> bool:
    return isinstance(constraint, UniqueConstraint) and bool(constraint.fields) and not constraint.condition


class UniqueKeys:
    """The keys that a model's unique constraints (on fields, without a condition) give the rows already there:
    those the caller read or wrote, which must be every row that could share a key with the objects it checks."""

    def __init__(self, model: type[Model], objects: Iterable[Model] = ()) -> None:
        self.model = model
        self.constraints = [
            c for c in model._meta.constraints if isinstance(c, UniqueConstraint) and c.fields and not c.condition
        ]
        attnames = {f.name: f.attname for f in model._meta.concrete_fields}
        self.attnames = {c.name: [attnames[name] for name in c.fields] for c in self.constraints}
        self.taken: dict[str, dict[tuple, int]] = {c.name: {} for c in self.constraints}
        for obj in objects:
            self.add(obj)

    def key(self, constraint: UniqueConstraint, obj: Model) -> tuple | None:
        """The object's key under the constraint; None when a part is NULL (NULL is never equal to NULL)."""
        values = tuple(getattr(obj, attname) for attname in self.attnames[constraint.name])
        return None if any(value is None for value in values) else values

    def add(self, obj: Model) -> None:
        for constraint in self.constraints:
            key = self.key(constraint, obj)
            if key is not None:
                self.taken[constraint.name][key] = id(obj)

    def holder(self, constraint: UniqueConstraint, obj: Model) -> bool:
        """Whether another object holds the object's key."""
        key = self.key(constraint, obj)
        return key is not None and self.taken[constraint.name].get(key, id(obj)) != id(obj)


class _AskTheDatabase(Exception):
    """A condition this module does not evaluate."""


_COMPARISONS = {
    "exact": lambda a, b: a == b,
    "in": lambda a, b: a in b,
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
}


def _holds(condition: Q, values: Mapping[str, Any]) -> bool | None:
    """A check constraint's condition on the values, in SQL's logic of three values (None: unknown, for NULL)."""
    results = []
    for child in condition.children:
        if isinstance(child, Q):
            results.append(_holds(child, values))
            continue
        if not isinstance(child, tuple):
            raise _AskTheDatabase
        lookup, expected = child
        name, _sep, operator = lookup.partition("__")
        if name not in values or operator not in ("", *_COMPARISONS):
            raise _AskTheDatabase
        if isinstance(expected, F):
            if expected.name not in values:
                raise _AskTheDatabase
            expected = values[expected.name]
        elif hasattr(expected, "resolve_expression"):
            raise _AskTheDatabase
        value = values[name]
        unknown = value is None or expected is None
        results.append(None if unknown else _COMPARISONS[operator or "exact"](value, expected))
    if condition.connector == Q.AND:
        result = False if False in results else None if None in results else True
    elif condition.connector == Q.OR:
        result = True if True in results else None if None in results else False
    else:
        raise _AskTheDatabase
    return (None if result is None else not result) if condition.negated else result


def _values(obj: Model, exclude: set[str]) -> dict[str, Any]:
    return {f.name: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.name not in exclude}


def _check_constraint(constraint: Any, obj: Model, exclude: set[str], keys: UniqueKeys) -> None:
    """One constraint, as `constraint.validate()` checks it, from the keys given instead of a query when possible."""
    model = type(obj)
    if _plain_unique(constraint) and constraint in keys.constraints:
        if any(name in exclude for name in constraint.fields) or not keys.holder(constraint, obj):
            return
        if constraint.violation_error_message == constraint.default_violation_error_message:
            message = obj.unique_error_message(model, constraint.fields)
            raise ValidationError(message, code=message.code)
        raise ValidationError(constraint.get_violation_error_message(), code=constraint.violation_error_code)
    if isinstance(constraint, CheckConstraint):
        try:
            held = _holds(Q(constraint.condition), _values(obj, exclude))
        except _AskTheDatabase:
            pass
        else:
            if held is False:
                raise ValidationError(constraint.get_violation_error_message(), code=constraint.violation_error_code)
            return
    constraint.validate(model, obj, exclude=exclude, using=router.db_for_write(model, instance=obj))


def _relation_errors(obj: Model, relations: list[Field]) -> dict[str, list[ValidationError]]:
    """What `clean_fields()` says of the foreign keys, but whether the related row exists: the caller read or wrote
    it (a foreign key's value is its object's, set by the caller)."""
    errors: dict[str, list[ValidationError]] = {}
    for relation in relations:
        raw = getattr(obj, relation.attname)
        if relation.blank and raw in relation.empty_values:
            continue
        try:
            Field.validate(relation, raw, obj)  # null, blank and choices; ForeignKey.validate's query left out
        except ValidationError as error:
            errors[relation.name] = error.error_list
    return errors


def clean_in_memory(obj: Model, keys: UniqueKeys) -> None:
    """`obj.full_clean()`, its related objects and the rows sharing its unique keys known (`keys`): the same rules,
    the same errors under the same fields, without a query for each (`clean()` may still read what it needs)."""
    relations = [f for f in obj._meta.concrete_fields if f.is_relation]
    errors: dict[str, list[ValidationError]] = {}
    try:  # the fields but the relations, and clean(); unique fields below
        obj.full_clean(exclude=[f.name for f in relations], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    errors.update(_relation_errors(obj, relations))
    exclude = {name for name in errors if name != NON_FIELD_ERRORS}  # as full_clean(): fields that passed only
    meta = obj._meta
    if meta.unique_together or any(f.unique and not f.primary_key for f in meta.concrete_fields):
        try:  # a unique field or unique_together: the database says (none on the models imported in bulk)
            obj.validate_unique(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    for constraint in obj._meta.constraints:
        try:
            _check_constraint(constraint, obj, exclude, keys)
        except ValidationError as error:
            fields: Sequence[str] = getattr(constraint, "fields", ())
            if getattr(error, "code", None) == "unique" and len(fields) == 1:
                errors.setdefault(fields[0], []).append(error)
            else:
                errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


# ----------------------------------------------------------------------------------------------------
# History in bulk
# ----------------------------------------------------------------------------------------------------


def record_history(model: type[Model], objects: Sequence[Model], *, created: bool) -> None:
    """One history row per object as it now is ('+' for `created`, else '~'), by the acting user with the acting
    reason, and the many-to-many history rows of each field the model tracks (read from the link tables)."""
    if not objects:
        return
    manager = get_history_manager_for_model(model)
    # the user as save() finds it (the acting user, else the request's), for each object
    records = manager.bulk_history_create(objects, update=not created, default_change_reason=current_reason())
    if records[0].pk is None:
        raise RuntimeError("the database gave no primary keys back from a bulk insert (SQLite 3.35+, PostgreSQL do)")
    for m2m_field in getattr(manager.model, "_history_m2m_fields", ()):
        _record_m2m(manager.model, m2m_field, objects, records)


def _record_m2m(history_model: Any, m2m_field: Any, objects: Sequence[Model], records: Sequence[Any]) -> None:
    """What simple-history's save records for one many-to-many field: a copy of each link row of the object."""
    m2m_history_model = getattr(history_model, m2m_field.name).model
    through = m2m_field.remote_field.through
    owner = m2m_field.m2m_field_name()
    owner_attname = through._meta.get_field(owner).attname
    links: dict[Any, list[Model]] = defaultdict(list)
    pks = [obj.pk for obj in objects]
    for part in chunks(pks):
        links_of_part = through._default_manager.filter(**{f"{owner}__in": part})
        for link in links_of_part.order_by(*through._meta.ordering, "pk"):
            links[getattr(link, owner_attname)].append(link)
    names = [f.attname for f in through._meta.concrete_fields]
    rows = [
        m2m_history_model(history=record, **{name: getattr(link, name) for name in names})
        for obj, record in zip(objects, records, strict=True)
        for link in links[obj.pk]
    ]
    m2m_history_model._default_manager.bulk_create(rows)
