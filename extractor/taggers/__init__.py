"""The span taggers and their registry (filled in the next commit)."""
