"""A visitor's checklist: which controls of which guides they have dealt with.

No account and nothing about the visitor: a checklist is a random id (kept in a signed cookie),
its items, an optional resume code (only its hash is stored) and the day it was last used, so
that idle checklists can be purged.
"""

import datetime
import hashlib
import secrets
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from django.conf import settings
from django.db import connection, connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from optout.guides.models import Control, GuideVersion, Section

# Crockford's base32: no I, L, O or U, so a code is easy to read aloud and type.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16  # 16 characters x 5 bits = 80 bits of randomness
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def normalise_code(text: str) -> str:
    """What the visitor typed, as the code it must be: case, spaces and dashes do not matter."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum()).translate(_CONFUSABLE)
    return cleaned if len(cleaned) == CODE_LENGTH and set(cleaned) <= set(CODE_ALPHABET) else ""


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


class ChecklistQuerySet(models.QuerySet):
    PAUSE = 0.1  # seconds: the longest a waiting SQLite writer sleeps between two tries

    def idle(self, days: int | None = None):
        days = settings.CHECKLIST_RETENTION_DAYS if days is None else days
        return self.filter(last_seen_on__lt=timezone.localdate() - datetime.timedelta(days=days))

    def delete_in_batches(self, batch_size: int = 200):
        """Delete these checklists and their items a batch at a time, each batch in its own short
        transaction: memory stays flat however many there are, and visitors' ticks never wait
        long for the write lock. (`delete()` would load every row and hold the lock to the end.)

        Between batches it pauses as long as the batch took, and at least PAUSE: on SQLite a
        tick waiting for the lock does not queue but tries again after 1, 2, 5, 10 ... and at
        most 100 ms, so a shorter pause can fall between two tries. On SQLite it also copies its
        own writes into the database (_checkpoints_first). The purge takes longer; ticks wait
        less (bench/purge.py; figures in README, "Measured here").
        Yields (checklists deleted, seconds the batch took) per batch: from taking the write lock
        to the end of the commit, a checkpoint included when one was due (SQLite runs it right
        after the commit, once it has let go of the lock)."""
        with _checkpoints_first(self.db):
            while True:
                with transaction.atomic(using=self.db):
                    started = time.monotonic()  # BEGIN IMMEDIATE on SQLite: the lock is ours
                    ids = list(self.values_list("pk", flat=True)[:batch_size])
                    if not ids:
                        return
                    # `self` again: a checklist used since the batch was chosen is no longer idle.
                    _total, per_model = self.filter(pk__in=ids).delete()
                took = time.monotonic() - started  # the commit (and any checkpoint) included
                yield per_model.get(self.model._meta.label, 0), took
                time.sleep(max(took, self.PAUSE))


@contextmanager
def _checkpoints_first(using: str):
    """On SQLite, let this connection checkpoint the WAL at half the pages the site's
    connections wait for (settings, wal_autocheckpoint). A long run of writes then copies its
    own pages into the database, and no visitor's tick does it for them: with the site's limit,
    a tick that happened to cross it waited for a checkpoint of a purge's pages and its fsyncs
    (bench/purge.py)."""
    database = connections[using]  # not `connection`: that is the module's default connection
    if database.vendor != "sqlite":
        yield
        return
    with database.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        pages = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA wal_autocheckpoint = {pages // 2 if pages > 1 else pages}")
    try:
        yield
    finally:
        with database.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint = {pages}")


class Checklist(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # NULL, not "", when there is no code: many checklists have none, and the column is unique.
    resume_code_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)  # noqa: DJ001
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # A day, not a time: enough to purge idle checklists, and not a trace of visits.
    last_seen_on = models.DateField(default=timezone.localdate, editable=False)

    objects = ChecklistQuerySet.as_manager()

    class Meta:
        indexes = [
            # Serves purgechecklists: last_seen_on < cutoff.
            models.Index(fields=["last_seen_on"], name="checklist_last_seen"),
        ]

    def __str__(self) -> str:
        return f"checklist {self.pk}"

    @classmethod
    def with_ticks(cls, public_id: str) -> "Checklist | None":
        """The checklist with this public id, its `ticks` already loaded: one query, for every
        request from a visitor with a checklist needs both. None for an unknown or malformed
        id."""
        try:
            public_id = uuid.UUID(public_id)
        except (TypeError, ValueError):
            return None
        field = cls._meta.get_field("public_id")
        with connection.cursor() as cursor:
            cursor.execute(_WITH_TICKS, [field.get_db_prep_value(public_id, connection)])
            rows = cursor.fetchall()
        if not rows:
            return None
        pk, code_hash, created_at, last_seen_on = rows[0][:4]
        checklist = cls.from_db(
            connection.alias,
            ["id", "public_id", "resume_code_hash", "created_at", "last_seen_on"],
            [pk, public_id, code_hash, _aware(created_at), last_seen_on],
        )
        checklist.ticks = {
            control_id: Tick(state, _aware(ticked_at), version_number)
            for *_, control_id, state, ticked_at, version_number in rows
            if control_id is not None
        }
        return checklist

    @cached_property
    def ticks(self) -> dict[int, "Tick"]:
        """{control id: its tick} of every item, whatever the guide."""
        return {
            item.control_id: Tick(item.state, item.ticked_at, item.version_number)
            for item in self.items.all()
        }

    def touch(self) -> None:
        """Record that the checklist was used today: at most one write a day."""
        today = timezone.localdate()
        if self.last_seen_on != today:
            Checklist.objects.filter(pk=self.pk).update(last_seen_on=today)
            self.last_seen_on = today

    def new_resume_code(self) -> str:
        """Give the checklist a new resume code; the old one stops working. Returns the code,
        formatted for reading: only its hash is kept."""
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        self.resume_code_hash = hash_code(code)
        self.save(update_fields=["resume_code_hash"])
        return "-".join(code[i : i + 4] for i in range(0, CODE_LENGTH, 4))

    @classmethod
    def for_code(cls, text: str) -> "Checklist | None":
        code = normalise_code(text)
        return cls.objects.filter(resume_code_hash=hash_code(code)).first() if code else None

    def set_state(self, control_id: int, state: str, version_number: int) -> None:
        """Tick (done, waiting) or untick (todo) one control, and note that the checklist was
        used today: one short transaction of one or two statements (an upsert or a delete).
        Idempotent; safe under races (two tabs ticking the same item at once)."""
        ticks = self.__dict__.get("ticks")  # kept true when loaded: the page shows them next
        with transaction.atomic(savepoint=False):
            self.touch()
            if state == Item.TODO:
                Item.objects.filter(checklist=self, control_id=control_id).delete()
                if ticks is not None:
                    ticks.pop(control_id, None)
                return
            now = timezone.now()
            if ticks is not None:
                ticks[control_id] = Tick(state, now, version_number)
            with connection.cursor() as cursor:
                cursor.execute(
                    _UPSERT,
                    [self.pk, control_id, state, connection.ops.adapt_datetimefield_value(now),
                     version_number],
                )  # fmt: skip

    def export(self) -> dict:
        items = self.items.select_related("control__guide").order_by("control__guide__slug", "pk")
        return {
            "format": "optout-checklist/1",
            "created": self.created_at.date().isoformat(),
            "last_used": self.last_seen_on.isoformat(),
            "has_resume_code": self.resume_code_hash is not None,
            "items": [
                {
                    "guide": item.control.guide.slug,
                    "control": item.control.key,
                    "state": item.state,
                    "ticked_at": item.ticked_at.isoformat(timespec="seconds"),
                    "guide_version": item.version_number,
                }
                for item in items
            ],
        }


class Item(models.Model):
    TODO, WAITING, DONE = "todo", "waiting", "done"
    STATES = {
        TODO: _("Not done"),
        WAITING: _("Sent, waiting for an answer"),
        DONE: _("Done"),
    }

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    # Keyed by the control, whose key never changes: rewording a step loses no tick.
    control = models.ForeignKey(Control, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=[(WAITING, "Waiting"), (DONE, "Done")])
    ticked_at = models.DateTimeField()
    version_number = models.PositiveIntegerField(help_text="The guide version followed.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["checklist", "control"], name="one_item_per_control")
        ]

    def __str__(self) -> str:
        return f"{self.control} {self.state}"


class Tick(NamedTuple):
    """What a checklist holds for one control."""

    state: str
    ticked_at: datetime.datetime
    version_number: int


# Table names come from our models. Written as SQL: the ORM took longer to build these two
# queries than the database took to answer them, on every page of a visitor with a checklist.
_WITH_TICKS = (
    f"SELECT c.id, c.resume_code_hash, c.created_at, c.last_seen_on, "  # noqa: S608
    f"i.control_id, i.state, i.ticked_at, i.version_number "
    f"FROM {Checklist._meta.db_table} c "
    f"LEFT JOIN {Item._meta.db_table} i ON i.checklist_id = c.id WHERE c.public_id = %s"
)


# The same as Item.objects.bulk_create([...], update_conflicts=True, ...), which took longer
# to build than the database took to run it, on every tick. SQLite and PostgreSQL both have it.
_UPSERT = (
    f"INSERT INTO {Item._meta.db_table} "  # noqa: S608
    f"(checklist_id, control_id, state, ticked_at, version_number) VALUES (%s, %s, %s, %s, %s) "
    f"ON CONFLICT (checklist_id, control_id) DO UPDATE SET state = excluded.state, "
    f"ticked_at = excluded.ticked_at, version_number = excluded.version_number"
)


def _aware(value: datetime.datetime) -> datetime.datetime:
    """SQLite hands back the stored UTC time without its zone (the ORM adds it)."""
    return timezone.make_aware(value, datetime.UTC) if timezone.is_naive(value) else value


@dataclass
class ItemView:
    """One control on a visitor's checklist, as the pages show it."""

    guide_slug: str
    section: Section
    state: str
    ticked_at: datetime.datetime | None
    version_number: int | None
    recheck_since: datetime.date | None  # a newer version asked to check this again...
    recheck_version: int | None  # ...this one (the newest that did)
    not_needed: bool

    @property
    def key(self) -> str:
        return self.section.key

    @property
    def dom_id(self) -> str:
        return f"item-{self.guide_slug}-{self.key}"

    @property
    def is_done(self) -> bool:
        return self.state == Item.DONE

    @property
    def can_wait(self) -> bool:
        return self.section.kind == Section.Kind.FORM

    @property
    def link_first(self) -> bool:
        """Whether the deep link is the next thing to press (before the "done" button)."""
        return bool(self.section.link) and (self.state == Item.TODO or bool(self.recheck_since))

    @property
    def state_label(self) -> str:
        return Item.STATES[self.state]


