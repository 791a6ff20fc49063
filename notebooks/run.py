"""Executes notebooks top to bottom in memory (outputs are not written back), failing on error.

Usage: python notebooks/run.py NOTEBOOK.ipynb [...]
"""

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

for name in sys.argv[1:]:
    path = Path(name).resolve()
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    print(f"executed {path.name}: {len(nb.cells)} cells")
