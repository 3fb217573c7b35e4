"""``run_lookup``: a lookup's ``run()`` with its options given directly.

A lookup built outside Ansible's plugin loader has no option definitions, so ``set_options`` is
replaced and ``get_option`` reads the given options (absent ones are None, the documented default
of every option these lookups read besides the connection's).
"""

import pytest


@pytest.fixture
def run_lookup():
    def run(lookup_class, terms, **options):
        lookup = lookup_class()
        lookup.set_options = lambda var_options=None, direct=None: None
        lookup.get_option = options.get
        lookup.get_option_and_origin = lambda name: (options.get(name), "direct")
        return lookup.run(terms, **options)
    return run
