"""Researcher reports over extraction output: per-group aggregates (load, aggregates), figures, a static
self-contained HTML report with one review page per notice (html, review), and the `commitments report`
subcommand (cli)."""
