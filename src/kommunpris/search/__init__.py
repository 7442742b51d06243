"""Search over the public archive: motivations, municipalities, counties and editions.

Matching is done in Python over a small index of what the public may see, so it gives the same
answers on SQLite and PostgreSQL and understands Swedish: words meet their inflections through
the Swedish Snowball stemmer ("samarbete" finds "samarbeten" and "samarbetar"), compounds meet
their parts ("samverkan" finds "samverkanskultur"), and a written municipality name is resolved
by the register ("Sundsvalls kommun" finds Sundsvall).

`analysis` reads a query and a text into words and stems, `index` gathers what the public may
find, `matching` finds and ranks it, `highlight` marks the words found. The page itself is
`kommunpris.web.search`.
"""
