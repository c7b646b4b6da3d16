"""Template databases: data many tests start from, built once per run and copied per test.

A :class:`Seed` names a build (a function that fills the database at a URL and returns plain
data, such as case ids) and the seed it starts from. :class:`Templates` builds each seed once
per database kind — a SQLite template file, or a PostgreSQL database nobody else connects to —
and gives every test a fresh copy (a file copy, or ``CREATE DATABASE … TEMPLATE``), so tests
stay independent however much they change their copy.

A PostgreSQL copy costs some 0.5 s (made one test ahead, in the background): a seed pays there
when its data takes longer than that to build, or when a module's tests are slow enough to
hide the next copy behind them; on SQLite a copy is a file copy. A ``cheap`` seed (data built
in less than that) is copied on SQLite but built into each PostgreSQL test's own database.
"""

import os
import shutil
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

from engine.definitions import catalog

PG_ADMIN = os.environ.get("ACOMPANA_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@dataclass(frozen=True)
class Seed:
    """Data a test's database starts from: ``build(url)`` fills it and returns plain data
    (the same for every copy), after the ``parent`` seed's data if there is one."""

    name: str
    build: Callable[[str], object]
    parent: "Seed | None" = None
    cheap: bool = False  # quicker to build than a PostgreSQL copy: built in each test's own


def build_in(seed: Seed, url: str) -> object:
    """Build ``seed`` (after its parents) straight into the database at ``url``; its data."""
    if seed.parent is not None:
        build_in(seed.parent, url)
    catalog.forget()
    try:
        return seed.build(url)
    finally:
        catalog.forget()


def descends_from(seed: Seed | None, ancestor: Seed) -> bool:
    """Whether ``seed`` is ``ancestor`` or is built on it (seeds are known by name: a
    conftest may be imported twice, under two module names)."""
    while seed is not None and seed.name != ancestor.name:
        seed = seed.parent
    return seed is not None


def pg_admin(*statements: str) -> None:
    """Run statements on the PostgreSQL server's admin database (outside a transaction)."""
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for statement in statements:
            conn.execute(text(statement))
    admin.dispose()


def pg_url(name: str) -> str:
    """The URL of PostgreSQL database ``name`` on the test server."""
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name


def pg_name(url: str) -> str:
    return url.rsplit("/", 1)[1]


def pg_clone(source: str, target: str) -> None:
    """``target``: a new database copied from ``source`` (which must have no connections)."""
    pg_admin(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)',
             f'SELECT pg_terminate_backend(pid) FROM pg_stat_activity '
             f"WHERE datname = '{source}' AND pid <> pg_backend_pid()",
             f'CREATE DATABASE "{target}" TEMPLATE "{source}"')


def pg_drop(*names: str) -> None:
    pg_admin(*(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names))


class Templates:
    """The seeded templates of one database kind, built on first use.

    ``empty`` is an empty migrated database (a SQLite file, or a PostgreSQL database kept
    idle for cloning); ``folder`` holds the SQLite files; ``prefix`` names PostgreSQL ones.
    """

    def __init__(self, empty: str, folder: Path, prefix: str):
        self.empty, self.folder, self.prefix = empty, folder, prefix
        self.made: dict[str, tuple[str, object]] = {}
        self.copies = 0
        self.dropper = ThreadPoolExecutor(max_workers=1)  # drops copies while tests go on
        # PostgreSQL copies (some 0.5 s each) are made one at a time (a template being
        # copied takes no second copy) and one ahead: the next test's, while this one runs
        self.maker = ThreadPoolExecutor(max_workers=1)
        self.spare: tuple[str, Future] | None = None  # (seed name, its next copy's url)

    @property
    def sqlite(self) -> bool:
        return self.empty.startswith("sqlite")

    def template(self, seed: Seed) -> tuple[str, object]:
        """``(url, data)`` of the seed's template, built now if this is its first use."""
        if seed.name not in self.made:
            base = self.template(seed.parent)[0] if seed.parent else self.empty
            url = self._copy(base, f"seed_{seed.name}")
            catalog.forget()  # the build deploys into a database of its own
            try:
                data = seed.build(url)
            finally:
                catalog.forget()
            self.made[seed.name] = (url, data)
        return self.made[seed.name]

    def copy_for_test(self, seed: Seed, folder: Path) -> tuple[str, object]:
        """A fresh copy of the seed's template for one test (a SQLite file in ``folder``),
        and the seed's data."""
        url, data = self.template(seed)
        if self.sqlite:
            target = folder / "acompana.db"
            shutil.copyfile(url.removeprefix("sqlite:///"), target)
            return f"sqlite:///{target}", data
        spare, self.spare = self.spare, None
        if spare is not None and spare[0] != seed.name:  # another seed's: not wanted now
            self.drop_test_copy(spare[1].result())
            spare = None
        copy = spare[1] if spare else self._next_copy(url)
        self.spare = (seed.name, self._next_copy(url))
        return copy.result(), data

    def _next_copy(self, url: str) -> Future:
        self.copies += 1
        return self.maker.submit(self._copy_now, url, f"copy_{self.copies}")

    def drop_test_copy(self, url: str) -> None:
        """Throw one test's copy away, in the background (a SQLite file goes with the test's
        tmp_path)."""
        if not self.sqlite:
            self.dropper.submit(pg_drop, pg_name(url))

    def drop_all(self) -> None:
        """Drop every PostgreSQL template and copy (at the end of the run)."""
        self.maker.shutdown(wait=True)
        self.dropper.shutdown(wait=True)
        if not self.sqlite:  # any copy a background drop missed goes too
            copies = (f"{self.prefix}_copy_{n}" for n in range(1, self.copies + 1))
            pg_drop(*(pg_name(url) for url, _ in self.made.values()), *copies)

    def _copy(self, source: str, name: str) -> str:
        if self.sqlite:
            return self._copy_now(source, name)
        return self.maker.submit(self._copy_now, source, name).result()

    def _copy_now(self, source: str, name: str) -> str:
        if self.sqlite:
            target = self.folder / f"{name}.db"
            shutil.copyfile(source.removeprefix("sqlite:///"), target)
            return f"sqlite:///{target}"
        pg_clone(pg_name(source), f"{self.prefix}_{name}")
        return pg_url(f"{self.prefix}_{name}")
