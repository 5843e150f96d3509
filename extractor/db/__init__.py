"""The research database: extraction output as normalised DuckDB tables and views (schema), loaded
idempotently by notice id (build) and queried read-only (query); `commitments db` is its command (cli)."""
