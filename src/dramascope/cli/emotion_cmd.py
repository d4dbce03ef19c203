"""Commands of this group (see DESIGN.md CLI contract)."""
