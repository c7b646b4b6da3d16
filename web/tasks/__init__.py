"""The task page: a step's form, drafts and submission."""
