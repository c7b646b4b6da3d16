"""Personal data at Administración → Privacidad: erasure requests, the retention run's
preview and a person's export, and the ``flask privacy`` commands."""
