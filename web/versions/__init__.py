"""A programme's versions for its managers: the list, one version read-only, and two compared."""
