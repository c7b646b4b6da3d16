"""The inbox: my tasks and tasks to pick up."""
