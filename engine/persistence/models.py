"""The engine's tables, as typed SQLAlchemy 2.0 models.

They use a plain declarative ``Base`` so the engine never imports Flask; the web app hands
this ``Base`` to Flask-SQLAlchemy (``SQLAlchemy(model_class=Base)``), which makes them its models.
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry, relationship
from sqlalchemy.types import TypeDecorator

JsonData = JSON().with_variant(JSONB(), "postgresql")
JsonInOrder = JSON()  # PostgreSQL's json keeps an object's keys as written (jsonb reorders them)


class UtcDateTime(TypeDecorator):
    """An aware UTC datetime on every database (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value, dialect):
        from ..core.clock import as_utc

        return as_utc(value) if value is not None else None


class Base(DeclarativeBase):
    """Declarative base of every Acompaña table."""

    registry = registry(
        type_annotation_map={dict[str, Any]: JsonData, list[Any]: JsonData, datetime: UtcDateTime}
    )


class Territory(Base):
    """A comuna (Chile) or Ambito Territoriale Sociale (Italy) with its holiday calendar."""

    __tablename__ = "territory"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    region: Mapped[str | None] = mapped_column(String(16))
    timezone: Mapped[str] = mapped_column(String(64))
    # the days it closes on top of the national and regional holidays (engine.commands.
    # territories), which every working-day deadline counted there skips
    local_holidays: Mapped[list["TerritoryHoliday"]] = relationship(
        lazy="select", order_by="TerritoryHoliday.day", cascade="all, delete-orphan")
    # changes with every change of its local holidays (None: it has none), so a calendar
    # reads them once per process and change, not with every case (engine.programmes.calendars)
    holidays_stamp: Mapped[str | None] = mapped_column(String(32))


class TerritoryHoliday(Base):
    """A day a territory closes besides the public holidays: a patron saint's day (``yearly``,
    the same day every year) or a municipal closure (that date only)."""

    __tablename__ = "territory_holiday"
    id: Mapped[int] = mapped_column(primary_key=True)
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id", ondelete="CASCADE"),
                                              index=True)
    day: Mapped[date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(200))
    yearly: Mapped[bool] = mapped_column(Boolean, default=False)


