"""Notifications: who hears about reminders and escalations, in the app and by e-mail."""
