"""How long Tipline keeps what it holds, and what is left when it forgets (see
docs/data-protection.md): closed reports after RETENTION_CLOSED, cancelled drafts after
DRAFT_KEEP_DAYS, each purged report leaving a stub for statistics."""
