"""Help texts from docstrings: reST inline markup turned into plain terminal text."""

from __future__ import annotations

import re

__all__ = ["plain_text"]

_ROLE = re.compile(r":(?:func|meth|class|mod|data|attr|obj|math):`~?([^`]+)`")
_LITERAL = re.compile(r"``([^`]+)``")


def plain_text(doc: str) -> str:
    """``doc`` without reST roles and literals, for ``argparse`` help.

    ``:func:`pymc_slt.compare``` becomes ``pymc_slt.compare()``, other roles and double-backtick
    literals keep their text only.

    Examples
    --------
    >>> plain_text("writes ``index.html``; see :func:`pymc_slt.compare` and :mod:`~x.y`.")
    'writes index.html; see pymc_slt.compare() and x.y.'
    """

    def role(match: re.Match) -> str:
        text = match.group(1)
        return text + "()" if match.group(0).startswith(":func:") else text

    return _LITERAL.sub(r"\1", _ROLE.sub(role, doc))
