"""The form editor: a programme's task forms edited in the browser, previewed by formkit.

``views`` has the pages and the JSON endpoints (preview, save); ``source`` reads the forms of
the programme's published version; ``preview`` draws a schema exactly as a caseworker sees
it; ``drafts`` is the one place that hands a saved form to the drafts storage; ``words`` the
editor's interface words for its JavaScript (web/static/src/form-editor/).
"""
