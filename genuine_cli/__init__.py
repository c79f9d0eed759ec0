"""The ``genuine`` command line. Each subcommand lives in its own ``*_cmd.py`` module."""
