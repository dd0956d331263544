"""The Dash application: the page shell, routing, language, session and geometry routes.

URLs are ``/<lang>/<page>?<state>``: ``/uk/map?level=hromada&oblast=...&metric=gap_fte``
restores the map as it was shared. The language switch links to the same
page in the other language.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import dash
import flask
from dash import Input, Output, dcc, html
from flask.sessions import SecureCookieSessionInterface

from core.text import LANGS, other_lang, t
from loaders import Dataset, sandbox

from . import auth, fastjson, guard, ids, layout_cache
from .auth import Authenticator
from .jobs import background_manager
from .layout_cache import layout_cache_bytes
from .pages import data as data_page
from .pages import funding, method, overview, profile, scenarios
from .pages import map as map_page
from .state import AtlasState, ByteCache, StorageError, idle_seconds
from .state import cache_dir as cache_folder
from .views import prepare

__all__ = [
    "PAGES",
    "configure_compression",
    "create_app",
    "geo_response",
    "lazy_grid_script",
    "parse_path",
    "period_controls",
    "preload_first_answers",
    "requested_page",
    "serve_plotly_js",
    "shell_layout",
    "with_period",
]

LOG = logging.getLogger("atlas.app")
#: longest query string a page accepts (a shared link is far shorter)
MAX_SEARCH = 4096
ASSETS = Path(__file__).resolve().parent.parent / "assets"

#: path segment -> (page module, navigation label key)
PAGES = {
    "": (overview, "nav_overview"),
    "map": (map_page, "nav_map"),
    "profile": (profile, "nav_profile"),
    "scenarios": (scenarios, "nav_scenarios"),
    "funding": (funding, "nav_funding"),
    "data": (data_page, "nav_data"),
    "method": (method, "nav_method"),
}


def parse_path(pathname: str | None) -> tuple[str, str]:
    """``/en/map`` -> ``("en", "map")``; no or unknown language -> Ukrainian."""
    parts = [p for p in (pathname or "/").split("/") if p]
    lang = "uk"
    if parts and parts[0] in LANGS:
        lang = parts.pop(0)
    return lang, (parts[0] if parts else "")


def _location(pathname, search) -> tuple[str, str, str]:
    """Language, page and query string of the browser's location (a query string too long is dropped)."""
    lang, page = parse_path(pathname if isinstance(pathname, str) else None)
    return lang, page, (search if isinstance(search, str) and len(search) <= MAX_SEARCH else "")


def _query(search: str) -> dict:
    """``?a=1&b=2`` -> ``{"a": "1", "b": "2"}`` (at most 50 fields)."""
    return dict(parse_qsl(search.lstrip("?"), max_num_fields=50))


def _nav(lang: str, page: str, search: str, period: str | None = None) -> html.Nav:
    other = other_lang(lang)
    keep = f"?{urlencode({'period': period})}" if period else ""  # the period chosen goes along to every page
    links = [
        dcc.Link(t(label, lang), href=f"/{lang}/{name}{keep}", className="active" if name == page else "")
        for name, (_, label) in PAGES.items()
    ]
    links.append(
        dcc.Link(t("language", lang), href=f"/{other}/{page}{search or ''}", id=ids.LANG_LINK, className="lang")
    )
    return html.Nav(links, id=ids.NAV, className="nav", **{"aria-label": "navigation"})


LATEST = "latest"


def with_period(search: str | None, period: str | None) -> str:
    """``search`` (a URL query) with ``period=`` set to ``period`` (removed for the latest)."""
    query = [(k, v) for k, v in parse_qsl((search or "").lstrip("?"), max_num_fields=50) if k != "period"]
    if period:
        query.append(("period", period))
    return f"?{urlencode(query)}" if query else ""


