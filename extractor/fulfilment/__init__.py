"""Fulfilment tracking across consecutive work reports: the quantified commitments of an earlier report
(targets), the statements of their outcomes in the later report's review (outcomes), and whether each
target was met (decide). `commitments track` is its command (cli)."""
