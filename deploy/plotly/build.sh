#!/bin/sh
# Rebuild layouts/static/plotly.min.js: plotly.js (the version the Python plotly package ships) with only
# the trace types the atlas draws (entry.js), as plotly.js's own esbuild settings make its bundles
# (esbuild-config.js of plotly.js). The app serves it in place of the full plotly.min.js (layouts/app.py,
# serve_plotly_js). After a plotly upgrade: set the same plotly.js version in package.json, run this.
#   sh deploy/plotly/build.sh      (needs node and npm; nothing is downloaded at run time)
set -e
cd "$(dirname "$0")"
npm install --no-audit --no-fund --ignore-scripts
version=$(node -p "require('plotly.js/package.json').version")
npx esbuild entry.js --bundle --minify --format=iife --global-name=Plotly --target=es2016 \
  --define:global=window --define:define.amd=false --define:process.env.NODE_DEBUG=false \
  --alias:stream=stream-browserify --loader:.css=empty \
  "--banner:js=/*! plotly.js v$version, atlas build: core (scatter), choropleth, bar (deploy/plotly/build.sh). MIT licence, Copyright 2012-2026 Plotly, Inc. */" \
  --outfile=../../layouts/static/plotly.min.js
