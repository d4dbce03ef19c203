"""DramaScope: the open micro-drama dissemination and evaluation index.

The library API is what the CLI and the web app call; nothing here loads models or data at import.
"""

from dramascope.errors import DramaScopeError, UserInputError
from dramascope.workspace import Workspace

__version__ = "0.1.0"
__all__ = ["Workspace", "DramaScopeError", "UserInputError", "__version__"]
