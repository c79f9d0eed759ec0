"""``python -m genuine_cli``: the ``genuine`` command without the installed script."""

import sys

from genuine_cli.main import main

sys.exit(main())
