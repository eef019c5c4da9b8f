"""pandockit: publish Jupyter notebooks as Jekyll blog posts, through pandoc and panflute."""

from pandockit.startup import cheaper_yaml_import

__version__ = "0.1.0"

cheaper_yaml_import()  # before anything imports PyYAML: see pandockit.startup
