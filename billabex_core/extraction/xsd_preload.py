"""Imported by the forkserver of ``services.isolation`` (its preload list), by nothing else: the
e-invoice schemas are compiled there once (about 0.7 s, 30 MB), and every child that reads an
upload inherits them instead of compiling UBL's schema for 0.2 s itself."""

from billabex_core.extraction.xsd import warm

warm()
