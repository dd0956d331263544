"""Component ids, in one place; each carries its page's name as a prefix."""

# the shell (every page)
URL = "app-url"
PAGE = "app-page"
NAV = "app-nav"
LANG_LINK = "app-lang-link"
LANG = "app-lang"
PERIOD = "app-period"
COMPARE = "app-compare"

# overview
OVERVIEW_FIGURES = "overview-figures"
OVERVIEW_MAP = "overview-map"
OVERVIEW_METRIC = "overview-metric"
OVERVIEW_RANKING = "overview-ranking"
OVERVIEW_TREND = "overview-trend"
OVERVIEW_DRAWN = "overview-drawn"

# map
LEVEL = "map-level"
METRIC = "map-metric"
OBLAST = "map-oblast"
RESET = "map-reset"
SEARCH = "map-search"
MAP = "map-graph"
MAP_CAPTION = "map-caption"
TABLE = "map-table"
#: which rows the map table holds (level, oblast, language, tables): a metric switch sends none
TABLE_ROWS = "map-table-rows"
DOWNLOAD_BUTTON = "map-download-button"
DOWNLOAD = "map-download"
BREADCRUMB = "map-breadcrumb"
NOTE = "map-note"
PROFILE = "map-profile"
SELECTED = "map-selected"
DRAWN = "map-drawn"
#: what a metric switch changes in the map drawn (layouts.figures.map_change), repainted in the browser
MAP_CHANGE = "map-change"

# profile
PROFILE_SEARCH = "profile-search"
PROFILE_BODY = "profile-body"
PROFILE_TREND = "profile-trend"

# method
METHOD_BODY = "method-body"
