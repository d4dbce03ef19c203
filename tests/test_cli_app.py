"""The exit-code policy of the CLI: 0 success, 1 user error, 2 bad usage."""

import typer

from dramascope.cli.app import app, run_app
from dramascope.errors import NotAvailableYet, UserInputError

probe = typer.Typer()


@app.command("_probe_exit", hidden=True)
def _probe_exit(code: int = 0, kind: str = "exit") -> None:
    if kind == "user":
        raise UserInputError("bad value", file="f.csv", line=3, field="plays")
    if kind == "later":
        raise NotAvailableYet("not built")
    raise typer.Exit(code)


def test_exit_codes_are_returned_not_swallowed():
    assert run_app(["_probe_exit", "--code", "0"]) == 0
    assert run_app(["_probe_exit", "--code", "2"]) == 2


def test_user_error_is_exit_1_and_names_file_line_field(capsys):
    assert run_app(["_probe_exit", "--kind", "user"]) == 1
    err = capsys.readouterr().err
    assert "f.csv" in err and "line 3" in err and "plays" in err


def test_not_available_is_exit_2():
    assert run_app(["_probe_exit", "--kind", "later"]) == 2


def test_bad_option_is_usage_error_exit_2():
    assert run_app(["_probe_exit", "--code", "notanumber"]) == 2
    assert run_app(["no-such-command"]) == 2


@app.command("_probe_markup", hidden=True)
def _probe_markup() -> None:
    raise UserInputError("value '[bold]x[/bold]' is not a number", file="[red]f.csv", line=1, field="plays")


def test_error_messages_print_user_text_verbatim(capsys):
    assert run_app(["_probe_markup"]) == 1
    err = capsys.readouterr().err
    assert "[bold]x[/bold]" in err and "[red]f.csv" in err


def test_read_only_commands_never_create_a_workspace(tmp_path, capsys):
    import dramascope.cli.commands  # noqa: F401 - registers the commands

    target = tmp_path / "not-a-workspace"
    for args in (["rank"], ["explain", "t1"], ["export", "rankings"], ["report"], ["companies", "rank"],
                 ["projects", "list"]):
        assert run_app([*args, "--workspace", str(target)]) == 1, args
        assert not target.exists(), args
        assert "no workspace at" in capsys.readouterr().err
    target.mkdir()
    assert run_app(["rank", "--workspace", str(target)]) == 1
    assert list(target.iterdir()) == []
