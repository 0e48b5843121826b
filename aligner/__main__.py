"""`python -m aligner` runs the command line."""

from aligner.cli import command

command()
