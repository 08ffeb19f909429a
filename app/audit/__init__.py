"""The audit trail: one row per admin or moderator action, never edited. Every domain writes
to it; it imports no domain."""
