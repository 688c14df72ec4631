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
from billabex_ui.jobs import job_runs

require_admin()
st.title("Integrations")
show_flash()


def _age(view: svc.IntegrationView) -> str:
    age = view.data_age()
    if age is None:
        return "never synced"
    minutes = int(age.total_seconds() // 60)
    text = (
        f"{minutes} min"
        if minutes < 120
        else f"{minutes // 60} h"
        if minutes < 2880
        else f"{minutes // 1440} days"
    )
    return f"last successful sync {view.last_success_at:%Y-%m-%d %H:%M} UTC — data {text} old"


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
    bar = st.progress(0.0, text=f"Syncing {view.name}…")
    table = st.empty()
    while not live.finished.wait(0.5):
        p = live.progress
        if p is not None:
            bar.progress(p.fraction, text=f"{p.entity}: {p.pages} pages, {p.requests} requests")
            table.dataframe(_counts_table(p.counts), hide_index=True)
    forget(view.id)
    result = live.result
    if result is None:
        st.error(f"Sync not run: {md(live.error or 'unknown reason')}", icon="🚫")
        return
    bar.progress(1.0, text="Done")
    table.dataframe(_counts_table(result.counts), hide_index=True)
    if result.status == SyncStatus.SUCCEEDED:
        st.success(f"Sync {result.status.value}: {result.requests} requests.", icon="✅")
    else:  # partial or failed: said as the card says it after a reload (``_show_last_error``)
        _show_last_error(result.status, result.errors[0] if result.errors else "the sync failed")
    for problem in result.errors[1:5] if result.status == SyncStatus.PARTIAL else []:
        st.caption(f"⚠️ {md(problem)}")


def _show_last_error(status: SyncStatus | None, error: str) -> None:
    """A partial sync (some records could not be stored, the rest is fresh) is a warning, the
    same right after the sync and after a reload; a failed one is an error."""
    if status == SyncStatus.PARTIAL:
        st.warning(f"Last sync partial: {md(error)}", icon="⚠️")
    else:
        st.error(f"Last sync failed: {md(error)}", icon="🚫")


with st.expander("Connect to the demo Pennylane", expanded=False):
    st.caption(
        "Starts a local emulation of Pennylane with made-up customers and invoices (nothing leaves "
        'this machine) and adds the integration "Demo Pennylane". Then click Sync now.'
    )
    if st.button("Connect to the demo Pennylane", key="demo"):
        made = call(
            svc.connect_demo,
            base_url=billabex_sandbox.start_demo(),
            api_token=billabex_sandbox.DEMO_TOKEN,
            actor=current_user(),
        )
        if made is not None:
            st.success(f"{md(made.name)} is ready: click Sync now below.")

with st.expander("Connect to the demo Zoho Books or NetSuite", expanded=False):
    st.caption(
        "Starts a local emulation of Zoho Books (OAuth, data centre, organization) or NetSuite "
        "(token-based authentication, SuiteQL) with made-up data and adds its integration."
    )
    for demo_provider, demo_label in (("zoho_books", "Zoho Books"), ("netsuite", "NetSuite")):
        if st.button(f"Connect to the demo {demo_label}", key=f"demo-{demo_provider}"):
            made = call(
                svc.connect_provider_demo,
                provider=demo_provider,
                config=billabex_sandbox.start_provider_demo(demo_provider),
                actor=current_user(),
            )
            if made is not None:
                st.success(f"{md(made.name)} is ready: click Sync now below.")

views = call(svc.list_integrations) or []
if not views:
    st.info("No integration yet: add a connection below, or try the demo Pennylane.")

for view in views:
    with st.container(border=True):
        state = "enabled" if view.enabled else "disabled"
        st.subheader(f"{md(view.name)} · {view.provider} · {state}")
        st.caption(_age(view) + (" · a sync is running" if view.running else ""))
        if view.last_error:
            _show_last_error(view.last_run.status if view.last_run else None, view.last_error)
        left, mid, right, far = st.columns(4)
        if left.button("Sync now", key=f"sync-{view.id}", type="primary", disabled=view.running):
            _sync(view, full=False)
        if mid.button("Full sync", key=f"full-{view.id}", disabled=view.running):
            _sync(view, full=True)
        elif live_sync(view.id) is not None:  # started earlier, from this page or before a reload
            _follow(view)
        if right.button("Test connection", key=f"test-{view.id}"):
            info = call(svc.test_connection, integration_id=view.id, actor=current_user())
            if info is not None and info.ok:
                st.success(f"Connected to {md(info.company_name)}.")
            elif info is not None:
                st.warning(
                    f"Connected to {md(info.company_name)}, but missing: {md(', '.join(info.missing_scopes))}"
                )
        toggle = far.button("Disable" if view.enabled else "Enable", key=f"toggle-{view.id}")
        if toggle and call(
            svc.set_enabled, integration_id=view.id, enabled=not view.enabled, actor=current_user()
        ):
            st.rerun()
        with st.expander("Settings"):
            st.json(view.settings)
            st.caption(f"Secrets ({md(', '.join(view.secret_keys))}) are stored encrypted and never shown.")
            with st.form(f"settings-{view.id}"):
                excluded = st.text_area(
                    "Excluded customer ids (one per line): never synced",
                    "\n".join(view.excluded_customer_ids),
                )
                schedule = st.number_input("Sync every (minutes)", 5, 10080, view.schedule_minutes)
                secrets = {
                    f.key: st.text_input(
                        f"New {f.label.lower()} (leave empty to keep the current one)",
                        type="password",
                        key=f"secret-{view.id}-{f.key}",
                    )
                    for f in forms.fields(view.provider)
                    if f.secret
                }
                if st.form_submit_button("Save"):
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
                        st.success("Saved.")
        with st.expander("Sync history"):
            history = call(svc.sync_history, integration_id=view.id) or []
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            "started": run.started_at,
                            "finished": run.finished_at,
                            "status": run.status.value,
                            "full": run.full,
                            "requests": run.requests,
                            "changes": ", ".join(
                                f"{e} +{c.get('created', 0)}/~{c.get('updated', 0)}/✗{c.get('failed', 0)}"
                                for e, c in run.counts.items()
                            ),
                            "errors": " | ".join(run.errors[:3]),
                        }
                        for run in history
                    ]
                ),
                hide_index=True,
            )

