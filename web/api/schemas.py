"""Schemas every resource shares: the problem document (RFC 9457)."""

from marshmallow import Schema, fields


class ProblemSchema(Schema):
    """An error answer (``application/problem+json``): ``code`` is the engine's (or the
    API's ``api.*``) stable code, ``detail`` its wording in the client's language, ``errors``
    the fields at fault with their messages."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(allow_none=True)
    instance = fields.String(metadata={"description": "the path that was asked for"})
    code = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         required=True)
    params = fields.Dict()
