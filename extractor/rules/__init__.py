"""Rules that parse, normalise or reject the spans a tagger found (quantities, deadlines, modality)."""
