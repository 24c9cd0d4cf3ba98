"""How many examples a property test draws: fewer in the README's run, more under `full_length`.

The README's run is what a contributor runs many times a day; CI runs both, so the full count is
still drawn before anything lands.
"""

from __future__ import annotations

import pytest


def examples(*, short: int, full: int) -> pytest.MarkDecorator:
    """Parametrise a test by its example count: `short` by default, `full` under `-m full_length`.
    The test takes an `examples` argument and passes it to Hypothesis's `settings`."""
    return pytest.mark.parametrize(
        "examples",
        [
            pytest.param(short, id="short"),
            pytest.param(full, id="full", marks=pytest.mark.full_length),
        ],
    )
