/* The in-place repaint measured by benchmarks/renderer_bench.py (not yet the app's): a metric switch
   that gives the paths already drawn their new fill colours, and the colour bar, hover values and
   template, without Plotly computing the geometry again.

   Plotly recomputes every path of a geo choropleth when its values or colour range change (edit type
   "calc": 8-13 s at 30,000 units). When the units without a value are the same before and after,
   only the colours change: the values are written where Plotly keeps them (the trace, and each
   point of gd.calcdata, which the hover reads), a restyle of the trace's name and colour bar (edit
   types "style" and "colorbars") makes Plotly draw the colour bar, and each path gets its fill here
   (Plotly's "style" step does not restyle a geo choropleth's paths: it fills them only when it draws
   them). Otherwise (a unit gains or loses its value: a path to add or remove) nothing is done
   and the caller lets Plotly draw the figure again.

   A colour bar whose labels have another width moves Plotly's automatic margin, and Plotly then lays
   out and draws the whole map again (as slow as the full redraw): the repaint is fast only with a
   fixed margin (layout.margin.autoexpand false, as the "+margin" ways of the benchmark). */
(function () {
    function known(v) {
        return typeof v === "number" && isFinite(v);
    }

    /* trace with the attributes of part: a null value removes the attribute (as a Patch of null would
       leave nothing to draw, and as plotly.py leaves out an attribute that is None) */
    function assign(trace, part) {
        for (const key of Object.keys(part)) {
            if (part[key] === null || part[key] === undefined) { delete trace[key]; } else { trace[key] = part[key]; }
        }
        return trace;
    }

    function rgb(colour) {
        const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
        if (hex) { return hex.slice(1).map(h => parseInt(h, 16)); }
        return colour.replace(/[^0-9.,]/g, "").split(",").slice(0, 3).map(Number);
    }

    /* the fill of a value as Plotly's geo choropleth gives it: the resolved colour scale spread over
       [zmin, zmax], linear in RGB, each channel rounded, values beyond the ends clamped */
    function fills(trace) {
        const low = trace.zmin, high = trace.zmax;
        const stops = trace.colorscale.map(s => [low + s[0] * (high - low), rgb(s[1])]);
        return function (v) {
            const x = Math.min(high, Math.max(low, v));
            let i = 1;
            while (i < stops.length - 1 && x > stops[i][0]) { i++; }
            const [x0, c0] = stops[i - 1], [x1, c1] = stops[i];
            const t = x1 > x0 ? (x - x0) / (x1 - x0) : 0;
            const c = c0.map((a, k) => Math.round(a + (c1[k] - a) * t));
            return "rgb(" + c.join(", ") + ")";
        };
    }

    /* layer: the value trace's new attributes (z, zmin, zmax, zmid, colorscale, hovertemplate, name,
       colorbar). Returns a promise of true when repainted in place, false when nothing was done. */
    function repaint(gd, layer) {
        const cd = gd && gd.calcdata && gd.calcdata[0];
        const trace = gd && gd.data && gd.data[0];
        const z = layer && layer.z;
        if (!cd || !trace || !Array.isArray(z) || cd.length !== z.length || !window.Plotly) {
            return Promise.resolve(false);
        }
        for (let i = 0; i < z.length; i++) {
            if (cd[i].index !== i || known(z[i]) !== known(cd[i].z)) { return Promise.resolve(false); }
        }
        for (let i = 0; i < z.length; i++) { cd[i].z = z[i]; }
        const rest = Object.assign({}, layer);
        delete rest.name;
        delete rest.colorbar;
        assign(trace, rest);
        /* "style" (name) draws the fills from gd.calcdata and the new range; "colorbars" the colour bar */
        const update = {
            name: [layer.name === undefined ? trace.name : layer.name],
            colorbar: [layer.colorbar === undefined ? trace.colorbar : layer.colorbar],
        };
        /* the geo choropleth restyles its fills only when it draws its paths: they are set here */
        return window.Plotly.restyle(gd, update, [0]).then(() => {
            const fill = fills(gd._fullData[0]);
            const group = gd.querySelector(".choroplethlayer .trace.choropleth");
            group.querySelectorAll("path.choroplethlocation").forEach(p => p.setAttribute("fill", fill(p.__data__.z)));
            return true;
        });
    }

    window.atlasMapRepaint = repaint;
})();