def checklist_items(
    checklist: Checklist | None,
    version: GuideVersion,
    sections: list[Section],
    region: str | None,
    today: datetime.date,
) -> list[ItemView]:
    """The visitor's items for one guide version's sections (with their `rule_list`, see
    `sections_with_steps`), in `region` today. Reads the sections, never changes them."""
    ticks = checklist.ticks if checklist is not None else {}
    changes = version.recheck_history if ticks else []
    result = []
    for section in sections:
        item = ticks.get(section.control_id)
        recheck = None
        if item is not None:
            recheck = max(
                (
                    (published, number)
                    for number, published, keys in changes
                    if number > item.version_number and section.key in keys
                ),
                default=None,
            )
        result.append(
            ItemView(
                guide_slug=version.guide.slug,
                section=section,
                state=item.state if item else Item.TODO,
                ticked_at=item.ticked_at if item else None,
                version_number=item.version_number if item else None,
                recheck_since=recheck[0] if recheck else None,
                recheck_version=recheck[1] if recheck else None,
                not_needed=section.not_needed_in(region, today),
            )
        )
    return result


def progress(items: list[ItemView]) -> dict:
    done = sum(
        1
        for item in items
        if (item.is_done and not item.recheck_since)
        or (item.state == Item.TODO and item.not_needed)
    )
    return {"done": done, "total": len(items)}
