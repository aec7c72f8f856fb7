"""Code generator: OpenAPI document -> intermediate representation -> Python client.

The pipeline flows one way: :mod:`generator.load.loader` reads and bundles the document,
:mod:`generator.ir` holds the intermediate representation that
:mod:`generator.build.api` produces from it, :mod:`generator.render.renderer` turns the IR into
files and :mod:`generator.write.atomic` puts them on disk atomically.
"""

__version__ = "0.1.0"
