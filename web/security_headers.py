"""Security headers on every response (pages, files, errors and redirects alike).

The Content-Security-Policy allows scripts, styles, images and fetches from this site only:
no inline script or style, no ``eval``, no plugins, no ``<base>`` tricks, forms post only here,
and no other site may frame a page (clickjacking). Data a script needs travels in ``data-*``
attributes or non-executed JSON, never in inline code. HSTS is sent only over HTTPS (as seen
through :mod:`web.proxy` when a proxy terminates TLS), since over plain HTTP it is ignored and
on a development machine it would pin ``localhost`` to HTTPS.
"""

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
HSTS = "max-age=31536000; includeSubDomains"


def add_headers(response: Response) -> Response:
    """Put the security headers on ``response`` (HSTS only when the request came over HTTPS)."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def register(app: Flask) -> None:
    """Send the headers on every response of ``app``."""
    app.after_request(add_headers)
