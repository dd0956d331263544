'use strict';
// plotly.js with the trace types the atlas draws: choropleth (maps), bar and scatter (charts; scatter is in core)
var Plotly = require('plotly.js/lib/core');

Plotly.register([require('plotly.js/lib/choropleth'), require('plotly.js/lib/bar')]);

module.exports = Plotly;