job_runs(sync_runs, title="Scheduled syncs")  # last and next run of each (the worker runs them)

st.header("Add a connection")
providers = svc.providers()
provider = st.selectbox("Provider", list(providers), format_func=providers.get)
st.caption("Secrets (password fields) are stored encrypted and never shown again.")
with st.form("add-integration"):
    name = st.text_input("Name", placeholder=f"e.g. {providers[provider]} FR")
    data_centre = None
    if provider == "zoho_books":
        centres = forms.data_centres()
        data_centre = st.selectbox("Zoho data centre", list(centres), format_func=centres.get)
    values = {
        f.key: st.text_input(
            f.label,
            type="password" if f.secret else "default",
            help=f.help or None,
        )
        for f in forms.fields(provider)
    }
    excluded_text = st.text_area("Excluded customer ids (optional, one per line)")
    test_first, save = st.columns(2)
    tested = test_first.form_submit_button("Test connection")
    added = save.form_submit_button("Add", type="primary")
config = forms.config_from_form(
    provider, values, excluded_customer_ids=excluded_text.splitlines(), data_centre=data_centre
)
if tested:
    info = call(svc.test_new_connection, provider=provider, config=config, actor=current_user())
    if info is not None:
        st.success(
            f"Connected to {md(info.company_name)}."
            if info.ok
            else f"Missing: {md(', '.join(info.missing_scopes))}"
        )
if added:
    made = call(svc.add_integration, provider=provider, name=name, config=config, actor=current_user())
    if made is not None:
        flash(f"{md(made.name)} added. Click Sync now.")
