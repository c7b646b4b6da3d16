"""Bulk household import from a registry export, in the browser (views) and its words."""
