"""A household's consents: the case file's section and page to record and withdraw them."""
