import sys

from billabex_core.cli import main

sys.exit(main())
