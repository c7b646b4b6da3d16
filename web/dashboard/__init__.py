"""The supervisor's view of overdue work."""
