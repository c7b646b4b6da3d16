"""Case files and opening new cases."""
