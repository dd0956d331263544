/* The map's metric switch, repainted in place (issue 17; layouts/pages/map.py registers it).

   The server sends what a metric switch changes (layouts.figures.map_change: for the value layer
   and the "no data" layer, the attributes that change) to a store beside the map; the clientside
   callback atlas_map.switch_metric applies it to the figure drawn.

   Plotly recomputes every path of a geo choropleth when its values or colour range change (edit
   type "calc": 4-13 s at 30,000 units). When the units without a value are the same before and
   after, only the colours change, and repaint() below gives the paths already drawn their new
   fills without Plotly computing the geometry again:
   - the values are written where Plotly keeps them: the trace (gd.data[0]) and each point of
     gd.calcdata, which the hover reads;
   - a restyle of the trace's name and colour bar (edit types "style" and "colorbars") makes Plotly
     take the new range, scale and hover template into its resolved trace and draw the colour bar;
   - each path with a value is then given its fill, computed as Plotly computes it (fills() below:
     the resolved colour scale over [zmin, zmax], linear in RGB, channels rounded). Plotly's "style"
     step does not restyle a geo choropleth's paths (it fills them only when it draws them), and
     Plotly's own choropleth style function, which also sets each path's outline and opacity, took
     4.6 s at 30,000 units (setting the fill alone: about 0.15 s).
   The other traces Plotly holds (the "no data" layer: the same units, a new hover template) are given
   the change's attributes first, so that the restyle resolves them too. Then the figure Dash holds is
   changed the same way and the callback returns no update: Dash's graph does not call Plotly.react,
   which would compute and draw every path again (measured: a Plotly.react of an unchanged geo figure
   draws it again), and the next change or selection patch starts from the figure drawn.

   Otherwise (a unit gains or loses its value: paths to add or remove) the figure is returned with
   layout.datarevision one higher, and Plotly draws it again.

   Either way the figure equals what a direct load of the same view draws: attributes the server
   sends as null are deleted (a direct load leaves them out).

   A colour bar whose labels have another width would move Plotly's automatic margin, and Plotly
   would then lay out and draw the whole map again: the map's right margin is fixed
   (layouts.figures.COLORBAR_MARGIN, margin.autoexpand false).

   benchmarks/renderer_bench.py measures repaint() on a page with plotly.js alone. */
