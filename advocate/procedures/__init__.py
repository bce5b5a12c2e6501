"""Transfer procedures: route definitions as data, sentence arithmetic, eligibility."""
