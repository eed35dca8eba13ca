"""The Package kind: an OpenSearch Service package made, updated and deleted by a stack.

``kind.KIND`` is what ``main.KINDS`` registers; spec → plan → operation → service is the path of
one request.
"""
