"""What the web pages need from the composition root."""

from __future__ import annotations

from dataclasses import dataclass, field

from nhacviec.base.clock import Clock
from nhacviec.base.config import Config
from nhacviec.web.security import AttemptLimiter
from storage.db import Engine


@dataclass
class WebDeps:
    engine: Engine
    clock: Clock
    config: Config
    # Sign-in attempts per client address (a guessed link is refused long before it is found).
    limiter: AttemptLimiter = field(default_factory=AttemptLimiter)
