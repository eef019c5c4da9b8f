"""The panflute filters, one concern each; :mod:`pandockit.pipeline` fixes their order."""
