"""The annual acceptance campaign (年度达标验收, SPEC §6): 自评 → 审核 → 抽验 →
公示 → 评定 → 整改 with frozen evidence.

- `rules`: the pure parts (final score by mode, working days, the
  reproducible sample, frozen facts to and from JSON);
- `permissions`: who may do what, asked through `branches.scoping`;
- `services`: every write, each with `actor`, one transaction and a
  `Transition` row;
- `selectors`: reads (queues, progress, drift between frozen and fresh facts);
- `api`, `views`, `urls`: the REST endpoints and the pages.
"""
