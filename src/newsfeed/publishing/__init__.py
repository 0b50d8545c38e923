"""Publishing a site's feeds from cron: the site model, plans, size budgets,
archives, the lock, WebSub.

A `Site` names any number of `FeedPlan`s (the main feed, feeds selected by
category, author or language, and fan-outs that make one feed per value);
`publish` reads the sources into the site index (again only those that
changed), renders each feed, keeps it under its size budget, splits older
entries into RFC 5005 archive pages, and writes only what changed, each file
atomically, under a lock so that two runs never interleave (the run that holds
it first removes the temporary files a killed run left). With a WebSub hub,
`ping_hub` tells the hub of every feed the run changed, or an earlier run left
queued.

Everything public is importable from this package. Its modules, in the order
they import one another:

- `plans`: the folder of each fan-out value, and plans that cannot collide;
- `site`: `Site`, `FeedPlan`, `Selection`, `Outcome`, and the feeds' URLs;
- `lock`: `locked`, the output folder's lock;
- `websub`: `ping_hub`, `notify_hub`, the queue of pings;
- internal: `_budget` (the size budget), `_jobs` (rendering jobs and their
  digests), `_archives` (archive pages), `_rendering` (rendering a job),
  `_site_index` (where the site index is kept, and opening it), `_recorded`
  (the documents recorded, against their files), `_publisher` (`publish`).
"""

from __future__ import annotations

from newsfeed.publishing._archives import ARCHIVE_FORMATS
from newsfeed.publishing._budget import DEFAULT_MAX_BYTES, fit
from newsfeed.publishing._publisher import publish
from newsfeed.publishing._site_index import default_cache_folder
from newsfeed.publishing.lock import LOCK_NAME, LockTimeout, locked
from newsfeed.publishing.plans import ARCHIVE_FOLDER, PlanCollision, fan_out_folder
from newsfeed.publishing.site import FeedPlan, Outcome, Selection, Site, expand, folder_url
from newsfeed.publishing.websub import (
    PENDING_PINGS_NAME,
    Poster,
    changed_feed_urls,
    notify_hub,
    ping_hub,
)

__all__ = [
    "ARCHIVE_FOLDER",
    "ARCHIVE_FORMATS",
    "DEFAULT_MAX_BYTES",
    "LOCK_NAME",
    "PENDING_PINGS_NAME",
    "FeedPlan",
    "LockTimeout",
    "Outcome",
    "PlanCollision",
    "Poster",
    "Selection",
    "Site",
    "changed_feed_urls",
    "default_cache_folder",
    "expand",
    "fan_out_folder",
    "fit",
    "folder_url",
    "locked",
    "notify_hub",
    "ping_hub",
    "publish",
]
