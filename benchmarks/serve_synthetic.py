"""Serve the atlas over a synthetic dataset of ``--units`` hromada-level units (for benchmarks).

python benchmarks/serve_synthetic.py --units 30000 [--port 8070]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.synthetic import synthetic_dataset  # noqa: E402
from layouts import create_app  # noqa: E402
from loaders import load_demo, read_assumptions  # noqa: E402

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=30_000)
    parser.add_argument("--port", type=int, default=8070)
    args = parser.parse_args()
    app = create_app(synthetic_dataset(load_demo(), args.units), read_assumptions())
    app.run(host="127.0.0.1", port=args.port, debug=False)
