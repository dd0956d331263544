"""Make docs/brief.png: page 1 of the Vinnytska oblast brief (English) of the demo atlas, as the README shows it.

    python docs/brief_picture.py   (needs poppler-utils' pdftoppm)

Runs the same command a user runs (``python app.py brief``), then converts
the PDF's first page to PNG with ``pdftoppm``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "brief.pdf"
        subprocess.run(
            [sys.executable, str(ROOT / "app.py"), "brief", "--unit", "UA05", "--lang", "en", "--out", str(pdf)],
            check=True,
            cwd=ROOT,
        )
        page = ["-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile"]
        subprocess.run(["pdftoppm", *page, str(pdf), str(ROOT / "docs" / "brief")], check=True)
    print(f"Wrote {ROOT / 'docs' / 'brief.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
