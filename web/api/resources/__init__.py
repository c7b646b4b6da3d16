"""The API's resources, one flask-smorest blueprint per module (``api_<resource>``);
:func:`web.api.init_api` registers every blueprint listed here."""

from .cases import bp as cases
from .history import bp as history
from .households import bp as households
from .incidents import bp as incidents
from .messages import bp as messages
from .overdue import bp as overdue
from .programmes import bp as programmes
from .reports import bp as reports
from .tasks import bp as tasks
from .territories import bp as territories

BLUEPRINTS = (
    territories,
    programmes,
    cases,
    households,
    history,
    tasks,
    messages,
    overdue,
    incidents,
    reports,
)
