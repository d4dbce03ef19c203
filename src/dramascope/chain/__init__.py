"""The production chain: script analysis (writing), forecasts (investing), projects (filming, broadcasting).

Public entry points (see docs/chain.md):
- :func:`analyze_script` — episodes, scenes, speakers; per episode the arc, hook, payoffs, pacing and
  balance; the paywall recommendation.
- :func:`run_backtest`, :func:`forecast_title`, :func:`forecast_project`, :func:`forecast_features_file`,
  :func:`forecast_vs_actual` — forecasts with prediction intervals and ROI scenarios, honestly validated.
- :func:`list_projects`, :func:`show_project`, :func:`advance_project` — projects through their stages.
- ``dramascope.chain.pages`` — page data for the dashboard and API.
"""

from __future__ import annotations

__all__ = [
    "analyze_script", "run_backtest", "forecast_title", "forecast_project", "forecast_features_file",
    "forecast_vs_actual", "list_projects", "show_project", "advance_project",
]

_WHERE = {
    "analyze_script": "script_analysis",
    "run_backtest": "forecast", "forecast_title": "forecast", "forecast_project": "forecast",
    "forecast_features_file": "forecast", "forecast_vs_actual": "forecast",
    "list_projects": "projects", "show_project": "projects", "advance_project": "projects",
}


def __getattr__(name: str):
    """Lazy: importing the package must not load scikit-learn or Ibis until a function is used."""
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(f"dramascope.chain.{_WHERE[name]}"), name)
    raise AttributeError(name)
