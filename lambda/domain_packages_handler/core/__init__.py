"""What every resource kind shares: the waiting shell, the outcome vocabulary, the one adapter
to OpenSearch Service, failure reasons, naming rules and the crhelper seam.

Nothing here knows a resource kind. A kind (``associations``, ``packages``) is a sibling package
with its own typed state, pure plan and operation, registered in ``main.KINDS``.
"""
