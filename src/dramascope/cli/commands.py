"""Imports every command module so that each registers its commands on the app."""

from dramascope.cli import (  # noqa: F401
    analyze_cmd,
    chain_cmd,
    companies_cmd,
    demo_cmd,
    emotion_cmd,
    index_cmd,
    ingest_cmd,
    publish_cmd,
    update_cmd,
)
