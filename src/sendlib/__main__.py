"""``python -m sendlib`` runs the command line."""

from sendlib.cli import main

main()
