"""The territories an administrator administers (every territory of their countries)."""

from sqlalchemy import select

from engine import policy
from engine.persistence.models import Territory

from ..access import actor
from ..extensions import db


def administered_territories() -> list[Territory]:
    """Every territory of the countries the signed-in administrator administers."""
    countries = policy.admin_countries(db.session, actor())
    query = select(Territory).order_by(Territory.country, Territory.name)
    if countries is not None:
        query = query.where(Territory.country.in_(sorted(countries)))
    return list(db.session.scalars(query))
