"""`python -m newsfeed` runs the command line."""

import sys

from newsfeed.cli import main

sys.exit(main())
