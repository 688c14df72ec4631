"""Tasks and disabled logins through AppTest (issue #17): a disabled login is not offered as an
assignee, and a task still assigned to one says so in the list and on the task."""

from __future__ import annotations

from billabex_core.db.engine import session_scope
from billabex_core.models import TaskKind
from billabex_core.services.tasks import open_task
from billabex_core.services.users import add_user, set_active
from tests.ui.conftest import shown


def test_a_disabled_login_is_not_offered_and_is_shown_as_disabled(app) -> None:  # type: ignore[no-untyped-def]
    with session_scope() as s:
        for name in ("bob", "carl"):
            add_user(
                session=s,
                username=name,
                email=f"{name}@example.com",
                name=name.title(),
                password="0123456789ab",
                language="en",
            )
        task = open_task(
            session=s, kind=TaskKind.DISPUTE, subject="Call Globex", message="m", actor="t", assignees=["bob"]
        )
        task_id = task.id
    with session_scope() as s:
        set_active(session=s, username="bob", active=False, actor="alice")
    at = app("pages/tasks.py")
    at.toggle(key="task_mine").set_value(False).run()
    assert list(at.dataframe[0].value.iloc[:, 5]) == ["bob (disabled)"]  # the "Assigned to" column
    at.query_params["task"] = str(task_id)
    at.run()
    assert not at.exception, at.exception
    assert at.multiselect(key="assignees").options == ["alice", "carl"]  # bob is not offered
    header = " ".join(shown(m.value) for m in at.markdown)
    assert "bob (disabled)" in header
    captions = " ".join(shown(c.value) for c in at.caption)
    assert "Disabled login, no longer offered: bob" in captions
