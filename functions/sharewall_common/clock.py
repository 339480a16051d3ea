"""The site's timezone (TIMEZONE, default Europe/Berlin): what "today" means to every function."""

from __future__ import annotations

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo


def zone() -> ZoneInfo:
    return ZoneInfo(os.environ.get("TIMEZONE", "Europe/Berlin"))


def today() -> date:
    return datetime.now(zone()).date()
