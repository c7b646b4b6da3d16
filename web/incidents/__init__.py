"""The Incidents page: timers and steps whose processing failed, with Retry and Cancel."""
