"""``python -m sendlib`` runs the command line."""

if __name__ == "__main__":  # not again in the worker processes a run starts
    from sendlib.cli import main

    main()
