"""The audit trail: append-only entries, each holding the hash of the one before (chain.py),
and the check that finds an edited, inserted or deleted entry (verify.py)."""
