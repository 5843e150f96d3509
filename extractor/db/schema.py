"""The research database's tables and views (DuckDB DDL). Every extraction table is keyed by
``notice_id`` and ``fulfilment`` by its report pair, so a batch is appended by deleting its own rows first:
loading the same batch twice changes nothing."""

from __future__ import annotations

# Money is in 元 and can exceed any float's exact range only beyond 10^15; DECIMAL(38, 6) keeps it exact.
TABLES: dict[str, str] = {
    "notices": """
        notice_id VARCHAR PRIMARY KEY, source VARCHAR, date DATE, year INTEGER, issuer VARCHAR,
        title VARCHAR, kind VARCHAR, level VARCHAR, province VARCHAR, city VARCHAR, district VARCHAR,
        topic VARCHAR, chars INTEGER, commitments INTEGER, warnings VARCHAR[], metadata JSON, text VARCHAR""",
    "commitments": """
        notice_id VARCHAR NOT NULL, commitment_no INTEGER NOT NULL, measure VARCHAR NOT NULL,
        measure_start INTEGER NOT NULL, measure_end INTEGER NOT NULL, modality VARCHAR, specificity TINYINT, section VARCHAR,
        score DOUBLE, quantified BOOLEAN NOT NULL, dated BOOLEAN NOT NULL,
        PRIMARY KEY (notice_id, commitment_no)""",
    "quantities": """
        notice_id VARCHAR NOT NULL, commitment_no INTEGER NOT NULL, quantity_no INTEGER NOT NULL,
        text VARCHAR NOT NULL, start_offset INTEGER NOT NULL, end_offset INTEGER NOT NULL,
        value DECIMAL(38, 6), upper DECIMAL(38, 6), unit VARCHAR, comparator VARCHAR, role VARCHAR,
        PRIMARY KEY (notice_id, commitment_no, quantity_no)""",
    "deadlines": """
        notice_id VARCHAR NOT NULL, commitment_no INTEGER NOT NULL, text VARCHAR NOT NULL,
        start_offset INTEGER NOT NULL, end_offset INTEGER NOT NULL, kind VARCHAR NOT NULL,
        start_date DATE, end_date DATE, anchor DATE, PRIMARY KEY (notice_id, commitment_no)""",
    "spans": """
        notice_id VARCHAR NOT NULL, start_offset INTEGER NOT NULL, end_offset INTEGER NOT NULL,
        label VARCHAR NOT NULL, score DOUBLE, text VARCHAR NOT NULL""",
    "rejections": """
        notice_id VARCHAR NOT NULL, start_offset INTEGER NOT NULL, end_offset INTEGER NOT NULL,
        label VARCHAR NOT NULL, text VARCHAR NOT NULL, reason VARCHAR NOT NULL""",
    "errors": "notice_id VARCHAR PRIMARY KEY, source VARCHAR, error VARCHAR NOT NULL",
    # `commitments track --db`: one row per target of an earlier report, keyed by the report pair.
    "fulfilment": """
        earlier_id VARCHAR NOT NULL, later_id VARCHAR NOT NULL, year INTEGER, indicator VARCHAR NOT NULL,
        target_start INTEGER NOT NULL, target_end INTEGER NOT NULL, target_text VARCHAR NOT NULL,
        measure VARCHAR, target_value DECIMAL(38, 6), target_unit VARCHAR, target_comparator VARCHAR,
        outcome_start INTEGER, outcome_end INTEGER, outcome_text VARCHAR, outcome_sentence VARCHAR,
        outcome_value DECIMAL(38, 6), outcome_unit VARCHAR, decision VARCHAR NOT NULL, comparison VARCHAR,
        PRIMARY KEY (earlier_id, later_id, target_start)""",
    # The whole extraction record, so that `commitments report` and any later tool lose nothing.
    "records": "notice_id VARCHAR PRIMARY KEY, record JSON NOT NULL",
}

VIEWS: dict[str, str] = {
    # One row per commitment with its notice's group keys, its deadline and its first target quantity.
    "commitment_facts": """
        SELECT c.notice_id, c.commitment_no, n.issuer, n.level, n.province, n.city, n.district, n.year,
               n.kind AS notice_kind, c.measure, c.modality, c.specificity, c.quantified, c.dated,
               d.kind AS deadline_kind, d.end_date AS deadline_end,
               q.value AS target_value, q.unit AS target_unit, q.comparator AS target_comparator
        FROM commitments c
        JOIN notices n USING (notice_id)
        LEFT JOIN deadlines d USING (notice_id, commitment_no)
        LEFT JOIN (SELECT * FROM quantities WHERE role = 'target'
                   QUALIFY row_number() OVER (PARTITION BY notice_id, commitment_no ORDER BY quantity_no) = 1) q
               USING (notice_id, commitment_no)""",
    # Per issuing body: how many commitments, and how concrete they are.
    "issuer_summary": """
        SELECT n.issuer, count(DISTINCT n.notice_id) AS notices, count(c.commitment_no) AS commitments,
               round(avg(CASE WHEN c.quantified THEN 1 ELSE 0 END), 3) AS share_quantified,
               round(avg(CASE WHEN c.dated THEN 1 ELSE 0 END), 3) AS share_dated,
               round(avg(CASE WHEN c.quantified AND c.dated THEN 1 ELSE 0 END), 3) AS share_both,
               round(avg(c.specificity), 2) AS mean_specificity
        FROM notices n LEFT JOIN commitments c USING (notice_id)
        GROUP BY n.issuer""",
    # Dated commitments with the number of days from the notice to the deadline's end.
    "deadline_horizons": """
        SELECT d.notice_id, d.commitment_no, n.issuer, d.kind, d.text, n.date AS notice_date, d.end_date,
               date_diff('day', n.date, d.end_date) AS days_ahead
        FROM deadlines d JOIN notices n USING (notice_id)
        WHERE d.end_date IS NOT NULL AND n.date IS NOT NULL""",
    # Fulfilment per year of the earlier report: targets, met, missed, not reported.
    "fulfilment_by_year": """
        SELECT year, count(*) AS targets, count(*) FILTER (decision = 'met') AS met,
               count(*) FILTER (decision = 'missed') AS missed,
               count(*) FILTER (decision = 'not_reported') AS not_reported
        FROM fulfilment GROUP BY year""",
}


def ddl() -> list[str]:
    return ([f"CREATE TABLE IF NOT EXISTS {name} ({columns})" for name, columns in TABLES.items()]
            + [f"CREATE OR REPLACE VIEW {name} AS {sql}" for name, sql in VIEWS.items()])
