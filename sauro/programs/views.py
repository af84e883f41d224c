"""Pages of work programs: the list, a program with its items, items, tasks from items, Excel in and out.

Reads go through ``programs.selectors`` (another unit's program is a 404); writes through ``programs.services``
and ``programs.importer``. Writing is for the people ``access.may_write_program`` names (403 for others, after
the 404 of an invisible program).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sauro.common import clock
from sauro.common.errors import Conflict, ServiceError, ValidationFailed
from sauro.common.replica import read_only_page
from sauro.common.views import AuthenticatedRequest, render_page
from sauro.org.access import units_visible_to
from sauro.org.selectors import tree_order
from sauro.programs import importer, selectors, services
from sauro.programs.access import may_write_program, program_units_visible_to, writable_units
from sauro.programs.forms import ImportForm, ItemForm, LinkTaskForm, ProgramEditForm, ProgramFilterForm, ProgramForm
from sauro.programs.models import WorkProgram, WorkProgramItem

NAV_SECTION = "programs"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _can_write(request: AuthenticatedRequest, program: WorkProgram) -> bool:
    return may_write_program(request.user, program.unit, clock.today())


def _require_write(request: AuthenticatedRequest, program: WorkProgram) -> None:
    if not _can_write(request, program):
        raise PermissionDenied


def _xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _lead_units(request: AuthenticatedRequest) -> Any:
    return tree_order(units_visible_to(request.user).filter(valid_to__isnull=True))


# --- list and create ----------------------------------------------------------------------------------------------


@read_only_page
@login_required
def program_list_view(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    with_programs = program_units_visible_to(user).filter(work_programs__isnull=False).values("pk")
    units = tree_order(program_units_visible_to(user).filter(pk__in=with_programs))
    form = ProgramFilterForm(request.GET or None, units=units, years=selectors.program_years(user=user))
    unit_id, year = form.values()
    programs = list(selectors.program_list(user=user, filters=selectors.ProgramFilters(unit_id=unit_id, year=year)))
    context = {
        "form": form,
        "programs": programs,
        "is_filtered": form.is_filtered,
        "can_create": writable_units(user, clock.today()).exists(),
        "nav_section": NAV_SECTION,
    }
    return render_page(request, "programs/list.html", context)


@login_required
def program_create_view(request: AuthenticatedRequest) -> HttpResponse:
    units = writable_units(request.user, clock.today())
    if not units.exists():
        raise PermissionDenied
    if request.method == "POST":
        form = ProgramForm(request.POST, units=units)
        if form.is_valid():
            try:
                program = services.program_create(
                    acting_user=request.user,
                    unit_id=form.cleaned_data["unit"],
                    year=form.cleaned_data["year"],
                    quarter=form.cleaned_data.get("quarter"),
                    title=form.cleaned_data.get("title") or "",
                )
            except ValidationFailed as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Đã lập %(title)s.") % {"title": program.title})
                return redirect("programs:detail", program_id=program.pk)
    else:
        form = ProgramForm(units=units, initial={"year": clock.today().year})
    return render(request, "programs/program_form.html", {"form": form, "program": None, "nav_section": NAV_SECTION})


# --- detail -------------------------------------------------------------------------------------------------------


def _detail_context(request: AuthenticatedRequest, program: WorkProgram, **extra: Any) -> dict[str, Any]:
    items = list(selectors.program_items(program=program))
    return {
        "program": program,
        "groups": selectors.group_items(items),
        "item_count": len(items),
        "task_count": sum(1 for i in items if i.task_id),
        "can_write": _can_write(request, program),
        "import_form": ImportForm(),
        "max_import_mb": importer.MAX_IMPORT_BYTES // (1024 * 1024),
        "max_import_rows": importer.MAX_IMPORT_ROWS,
        "nav_section": NAV_SECTION,
        **extra,
    }


@login_required
def program_detail_view(request: AuthenticatedRequest, program_id: int) -> HttpResponse:
    program = selectors.program_get(user=request.user, program_id=program_id)
    return render(request, "programs/detail.html", _detail_context(request, program))


@login_required
def program_edit_view(request: AuthenticatedRequest, program_id: int) -> HttpResponse:
    program = selectors.program_get(user=request.user, program_id=program_id)
    _require_write(request, program)
    conflict = None
    if request.method == "POST":
        form = ProgramEditForm(request.POST)
        if form.is_valid():
            try:
                services.program_update(
                    acting_user=request.user,
                    program=program,
                    expected_version=form.cleaned_data["version"],
                    title=form.cleaned_data["title"],
                    state=form.cleaned_data["state"],
                )
            except Conflict as exc:
                conflict = exc
                current = selectors.program_get(user=request.user, program_id=program_id)
                data = request.POST.copy()
                data["version"] = str(current.version)
                form = ProgramEditForm(data)
                form.is_valid()
            except ValidationFailed as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Đã lưu chương trình."))
                return redirect("programs:detail", program_id=program.pk)
    else:
        form = ProgramEditForm(initial={"title": program.title, "state": program.state, "version": program.version})
    context = {"form": form, "program": program, "conflict": conflict, "nav_section": NAV_SECTION}
    return render(request, "programs/program_form.html", context, status=409 if conflict else 200)


# --- items --------------------------------------------------------------------------------------------------------


@login_required
def item_create_view(request: AuthenticatedRequest, program_id: int) -> HttpResponse:
    program = selectors.program_get(user=request.user, program_id=program_id)
    _require_write(request, program)
    units = _lead_units(request)
    if request.method == "POST":
        form = ItemForm(request.POST, units=units)
        if form.is_valid():
            try:
                item = services.item_create(acting_user=request.user, program=program, data=form.to_input())
            except ValidationFailed as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Đã thêm mục %(key)s.") % {"key": item.key})
                return redirect(reverse("programs:detail", args=[program.pk]) + f"#muc-{item.pk}")
    else:
        form = ItemForm(units=units, initial={"quarter": program.quarter})
    context = {"form": form, "program": program, "item": None, "nav_section": NAV_SECTION}
    return render(request, "programs/item_form.html", context)


def _link_choices(request: AuthenticatedRequest, item: WorkProgramItem) -> list[Any]:
    return list(selectors.linkable_tasks(user=request.user, item=item))


@login_required
def item_edit_view(request: AuthenticatedRequest, program_id: int, item_id: int) -> HttpResponse:
    item = selectors.item_get(user=request.user, program_id=program_id, item_id=item_id)
    program = item.program
    _require_write(request, program)
    units = _lead_units(request)
    conflict = None
    if request.method == "POST":
        form = ItemForm(request.POST, units=units)
        if form.is_valid():
            try:
                updated = services.item_update(
                    acting_user=request.user,
                    item=item,
                    expected_version=form.cleaned_data.get("version") or 0,
                    data=form.to_input(),
                )
            except Conflict as exc:
                # Keep what the person typed; take the current version so that saving again overwrites knowingly.
                conflict = exc
                current = selectors.item_get(user=request.user, program_id=program_id, item_id=item_id)
                data = request.POST.copy()
                data["version"] = str(current.version)
                form = ItemForm(data, units=units)
                form.is_valid()
            except ValidationFailed as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Đã lưu mục %(key)s.") % {"key": updated.key})
                return redirect(reverse("programs:detail", args=[program.pk]) + f"#muc-{updated.pk}")
    else:
        form = ItemForm(units=units, initial=ItemForm.initial_for(item))
    context = {
        "form": form,
        "program": program,
        "item": item,
        "conflict": conflict,
        "link_tasks": _link_choices(request, item),
        "nav_section": NAV_SECTION,
    }
    return render(request, "programs/item_form.html", context, status=409 if conflict else 200)


@login_required
@require_POST
def item_delete_view(request: AuthenticatedRequest, program_id: int, item_id: int) -> HttpResponse:
    item = selectors.item_get(user=request.user, program_id=program_id, item_id=item_id)
    _require_write(request, item.program)
    services.item_delete(acting_user=request.user, item=item)
    messages.success(request, _("Đã xóa mục %(key)s.") % {"key": item.key})
    return redirect("programs:detail", program_id=program_id)


@login_required
@require_POST
def item_create_task_view(request: AuthenticatedRequest, program_id: int, item_id: int) -> HttpResponse:
    item = selectors.item_get(user=request.user, program_id=program_id, item_id=item_id)
    _require_write(request, item.program)
    try:
        task = services.item_create_task(acting_user=request.user, item=item)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("programs:detail", args=[program_id]) + f"#muc-{item.pk}")
    messages.success(
        request,
        _("Đã tạo dự thảo nhiệm vụ từ mục %(key)s. Hãy bổ sung cho đủ “6 rõ” trước khi giao.") % {"key": item.key},
    )
    return redirect("tasks:detail", task_id=task.pk)


@login_required
@require_POST
def item_link_task_view(request: AuthenticatedRequest, program_id: int, item_id: int) -> HttpResponse:
    item = selectors.item_get(user=request.user, program_id=program_id, item_id=item_id)
    _require_write(request, item.program)
    form = LinkTaskForm(request.POST)
    task_id = form.cleaned_data.get("task") if form.is_valid() else None
    if task_id is None and "unlink" not in request.POST:
        messages.error(request, _("Hãy chọn nhiệm vụ để gắn."))
        return redirect("programs:item_edit", program_id=program_id, item_id=item.pk)
    unlink = "unlink" in request.POST
    try:
        services.item_link_task(acting_user=request.user, item=item, task_id=None if unlink else task_id)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("programs:item_edit", program_id=program_id, item_id=item.pk)
    if unlink:
        messages.success(request, _("Đã bỏ gắn nhiệm vụ."))
    else:
        messages.success(request, _("Đã gắn mục %(key)s với nhiệm vụ.") % {"key": item.key})
    return redirect(reverse("programs:detail", args=[program_id]) + f"#muc-{item.pk}")


# --- Excel --------------------------------------------------------------------------------------------------------


@login_required
@require_POST
def program_import_view(request: AuthenticatedRequest, program_id: int) -> HttpResponse:
    program = selectors.program_get(user=request.user, program_id=program_id)
    _require_write(request, program)
    upload = request.FILES.get("file")
    try:
        result = importer.import_program(acting_user=request.user, program=program, upload=upload)
    except importer.ImportFailed as exc:
        errors = exc.errors
        context = _detail_context(
            request,
            program,
            import_errors=errors[: importer.MAX_ERRORS_SHOWN],
            import_errors_more=max(0, len(errors) - importer.MAX_ERRORS_SHOWN),
            import_filename=upload.name if upload is not None else "",
        )
        return render(request, "programs/detail.html", context, status=422)
    messages.success(
        request,
        _("Đã nhập tệp Excel: %(created)s mục mới, %(updated)s mục được cập nhật, %(unchanged)s mục không thay đổi.")
        % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
    )
    return redirect("programs:detail", program_id=program.pk)


@login_required
@require_GET
def template_download_view(request: AuthenticatedRequest) -> HttpResponse:
    return _xlsx_response(importer.template_bytes(user=request.user), importer.TEMPLATE_FILENAME)


@read_only_page
@login_required
@require_GET
def program_export_view(request: AuthenticatedRequest, program_id: int) -> HttpResponse:
    program = selectors.program_get(user=request.user, program_id=program_id)
    items = selectors.program_items(program=program)
    name = slugify(f"chuong-trinh-cong-tac-{program.unit.code}-{program.year}-q{program.quarter or 0}") or "ctct"
    return _xlsx_response(importer.program_to_xlsx(program, items), f"{name}.xlsx")
