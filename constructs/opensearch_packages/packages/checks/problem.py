"""``Problem``: one thing wrong with a package file, as every check reports it.

The checks are pure (the file's bytes in, a list of problems out) so that each is tested without
a stack; ``Package`` turns the problems of a local ``source`` into one ``ValueError``.

Every rule cites the page or source it relies on, by these short names:

* custom-plugins: "Managing custom plugins in Amazon OpenSearch Service",
  https://docs.aws.amazon.com/opensearch-service/latest/developerguide/custom-plugins.html
* third-party: "Installing third-party plugins in Amazon OpenSearch Service",
  https://docs.aws.amazon.com/opensearch-service/latest/developerguide/plugins-third-party.html
* plugin-descriptor: OpenSearch's plugin descriptor template and the code that reads it,
  https://github.com/opensearch-project/OpenSearch/blob/main/buildSrc/src/main/resources/plugin-descriptor.properties
  and ``PluginInfo.readFromProperties``, ``InstallPluginCommand.unzip``
* solr-synonyms: Lucene's ``SolrSynonymParser`` (the parser OpenSearch's synonym filters use),
  https://github.com/apache/lucene/blob/main/lucene/analysis/common/src/java/org/apache/lucene/analysis/synonym/SolrSynonymParser.java
* word-lists: OpenSearch's ``Analysis.getWordList``/``getReaderFromFile``: analysis files
  "must be UTF-8 encoded"
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a package file.

    :param where: The line or entry, e.g. ``"line 3"`` or ``"entry 'x/y.properties'"``; empty
        when it is about the whole file.
    :param what: What is wrong, and the rule (with its page).
    :param fix: What to do about it.
    """

    where: str
    what: str
    fix: str
