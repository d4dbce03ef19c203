"""DramaScope: the open micro-drama dissemination and evaluation index.

The library API is what the CLI and the web app call; nothing here loads models or data at import.
``Workspace`` is imported on first access (PEP 562), so a process that only classifies texts does not
pay for the query engines' imports.
"""

from dramascope.errors import DramaScopeError, UserInputError

__version__ = "0.1.0"
__all__ = ["Workspace", "DramaScopeError", "UserInputError", "__version__"]


def __getattr__(name: str):
    if name == "Workspace":
        from dramascope.workspace import Workspace

        return Workspace
    raise AttributeError(f"module 'dramascope' has no attribute {name!r}")
