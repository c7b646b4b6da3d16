"""The API's resources, one flask-smorest blueprint per module (``api_<resource>``);
:func:`web.api.init_api` registers every blueprint listed here."""

from .territories import bp as territories

BLUEPRINTS = (
    territories,
)
