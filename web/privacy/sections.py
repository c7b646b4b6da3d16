"""The web's own stores of case data, registered with the engine's privacy sections: an
erasure, a retention run and an export reach the notifications (their titles name the
family) as they reach the engine's tables."""

import engine

from ..notifications.models import Notification

NOTIFICATIONS = engine.privacy.register(engine.privacy.ColumnsSection(
    "notifications", Notification.__table__, ("title",),
    shown=("id", "case_id", "username", "kind", "title", "created_at", "read_at")))
