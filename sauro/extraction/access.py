"""Who may turn a directive's text into proposed tasks, and whose proposals one sees.

- Proposing (reading a text, editing, dropping, merging proposals, creating them as drafts) is for whoever sees the
  directive (``directives.access.directives_visible_to``: the caller has it through ``directives.selectors``) and
  drafts tasks in some unit (``tasks.access.drafting_unit``: Văn phòng's monitors and the leaders for the committee,
  a unit head for their unit). The run is kept in the name of that unit (its ``owner_unit``); the drafts it creates
  belong to that unit, through ``tasks.services.task_create``, which checks ``may_draft_for`` again.
- A run and its proposals are seen by the people who may draft for its ``owner_unit`` (``may_draft_for``): Văn
  phòng's proposals are not a ward's, and an inspector or an officer sees none (proposals are not yet tasks).
"""

from __future__ import annotations

from sauro.accounts.models import User
from sauro.common import clock
from sauro.extraction.models import ProposalRun
from sauro.org.models import Unit
from sauro.tasks.access import drafting_unit, may_draft_for

ERR_NO_PROPOSE_RIGHT = "Bạn không có quyền soạn nhiệm vụ nên không đề xuất nhiệm vụ từ văn bản được."


def proposing_unit(user: User) -> Unit | None:
    """The unit in whose name the user proposes tasks, or None when they draft for none."""
    if not user.is_authenticated or not user.is_active:
        return None
    return drafting_unit(user)


def may_propose(user: User) -> bool:
    return proposing_unit(user) is not None


def may_act_on_run(user: User, run: ProposalRun) -> bool:
    return user.is_authenticated and user.is_active and may_draft_for(user, run.owner_unit, clock.today())
