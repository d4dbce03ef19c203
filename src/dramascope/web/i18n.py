"""The UI strings, re-exported from :mod:`dramascope.i18n` (where they live so that the report and the
charts, below the web layer, read the same table)."""

from dramascope.i18n import (DEFAULT_LANG, LABEL_NAMES, LANGS, STRINGS, Lang, label_name, normalise_lang, pick,
                             translate)

__all__ = ["DEFAULT_LANG", "LABEL_NAMES", "LANGS", "STRINGS", "Lang", "label_name", "normalise_lang", "pick",
           "translate"]
