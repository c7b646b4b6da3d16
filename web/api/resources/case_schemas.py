"""The marshmallow schemas of cases and households (requests and representations)."""

from marshmallow import Schema, fields, validate

from engine.queries.cases import SORTS, STATUSES

from ..pagination import PageArgs

TEXT = validate.Length(max=100)


class CaseSearchArgs(PageArgs):
    """The cases page's filters: each optional, all together narrowing."""

    q = fields.String(load_default=None, validate=TEXT,
                      metadata={"description": "words starting a family or member name"})
    national_id = fields.String(load_default=None, validate=TEXT,
                                metadata={"description": "a RUT or codice fiscale"})
    territory = fields.String(load_default=None, validate=TEXT,
                              metadata={"description": "a territory code"})
    programme = fields.String(load_default=None, validate=TEXT)
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    caseworker = fields.String(load_default=None, validate=TEXT,
                               metadata={"description": "a username"})
    step = fields.String(load_default=None, validate=TEXT, metadata={
        "description": "a current step's BPMN id or part of its title"})
    sort = fields.String(validate=validate.OneOf(SORTS), load_default=SORTS[0])


class MemberSchema(Schema):
    """One person of a household (the programme's household schema says which are
    required)."""

    name = fields.String(required=True)
    age = fields.Integer(allow_none=True)
    birth_date = fields.String(allow_none=True)
    relationship = fields.String(allow_none=True)
    national_id = fields.String(allow_none=True)


class HouseholdSchema(Schema):
    """A case's household: its family name, address, reference person's id and members."""

    id = fields.Integer(required=True)
    family_name = fields.String(required=True)
    address = fields.String(allow_none=True)
    national_id = fields.String(allow_none=True, metadata={
        "description": "the reference person's RUT or codice fiscale (the household's key)"})
    members = fields.List(fields.Nested(MemberSchema), required=True)


class _HouseholdFields(Schema):
    """What a request writes of a household: its family name, address and members (each as
    the programme's household schema says)."""

    family_name = fields.String(required=True, validate=validate.Length(max=1000))
    address = fields.String(allow_none=True, load_default=None,
                            validate=validate.Length(max=1000))
    members = fields.List(fields.Dict(), load_default=list,
                          validate=validate.Length(max=200),
                          metadata={"description": "each member as the programme's "
                                                   "household schema says (name, age, …)"})


class HouseholdUpdateSchema(_HouseholdFields):
    """A household's new family name, address and members (all of them: the members given
    replace the old list), checked against the case's version's household schema."""


class StepSchema(Schema):
    """An open step of a case."""

    id = fields.String(required=True)
    bpmn_id = fields.String(required=True)
    title = fields.String(required=True)
    role = fields.String(allow_none=True)
    assignee = fields.String(allow_none=True)
    due_at = fields.DateTime(allow_none=True)


class _CaseFields(Schema):
    """What every representation of a case says: where, who holds it, whether it is open."""

    id = fields.Integer(required=True)
    programme = fields.String(required=True)
    territory = fields.String(required=True)
    caseworker = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "open, or how it ended"})
    paused = fields.Boolean(required=True)
    opened_at = fields.DateTime(required=True)
    closed_at = fields.DateTime(allow_none=True)


class CaseSummarySchema(_CaseFields):
    """A case as the cases list shows it."""

    incident = fields.Boolean(required=True)
    family_name = fields.String(required=True)
    steps = fields.List(fields.String(), required=True)


class CaseSchema(_CaseFields):
    """One case: where, who holds it, its household, its open steps and people."""

    municipality = fields.String(allow_none=True)
    people = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    outcome = fields.String(allow_none=True)
    household = fields.Nested(HouseholdSchema, required=True)
    steps = fields.List(fields.Nested(StepSchema), required=True)


class StartCaseSchema(_HouseholdFields):
    """Open a programme for a household: a new one (family name, members, national id…)
    or a registered one (``household_id``)."""

    programme = fields.String(required=True, validate=validate.Length(min=1, max=64))
    territory = fields.String(required=True, validate=validate.Length(min=1, max=64))
    caseworker = fields.String(required=True, validate=validate.Length(min=1, max=128))
    family_name = fields.String(load_default="", validate=validate.Length(max=1000))
    national_id = fields.String(allow_none=True, load_default=None,
                                validate=validate.Length(max=64))
    municipality = fields.String(allow_none=True, load_default=None,
                                 validate=validate.Length(max=64))
    household_id = fields.Integer(allow_none=True, load_default=None, strict=True,
                                  validate=validate.Range(min=1, max=2**31 - 1))
    people = fields.Dict(keys=fields.String(validate=validate.Length(max=64)),
                         values=fields.String(validate=validate.Length(max=128)),
                         load_default=dict,
                         metadata={"description": "post name → username (the case's "
                                                  "tutor, referent…)"})


class TransferSchema(Schema):
    """Give the whole case to another caseworker of its territory."""

    to = fields.String(required=True, validate=validate.Length(min=1, max=128),
                       metadata={"description": "the new caseworker's username"})
