"""The supervisor's review: funnel, needs attention, workload, charts (SVG) and safe exports.

Reads every other feature and changes none of their tables. It keeps two small tables of its own:
the stage spans derived from the event log (`stages`), and the grounds of a refusal recorded on a
refused case (`operations`). See `queries`, `attention`, `charts`, `exports` and `views`.
"""
