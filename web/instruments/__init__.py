"""A programme's instruments for its managers: which items are provisional or reconstructed,
the reference lists (the Matriz de Bienestar) shown and loaded from a CSV or JSON file into
the draft, and the draft published (``views``; what is shown is read by ``source``)."""
