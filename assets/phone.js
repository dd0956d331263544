/* On a phone (a narrow screen) the map keeps its colour bar and mode bar off the map:
   the colour bar lies under it and the mode bar in a strip above it. After a tap, no hover label
   stays behind: a tap elsewhere, a redraw of the chart (a selection, another metric) or 2 s after a
   tap on a unit takes it away (a touch screen has no "mouse leaves"). Local file, no network. */
(function () {
  var touched = false;
  function unhover(gd) {
    if (typeof Plotly !== "undefined" && Plotly.Fx && gd._fullLayout) Plotly.Fx.unhover(gd);
  }
  window.addEventListener("touchstart", function (event) {
    touched = true;
    document.querySelectorAll(".js-plotly-plot").forEach(function (gd) {
      if (!gd.contains(event.target)) unhover(gd);
    });
  }, {passive: true, capture: true});
  var NARROW = 600;
  function fit(gd) {
    if (window.innerWidth > NARROW || !gd.data || !gd.layout || typeof Plotly === "undefined") return;
    if (!gd.layout.geo) return;  // maps only
    var layerIndex = [];
    (gd._fullData || []).forEach(function (trace) {  // the traces that draw a colour bar, as Plotly resolved them
      if (trace.showscale === true && trace.colorbar && trace.colorbar.orientation !== "h") layerIndex.push(trace.index);
    });
    if (!layerIndex.length) return;
    Plotly.update(gd, {
      "colorbar.orientation": "h", "colorbar.x": 0.5, "colorbar.xanchor": "center", "colorbar.y": -0.02,
      "colorbar.yanchor": "top", "colorbar.thickness": 10, "colorbar.len": 0.95, "colorbar.automargin": false,
      "colorbar.title.text": ""  // the caption above the map names the measure and its unit
    }, {"margin.t": 34, "margin.b": 120, "margin.r": 0, "margin.autoexpand": false, "legend.y": -0.3, "legend.yanchor": "top",
        "height": 480}, layerIndex).then(function () { clean(gd); });
  }
  // Plotly leaves the vertical bar's tick labels and title behind when the orientation changes in place
  function clean(gd) {
    gd.querySelectorAll(".colorbar g[class^='ycb'], .colorbar text[class^='hycb']").forEach(function (e) {
      e.remove();
    });
  }
  function hook() {
    document.querySelectorAll(".js-plotly-plot").forEach(function (gd) {
      if (gd._atlasPhone || !gd.on) return;
      gd._atlasPhone = true;
      gd.on("plotly_afterplot", function () {
        fit(gd);
        if (window.innerWidth <= NARROW) clean(gd);
        if (touched) unhover(gd);
      });
      gd.on("plotly_click", function () { if (touched) setTimeout(function () { unhover(gd); }, 2000); });
      fit(gd);
    });
  }
  new MutationObserver(hook).observe(document.documentElement, {childList: true, subtree: true});
})();
