"""A Jekyll site made ready for notebook posts (``pandockit init``) and what it loads."""
