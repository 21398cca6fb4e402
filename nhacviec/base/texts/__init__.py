"""Every Vietnamese text a user reads, in one place; dates dd/mm/yyyy.

`texts.NAME` reaches any text: the chat texts live in `chat`, the others in a module per concern
(`config`, `importing`, `admin`, `reasons`), all re-exported here."""

from __future__ import annotations

from nhacviec.base.texts.adapters import *  # noqa: F403
from nhacviec.base.texts.admin import *  # noqa: F403
from nhacviec.base.texts.chat import *  # noqa: F403
from nhacviec.base.texts.config import *  # noqa: F403
from nhacviec.base.texts.importing import *  # noqa: F403
from nhacviec.base.texts.reasons import *  # noqa: F403
from nhacviec.base.texts.records import *  # noqa: F403
from nhacviec.base.texts.tasks import *  # noqa: F403
