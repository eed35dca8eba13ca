"""What both construct kinds share, knowing neither.

``provider`` (the one handler function of a stack, its role and policies, and the custom
resources it serves) with ``permissions`` (the action lists, the cdk-nag reasons, statements
that name each resource once) and ``bundling`` (the handler's Lambda asset); ``ipackage`` (the
``IPackage`` protocol through which associations learn what they need of a package);
``naming`` (the service's naming rules, kept in step with the handler's by a test); ``api``
(package types and the limits the service and CloudFormation set); ``values`` (checks of literal
values); ``errors`` (``Subject``, which alone writes the "DomainPackages 'X'" label of messages).

The kinds, ``packages`` and ``associations``, import from here; nothing here imports them.
"""
