"""Pennylane v2 JSON of the sandbox's customers and their contacts.

A customer is drawn from its own generator (``PennylaneData.customer_rng``), in a fixed order
of draws, then the overrides of later mutations are laid over it; its contacts come from a
second generator, so either can change without moving the other.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from billabex_sandbox.pennylane_data import CUSTOMER_BASE, SPAN_DAYS, PennylaneData
from billabex_sandbox.pennylane_fakes import (
    CITIES,
    EMAIL_WORD,
    FIRST_NAMES,
    LAST_NAMES,
    STREETS,
    TERMS,
    TLD,
    TRADES,
    country_row,
    fake_vat,
    iso,
    name_pool,
    pick_country,
    slug,
)

_ROLES = ("accountant", "CFO", "office manager", "owner", "")
_DEFAULT_STREETS = ("High Street", "Main Street", "Station Road")


@dataclass(frozen=True, slots=True)
class _Identity:
    country: str
    language: str
    first: str
    last: str
    individual: bool
    name: str


def _identity(rng: random.Random) -> _Identity:
    country = pick_country(rng)
    _, _, language, _, forms = country_row(country)
    names = name_pool(country)
    first, last = rng.choice(FIRST_NAMES[names]), rng.choice(LAST_NAMES[names])
    individual = rng.random() < 0.2
    name = f"{first} {last}" if individual else f"{last} {rng.choice(TRADES[names])} {rng.choice(forms)}"
    return _Identity(country, language, first, last, individual, name)


def _email(who: _Identity) -> str:
    if who.individual:
        return f"{slug(who.first)}.{slug(who.last)}@example.org"
    domain = f"{slug(who.name)}.{TLD.get(who.country, who.country.lower())}"
    return f"{EMAIL_WORD.get(who.country, 'accounts')}@{domain}"


def _links(base_url: str, customer_id: int) -> dict[str, Any]:
    return {
        "mandates": {"url": f"{base_url}/gocardless_mandates?customer_id={customer_id}"},
        "pro_account_mandates": {"url": f"{base_url}/pro_account/mandates?customer_id={customer_id}"},
        "contacts": {"url": f"{base_url}/customers/{customer_id}/contacts"},
    }


def customer(data: PennylaneData, index: int, base_url: str) -> dict[str, Any]:
    rng = data.customer_rng(index)
    who = _identity(rng)
    vat, reg_no = fake_vat(who.country, rng)
    postal, city = rng.choice(CITIES[who.country])
    street = rng.choice(STREETS.get(who.country, _DEFAULT_STREETS))
    created = data.moment(rng, data.today.toordinal() - SPAN_DAYS - 60 + index % 60)
    terms = rng.choice(TERMS)[0]
    customer_id = CUSTOMER_BASE + index
    address = {
        "address": f"{rng.randint(1, 180)} {street}",
        "postal_code": postal,
        "city": city,
        "country_alpha2": who.country,
    }
    item: dict[str, Any] = {
        "id": customer_id,
        "name": who.name,
        "billing_iban": None,
        "payment_conditions": terms,
        "recipient": f"{who.first} {who.last}",
        "phone": f"+33{rng.randrange(600000000, 799999999)}" if who.country == "FR" else "",
        "reference": f"CLI-{customer_id}",
        "notes": None,
        "ledger_account": {"id": 40_000 + index},
        "emails": [] if rng.random() < 0.1 else [_email(who)],
        "billing_address": address,
        "delivery_address": dict(address),
        "created_at": iso(created),
        "updated_at": iso(min(created + timedelta(days=rng.randint(0, 400)), data.ceiling)),
        "customer_type": "individual" if who.individual else "company",
        "external_reference": f"{data.seed:04x}-{customer_id:08x}",
        "billing_language": who.language,
        **_links(base_url, customer_id),
    }
    if who.individual:
        item.update(first_name=who.first, last_name=who.last)
    else:
        item.update(vat_number=vat or "", reg_no=reg_no)
    item.update(data.customer_overrides.get(index, {}))
    return item


def contacts(data: PennylaneData, index: int, base_url: str) -> list[dict[str, Any]]:
    item = customer(data, index, base_url)
    rng = random.Random(data.seed * 104_729 + index)
    none_share = 0.6 if item["customer_type"] == "individual" else 0.15
    count = 0 if rng.random() < none_share else rng.choice((1, 1, 2, 3))
    names = name_pool(item["billing_address"]["country_alpha2"])
    domain = item["emails"][0].split("@")[1] if item["emails"] else "example.org"
    found = [_contact(rng, item, n, names, domain) for n in range(count)]
    changed = [{**c, **data.contact_overrides.get(c["id"], {})} for c in found]
    return [c for c in changed if not c.pop("deleted", False)]  # (a contact person removed)


def _contact(rng: random.Random, item: dict[str, Any], n: int, names: str, domain: str) -> dict[str, Any]:
    first, last = rng.choice(FIRST_NAMES[names]), rng.choice(LAST_NAMES[names])
    role = rng.choice(_ROLES)
    email = f"{slug(first)}.{slug(last)}@{domain}" if rng.random() > 0.05 else ""
    pairs = " ".join(str(rng.randrange(10, 99)) for _ in range(4))
    return {
        "id": item["id"] * 10 + n,
        "first_name": first,
        "last_name": last,
        "role": role,
        "email": email,
        "telephone_number": f"+33 1 {pairs}",
        "mobile_number": "",
        "created_at": item["created_at"],
        "updated_at": item["updated_at"],
    }
