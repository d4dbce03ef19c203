"""``python -m dramascope``: the same CLI as the ``dramascope`` command."""

from dramascope.cli import main

main()
