"""Startup of the kernels that execute the documentation's pages (docs/conf.py sets IPYTHONDIR
here): a warning shows as ``Class: message``, wrapped to the page's width, without the
temporary file name and source line of the cell that raised it."""

import textwrap
import warnings


def _format(message, category, filename, lineno, line=None):
    text = f"{category.__name__}: {message}"
    return "\n".join(textwrap.wrap(text, width=96, subsequent_indent="    ")) + "\n"


warnings.formatwarning = _format
