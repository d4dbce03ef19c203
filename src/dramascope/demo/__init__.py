"""The demo market: a seeded, deterministic synthetic micro-drama market and the demo workspace.

``generate_demo_market`` writes input files in the formats users bring (plus the ground truth);
``build_demo_workspace`` generates them and loads them through the public ingest path.
See docs/demo-market.md.
"""

from dramascope.demo.market import DemoFiles, generate_demo_market
from dramascope.demo.workspace_build import DemoStep, DemoSummary, TableLoad, build_demo_workspace

__all__ = ["DemoFiles", "DemoStep", "DemoSummary", "TableLoad", "build_demo_workspace", "generate_demo_market"]
