"""The collection agent (domain.md §6): deterministic rules, no LLM.

``business_days`` counts working days per country, ``plan`` decides the next reminder of each
account (pure functions), ``templates`` writes it in the contact's language and tone, and
``run`` recomputes statuses, opens tasks, stores the plan and delivers what is due exactly once.
"""
