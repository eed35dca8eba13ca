"""One structured log line per decision: what was asked, what the service said, what is left."""

from __future__ import annotations

import json
import logging
from typing import Any

logger = logging.getLogger("domain_packages")


def log_event(event: str, **fields: Any) -> None:
    """Emit one JSON line. Callers pass no secrets: never the ResponseURL or credentials."""
    logger.info(json.dumps({"event": event, **fields}, default=str, sort_keys=False))
