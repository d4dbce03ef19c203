"""``dramascope ingest``: load files into a canonical table."""
# owned by the ingest work (issue 2); see dramascope.ingest