(function () {
    "use strict";
    var GRAPH = "#map-graph .js-plotly-plot";

    function known(v) {
        return typeof v === "number" && isFinite(v);
    }

    /* trace with the attributes of part; a null value removes the attribute */
    function assign(trace, part) {
        Object.keys(part).forEach(function (key) {
            if (part[key] === null || part[key] === undefined) { delete trace[key]; } else { trace[key] = part[key]; }
        });
        return trace;
    }

    function rgb(colour) {
        var hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
        if (hex) { return hex.slice(1).map(function (h) { return parseInt(h, 16); }); }
        return colour.replace(/[^0-9.,]/g, "").split(",").slice(0, 3).map(Number);
    }

    /* the fill of a value as Plotly's geo choropleth gives it: the resolved colour scale spread over
       [zmin, zmax], linear in RGB, each channel rounded, values beyond the ends clamped */
    function fills(trace) {
        var low = trace.zmin, high = trace.zmax;
        var stops = trace.colorscale.map(function (s) { return [low + s[0] * (high - low), rgb(s[1])]; });
        return function (v) {
            var x = Math.min(high, Math.max(low, v));
            var i = 1;
            while (i < stops.length - 1 && x > stops[i][0]) { i++; }
            var x0 = stops[i - 1][0], c0 = stops[i - 1][1], x1 = stops[i][0], c1 = stops[i][1];
            var t = x1 > x0 ? (x - x0) / (x1 - x0) : 0;
            var c = c0.map(function (a, k) { return Math.round(a + (c1[k] - a) * t); });
            return "rgb(" + c.join(", ") + ")";
        };
    }

    /* layer: the value trace's new attributes (z, zmin, zmax, colorscale, hovertemplate, name,
       colorbar, ...). A promise of true when repainted in place, of false when nothing was done
       (not drawn yet, other units, or a unit that gains or loses its value). */
    function repaint(gd, layer) {
        var cd = gd && gd.calcdata && gd.calcdata[0];
        var trace = gd && gd.data && gd.data[0];
        var z = layer && layer.z;
        if (!cd || !trace || !Array.isArray(z) || cd.length !== z.length || !window.Plotly) {
            return Promise.resolve(false);
        }
        for (var i = 0; i < z.length; i++) {
            if (cd[i].index !== i || known(z[i]) !== known(cd[i].z)) { return Promise.resolve(false); }
        }
        for (i = 0; i < z.length; i++) { cd[i].z = z[i]; }
        var rest = Object.assign({}, layer);
        delete rest.name;
        delete rest.colorbar;
        assign(trace, rest);
        /* "style" (name) resolves the trace again with its new range, scale and hover template;
           "colorbars" draws the colour bar */
        var update = {
            name: [layer.name === undefined ? trace.name : layer.name],
            colorbar: [layer.colorbar === undefined ? trace.colorbar : layer.colorbar],
        };
        return window.Plotly.restyle(gd, update, [0]).then(function () {
            /* the fills: gd.calcdata's values over the resolved scale (a path without a value had none
               before either: it is left as it is) */
            var fill = fills(gd._fullData[0]);
            var group = gd.querySelector(".choroplethlayer .trace.choropleth");
            group.querySelectorAll("path.choroplethlocation").forEach(function (path) {
                if (path.__data__ && known(path.__data__.z)) { path.setAttribute("fill", fill(path.__data__.z)); }
            });
            gd.emit("plotly_afterplot");  // drawn (Plotly's restyle said so before the fills were set)
            return true;
        });
    }

    /* figure with each trace's attributes changed as change.traces says (new objects: Dash's copy of
       the figure is not changed) */
    function patched(figure, change) {
        var data = figure.data.slice();
        change.traces.forEach(function (part, i) { data[i] = assign(Object.assign({}, data[i]), part); });
        return Object.assign({}, figure, {data: data});
    }

    function same(a, b) {
        return Array.isArray(a) && Array.isArray(b) && a.length === b.length && String(a) === String(b);
    }

    /* the clientside callback: the metric switch's change (the store) applied to the figure drawn;
       no update when repainted in place (the figure Dash holds changed to match), else the new figure */
    function switchMetric(change, figure) {
        var no = window.dash_clientside.no_update;
        if (!change || !Array.isArray(change.traces) || !figure || !Array.isArray(figure.data)) { return no; }
        var gd = document.querySelector(GRAPH);
        var parts = change.traces;
        /* the same units drawn (the figure Plotly holds is this one), the same units without a value */
        var inPlace = !!(gd && gd.data && gd.data.length === figure.data.length && parts.length > 1 &&
            same(gd.data[0].locations, figure.data[0].locations) &&
            same(gd.data[1].locations, parts[1].locations));
        if (inPlace) {
            for (var i = 1; i < parts.length; i++) { assign(gd.data[i], parts[i]); }
        }
        return (inPlace ? repaint(gd, parts[0]) : Promise.resolve(false)).then(function (done) {
            if (done) {
                parts.forEach(function (part, k) { assign(figure.data[k], part); });
                return no;
            }
            var next = patched(figure, change);
            var layout = figure.layout || {};
            next.layout = Object.assign({}, layout, {datarevision: (layout.datarevision || 0) + 1});
            return next;
        });
    }

    window.atlasMap = {repaint: repaint, switchMetric: switchMetric};
    window.dash_clientside = window.dash_clientside || {};
    window.dash_clientside.atlas_map = {switch_metric: switchMetric};
})();
