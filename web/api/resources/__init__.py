"""The API's resources, one flask-smorest blueprint per module (``api_<resource>``);
:func:`web.api.init_api` registers every blueprint listed here."""

from .incidents import bp as incidents
from .messages import bp as messages
from .overdue import bp as overdue
from .reports import bp as reports
from .tasks import bp as tasks
from .territories import bp as territories

BLUEPRINTS = (
    territories,
    tasks,
    messages,
    overdue,
    incidents,
    reports,
)
