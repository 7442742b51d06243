"""The jury: membership, conflicts of interest, rubric, scoring rounds, final ballot and decision."""
