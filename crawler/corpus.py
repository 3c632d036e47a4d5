"""The corpus as data, for notebooks and scripts: ``crawler.corpus.open(path)``.

>>> import crawler.corpus
>>> corpus = crawler.corpus.open("corpus", sites="cbc", since="2024-05-01")  # doctest: +SKIP
>>> frame = corpus.to_pandas()  # doctest: +SKIP

See crawler/store/dataset.py and docs/corpus-api.md.
"""

from crawler.store.dataset import FIELDS, Dataset
from crawler.store.dataset import open_dataset as open  # crawler.corpus.open reads well
from crawler.store.export import FORMATS, export

__all__ = ["FIELDS", "FORMATS", "Dataset", "export", "open"]
