"""``python -m tinker_local serve ...``"""

import sys

from ._cli import main

sys.exit(main())
