"""Trusting a reverse proxy's ``X-Forwarded-*`` headers, only when told how many there are.

Behind a TLS-terminating proxy the app sees plain HTTP from the proxy's address. With
``ACOMPANA_PROXIES=1`` (one proxy in front) Werkzeug's ProxyFix takes the scheme, host and
client address from the proxy's headers, so HSTS and Secure cookies follow the real scheme and
sign-in throttling counts each client's own address rather than the proxy's. Without it the
headers are ignored, so a client cannot forge its address.
"""

import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def trust_proxies(app: Flask) -> None:
    """Wrap ``app`` in ProxyFix for ``PROXIES`` hops (0, the default: trust no header)."""
    hops = int(app.config.get("PROXIES", os.environ.get("ACOMPANA_PROXIES", "0")))
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops,
                                x_port=hops)
