"""The API's resources, one flask-smorest blueprint per module (``api_<resource>``);
:func:`web.api.init_api` registers every blueprint listed here."""

from .cases import bp as cases
from .history import bp as history
from .households import bp as households
from .programmes import bp as programmes
from .territories import bp as territories

BLUEPRINTS = (
    territories,
    programmes,
    cases,
    households,
    history,
)
