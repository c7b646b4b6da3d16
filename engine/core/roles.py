"""The roles a person can have, named once for the whole application."""

CASEWORKER = "caseworker"
SUPERVISOR = "supervisor"
MANAGER = "manager"
ADMIN = "admin"
ROLES = (CASEWORKER, SUPERVISOR, MANAGER, ADMIN)
"""Every role a person may be given (web accounts, ``flask user roles``, CLI ``--role``)."""

SYSTEM_ROLE = "system"
"""The engine itself: timers, sweeps, the command line acting for nobody in particular."""
