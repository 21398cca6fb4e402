"""Every Vietnamese text a user reads, in one place; dates dd/mm/yyyy.

`texts.NAME` reaches any text: the chat texts live in `chat`, the others in a module per concern
(`config`, `reasons` for the rules' errors, `records`, `adapters`, `tasks`, `admin`, `carry`,
`importing`, `web`), all re-exported here. The pure rules cannot import this package: their errors
carry a `reason` and details, and `explain` says them."""

from __future__ import annotations

from nhacviec.base.texts.adapters import *  # noqa: F403
from nhacviec.base.texts.admin import *  # noqa: F403
from nhacviec.base.texts.carry import *  # noqa: F403
from nhacviec.base.texts.chat import *  # noqa: F403
from nhacviec.base.texts.config import *  # noqa: F403
from nhacviec.base.texts.importing import *  # noqa: F403
from nhacviec.base.texts.reasons import *  # noqa: F403
from nhacviec.base.texts.records import *  # noqa: F403
from nhacviec.base.texts.tasks import *  # noqa: F403
from nhacviec.base.texts.web import *  # noqa: F403
