"""The migration pages of a programme (issue 12 points 3 and 4): the impact of the draft on
the running cases (a section of the compare page, :mod:`.impact`), and the batches that move
running cases from one version to another (:mod:`.views`)."""
