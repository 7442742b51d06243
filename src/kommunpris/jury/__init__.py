"""The jury: membership, conflicts of interest, rubric, scoring rounds, ballot and decision."""
