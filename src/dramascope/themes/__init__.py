"""The shared theme taxonomy (see ``data/themes.yaml``): loading and cue matching.

Demo generation, theme tagging, social-value signals and script analysis all read the same taxonomy
so that a theme means the same thing everywhere.
"""

from dramascope.themes.taxonomy import Theme, Taxonomy, load_taxonomy

__all__ = ["Theme", "Taxonomy", "load_taxonomy"]
