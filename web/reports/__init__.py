"""Outcome reports per programme, as a page and a CSV, for supervisors and managers."""