def period_controls(state: AtlasState, lang: str, period: str | None = None) -> tuple[list, str, list, str, dict]:
    """Options and values of the shell's period and comparison selectors, and their holder's style.

    The latest published period is offered as ``latest`` (the data as
    published now); the others by label, newest first. Hidden when the app
    serves files (one dataset, no periods).
    """
    periods = state.periods()
    if not periods:
        return [], LATEST, [], "none", {"display": "none"}
    newest = [
        {"label": t("period_latest", lang, period=periods[-1]), "value": LATEST},
        *({"label": p, "value": p} for p in reversed(periods[:-1])),
    ]
    compare = [{"label": t("period_compare_none", lang), "value": "none"}]
    compare += [{"label": p, "value": p} for p in reversed(periods)]
    return newest, period or LATEST, compare, state.compare_period(period or periods[-1]) or "none", {}


#: Compression of text responses (flask-compress, through Dash's ``compress=True``):
#: brotli when the browser offers it, else gzip; compressed bundles of the
#: Dash and Plotly scripts are kept in memory, so each is compressed once.
COMPRESS_ALGORITHMS = ["br", "gzip"]
_COMPRESSED: dict[str, bytes] = {}


class CompressCache:
    """The smallest cache flask-compress accepts (``get``, ``set``): static files, and kept layouts.

    flask-compress asks it about every response with the key
    ``"<encoding>;<key>"`` (:func:`_compress_cache_key`); a response of no
    static file and no kept layout has the key ``"<encoding>;None"`` and is
    never kept. Static files (a fixed set) are kept for good; the compressed
    forms of kept layouts (``layout:<digest>``, see
    :mod:`layouts.layout_cache`) at most ``ATLAS_LAYOUT_CACHE_MB`` per app,
    least recently used dropped first.
    """

    def __init__(self) -> None:
        self.layouts = ByteCache(layout_cache_bytes())

    def get(self, key: str) -> bytes | None:
        if key.endswith(";None"):
            return None
        if ";layout:" in key:
            return self.layouts.get(key)
        return _COMPRESSED.get(key)

    def set(self, key: str, value: bytes) -> None:
        if key.endswith(";None"):
            return
        if ";layout:" in key:
            self.layouts.set(key, value)
        else:
            _COMPRESSED[key] = value


def _compress_cache_key(request: flask.Request) -> str | None:
    """Cache key of a versioned static file (component bundles, assets: its path and version), or of a kept layout."""
    if request.path.startswith(("/_dash-component-suites/", "/assets/")):
        return f"{request.path}?{request.query_string.decode()}"
    kept = flask.g.get("atlas_layout_key") if flask.has_request_context() else None
    if kept is not None and request.path.endswith("/_dash-layout"):
        return f"layout:{kept}"
    return None


def configure_compression(server: flask.Flask) -> None:
    """Settings of flask-compress: which encodings, and the memory cache of static bundles."""
    server.config.setdefault("COMPRESS_ALGORITHM", COMPRESS_ALGORITHMS)
    server.config.setdefault("COMPRESS_BR_LEVEL", 5)
    server.config.setdefault("COMPRESS_LEVEL", 6)
    server.config.setdefault("COMPRESS_MIN_SIZE", 500)
    server.config.setdefault("COMPRESS_CACHE_KEY", _compress_cache_key)
    server.config.setdefault("COMPRESS_CACHE_BACKEND", CompressCache)


#: Paths of responses a browser keeps in its cache: never a Set-Cookie on them.
CACHEABLE_PATHS = ("/geo/", "/rows/", "/_dash-component-suites/", "/assets/", "/_favicon.ico")
#: Paths whose URL names their content (a version of the session's tables in ``?v=``): read from the
#: session, yet no ``Vary: Cookie`` (the signed cookie changes on every refresh, which would void the cache)
KEYED_PATHS = ("/rows/",)


class CacheFriendlySessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, but the cookie is not refreshed on cacheable responses.

    Pages and callbacks still refresh it (the session stays alive while it
    is used); geometry, scripts and assets carry no ``Set-Cookie``, so
    shared and browser caches keep them.
    """

    def save_session(self, app: flask.Flask, session, response: flask.Response) -> None:
        super().save_session(app, session, response)
        if flask.request.path.startswith(KEYED_PATHS):
            vary = [v for v in response.vary if v.lower() != "cookie"]
            if vary:
                response.headers["Vary"] = ", ".join(vary)
            else:
                response.headers.pop("Vary", None)

    def should_set_cookie(self, app: flask.Flask, session) -> bool:
        if session.modified:
            return True
        if flask.request.path.startswith(CACHEABLE_PATHS):
            return False
        return super().should_set_cookie(app, session)


def geo_response(state: AtlasState, key: str, level: str) -> flask.Response:
    """The geometry of ``level``: gzipped once, cached by the browser for good under its versioned URL.

    ``?v=<digest>`` (what :meth:`AtlasState.geo_url` gives) names one
    content: it is ``immutable`` for a year, public for the default dataset
    (no cookie read or set, no ``Vary: Cookie``), private for a session's
    own upload. Without the version, or with an old one, the browser must
    revalidate (ETag; 304 when unchanged).
    """
    geo = state.geojson(key, level)
    if geo is None:
        flask.abort(404)
    request = flask.request
    gzipped = "gzip" in request.headers.get("Accept-Encoding", "")
    response = flask.Response(geo.gzip if gzipped else geo.content, mimetype="application/geo+json")
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    response.set_etag(geo.digest + ("-gz" if gzipped else ""))
    scope = "public" if state.is_public(key) else "private"
    if request.args.get("v") == geo.digest:
        response.headers["Cache-Control"] = f"{scope}, max-age=31536000, immutable"
    else:
        response.headers["Cache-Control"] = f"{scope}, no-cache"
    return response.make_conditional(request)


#: Which geometry a page draws first, by page and level in its URL.
_FIRST_LEVEL = {"": "oblast", "map": None, "scenarios": "oblast", "funding": "hromada"}


#: plotly.js, loaded by the first graph drawn (not a script of the page itself)
PLOTLY_JS = "_dash-component-suites/plotly/package_data/plotly.min.js"
#: plotly.js with only the trace types the atlas draws (choropleth, bar, scatter), built by
#: ``deploy/plotly/build.sh`` from the plotly.js version the Python plotly package ships
PLOTLY_BUILD = Path(__file__).resolve().parent / "static" / "plotly.min.js"


def serve_plotly_js(app: dash.Dash) -> None:
    """Serve :data:`PLOTLY_BUILD` where the graphs load plotly.js from (:data:`PLOTLY_JS`).

    Dash's graph loads plotly.js from that one URL when the first graph
    mounts (``window._dashPlotlyJSURL``, or ``window.Plotly`` if defined), so
    the smaller build replaces the full one everywhere and no second copy is
    loaded. It is 1.4 MB against 4.8 MB: evaluating it before the first map is
    drawn takes about a third of the time (``benchmarks/map_bench.py``).
    Compressed like the other bundles (flask-compress, kept in memory).
    """
    content = PLOTLY_BUILD.read_bytes()
    etag = hashlib.sha256(content).hexdigest()[:20]

    def plotly_js() -> flask.Response:
        response = flask.Response(content, mimetype="text/javascript")
        response.set_etag(etag)
        return response.make_conditional(flask.request)

    # a rule without variables is matched before Dash's /_dash-component-suites/<package>/<path> rule
    app.server.add_url_rule(f"{app.config.routes_pathname_prefix}{PLOTLY_JS}", "atlas_plotly_js", plotly_js)


#: the script chunks a page with a map loads once its layout is drawn (the graph's, which then loads
#: plotly.js, and the dropdowns'); the table's chunk is left to its turn: the table is not the first thing drawn
MAP_CHUNKS = ("_dash-component-suites/dash/dcc/async-graph.js", "_dash-component-suites/dash/dcc/async-dropdown.js")


#: Dash AG Grid's main script in a page's list of scripts (its 870 KB table chunk it loads itself when drawn)
_GRID_SCRIPT = re.compile(
    r'<script src="([^"]*/_dash-component-suites/dash_ag_grid/dash_ag_grid\.[^"/]*\.js)"></script>\s*'
)


def lazy_grid_script(scripts: str) -> tuple[str, str]:
    """(the page's scripts without Dash AG Grid's, a script that names it for ``assets/lazy_grid.js``).

    Dash puts every component library's script before its renderer, and
    the browser parses all of them before it draws anything: Dash AG Grid's
    1.3 MB too, on a page whose first sight is a map. Without it in the
    list, ``assets/lazy_grid.js`` stands in for the table component and
    loads it once the page's graphs are drawn. When the list has no such
    script (another version's name), the page is left as it is.
    """
    found = _GRID_SCRIPT.search(scripts)
    if found is None:
        return scripts, ""
    named = f"<script>window.atlasGridScript = {json.dumps(found.group(1))};</script>"
    return scripts[: found.start()] + scripts[found.end() :], named


def preload_first_answers(app: dash.Dash, state: AtlasState) -> None:
    """Start the downloads a page waits for with the page itself (``<link rel=preload>``).

    The layout (which carries the page, see ``shell``), the callback graph,
    plotly.js (on pages with a map) and the geometry the page draws first
    would otherwise start only once the scripts have run, and plotly.js
    and the geometry only once the graph is drawn. The page also sends its
    whole URL as the referrer to its own server (``same-origin``), which is
    how the layout knows the page. Dash AG Grid's script waits for the
    page's graphs (:func:`lazy_grid_script`).
    """
    interpolate = app.interpolate_index
    prefix = app.config.requests_pathname_prefix or "/"

    def interpolate_index(**kwargs):
        _, page = parse_path(flask.request.path)
        links = [
            '<meta name="referrer" content="same-origin">',
            f'<link rel="preload" href="{prefix}_dash-layout" as="fetch" crossorigin="anonymous">',
            f'<link rel="preload" href="{prefix}_dash-dependencies" as="fetch" crossorigin="anonymous">',
        ]
        level = _FIRST_LEVEL.get(page, "")
        if level is None:
            level = flask.request.args.get("level") or "oblast"
        if level in ("oblast", "raion", "hromada"):
            for script in (PLOTLY_JS, *MAP_CHUNKS):
                links.append(f'<link rel="preload" href="{prefix}{script}" as="script">')
            url = state.geo_url(level)
            links.append(f'<link rel="preload" href="{url}" as="fetch" crossorigin="anonymous">')
        kwargs["scripts"], named = lazy_grid_script(kwargs.get("scripts", ""))
        kwargs["metas"] = kwargs.get("metas", "") + "".join(links) + named
        return interpolate(**kwargs)

    app.interpolate_index = interpolate_index


def requested_page(referrer: str | None, host: str) -> tuple[str, str] | None:
    """(path, query string) of the page a layout request comes from, by its ``Referer``; None when unknown.

    Only a referrer of this server (same host) and a path of a page count;
    the page's own ``<meta name="referrer" content="same-origin">`` keeps
    the browser sending the whole URL to its own server.
    """
    if not referrer or len(referrer) > MAX_SEARCH + 2048:
        return None
    parts = urlsplit(referrer)
    if parts.netloc != host or parts.scheme not in ("http", "https"):
        return None
    _, page = parse_path(parts.path)
    if page not in PAGES or not parts.path.startswith("/"):
        return None
    return parts.path, (f"?{parts.query}" if parts.query else "")


def document_data(lang: str, page: str) -> dict:
    """The page's language and the browser tab's title: "Карта — Атлас …" or "Map — … Atlas …"."""
    label = PAGES.get(page, (None, None))[1]
    tab = f"{t(label, lang)} — {t('title', lang)}" if label else t("title", lang)
    return {"lang": lang, "title": tab}


def _period_choice(choice_id: str, options: list, value, width: str) -> dcc.Dropdown:
    """A period selector of the shell (the period shown, or the one compared with): a closed list, no typing."""
    return dcc.Dropdown(
        id=choice_id, options=options, value=value, clearable=False, searchable=False, style={"width": width}
    )


def shell_layout(
    location: dict | None = None,
    lang: str = "uk",
    body=None,
    nav=None,
    title: str | None = None,
    document: dict | None = None,
    period: dict | None = None,
) -> html.Div:
    """The page shell: URL, language, header (title, navigation, period selectors), the page, the busy note.

    Empty, it is filled by the routing callbacks; with ``location`` (the
    URL component's ``pathname``, ``search`` and ``href``) and the rest it
    is the page as drawn, and the URL component reports no change.
    """
    period = period or {}
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh="callback-nav", **(location or {})),
            dcc.Store(id=ids.LANG, data=lang),
            dcc.Store(id="app-document", data=document),
            html.Header(
                [
                    html.H1(title, id="app-title"),
                    html.Div(nav, id="app-nav-holder"),
                    html.Div(
                        [
                            html.Label(period.get("label"), id="app-period-label", htmlFor=ids.PERIOD),
                            _period_choice(ids.PERIOD, period.get("options", []), period.get("value"), "200px"),
                            html.Label(period.get("compare_label"), id="app-compare-label", htmlFor=ids.COMPARE),
                            _period_choice(
                                ids.COMPARE, period.get("compare_options", []), period.get("compare"), "170px"
                            ),
                        ],
                        id="app-period-holder",
                        className="controls period",
                        style=period.get("style", {"display": "none"}),
                    ),
                ],
                className="header",
            ),
            html.Main(body, id=ids.PAGE, className="atlas"),
            # shown by assets/busy.js while an answer of the server takes more than 300 ms
            html.Div(
                [html.Span(t("busy", lang), lang=lang, className=f"busy-{lang}") for lang in ("uk", "en")],
                id="app-busy",
                className="busy",
                role="status",
                hidden=True,
            ),
        ]
    )


def create_app(
    dataset: Dataset | None, assumptions, authenticators: Iterable[Authenticator] = (), published=None
) -> dash.Dash:
    """The Dash app over ``dataset``: every asset served locally, state per session.

    ``published`` (a :class:`store.serving.PublishedData`) replaces
    ``dataset``: every session then sees the store's latest publication.

    ``authenticators`` (see :mod:`layouts.auth`) decide who may use it;
    none: the atlas is open. Every route but ``/healthz`` is checked.
    """
    fastjson.install()  # layouts and answers written by orjson in one pass
    server = flask.Flask(__name__)
    server.session_interface = CacheFriendlySessions()
    configure_compression(server)  # before Dash turns compression on with these settings
    app = dash.Dash(
        __name__,
        server=server,
        title=t("title"),
        serve_locally=True,
        assets_folder=str(ASSETS),
        update_title=None,
        suppress_callback_exceptions=True,
        compress=True,
        background_callback_manager=(jobs := background_manager(cache_folder())),
    )
    auth.install(app.server, authenticators)
    # uploads are read in child processes of a forkserver (loaders.sandbox): start it now, not on the first upload
    threading.Thread(target=sandbox.warm_up, name="atlas-sandbox-warm-up", daemon=True).start()
    state = AtlasState(app.server, dataset, assumptions, prepare, published=published)
    # uploads travel base64-encoded inside a callback request: about 4/3 of the file
    app.server.config["MAX_CONTENT_LENGTH"] = int(data_page.upload_limit_bytes() * 1.4) + 2**20
    app.server.extensions["atlas_state"] = state
    preload_first_answers(app, state)
    serve_plotly_js(app)
    app.server.extensions["atlas_jobs"] = jobs  # ``app:celery_app`` (Celery workers) reads it

    @app.server.route("/geo/<key>/<level>.json")
    def geo(key: str, level: str):
        return geo_response(state, key, level)

    @app.server.route("/healthz")
    def healthz():
        """200 when the session store can keep state (folder writable, Redis reachable), else 503."""
        try:
            state.check()
        except StorageError as exc:
            return {"status": "unavailable", "problem": str(exc)}, 503
        return {"status": "ok"}

    @app.server.errorhandler(StorageError)
    def storage_unavailable(exc: StorageError):
        LOG.error("session storage failed: %s", exc)
        return {"status": "unavailable", "problem": "session storage is unavailable; try again later"}, 503

    app.index_string = app.index_string.replace("<html>", '<html lang="uk">', 1)

    def url_period(query: dict) -> str | None:
        """The period a URL names (None: the latest); without one, the session's choice stays."""
        if "period" not in query:
            return state.period()
        return state.published.resolve(query["period"]) if state.published is not None else None

    def period_of(query: dict) -> None:
        """A period named in the URL becomes the session's (published data only)."""
        if state.published is not None and "period" in query:
            state.set_period(url_period(query))

    def shell():
        """The page shell; with the page the browser shows already in it, when the layout request says which.

        The browser asks for the layout from the page itself, so the request's
        ``Referer`` is the page's URL (:func:`requested_page`): the page, the
        navigation, the period selectors and the URL component come filled in,
        and no callback runs before the page is drawn. Without it (a
        referrer policy or proxy that drops it) the shell comes empty and the
        routing callbacks fill it once the URL component reports where it is.
        """
        shown = requested_page(flask.request.referrer, flask.request.host) if flask.has_request_context() else None
        if shown is None:
            return shell_layout()
        pathname, search = shown
        lang, page = parse_path(pathname)
        query = _query(search)
        period_of(query)
        body, nav, title, lang = page_body(lang, page, query, search)
        options, value, compare, compared, style = period_controls(state, lang, url_period(query))
        return shell_layout(
            location={"pathname": pathname, "search": search, "href": flask.request.referrer},
            lang=lang,
            body=body,
            nav=nav,
            title=title,
            document=document_data(lang, page),
            period={
                "options": options,
                "value": value,
                "compare_options": compare,
                "compare": compared,
                "style": style,
                "label": t("period_select", lang),
                "compare_label": t("period_compare", lang),
            },
        )

    app.layout = shell

    # each view's layout written once per what it depends on (see layouts.layout_cache)
    layout_cache.install(app, state, requested_page, parse_path, lambda search: period_of(_query(search)))

    period_outputs = (
        Output(ids.PERIOD, "options"),
        Output(ids.PERIOD, "value"),
        Output(ids.COMPARE, "options"),
        Output(ids.COMPARE, "value"),
        Output("app-period-holder", "style"),
        Output("app-period-label", "children"),
        Output("app-compare-label", "children"),
    )

    @app.callback(
        Output(ids.PAGE, "children"),
        Output("app-nav-holder", "children"),
        Output("app-title", "children"),
        Output(ids.LANG, "data"),
        Input(ids.URL, "pathname"),
        dash.State(ids.URL, "search"),
        prevent_initial_call=True,  # the shell comes with the page (see ``shell``), else the URL reports it
    )
    def route(pathname, search):
        lang, page, search = _location(pathname, search)
        query = _query(search)
        period_of(query)
        return page_body(lang, page, query, search)

    @app.callback(*period_outputs, Input(ids.URL, "pathname"), dash.State(ids.URL, "search"), prevent_initial_call=True)
    def period_selectors(pathname, search):
        """The shell's period selectors, as the URL (else the session) says; runs beside ``route``."""
        lang, _, search = _location(pathname, search)
        period = url_period(_query(search))
        return (*period_controls(state, lang, period), t("period_select", lang), t("period_compare", lang))

    def page_body(lang: str, page: str, query: dict, search: str) -> tuple:
        module = PAGES.get(page, (None, None))[0]
        body = module.layout(state, lang, query) if module else html.P(t("not_found", lang))
        if state.published is not None and state.published.problem:
            body = html.Div([html.P(t("store_lost", lang), className="notice", role="alert"), body])
        if state.data_expired():
            hours = f"{idle_seconds() / 3600:g}"
            body = html.Div([html.P(t("data_expired", lang).format(hours=hours), className="rejected"), body])
        return body, _nav(lang, page, search, state.period()), t("title", lang), lang

    @app.callback(
        Output(ids.PAGE, "children", allow_duplicate=True),
        Output("app-nav-holder", "children", allow_duplicate=True),
        Output(ids.URL, "search", allow_duplicate=True),
        Output(ids.COMPARE, "value", allow_duplicate=True),
        Input(ids.PERIOD, "value"),
        Input(ids.COMPARE, "value"),
        dash.State(ids.URL, "pathname"),
        dash.State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def choose_period(period, compare, pathname, search):
        """Another period (or comparison) chosen: every table of the page is that period's, and the URL says so."""
        if state.published is None:
            raise dash.exceptions.PreventUpdate
        chosen_before, compare_before = state.period(), state.compare_period()
        triggered = {item["prop_id"].split(".")[0] for item in dash.ctx.triggered}
        if ids.COMPARE in triggered and compare != (compare_before or "none"):
            state.set_compare(compare)
        state.set_period(None if period in (None, LATEST) else period)
        if (state.period(), state.compare_period()) == (chosen_before, compare_before):
            raise dash.exceptions.PreventUpdate  # the route set the selectors to what is already in use
        lang, page, search = _location(pathname, search)
        search = with_period(search, state.period())
        query = _query(search)
        body, nav, _, _ = page_body(lang, page, query, search)
        return body, nav, search, state.compare_period() or "none"

    # a page that rewrites its URL (map state, the profile's code) keeps the period chosen in it
    app.clientside_callback(
        f"""function(search, period) {{
            search = search || "";
            if (!period || period === "{LATEST}" || /(^|[?&])period=/.test(search)) {{
                return window.dash_clientside.no_update;
            }}
            return search + (search.length > 1 ? "&" : "?") + "period=" + encodeURIComponent(period);
        }}""",
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.URL, "search"),
        dash.State(ids.PERIOD, "value"),
        prevent_initial_call=True,
    )

    @app.callback(Output("app-document", "data"), Input(ids.URL, "pathname"), prevent_initial_call=True)
    def document(pathname):
        """The page's language and the browser tab's title: "Карта — Атлас …" or "Map — … Atlas …"."""
        return document_data(*parse_path(pathname if isinstance(pathname, str) else None))

    # the page's language and the browser tab's title follow the URL (screen readers, hyphenation, bookmarks)
    app.clientside_callback(
        """function(doc) {
            if (doc) { document.documentElement.lang = doc.lang; document.title = doc.title; }
            return window.dash_clientside.no_update;
        }""",
        Output("app-document", "id"),
        Input("app-document", "data"),
    )

    @app.callback(
        Output(ids.LANG_LINK, "href"),
        Input(ids.URL, "search"),
        dash.State(ids.URL, "pathname"),
        prevent_initial_call=True,  # the navigation comes with the link
    )
    def language_link(search, pathname):
        lang, page, search = _location(pathname, search)
        other = other_lang(lang)
        return f"/{other}/{page}{search or ''}"

    for module, _ in PAGES.values():
        module.register(app, state)

    def every_page():
        """Every page's layout in both languages, one at a time (the guard waits for an idle server between)."""
        for module, _ in PAGES.values():
            for lang in LANGS:
                with app.server.test_request_context("/"):
                    yield module.layout(state, lang, {})

    guard.install(app, every_page)
    return app
