"""``python -m sendlib`` runs the command line."""

from sendlib.cli import app

app(prog_name="sendlib")
