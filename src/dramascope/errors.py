"""Errors a user can fix. The CLI turns them into exit code 1 with the message; the API into 4xx."""


class DramaScopeError(Exception):
    """Base class for errors caused by input or state a user controls."""


class UserInputError(DramaScopeError):
    """Bad input: the message names the file, line and field where there is one."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 field: str | None = None):
        where = ", ".join(
            part for part in (file and f"file {file}", line is not None and f"line {line}", field and f"field {field}")
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)
        self.file, self.line, self.field = file, line, field


class NotFound(UserInputError):
    """The input names a thing this workspace does not have: a title, project, company or production base
    (CLI exit 1 like any bad input; HTTP 404, where a malformed or unusable value is a 400)."""


class NotEnoughData(DramaScopeError):
    """The workspace holds too little data for a method (a backtest, a model fit): the user can add data,
    so it is the user's to fix (CLI exit 1, API 4xx), not a fault of the software."""


class NotAvailableYet(DramaScopeError):
    """A documented command whose stage has not been built yet (exit code 2, never a fake result)."""


class MissingFonts(DramaScopeError):
    """A document needs fonts the system does not have (a PDF with Chinese text and no CJK font): the
    user installs them (e.g. ``apt install fonts-noto-cjk``); rendering without would print empty boxes."""
