"""The licence of the archive's open data, named by its canonical URI everywhere it is given.

CC0 1.0: the winners, motivations, editions and results are facts and public-sector texts that
anyone may reuse without conditions, which is what Sweden's data portal recommends for public
bodies' open data. The URI is written exactly as the portal and DCAT-AP expect it (http, with
the closing slash); any other spelling counts there as another licence.
"""

from __future__ import annotations

LICENCE_URI = "http://creativecommons.org/publicdomain/zero/1.0/"
LICENCE_NAME = "CC0 1.0 Universal"
LICENCE_SPDX = "CC0-1.0"
# A Link header that names the licence on every open-data response (RFC 8288, RFC 4946).
LICENCE_LINK = f'<{LICENCE_URI}>; rel="license"'
