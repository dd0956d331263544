/* Tables (Dash AG Grid) whose 1.3 MB script is not parsed before the page draws.

The page is sent without Dash AG Grid's script (layouts/app.py, ``lazy_grid_script``) and names it in
``window.atlasGridScript``. Until it has run, ``window.dash_ag_grid.AgGrid`` is the small component below: it
draws an empty box, waits for the page's graphs to be drawn (4 s at most), then loads the script and draws
the real table in the box with the same properties. Every table of the app is drawn through it, before and
after, so no table is drawn twice or loses what the user set. ``getApi``/``getApiAsync`` answer for the real
ones (``getApiAsync`` once the script has run).
*/
(function () {
    if (window.dash_ag_grid || !window.atlasGridScript || !window.React) {
        return; // the script is in the page after all (or nothing to load)
    }
    const React = window.React;
    let real = null;
    let loading = null;

    function drawn() {
        const graphs = document.querySelectorAll(".js-plotly-plot");
        return Array.from(graphs).every((gd) => gd._fullLayout && !gd.closest(".dash-graph--pending"));
    }

    function load() {
        if (!loading) {
            loading = (async () => {
                for (let i = 0; i < 40 && !(document.querySelector(".js-plotly-plot") && drawn()); i++) {
                    if (i >= 5 && !document.querySelector(".dash-graph, .js-plotly-plot")) {
                        break; // no graph on this page: the table is what it shows
                    }
                    await new Promise((done) => setTimeout(done, 100));
                }
                await new Promise((done, failed) => {
                    const script = document.createElement("script");
                    script.src = window.atlasGridScript;
                    script.onload = done;
                    script.onerror = () => failed(new Error("Dash AG Grid's script did not load"));
                    document.head.appendChild(script);
                });
                real = window.dash_ag_grid;
                for (const name of Object.keys(real)) {
                    if (name !== "AgGrid") {
                        lazy[name] = real[name];
                    }
                }
                window.dash_ag_grid = lazy; // every table stays drawn through AgGrid below
                return real;
            })();
        }
        return loading;
    }

    function AgGrid(props) {
        const [, setReady] = React.useState(Boolean(real));
        React.useEffect(() => {
            if (!real) {
                load().then(() => setReady(true));
            }
        }, []);
        if (real) {
            return React.createElement(real.AgGrid, props);
        }
        return React.createElement("div", {
            id: props.id,
            className: `${props.className || ""} atlas-grid-loading`,
            style: props.style,
            "aria-busy": "true",
        });
    }
    // what the renderer reads from Dash AG Grid's component: it passes dashRenderType, keeps selectedRows
    AgGrid.dashRenderType = true;
    AgGrid.dashPersistence = {persisted_props: ["selectedRows"], persistence_type: "local"};

    const lazy = {
        AgGrid,
        getApi: (id) => {
            if (!real) {
                throw new Error(`the table ${id} is not drawn yet`); // as Dash AG Grid's own, before a table is drawn
            }
            return real.getApi(id);
        },
        getApiAsync: async (id) => (await load()).getApiAsync(id),
    };
    window.dash_ag_grid = lazy;
})();
