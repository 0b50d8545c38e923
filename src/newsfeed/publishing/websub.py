"""WebSub: telling a site's hub which subscription feeds changed.

With a hub, the feeds a run is about to write are queued for a ping before
they are written (`.newsfeed-websub-pending.json` in the output folder), so
that a run killed before its pings leaves them to the next; `ping_hub` then
tells the hub of every feed queued and keeps those whose ping failed queued.
"""

from __future__ import annotations

import contextlib
import json
import time
import urllib.error
import urllib.parse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from newsfeed.files import write_if_changed
from newsfeed.model import InputWarning, Problem
from newsfeed.publishing.lock import locked
from newsfeed.publishing.plans import ARCHIVE_FOLDER
from newsfeed.publishing.site import Outcome, Site, folder_url

PENDING_PINGS_NAME = ".newsfeed-websub-pending.json"

Poster = Callable[[str, bytes, float], int]


def _post(url: str, body: bytes, timeout: float) -> int:
    # Imported here: HTTP, TLS and email parsing cost a build that pings no hub.
    import urllib.request

    request = urllib.request.Request(
        url,
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        status: int = response.status
        return status


def notify_hub(
    hub: str,
    feed_urls: Sequence[str],
    *,
    timeout: float = 10.0,
    attempts: int = 3,
    backoff: float = 1.0,
    post: Poster = _post,
) -> list[Problem]:
    """Tell a WebSub hub that `feed_urls` changed; problems for pings that failed.

    Each URL is pinged with `hub.mode=publish`, retried with a growing pause
    on a network error or a 5xx answer. Nothing on disk depends on it.
    """
    failures = {url: _ping(hub, url, timeout, attempts, backoff, post) for url in feed_urls}
    return [
        InputWarning(hub, None, None, f"WebSub ping for {url} failed: {failure}")
        for url, failure in failures.items()
        if failure
    ]


def ping_hub(site: Site, outcome: Outcome, **options: Any) -> list[Problem]:
    """Ping the site's hub for every feed queued (by this run, or by one that was
    killed or whose ping failed) and those `outcome` changed; keep queued those
    whose ping failed, so that a hub that was down hears of them on the next run.

    The queue is `.newsfeed-websub-pending.json` in the output folder;
    `options` go to `notify_hub`.
    """
    hub = site.settings.websub_hub
    if not hub:
        return []
    with locked(site.out, site.lock_timeout):
        urls = [*queued_pings(site), *changed_feed_urls(site, outcome)]
        problems: list[Problem] = []
        failed = []
        for url in dict.fromkeys(urls):
            found = notify_hub(hub, [url], **options)
            if found:
                failed.append(url)
                problems.extend(found)
        queue_pings(site, failed)
    return problems


def queued_pings(site: Site) -> list[str]:
    """The feed URLs queued for a ping (a damaged queue is an empty one)."""
    stored = _read_json(site.out / PENDING_PINGS_NAME)
    return [url for url in stored if isinstance(url, str)] if isinstance(stored, list) else []


def queue_pings(site: Site, urls: Sequence[str]) -> None:
    """Make the feeds `urls` (in that order, once each) what is queued for a ping."""
    path = site.out / PENDING_PINGS_NAME
    if urls:
        # Atomic and fsynced: a queue that a crash lost would leave a hub unaware.
        write_if_changed(path, (json.dumps(list(dict.fromkeys(urls)), indent=1) + "\n").encode())
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _ping(hub: str, url: str, timeout: float, attempts: int, backoff: float, post: Poster) -> str:
    """Why pinging `hub` for `url` failed, or "" when the hub took it."""
    body = urllib.parse.urlencode({"hub.mode": "publish", "hub.url": url}).encode()
    failure = ""
    for attempt in range(attempts):
        try:
            status = post(hub, body, timeout)
        except urllib.error.HTTPError as error:
            status, failure = error.code, f"HTTP {error.code}"
        except (OSError, ValueError) as error:
            status, failure = 0, str(getattr(error, "reason", error))
        if 200 <= status < 300:
            return ""
        failure = failure or f"HTTP {status}"
        if 400 <= status < 500:
            break  # the hub refuses this request; asking again will not help
        if attempt + 1 < attempts:
            time.sleep(backoff * 2**attempt)
    return failure


def changed_feed_urls(site: Site, outcome: Outcome) -> list[str]:
    """The public URLs of the subscription files this run wrote (archives are not pinged)."""
    urls = (feed_url(site, written.path) for written in outcome.changed)
    return [url for url in urls if url]


def feed_url(site: Site, path: Path) -> str | None:
    """The public URL of the subscription file at `path`, or None for an archive page."""
    parts = path.relative_to(site.out).parts
    if len(parts) >= 3 and parts[-3] == ARCHIVE_FOLDER and parts[-2].isdigit():
        return None
    return folder_url(site.settings, "") + "/".join(urllib.parse.quote(p) for p in parts)


def _read_json(path: Path) -> object:
    """What one of our state files holds, or None if it is missing or damaged:
    the state is then rebuilt, at the cost of some work done again."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
