"""The process modeler: managers redesign a programme's process in the browser."""
