"""Gold annotations: sources in inline markup, notice JSON files, validation, statistics, Label Studio."""
