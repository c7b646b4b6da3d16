"""Programme settings a manager changes without touching the diagram."""
