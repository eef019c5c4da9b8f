"""pandockit: publish Jupyter notebooks as Jekyll blog posts, through pandoc and panflute."""

__version__ = "0.1.0"
