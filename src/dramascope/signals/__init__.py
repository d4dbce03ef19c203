"""Indicator families computed as Ibis expressions over workspace tables (see DESIGN.md)."""
