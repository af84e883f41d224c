"""Pages of tasks: the list (with counts of the four reporting states and an Excel export), "Việc của tôi", the
unit's inbox, a task with its six-clear panel, timeline and the actions the user may take, and the draft form.

Reads go through ``tasks.selectors`` (another unit's task is a 404 here exactly as in the API); writes through
``tasks.services``; who may do what is ``tasks.access``. A refused action is shown next to its form in Vietnamese,
never as a 500; a task changed by someone else meanwhile (409) says so, with a reload link, and keeps what the person
typed.

- ``lists``: the list, its counts and export, "Việc của tôi", the unit's inbox, the panel on a directive's page;
- ``actions``: the action table of a task's page and what other apps add to it;
- ``detail``: a task's page and the view that performs one action;
- ``files``: the download of a submitted product's files;
- ``edit``: the draft form and its fragments.

The timeline's wording is ``tasks.timeline``.
"""

from sauro.tasks.access import drafting_unit, may_edit
from sauro.tasks.views.actions import (
    ACTIONS,
    ActionPanel,
    ActionSpec,
    Button,
    Failure,
    TaskPageExtras,
    TaskPageSection,
    register_task_page_extension,
)
from sauro.tasks.views.detail import task_action_view, task_detail_view
from sauro.tasks.views.edit import lead_options_view, six_clears_check_view, task_create_view, task_edit_view
from sauro.tasks.views.files import submission_file_download_view
from sauro.tasks.views.lists import (
    LIST_ROW_FIELDS,
    PAGE_SIZE,
    XLSX_CONTENT_TYPE,
    directive_tasks_panel,
    my_tasks_view,
    task_counts_view,
    task_export_view,
    task_list_view,
    unit_inbox_view,
)

__all__ = [
    "ACTIONS",
    "LIST_ROW_FIELDS",
    "PAGE_SIZE",
    "XLSX_CONTENT_TYPE",
    "ActionPanel",
    "ActionSpec",
    "Button",
    "Failure",
    "TaskPageExtras",
    "TaskPageSection",
    "directive_tasks_panel",
    "drafting_unit",
    "lead_options_view",
    "may_edit",
    "my_tasks_view",
    "register_task_page_extension",
    "six_clears_check_view",
    "submission_file_download_view",
    "task_action_view",
    "task_counts_view",
    "task_create_view",
    "task_detail_view",
    "task_edit_view",
    "task_export_view",
    "task_list_view",
    "unit_inbox_view",
]
