"""The upgrade check kind: before a domain's engine upgrade, every plugin it runs must have a
package for the target engine version.

``kind.KIND`` is what ``main.KINDS`` registers; spec → plan → operation (→ the shared adapter)
is the path of one request.
"""
