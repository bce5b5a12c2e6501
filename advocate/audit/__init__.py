"""The one event log: every operation writes here; case timelines are this log filtered by case."""
