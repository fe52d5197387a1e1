"""python -m workflow: the callflow CLI."""

import sys

from .cli import main

sys.exit(main())
