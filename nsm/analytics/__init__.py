"""Analysis: read-only roll-ups of the plan and its approved monitoring data, computed in SQL.

The only place that knows how a rate, an achievement or an execution figure is computed. Pages, the API and the
documents call these functions and get small frozen dataclasses back:

- `implementation.implementation(filters, period, by)`: activities by status, implementation and on-schedule rates;
- `indicators.achievement(filters, period)`: baseline, target, actual, progress and band per indicator;
- `budget.budget(filters, period, by)`: planned cost by source against spending, funding gap;
- `compliance.compliance(strategy)`: per institution and cycle, submitted on time, late or missing;
- `alignment.gcm_alignment(filters, period)`: the 23 GCM objectives against the plan, the guiding principles;
- `policy_gap.policy_gaps(strategies)`: strategies and action plans about to end without a successor.

`groups.Filters` narrows any of them to a goal, a lead institution or a GCM objective; `by` groups by goal,
objective, measure, institution, gcm, sdg, target_group, gender_marker (and year for the budget).
"""