class AdminEvent(Base):
    """The append-only audit trail of the installation: a change to a person, their roles, a
    territory, the programmes it runs or its holidays; who made it, when, about whom (a
    ``person``'s username), where (``territory``'s code), which programme and case, and what
    changed (``data``)."""

    __tablename__ = "admin_event"
    __table_args__ = (Index("ix_admin_event_at", "at", "id"),
                      Index("ix_admin_event_person", "person", "id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    person: Mapped[str | None] = mapped_column(String(64))
    territory: Mapped[str | None] = mapped_column(String(64))
    country: Mapped[str | None] = mapped_column(String(2))
    programme_key: Mapped[str | None] = mapped_column(String(64))
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Programme(Base):
    """A programme and its live settings (deadline rules, lane roles, cycles); ``file_settings``
    is its settings file as last deployed, which a redeploy compares against."""

    __tablename__ = "programme"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    settings: Mapped[dict[str, Any]] = mapped_column(deferred=True)
    file_settings: Mapped[dict[str, Any] | None] = mapped_column(JsonData, deferred=True)
    updated_at: Mapped[datetime]


class ProgrammeTerritory(Base):
    """A programme enabled in a territory: cases of it may be opened there (engine.policy).
    Only a territory of the programme's own country may run it."""

    __tablename__ = "programme_territory"
    programme_key: Mapped[str] = mapped_column(ForeignKey("programme.key"), primary_key=True)
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id"), primary_key=True,
                                              index=True)
    starts_on: Mapped[date | None] = mapped_column(Date)  # when the territory began running it


class SettingsChange(Base):
    """One change to a programme's live settings (append-only): who, when, by which means
    (``manager`` or ``deploy``), and each field before → after."""

    __tablename__ = "settings_change"
    __table_args__ = (Index("ix_settings_change_programme", "programme_key", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_key: Mapped[str] = mapped_column(ForeignKey("programme.key"))
    actor: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime]
    source: Mapped[str] = mapped_column(String(16))
    changes: Mapped[list[Any]]


VERSION_DRAFT, VERSION_PUBLISHED, VERSION_RETIRED = "draft", "published", "retired"


class ProcessDefinition(Base):
    """One version of a programme's process, a self-contained bundle stored once: its BPMN
    and DMN (``sources``, parsed into ``spec``), the forms its user tasks name (``forms``:
    ``{"schemas": {form_key: schema}, "references": {name: data}}``) and its settings schema
    (``settings_schema``: the settings file it was deployed with, every key with its default).
    ``content_hash`` covers all of it. ``status``: ``draft`` (not started on), ``published``
    (new cases start on it; one per programme) or ``retired`` (its running cases continue).
    Versions deployed before bundles have no ``forms``/``settings_schema``."""

    __tablename__ = "process_definition"
    __table_args__ = (UniqueConstraint("programme_key", "version"),
                      Index("ix_process_definition_status", "programme_key", "status"))
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_key: Mapped[str] = mapped_column(ForeignKey("programme.key"))
    process_id: Mapped[str] = mapped_column(String(128))
    version: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    sources: Mapped[dict[str, Any]] = mapped_column(deferred=True)
    spec: Mapped[dict[str, Any]] = mapped_column(deferred=True)
    forms: Mapped[dict[str, Any] | None] = mapped_column(JsonData, deferred=True)
    settings_schema: Mapped[dict[str, Any] | None] = mapped_column(JsonData, deferred=True)
    status: Mapped[str] = mapped_column(String(16), default=VERSION_PUBLISHED,
                                        server_default="published")
    deployed_by: Mapped[str] = mapped_column(String(128))
    deployed_at: Mapped[datetime]
    # what the manager who published it from the modeler said about it (None for deploys)
    comment: Mapped[str | None] = mapped_column(Text)


class ProcessDraft(Base):
    """The one open draft of a programme's process, edited in the modeler: its BPMN and DMN
    (``sources``: file name -> XML text), its forms (form key -> JSON Schema), its household
    schema, the reference data loaded into it (``reference_data``) and its raw settings, begun
    from version ``based_on_version``. ``revision`` grows
    with every save, so a save based on an older one is refused instead of overwriting
    someone else's work."""

    __tablename__ = "process_draft"
    programme_key: Mapped[str] = mapped_column(ForeignKey("programme.key"), primary_key=True)
    based_on_version: Mapped[int | None]
    sources: Mapped[dict[str, Any]] = mapped_column(JsonInOrder)
    forms: Mapped[dict[str, Any]] = mapped_column(JsonInOrder)  # fields in the order shown
    settings: Mapped[dict[str, Any]] = mapped_column(JsonInOrder)
    household_schema: Mapped[dict[str, Any] | None] = mapped_column(JsonInOrder)
    # reference data loaded into the draft (name -> data set); None: the version's own
    reference_data: Mapped[dict[str, Any] | None] = mapped_column(JsonInOrder)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]
    saved_by: Mapped[str] = mapped_column(String(128))
    saved_at: Mapped[datetime]


class ProgrammeEvent(Base):
    """The append-only history of what was done to a programme's process as a whole (a
    draft saved, discarded or published): who, when, which kind, and plain details."""

    __tablename__ = "programme_event"
    __table_args__ = (Index("ix_programme_event_programme", "programme_key", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_key: Mapped[str] = mapped_column(ForeignKey("programme.key"))
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime]
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Household(Base):
    """A family: the people a case follows (``members`` in one shape, see
    engine.definitions.households) and its natural key, its reference person's normalised RUT or
    codice fiscale, unique per territory (see engine.commands.household_registry)."""

    __tablename__ = "household"
    __table_args__ = (Index("ux_household_national_key", "territory_id", "national_key",
                            unique=True),
                      Index("ix_household_key", "national_key"),
                      Index("ix_household_family", "family_name"),
                      Index("ix_household_search", "search_text", postgresql_using="gin",
                            postgresql_ops={"search_text": "gin_trgm_ops"}),
                      # a comuna's households by search text (btree_gin on PostgreSQL)
                      Index("ix_household_territory_search", "territory_id", "search_text",
                            postgresql_using="gin",
                            postgresql_ops={"search_text": "gin_trgm_ops"}))
    id: Mapped[int] = mapped_column(primary_key=True)
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id"))
    family_name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    members: Mapped[list[Any]] = mapped_column(default=list)
    national_key: Mapped[str | None] = mapped_column(String(32))
    # family name, members' names and ids in one normal form (engine.core.search_text)
    search_text: Mapped[str] = mapped_column(Text, default=" ", server_default=" ")


class Case(Base):
    """One household followed by one programme in one territory."""

    __tablename__ = "case_file"
    __table_args__ = (Index("ix_case_caseload", "territory_id", "status", "caseworker"),
                      Index("ix_case_opened", "opened_at", "id"),
                      Index("ix_case_household", "household_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    programme_key: Mapped[str] = mapped_column(ForeignKey("programme.key"))
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id"), index=True)
    caseworker: Mapped[str] = mapped_column(String(128), index=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    outcome: Mapped[str | None] = mapped_column(String(64))
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    deadlines_paused_at: Mapped[datetime | None]
    # the people named in the case beside its caseworker, by the process's field name:
    # {"tutor": "tomas", "referente": "rodrigo"} (engine.commands.case_people)
    people: Mapped[dict | None] = mapped_column(JsonData)
    # the municipality inside the territory whose calendar the case's deadlines count in
    # (a P.I.P.P.I. comune of the Ambito, a code of the settings' [municipios]; None: the
    # territory's calendar), see engine.programmes.calendars.municipal_calendar
    municipality: Mapped[str | None] = mapped_column(String(64))
    household: Mapped[Household] = relationship(lazy="joined")
    territory: Mapped[Territory] = relationship(lazy="joined")
    programme: Mapped[Programme] = relationship(lazy="joined")


class ProcessInstance(Base):
    """A case's running workflow: state without the spec, guarded by a version counter."""

    __tablename__ = "process_instance"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), unique=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"))
    state: Mapped[str] = mapped_column(Text)
    serializer_version: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="running")
    lock_version: Mapped[int] = mapped_column(Integer, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(index=True)
    __mapper_args__ = {"version_id_col": lock_version}


class Event(Base):
    """The append-only audit trail: who did what to which case, when."""

    __tablename__ = "event"
    __table_args__ = (Index("ix_event_case", "case_id", "id"),
                      Index("ix_event_kind_at", "kind", "at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"))
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime]
    bpmn_id: Mapped[str | None] = mapped_column(String(128))
    task_id: Mapped[str | None] = mapped_column(String(36), index=True)
    title: Mapped[str | None] = mapped_column(String(300))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # what happened, as a message code and its parameters (engine.core.messages.EVENTS), worded
    # in the reader's language when read; NULL in events written before codes: their
    # ``title`` (Spanish) is what they show
    code: Mapped[str | None] = mapped_column(String(64))
    params: Mapped[dict[str, Any] | None] = mapped_column(JsonData)


class PlacePool(Base):
    """The places of one modality of a programme in one territory (their number is a setting).

    Its row is the lock every change to who holds those places takes first (see
    engine.commands.places).
    """

    __tablename__ = "place_pool"
    __table_args__ = (UniqueConstraint("programme_key", "territory_id", "modality"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_key: Mapped[str] = mapped_column(ForeignKey("programme.key"))
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id"))
    modality: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime]


class Enrolment(Base):
    """A case's claim on a place of a pool: ``occupied``, ``waiting`` (in ``requested_at``
    order), or over (``released`` after holding it, ``withdrawn`` while waiting)."""

    __tablename__ = "enrolment"
    __table_args__ = (Index("ix_enrolment_queue", "pool_id", "status", "requested_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("place_pool.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    requested_at: Mapped[datetime]
    assigned_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    pool: Mapped[PlacePool] = relationship(lazy="joined")


class Incident(Base):
    """A timer, step or message whose processing failed: what, where, how often, and what
    became of it (``open`` and retried with back-off, ``resolved`` by a run that worked, or
    ``cancelled`` by a person, who says why)."""

    __tablename__ = "incident"
    __table_args__ = (Index("ix_incident_status", "status", "next_retry_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    element_id: Mapped[str] = mapped_column(String(128))
    element_name: Mapped[str | None] = mapped_column(String(300))
    error: Mapped[str] = mapped_column(Text)  # the technical text, for whoever fixes it
    code: Mapped[str | None] = mapped_column(String(64))  # what the reader is told, worded
    params: Mapped[dict[str, Any] | None] = mapped_column(JsonData)  # ... with these values
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    next_retry_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="open")
    closed_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_by: Mapped[str | None] = mapped_column(String(128))


class Document(Base):
    """A file attached to a completed step (the signed Carta de Compromiso, a consent), kept
    in the database with the case it belongs to (engine.commands.documents); ``content`` is
    deferred, so listing documents never reads the files."""

    __tablename__ = "document"
    __table_args__ = (Index("ix_document_task", "task_id", "id"),
                      Index("ix_document_case", "case_id", "id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"))
    task_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[str] = mapped_column(String(128))
    uploaded_at: Mapped[datetime]
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)


# the tables kept in modules of their own, importable from here as ever
from .activity_models import (  # noqa: E402, F401
    GROUP_OPEN,
    GROUP_SUBMITTED,
    MEMBER_ABSENT,
    MEMBER_CONFLICT,
    MEMBER_FAILED,
    MEMBER_MOVED,
    MEMBER_PENDING,
    TRANSFER_CANCELLED,
    TRANSFER_DUE,
    TRANSFER_PAID,
    TRANSFER_SCHEDULED,
    TRANSFER_WITHHELD,
    GroupSession,
    GroupSessionMember,
    Transfer,
)
from .import_models import (  # noqa: E402, F401
    IMPORT_DONE,
    IMPORT_RUNNING,
    IMPORT_UPLOADED,
    ROW_CREATED,
    ROW_FAILED,
    ROW_PENDING,
    ROW_STATUSES,
    ROW_UNCHANGED,
    ROW_UPDATED,
    HouseholdImport,
    HouseholdImportRow,
)
from .migration_models import (  # noqa: E402, F401
    BATCH_DONE,
    BATCH_PLANNED,
    BATCH_ROLLED_BACK,
    BATCH_ROLLING_BACK,
    BATCH_RUNNING,
    CASE_FAILED,
    CASE_MIGRATED,
    CASE_PENDING,
    CASE_ROLLED_BACK,
    CASE_SKIPPED,
    CaseMigration,
    MigrationBatch,
)
from .mirror_models import HumanTask, Timer  # noqa: E402, F401
from .privacy_models import AuditUnlock, PrivacyRequest  # noqa: E402, F401
