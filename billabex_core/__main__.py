import sys

from billabex_core.cli import main

if __name__ == "__main__":  # not when a forkserver child imports the main module (services.isolation)
    sys.exit(main())
