"""Case operations above storage, analysis, capture and the importers.

Importing the services offers the importers' finding codes to :mod:`spoorvast.findings`
(see :mod:`spoorvast.importers`), so every view that renders findings reads their
sentences.
"""

import spoorvast.importers  # noqa: F401  (offers the importers' finding codes)
