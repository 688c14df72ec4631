"""Integrations (administrators): connect a billing tool, test it, exclude customers, sync now
with live progress, and read the sync history. Credentials are never shown again once saved."""

import pandas as pd
import streamlit as st

import billabex_sandbox
from billabex_core.jobs.background import forget, live_sync, start_sync
from billabex_core.jobs.runs import sync_runs
from billabex_core.models import SyncStatus
from billabex_core.services import integration_forms as forms
from billabex_core.services import integrations as svc
from billabex_ui import call, current_user, flash, md, require_admin, show_flash
from billabex_ui.feedback import stored_text
from billabex_ui.format import label, moment, number
from billabex_ui.i18n import t
from billabex_ui.jobs import job_runs

require_admin()
st.title(t("nav.integrations"))
show_flash()


def _age(view: svc.IntegrationView) -> str:
    age = view.data_age()
    if age is None:
        return t("intg.never_synced")
    minutes = int(age.total_seconds() // 60)
    text = (
        t("intg.age.minutes", count=number(minutes))
        if minutes < 120
        else t("intg.age.hours", count=number(minutes // 60))
        if minutes < 2880
        else t("intg.age.days", count=number(minutes // 1440))
    )
    return t("intg.last_success", when=moment(view.last_success_at), age=text)


def _field_text(provider: str, key: str, kind: str, default: str) -> str:
    """A connection field's label or help in the user's language (the provider's own words for
    what its console calls so)."""
    text_key = f"intg.{kind}.{provider}.{key}"
    return t(text_key) if default else default


def _counts_table(counts: dict) -> pd.DataFrame:
    rows = [{"entity": entity, **(c if isinstance(c, dict) else c.as_dict())} for entity, c in counts.items()]
    return pd.DataFrame(rows)


def _sync(view: svc.IntegrationView, full: bool) -> None:
    """Start the sync on the app's background thread, then follow it (``jobs.background``)."""
    if call(start_sync, integration_id=view.id, actor=current_user(), full=full) is not None:
        _follow(view)


def _follow(view: svc.IntegrationView) -> None:
    """Live progress of the sync started from a screen, then its outcome, shown once. Leaving the
    page stops this display, never the sync: coming back shows it again where it is."""
    live = live_sync(view.id)
    if live is None:
        return
    bar = st.progress(0.0, text=t("intg.syncing", name=md(view.name)))  # st.progress reads markdown
    table = st.empty()
    while not live.finished.wait(0.5):
        p = live.progress
        if p is not None:
            bar.progress(
                p.fraction, text=t("intg.progress", entity=p.entity, pages=p.pages, requests=p.requests)
            )
            table.dataframe(_counts_table(p.counts), hide_index=True)
    forget(view.id)
    result = live.result
    if result is None:
        st.error(
            t("intg.not_run", reason=stored_text(live.error) if live.error else t("intg.unknown")),
            icon=":material/block:",
        )
        return
    bar.progress(1.0, text=t("intg.done"))
    table.dataframe(_counts_table(result.counts), hide_index=True)
    if result.status == SyncStatus.SUCCEEDED:
        st.success(t("intg.succeeded", requests=number(result.requests)), icon=":material/check_circle:")
    else:  # partial or failed: said as the card says it after a reload (``_show_last_error``)
        _show_last_error(result.status, result.errors[0] if result.errors else t("intg.failed_plain"))
    for problem in result.errors[1:5] if result.status == SyncStatus.PARTIAL else []:
        st.caption(f":material/warning: {stored_text(problem)}")


def _show_last_error(status: SyncStatus | None, error: str) -> None:
    """A partial sync (some records could not be stored, the rest is fresh) is a warning, the
    same right after the sync and after a reload; a failed one is an error."""
    if status == SyncStatus.PARTIAL:
        st.warning(t("intg.last_partial", error=stored_text(error)), icon=":material/warning:")
    else:
        st.error(t("intg.last_failed", error=stored_text(error)), icon=":material/block:")


with st.expander(t("intg.demo"), expanded=False):
    st.caption(t("intg.demo_caption"))
    if st.button(t("intg.demo"), key="demo"):
        made = call(
            svc.connect_demo,
            base_url=billabex_sandbox.start_demo(),
            api_token=billabex_sandbox.DEMO_TOKEN,
            actor=current_user(),
        )
        if made is not None:
            st.success(t("intg.ready", name=md(made.name)))

with st.expander(t("intg.demo_others"), expanded=False):
    st.caption(t("intg.demo_others_caption"))
    for demo_provider, demo_label in (("zoho_books", "Zoho Books"), ("netsuite", "NetSuite")):
        if st.button(t("intg.demo_one", provider=demo_label), key=f"demo-{demo_provider}"):
            made = call(
                svc.connect_provider_demo,
                provider=demo_provider,
                config=billabex_sandbox.start_provider_demo(demo_provider),
                actor=current_user(),
            )
            if made is not None:
                st.success(t("intg.ready", name=md(made.name)))

views = call(svc.list_integrations) or []
if not views:
    st.info(t("intg.none"))

for view in views:
    with st.container(border=True):
        state = t("intg.enabled") if view.enabled else t("intg.disabled")
        st.subheader(f"{md(view.name)} · {label(view.provider)} · {state}")
        st.caption(_age(view) + (f" · {t('intg.running')}" if view.running else ""))
        if view.last_error:
            _show_last_error(view.last_run.status if view.last_run else None, view.last_error)
        left, mid, right, far = st.columns(4)
        if left.button(t("intg.sync_now"), key=f"sync-{view.id}", type="primary", disabled=view.running):
            _sync(view, full=False)
        if mid.button(t("intg.full_sync"), key=f"full-{view.id}", disabled=view.running):
            _sync(view, full=True)
        elif live_sync(view.id) is not None:  # started earlier, from this page or before a reload
            _follow(view)
        if right.button(t("intg.test"), key=f"test-{view.id}"):
            info = call(svc.test_connection, integration_id=view.id, actor=current_user())
            if info is not None and info.ok:
                st.success(t("intg.connected", company=md(info.company_name)))
            elif info is not None:
                missing = md(", ".join(info.missing_scopes))
                st.warning(t("intg.connected_missing", company=md(info.company_name), missing=missing))
        toggle = far.button(
            t("set.action.disable") if view.enabled else t("set.action.enable"), key=f"toggle-{view.id}"
        )
        if toggle and call(
            svc.set_enabled, integration_id=view.id, enabled=not view.enabled, actor=current_user()
        ):
            st.rerun()
        with st.expander(t("nav.settings")):
            st.json(view.settings)
            st.caption(t("intg.secrets", keys=md(", ".join(view.secret_keys))))
            with st.form(f"settings-{view.id}"):
                excluded = st.text_area(t("intg.excluded"), "\n".join(view.excluded_customer_ids))
                schedule = st.number_input(t("intg.schedule"), 5, 10080, view.schedule_minutes)
                secrets = {
                    f.key: st.text_input(
                        t("intg.new_secret", label=_field_text(view.provider, f.key, "field", f.label)),
                        type="password",
                        key=f"secret-{view.id}-{f.key}",
                    )
                    for f in forms.fields(view.provider)
                    if f.secret
                }
                if st.form_submit_button(t("set.save")):
                    saved = call(
                        svc.update_integration,
                        integration_id=view.id,
                        excluded_customer_ids=[
                            line.strip() for line in excluded.splitlines() if line.strip()
                        ],
                        schedule_minutes=int(schedule),
                        config={k: v for k, v in secrets.items() if v} or None,
                        actor=current_user(),
                    )
                    if saved is not None:
                        st.success(t("intg.saved"))
        with st.expander(t("intg.history")):
            history = call(svc.sync_history, integration_id=view.id) or []
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            t("intg.col.started"): moment(run.started_at),
                            t("intg.col.finished"): moment(run.finished_at),
                            t("col.status"): label(run.status),
                            t("intg.col.full"): run.full,
                            t("intg.col.requests"): run.requests,
                            t("intg.col.changes"): ", ".join(
                                f"{e} +{c.get('created', 0)}/~{c.get('updated', 0)}/✗{c.get('failed', 0)}"
                                for e, c in run.counts.items()
                            ),
                            t("intg.col.errors"): " | ".join(
                                stored_text(e, markdown=False) for e in run.errors[:3]
                            ),
                        }
                        for run in history
                    ]
                ),
                hide_index=True,
            )

job_runs(sync_runs, title=t("intg.jobs_title"))  # last and next run of each (the worker runs them)

st.header(t("intg.add_title"))
providers = svc.providers()
provider = st.selectbox(t("home.col.provider"), list(providers), format_func=providers.get)
st.caption(t("intg.add_caption"))
with st.form("add-integration"):
    name = st.text_input(
        t("contact.name"), placeholder=t("intg.name_placeholder", provider=providers[provider])
    )
    data_centre = None
    if provider == "zoho_books":
        centres = forms.data_centres()
        data_centre = st.selectbox(t("intg.data_centre"), list(centres), format_func=centres.get)
    values = {
        f.key: st.text_input(
            _field_text(provider, f.key, "field", f.label),
            type="password" if f.secret else "default",
            help=_field_text(provider, f.key, "help", f.help) or None,
        )
        for f in forms.fields(provider)
    }
    excluded_text = st.text_area(t("intg.excluded_optional"))
    test_first, save = st.columns(2)
    tested = test_first.form_submit_button(t("intg.test"))
    added = save.form_submit_button(t("set.add"), type="primary")
config = forms.config_from_form(
    provider, values, excluded_customer_ids=excluded_text.splitlines(), data_centre=data_centre
)
if tested:
    info = call(svc.test_new_connection, provider=provider, config=config, actor=current_user())
    if info is not None:
        st.success(
            t("intg.connected", company=md(info.company_name))
            if info.ok
            else t("intg.missing", missing=md(", ".join(info.missing_scopes)))
        )
if added:
    made = call(svc.add_integration, provider=provider, name=name, config=config, actor=current_user())
    if made is not None:
        flash(t("intg.added", name=md(made.name)))
