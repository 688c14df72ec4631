"""A working day of changes in the Pennylane sandbox (``PennylaneSandbox.mutate``): payments,
other updates, a few new invoices, one deletion, a few customer edits, all in the change logs."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from billabex_sandbox.pennylane_data import INVOICE_BASE

if TYPE_CHECKING:
    from billabex_sandbox.pennylane import PennylaneSandbox


def working_day(sandbox: PennylaneSandbox, fraction: float = 0.01, *, seed: int = 0) -> dict[str, list[int]]:
    """Change about ``fraction`` of the invoices like a working day would: payments on open
    invoices, other updates, a few new invoices, one deletion, a few customer edits."""
    rng = random.Random(seed)
    live = sandbox.invoice_ids()
    picked = rng.sample(live, max(1, min(len(live), round(len(live) * fraction))))
    summary: dict[str, list[int]] = {
        "paid": [],
        "touched": [],
        "added": [],
        "deleted": [],
        "customers": [],
    }
    linked = {INVOICE_BASE + i for pair in sandbox.data.credit_target.items() for i in pair}
    victim = next((i for i in picked if i not in linked), picked[0])  # a plain one if there is
    for invoice_id in (i for i in picked if i != victim):
        item = sandbox.invoice(invoice_id)
        if item["status"] in ("upcoming", "late", "partially_paid") and rng.random() < 0.7:
            sandbox.add_payment(invoice_id)
            summary["paid"].append(invoice_id)
        else:
            sandbox.touch_invoices([invoice_id])
            summary["touched"].append(invoice_id)
    sandbox.delete_invoice(victim)
    summary["deleted"].append(victim)
    customers = sandbox.customer_ids()
    for _ in range(max(1, len(picked) // 20)):
        summary["added"].append(sandbox.add_invoice(rng.choice(customers)))
    for customer_id in rng.sample(customers, max(1, min(len(customers), len(picked) // 50))):
        sandbox.update_customer(customer_id, notes=f"updated {rng.randrange(10**6)}")
        summary["customers"].append(customer_id)
    return summary
