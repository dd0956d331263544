/* On a phone (a narrow screen) the map keeps its colour bar and mode bar off the map:
   the colour bar lies under it and the mode bar in a strip above it. Local file, no network. */
(function () {
  var NARROW = 600;
  function fit(gd) {
    if (window.innerWidth > NARROW || !gd.data || !gd.layout || typeof Plotly === "undefined") return;
    if (!gd.layout.geo) return;  // maps only
    var layerIndex = [];
    gd.data.forEach(function (trace, i) {
      if (trace.showscale !== false && trace.colorbar && trace.colorbar.orientation !== "h") layerIndex.push(i);
    });
    if (layerIndex.length) {
      Plotly.restyle(gd, {
        "colorbar.orientation": "h", "colorbar.x": 0.5, "colorbar.xanchor": "center",
        "colorbar.y": 0, "colorbar.yanchor": "top", "colorbar.thickness": 10, "colorbar.title.side": "top",
        "colorbar.len": 0.95
      }, layerIndex);
    }
    if (!gd.layout.margin || gd.layout.margin.b !== 110) {
      Plotly.relayout(gd, {"margin.t": 34, "margin.b": 110, "legend.y": -0.32, "legend.yanchor": "top", "height": 480});
    }
  }
  function hook() {
    document.querySelectorAll(".js-plotly-plot").forEach(function (gd) {
      if (gd._atlasPhone || !gd.on) return;
      gd._atlasPhone = true;
      gd.on("plotly_afterplot", function () { fit(gd); });
      fit(gd);
    });
  }
  new MutationObserver(hook).observe(document.documentElement, {childList: true, subtree: true});
})();
