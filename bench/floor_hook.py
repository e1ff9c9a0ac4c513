"""MkDocs hook for the engine floor: N generated Markdown pages, not in the nav.

The pages come from the JSON file named by $BENCH_FLOOR_PAGES ([[uri, markdown], ...]),
added in memory like dotpha adds its pages, so the floor pays exactly what a plain
Material site pays for the same text.
"""

import json
import os

from mkdocs.structure.files import File, InclusionLevel


def on_files(files, config):
    with open(os.environ["BENCH_FLOOR_PAGES"], encoding="utf-8") as handle:
        pages = json.load(handle)
    for uri, markdown in pages:
        files.append(File.generated(config, uri, content=markdown, inclusion=InclusionLevel.NOT_IN_NAV))
    return files
