"""The DomainPackages kind: associate packages with a domain, keep them there, let them go.

``kind.KIND`` is what ``main.KINDS`` registers; model → spec → target → plan → operation →
service is the path of one request.
"""
