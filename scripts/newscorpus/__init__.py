"""newscorpus: tooling for the India–Russia Summit News corpus.

Data flows one way: corpus + annotations -> validate -> build -> export.
"""

from .version import CORPUS_VERSION

__version__ = CORPUS_VERSION
__all__ = ["CORPUS_VERSION", "__version__"]
