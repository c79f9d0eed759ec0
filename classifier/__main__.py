import sys

from classifier.cli.main import main

sys.exit(main())
