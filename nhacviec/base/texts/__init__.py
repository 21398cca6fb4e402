"""Every Vietnamese text a user reads, in one place; dates dd/mm/yyyy.

`texts.NAME` reaches any text: the chat texts live in `chat`, the others in a module per concern
(`status` for /status and /areas, `tasks`, `carry`, `cli` for the command line and click's own
messages, `config`, `reasons` for the rules' errors, `records`, `adapters`, `admin`,
`importing`, `reports` for the workbook and the chart, `web`), all re-exported here. The pure
rules cannot import this package: their errors carry a `reason` and details, and `explain`
says them."""

from __future__ import annotations

from nhacviec.base.texts.adapters import *  # noqa: F403
from nhacviec.base.texts.admin import *  # noqa: F403
from nhacviec.base.texts.carry import *  # noqa: F403
from nhacviec.base.texts.chat import *  # noqa: F403
from nhacviec.base.texts.cli import *  # noqa: F403
from nhacviec.base.texts.config import *  # noqa: F403
from nhacviec.base.texts.importing import *  # noqa: F403
from nhacviec.base.texts.reasons import *  # noqa: F403
from nhacviec.base.texts.records import *  # noqa: F403
from nhacviec.base.texts.reports import *  # noqa: F403
from nhacviec.base.texts.status import *  # noqa: F403
from nhacviec.base.texts.tasks import *  # noqa: F403
from nhacviec.base.texts.web import *  # noqa: F403
